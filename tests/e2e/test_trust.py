"""Results a researcher can trust (issue 15): geographic traces, whole traces, the effective scenario that runs
again to the same datasets, provenance, a user's own layout, `validate` with run's flags, progress lines.

Uses tests/data/traces only: bologna_60s.fcd.geo.xml.gz is bologna_60s.fcd.xml.gz in lon/lat (made with
tools/xy_to_lonlat.cpp through the net's UTM zone 32 projection and offset, as SUMO's --fcd-output.geo does),
bologna_junctions.csv the 15 junctions with both x,y and lon,lat, bologna_mecs.csv two MECs likewise.
"""
import os
import re

import h5py
import numpy as np
import pytest

TRACES = ("tests", "data", "traces")


def data(repo, name):
    return os.path.join(repo, *TRACES, name)


def summary(path):
    with h5py.File(path, "r") as f:
        return {k: (v.item() if hasattr(v, "item") else v) for k, v in f["summary"].attrs.items()}


def text_attr(f, name):
    v = f.attrs[name]
    return v.decode() if isinstance(v, bytes) else str(v)


def layout_run(run_cli, repo, out, trace, *extra):
    return run_cli("run", os.path.join(repo, "scenarios", "default.textproto"), "--trace", data(repo, trace),
                   "--rsu-sites", data(repo, "bologna_junctions.csv"), "--mec-sites", data(repo, "bologna_mecs.csv"),
                   "-o", out, *extra, check=0)


# ---- geography ---------------------------------------------------------------------------------------------

def test_metres_with_xy_sites_and_lonlat_with_lonlat_sites_agree(run_cli, repo, tmp_path):
    xy = layout_run(run_cli, repo, tmp_path / "xy.h5", "bologna_60s.fcd.xml.gz")
    geo = layout_run(run_cli, repo, tmp_path / "geo.h5", "bologna_60s.fcd.geo.xml.gz")
    assert "projection: +proj=utm +zone=32" in geo.stdout
    assert "projection" not in xy.stdout
    a, b = summary(tmp_path / "xy.h5"), summary(tmp_path / "geo.h5")
    assert a["messages_created"] > 10000
    share = lambda s: 100.0 * s["messages_delivered"] / s["messages_created"]
    # The check of issue 15 is 2 points; the two frames differ only by the projection's rounding (SUMO's 6
    # decimals of a degree, 0.1 m) and CAM sizes (UTM's larger coordinates take more varint bytes). Seen here:
    # identical deliveries, and the same handovers.
    assert abs(share(a) - share(b)) <= 2.0
    assert a["handovers"] == b["handovers"]
    with h5py.File(tmp_path / "geo.h5", "r") as f:
        text = text_attr(f, "scenario_text")
        assert 'projection: "+proj=utm +zone=32 +datum=WGS84 +units=m +no_defs"' in text
        rsus = f["infrastructure/rsus"][:]
        # junction_0 at lon 11.309491, lat 44.498834: UTM 32 easting 683603.96 (SUMO x 403.54 + offset 683200.42)
        assert float(rsus["x"][0]) == pytest.approx(683603.96, abs=0.1)


def test_geographic_trace_with_xy_only_sites_is_an_error(run_cli, repo, tmp_path):
    sites = tmp_path / "xy.csv"
    sites.write_text("id,x,y\nr0,400,400\n")
    proc = run_cli("run", os.path.join(repo, "scenarios", "default.textproto"), "--trace",
                   data(repo, "bologna_60s.fcd.geo.xml.gz"), "--rsu-sites", sites, "-o", tmp_path / "x.h5", check=2)
    assert f"{sites}:2" in proc.stderr and "give lon,lat columns" in proc.stderr


