"""Tests of compare.py and report.py on small sweep folders made here (run: /usr/bin/python3 -m pytest analysis).

The run files are written in the layout of sim/metrics/SCHEMA.md with the helpers of test_v2xh5.py (which parse
the column lists from SCHEMA.md itself). Every expected number is worked out by hand in the comments.
"""

import math
import os
import sys

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import report  # noqa: E402
from test_v2xh5 import METADATA, SCHEMA, SUMMARY, compound, numpy_type, rows, units_of  # noqa: E402, units_of

import h5py  # noqa: E402

NONE = 4294967295
NAN = float("nan")

# Student t quantiles t(0.975, df) from a printed table (e.g. NIST/SEMATECH e-Handbook of Statistical Methods,
# section 1.3.6.7.2, "Critical values of the Student's t distribution", 3 decimals).
T_TABLE = {1: 12.706, 2: 4.303, 4: 2.776, 9: 2.262, 29: 2.045, 100: 1.984}

# enum values (SCHEMA.md order)
DELIVERED, LOST = 0, 1
INITIAL, POLICY, MANUAL = 0, 1, 2
COMPLETED, REJECTED, UNFINISHED = 0, 1, 2


def write_run(path, latencies_s, lost=0, migrations=(), vehicle_seconds=7200.0, simulated_s=100.0,
              twins=None, mecs=None):
    """A run file: station 0 an RSU, 1 a vehicle; site 0 a 16-core MEC, site 1 the cloud.

    migrations: (reason, outcome, finished, downtime) tuples."""
    messages = []
    for i, lat in enumerate(latencies_s):
        created = 0.1 * i
        messages.append((1, i, 0, 0, 0, 180, created, created, created, created, created + lat, DELIVERED, 0, 0))
    for j in range(lost):
        created = 50.0 + 0.1 * j
        messages.append((1, 10000 + j, 0, 0, NONE, 180, created, created, created, NAN, NAN, LOST, 5, 0))  # cause migration
    tables = {
        "/infrastructure/sites": [
            (0, "mec-0", 0, 10.0, 20.0, 16, 32768.0, 110),
            (1, "cloud", 1, 0.0, 0.0, 1024, 1e6, 100000),
        ],
        "/infrastructure/rsus": [(0, "rsu-0", 10.0, 20.0, 300.0, 0, 0)],
        "/infrastructure/brokers": [(0, "broker-0", 0)],
        "/stations": [(0, "rsu-0", 1, 0.0), (1, "veh.1", 0, 0.5)],
        "/messages": messages,
        "/handovers": [],
        "/migrations": [
            (k, 1, 0, 1, reason, 1, outcome, "stateless-restart", "nearest", "", finished - 1.0, finished, downtime,
             0.0)
            for k, (reason, outcome, finished, downtime) in enumerate(migrations)
        ],
        "/migration_phases": [],
        # vehicle twin: AoI 0.2, 0.4 and NaN (none yet); the RSU's twin (0.9) does not count
        "/twins": twins if twins is not None else [
            (1.0, 1, 0, 2, 0.2), (2.0, 1, 0, 2, 0.4), (3.0, 1, NONE, 1, NAN), (1.0, 0, 0, 2, 0.9)],
        # MEC site 0 (16 cores): 4 then 8 cores reserved = 25 % and 50 %; busy 0.1 and 0.3. The cloud does not count.
        "/mecs": mecs if mecs is not None else [
            (1.0, 0, 4.0, 1024.0, 16, 0, 0.1), (2.0, 0, 8.0, 2048.0, 32, 0, 0.3), (1.0, 1, 100.0, 0.0, 400, 0, 0.9)],
    }
    summary = dict(SUMMARY)
    summary.update(
        messages_created=len(latencies_s) + lost,
        messages_delivered=len(latencies_s),
        messages_lost=lost,
        messages_dropped=0,
        messages_not_sent=0,
        vehicle_seconds=vehicle_seconds,
        simulated_s=simulated_s,
    )
    with h5py.File(path, "w") as f:
        f.attrs["schema_version"] = np.int32(1)
        f.attrs["seed"] = np.uint64(1)
        for key, value in METADATA.items():
            if key not in ("schema_version", "seed"):
                f.attrs[key] = value
        for table in SCHEMA:
            if table == "/summary":
                continue
            data = rows(table, tables.get(table, []))
            dset = f.create_dataset(table, data=data, maxshape=(None,), dtype=data.dtype, chunks=True)
            dset.attrs["units"] = units_of(table, data.dtype)
            dset.attrs["doc"] = "test"
        group = f.create_group("summary")
        for name, type_text, _ in SCHEMA["/summary"]:
            group.attrs[name] = np.array(summary[name], dtype=numpy_type(type_text))
        group.attrs["units"] = ",".join(f"{name}:{unit}" for name, _, unit in SCHEMA["/summary"])


