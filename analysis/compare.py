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
- `latency_cdf.png`, `downtime.png`, `aoi.png`, `migrations_over_time.png`, `mec_load.png` (one panel per mechanism when
  the sweep varies it);
- `table.md` also holds a grid (policies x mechanisms) per headline figure.

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
| not delivered by cause (% of created) | messages of each `cause` (when /messages has that column; else of each outcome other than delivered), as a percentage of the messages created |
| energy (kJ), when /mecs has `energy_j` | energy of all sites over the run: per site the last sample minus the first when the samples never decrease (a cumulative meter, as SimGrid's energy plugin gives), else their sum (energy per period) |
| faults, when the file has /faults | rows of /faults (a run without faults has none: the fault figures are then left out); recovery migrations: completed migrations with reason `recovery`, and their mean downtime |
| fault downtime (twin-s), recovery time mean/p95/max (s) | /summary `fault_downtime_twin_s` (twin-seconds without an instance because of faults) and `recovery_mean_s`, `recovery_p95_s`, `recovery_max_s` (fault -> twin serving again, over the twins that served again), when /summary has them and the run had faults |

**Warm-up.** When the run file has a `warmup_s` attribute (on /summary, else the root), everything before it is
left out: messages created, migrations requested and samples taken before `warmup_s`; the vehicle-hours are then
the vehicles' presence after it (from /stations `appeared` to the `removal` operation's `requested`, or the end).

Numbers are printed to the precision their confidence interval supports: the half-width rounded to one
significant digit and the mean to the same decimal place (60 ± 20, 3.861 ± 0.002); a zero-width interval (all
seeds agree; below 1e-9 of the mean counts as zero, floating-point noise) prints the mean alone, marked exact;
one seed prints 3 significant digits and no interval.

Curves of different groups that coincide (the same values: e.g. two policies that never migrate) are all drawn,
the later ones dashed and labelled `(= <first group>)` in the legend.
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

#: Figures that only some files have (the newer datasets): in the table when a run of the sweep has them.
OPTIONAL_FIGURES = (
    ("energy_kj", "energy", "kJ"),
    ("faults", "faults", "count"),
    ("recovery_migrations", "recovery migrations", "count"),
    ("recovery_downtime_mean_s", "recovery downtime", "s"),
    ("fault_downtime_twin_s", "fault downtime", "twin-s"),
    ("recovery_mean_s", "recovery time mean", "s"),
    ("recovery_p95_s", "recovery time p95", "s"),
    ("recovery_max_s", "recovery time max", "s"),
)

#: Figures of the grid views (policy rows x mechanism columns) of the report.
HEADLINE = ("latency_p95_ms", "downtime_s_per_vehicle_hour", "migrations_per_vehicle_hour", "messages_lost_pct",
            "aoi_mean_s", "mec_cpu_reserved_pct")
#: Headline figures of sweeps with faults (in the grids when the sweep's runs have them: fault-caused downtime and
#: recovery time per policy x mechanism).
FAULT_HEADLINE = ("fault_downtime_twin_s", "recovery_mean_s", "recovery_p95_s")


def is_headline(key: str) -> bool:
    return key in HEADLINE or key in FAULT_HEADLINE

#: Age-of-information histogram bins for its distribution plot: log-spaced from 1 ms to 10^4 s.
AOI_BINS_S = np.logspace(-3, 4, 701)

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
    aoi_hist: np.ndarray = field(default_factory=lambda: np.zeros(len(AOI_BINS_S) - 1, dtype=np.int64))
    loss_by: str = "outcome"  # what loss_pct is keyed by: "cause" or "outcome"
    loss_pct: Dict[str, float] = field(default_factory=dict)  # cause (or outcome) -> % of created
    warmup_s: float = 0.0


