"""Compare the runs of a sweep (`v2xsim sweep`): one table per policy x mechanism, and plots.

    /usr/bin/python3 analysis/compare.py out/sweeps/compare_policies [--out DIR]

reads the sweep folder's manifest(s) (`manifest.csv`, or `manifest-shard-*-of-*.csv` of a sharded sweep) and
its run files `runs/<run>.h5` (through v2xh5, the one module that knows the HDF5 layout), and writes into DIR
(default: `<sweep>/report`):

- `runs.csv`: one row per complete run, its parameters and the figures below;
- `table.csv` and `table.md`: per group of runs that differ only in their seed (policy x mechanism, and any
  other swept field), every figure's mean over the seeds, the half-width of its 95 % confidence interval
  (Student t with n - 1 degrees of freedom: t(0.975, n-1) * s / sqrt(n), s the sample standard deviation; no
  interval with one seed) and n;
- `latency_cdf.png`, `downtime.png`, `migrations_over_time.png`, `mec_load.png`.

The figures of one run (all computed here from the tables, by the definitions in sim/metrics/SCHEMA.md):

| figure | definition |
|---|---|
| latency p50/p95/p99 (ms) | `processed - created` of the delivered messages; the q-quantile is the value of rank ceil(q n) among the n sorted latencies (the simulator's definition, exact here). From /summary when the run did not write message rows. |
| downtime per vehicle-hour (s/h) | sum of `downtime` of completed migrations with reason policy or manual, divided by the vehicle-hours (/summary `vehicle_seconds` / 3600) |
| migrations per vehicle-hour (1/h) | their number divided by the vehicle-hours |
| messages lost, lost % | /summary `messages_lost` (reached the broker while no twin instance served: QoS 0), and as a percentage of `messages_created` |
| age of information (s) | mean of `age_of_information` over the /twins samples of vehicle twins that have one (not NaN) |
| MEC CPU reserved % | mean over the /mecs samples of the MEC sites (not the cloud) of `cpu_reserved_cores` / the site's cores |
| MEC CPU busy % | mean of `cpu_busy` over the same samples |
"""

from __future__ import annotations

import argparse
import glob
import math
import os
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import v2xh5  # noqa: E402

#: (key, heading, unit) of the table's figures, in column order.
FIGURES = (
    ("latency_p50_ms", "latency p50", "ms"),
    ("latency_p95_ms", "latency p95", "ms"),
    ("latency_p99_ms", "latency p99", "ms"),
    ("downtime_s_per_vehicle_hour", "downtime", "s per vehicle-h"),
    ("migrations_per_vehicle_hour", "migrations", "per vehicle-h"),
    ("messages_lost", "messages lost", "count"),
    ("messages_lost_pct", "lost", "% of created"),
    ("aoi_mean_s", "age of information", "s"),
    ("mec_cpu_reserved_pct", "MEC CPU reserved", "%"),
    ("mec_cpu_busy_pct", "MEC CPU busy", "%"),
)

#: Latency histogram bins for the CDF plot: log-spaced from 10 us to 1000 s (runs' histograms add up exactly).
LATENCY_BINS_S = np.logspace(-5, 3, 801)

#: Manifest columns that are not parameters (the parameters sit between `run` and `output`).
_MANIFEST_FIXED = ("index", "run")
_MANIFEST_TAIL_START = "output"


# ---- statistics ----


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the regularised incomplete beta function (modified Lentz; Numerical Recipes 6.4)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 400):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def student_t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with df degrees of freedom: 1 - I_{df/(df+t^2)}(df/2, 1/2) / 2 for t >= 0."""
    tail = 0.5 * betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def student_t_quantile(p: float, df: float) -> float:
    """The p-quantile of Student's t (0.5 < p < 1), by bisection on the CDF to 1e-12."""
    if not 0.5 < p < 1.0 or df <= 0:
        raise ValueError(f"student_t_quantile needs 0.5 < p < 1 and df > 0 (p={p}, df={df})")
    lo, hi = 0.0, 1.0
    while student_t_cdf(hi, df) < p:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if student_t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12 * max(1.0, hi):
            break
    return 0.5 * (lo + hi)


