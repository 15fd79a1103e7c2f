"""Issue 13 under issue 12's faults, end to end on scenarios/tiny/mec_outage.textproto (mec0 and its broker down from
20 s to 45 s, detection 5 s, fixed orchestrator delays, images everywhere): what each twin of a HYBRID station does
during the outage, the sites' energy with the downed MEC at its off power, and the cloud twins' own deployment
through the orchestrator. Every expected figure is derived here by hand from the scenario's numbers (and, where
the edge side's timing is not the point, from the run's own rows)."""
import math
import os

import h5py
import numpy as np
import pytest

# scenarios/tiny/mec_outage.textproto and the schema defaults (sim/proto/scenario.proto)
FAULT_AT, FAULT_FOR, DETECT = 20.0, 25.0, 5.0
REQUEST, SCHEDULING, START, READINESS = 0.3, 0.05, 2.0, 0.5
SERVE_AGAIN = FAULT_AT + DETECT + REQUEST + SCHEDULING + START + READINESS  # 27.85 s: the edge twin, in the cloud
PERIOD = 1.0                            # twin.hybrid.sync_period_s
CAM_PERIOD = 0.1                        # telemetry.rate_hz 10
CLOUD_LATENCY = 0.015                   # infrastructure.cloud.link_latency_s (each MEC to the cloud)
CLOUD_BW = 125e6                        # infrastructure.cloud.link_bandwidth_bps
SPEED = 1e9                             # core_speed_flops_per_s of every site
EDGE_CORES, CLOUD_CORES = 0.25, 1.0     # twin.cpu_cores, twin.hybrid.cloud_cpu_cores
SYNC_FLOPS, POINT_FLOPS = 50000, 200000 # twin.hybrid.sync_flops, cloud_point_flops
HEADER_B, POINT_B = 100, 48             # twin.hybrid.sync_header_b, sync_point_b
END = 60.0                              # duration_s
MEC_CORES = 16                          # Mec.cores default
# energy.*_w_per_core defaults: SPECpower_ssj2008 results of the ASUSTeK RS500A-E10-PS4 (1 x EPYC 7742, 64 cores:
# 51.4 W active idle, 214 W at 100 %; MEC class) and RS700A-E9-RS4V2 (2 x EPYC 7742, 128 cores: 106 W, 430 W; cloud)
MEC_IDLE_W, MEC_FULL_W = 51.4 / 64, 214.0 / 64
CLOUD_IDLE_W, CLOUD_FULL_W = 106.0 / 128, 430.0 / 128


def run(run_cli, tiny, out, *sets):
    args = ["run", os.path.join(tiny, "mec_outage.textproto"), "-q", "-o", out]
    for s in sets:
        args += ["--set", s]
    run_cli(*args, check=0)
    return out


def summary(f):
    return {k: v for k, v in f["summary"].attrs.items()}


def sync_path(points, from_cloud):
    """The sync path of a batch of `points` CAMs (sim/edge/sync.hpp): the edge twin's sync work on its core share,
    the MEC-cloud link (nothing when the edge twin is in the cloud itself), the cloud twin's processing."""
    size = HEADER_B + points * POINT_B
    link = 0.0 if from_cloud else CLOUD_LATENCY + size / CLOUD_BW
    return SYNC_FLOPS / (SPEED * EDGE_CORES) + link + points * POINT_FLOPS / (SPEED * CLOUD_CORES)


@pytest.fixture(scope="module")
def outage(run_cli, tiny, tmp_path_factory):
    return run(run_cli, tiny, tmp_path_factory.mktemp("hy_outage") / "hy.h5", "twin.mode=HYBRID")


