"""Faults and self-healing end to end (issue 12), on scenarios/tiny/mec_outage.textproto (fixed orchestrator delays,
images cached: every figure by hand, see its header) and on two_cells.textproto with --fault."""
import csv
import math
import os
import subprocess

import h5py
import numpy as np
import pytest

# The hand computation of mec_outage.textproto: detection delay + request + scheduling + container start +
# readiness (no image pull: prepulled "*").
DETECTION = 5.0
PHASES = 0.3 + 0.05 + 2.0 + 0.5
FAULT_START, FAULT_END = 20.0, 45.0


def enum_names(dataset, column):
    return {v: k for k, v in h5py.check_enum_dtype(dataset.dtype[column]).items()}


def names(f, path):
    return [n.decode() for n in f[path]["name"]]


@pytest.fixture(scope="module")
def outage(run_cli, tiny, tmp_path_factory):
    out = tmp_path_factory.mktemp("faults") / "outage.h5"
    proc = run_cli("run", os.path.join(tiny, "mec_outage.textproto"), "-o", out, "--no-progress", check=0)
    return out, proc.stdout


def test_faults_dataset_and_summary(outage):
    out, stdout = outage
    with h5py.File(out, "r") as f:
        rows = f["faults"][:]
        assert len(rows) == 1
        r = rows[0]
        assert enum_names(f["faults"], "kind")[int(r["kind"])] == "mec_down"
        assert r["target"].decode() == "mec0"
        assert (r["start"], r["end"]) == (FAULT_START, FAULT_END)
        assert r["random"] == 0
        # r0's, veh0's and veh1's twins were on mec0 (both vehicles in r0's cell at t = 0 and t = 20).
        assert (r["twins_lost"], r["twins_recovered"]) == (3, 3)
        s = f["summary"].attrs
        assert int(s["faults"]) == 1
        assert int(s["fault_twins_lost"]) == 3 and int(s["fault_recoveries"]) == 3
        for key in ("recovery_mean_s", "recovery_p95_s", "recovery_max_s"):
            assert float(s[key]) == pytest.approx(DETECTION + PHASES, abs=1e-9), key
        assert float(s["fault_downtime_twin_s"]) == pytest.approx(3 * (DETECTION + PHASES), abs=1e-9)
    assert "faults" in stdout and "3 twins lost" in stdout


def test_each_twins_downtime_is_detection_delay_plus_the_replacements_phases(outage):
    out, _ = outage
    with h5py.File(out, "r") as f:
        m = f["migrations"][:]
        reason = enum_names(f["migrations"], "reason")
        trigger = enum_names(f["migrations"], "trigger")
        sites = names(f, "infrastructure/sites")
        rec = m[[reason[int(x)] == "recovery" for x in m["reason"]]]
        assert len(rec) == 3
        stations = {int(x) for x in rec["station"]}
        lost = {int(x) for x in m[[reason[int(x)] == "initial" and sites[int(t)] == "mec0"
                                   for x, t in zip(m["reason"], m["to_site"])]]["station"]}
        assert stations == lost and len(lost) == 3
        phases = f["migration_phases"][:]
        for r in rec:
            assert trigger[int(r["trigger"])] == "fault"
            assert sites[int(r["from_site"])] == "mec0"
            # `never` places at the MEC behind the RSU, mec0, which is down: refused, the cloud instead.
            assert sites[int(r["to_site"])] == "cloud"
            assert "down" in r["note"].decode() and "mec0" in r["note"].decode()
            assert r["requested"] == pytest.approx(FAULT_START + DETECTION, abs=1e-9)
            assert r["finished"] == pytest.approx(FAULT_START + DETECTION + PHASES, abs=1e-9)
            assert r["downtime"] == pytest.approx(DETECTION + PHASES, abs=1e-9)
            mine = phases[phases["migration"] == r["id"]]
            assert sum(float(p["end"] - p["start"]) for p in mine) == pytest.approx(PHASES, abs=1e-9)
        # The twins serve on the cloud from then on (the /twins samples).
        twins = f["twins"][:]
        state = enum_names(f["twins"], "state")
        for s in stations:
            mine = twins[(twins["station"] == s) & (twins["time"] > 28) & (twins["time"] < 50)]
            assert len(mine) > 0
            assert all(sites[int(x)] == "cloud" and state[int(st)] == "serving"
                       for x, st in zip(mine["site"], mine["state"]))