def write_manifest(path, records):
    """records: dicts with run, policy, mechanism, seed, status."""
    frame = pd.DataFrame.from_records(
        [
            {"index": i, "run": r["run"], "policy": r["policy"], "mechanism": r["mechanism"], "seed": r["seed"],
             "output": f"x/runs/{r['run']}.h5", "status": r["status"], "exit_code": r.get("exit_code", 0),
             "error": r.get("error", ""), "wall_s": 1.0}
            for i, r in enumerate(records)
        ]
    )
    frame.to_csv(path, index=False)


def ms_range(first_ms, count, shift_ms=0.0):
    return [(first_ms + k + shift_ms) / 1000.0 for k in range(count)]


@pytest.fixture
def sweep_dir(tmp_path):
    """Two groups: nearest (3 seeds) and never (2 seeds, plus a failed run that must be left out)."""
    runs = tmp_path / "runs"
    runs.mkdir()
    mig = [
        (INITIAL, COMPLETED, 1.0, 4.5),  # initial placement: not counted
        (POLICY, COMPLETED, 20.0, 3.0),  # counted
        (MANUAL, COMPLETED, 40.0, 5.0),  # counted
        (POLICY, REJECTED, 50.0, 0.0),  # not completed: not counted
        (POLICY, UNFINISHED, 60.0, 1.0),  # not completed: not counted
    ]
    records = []
    # nearest, seed k (1..3): latencies 1..100 ms shifted by 10 (k - 1) ms; k lost messages;
    # vehicle-hours 2, 1, 2 (vehicle_seconds 7200, 3600, 7200).
    for k, vs in zip((1, 2, 3), (7200.0, 3600.0, 7200.0)):
        name = f"nearest_sr_seed{k}"
        write_run(runs / f"{name}.h5", ms_range(1, 100, 10 * (k - 1)), lost=k, migrations=mig, vehicle_seconds=vs)
        records.append(dict(run=name, policy="nearest", mechanism="sr", seed=k, status="complete"))
    # never, seeds 1, 2: latencies 1..100 ms and 3..102 ms, no migrations, no loss.
    for k, shift in ((1, 0.0), (2, 2.0)):
        name = f"never_sr_seed{k}"
        write_run(runs / f"{name}.h5", ms_range(1, 100, shift), migrations=[(INITIAL, COMPLETED, 1.0, 4.5)])
        records.append(dict(run=name, policy="never", mechanism="sr", seed=k, status="complete"))
    records.append(dict(run="never_sr_seed3", policy="never", mechanism="sr", seed=3, status="failed",
                        exit_code=2, error="v2xsim: error: something"))
    write_manifest(tmp_path / "manifest.csv", records)
    return tmp_path


def test_student_t_quantile_matches_the_printed_table():
    for df, t in T_TABLE.items():
        assert compare.student_t_quantile(0.975, df) == pytest.approx(t, abs=6e-4), df
    # and the normal limit 1.95996 for large df
    assert compare.student_t_quantile(0.975, 1e7) == pytest.approx(1.959964, abs=1e-5)