def test_trace_info_says_geographic_and_the_projection(run_cli, repo):
    geo = run_cli("trace", "info", data(repo, "bologna_60s.fcd.geo.xml.gz"), check=0).stdout
    assert "coordinates: geographic (lon/lat, WGS84), projected with +proj=utm +zone=32 +datum=WGS84" in geo
    assert "bounding box (lon/lat): 11.30" in geo
    xy = run_cli("trace", "info", data(repo, "bologna_60s.fcd.xml.gz"), check=0).stdout
    assert "coordinates: metres" in xy
    local = run_cli("trace", "info", data(repo, "bologna_60s.fcd.geo.xml.gz"), "--projection",
                    "+proj=tmerc +lat_0=44.5 +lon_0=11.31 +ellps=WGS84", check=0).stdout
    assert "projected with +proj=tmerc" in local and "(the UTM zone" not in local


def test_scenario_mecs_far_from_a_geographic_trace_are_warned(run_cli, repo, tmp_path):
    proc = run_cli("run", os.path.join(repo, "scenarios", "default.textproto"), "--trace",
                   data(repo, "bologna_60s.fcd.geo.xml.gz"), "--rsu-sites", data(repo, "bologna_junctions.csv"),
                   "--duration", "5", "-o", tmp_path / "w.h5", check=0)
    assert "RSUs attach to MEC" in proc.stderr           # all 15 on the one nearest to (UTM) nowhere
    assert "MECs lie outside the trace's area" in proc.stderr


# ---- whole traces, duration --------------------------------------------------------------------------------

def test_trace_runs_whole_unless_duration(run_cli, tiny, repo, tmp_path):
    scenario = os.path.join(tiny, "two_cells.textproto")  # duration_s: 60 in the file
    trace = data(repo, "bologna_10s.fcd.xml")             # t = 600 .. 609 s
    run_cli("run", scenario, "--trace", trace, "--rsu-grid", "500", "-q", "-o", tmp_path / "w.h5", check=0)
    whole = summary(tmp_path / "w.h5")["simulated_s"]
    assert 9 <= whole < 60  # the trace's 9 s (plus the twins' removals), not the scenario's 60 s
    run_cli("run", scenario, "--trace", trace, "--rsu-grid", "500", "--duration", "4", "-q", "-o",
            tmp_path / "d.h5", check=0)
    assert summary(tmp_path / "d.h5")["simulated_s"] == pytest.approx(4)


# ---- provenance: the stored scenario is the effective one and runs again to the same datasets ---------------

def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[()]
        f.visititems(visit)
    return out


def test_stored_scenario_runs_again_to_identical_datasets(run_cli, tiny, repo, tmp_path):
    first = tmp_path / "first.h5"
    proc = run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--trace", data(repo, "bologna_60s.fcd.xml.gz"),
                   "--rsu-grid", "400", "--mec-grid", "2", "--cell-radius", "350", "--seed", "7", "--policy",
                   "latency", "--set", "telemetry.rate_hz=2", "--engine-arg=--cfg=network/model:LV08", "-o", first,
                   check=0)
    # The 60 s excerpt's box (1650 x 1116 m): a 400 m grid of 5 x 3 RSUs; 2 x 2 RSUs per MEC: 3 x 2 MECs.
    assert "MEC sites (6):" in proc.stdout and "RSU sites (15):" in proc.stdout
    with h5py.File(first, "r") as f:
        text = text_attr(f, "scenario_text")
    # Everything the command line changed is in the text: trace, layout, seed, policy, engine argument.
    assert 'engine_arg: "--cfg=network/model:LV08"' in text
    assert "seed: 7" in text and 'policy: "latency"' in text and "duration_s: 0" in text
    assert text.count("rsu {") == 15 and text.count("mec {") == 6 and "cell_radius_m: 350" in text
    # Paths made absolute (the trace already is: --trace is stored absolute), then run again from the text alone.
    assert os.path.isabs(text.split('trace: "')[1].split('"')[0])
    again_file = tmp_path / "again.textproto"
    again_file.write_text(text)
    second = tmp_path / "second.h5"
    run_cli("run", again_file, "-q", "-o", second, check=0)
    a, b = datasets(first), datasets(second)
    assert sorted(a) == sorted(b)
    for name in a:
        assert a[name].dtype == b[name].dtype, name
        assert a[name].tobytes() == b[name].tobytes(), name
    assert len(a["messages"]) > 1000
    sa, sb = summary(first), summary(second)
    for key in sa:
        if key not in ("wall_s", "peak_rss_kb"):
            assert sa[key] == sb[key], key