def test_nothing_is_processed_on_a_downed_mec(outage):
    out, _ = outage
    with h5py.File(out, "r") as f:
        msgs = f["messages"][:]
        mec0 = names(f, "infrastructure/sites").index("mec0")
        at_twin = msgs["at_twin"]
        during = (msgs["site"] == mec0) & (at_twin >= FAULT_START) & (at_twin < FAULT_END)
        assert not during.any()
        # ... while it processed before the fault (the check is not vacuous).
        assert ((msgs["site"] == mec0) & (at_twin < FAULT_START)).sum() > 100
        mecs = f["mecs"][:]
        busy = mecs[(mecs["site"] == mec0) & (mecs["time"] > FAULT_START + 1) & (mecs["time"] <= FAULT_END)]
        assert len(busy) > 0 and (busy["cpu_busy"] == 0).all() and (busy["pods"] == 0).all()


def test_messages_to_a_downed_broker_are_lost_with_cause_fault(outage):
    out, _ = outage
    with h5py.File(out, "r") as f:
        msgs = f["messages"][:]
        cause = enum_names(f["messages"], "cause")
        outcome = enum_names(f["messages"], "outcome")
        broker = names(f, "infrastructure/brokers").index("broker-mec0")
        # Reached the RSU while the broker was down (the backhaul hop takes 1 ms; margins of 10 ms).
        hit = msgs[(msgs["broker"] == broker) & (msgs["at_rsu"] > FAULT_START + 0.01) &
                   (msgs["at_rsu"] < FAULT_END - 0.01)]
        assert len(hit) > 100
        assert all(cause[int(c)] == "fault" and outcome[int(o)] == "lost" for c, o in zip(hit["cause"], hit["outcome"]))
        assert np.isnan(hit["at_broker"]).all()
        # After the fault, the broker is back and the twins (now in the cloud) get their messages again.
        after = msgs[(msgs["broker"] == broker) & (msgs["created"] > FAULT_END + 1)]
        assert len(after) > 50
        assert all(cause[int(c)] == "ok" for c in after["cause"])
        s = f["summary"].attrs
        assert int(s["cause_fault"]) == sum(cause[int(c)] == "fault" for c in msgs["cause"])


def test_same_seed_same_faults_identical_datasets(run_cli, tiny, tmp_path, outage):
    first, _ = outage
    again = tmp_path / "again.h5"
    run_cli("run", os.path.join(tiny, "mec_outage.textproto"), "-o", again, "-q", check=0)
    with h5py.File(first, "r") as a, h5py.File(again, "r") as b:
        for name in ("messages", "migrations", "migration_phases", "twins", "mecs", "faults"):
            assert a[name][:].tobytes() == b[name][:].tobytes(), name


def test_fault_option_is_the_same_as_the_scenario_field(run_cli, tiny, tmp_path, outage):
    """--fault mec_down:mec0@20+25 on the scenario without its fault { } gives the same datasets."""
    first, _ = outage
    text = open(os.path.join(tiny, "mec_outage.textproto")).read()
    text = text.replace('fault { kind: MEC_DOWN target: "mec0" at_s: 20 for_s: 25 }', "")
    text = text.replace('trace: "two_cells.fcd.xml"', f'trace: "{os.path.join(tiny, "two_cells.fcd.xml")}"')
    plain = tmp_path / "plain.textproto"
    plain.write_text(text)
    out = tmp_path / "cli.h5"
    run_cli("run", plain, "--fault", "mec_down:mec0@20+25", "-o", out, "-q", check=0)
    with h5py.File(first, "r") as a, h5py.File(out, "r") as b:
        for name in ("messages", "migrations", "faults"):
            assert a[name][:].tobytes() == b[name][:].tobytes(), name
        assert "MEC_DOWN" in str(b.attrs["scenario_text"])  # the stored scenario runs again to the same results


def test_broker_down_loses_its_messages_and_no_twin(run_cli, tiny, tmp_path):
    out = tmp_path / "broker.h5"
    run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--fault", "broker_down:broker-mec0@20+10",
            "-o", out, "-q", check=0)
    with h5py.File(out, "r") as f:
        msgs = f["messages"][:]
        cause = enum_names(f["messages"], "cause")
        broker = names(f, "infrastructure/brokers").index("broker-mec0")
        hit = msgs[(msgs["broker"] == broker) & (msgs["at_rsu"] > 20.01) & (msgs["at_rsu"] < 29.99)]
        assert len(hit) > 50 and all(cause[int(c)] == "fault" for c in hit["cause"])
        assert int(f["summary"].attrs["fault_twins_lost"]) == 0  # the twins lived through it