def test_student_t_cdf_closed_forms():
    # df = 1 is the Cauchy law: F(t) = 1/2 + atan(t)/pi; df = 2: F(t) = 1/2 + t / (2 sqrt(2 + t^2)).
    for t in (0.3, 1.0, 4.0, -2.5):
        assert compare.student_t_cdf(t, 1) == pytest.approx(0.5 + math.atan(t) / math.pi, abs=1e-12)
        assert compare.student_t_cdf(t, 2) == pytest.approx(0.5 + t / (2 * math.sqrt(2 + t * t)), abs=1e-12)


def test_mean_ci95_by_hand():
    # 50, 60, 70: mean 60, s = 10, half-width t(0.975, 2) * 10 / sqrt(3) = 4.303 * 5.7735 = 24.84
    mean, half, n = compare.mean_ci95([50.0, 60.0, 70.0])
    assert (mean, n) == (60.0, 3)
    assert half == pytest.approx(4.303 * 10 / math.sqrt(3), rel=2e-4)
    # NaN values are left out; one value has no interval
    mean, half, n = compare.mean_ci95([7.0, NAN])
    assert (mean, n) == (7.0, 1) and math.isnan(half)


def test_quantile_rank_definition():
    # rank ceil(q n): n = 100 -> p50 is the 50th value, p95 the 95th, p99 the 99th; n = 3 -> p50 is the 2nd
    values = np.arange(1.0, 101.0)
    assert [compare.quantile_rank(values, q) for q in (0.5, 0.95, 0.99)] == [50.0, 95.0, 99.0]
    assert compare.quantile_rank(np.array([1.0, 2.0, 3.0]), 0.5) == 2.0
    assert compare.quantile_rank(np.array([1.0, 2.0, 3.0]), 0.99) == 3.0


def test_one_run_figures_by_hand(tmp_path):
    path = tmp_path / "r.h5"
    mig = [(INITIAL, COMPLETED, 1.0, 4.5), (POLICY, COMPLETED, 20.0, 3.0), (MANUAL, COMPLETED, 40.0, 5.0),
           (POLICY, REJECTED, 50.0, 0.0), (POLICY, UNFINISHED, 60.0, 1.0)]
    write_run(path, ms_range(1, 100), lost=4, migrations=mig, vehicle_seconds=7200.0)
    rd = compare.read_run(str(path))
    f = rd.figures
    # latencies 1..100 ms: p50 = 50, p95 = 95, p99 = 99 ms
    assert f["latency_p50_ms"] == pytest.approx(50.0, abs=1e-9)
    assert f["latency_p95_ms"] == pytest.approx(95.0, abs=1e-9)
    assert f["latency_p99_ms"] == pytest.approx(99.0, abs=1e-9)
    # counted: the completed policy (3 s) and manual (5 s) migrations over 2 vehicle-hours
    assert f["downtime_s_per_vehicle_hour"] == pytest.approx(8.0 / 2.0)
    assert f["migrations_per_vehicle_hour"] == pytest.approx(2 / 2.0)
    assert list(rd.migration_times) == [20.0, 40.0]
    # 4 lost of 104 created
    assert f["messages_lost"] == 4 and f["messages_lost_pct"] == pytest.approx(100 * 4 / 104)
    # vehicle twin AoI 0.2 and 0.4 (NaN and the RSU twin's 0.9 left out)
    assert f["aoi_mean_s"] == pytest.approx(0.3)
    # MEC site 0: 4/16 and 8/16 reserved -> 37.5 %; busy (0.1 + 0.3) / 2 -> 20 % (cloud left out)
    assert f["mec_cpu_reserved_pct"] == pytest.approx(37.5)
    assert f["mec_cpu_busy_pct"] == pytest.approx(20.0)
    assert list(rd.mec_load.index) == [1.0, 2.0] and list(rd.mec_load.values) == [25.0, 50.0]
    # the CDF histogram holds every delivered message once
    assert rd.latency_hist.sum() == 100