def mean_ci95(values: Sequence[float]):
    """(mean, half-width of the 95 % Student t interval, n) of the finite values; half-width NaN when n < 2."""
    x = np.asarray([v for v in values if v is not None and np.isfinite(v)], dtype=float)
    n = len(x)
    if n == 0:
        return float("nan"), float("nan"), 0
    mean = float(x.mean())
    if n < 2:
        return mean, float("nan"), 1
    s = float(x.std(ddof=1))
    return mean, student_t_quantile(0.975, n - 1) * s / math.sqrt(n), n


def quantile_rank(sorted_values: np.ndarray, q: float) -> float:
    """The value of rank ceil(q n) (1-based) among n sorted values: SCHEMA.md's definition."""
    n = len(sorted_values)
    if n == 0:
        return float("nan")
    rank = max(1, math.ceil(q * n - 1e-9))
    return float(sorted_values[min(rank, n) - 1])


# ---- one run ----


@dataclass
class RunData:
    """What one run contributes: its figures, and what the plots need."""

    figures: Dict[str, float]
    latency_hist: np.ndarray  # counts in LATENCY_BINS_S
    downtimes: np.ndarray  # s, completed policy/manual migrations
    migration_times: np.ndarray  # s, when they finished
    mec_load: pd.Series  # time -> mean over MEC sites of cpu_reserved_cores / cores (%)
    simulated_s: float
    notes: List[str] = field(default_factory=list)


def read_run(path: str) -> RunData:
    """Figures and plot data of one run file (see the module docstring for the definitions)."""
    notes: List[str] = []
    with v2xh5.open_run(path) as run:
        summary = run.summary()
        vehicle_hours = float(summary["vehicle_seconds"]) / 3600.0

        parts = []
        for part in run.iter_table("messages", columns=("created", "processed", "outcome")):
            delivered = part[part.outcome == "delivered"]
            parts.append((delivered.processed - delivered.created).to_numpy(dtype=float))
        latencies = np.sort(np.concatenate(parts)) if parts else np.empty(0)
        if len(latencies) > 0:
            p50, p95, p99 = (quantile_rank(latencies, q) for q in (0.5, 0.95, 0.99))
        elif int(summary["messages_delivered"]) > 0:
            notes.append("no message rows: latency percentiles from /summary")
            p50, p95, p99 = (float(summary[f"latency_p{q}_s"]) for q in (50, 95, 99))
        else:
            p50 = p95 = p99 = float("nan")
        hist, _ = np.histogram(np.clip(latencies, LATENCY_BINS_S[0], LATENCY_BINS_S[-1]), bins=LATENCY_BINS_S)

        mig = run.table("migrations", columns=("reason", "outcome", "finished", "downtime"))
        counted = mig[mig.reason.isin(["policy", "manual"]) & (mig.outcome == "completed")]
        downtimes = counted.downtime.to_numpy(dtype=float)

        stations = run.table("stations", columns=("station", "kind"))
        vehicles = stations.station[stations.kind == "vehicle"].astype("int64")
        twins = run.table("twins", columns=("station", "age_of_information"))
        aoi = twins.age_of_information[twins.station.astype("Int64").isin(vehicles)].to_numpy(dtype=float)
        aoi = aoi[np.isfinite(aoi)]

        sites = run.table("infrastructure/sites", columns=("site", "is_cloud", "cores"))
        mec_cores = {int(s): float(c) for s, cloud, c in zip(sites.site, sites.is_cloud, sites.cores) if not cloud}
        mecs = run.table("mecs", columns=("time", "site", "cpu_reserved_cores", "cpu_busy"))
        mecs = mecs[mecs.site.astype("Int64").isin(list(mec_cores))]
        reserved_pct = 100.0 * mecs.cpu_reserved_cores.to_numpy(dtype=float) / np.array(
            [mec_cores[int(s)] for s in mecs.site], dtype=float
        )
        mec_load = pd.Series(reserved_pct, index=mecs.time.to_numpy(dtype=float)).groupby(level=0).mean()

    def per_vehicle_hour(x: float) -> float:
        return x / vehicle_hours if vehicle_hours > 0 else float("nan")

    created = int(summary["messages_created"])
    figures = {
        "latency_p50_ms": p50 * 1e3,
        "latency_p95_ms": p95 * 1e3,
        "latency_p99_ms": p99 * 1e3,
        "downtime_s_per_vehicle_hour": per_vehicle_hour(float(downtimes.sum())),
        "migrations_per_vehicle_hour": per_vehicle_hour(float(len(downtimes))),
        "messages_lost": float(summary["messages_lost"]),
        "messages_lost_pct": 100.0 * int(summary["messages_lost"]) / created if created else float("nan"),
        "aoi_mean_s": float(aoi.mean()) if len(aoi) else float("nan"),
        "mec_cpu_reserved_pct": float(reserved_pct.mean()) if len(reserved_pct) else float("nan"),
        "mec_cpu_busy_pct": float(100.0 * mecs.cpu_busy.to_numpy(dtype=float).mean()) if len(mecs) else float("nan"),
        "vehicle_hours": vehicle_hours,
    }
    return RunData(
        figures=figures,
        latency_hist=hist,
        downtimes=downtimes,
        migration_times=np.sort(counted.finished.to_numpy(dtype=float)),
        mec_load=mec_load,
        simulated_s=float(summary["simulated_s"]),
        notes=notes,
    )


