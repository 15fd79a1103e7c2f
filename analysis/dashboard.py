"""The dashboard of one run: one self-contained HTML page (plotly's JavaScript inlined, works offline).

    /usr/bin/python3 analysis/dashboard.py RUN.h5 [-o DIR] [--bins N] [--frames N] [--plotly-js FILE]
    v2xsim dashboard RUN.h5 [-o DIR]                       # the same, through the simulator's command

writes DIR/<run file stem>.html (DIR default: the run file's folder) with:

- **map**: RSUs with their cells (circles), MECs, the cloud, the RSU -> MEC backhaul; vehicle positions with a
  time slider, coloured by the site serving the vehicle's twin at that time (grey x: no serving instance). The
  run file stores vehicle positions only at handovers (/handovers x, y: entering, changing and leaving a cell),
  so a vehicle is drawn at its last handover position and its track joins its handover positions: the path
  between two handovers is not in the file;
- **placement timeline**: per twin, the site it is placed on (bars in the site's colour, from /migrations) and
  each migration (grey bar from request to end) with its phases (/migration_phases) on hover;
- **latency, AoI, loss over time**: messages in time bins (mean and p95 latency of the delivered ones; losses
  stacked by `cause` when /messages has it, else by outcome), age of information of the vehicle twins (/twins);
- **MEC load**: CPU reserved (% of cores), CPU busy and, when /mecs has `energy_j`, energy, per site;
- **channel load** per RSU as a heat map of the busy fraction, when the file has /channels;
- **faults** (when the file has /faults) shaded on the time plots and listed;
- the run's warm-up (`warmup_s` of /summary or the root, when present) shaded on the time plots.

The page embeds the numbers it shows in `<script type="application/json" id="v2x-figures">` (per-twin migration
count, mean latency per site, message counts by outcome, ...), so tests and other tools can read them back.

Messages are read in chunks and reduced into time bins on the way (memory bounded by the bin count, not the
message count): per bin the count by outcome (and cause), the latency sum (exact mean) and a log-binned latency
histogram (p95 to within the histogram's 2.3 % bin width, as compare.py's CDF).
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import sys
from typing import Dict, List, Optional, Sequence

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import v2xh5  # noqa: E402

#: Log-spaced latency histogram edges (s), 10 us .. 1000 s, 100 bins per decade (2.3 % wide).
LATENCY_EDGES_S = np.logspace(-5, 3, 801)

#: Site colours (MECs in site order); the cloud is drawn in CLOUD_COLOUR, "no serving instance" in NONE_COLOUR.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf",
           "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1")
CLOUD_COLOUR = "#555555"
NONE_COLOUR = "#bbbbbb"


# ---- reading and reducing the run ----


def _names(frame: pd.DataFrame, id_column: str, name_column: str = "name") -> Dict[int, str]:
    return {int(i): str(n) for i, n in zip(frame[id_column], frame[name_column])}


def _ints(series: pd.Series, none: int = -1) -> np.ndarray:
    """An id column (nullable UInt32) as int64 with <NA> -> `none`."""
    return series.astype("Int64").fillna(none).to_numpy(dtype=np.int64)


def _bin_width(duration_s: float, bins: int) -> float:
    """A round bin width giving at most `bins` bins over the run (1, 2, 5 x 10^k s)."""
    raw = max(duration_s, 1e-9) / max(bins, 1)
    exp = math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * 10**exp >= raw:
            return float(m * 10**exp)
    return float(10 ** (exp + 1))


def _hist_quantile(counts: np.ndarray, q: float) -> float:
    """The q-quantile (rank ceil(q n)) from a LATENCY_EDGES_S histogram: the geometric centre of its bin."""
    n = int(counts.sum())
    if n == 0:
        return float("nan")
    rank = max(1, math.ceil(q * n - 1e-9))
    i = int(np.searchsorted(np.cumsum(counts), rank))
    return float(math.sqrt(LATENCY_EDGES_S[i] * LATENCY_EDGES_S[i + 1]))


def collect(path: str, bins: int = 300) -> dict:
    """Everything the page shows, reduced (no per-message rows), as plain Python/pandas objects."""
    d: dict = {"path": path}
    with v2xh5.open_run(path) as run:
        meta = run.metadata()
        summary = run.summary() if run.has_summary() else {}
        d["meta"], d["summary"] = meta, summary
        d["warmup_s"] = run.warmup_s()
        sites = run.table("infrastructure/sites")
        rsus = run.table("infrastructure/rsus")
        stations = run.table("stations")
        d["sites"], d["rsus"], d["stations"] = sites, rsus, stations
        site_name = _names(sites, "site")
        station_name = _names(stations, "station")
        d["site_name"], d["station_name"] = site_name, station_name
        d["rsu_name"] = _names(rsus, "rsu")

        duration = float(summary.get("simulated_s", 0.0) or 0.0)
        if duration <= 0 and run.rows("messages"):
            duration = float(run.table("messages", columns=("created",)).created.max())
        duration = max(duration, 1.0)
        d["duration_s"] = duration
        width = _bin_width(duration, bins)
        nbins = int(math.ceil(duration / width)) + 1
        d["bin_s"], d["nbins"] = width, nbins

        # Messages, chunk by chunk, into bins.
        has_cause = run.has_column("messages", "cause")
        d["loss_by"] = "cause" if has_cause else "outcome"
        columns = ["created", "processed", "outcome", "site"] + (["cause"] if has_cause else [])
        lat_sum = np.zeros(nbins)
        lat_n = np.zeros(nbins, dtype=np.int64)
        lat_hist = np.zeros((nbins, len(LATENCY_EDGES_S) - 1), dtype=np.int64)
        created_n = np.zeros(nbins, dtype=np.int64)
        loss: Dict[str, np.ndarray] = {}
        site_sum: Dict[int, float] = {}
        site_n: Dict[int, int] = {}
        by_outcome: Dict[str, int] = {}
        for part in run.iter_table("messages", rows=500_000, columns=columns):
            b = np.clip((part.created.to_numpy(dtype=float) // width).astype(np.int64), 0, nbins - 1)
            np.add.at(created_n, b, 1)
            outcome = part.outcome.astype(str).to_numpy()
            for name, count in zip(*np.unique(outcome, return_counts=True)):
                by_outcome[str(name)] = by_outcome.get(str(name), 0) + int(count)
            ok = outcome == "delivered"
            lat = part.processed.to_numpy(dtype=float)[ok] - part.created.to_numpy(dtype=float)[ok]
            bd = b[ok]
            np.add.at(lat_sum, bd, lat)
            np.add.at(lat_n, bd, 1)
            li = np.clip(np.searchsorted(LATENCY_EDGES_S, lat, side="right") - 1, 0, len(LATENCY_EDGES_S) - 2)
            np.add.at(lat_hist, (bd, li), 1)
            sites_ok = _ints(part.site)[ok]
            for s in np.unique(sites_ok):
                sel = sites_ok == s
                site_sum[int(s)] = site_sum.get(int(s), 0.0) + float(lat[sel].sum())
                site_n[int(s)] = site_n.get(int(s), 0) + int(sel.sum())
            why = (part.cause.astype(str).to_numpy() if has_cause else outcome)[~ok]
            for name in np.unique(why):
                arr = loss.setdefault(str(name), np.zeros(nbins, dtype=np.int64))
                np.add.at(arr, b[~ok][why == name], 1)
        d["created_per_bin"] = created_n
        d["latency_mean_s"] = np.where(lat_n > 0, lat_sum / np.maximum(lat_n, 1), np.nan)
        d["latency_p95_s"] = np.array([_hist_quantile(h, 0.95) for h in lat_hist])
        d["delivered_per_bin"] = lat_n
        d["loss_per_bin"] = dict(sorted(loss.items()))
        d["messages_by_outcome"] = by_outcome
        d["latency_mean_s_per_site"] = {
            site_name.get(s, str(s)): site_sum[s] / site_n[s] for s in sorted(site_sum) if site_n[s] > 0
        }

        d["handovers"] = run.table("handovers")
        d["migrations"] = run.table("migrations")
        d["phases"] = run.table("migration_phases")
        d["twins"] = run.table("twins")
        d["mecs"] = run.table("mecs")
        d["mecs_has_energy"] = run.has_column("mecs", "energy_j")
        d["channels"] = run.table("channels") if run.has_table("channels") else None
        d["channel_units"] = run.units("channels") if run.has_table("channels") else {}
        d["faults"] = run.table("faults") if run.has_table("faults") else None
    d["migrations_per_twin"] = migrations_per_twin(d["migrations"], d["station_name"])
    return d


def migrations_per_twin(migrations: pd.DataFrame, station_name: Dict[int, str]) -> Dict[str, int]:
    """Completed operations that moved a twin (from_site and to_site both set: policy, manual, recovery ...),
    per station name; every station that had a twin placed is listed, with 0 when it never moved."""
    completed = migrations[migrations.outcome.astype(str) == "completed"]
    placed = sorted(set(_ints(completed.station)))
    moves = completed[completed.from_site.notna() & completed.to_site.notna()]
    counts = moves.groupby(_ints(moves.station)).size()
    return {station_name.get(int(s), str(s)): int(counts.get(s, 0)) for s in placed}


def figures_block(d: dict) -> dict:
    """The numbers embedded in the page (id v2x-figures)."""
    return {
        "run": os.path.basename(d["path"]),
        "policy": d["meta"].get("policy"),
        "mechanism": d["meta"].get("mechanism"),
        "seed": d["meta"].get("seed"),
        "simulated_s": d["duration_s"],
        "warmup_s": d["warmup_s"],
        "bin_s": d["bin_s"],
        "messages_by_outcome": d["messages_by_outcome"],
        "loss_by": d["loss_by"],
        "loss_total_by": {k: int(v.sum()) for k, v in d["loss_per_bin"].items()},
        "migrations_per_twin": d["migrations_per_twin"],
        "latency_mean_s_per_site": d["latency_mean_s_per_site"],
        "optional": {
            "messages.cause": d["loss_by"] == "cause",
            "mecs.energy_j": bool(d["mecs_has_energy"]),
            "channels": d["channels"] is not None,
            "faults": d["faults"] is not None,
        },
    }


# ---- figures ----


def site_colours(d: dict) -> Dict[int, str]:
    colours = {}
    k = 0
    for s, cloud in zip(d["sites"].site, d["sites"].is_cloud):
        if cloud:
            colours[int(s)] = CLOUD_COLOUR
        else:
            colours[int(s)] = PALETTE[k % len(PALETTE)]
            k += 1
    return colours


def _r(values, digits=4):
    """Rounded list for the page (smaller JSON); NaN -> None."""
    arr = np.round(np.asarray(values, dtype=float), digits)
    return [None if not np.isfinite(v) else float(v) for v in arr]


def _twin_site_at(twins: pd.DataFrame):
    """f(station, t) -> site id (-1 none) of the newest /twins sample at or before t."""
    by_station = {}
    if len(twins):
        st = _ints(twins.station)
        tt = twins.time.to_numpy(dtype=float)
        ss = _ints(twins.site)
        order = np.lexsort((tt, st))
        st, tt, ss = st[order], tt[order], ss[order]
        for s in np.unique(st):
            sel = st == s
            by_station[int(s)] = (tt[sel], ss[sel])

    def at(station: int, t: float) -> int:
        if station not in by_station:
            return -1
        times, sites = by_station[station]
        i = int(np.searchsorted(times, t, side="right")) - 1
        return int(sites[i]) if i >= 0 else -1

    return at


def _time_shapes(d: dict, yref: str = "paper") -> List[dict]:
    """Warm-up and fault intervals as shaded rectangles over a time axis."""
    shapes = []
    if d["warmup_s"] > 0:
        shapes.append(dict(type="rect", xref="x", yref=yref, x0=0, x1=d["warmup_s"], y0=0, y1=1,
                           fillcolor="#999999", opacity=0.15, line_width=0, layer="below"))
    for start, end, _ in _fault_intervals(d):
        shapes.append(dict(type="rect", xref="x", yref=yref, x0=start, x1=end, y0=0, y1=1,
                           fillcolor="#d62728", opacity=0.12, line_width=0, layer="below"))
    return shapes


def _fault_intervals(d: dict):
    """(start, end, label) of every /faults row; the columns are found by name (start/time, end/until)."""
    faults = d["faults"]
    if faults is None or not len(faults):
        return []
    cols = list(faults.columns)
    start_col = next((c for c in ("start", "time", "at", "begin") if c in cols), None)
    if start_col is None:
        return []
    end_col = next((c for c in ("end", "until", "repaired", "stop") if c in cols), None)
    out = []
    for _, row in faults.iterrows():
        start = float(row[start_col])
        end = float(row[end_col]) if end_col is not None and pd.notna(row[end_col]) else d["duration_s"]
        if not np.isfinite(end):
            end = d["duration_s"]
        label = ", ".join(f"{c}={row[c]}" for c in cols if c not in (start_col, end_col))
        out.append((start, max(end, start + 1e-3), label))
    return out


def map_figure(d: dict, frames: int = 60):
    import plotly.graph_objects as go

    colours = site_colours(d)
    sites, rsus = d["sites"], d["rsus"]
    fig = go.Figure()
    shapes = []
    for _, r in rsus.iterrows():
        c = colours.get(int(r.site), "#888888") if pd.notna(r.site) else "#888888"
        shapes.append(dict(type="circle", xref="x", yref="y", x0=r.x - r.radius, x1=r.x + r.radius,
                           y0=r.y - r.radius, y1=r.y + r.radius, line=dict(color=c, width=1),
                           fillcolor=c, opacity=0.08, layer="below"))
    # backhaul RSU -> MEC
    sx = {int(s): (float(x), float(y)) for s, x, y in zip(sites.site, sites.x, sites.y)}
    bx, by = [], []
    for _, r in rsus.iterrows():
        if pd.notna(r.site) and int(r.site) in sx:
            bx += [float(r.x), sx[int(r.site)][0], None]
            by += [float(r.y), sx[int(r.site)][1], None]
    fig.add_trace(go.Scatter(x=bx, y=by, mode="lines", line=dict(color="#cccccc", width=1), name="backhaul",
                             hoverinfo="skip"))
    # vehicle tracks: the handover positions of each vehicle joined in time order
    ho = d["handovers"].sort_values(["station", "time"], kind="stable")
    tx, ty = [], []
    for _, g in ho.groupby(_ints(ho.station), sort=True):
        tx += _r(g.x, 1) + [None]
        ty += _r(g.y, 1) + [None]
    fig.add_trace(go.Scatter(x=tx, y=ty, mode="lines", line=dict(color="#dddddd", width=1),
                             name="vehicle tracks (handover positions)", hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=_r(rsus.x, 1), y=_r(rsus.y, 1), mode="markers+text", text=list(rsus.name), textposition="top center",
        marker=dict(symbol="triangle-up", size=10, color=[colours.get(int(s), "#888") if pd.notna(s) else "#888"
                                                           for s in rsus.site], line=dict(color="#000", width=1)),
        name="RSUs (cell circles)",
        hovertext=[f"RSU {n}<br>cell radius {rad:g} m<br>backhaul to {d['site_name'].get(int(s), '-') if pd.notna(s) else '-'}"
                   for n, rad, s in zip(rsus.name, rsus.radius, rsus.site)], hoverinfo="text"))
    mec = sites[~sites.is_cloud]
    cloud = sites[sites.is_cloud]
    fig.add_trace(go.Scatter(
        x=_r(mec.x, 1), y=_r(mec.y, 1), mode="markers+text", text=list(mec.name), textposition="bottom center",
        marker=dict(symbol="square", size=14, color=[colours[int(s)] for s in mec.site],
                    line=dict(color="#000", width=1)), name="MECs",
        hovertext=[f"MEC {n}<br>{c} cores, {m:g} MB, {p} pods" for n, c, m, p in
                   zip(mec.name, mec.cores, mec.memory_mb, mec.pod_slots)], hoverinfo="text"))
    if len(cloud):
        fig.add_trace(go.Scatter(x=_r(cloud.x, 1), y=_r(cloud.y, 1), mode="markers+text", text=list(cloud.name),
                                 textposition="bottom center", name="cloud",
                                 marker=dict(symbol="star", size=18, color=CLOUD_COLOUR), hoverinfo="text",
                                 hovertext=[f"cloud site {n} (drawn at its scenario position)" for n in cloud.name]))

    # vehicles now: last handover position at or before t, coloured by the twin's site at t
    site_at = _twin_site_at(d["twins"])
    names = d["station_name"]
    st, ht, hx, hy, to_rsu = (_ints(ho.station), ho.time.to_numpy(float), ho.x.to_numpy(float),
                              ho.y.to_numpy(float), _ints(ho.to_rsu))
    duration = d["duration_s"]
    times = np.linspace(0.0, duration, max(2, frames) + 1)
    mig = d["migrations"]
    removal = mig[mig.reason.astype(str) == "removal"]
    left_at = removal.groupby(_ints(removal.station)).requested.min().to_dict() if len(removal) else {}

    def vehicles_at(t: float):
        xs, ys, cs, texts = [], [], [], []
        for s in np.unique(st):
            sel = (st == s) & (ht <= t)
            if not sel.any():
                continue
            i = np.nonzero(sel)[0][-1]
            if to_rsu[i] < 0 or t >= left_at.get(int(s), np.inf):  # out of coverage, or gone: off the map
                continue
            site = site_at(int(s), t)
            xs.append(round(float(hx[i]), 1))
            ys.append(round(float(hy[i]), 1))
            cs.append(colours.get(site, NONE_COLOUR) if site >= 0 else NONE_COLOUR)
            where = d["site_name"].get(site, "no serving instance") if site >= 0 else "no serving instance"
            texts.append(f"{names.get(int(s), s)}<br>twin: {where}<br>position of its handover at {ht[i]:.1f} s")
        return go.Scatter(x=xs, y=ys, mode="markers", marker=dict(size=9, color=cs, line=dict(color="#000", width=0.5)),
                          hovertext=texts, hoverinfo="text", name="vehicles (colour: site of the twin)")

    # every handover position, coloured by the site serving the vehicle's twin at that moment
    fig.add_trace(go.Scatter(
        x=_r(hx, 1), y=_r(hy, 1), mode="markers", name="handover positions (colour: site of the twin then)",
        marker=dict(size=4, opacity=0.6, color=[colours.get(site_at(int(s), float(t)), NONE_COLOUR)
                                                for s, t in zip(st, ht)]),
        hovertext=[f"{names.get(int(s), s)} at {t:.1f} s: twin on "
                   f"{d['site_name'].get(site_at(int(s), float(t)), 'no serving instance')}" for s, t in zip(st, ht)],
        hoverinfo="text"))
    now_index = len(fig.data)
    fig.add_trace(vehicles_at(times[-1]))
    fig.frames = [go.Frame(data=[vehicles_at(t)], traces=[now_index], name=f"{t:.0f}") for t in times]
    steps = [dict(method="animate", label=f"{t:.0f}", args=[[f"{t:.0f}"], dict(mode="immediate",
                  frame=dict(duration=0, redraw=False), transition=dict(duration=0))]) for t in times]
    fig.update_layout(
        shapes=shapes, height=640, margin=dict(l=40, r=20, t=90, b=40),
        title="Map: RSUs and cells, MECs, cloud; vehicles at their last handover position",
        xaxis=dict(title="x (m)"), yaxis=dict(title="y (m)", scaleanchor="x", scaleratio=1),
        sliders=[dict(active=len(times) - 1, currentvalue=dict(prefix="simulated time (s): "), steps=steps,
                      pad=dict(t=30))],
        updatemenus=[dict(type="buttons", showactive=False, x=0, y=-0.12, xanchor="left", buttons=[
            dict(label="play", method="animate", args=[None, dict(frame=dict(duration=150, redraw=False),
                                                                  fromcurrent=True, transition=dict(duration=0))]),
            dict(label="pause", method="animate", args=[[None], dict(mode="immediate",
                                                                     frame=dict(duration=0, redraw=False))])])],
        legend=dict(orientation="h", y=1.02, x=0, yanchor="bottom"),
    )
    return fig


def timeline_figure(d: dict):
    """Per twin: placement bars per site (from /migrations) and migrations with their phases on hover."""
    import plotly.graph_objects as go

    colours = site_colours(d)
    names = d["station_name"]
    mig = d["migrations"]
    completed = mig[mig.outcome.astype(str) == "completed"].copy()
    completed["_st"] = _ints(completed.station)
    completed["_from"] = _ints(completed.from_site)
    completed["_to"] = _ints(completed.to_site)
    completed = completed.sort_values(["_st", "finished"], kind="stable")
    phases = d["phases"]
    by_mig = {int(k): g for k, g in phases.groupby(_ints(phases.migration))} if len(phases) else {}
    end_time = d["duration_s"]

    segments: Dict[int, list] = {}  # site -> [(station label, start, end)]
    moves = []  # (station label, requested, finished, hover)
    order = []
    for st, g in completed.groupby("_st", sort=True):
        label = names.get(int(st), str(st))
        order.append(label)
        cur_site, since = None, None
        for _, row in g.iterrows():
            if row._from >= 0 and row._to >= 0:
                phase_rows = by_mig.get(int(row.id))
                lines = [f"<b>{label}</b>: {d['site_name'].get(row._from)} → {d['site_name'].get(row._to)}",
                         f"reason {row.reason}, trigger {row.trigger}, {row.mechanism}",
                         f"requested {row.requested:.3f} s, finished {row.finished:.3f} s, "
                         f"downtime {row.downtime:.3f} s, {row.bytes / 1e6:.1f} MB"]
                if phase_rows is not None:
                    for _, p in phase_rows.sort_values("start").iterrows():
                        where = d["site_name"].get(int(p.site), "-") if pd.notna(p.site) else "-"
                        lines.append(f"{p.phase} @{where}: {p.start:.3f}–{p.end:.3f} s ({p.end - p.start:.3f} s)")
                moves.append((label, float(row.requested), float(row.finished), "<br>".join(lines)))
            if cur_site is not None and cur_site >= 0:
                # the old placement holds until the operation's end (make-before-break serves meanwhile)
                segments.setdefault(cur_site, []).append((label, since, float(row.finished)))
            cur_site, since = int(row._to), float(row.finished)
        if cur_site is not None and cur_site >= 0:
            segments.setdefault(cur_site, []).append((label, since, end_time))

    fig = go.Figure()
    for site in sorted(segments):
        seg = segments[site]
        fig.add_trace(go.Bar(
            y=[s[0] for s in seg], base=_r([s[1] for s in seg], 3), x=_r([s[2] - s[1] for s in seg], 3),
            orientation="h", marker_color=colours.get(site, "#888"), name=d["site_name"].get(site, str(site)),
            hovertext=[f"{s[0]} on {d['site_name'].get(site)}: {s[1]:.1f}–{s[2]:.1f} s" for s in seg],
            hoverinfo="text", width=0.8))
    if moves:
        fig.add_trace(go.Bar(
            y=[m[0] for m in moves], base=_r([m[1] for m in moves], 3),
            x=_r([max(m[2] - m[1], d["duration_s"] / 2000) for m in moves], 3), orientation="h",
            marker=dict(color="#000000", pattern=dict(shape="/")), opacity=0.6, name="migration (phases on hover)",
            hovertext=[m[3] for m in moves], hoverinfo="text", width=0.8))
    fig.update_layout(
        barmode="overlay", height=min(2400, 140 + 16 * max(1, len(order))),
        title="Twin placement and migrations (hover a migration for its phases)",
        xaxis=dict(title="simulated time (s)", range=[0, end_time]),
        yaxis=dict(categoryorder="array", categoryarray=order[::-1], automargin=True),
        margin=dict(l=40, r=20, t=50, b=40), shapes=_time_shapes(d), legend=dict(orientation="h", y=1.0,
                                                                                yanchor="bottom"),
    )
    return fig


def traffic_figure(d: dict):
    """Latency, AoI and losses over time."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    t = (np.arange(d["nbins"]) + 0.5) * d["bin_s"]
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.06, subplot_titles=(
        f"latency of delivered messages (ms), {d['bin_s']:g} s bins",
        "age of information of the vehicle twins (s)",
        f"messages not delivered per {d['bin_s']:g} s, by {d['loss_by']}"))
    fig.add_trace(go.Scatter(x=_r(t, 3), y=_r(d["latency_mean_s"] * 1e3), name="latency mean", mode="lines"), 1, 1)
    fig.add_trace(go.Scatter(x=_r(t, 3), y=_r(d["latency_p95_s"] * 1e3), name="latency p95", mode="lines",
                             line=dict(dash="dot")), 1, 1)
    twins = d["twins"]
    vehicles = set(int(s) for s, k in zip(d["stations"].station, d["stations"].kind.astype(str)) if k == "vehicle")
    tv = twins[np.isin(_ints(twins.station), list(vehicles))]
    if len(tv):
        aoi = tv.groupby("time").age_of_information.agg(["mean", "max"])
        if len(aoi) > 2 * d["nbins"]:  # downsample the sample times into the message bins
            aoi = aoi.groupby((aoi.index.to_numpy() // d["bin_s"]) * d["bin_s"]).mean()
        fig.add_trace(go.Scatter(x=_r(aoi.index, 3), y=_r(aoi["mean"]), name="AoI mean", mode="lines"), 2, 1)
        fig.add_trace(go.Scatter(x=_r(aoi.index, 3), y=_r(aoi["max"]), name="AoI max", mode="lines",
                                 line=dict(dash="dot")), 2, 1)
    for name, counts in d["loss_per_bin"].items():
        fig.add_trace(go.Bar(x=_r(t, 3), y=counts.tolist(), name=f"{d['loss_by']}: {name}"), 3, 1)
    fig.update_layout(barmode="stack", height=820, title="Messages and freshness over time",
                      margin=dict(l=40, r=20, t=70, b=40), shapes=_time_shapes(d))
    fig.update_xaxes(title_text="simulated time (s)", row=3, col=1)
    return fig


def mec_figure(d: dict):
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    colours = site_colours(d)
    mecs = d["mecs"]
    cores = {int(s): float(c) for s, c in zip(d["sites"].site, d["sites"].cores)}
    energy = d["mecs_has_energy"]
    rows = 3 if energy else 2
    titles = ["CPU reserved by twins (% of the site's cores)", "CPU busy processing messages (%)"]
    if energy:
        titles.append("energy (J, /mecs energy_j as recorded)")
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.08, subplot_titles=titles)
    ms = _ints(mecs.site)
    for s in sorted(set(ms)):
        g = mecs[ms == s]
        name = d["site_name"].get(int(s), str(s))
        c = colours.get(int(s), "#888")
        tt = _r(g.time, 3)
        fig.add_trace(go.Scatter(x=tt, y=_r(100 * g.cpu_reserved_cores.to_numpy(float) / max(cores.get(int(s), 1), 1), 3),
                                 name=name, legendgroup=name, line=dict(color=c), mode="lines",
                                 hovertext=[f"{name}: {p} pods, {o} ops in flight" for p, o in zip(g.pods, g.ops_in_flight)]),
                      1, 1)
        fig.add_trace(go.Scatter(x=tt, y=_r(100 * g.cpu_busy.to_numpy(float), 3), name=name, legendgroup=name,
                                 showlegend=False, line=dict(color=c), mode="lines"), 2, 1)
        if energy:
            fig.add_trace(go.Scatter(x=tt, y=_r(g.energy_j, 3), name=name, legendgroup=name, showlegend=False,
                                     line=dict(color=c), mode="lines"), 3, 1)
    fig.update_layout(height=300 * rows, title="MEC and cloud load", margin=dict(l=40, r=20, t=70, b=40),
                      shapes=_time_shapes(d))
    fig.update_xaxes(title_text="simulated time (s)", row=rows, col=1)
    return fig


def _busy_column(channels: pd.DataFrame, units: Dict[str, str]) -> Optional[str]:
    for c in channels.columns:
        if "busy" in c:
            return c
    return next((c for c in channels.columns if units.get(c) == "1"), None)


def channel_figure(d: dict):
    import plotly.graph_objects as go

    ch = d["channels"]
    busy = _busy_column(ch, d["channel_units"])
    if busy is None or "time" not in ch.columns or "rsu" not in ch.columns or not len(ch):
        return None
    rs = _ints(ch.rsu)
    tb = (ch.time.to_numpy(float) // d["bin_s"]) * d["bin_s"] if ch.time.nunique() > 2 * d["nbins"] else ch.time.to_numpy(float)
    frame = pd.DataFrame({"rsu": rs, "t": tb, "busy": ch[busy].to_numpy(float)})
    extra = [c for c in ("frames", "retries", "failures") if c in ch.columns]
    for c in extra:
        frame[c] = ch[c].to_numpy(float)
    agg = frame.groupby(["rsu", "t"]).agg({"busy": "mean", **{c: "sum" for c in extra}})
    z = agg.busy.unstack("t")
    rsu_labels = [d["rsu_name"].get(int(r), str(r)) for r in z.index]
    hover = None
    if extra:
        tables = {c: agg[c].unstack("t").reindex(index=z.index, columns=z.columns) for c in extra}
        hover = [[f"{rsu_labels[i]} at {t:g} s<br>busy {z.iat[i, j]:.3f}" + "".join(
            f"<br>{c} {tables[c].iat[i, j]:g}" for c in extra) for j, t in enumerate(z.columns)] for i in range(len(z))]
    fig = go.Figure(go.Heatmap(x=_r(z.columns, 3), y=rsu_labels, z=[_r(row) for row in z.to_numpy()],
                               colorscale="YlOrRd", zmin=0, zmax=1, colorbar=dict(title="busy"),
                               hovertext=hover, hoverinfo="text" if hover else None))
    fig.update_layout(title=f"Channel load per RSU (/channels {busy})", height=max(260, 120 + 22 * len(z)),
                      xaxis_title="simulated time (s)", margin=dict(l=40, r=20, t=50, b=40))
    return fig


# ---- the page ----

_STYLE = """
body { font-family: sans-serif; margin: 1em auto; max-width: 1200px; color: #222; }
.plot { margin: 1.5em 0; border: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: right; }
th { background: #eee; }
.note { color: #555; font-size: 0.9em; }
"""


def _summary_table(d: dict) -> str:
    s = d["summary"]
    keys = ("vehicles", "rsus", "messages_created", "messages_delivered", "messages_lost", "messages_dropped",
            "messages_not_sent", "latency_mean_s", "latency_p95_s", "latency_p99_s", "handovers", "migrations",
            "downtime_total_s", "simulated_s")
    cells = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(f'{s[k]:.6g}' if isinstance(s[k], float) else str(s[k]))}</td></tr>"
                    for k in keys if k in s)
    return f"<table>{cells}</table>"