def test_rsu_down_moves_its_vehicles_or_drops_them(run_cli, tiny, tmp_path):
    """r0 down 10..20 s: veh0 (x = 250..400 m) and veh1 (x = 100..150 m) are only in r0's cell: out of coverage."""
    out = tmp_path / "rsu.h5"
    run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--fault", "rsu_down:r0@10+10", "-o", out, "-q",
            check=0)
    with h5py.File(out, "r") as f:
        msgs = f["messages"][:]
        cause = enum_names(f["messages"], "cause")
        r0 = names(f, "infrastructure/rsus").index("r0")
        during = msgs[(msgs["created"] > 10.2) & (msgs["created"] < 19.9) & (msgs["station"] >= 2)]
        assert len(during) > 50
        assert all(cause[int(c)] in ("no_coverage", "fault") for c in during["cause"])
        h = f["handovers"][:]
        left = h[(h["from_rsu"] == r0) & (h["time"] >= 10) & (h["time"] < 10.2)]
        assert len(left) == 2  # both vehicles left r0 at the first beacon after the fault
        # r0's own status messages: none created while it was down.
        rsu_station = 0
        mine = msgs[(msgs["station"] == rsu_station) & (msgs["created"] > 10) & (msgs["created"] < 20)]
        assert len(mine) == 0


def test_random_faults_availability(run_cli, tiny, tmp_path):
    """RSU r1 fails at random (MTBF 4 s, MTTR 1 s) over 60 s: the /faults rows alternate, and the measured
    availability is within 3 sd of 4 / 5 (sd from the renewal-reward CLT: sqrt(2 U^2 D^2 / ((U + D)^3 T)) = 0.065)."""
    text = open(os.path.join(tiny, "two_cells.textproto")).read()
    text = text.replace('trace: "two_cells.fcd.xml"', f'trace: "{os.path.join(tiny, "two_cells.fcd.xml")}"')
    text += '\nrandom_fault { kind: RSU_DOWN target: "r1" mtbf_s: 4 mttr_s: 1 }\n'
    scenario = tmp_path / "random.textproto"
    scenario.write_text(text)
    out = tmp_path / "random.h5"
    run_cli("run", scenario, "-o", out, "-q", check=0)
    with h5py.File(out, "r") as f:
        rows = f["faults"][:]
        assert len(rows) >= 5 and (rows["random"] == 1).all()
        assert (rows["start"][1:] > rows["end"][:-1]).all()  # never two at once on the target
        T = 60.0
        down = sum(min(e, T) - s for s, e in zip(rows["start"], rows["end"]))
        U, D = 4.0, 1.0
        sd = math.sqrt(2 * U * U * D * D / ((U + D) ** 3 * T))
        assert abs((1 - down / T) - U / (U + D)) < 3 * sd
        # r1's status messages stop while it is down.
        msgs = f["messages"][:]
        r1_station = 1
        mine = msgs[msgs["station"] == r1_station]
        for s, e in zip(rows["start"], rows["end"]):
            assert not ((mine["created"] > s + 1e-9) & (mine["created"] < e - 1e-9)).any()


def test_orchestrator_down_holds_the_recoveries(run_cli, tiny, tmp_path):
    """mec_outage with the orchestrator down 24..30 s: the recoveries asked for at 25 s wait until 30 s, then take
    their 2.85 s: each twin is down 30 - 20 + 2.85 = 12.85 s."""
    out = tmp_path / "orch.h5"
    run_cli("run", os.path.join(tiny, "mec_outage.textproto"), "--fault", "orchestrator_down:orchestrator@24+6",
            "-o", out, "-q", check=0)
    with h5py.File(out, "r") as f:
        s = f["summary"].attrs
        assert int(s["fault_recoveries"]) == 3
        for key in ("recovery_mean_s", "recovery_max_s"):
            assert float(s[key]) == pytest.approx(30.0 - FAULT_START + PHASES, abs=1e-9)
        phases = f["migration_phases"][:]
        held = phases[[p.decode() == "instantiate.orchestrator_down" for p in phases["phase"]]]
        assert len(held) == 1 and held[0]["start"] == pytest.approx(25.0) and held[0]["end"] == pytest.approx(30.0)