# ---- the sweep ----


def read_manifests(sweep_dir: str) -> pd.DataFrame:
    """Every manifest of the sweep folder as one DataFrame (a run listed twice: its complete row wins)."""
    paths = sorted(glob.glob(os.path.join(sweep_dir, "manifest*.csv")))
    paths = [p for p in paths if not p.endswith(".tmp")]
    if not paths:
        raise FileNotFoundError(f"{sweep_dir}: no manifest*.csv (is it the output folder of `v2xsim sweep`?)")
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in paths]
    manifest = pd.concat(frames, ignore_index=True)
    manifest["_complete"] = manifest.status == "complete"
    manifest = manifest.sort_values(["_complete"]).drop_duplicates("run", keep="last").drop(columns="_complete")
    manifest["index"] = manifest["index"].astype(int)
    return manifest.sort_values("index").reset_index(drop=True)


def parameter_columns(manifest: pd.DataFrame) -> List[str]:
    columns = list(manifest.columns)
    return columns[columns.index("run") + 1 : columns.index(_MANIFEST_TAIL_START)]


@dataclass
class Comparison:
    """The result of compare(): per-run figures, the grouped table, and the plot data by group."""

    runs: pd.DataFrame
    table: pd.DataFrame
    group_columns: List[str]
    failed: pd.DataFrame
    data: Dict[str, List[RunData]]  # group label -> its runs


def group_label(row, group_columns: Sequence[str]) -> str:
    return " / ".join(str(row[c]) for c in group_columns) if group_columns else "all runs"


def compare(sweep_dir: str) -> Comparison:
    """Reads a sweep folder and builds the per-run and grouped figures."""
    manifest = read_manifests(sweep_dir)
    params = parameter_columns(manifest)
    group_columns = [c for c in params if c != "seed"]
    complete = manifest[manifest.status == "complete"]
    failed = manifest[manifest.status != "complete"]

    # Plot labels name only what differs between groups ("nearest", not "nearest / stateless-restart" when
    # every run has that mechanism).
    varying = [c for c in group_columns if complete[c].nunique() > 1] or group_columns[:1]
    records = []
    data: Dict[str, List[RunData]] = {}
    for _, row in complete.iterrows():
        path = os.path.join(sweep_dir, "runs", row["run"] + ".h5")
        rd = read_run(path)
        label = group_label(row, varying)
        data.setdefault(label, []).append(rd)
        record = {"run": row["run"], **{c: row[c] for c in params}, "group": label, **rd.figures}
        records.append(record)
    runs = pd.DataFrame.from_records(records)

    table_rows = []
    if len(runs):
        for label, members in runs.groupby("group", sort=False):
            out = {c: members[c].iloc[0] for c in group_columns}
            out["runs"] = len(members)
            for key, _, _ in FIGURES:
                mean, half, n = mean_ci95(members[key].to_numpy(dtype=float))
                out[f"{key}_mean"] = mean
                out[f"{key}_ci95"] = half
                out[f"{key}_n"] = n
            table_rows.append(out)
    table = pd.DataFrame.from_records(table_rows)
    return Comparison(runs=runs, table=table, group_columns=group_columns, failed=failed, data=data)