def test_version_names_commit_and_libraries(run_cli, tiny, tmp_path):
    version = run_cli("--version", check=0).stdout
    assert "commit " in version and "SimGrid 3.32" in version and "Protobuf 3." in version and "HDF5 1." in version
    out = tmp_path / "v.h5"
    run_cli("run", os.path.join(tiny, "two_cells.textproto"), "-q", "--duration", "2", "-o", out, check=0)
    with h5py.File(out, "r") as f:
        assert text_attr(f, "simulator_version") in version


# ---- policies' defaults, seen end to end ----------------------------------------------------------------------

def test_latency_policy_moves_with_its_derived_threshold(run_cli, tiny, tmp_path):
    # Two vehicles cross from r0 (mec0) to r1 (mec1). With the former fixed 20 ms the twin never moved (every
    # latency of the model is below it); 1.5 x the uncongested ~2.7 ms (scenario.proto, Latency) is ~4 ms, below
    # the latency of a twin one 2 ms MEC-to-MEC link away.
    out = tmp_path / "lat.h5"
    run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--policy", "latency", "-q", "-o", out, check=0)
    with h5py.File(out, "r") as f:
        m = f["migrations"][:]
    policy_moves = [r for r in m if int(r["reason"]) == 1 and int(r["outcome"]) == 0]
    assert len(policy_moves) >= 1


def test_a_rejection_is_recorded_once_until_something_changes(run_cli, tiny, tmp_path):
    # mec1 admits one pod, which r1's own twin takes: the vehicle that crosses into r1's cell under `nearest` is
    # refused at every decision after that. Before: 34 identical rejections (one per tick); now one, since its
    # RSU, the target and the reason stay the same.
    out = tmp_path / "rej.h5"
    run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--set", "infrastructure.mec[1].pod_slots=1", "-q",
            "-o", out, check=0)
    with h5py.File(out, "r") as f:
        m = f["migrations"][:]
    rejected = [(int(r["station"]), int(r["to_site"]), r["note"].decode()) for r in m if int(r["outcome"]) == 1]
    assert rejected == [(rejected[0][0], 1, "no capacity on mec1")]


# ---- CLI habits ------------------------------------------------------------------------------------------------

def test_validate_takes_the_input_flags_of_run(run_cli, tiny, repo):
    proc = run_cli("validate", os.path.join(tiny, "two_cells.textproto"), "--trace",
                   data(repo, "bologna_60s.fcd.geo.xml.gz"), "--rsu-grid", "500", "--mec-grid", "2", "--seed", "3",
                   "--duration", "30", "--policy", "never", check=0)
    assert "trace check:" in proc.stdout and "geographic, projected with +proj=utm +zone=32" in proc.stdout
    assert "MEC sites" in proc.stdout
    assert "seed 3, duration 30 s" in proc.stdout


def test_progress_lines_when_stderr_is_not_a_terminal(run_cli, tiny, tmp_path):
    proc = run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--progress-interval", "0", "-o",
                   tmp_path / "p.h5", check=0)
    lines = [l for l in proc.stderr.splitlines() if l.startswith("v2xsim: progress: ")]
    assert len(lines) >= 10  # one per simulated second at interval 0 (60 s run, 1 s samples)
    assert "of 60 s (" in lines[-1] and "messages/s" in lines[-1] and "ETA" in lines[0]
    quiet = run_cli("run", os.path.join(tiny, "two_cells.textproto"), "-q", "--progress-interval", "0", "-o",
                    tmp_path / "q.h5", check=0)
    assert "progress" not in quiet.stderr and quiet.stdout == ""


# ---- steady-state start, warm-up, honest counts ---------------------------------------------------------------

def _enum(f, table, column):
    return h5py.check_enum_dtype(f[table].dtype[column])