def _fault_table(d: dict) -> str:
    faults = d["faults"]
    if faults is None:
        return ""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in faults.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in faults.head(200).itertuples(index=False))
    more = f'<p class="note">{len(faults) - 200} more not listed</p>' if len(faults) > 200 else ""
    return f"<h2>Faults ({len(faults)})</h2><table><tr>{head}</tr>{body}</table>{more}"


def _plot_div(div_id: str, fig) -> str:
    """A div and the script that draws the figure into it (frames added after the first draw)."""
    import plotly.io

    spec = plotly.io.to_json(fig, validate=False, pretty=False).replace("</", "<\\/")
    height = fig.layout.height or 450
    config = json.dumps({"responsive": True, "displaylogo": False})
    return (f'<div id="{div_id}" class="plotly-graph-div" style="height:{height}px; width:100%;"></div>\n'
            f'<script type="text/javascript">(function () {{ var spec = {spec};\n'
            f'Plotly.newPlot("{div_id}", spec.data, spec.layout, {config}).then(function () {{\n'
            f'  if (spec.frames && spec.frames.length) {{ return Plotly.addFrames("{div_id}", spec.frames); }}\n'
            f'}}); }})();</script>')


def render(d: dict, frames: int = 60, plotly_js: Optional[str] = None) -> str:
    import plotly.offline

    figs = [("v2x-map", map_figure(d, frames)), ("v2x-timeline", timeline_figure(d)),
            ("v2x-traffic", traffic_figure(d)), ("v2x-mecs", mec_figure(d))]
    if d["channels"] is not None:
        ch = channel_figure(d)
        if ch is not None:
            figs.append(("v2x-channels", ch))
    js = plotly_js if plotly_js is not None else plotly.offline.get_plotlyjs()
    meta = d["meta"]
    title = (f"v2xsim run {os.path.basename(d['path'])}: {meta.get('scenario_name')}, policy {meta.get('policy')}, "
             f"mechanism {meta.get('mechanism')}, seed {meta.get('seed')}")
    missing = [name for name, present in figures_block(d)["optional"].items() if not present]
    notes = []
    if missing:
        notes.append("Not in this file (older simulator or output switched off): " + ", ".join(missing) + ".")
    if d["warmup_s"] > 0:
        notes.append(f"Warm-up: the first {d['warmup_s']:g} s (shaded grey).")
    notes.append("Vehicle positions: the file stores them only at handovers (/handovers), so the map shows each "
                 "vehicle at its last handover position.")
    figures_json = json.dumps(figures_block(d), sort_keys=True).replace("</", "<\\/")
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style>",
        f'<script type="text/javascript">{js}</script>',
        f'<script type="application/json" id="v2x-figures">{figures_json}</script>',
        "</head><body>", f"<h1>{html.escape(title)}</h1>",
        "".join(f'<p class="note">{html.escape(n)}</p>' for n in notes), _summary_table(d),
    ]
    for div_id, fig in figs:
        parts.append(f'<div class="plot">{_plot_div(div_id, fig)}</div>')
    parts.append(_fault_table(d))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def build(path: str, out_dir: Optional[str] = None, bins: int = 300, frames: int = 60,
          plotly_js_file: Optional[str] = None) -> str:
    """Writes the page; returns its path."""
    d = collect(path, bins=bins)
    out_dir = out_dir or os.path.dirname(os.path.abspath(path))
    os.makedirs(out_dir, exist_ok=True)
    js = None
    if plotly_js_file:
        with open(plotly_js_file, encoding="utf-8") as f:
            js = f.read()
    page = os.path.join(out_dir, os.path.splitext(os.path.basename(path))[0] + ".html")
    tmp = page + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(render(d, frames=frames, plotly_js=js))
    os.replace(tmp, page)
    return page