def _energy_j(mecs: pd.DataFrame) -> float:
    """Energy of all sites over the run from /mecs energy_j (see the module docstring)."""
    total = 0.0
    for _, g in mecs.groupby(mecs.site.astype("Int64")):
        e = g.sort_values("time").energy_j.to_numpy(dtype=float)
        e = e[np.isfinite(e)]
        if len(e) == 0:
            continue
        total += float(e[-1] - e[0]) if np.all(np.diff(e) >= 0) else float(e.sum())
    return total


def _vehicle_seconds_after(run, warmup_s: float, simulated_s: float) -> float:
    """Sum over vehicles of their presence after warmup_s: appeared .. removal requested (or the end)."""
    stations = run.table("stations", columns=("station", "kind", "appeared"))
    vehicles = stations[stations.kind == "vehicle"]
    mig = run.table("migrations", columns=("station", "reason", "requested"))
    removed = mig[mig.reason == "removal"].groupby(mig.station.astype("Int64")).requested.min()
    total = 0.0
    for st, appeared in zip(vehicles.station.astype("int64"), vehicles.appeared.to_numpy(dtype=float)):
        left = float(removed.get(st, simulated_s))
        total += max(0.0, min(left, simulated_s) - max(appeared, warmup_s))
    return total


def read_run(path: str) -> RunData:
    """Figures and plot data of one run file (see the module docstring for the definitions)."""
    notes: List[str] = []
    with v2xh5.open_run(path) as run:
        summary = run.summary()
        warmup = run.warmup_s()
        simulated_s = float(summary["simulated_s"])
        if warmup > 0:
            notes.append(f"warm-up: the first {warmup:g} s left out")
            vehicle_hours = _vehicle_seconds_after(run, warmup, simulated_s) / 3600.0
        else:
            vehicle_hours = float(summary["vehicle_seconds"]) / 3600.0

        has_cause = run.has_column("messages", "cause")
        columns = ("created", "processed", "outcome") + (("cause",) if has_cause else ())
        parts = []
        created_rows = 0
        lost_rows = 0
        loss_counts: Dict[str, int] = {}
        for part in run.iter_table("messages", columns=columns):
            if warmup > 0:
                part = part[part.created.to_numpy(dtype=float) >= warmup]
            created_rows += len(part)
            outcome = part.outcome.astype(str)
            lost_rows += int((outcome == "lost").sum())
            delivered = part[outcome == "delivered"]
            parts.append((delivered.processed - delivered.created).to_numpy(dtype=float))
            why = (part.cause.astype(str) if has_cause else outcome)[outcome != "delivered"]
            for name, count in why.value_counts().items():
                loss_counts[str(name)] = loss_counts.get(str(name), 0) + int(count)
        latencies = np.sort(np.concatenate(parts)) if parts else np.empty(0)
        if len(latencies) > 0:
            p50, p95, p99 = (quantile_rank(latencies, q) for q in (0.5, 0.95, 0.99))
        elif int(summary["messages_delivered"]) > 0:
            notes.append("no message rows: latency percentiles from /summary")
            p50, p95, p99 = (float(summary[f"latency_p{q}_s"]) for q in (50, 95, 99))
        else:
            p50 = p95 = p99 = float("nan")
        hist, _ = np.histogram(np.clip(latencies, LATENCY_BINS_S[0], LATENCY_BINS_S[-1]), bins=LATENCY_BINS_S)

        mig = run.table("migrations", columns=("reason", "outcome", "requested", "finished", "downtime"))
        if warmup > 0:
            mig = mig[mig.requested.to_numpy(dtype=float) >= warmup]
        counted = mig[mig.reason.isin(["policy", "manual"]) & (mig.outcome == "completed")]
        downtimes = counted.downtime.to_numpy(dtype=float)
        recovery = mig[(mig.reason.astype(str) == "recovery") & (mig.outcome == "completed")]

        stations = run.table("stations", columns=("station", "kind"))
        vehicles = stations.station[stations.kind == "vehicle"].astype("int64")
        twins = run.table("twins", columns=("time", "station", "age_of_information"))
        if warmup > 0:
            twins = twins[twins.time.to_numpy(dtype=float) >= warmup]
        aoi = twins.age_of_information[twins.station.astype("Int64").isin(vehicles)].to_numpy(dtype=float)
        aoi = aoi[np.isfinite(aoi)]
        aoi_hist, _ = np.histogram(np.clip(aoi, AOI_BINS_S[0], AOI_BINS_S[-1]), bins=AOI_BINS_S)

        sites = run.table("infrastructure/sites", columns=("site", "is_cloud", "cores"))
        mec_cores = {int(s): float(c) for s, cloud, c in zip(sites.site, sites.is_cloud, sites.cores) if not cloud}
        has_energy = run.has_column("mecs", "energy_j")
        all_mecs = run.table("mecs", columns=("time", "site", "cpu_reserved_cores", "cpu_busy")
                             + (("energy_j",) if has_energy else ()))
        if warmup > 0:
            all_mecs = all_mecs[all_mecs.time.to_numpy(dtype=float) >= warmup]
        mecs = all_mecs[all_mecs.site.astype("Int64").isin(list(mec_cores))]
        reserved_pct = 100.0 * mecs.cpu_reserved_cores.to_numpy(dtype=float) / np.array(
            [mec_cores[int(s)] for s in mecs.site], dtype=float
        )
        mec_load = pd.Series(reserved_pct, index=mecs.time.to_numpy(dtype=float)).groupby(level=0).mean()
        faults = None
        if run.has_table("faults") and run.rows("faults") > 0:
            faults = run.table("faults")
            start = next((c for c in ("start", "time", "at") if c in faults.columns), None)
            if warmup > 0 and start is not None:
                faults = faults[faults[start].to_numpy(dtype=float) >= warmup]

    def per_vehicle_hour(x: float) -> float:
        return x / vehicle_hours if vehicle_hours > 0 else float("nan")

    if created_rows > 0:
        created, lost = created_rows, lost_rows
    else:
        created, lost = int(summary["messages_created"]), int(summary["messages_lost"])
        if warmup > 0:
            notes.append("no message rows: lost messages from /summary, warm-up included")
    figures = {
        "latency_p50_ms": p50 * 1e3,
        "latency_p95_ms": p95 * 1e3,
        "latency_p99_ms": p99 * 1e3,
        "downtime_s_per_vehicle_hour": per_vehicle_hour(float(downtimes.sum())),
        "migrations_per_vehicle_hour": per_vehicle_hour(float(len(downtimes))),
        "messages_lost": float(lost),
        "messages_lost_pct": 100.0 * lost / created if created else float("nan"),
        "aoi_mean_s": float(aoi.mean()) if len(aoi) else float("nan"),
        "mec_cpu_reserved_pct": float(reserved_pct.mean()) if len(reserved_pct) else float("nan"),
        "mec_cpu_busy_pct": float(100.0 * mecs.cpu_busy.to_numpy(dtype=float).mean()) if len(mecs) else float("nan"),
        "vehicle_hours": vehicle_hours,
        "energy_kj": _energy_j(all_mecs) / 1e3 if has_energy else float("nan"),
        "faults": float(len(faults)) if faults is not None else float("nan"),
        "recovery_migrations": float(len(recovery)) if faults is not None or len(recovery) else float("nan"),
        "recovery_downtime_mean_s": float(recovery.downtime.mean()) if len(recovery) else float("nan"),
    }
    for key in ("fault_downtime_twin_s", "recovery_mean_s", "recovery_p95_s", "recovery_max_s"):
        recovered = key == "fault_downtime_twin_s" or int(summary.get("fault_recoveries", 0)) > 0
        figures[key] = float(summary[key]) if faults is not None and key in summary and recovered else float("nan")
    return RunData(
        figures=figures,
        latency_hist=hist,
        downtimes=downtimes,
        migration_times=np.sort(counted.finished.to_numpy(dtype=float)),
        mec_load=mec_load,
        simulated_s=simulated_s,
        notes=notes,
        aoi_hist=aoi_hist,
        loss_by="cause" if has_cause else "outcome",
        loss_pct={k: 100.0 * v / created for k, v in sorted(loss_counts.items())} if created else {},
        warmup_s=warmup,
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
    keys: Dict[str, Dict[str, str]] = field(default_factory=dict)  # group label -> its group column values
    figures: List[tuple] = field(default_factory=lambda: list(FIGURES))  # FIGURES + the optional ones present
    loss_by: str = "outcome"  # "cause" when every run has /messages.cause
    loss: pd.DataFrame = field(default_factory=pd.DataFrame)  # group -> per cause: mean, ci95 (% of created)
    warmup_s: List[float] = field(default_factory=list)  # the distinct warm-ups of the runs


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
    keys: Dict[str, Dict[str, str]] = {}
    for _, row in complete.iterrows():
        path = os.path.join(sweep_dir, "runs", row["run"] + ".h5")
        rd = read_run(path)
        label = group_label(row, varying)
        data.setdefault(label, []).append(rd)
        keys.setdefault(label, {c: str(row[c]) for c in group_columns})
        record = {"run": row["run"], **{c: row[c] for c in params}, "group": label, **rd.figures}
        records.append(record)
    runs = pd.DataFrame.from_records(records)
    all_runs = [rd for rds in data.values() for rd in rds]
    figures = list(FIGURES) + [f for f in OPTIONAL_FIGURES
                               if len(runs) and np.isfinite(runs[f[0]].to_numpy(dtype=float)).any()]
    loss_by = "cause" if all_runs and all(rd.loss_by == "cause" for rd in all_runs) else "outcome"

    table_rows = []
    loss_rows = []
    if len(runs):
        for label, members in runs.groupby("group", sort=False):
            out = {c: members[c].iloc[0] for c in group_columns}
            out["runs"] = len(members)
            for key, _, _ in figures:
                mean, half, n = mean_ci95(members[key].to_numpy(dtype=float))
                out[f"{key}_mean"] = mean
                out[f"{key}_ci95"] = half
                out[f"{key}_n"] = n
            table_rows.append(out)
            rds = data[label]
            causes = sorted({c for rd in rds for c in rd.loss_pct})
            lrow = {"group": label}
            for cause in causes:
                mean, half, n = mean_ci95([rd.loss_pct.get(cause, 0.0) for rd in rds])
                lrow[f"{cause}_mean"], lrow[f"{cause}_ci95"] = mean, half
            loss_rows.append(lrow)
    table = pd.DataFrame.from_records(table_rows)
    loss = pd.DataFrame.from_records(loss_rows).set_index("group") if loss_rows else pd.DataFrame()
    return Comparison(runs=runs, table=table, group_columns=group_columns, failed=failed, data=data, keys=keys,
                      figures=figures, loss_by=loss_by, loss=loss,
                      warmup_s=sorted({rd.warmup_s for rd in all_runs}))


# ---- output ----


def _three_digits(v: float) -> str:
    """3 significant digits; integers above 1000 in full; scientific below 0.001."""
    if v == 0:
        return "0"
    if abs(v) < 1e-3 or abs(v) >= 1e7:
        return f"{v:.2e}"
    digits = max(0, 3 - int(math.floor(math.log10(abs(v)))) - 1)
    return f"{v:.{digits}f}"


#: A half-width below this fraction of the mean is floating-point noise: printed as exact.
EXACT_RELATIVE = 1e-9


def format_mean_ci(mean: float, half: float) -> str:
    """'mean ± half' rounded to what the interval supports: the half-width to one significant digit, the mean to
    the same decimal place; 'mean (exact)' for a zero-width interval; 3 significant digits without one."""
    if mean is None or not np.isfinite(mean):
        return "n/a"
    if half is None or not np.isfinite(half):
        return _three_digits(mean)
    if half <= EXACT_RELATIVE * abs(mean) or half == 0:
        return f"{mean:.6g} (exact)"
    exp = math.floor(math.log10(half))
    rounded = round(half, -exp)
    if rounded >= 10 ** (exp + 1):  # 0.096 -> 0.1: one more place to the left
        exp += 1
        rounded = round(half, -exp)
    decimals = max(0, -exp)
    m = round(mean, -exp)
    if m == 0:
        m = 0.0  # no "-0"
    return f"{m:.{decimals}f} ± {rounded:.{decimals}f}"


def _format_cell(mean: float, half: float) -> str:
    return format_mean_ci(mean, half)


def table_cells(cmp: Comparison) -> List[List[str]]:
    """Header row then one row per group, each figure as 'mean ± half-width' (format_mean_ci)."""
    header = list(cmp.group_columns) + ["runs"] + [f"{heading} ({unit})" for _, heading, unit in cmp.figures]
    body = []
    for _, row in cmp.table.iterrows():
        cells = [str(row[c]) for c in cmp.group_columns] + [str(int(row["runs"]))]
        cells += [_format_cell(row[f"{k}_mean"], row[f"{k}_ci95"]) for k, _, _ in cmp.figures]
        body.append(cells)
    return [header] + body


def markdown_table(cmp: Comparison) -> str:
    rows = table_cells(cmp)
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join("---" for _ in rows[0]) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return (
        "\n".join(lines)
        + "\n\nMean over seeds ± half-width of the 95 % confidence interval (Student t, n - 1 degrees of freedom),"
        " rounded to the interval's first significant digit; (exact): every seed gave the same value.\n"
        + "".join(f"\n## {heading} ({unit})\n\n{grid_markdown(cmp, key)}" for key, heading, unit in cmp.figures
                  if is_headline(key) and grid_axes(cmp))
    )


def grid_axes(cmp: Comparison):
    """(row columns, column column) of the grid view: mechanism across, the other group columns down; None when
    the groups do not vary both."""
    if "mechanism" not in cmp.group_columns or len(cmp.group_columns) < 2:
        return None
    return [c for c in cmp.group_columns if c != "mechanism"], "mechanism"


def grid(cmp: Comparison, key: str):
    """(row labels, column labels, {(row, col): (mean, half)}) of one figure, in sweep order."""
    axes = grid_axes(cmp)
    rows_c, col_c = axes
    row_labels, col_labels, cells = [], [], {}
    for _, r in cmp.table.iterrows():
        rl = " / ".join(str(r[c]) for c in rows_c)
        cl = str(r[col_c])
        if rl not in row_labels:
            row_labels.append(rl)
        if cl not in col_labels:
            col_labels.append(cl)
        cells[(rl, cl)] = (float(r[f"{key}_mean"]), float(r[f"{key}_ci95"]))
    return row_labels, col_labels, cells


def grid_markdown(cmp: Comparison, key: str) -> str:
    rows_l, cols_l, cells = grid(cmp, key)
    head = " / ".join(grid_axes(cmp)[0]) + " \\ mechanism"
    lines = ["| " + head + " | " + " | ".join(cols_l) + " |", "|" + "---|" * (len(cols_l) + 1)]
    for rl in rows_l:
        lines.append(f"| {rl} | " + " | ".join(format_mean_ci(*cells.get((rl, c), (float("nan"),) * 2))
                                             for c in cols_l) + " |")
    return "\n".join(lines) + "\n"


def _groups_colors(labels):
    import matplotlib.pyplot as plt

    cmap = plt.get_cmap("tab10")
    return {label: cmap(i % 10) for i, label in enumerate(labels)}


def panels(cmp: Comparison):
    """[(panel title, [group labels])]: one panel per mechanism when the sweep varies it (policies as lines), else
    one panel with every group."""
    labels = list(cmp.data)
    mechanisms = []
    for label in labels:
        m = cmp.keys.get(label, {}).get("mechanism")
        if m is not None and m not in mechanisms:
            mechanisms.append(m)
    if len(mechanisms) < 2:
        return [("", labels)]
    return [(m, [lb for lb in labels if cmp.keys[lb].get("mechanism") == m]) for m in mechanisms]


def _line_label(cmp: Comparison, label: str, panelled: bool) -> str:
    """The group's label within its panel (without the panel's mechanism)."""
    if not panelled:
        return label
    key = cmp.keys.get(label, {})
    rest = [str(v) for c, v in key.items() if c != "mechanism" and c in cmp.group_columns]
    varying = [c for c in cmp.group_columns if c != "mechanism" and len({k.get(c) for k in cmp.keys.values()}) > 1]
    rest = [str(key[c]) for c in varying] or rest[:1]
    return " / ".join(rest) or label


def _draw_panels(cmp: Comparison, curve, draw, title: str, xlabel: str, ylabel: str, out_dir: str, name: str,
                 setup=None, legend_loc: str = "best", sharex: bool = True):
    """One figure with a panel per mechanism (or one panel). curve(label) -> arrays or None (nothing to draw);
    draw(ax, arrays, style kwargs, legend label). Curves equal to an earlier one in the same panel are drawn
    dashed and labelled '(= first)': coinciding groups stay visible and are named as identical."""
    import matplotlib.pyplot as plt

    groups = panels(cmp)
    panelled = len(groups) > 1
    colours = _groups_colors(list(dict.fromkeys(_line_label(cmp, lb, panelled) for lb in cmp.data)))
    ncols = min(len(groups), 3)
    nrows = math.ceil(len(groups) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(7.5 if ncols == 1 else 5.2 * ncols, 4.5 if nrows == 1 else
                                                    3.6 * nrows), squeeze=False, sharex=sharex, sharey=True)
    for k, (panel, lines) in enumerate(panel_lines(cmp, curve)):
        ax = axes[k // ncols][k % ncols]
        for line, legend, arrays, same in lines:
            if arrays is None:
                ax.plot([], [], color=colours[line], label=legend)
                continue
            draw(ax, arrays, dict(color=colours[line], lw=1.8, linestyle="-" if same is None else (0, (4, 3))),
                 legend)
        if panel:
            ax.set_title(panel, fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        if setup:
            setup(ax)
        ax.legend(loc=legend_loc, fontsize=7)
    for k in range(len(groups), nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel(xlabel)
    for row in axes:
        row[0].set_ylabel(ylabel)
    fig.suptitle(title)
    return _save(fig, out_dir, name)


def panel_lines(cmp: Comparison, curve):
    """[(panel, [(line label, legend text, arrays or None, first equal line or None)])]: what _draw_panels draws.
    A curve equal to an earlier one of its panel gets the legend 'label (= first)'."""
    groups = panels(cmp)
    panelled = len(groups) > 1
    out = []
    for panel, labels in groups:
        seen = []  # (arrays, line label)
        lines = []
        for label in labels:
            line = _line_label(cmp, label, panelled)
            arrays = curve(label)
            if arrays is None:
                lines.append((line, f"{line} (nothing to draw)", None, None))
                continue
            same = next((first for other, first in seen if _same_curve(arrays, other)), None)
            lines.append((line, line if same is None else f"{line} (= {same})", arrays, same))
            if same is None:
                seen.append((arrays, line))
        out.append((panel, lines))
    return out


def _same_curve(a, b) -> bool:
    if len(a) != len(b):
        return False
    return all(np.shape(x) == np.shape(y) and np.array_equal(np.asarray(x), np.asarray(y), equal_nan=True)
               for x, y in zip(a, b))


def plot_all(cmp: Comparison, out_dir: str) -> Dict[str, str]:
    """Writes the PNGs; returns {name: path}."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    paths = {}

    # Latency CDF: the runs' histograms summed per group (every delivered message of every seed counts once).
    def latency_curve(label):
        hist = sum(rd.latency_hist for rd in cmp.data[label])
        total = hist.sum()
        if total == 0:
            return None
        return (LATENCY_BINS_S * 1e3, np.concatenate([[0.0], np.cumsum(hist) / total]))

    def step(ax, arrays, style, label):
        ax.step(arrays[0], arrays[1], where="post", label=label, **style)

    lo, hi = _latency_xlim(cmp)

    def latency_axes(ax):
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_ylim(0, 1.01)
        if lo is not None:
            ax.set_xlim(lo, hi)

    paths["latency_cdf"] = _draw_panels(
        cmp, latency_curve, step, "Latency CDF (all seeds pooled)",
        "end-to-end latency, created → processed (ms, log scale)", "fraction of delivered messages", out_dir,
        "latency_cdf.png", latency_axes, "upper left")

    # Downtime distribution: the CDF of the downtime of every counted migration of every seed, per group.
    def downtime_curve(label):
        d = np.sort(np.concatenate([rd.downtimes for rd in cmp.data[label]]))
        if len(d) == 0:
            return None
        return (np.concatenate([[0.0], d]), np.concatenate([[0.0], np.arange(1, len(d) + 1) / len(d)]))

    def downtime_axes(ax):
        ax.set_xlim(left=0)
        ax.set_ylim(0, 1.01)

    paths["downtime"] = _draw_panels(
        cmp, downtime_curve, step, "Downtime distribution (completed policy and manual migrations, all seeds)",
        "twin downtime of one migration (s; each panel its own scale)", "fraction of migrations", out_dir,
        "downtime.png", downtime_axes, "lower right", sharex=False)

    # Age of information distribution: CDF over every vehicle-twin sample of every seed.
    def aoi_curve(label):
        hist = sum(rd.aoi_hist for rd in cmp.data[label])
        total = hist.sum()
        if total == 0:
            return None
        return (AOI_BINS_S, np.concatenate([[0.0], np.cumsum(hist) / total]))

    def aoi_axes(ax):
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_ylim(0, 1.01)
        hist = sum(rd.aoi_hist for rds in cmp.data.values() for rd in rds)
        if isinstance(hist, np.ndarray) and hist.sum():
            nz = np.nonzero(hist)[0]
            ax.set_xlim(AOI_BINS_S[nz[0]] / 1.5, AOI_BINS_S[nz[-1] + 1] * 1.5)

    paths["aoi"] = _draw_panels(
        cmp, aoi_curve, step, "Age of information distribution (vehicle twins' samples, all seeds)",
        "age of information (s, log scale)", "fraction of samples", out_dir, "aoi.png", aoi_axes, "lower right")

    # Migrations over time: cumulative count, mean over seeds.
    horizon = max((rd.simulated_s for rds in cmp.data.values() for rd in rds), default=0.0)
    grid_t = np.linspace(0.0, horizon, 301) if horizon > 0 else np.array([0.0])

    def migrations_curve(label):
        curves = [np.searchsorted(rd.migration_times, grid_t, side="right") for rd in cmp.data[label]]
        return (grid_t, np.mean(curves, axis=0))

    def line(ax, arrays, style, label):
        ax.plot(arrays[0], arrays[1], label=label, **style)

    paths["migrations_over_time"] = _draw_panels(
        cmp, migrations_curve, line, "Migrations over time", "simulated time (s)",
        "completed migrations so far\n(mean over seeds)", out_dir, "migrations_over_time.png", None, "upper left")

    # MEC load over time: CPU reserved by twins, mean over the MEC sites, then over seeds.
    def mec_curve(label):
        series = [rd.mec_load for rd in cmp.data[label] if len(rd.mec_load)]
        if not series:
            return None
        mean = pd.concat(series, axis=1).mean(axis=1).sort_index()
        return (mean.index.to_numpy(dtype=float), mean.to_numpy(dtype=float))

    paths["mec_load"] = _draw_panels(
        cmp, mec_curve, line, "MEC load over time (mean over MEC sites and seeds)", "simulated time (s)",
        "MEC CPU reserved by twins\n(% of cores)", out_dir, "mec_load.png", lambda ax: ax.set_ylim(bottom=0))
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
    fig.tight_layout(rect=(0, 0, 1, 0.96) if fig._suptitle is not None else None)
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