# ---- output ----


def _format_cell(mean: float, half: float) -> str:
    if not np.isfinite(mean):
        return "n/a"

    def fmt(v: float) -> str:
        """3 significant digits; integers above 1000 in full; scientific below 0.001."""
        if v == 0:
            return "0"
        if abs(v) < 1e-3 or abs(v) >= 1e7:
            return f"{v:.2e}"
        digits = max(0, 3 - int(math.floor(math.log10(abs(v)))) - 1)
        return f"{v:.{digits}f}"

    return fmt(mean) if not np.isfinite(half) else f"{fmt(mean)} ± {fmt(half)}"


def table_cells(cmp: Comparison) -> List[List[str]]:
    """Header row then one row per group, each figure as 'mean ± half-width' (3 significant digits)."""
    header = list(cmp.group_columns) + ["runs"] + [f"{heading} ({unit})" for _, heading, unit in FIGURES]
    body = []
    for _, row in cmp.table.iterrows():
        cells = [str(row[c]) for c in cmp.group_columns] + [str(int(row["runs"]))]
        cells += [_format_cell(row[f"{k}_mean"], row[f"{k}_ci95"]) for k, _, _ in FIGURES]
        body.append(cells)
    return [header] + body


def markdown_table(cmp: Comparison) -> str:
    rows = table_cells(cmp)
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join("---" for _ in rows[0]) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return (
        "\n".join(lines)
        + "\n\nMean over seeds ± half-width of the 95 % confidence interval (Student t, n - 1 degrees of freedom).\n"
    )


def _groups_colors(labels):
    import matplotlib.pyplot as plt

    cmap = plt.get_cmap("tab10")
    return {label: cmap(i % 10) for i, label in enumerate(labels)}