def test_degraded_mec_serves_slower_by_its_factor(run_cli, tiny, tmp_path):
    """mec0's CPU at a quarter of its speed 20..40 s: a twin's service, 2e5 flop on 0.25 core of 1 Gflop/s = 0.8 ms,
    becomes 3.2 ms (the shortest processed - at_twin, a message that found the twin idle)."""
    out = tmp_path / "degraded.h5"
    run_cli("run", os.path.join(tiny, "mec_outage.textproto"), "--set", "fault[0].kind=MEC_DEGRADED",
            "--set", "fault[0].factor=0.25", "--set", "fault[0].for_s=20", "-o", out, "-q", check=0)
    with h5py.File(out, "r") as f:
        msgs = f["messages"][:]
        mec0 = names(f, "infrastructure/sites").index("mec0")
        ok = (msgs["site"] == mec0) & ~np.isnan(msgs["processed"])
        service = msgs["processed"] - msgs["at_twin"]
        during = ok & (msgs["at_twin"] > 20.01) & (msgs["processed"] < 39.99)
        before = ok & (msgs["processed"] < 19.99)
        assert during.sum() > 100 and before.sum() > 100
        assert service[before].min() == pytest.approx(0.0008, abs=1e-9)
        assert service[during].min() == pytest.approx(0.0032, abs=1e-9)
        assert int(f["summary"].attrs["fault_twins_lost"]) == 0


def test_link_down_loses_telemetry_across_it_and_restarts_bulk_flows(run_cli, tiny, tmp_path):
    """two_cells with cold starts: r1's twin is deployed on mec1 from t = 0, pulling the 150 MB image over
    registry-mec1 (12.5 MB/s, 20 ms). With that link down 5..8 s the pull fails at 5 s and starts again from its
    first byte at 8 s: it ends at 8 + 0.02 + 150e6 / 12.5e6 = 20.02 s (CM02: latency + size / bandwidth). With
    r1-mec1 down 30..40 s, r1's traffic (veh0 is in r1's cell from ~27 s) is lost with cause fault."""
    out = tmp_path / "link.h5"
    run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--set", "twin.cold_start=true",
            "--fault", "link_down:registry-mec1@5+3", "--fault", "link_down:r1-mec1@30+10", "-o", out, "-q", check=0)
    with h5py.File(out, "r") as f:
        phases = f["migration_phases"][:]
        sites = names(f, "infrastructure/sites")
        pulls = phases[[p.decode() == "instantiate.image_pull" and sites[int(s)] == "mec1" and b > 0
                        for p, s, b in zip(phases["phase"], phases["site"], phases["bytes"])]]
        first = pulls[pulls["start"] < 5]
        assert len(first) == 1
        assert first[0]["end"] == pytest.approx(8.0 + 0.02 + 150e6 / 12.5e6, abs=1e-6)
        msgs = f["messages"][:]
        cause = enum_names(f["messages"], "cause")
        r1 = names(f, "infrastructure/rsus").index("r1")
        hit = msgs[(msgs["rsu"] == r1) & (msgs["at_rsu"] > 30.0) & (msgs["at_rsu"] < 40.0)]
        assert len(hit) > 50 and all(cause[int(c)] == "fault" for c in hit["cause"])
        after = msgs[(msgs["rsu"] == r1) & (msgs["at_rsu"] > 41.0)]
        assert len(after) > 50 and sum(cause[int(c)] == "ok" for c in after["cause"]) > 0.9 * len(after)
        f_rows = f["faults"][:]
        assert [enum_names(f["faults"], "kind")[int(k)] for k in f_rows["kind"]] == ["link_down", "link_down"]


