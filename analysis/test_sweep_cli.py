"""`v2xsim sweep` end to end on scenarios/tiny/two_cells.textproto (about a second per run), then compare.py on
its output. Needs the built simulator: ctest sets V2XSIM (its path) and V2X_REPO; without them these tests skip.

What the tiny scenario guarantees (scenarios/tiny/README.md): with policy `nearest` exactly 1 migration (veh0,
mec0 -> mec1), with `never` none.
"""

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import v2xh5  # noqa: E402

V2XSIM = os.environ.get("V2XSIM")
REPO = os.environ.get("V2X_REPO", os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
pytestmark = pytest.mark.skipif(not V2XSIM, reason="V2XSIM (path of the built v2xsim) not set; ctest sets it")

TINY = os.path.join(REPO, "scenarios", "tiny", "two_cells.textproto")


def write_sweep(tmp_path, body, name="tiny"):
    path = tmp_path / f"{name}.textproto"
    path.write_text(f'base: "{TINY}"\n{body}\n')
    return str(path)


def sweep(*args, timeout=300):
    return subprocess.run([V2XSIM, "sweep", *map(str, args)], capture_output=True, text=True, timeout=timeout)


def test_sweep_runs_resumes_and_compares(tmp_path):
    spec = write_sweep(tmp_path, 'policy: "never"\npolicy: "nearest"\nseeds { first: 1 count: 2 }')
    out = tmp_path / "out"
    proc = sweep(spec, "-j", 2, "--out", out)
    assert proc.returncode == 0, proc.stderr
    # not a terminal here: plain lines, one per run
    assert "4 runs, 0 already complete, 4 to run, 2 at once" in proc.stderr
    assert proc.stderr.count("] complete ") == 4
    manifest = pd.read_csv(out / "manifest.csv", dtype=str, keep_default_na=False)
    assert list(manifest.columns[:5]) == ["index", "run", "policy", "seed", "output"]
    assert list(manifest.policy) == ["never", "never", "nearest", "nearest"]
    assert list(manifest.seed) == ["1", "2", "1", "2"]
    assert set(manifest.status) == {"complete"}
    for _, row in manifest.iterrows():
        path = out / "runs" / f"{row.run}.h5"
        meta = v2xh5.read_metadata(path)
        assert meta["policy"] == row.policy and meta["seed"] == int(row.seed)
        summary = v2xh5.read_summary(path)
        # the manifest's figures are the run's own (printed precision)
        assert int(row.migrations) == summary["migrations"] == (1 if row.policy == "nearest" else 0)
        assert int(row.vehicles) == summary["vehicles"] == 2

    # Again: nothing to do, the files are untouched.
    mtimes = {p.name: p.stat().st_mtime_ns for p in (out / "runs").iterdir()}
    again = sweep(spec, "-j", 2, "--out", out)
    assert again.returncode == 0, again.stderr
    assert "4 already complete, 0 to run" in again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in (out / "runs").iterdir()} == mtimes

    cmp = compare.compare(str(out))
    table = cmp.table.set_index("policy")
    assert table.loc["never", "migrations_per_vehicle_hour_mean"] == 0.0
    for _, run in cmp.runs[cmp.runs.policy == "nearest"].iterrows():
        vehicle_hours = v2xh5.read_summary(out / "runs" / f"{run.run}.h5")["vehicle_seconds"] / 3600
        assert run.migrations_per_vehicle_hour == pytest.approx(1 / vehicle_hours)


def test_shards_split_the_runs(tmp_path):
    spec = write_sweep(tmp_path, 'policy: "never"\npolicy: "nearest"\nseed: 1\nseed: 2\nseed: 3')
    out = tmp_path / "out"
    listed = sweep(spec, "--dry-run", "--out", out)
    assert listed.returncode == 0, listed.stderr
    assert "6 runs, 6 in this shard" in listed.stdout
    shard0 = sweep(spec, "--shard", "0/2", "--dry-run", "--out", out).stdout.splitlines()[1:]
    shard1 = sweep(spec, "--shard", "1/2", "--dry-run", "--out", out).stdout.splitlines()[1:]
    assert [line.split()[0] for line in shard0] == ["0", "2", "4"]
    assert [line.split()[0] for line in shard1] == ["1", "3", "5"]
    assert sorted(shard0 + shard1) == sorted(listed.stdout.splitlines()[1:])
    assert "--set migration.policy=never" in shard0[0] and "--seed 1" in shard0[0]


