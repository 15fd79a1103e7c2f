"""Freshness and the OBU's own clock, checked against the run's own /messages (issue 10's checks)."""

import os

import h5py
import numpy as np
import pytest


def _run(run_cli, tiny, tmp_path, name, *sets):
    out = tmp_path / f"{name}.h5"
    args = ["run", os.path.join(tiny, "two_cells.textproto"), "--policy", "never", "-q", "-o", out]
    for s in sets:
        args += ["--set", s]
    run_cli(*args, check=0)
    return out


def _time_average_aoi(path):
    """The time-average age of information of the vehicles' twins, from /messages alone: each twin's age is a
    sawtooth that starts at its first processed CAM and drops to processed - created (of the newest CAM so far) at
    each processing, up to when its instance stops serving (terminate.container_stop of its removal, or the end)."""
    with h5py.File(path, "r") as f:
        m = f["messages"][:]
        st = f["stations"][:]
        mig = f["migrations"][:]
        ph = f["migration_phases"][:]
        end = float(f["summary"].attrs["simulated_s"])
        ok = h5py.check_enum_dtype(f["messages"].dtype["outcome"])["delivered"]
        veh = h5py.check_enum_dtype(f["stations"].dtype["kind"])["vehicle"]
        removal = h5py.check_enum_dtype(f["migrations"].dtype["reason"])["removal"]
    stop = {}
    for r in mig[mig["reason"] == removal]:
        for p in ph[ph["migration"] == r["id"]]:
            if p["phase"].decode().startswith("terminate.container_stop"):
                stop[int(r["station"])] = float(p["start"])
    integral = served = 0.0
    for s in st[st["kind"] == veh]["station"]:
        d = m[(m["station"] == s) & (m["outcome"] == ok)]
        if len(d) == 0:
            continue
        d = d[np.argsort(d["processed"], kind="stable")]
        t_end = stop.get(int(s), end)
        newest = -np.inf
        for i in range(len(d)):
            newest = max(newest, d["created"][i])
            t0 = d["processed"][i]
            t1 = d["processed"][i + 1] if i + 1 < len(d) else t_end
            t1 = min(t1, t_end)
            if t1 > t0:
                integral += ((t1 - newest) ** 2 - (t0 - newest) ** 2) / 2
                served += t1 - t0
    return integral / served


@pytest.mark.parametrize("flops", ["2e5", "3.125e7"])
def test_aoi_is_the_time_average_of_the_processed_times(run_cli, tiny, tmp_path, flops):
    # 2e5 flop: an idle twin; 3.125e7 flop on 0.25 of a 1 Gflop/s core = 0.125 s per CAM at 10 Hz, a load of 1.25,
    # so each twin's queue grows and its age with it. The summary integrates the same sawtooth in the simulator.
    out = _run(run_cli, tiny, tmp_path, "aoi", f"twin.message_flops={flops}")
    with h5py.File(out, "r") as f:
        mean = float(f["summary"].attrs["aoi_mean_s"])
    assert mean == pytest.approx(_time_average_aoi(out), rel=1e-9)
    if flops != "2e5":
        assert mean > 1.0  # the queue makes the twins seconds stale


def test_the_obu_sends_on_its_own_clock_whatever_the_broker_does(run_cli, tiny, tmp_path):
    # The brokers overloaded 100 times over (2e8 flop per message on a 1 Gflop/s core: 0.2 s each, at ~20
    # messages/s): the OBUs still create exactly one CAM per 0.1 s slot, twin local (its MEC) or remote (the cloud).
    for policy in ("nearest", "cloud"):
        out = tmp_path / f"{policy}.h5"
        run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--policy", policy, "-q", "-o", out,
                *[a for i, site in enumerate(("mec0", "mec1", "cloud")) for a in (
                    "--set", f"infrastructure.broker[{i}].id=b{i}", "--set", f"infrastructure.broker[{i}].site={site}",
                    "--set", f"infrastructure.broker[{i}].service_flops=2e8")],
                "--set", "telemetry.start_jitter_s=0", check=0)
        with h5py.File(out, "r") as f:
            m = f["messages"][:]
            st = f["stations"][:]
            veh = h5py.check_enum_dtype(f["stations"].dtype["kind"])["vehicle"]
            backlog = int(f["summary"].attrs["cause_in_flight"])
        assert backlog > 100, policy  # the brokers really are overloaded: messages still queued at the end
        for s in st[st["kind"] == veh]:
            mine = m[m["station"] == s["station"]]
            created = np.sort(mine["created"])
            # consecutive slots 0.1 s apart from the appearance, none skipped or delayed
            assert np.allclose(np.diff(created), 0.1, atol=1e-9), policy
            assert created[0] == pytest.approx(s["appeared"], abs=1e-9)


def test_a_cell_beyond_the_rate_ladder_is_warned_about(run_cli, tiny, tmp_path):
    # two_cells has 320 m cells and the default ladder ends at 300 m; the default scenario's ladder covers its cells.
    proc = run_cli("run", os.path.join(tiny, "two_cells.textproto"), "-q", "-o", tmp_path / "w.h5", check=0)
    assert "2 of 2 RSU cells reach beyond the radio rate ladder's last step (300 m; cell radius up to 320 m)" \
        in proc.stderr, proc.stderr


def test_the_summary_counts_vehicle_messages_apart(run_cli, tiny, tmp_path):
    out = tmp_path / "v.h5"
    run_cli("run", os.path.join(tiny, "two_cells.textproto"), "-q", "-o", out, check=0)
    with h5py.File(out, "r") as f:
        m = f["messages"][:]
        st = f["stations"][:]
        veh = h5py.check_enum_dtype(f["stations"].dtype["kind"])["vehicle"]
        summary = dict(f["summary"].attrs)
    vehicles = set(int(s) for s in st[st["kind"] == veh]["station"])
    from_vehicles = sum(1 for s in m["station"] if int(s) in vehicles)
    assert summary["vehicle_messages"] == from_vehicles > 0
    assert summary["messages_created"] - summary["vehicle_messages"] == len(m) - from_vehicles > 0  # the RSUs'