def read_figures(page_path: str) -> dict:
    """The JSON block (id v2x-figures) of a page this module wrote."""
    text = open(page_path, encoding="utf-8").read()
    marker = '<script type="application/json" id="v2x-figures">'
    start = text.index(marker) + len(marker)
    return json.loads(text[start:text.index("</script>", start)].replace("<\\/", "</"))


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="One self-contained HTML dashboard of a v2xsim run.")
    parser.add_argument("run", help="run file (HDF5) written by `v2xsim run`")
    parser.add_argument("-o", "--out", help="output folder (default: the run file's folder)")
    parser.add_argument("--bins", type=int, default=300, help="at most this many time bins for messages (300)")
    parser.add_argument("--frames", type=int, default=60, help="time-slider steps of the map (60)")
    parser.add_argument("--plotly-js", help="inline this plotly.js (e.g. a minified copy) instead of plotly's own")
    args = parser.parse_args(argv)
    try:
        page = build(args.run, args.out, bins=args.bins, frames=args.frames, plotly_js_file=args.plotly_js)
    except (FileNotFoundError, v2xh5.SchemaVersionError, KeyError, OSError) as e:
        text = str(e)  # h5py's "Unable to open file (file signature not found)" does not name the file
        print(f"dashboard.py: error: {text if args.run in text else args.run + ': ' + text}", file=sys.stderr)
        return 2
    print(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