def plot_all(cmp: Comparison, out_dir: str) -> Dict[str, str]:
    """Writes the four PNGs; returns {name: path}."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    labels = list(cmp.data)
    colors = _groups_colors(labels)
    # line styles too, so that groups on the same values (e.g. no migrations at all) stay visible
    styles = [("-", "--", ":", "-.")[i % 4] for i in range(len(labels))]
    paths = {}

    # Latency CDF: the runs' histograms summed per group (every delivered message of every seed counts once).
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for i, label in enumerate(labels):
        hist = sum(rd.latency_hist for rd in cmp.data[label])
        total = hist.sum()
        if total == 0:
            continue
        cdf = np.concatenate([[0.0], np.cumsum(hist) / total])
        ax.step(LATENCY_BINS_S * 1e3, cdf, where="post", color=colors[label], linestyle=styles[i], lw=1.8,
                label=label)
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("end-to-end latency, created → processed (ms, log scale)")
    ax.set_ylabel("fraction of delivered messages")
    ax.set_title("Latency CDF (all seeds pooled)")
    ax.set_ylim(0, 1.01)
    ax.grid(True, which="both", alpha=0.3)
    lo, hi = _latency_xlim(cmp)
    if lo is not None:
        ax.set_xlim(lo, hi)
    ax.legend(loc="upper left", fontsize=8)
    paths["latency_cdf"] = _save(fig, out_dir, "latency_cdf.png")

    # Downtime distribution: the CDF of the downtime of every counted migration of every seed, per group.
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for i, label in enumerate(labels):
        d = np.sort(np.concatenate([rd.downtimes for rd in cmp.data[label]]))
        if len(d) == 0:
            ax.plot([], [], color=colors[label], linestyle=styles[i], label=f"{label} (no migrations)")
            continue
        y = np.arange(1, len(d) + 1) / len(d)
        ax.step(np.concatenate([[0.0], d]), np.concatenate([[0.0], y]), where="post", color=colors[label],
                linestyle=styles[i], lw=1.8, label=f"{label} (n = {len(d)})")
    ax.set_xlim(left=0)
    ax.set_ylim(0, 1.01)
    ax.set_xlabel("twin downtime of one migration (s)")
    ax.set_ylabel("fraction of migrations")
    ax.set_title("Downtime distribution (completed policy and manual migrations, all seeds)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    paths["downtime"] = _save(fig, out_dir, "downtime.png")

    # Migrations over time: cumulative count, mean over seeds.
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    horizon = max((rd.simulated_s for rds in cmp.data.values() for rd in rds), default=0.0)
    grid = np.linspace(0.0, horizon, 301) if horizon > 0 else np.array([0.0])
    for i, label in enumerate(labels):
        curves = [np.searchsorted(rd.migration_times, grid, side="right") for rd in cmp.data[label]]
        ax.plot(grid, np.mean(curves, axis=0), color=colors[label], linestyle=styles[i], lw=1.8, label=label)
    ax.set_xlabel("simulated time (s)")
    ax.set_ylabel("completed migrations so far (mean over seeds)")
    ax.set_title("Migrations over time")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    paths["migrations_over_time"] = _save(fig, out_dir, "migrations_over_time.png")

    # MEC load over time: CPU reserved by twins, mean over the MEC sites, then over seeds.
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for i, label in enumerate(labels):
        series = [rd.mec_load for rd in cmp.data[label] if len(rd.mec_load)]
        if not series:
            continue
        mean = pd.concat(series, axis=1).mean(axis=1).sort_index()
        ax.plot(mean.index, mean.values, color=colors[label], linestyle=styles[i], lw=1.8, label=label)
    ax.set_xlabel("simulated time (s)")
    ax.set_ylabel("MEC CPU reserved by twins (% of cores)")
    ax.set_title("MEC load over time (mean over MEC sites and seeds)")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    paths["mec_load"] = _save(fig, out_dir, "mec_load.png")
    return paths


def _latency_xlim(cmp: Comparison):
    """x range of the CDF: from the first to the last non-empty bin over all groups, a little wider."""
    hist = sum(rd.latency_hist for rds in cmp.data.values() for rd in rds)
    if not isinstance(hist, np.ndarray) or hist.sum() == 0:
        return None, None
    nonzero = np.nonzero(hist)[0]
    return LATENCY_BINS_S[nonzero[0]] * 1e3 / 1.5, LATENCY_BINS_S[nonzero[-1] + 1] * 1e3 * 1.5


def _save(fig, out_dir: str, name: str) -> str:
    path = os.path.join(out_dir, name)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path


def write_outputs(cmp: Comparison, out_dir: str) -> Dict[str, str]:
    """runs.csv, table.csv, table.md and the PNGs into out_dir; returns {name: path}."""
    os.makedirs(out_dir, exist_ok=True)
    paths = {
        "runs_csv": os.path.join(out_dir, "runs.csv"),
        "table_csv": os.path.join(out_dir, "table.csv"),
        "table_md": os.path.join(out_dir, "table.md"),
    }
    cmp.runs.to_csv(paths["runs_csv"], index=False)
    cmp.table.to_csv(paths["table_csv"], index=False)
    with open(paths["table_md"], "w", encoding="utf-8") as f:
        f.write(markdown_table(cmp))
    if cmp.data:
        paths.update(plot_all(cmp, out_dir))
    return paths


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Compare the runs of a v2xsim sweep: table and plots.")
    parser.add_argument("sweep_dir", help="output folder of `v2xsim sweep` (holds manifest*.csv and runs/)")
    parser.add_argument("--out", help="where to write (default: SWEEP_DIR/report)")
    args = parser.parse_args(argv)
    out_dir = args.out or os.path.join(args.sweep_dir, "report")
    cmp = compare(args.sweep_dir)
    paths = write_outputs(cmp, out_dir)
    print(markdown_table(cmp))
    if len(cmp.failed):
        print(f"{len(cmp.failed)} run(s) not complete, left out: " + ", ".join(
            f"{r['run']} ({r['status']})" for _, r in cmp.failed.iterrows()))
    for name, path in paths.items():
        print(f"{name:22} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