def _start_loss(path, horizon_s):
    """Fraction of the messages that vehicles present at t = 0 created before horizon_s and that were not
    delivered; and the number of those messages."""
    with h5py.File(path, "r") as f:
        st = f["stations"][:]
        m = f["messages"][:]
        vehicle = _enum(f, "stations", "kind")["vehicle"]
        delivered = _enum(f, "messages", "outcome")["delivered"]
    at_start = set(int(s) for s in st[(st["kind"] == vehicle) & (st["appeared"] == 0.0)]["station"])
    mine = m[np.isin(m["station"], list(at_start)) & (m["created"] < horizon_s)]
    return float(np.mean(mine["outcome"] != delivered)), len(mine)


def test_vehicles_present_at_the_start_lose_at_most_5_percent_in_the_first_30_s(run_cli, repo, tmp_path):
    # Issue 15's check on the default scenario: with a steady-state start their twins serve from t = 0. The
    # cold start (twin.cold_start) queues every one of them behind the orchestrator instead: far more loss.
    # The 5 % bound was set with the orchestrator delays before issue 13 (readiness 0..1 s, stop 0.5 s), which a fast
    # cluster's probe and SIGTERM handling give exactly (scenarios/profiles/fast_cluster.textproto): the loss in
    # the first 30 s is that of the migrations' downtime. With the Kubernetes defaults (10 s probes, 30 s grace
    # period) each stateless restart is down about 38 s instead of 3.5 s: measured 9.8 % (3.4 % with the fast
    # values), still far below a cold start.
    default = os.path.join(repo, "scenarios", "default.textproto")
    fast = ["--set", "orchestrator.readiness_period_s=1", "--set", "orchestrator.termination_shutdown_s=0.5"]
    warm, cold, k8s = tmp_path / "warm.h5", tmp_path / "cold.h5", tmp_path / "k8s.h5"
    run_cli("run", default, "--duration", "30", *fast, "-q", "-o", warm, check=0)
    run_cli("run", default, "--duration", "30", "--set", "twin.cold_start=true", *fast, "-q", "-o", cold, check=0)
    run_cli("run", default, "--duration", "30", "-q", "-o", k8s, check=0)
    warm_loss, n = _start_loss(warm, 30.0)
    cold_loss, _ = _start_loss(cold, 30.0)
    k8s_loss, _ = _start_loss(k8s, 30.0)
    assert n > 1000  # dozens of vehicles at t = 0, 10 Hz
    assert warm_loss <= 0.05, warm_loss
    assert cold_loss > 0.2, cold_loss
    assert warm_loss < k8s_loss < cold_loss, (warm_loss, k8s_loss, cold_loss)
    with h5py.File(warm, "r") as f:
        mig = f["migrations"][:]
        initial = _enum(f, "migrations", "reason")["initial"]
    steady = mig[mig["mechanism"] == b"steady-state"]
    assert len(steady) > 0 and np.all(steady["reason"] == initial)
    assert np.all(steady["requested"] == 0.0) and np.all(steady["finished"] == 0.0)
    with h5py.File(cold, "r") as f:
        assert not np.any(f["migrations"]["mechanism"][:] == b"steady-state")


