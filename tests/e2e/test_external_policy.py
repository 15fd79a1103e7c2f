"""External policies (README "External policies"): the policy protocol over ZeroMQ, `--policy-command`,
`--policy-endpoint`, sweeps, the Python client and environment in policies/, and the failures that must end a run
cleanly (exit status 2, a message naming the problem, no output file, no policy process left)."""
import os
import resource
import subprocess
import sys
import time

import h5py
import numpy as np
import pytest

PY = "/usr/bin/python3"


@pytest.fixture(scope="module", autouse=True)
def pb2_dir(v2xsim):
    # policy_pb2.py is generated at build time next to the executable's build tree (build/python).
    d = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(v2xsim))), "python")
    assert os.path.isfile(os.path.join(d, "policy_pb2.py")), "the build generates policy_pb2.py"
    os.environ["V2X_POLICY_PB2_DIR"] = d
    os.environ["V2XSIM"] = os.path.abspath(v2xsim)
    return d


@pytest.fixture(scope="module")
def policies(repo):
    return os.path.join(repo, "policies")


@pytest.fixture(scope="module")
def misbehave():
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "policies", "misbehave.py")


def tables(path, names):
    with h5py.File(path, "r") as f:
        return {n: f[n][()] for n in names}


def assert_same(a, b, names, skip_columns=()):
    ta, tb = tables(a, names), tables(b, names)
    for n in names:
        assert ta[n].dtype == tb[n].dtype, n
        assert len(ta[n]) == len(tb[n]), f"{n}: {len(ta[n])} rows against {len(tb[n])}"
        for col in ta[n].dtype.names:
            if col in skip_columns:
                continue
            assert ta[n][col].tobytes() == tb[n][col].tobytes(), f"{n}.{col} differs"


def run_both(run_cli, scenario, tmp_path, policies, *extra):
    builtin, external = tmp_path / "builtin.h5", tmp_path / "external.h5"
    run_cli("run", scenario, "--policy", "nearest", "-o", builtin, "-q", *extra, check=0)
    p = run_cli("run", scenario, "--policy-command", f"{PY} {os.path.join(policies, 'nearest.py')}", "-o", external,
                *extra, check=0)
    return builtin, external, p


@pytest.mark.parametrize("scenario,extra", [
    ("two_cells.textproto", ()),
    ("manual.textproto", ()),                                        # a scripted (API) request among the decisions
    ("two_cells.textproto", ("--set", "migration.decision_interval_s=0.25")),
    # issue 12: mec0 down from 20 s to 45 s; the lost twins are re-placed where the policy says (trigger RECOVERY)
    ("mec_outage.textproto", ()),
])
def test_nearest_py_gives_the_builtin_datasets(run_cli, tiny, tmp_path, policies, scenario, extra):
    builtin, external, p = run_both(run_cli, os.path.join(tiny, scenario), tmp_path, policies, *extra)
    # Bit-identical, except the `policy` column, which names who asked ("nearest" against "external").
    assert_same(builtin, external, ("migrations", "messages", "handovers", "migration_phases", "twins", "mecs"),
                skip_columns=("policy",))
    with h5py.File(external, "r") as f:
        assert len(f["migrations"]) > 0
        assert {bytes(x).rstrip(b"\0") for x in f["migrations"]["policy"]} == {b"external"}
        assert f.attrs["policy"] in ("external", b"external")
    assert "us per round trip" in p.stdout
    if scenario == "mec_outage.textproto":
        with h5py.File(external, "r") as f:
            reason = h5py.check_enum_dtype(f["migrations"].dtype["reason"])
            assert np.sum(f["migrations"]["reason"][:] == reason["recovery"]) >= 3  # the three twins on mec0


def cpu_of(fn):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = fn()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return result, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def test_nearest_py_on_the_default_scenario(run_cli, repo, tmp_path, policies):
    """The default city (146 vehicles, 9 RSUs, 4 MECs), first 100 s: every handover and tick instant batched.
    Speed: CPU time (user + sys, v2xsim and the policy process it reaps), not wall time, which the shared test
    machines make vary by 3x from run to run; the bound is the issue's 3x."""
    scenario = os.path.join(repo, "scenarios", "default.textproto")
    builtin, external = tmp_path / "builtin.h5", tmp_path / "external.h5"
    _, cpu_builtin = cpu_of(lambda: run_cli("run", scenario, "--set", "duration_s=100", "-o", builtin, "-q", check=0))
    p, cpu_external = cpu_of(lambda: run_cli("run", scenario, "--set", "duration_s=100", "--policy-command",
                                             f"{PY} {os.path.join(policies, 'nearest.py')}", "-o", external, check=0))
    assert_same(builtin, external, ("migrations", "messages", "handovers"), skip_columns=("policy",))
    assert cpu_external <= 3 * cpu_builtin, (cpu_builtin, cpu_external, p.stdout)