def test_hybrid_outage_cloud_twin_ages_by_hand(outage):
    """What each twin of a hybrid station does while mec0 is down (the README's "HYBRID twins under faults"):
    - the edge twins of veh0 and veh1 (on mec0, policy never) die with it at 20 s, with the CAMs they had
      processed since their last sync (the 20 s sync tick comes after the fault): lost. The health check finds them
      at 25 s; they are re-placed in the cloud (mec0 refused) and serve again at 27.85 s, without state;
    - each cloud twin stays, with the state of its last sync, the one of 19 s: its age grows 1 s per s;
    - veh1's CAMs still go to broker-mec0 (r0's broker, down to 45 s) and are lost, so its edge twin gets its next
      CAM at about 45 s and its cloud twin the batch of the 46 s tick; veh0 hands over to r1 (broker up) at about
      28 s, its edge twin gets CAMs again and its cloud twin the batch of the 29 s tick.
    Each vehicle's CAMs are created at j x 0.1 s + phi (its start jitter): a tick at k carries the CAM of
    k - 0.1 + phi, so after a drop at k + L the cloud twin's age is a = 0.1 - phi + L and it grows for 1 s."""
    with h5py.File(outage, "r") as f:
        s = summary(f)
        msgs = f["messages"][:]
        left = {int(m["station"]): float(m["requested"]) for m in f["migrations"][:] if m["reason"] == 3}
    integral = time = 0.0
    ramps = []
    for station in (2, 3):  # veh0, veh1 (stations 0, 1: the RSUs)
        m = msgs[(msgs["station"] == station) & ~np.isnan(msgs["processed"])]
        phi = float(np.min(m["created"])) % CAM_PERIOD
        after = m[m["processed"] > SERVE_AGAIN]
        resume = math.ceil(float(after["processed"].min()) / PERIOD) * PERIOD  # first tick with a new CAM
        end = left.get(station, END) if station == 3 else END  # veh1 leaves at 50 s (its removal's request)
        lm, lc = sync_path(10, False), sync_path(10, True)  # 10 CAMs per 1 s batch, from mec0, then from the cloud
        am, ac = CAM_PERIOD - phi + lm, CAM_PERIOD - phi + lc
        # before: ticks 1..19 (from mec0), each second's age from am to am + 1
        i = (FAULT_AT - 1 - 1) * (am + PERIOD / 2)
        # the outage ramp: from the 19 s drop to the first batch after the outage
        ramp = (resume + lc) - (FAULT_AT - 1 + lm)
        i += ramp * (am + ramp / 2)
        ramps.append((ramp, am + ramp))
        # after: ticks from `resume` on (from the cloud), the last second cut by the end
        rest = end - (resume + lc)
        full = math.floor(rest)
        i += full * (ac + PERIOD / 2) + (rest - full) * (ac + (rest - full) / 2)
        integral += i
        time += end - (1 + lm)
        assert resume == {2: 29.0, 3: 46.0}[station]  # veh0 via r1 after its ~28 s handover; veh1 when the broker is back
    mean = integral / time
    # The edges of the pieces are the rows' own times (phi, the CAMs per batch): the hand figure and the
    # simulator's agree to well under 1 ms (seen: 1e-5 s).
    assert float(s["cloud_aoi_mean_s"]) == pytest.approx(mean, abs=1e-3)
    assert mean == pytest.approx(4.2396, abs=1e-3)
    # The 5 % of cloud-twin time with the highest ages is the top of veh1's ramp (about 27 s high; veh0's reaches
    # 10 s): p95 = its top - 0.05 x the cloud-twin time (1 ms bins in the simulator's histogram).
    top = max(r[1] for r in ramps)
    assert float(s["cloud_aoi_p95_s"]) == pytest.approx(top - 0.05 * time, abs=2e-3)
    assert float(s["cloud_aoi_p95_s"]) == pytest.approx(21.644, abs=2e-3)


def test_hybrid_outage_edge_twins_are_the_edge_modes(run_cli, tiny, outage, tmp_path):
    """The edge twins behave as in EDGE mode (the cloud twin adds nothing to them): same AoI, same recoveries."""
    edge = run(run_cli, tiny, tmp_path / "edge.h5")
    with h5py.File(outage, "r") as f, h5py.File(edge, "r") as g:
        s, e = summary(f), summary(g)
    for k in ("aoi_mean_s", "aoi_p95_s", "fault_twins_lost", "fault_recoveries", "fault_downtime_twin_s"):
        assert float(s[k]) == pytest.approx(float(e[k]), rel=1e-12), k
    assert float(s["recovery_mean_s"]) == pytest.approx(SERVE_AGAIN - FAULT_AT, abs=1e-9)