def test_warmup_rows_are_flagged_and_left_out_of_the_summary(run_cli, tiny, tmp_path):
    scenario = os.path.join(tiny, "two_cells.textproto")
    full, warm = tmp_path / "full.h5", tmp_path / "warm.h5"
    run_cli("run", scenario, "-q", "-o", full, check=0)
    run_cli("run", scenario, "--set", "output.warmup_s=10", "-q", "-o", warm, check=0)
    s_full, s_warm = summary(full), summary(warm)
    with h5py.File(warm, "r") as f:
        m = f["messages"][:]
        ok = _enum(f, "messages", "cause")["ok"]
        handovers = f["handovers"][:]
    with h5py.File(full, "r") as f:
        assert np.array_equal(f["messages"]["created"][:], m["created"])  # the same run, rows all written
    flagged = m["created"] < 10.0
    assert flagged.any() and (~flagged).any()
    assert np.array_equal(m["warmup"].astype(bool), flagged)
    assert s_warm["warmup_s"] == 10.0 and s_warm["messages_warmup"] == int(flagged.sum())
    assert s_warm["messages_created"] == int((~flagged).sum())
    assert s_warm["messages_created"] + s_warm["messages_warmup"] == s_full["messages_created"]
    assert s_warm["messages_delivered"] == int(np.sum(m[~flagged]["cause"] == ok))
    causes = sum(v for k, v in s_warm.items() if k.startswith("cause_"))
    assert causes + s_warm["messages_delivered"] == s_warm["messages_created"]
    assert s_warm["handovers"] == int(np.sum(handovers["time"] >= 10.0))
    assert s_warm["vehicle_seconds"] < s_full["vehicle_seconds"]


def test_warmup_longer_than_the_run_is_refused(run_cli, tiny, tmp_path):
    out = tmp_path / "w.h5"
    proc = run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--duration", "20", "--set",
                   "output.warmup_s=20", "-o", out, check=2)
    assert "output.warmup_s" in proc.stderr and "20" in proc.stderr
    assert not out.exists() and not (tmp_path / "w.h5.partial").exists()


def test_migrations_running_at_the_end_are_recorded_unfinished(run_cli, repo, tmp_path):
    out = tmp_path / "u.h5"
    # 45 s of the default scenario: stateless restarts take seconds each, several run when the run ends.
    run_cli("run", os.path.join(repo, "scenarios", "default.textproto"), "--duration", "45", "-q", "-o", out,
            check=0)
    s = summary(out)
    with h5py.File(out, "r") as f:
        mig = f["migrations"][:]
        outcome = _enum(f, "migrations", "outcome")
        reason = _enum(f, "migrations", "reason")
    unfinished = mig[mig["outcome"] == outcome["unfinished"]]
    assert len(unfinished) > 0
    assert np.all(unfinished["finished"] == s["simulated_s"]) and np.all(unfinished["requested"] <= s["simulated_s"])
    assert np.all(unfinished["note"] == b"unfinished at end of run")
    moves = np.isin(unfinished["reason"], [reason["policy"], reason["manual"]])
    assert s["migrations_unfinished"] == int(moves.sum())
    # Each migration id appears once (an unfinished one is not recorded again).
    assert len(np.unique(mig[mig["outcome"] != outcome["rejected"]]["id"])) == \
        int(np.sum(mig["outcome"] != outcome["rejected"]))


def test_a_handover_during_a_migration_is_acted_on_when_it_ends(run_cli, repo, tmp_path):
    # No policy tick within the run (one every 1000 s): only handovers make the manager ask the policy. A vehicle that changes RSU again while its
    # twin migrates gets its decision when that migration ends (the same instant), not never. Stop-and-copy with a
    # slow restore (1 MB at 20 kB/s: 50 s) makes migrations long enough for vehicles to change RSU meanwhile.
    out = tmp_path / "h.h5"
    run_cli("run", os.path.join(repo, "scenarios", "default.textproto"), "--duration", "120", "--set",
            "migration.decision_interval_s=1000", "--set", "migration.mechanism=stop-and-copy", "--set",
            "twin.restore_bps=2e4", "-q", "-o", out, check=0)
    with h5py.File(out, "r") as f:
        mig = f["migrations"][:]
        outcome = _enum(f, "migrations", "outcome")
        reason = _enum(f, "migrations", "reason")
        trigger = _enum(f, "migrations", "trigger")
    moves = mig[(mig["reason"] == reason["policy"]) & (mig["outcome"] != outcome["rejected"])]
    assert not np.any(mig["note"] == b"twin busy")  # never asked while busy: kept instead
    deferred = 0
    for row in moves:
        later = moves[(moves["station"] == row["station"]) & (moves["requested"] == row["finished"])]
        deferred += int(np.sum(later["trigger"] == trigger["handover"]))
    assert deferred > 0