def test_policy_endpoint_connects_to_a_running_policy(run_cli, tiny, tmp_path, policies):
    endpoint = f"ipc://{tmp_path}/policy.sock"
    server = subprocess.Popen([PY, os.path.join(policies, "nearest.py"), endpoint])
    try:
        out = tmp_path / "ep.h5"
        run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--policy-endpoint", endpoint, "-o", out, "-q",
                check=0)
        server.wait(timeout=10)  # the run's last request (done) ends serve()
        assert server.returncode == 0
        builtin = tmp_path / "b.h5"
        run_cli("run", os.path.join(tiny, "two_cells.textproto"), "-o", builtin, "-q", check=0)
        assert_same(builtin, out, ("migrations", "messages", "handovers"), skip_columns=("policy",))
    finally:
        server.kill()
        server.wait()


def test_endpoint_must_be_loopback(run_cli, tiny, tmp_path):
    out = tmp_path / "x.h5"
    p = run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--policy-endpoint", "tcp://10.1.2.3:5555",
                "-o", out, check=2)
    assert "loopback" in p.stderr and "migration.external.endpoint" in p.stderr
    assert not out.exists() and not (tmp_path / "x.h5.partial").exists()


def test_same_seed_same_external_policy_same_datasets(run_cli, tiny, tmp_path, policies):
    cmd = f"{PY} {os.path.join(policies, 'nearest.py')}"
    a, b = tmp_path / "a.h5", tmp_path / "b.h5"
    for out in (a, b):
        run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--policy-command", cmd, "--seed", 7, "-o", out,
                "-q", check=0)
    with h5py.File(a, "r") as f:
        names = [n for n in f if isinstance(f[n], h5py.Dataset)]
    assert {"migrations", "messages", "handovers", "twins"} <= set(names)
    assert_same(a, b, names)


def test_bad_intents_are_rejected_with_reasons_and_the_run_continues(run_cli, tiny, tmp_path):
    report = tmp_path / "rejections.tsv"
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "policies", "bad_intents.py")
    out = tmp_path / "bad.h5"
    # mec1 has one pod slot, taken by r1's twin: a site without capacity.
    run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--policy-command", f"{PY} {script} {report}",
            "--set", "infrastructure.mec[1].pod_slots=1", "-o", out, "-q", check=0)
    with h5py.File(out, "r") as f:
        m = f["migrations"][()]
        outcome = {v: k for k, v in h5py.check_enum_dtype(f["migrations"].dtype["outcome"]).items()}
        assert f["summary"].attrs["simulated_s"] == pytest.approx(60)  # the run went on to its end
    notes = [bytes(r["note"]).rstrip(b"\0").decode() for r in m if outcome[r["outcome"]] == "rejected"]
    assert "unknown target" in notes
    assert "no capacity on mec1" in notes
    assert "station not present" in notes
    # ... and each was reported back to the policy in a later snapshot.
    reported = [line.split("\t")[2] for line in report.read_text().splitlines()]
    for reason in ("unknown target", "no capacity on mec1", "station not present"):
        assert reason in reported


def pid_gone(pidfile):
    pid = int(open(pidfile).read())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie would mean nobody reaped it; our pid's parent was v2xsim, which is gone: init reaps.
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split()[2] == "Z"


@pytest.mark.parametrize("mode,message", [
    ("die", "exited with status 3"),
    ("hang", "no answer within migration.external.timeout_s"),
    ("garbage", "malformed answer"),
    ("version", "protocol version 99"),
])
def test_misbehaving_policy_fails_the_run_cleanly(run_cli, tiny, tmp_path, misbehave, mode, message):
    out, pidfile = tmp_path / "fail.h5", tmp_path / "pid"
    start = time.monotonic()
    p = run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--policy-command",
                f"{PY} {misbehave} {mode} {pidfile}", "--set", "migration.external.timeout_s=1", "-o", out, check=2)
    assert time.monotonic() - start < 20
    assert message in p.stderr, p.stderr
    assert "external policy" in p.stderr
    assert not out.exists() and not (tmp_path / "fail.h5.partial").exists()
    assert pid_gone(pidfile), "the policy process was killed and reaped"