def test_faults_sweep_parses_and_a_reduced_copy_compares_policies(run_cli, repo, tmp_path):
    """scenarios/sweeps/faults.textproto expands (dry run); a reduced copy (2 policies, 1 mechanism, 1 seed, 200 s)
    runs and compare.py reports the fault downtime and recovery time per policy."""
    sweep = os.path.join(repo, "scenarios", "sweeps", "faults.textproto")
    dry = run_cli("sweep", sweep, "--dry-run", "--out", tmp_path / "dry", check=0)
    assert "# sweep faults: 20 runs" in dry.stdout  # 5 policies x 2 mechanisms x 2 seeds
    text = open(sweep).read()
    text = text.replace('base: "../default.textproto"', f'base: "{os.path.join(repo, "scenarios", "default.textproto")}"')
    for p in ("hysteresis", "load-aware", "nearest"):
        text = text.replace(f'policy: "{p}"\n', "")
    text = text.replace('mechanism: "make-before-break"\n', "").replace("count: 2", "count: 1")
    text += 'set: "duration_s=200"\nset: "output.messages=false"\n'
    small = tmp_path / "faults_small.textproto"
    small.write_text(text)
    run_cli("sweep", small, "-j", 2, "--out", tmp_path / "sw", "-q", check=0)
    proc = subprocess.run(["/usr/bin/python3", os.path.join(repo, "analysis", "compare.py"), str(tmp_path / "sw")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    table = open(tmp_path / "sw" / "report" / "table.md").read()
    assert "fault downtime" in table and "recovery time p95" in table
    rows = {r["policy"]: r for r in csv.DictReader(open(tmp_path / "sw" / "report" / "runs.csv"))}
    assert float(rows["cloud"]["fault_downtime_twin_s"]) == 0.0  # no twin on mec_sw
    assert float(rows["never"]["fault_downtime_twin_s"]) > 0
    # never: every lost twin is re-placed by the manager 40 s (the default detection delay) after the fault, and
    # serves when that re-placement ends.
    with h5py.File(tmp_path / "sw" / "runs" / (rows["never"]["run"] + ".h5"), "r") as f:
        m = f["migrations"][:]
        reason = enum_names(f["migrations"], "reason")
        sites = names(f, "infrastructure/sites")
        rec = m[[reason[int(x)] == "recovery" for x in m["reason"]]]
        # Every twin that served again did so through its re-placement (the others' vehicles left while lost).
        assert len(rec) == int(f["faults"][0]["twins_recovered"]) == int(f["summary"].attrs["fault_recoveries"]) > 0
        assert len(rec) <= int(f["faults"][0]["twins_lost"])
        assert (rec["requested"] == 140.0).all()
        # Never on the downed MEC: the MEC behind the vehicle's RSU when that is another one, else the cloud.
        assert all(sites[int(t)] != "mec_sw" for t in rec["to_site"])
        assert all(sites[int(t)] == "cloud" for t, n in zip(rec["to_site"], rec["note"]) if b"refused (down)" in n)
        assert any(b"refused (down): mec_sw" in n for n in rec["note"])
        assert rec["downtime"] == pytest.approx(40.0 + rec["finished"] - rec["requested"], abs=1e-9)
        assert float(f["summary"].attrs["recovery_mean_s"]) == pytest.approx(rec["downtime"].mean(), abs=1e-9)


def test_broker_fallback_takes_the_clients_after_the_reconnect_delay(run_cli, tiny, tmp_path):
    """broker-mec0 down 20..30 s with healing.broker_fallback = broker-cloud, reconnect 1 s: r0's messages reaching
    broker-mec0 in the first second are lost (cause fault); from 21 s they go through broker-cloud (the twins on
    mec0 subscribe there too) and are delivered; from 30 s through broker-mec0 again."""
    out = tmp_path / "fallback.h5"
    run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--fault", "broker_down:broker-mec0@20+10",
            "--set", "healing.broker_fallback=broker-cloud", "-o", out, "-q", check=0)
    with h5py.File(out, "r") as f:
        msgs = f["messages"][:]
        cause = enum_names(f["messages"], "cause")
        brokers = names(f, "infrastructure/brokers")
        down, cloud = brokers.index("broker-mec0"), brokers.index("broker-cloud")
        r0 = names(f, "infrastructure/rsus").index("r0")
        mine = msgs[msgs["rsu"] == r0]
        first = mine[(mine["at_rsu"] > 20.01) & (mine["at_rsu"] < 20.99)]
        assert len(first) > 5 and all(cause[int(c)] == "fault" for c in first["cause"])
        moved = mine[(mine["at_rsu"] > 21.01) & (mine["at_rsu"] < 29.99)]
        assert len(moved) > 50 and (moved["broker"] == cloud).all()
        assert sum(cause[int(c)] == "ok" for c in moved["cause"]) > 0.95 * len(moved)
        back = mine[mine["at_rsu"] > 30.01]
        assert len(back) > 50 and (back["broker"] == down).all()