def test_bad_axis_value_is_an_input_error_before_any_run(tmp_path):
    spec = write_sweep(tmp_path, 'axis { field: "telemetry.rate_hz" value: "10" value: "fast" }')
    proc = sweep(spec, "--out", tmp_path / "out")
    assert proc.returncode == 2
    assert "v2xsim: error:" in proc.stderr and "fast" in proc.stderr
    assert not (tmp_path / "out").exists()
    unknown = write_sweep(tmp_path, 'policy: "no-such-policy"', name="unknown")
    proc = sweep(unknown, "--out", tmp_path / "out")
    assert proc.returncode == 2 and "no-such-policy" in proc.stderr


def test_sigterm_loses_only_the_runs_in_flight(tmp_path):
    spec = write_sweep(tmp_path, "seeds { first: 1 count: 20 }")  # 20 runs of ~0.2 s, one at a time
    out = tmp_path / "out"
    child = subprocess.Popen([V2XSIM, "sweep", spec, "-j", "1", "--out", str(out)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    runs = out / "runs"
    deadline = time.time() + 120
    while time.time() < deadline and not (runs.exists() and any(p.suffix == ".h5" for p in runs.iterdir())):
        time.sleep(0.05)
    child.send_signal(signal.SIGTERM)
    _, stderr = child.communicate(timeout=120)
    assert child.returncode == 128 + signal.SIGTERM, stderr
    manifest = pd.read_csv(out / "manifest.csv", dtype=str, keep_default_na=False)
    complete = manifest[manifest.status == "complete"]
    assert 1 <= len(complete) < 20
    assert set(manifest.status) == {"complete", "interrupted"}
    # every run not complete has no file with the final name
    for _, row in manifest[manifest.status != "complete"].iterrows():
        assert not (runs / f"{row.run}.h5").exists()
    resumed = sweep(spec, "-j", 2, "--out", out)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(complete)} already complete, {20 - len(complete)} to run" in resumed.stderr
    assert set(pd.read_csv(out / "manifest.csv", dtype=str).status) == {"complete"}


def test_shipped_sweep_compares_every_policy():
    """scenarios/sweeps/compare_policies.textproto runs every policy that `v2xsim policies` lists (a new policy
    is one more `policy:` line there) with every mechanism of `v2xsim mechanisms`, over 3 seeds, and validates."""
    listed = subprocess.run([V2XSIM, "policies"], capture_output=True, text=True, check=True).stdout
    policies = {line.strip() for line in listed.splitlines() if line and not line[0].isspace()}
    shipped = os.path.join(REPO, "scenarios", "sweeps", "compare_policies.textproto")
    proc = sweep(shipped, "--dry-run")
    assert proc.returncode == 0, proc.stderr
    in_sweep = {arg.split("=", 1)[1] for arg in proc.stdout.split() if arg.startswith("migration.policy=")}
    missing = policies - in_sweep
    assert not missing, f"add a line `policy: \"<name>\"` to {shipped} for: {sorted(missing)}"
    assert in_sweep <= policies
    listed = subprocess.run([V2XSIM, "mechanisms"], capture_output=True, text=True, check=True).stdout
    mechanisms = {line.strip() for line in listed.splitlines() if line and not line[0].isspace()}
    swept = {arg.split("=", 1)[1] for arg in proc.stdout.split() if arg.startswith("migration.mechanism=")}
    assert swept == mechanisms, f"{shipped} should sweep every mechanism: missing {sorted(mechanisms - swept)}"
    # policies x mechanisms x 3 seeds, every combination once
    assert f"{len(policies) * len(mechanisms) * 3} runs" in proc.stdout


def test_a_failing_run_does_not_stop_the_others(tmp_path):
    # The trace axis: the tiny road, and a trace with a bad number that only the run itself reads (validation
    # checks that the file exists, the run parses it): that run fails with the reader's error, the other completes.
    bad = tmp_path / "bad.fcd.xml"
    bad.write_text('<fcd-export>\n<timestep time="0.00">\n<vehicle id="a" x="abc" y="0"/>\n')
    good = os.path.join(REPO, "scenarios", "tiny", "two_cells.fcd.xml")
    spec = write_sweep(tmp_path, f'trace: "{bad}"\ntrace: "{good}"\nseed: 1')
    out = tmp_path / "out"
    proc = sweep(spec, "-j", 1, "--out", out)
    assert proc.returncode == 1, proc.stderr
    manifest = pd.read_csv(out / "manifest.csv", dtype=str, keep_default_na=False).set_index("trace")
    failed, complete = manifest.loc[str(bad)], manifest.loc[good]
    assert (failed.status, failed.exit_code) == ("failed", "2")
    assert failed.error.startswith("v2xsim: error: ") and "abc" in failed.error
    assert complete.status == "complete" and (out / "runs" / f"{complete.run}.h5").exists()
    cmp = compare.compare(str(out))
    assert list(cmp.runs.run) == [complete.run] and list(cmp.failed.run) == [failed.run]