def test_python_client_checks_the_version(pb2_dir, policies):
    sys.path.insert(0, policies)
    try:
        import v2xpolicy
        bad = v2xpolicy.pb.Snapshot(protocol_version=2).SerializeToString()
        with pytest.raises(v2xpolicy.ProtocolError, match="version 2"):
            v2xpolicy.parse_snapshot(bad)
        with pytest.raises(v2xpolicy.ProtocolError, match="malformed"):
            v2xpolicy.parse_snapshot(b"\xff\xff\xff")
    finally:
        sys.path.remove(policies)


def test_sweep_axis_policy_command(v2xsim, tiny, tmp_path, policies):
    sweep = tmp_path / "ext.textproto"
    sweep.write_text(f'name: "ext"\nbase: "{os.path.join(tiny, "two_cells.textproto")}"\n'
                     f'policy_command: "{PY} {os.path.join(policies, "nearest.py")}"\n'
                     f'seed: 1\nseed: 2\n')
    p = subprocess.run([v2xsim, "sweep", sweep, "-j", "2", "--out", tmp_path / "out", "-q"], capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    manifest = (tmp_path / "out" / "manifest.csv").read_text()
    assert manifest.count("complete") == 2 and "policy_command" in manifest.splitlines()[0]


def test_environment_steps_a_run(pb2_dir, policies, tiny):
    sys.path.insert(0, policies)
    try:
        import v2xpolicy
        env = v2xpolicy.V2XEnv(os.path.join(tiny, "two_cells.textproto"),
                               reward={"latency": 1.0, "downtime": 0.1, "migrations": 0.5})
        obs = env.reset(seed=1)
        assert obs.time_s == 0 and {s.trigger for s in obs.stations} == {v2xpolicy.APPEAR}  # the RSUs' twins
        steps, done, total = 0, False, 0.0
        while not done:
            obs, reward, done, info = env.step([])  # no moves; default placements
            total += reward
            steps += 1
        assert info["returncode"] == 0, info["stderr"]
        assert obs.time_s == pytest.approx(60) and steps > 60  # ticks at 1 s, plus appearances
        assert obs.totals.migrations_started == 0 and total < 0
        assert os.path.exists(info["output"])
        env.close()
    finally:
        sys.path.remove(policies)


def test_learned_bandit_improves(repo, policies, pb2_dir):
    p = subprocess.run([PY, os.path.join(policies, "learned_bandit.py"), os.path.join(repo, "scenarios",
                        "default.textproto"), "--episodes", "6", "--set", "duration_s=60"],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    rewards = [float(line.split("reward ")[1].split(",")[0]) for line in p.stdout.splitlines()
               if line.startswith("episode")]
    # 60 s episodes: in 40 s the twins' first placements dominate the reward and leave the bandit little to learn
    assert len(rewards) == 6 and rewards[-1] > rewards[0], p.stdout
    assert "improved" in p.stdout


def test_an_external_policy_is_asked_where_to_recover_a_twin(v2xsim, tiny, tmp_path):
    # issue 12: mec0 is down 20..45 s, detection delay 5 s: its three twins are detected lost at 25 s. The policy
    # (tests/e2e/policies/recover_to.py) sends every RECOVERY to mec1, where the default rule would pick the
    # cloud (the MEC behind their RSU, mec0, is down): the recoveries go to mec1, at the detection instant.
    out, log = tmp_path / "r.h5", tmp_path / "recoveries.txt"
    policy = os.path.join(os.path.dirname(os.path.abspath(__file__)), "policies", "recover_to.py")
    env = dict(os.environ, RECOVER_TO="mec1", RECOVER_LOG=str(log))
    p = subprocess.run([v2xsim, "run", os.path.join(tiny, "mec_outage.textproto"), "--policy-command",
                        f"{PY} {policy}", "-q", "-o", str(out)], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr
    asked = [line.split() for line in log.read_text().splitlines()]
    assert len(asked) == 3 and all(float(t) == 25.0 for _, t in asked)
    with h5py.File(out, "r") as f:
        mig = f["migrations"][:]
        reason = h5py.check_enum_dtype(f["migrations"].dtype["reason"])
        sites = [bytes(n).rstrip(b"\0").decode() for n in f["infrastructure/sites"]["name"]]
    rec = mig[mig["reason"] == reason["recovery"]]
    assert len(rec) == 3
    assert {sites[int(s)] for s in rec["to_site"]} == {"mec1"}
    assert sorted(int(s) for s, _ in asked) == sorted(int(s) for s in rec["station"])