def test_table_by_hand(sweep_dir):
    cmp = compare.compare(str(sweep_dir))
    assert cmp.group_columns == ["policy", "mechanism"]
    assert list(cmp.data) == ["nearest", "never"]  # plot labels: the mechanism is the same for all, left out
    assert len(cmp.runs) == 5 and list(cmp.failed.run) == ["never_sr_seed3"]
    table = cmp.table.set_index("policy")
    near, never = table.loc["nearest"], table.loc["never"]
    assert near["runs"] == 3 and never["runs"] == 2
    t2, t1 = T_TABLE[2], T_TABLE[1]

    # nearest p50: 50, 60, 70 ms -> 60 +- t(2) * 10 / sqrt(3); p99: 99, 109, 119 -> 109, same half-width
    assert near["latency_p50_ms_mean"] == pytest.approx(60.0)
    assert near["latency_p50_ms_ci95"] == pytest.approx(t2 * 10 / math.sqrt(3), rel=2e-4)
    assert near["latency_p99_ms_mean"] == pytest.approx(109.0)
    assert near["latency_p99_ms_ci95"] == pytest.approx(t2 * 10 / math.sqrt(3), rel=2e-4)
    assert near["latency_p95_ms_n"] == 3
    # downtime per vehicle-hour 8/2, 8/1, 8/2 = 4, 8, 4: mean 16/3, s = sqrt(((4-16/3)^2 * 2 + (8-16/3)^2) / 2)
    s = math.sqrt(((4 - 16 / 3) ** 2 * 2 + (8 - 16 / 3) ** 2) / 2)
    assert near["downtime_s_per_vehicle_hour_mean"] == pytest.approx(16 / 3)
    assert near["downtime_s_per_vehicle_hour_ci95"] == pytest.approx(t2 * s / math.sqrt(3), rel=2e-4)
    # migrations per vehicle-hour 1, 2, 1 -> 4/3
    assert near["migrations_per_vehicle_hour_mean"] == pytest.approx(4 / 3)
    # lost 1, 2, 3 -> 2 +- t(2) * 1 / sqrt(3)
    assert near["messages_lost_mean"] == pytest.approx(2.0)
    assert near["messages_lost_ci95"] == pytest.approx(t2 / math.sqrt(3), rel=2e-4)
    # never p50: 50, 52 -> 51 +- t(1) * sqrt(2) / sqrt(2) = t(1) * 1
    assert never["latency_p50_ms_mean"] == pytest.approx(51.0)
    assert never["latency_p50_ms_ci95"] == pytest.approx(t1 * 1.0, rel=2e-4)
    # no counted migrations: 0 with a zero-width interval
    assert never["migrations_per_vehicle_hour_mean"] == 0.0 and never["migrations_per_vehicle_hour_ci95"] == 0.0
    assert near["aoi_mean_s_mean"] == pytest.approx(0.3)
    assert near["mec_cpu_reserved_pct_mean"] == pytest.approx(37.5)