def test_energy_under_an_outage_is_idle_up_plus_off_down_plus_busy(run_cli, tiny, tmp_path):
    # An off power that is not 0, so that its term shows: 0.25 W per core, 4 W for a 16-core MEC.
    off_per_core = 0.25
    out = run(run_cli, tiny, tmp_path / "energy.h5", f"energy.off_w_per_core={off_per_core}")
    with h5py.File(out, "r") as f:
        mecs = f["mecs"][:]
        sites = f["infrastructure/sites"][:]
        s = summary(f)
    checked = 0
    for site in sites:
        rows = mecs[mecs["site"] == site["site"]]
        rows = rows[np.argsort(rows["time"])]
        cores = int(site["cores"])
        name = site["name"].decode()
        cloud = bool(site["is_cloud"])
        idle = (CLOUD_IDLE_W if cloud else MEC_IDLE_W) * cores
        full = (CLOUD_FULL_W if cloud else MEC_FULL_W) * cores
        off = off_per_core * cores
        t = rows["time"]
        down = np.clip(t - FAULT_AT, 0, FAULT_FOR) if name == "mec0" else np.zeros_like(t)
        busy_core_s = np.cumsum(rows["cpu_busy"] * 1.0 * cores)  # each sample's busy fraction over its 1 s
        by_hand = idle * (t - down) + off * down + (full - idle) * busy_core_s / cores
        np.testing.assert_allclose(rows["energy_j"], by_hand, rtol=1e-6)
        if name == "mec0":
            # nothing busy while down: the 25 s cost 4 W each instead of 12.85 W
            assert rows["cpu_busy"][(t > FAULT_AT + 1) & (t <= FAULT_AT + FAULT_FOR)].max() == 0
            checked += 1
    assert checked == 1
    # The total at the end: each site's idle power over the run, mec0's 25 s at off power, the busy terms (small).
    idle_total = (2 * MEC_IDLE_W * MEC_CORES + CLOUD_IDLE_W * 1024) * END
    correction = (MEC_IDLE_W - off_per_core) * MEC_CORES * FAULT_FOR
    assert float(s["energy_total_j"]) == pytest.approx(idle_total - correction, rel=1e-4)


def test_cloud_twins_are_deployed_through_the_orchestrator_and_first_serve_by_hand(run_cli, tiny, tmp_path):
    """twin.cold_start: every twin is deployed at t = 0, the cloud twins too (request + scheduling + image pull
    (cached: 0) + container start + readiness = 2.85 s on the cloud, 4 of them in its 64 operation slots: no queue).
    Their first batch is the 3 s tick's, of the CAMs their (equally deployed) edge twins processed after 2.85 s;
    CAMs before are not synced (no subscriber yet). Time to first serve = 3 + the sync path - 0."""
    out = run(run_cli, tiny, tmp_path / "cold.h5", "twin.mode=HYBRID", "twin.cold_start=true")
    with h5py.File(out, "r") as f:
        s = summary(f)
        migrations = f["migrations"][:]
        phases = f["migration_phases"][:]
        msgs = f["messages"][:]
        cloud = int([r["site"] for r in f["infrastructure/sites"][:] if r["is_cloud"]][0])
    deploy = REQUEST + SCHEDULING + START + READINESS
    rows = migrations[np.array([m.rstrip(b"\0") == b"cloud-twin" for m in migrations["mechanism"]])]
    assert len(rows) == 4 and int(s["cloud_twin_deploys"]) == 4  # r0, r1, veh0, veh1
    assert (rows["to_site"] == cloud).all()
    np.testing.assert_allclose(rows["finished"] - rows["requested"], deploy, atol=1e-9)
    assert float(s["cloud_deploy_mean_s"]) == pytest.approx(deploy, abs=1e-9)
    for r in rows:
        mine = phases[phases["migration"] == r["id"]]
        got = {p["phase"].rstrip(b"\0").decode(): p["end"] - p["start"] for p in mine}
        assert got == pytest.approx({"instantiate.request": REQUEST, "instantiate.scheduling": SCHEDULING,
                                     "instantiate.image_pull": 0.0, "instantiate.container_start": START,
                                     "instantiate.readiness": READINESS}, abs=1e-9)
    firsts = []
    for station in (2, 3):
        m = msgs[(msgs["station"] == station) & ~np.isnan(msgs["processed"])]
        points = int(((m["processed"] > deploy) & (m["processed"] <= 3.0)).sum())
        assert points >= 1
        firsts.append(3.0 + sync_path(points, False))
    assert float(s["cloud_first_serve_mean_s"]) == pytest.approx(np.mean(firsts), abs=1e-6)
    assert float(s["cloud_first_serve_max_s"]) == pytest.approx(max(firsts), abs=1e-6)
    # the steady-state start instead: cloud twins there at t = 0, first batch at the 1 s tick
    warm = run(run_cli, tiny, tmp_path / "warm.h5", "twin.mode=HYBRID")
    with h5py.File(warm, "r") as f:
        w = summary(f)
    assert int(w["cloud_twin_deploys"]) == 0 and float(w["cloud_deploy_mean_s"]) == 0
    assert float(w["cloud_first_serve_mean_s"]) == pytest.approx(1.0 + sync_path(10, False), abs=1e-6)