def test_outputs_markdown_csv_and_plots(sweep_dir, tmp_path):
    cmp = compare.compare(str(sweep_dir))
    out = tmp_path / "report"
    paths = compare.write_outputs(cmp, str(out))
    md = (out / "table.md").read_text()
    lines = md.splitlines()
    assert lines[0].startswith("| policy | mechanism | runs | latency p50 (ms) |")
    nearest_row = next(line for line in lines if line.startswith("| nearest |"))
    # 60 +- 24.84: the half-width to one significant digit (20), the mean to the same place (60)
    assert "| 60 ± 20 |" in nearest_row
    # the RSU twin left out, every seed gives AoI 0.3: a zero-width interval, printed as exact
    assert "| 0.3 (exact) |" in nearest_row
    table = pd.read_csv(out / "table.csv")
    assert set(table.policy) == {"nearest", "never"}
    assert table.set_index("policy").loc["nearest", "latency_p50_ms_mean"] == pytest.approx(60.0)
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 5
    for key in ("latency_cdf", "downtime", "aoi", "migrations_over_time", "mec_load"):
        with open(paths[key], "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n", key


def test_html_report(sweep_dir, tmp_path):
    page = report.build(str(sweep_dir), str(tmp_path / "rep"))
    text = open(page, encoding="utf-8").read()
    assert text.count("data:image/png;base64,") == 5
    assert "<td>60 ± 20</td>" in text
    assert "never_sr_seed3" in text  # the failed run is listed as left out


def test_manifests_of_shards_merge(sweep_dir):
    # shard 1 lists nearest_sr_seed1 as pending, shard 0 as complete: the complete row wins
    m = pd.read_csv(sweep_dir / "manifest.csv", dtype=str, keep_default_na=False)
    os.remove(sweep_dir / "manifest.csv")
    m.to_csv(sweep_dir / "manifest-shard-0-of-2.csv", index=False)
    other = m[m.run == "nearest_sr_seed1"].copy()
    other["status"] = "pending"
    other.to_csv(sweep_dir / "manifest-shard-1-of-2.csv", index=False)
    merged = compare.read_manifests(str(sweep_dir))
    assert len(merged) == 6
    assert merged.set_index("run").loc["nearest_sr_seed1", "status"] == "complete"


# ---- rounding, grid views, identical curves, warm-up, the newer datasets ----

import fixture_runs  # noqa: E402


def test_numbers_rounded_to_their_interval():
    f = compare.format_mean_ci
    assert f(60.0, 24.84) == "60 ± 20"
    assert f(3.8612345, 0.00234) == "3.861 ± 0.002"
    assert f(123456.0, 2484.0) == "123000 ± 2000"
    assert f(0.96, 0.096) == "1.0 ± 0.1"  # 0.096 rounds up to 0.1: one decimal
    assert f(-0.01, 0.5) == "0.0 ± 0.5"  # no "-0.0"
    # zero, and floating-point noise far below the mean, are exact
    assert f(4.5, 0.0) == "4.5 (exact)"
    assert f(3.861, 7.89e-12) == "3.861 (exact)"
    # one seed: 3 significant digits, no interval; nothing: n/a
    assert f(0.5, NAN) == "0.500" and f(NAN, 1.0) == "n/a"


@pytest.fixture
def grid_dir(tmp_path):
    """2 policies x 2 mechanisms x 2 seeds; `never` migrates with neither mechanism (identical curves)."""
    runs = tmp_path / "runs"
    runs.mkdir()
    records = []
    for policy in ("nearest", "never"):
        for mech, extra in (("sr", 0.0), ("mbb", 10.0)):
            for seed in (1, 2):
                name = f"{policy}_{mech}_seed{seed}"
                mig = [(INITIAL, COMPLETED, 1.0, 4.5)]
                if policy == "nearest":
                    mig.append((POLICY, COMPLETED, 20.0, 3.0 if mech == "sr" else 0.5))
                write_run(runs / f"{name}.h5", ms_range(1, 100, extra + seed), migrations=mig)
                records.append(dict(run=name, policy=policy, mechanism=mech, seed=seed, status="complete"))
    write_manifest(tmp_path / "manifest.csv", records)
    return tmp_path


def test_grid_view_policies_by_mechanisms(grid_dir, tmp_path):
    cmp = compare.compare(str(grid_dir))
    rows_l, cols_l, cells = compare.grid(cmp, "latency_p50_ms")
    assert rows_l == ["nearest", "never"] and cols_l == ["sr", "mbb"]
    # p50 of 1..100 ms shifted by seed (1, 2) and 10 ms for mbb: 51.5 and 61.5 ms; half t(1) * 0.5 * sqrt(2)/sqrt(2)
    assert cells[("never", "sr")][0] == pytest.approx(51.5)
    assert cells[("nearest", "mbb")][0] == pytest.approx(61.5)
    md = compare.markdown_table(cmp)
    assert "| policy \\ mechanism | sr | mbb |" in md
    page = open(report.build(str(grid_dir), str(tmp_path / "rep")), encoding="utf-8").read()
    assert page.count('<table class="grid"') == len(compare.HEADLINE)
    assert '<table class="grid" data-figure="latency_p95_ms">' in page


def test_coinciding_curves_are_marked_not_hidden(grid_dir):
    cmp = compare.compare(str(grid_dir))
    # one panel per mechanism; in each, `never` has no policy migrations: nothing to draw, but listed
    def downtime(label):
        d = np.sort(np.concatenate([rd.downtimes for rd in cmp.data[label]]))
        return (d,) if len(d) else None

    panels = compare.panel_lines(cmp, downtime)
    assert [p for p, _ in panels] == ["sr", "mbb"]
    assert [legend for _, legend, _, _ in panels[0][1]] == ["nearest", "never (nothing to draw)"]

    # the migrations-over-time curves of nearest and never differ; a curve that equals another is labelled so
    def constant(label):
        return (np.array([0.0, 1.0]), np.array([1.0, 1.0]))

    lines = compare.panel_lines(cmp, constant)[1][1]
    assert [legend for _, legend, _, _ in lines] == ["nearest", "never (= nearest)"]
    assert lines[1][2] is not None  # drawn, not dropped


def test_warmup_is_left_out(tmp_path):
    path = tmp_path / "w.h5"
    mig = [(INITIAL, COMPLETED, 1.0, 4.5), (POLICY, COMPLETED, 3.0, 2.0), (POLICY, COMPLETED, 20.0, 3.0)]
    write_run(path, ms_range(1, 100), lost=4, migrations=mig, vehicle_seconds=99.5, simulated_s=100.0)
    with h5py.File(path, "a") as f:
        f["summary"].attrs["warmup_s"] = 5.0
    rd = compare.read_run(str(path))
    f = rd.figures
    # messages created at 0.1 i: those from 5 s on are i = 50..99 (latencies 51..100 ms): p50 = 25th = 75 ms
    assert f["latency_p50_ms"] == pytest.approx(75.0)
    # the 4 lost messages (created at 50 s on) all count: 4 of 54 created after the warm-up
    assert f["messages_lost_pct"] == pytest.approx(100 * 4 / 54)
    # the migration requested at 2 s (finished 3 s) is left out, the one requested at 19 s counts; the vehicle
    # (appeared 0.5 s, never removed) is present 100 - 5 = 95 s after the warm-up
    assert f["migrations_per_vehicle_hour"] == pytest.approx(1 / (95 / 3600))
    # AoI samples at 1 and 2 s are in the warm-up: none left
    assert math.isnan(f["aoi_mean_s"])
    assert rd.warmup_s == 5.0 and any("warm-up" in n for n in rd.notes)


def test_new_datasets_used_when_present(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    records = []
    for seed in (1, 2):
        name = f"nearest_sr_seed{seed}"
        fixture_runs.write(runs / f"{name}.h5", extended=True, warmup_s=3.0)
        records.append(dict(run=name, policy="nearest", mechanism="sr", seed=seed, status="complete"))
    write_manifest(tmp_path / "manifest.csv", records)
    cmp = compare.compare(str(tmp_path))
    assert cmp.loss_by == "cause" and cmp.warmup_s == [3.0]
    # from 3 s on: 68 messages created (80 minus veh0's 6 at 0, 0.5, ..., 2.5 s and veh1's 6 at 0.1, ..., 2.6 s);
    # 4 lost (no serving twin, 10..11.5 s), 1 not sent (no coverage, created at 3.6 s)
    table = cmp.table.iloc[0]
    assert cmp.loss.loc["nearest", "migration_mean"] == pytest.approx(100 * 4 / 68)
    assert cmp.loss.loc["nearest", "no_coverage_mean"] == pytest.approx(100 * 1 / 68)
    # energy: cumulative meters 100 t (s + 1) J, samples t = 3..20: (20 - 3) * 100 * (1 + 2 + 3) J = 10.2 kJ
    assert table["energy_kj_mean"] == pytest.approx(10.2)
    assert table["faults_mean"] == 1.0
    keys = [k for k, _, _ in cmp.figures]
    assert "energy_kj" in keys and "faults" in keys
    page = open(report.build(str(tmp_path), str(tmp_path / "rep")), encoding="utf-8").read()
    assert "by cause (/messages.cause)" in page and "migration" in page and "Warm-up left out" in page


def test_files_without_optional_figures(sweep_dir):
    # Every file of this schema has /messages.cause (the losses go by cause); energy and faults are optional.
    cmp = compare.compare(str(sweep_dir))
    assert cmp.loss_by == "cause"
    assert [k for k, _, _ in cmp.figures] == [k for k, _, _ in compare.FIGURES]
