"""v2xsim run on the tiny two-cell scenario: datasets, metadata, exact counts, determinism."""
import os

import h5py
import numpy as np
import pytest


@pytest.fixture(scope="module")
def two_cells(run_cli, tiny, tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "two_cells.h5"
    proc = run_cli("run", os.path.join(tiny, "two_cells.textproto"), "-o", out, check=0)
    return out, proc.stdout


def test_output_is_complete_and_renamed(two_cells):
    out, stdout = two_cells
    assert out.exists()
    assert not out.with_name(out.name + ".partial").exists()
    assert str(out) in stdout
    for word in ("vehicles", "latency", "migrations", "downtime", "wall"):
        assert word in stdout


def test_root_metadata(two_cells):
    out, _ = two_cells
    with h5py.File(out, "r") as f:
        a = f.attrs
        assert int(a["schema_version"]) >= 1
        assert int(a["seed"]) == 1
        assert "tiny_two_cells" in str(a["scenario_name"])
        assert "r1" in str(a["scenario_text"])  # the scenario text itself is recorded
        assert "two_cells.textproto" in str(a["command_line"])
        assert str(a["policy"]) in ("nearest", "b'nearest'")


def test_datasets_and_expected_counts(two_cells):
    out, _ = two_cells
    with h5py.File(out, "r") as f:
        for name in ("messages", "migrations", "migration_phases", "handovers", "stations", "twins", "mecs"):
            assert name in f, name
        stations = f["stations"][:]
        assert len(stations) == 4  # 2 RSUs + 2 vehicles
        handovers = f["handovers"][:]
        assert len(handovers) == 1  # scenarios/tiny/README.md: veh0 crosses r0 -> r1 once
        migrations = f["migrations"][:]
        reason = migrations["reason"]
        # reason is an HDF5 enum: decode through the dataset's enum mapping
        mapping = {v: k for k, v in h5py.check_enum_dtype(f["migrations"].dtype["reason"]).items()}
        reasons = [mapping[int(r)] for r in reason]
        assert reasons.count("policy") == 1
        moved = migrations[[r == "policy" for r in reasons]][0]
        assert moved["from_site"] == 0 and moved["to_site"] == 1
        assert moved["downtime"] > 0
        # Phases of that migration cover terminate then instantiate
        phases = f["migration_phases"][:]
        names = [p["phase"].decode() for p in phases if p["migration"] == moved["id"]]
        assert names[0].startswith("terminate.") and names[-1] == "instantiate.readiness"
        messages = f["messages"][:]
        s = dict(f["summary"].attrs)
        assert int(s["messages_created"]) == len(messages)
        delivered = messages["processed"][~np.isnan(messages["processed"])] - \
            messages["created"][~np.isnan(messages["processed"])]
        assert (delivered > 0).all()
        assert abs(float(s["latency_p50_s"]) - np.median(delivered)) <= 0.002 * np.median(delivered) + 1e-9


def test_same_seed_gives_identical_datasets(run_cli, tiny, tmp_path, two_cells):
    first, _ = two_cells
    second = tmp_path / "again.h5"
    run_cli("run", os.path.join(tiny, "two_cells.textproto"), "-o", second, "-q", check=0)
    with h5py.File(first, "r") as a, h5py.File(second, "r") as b:
        for name in ("messages", "migrations", "migration_phases", "handovers", "stations", "twins", "mecs"):
            assert a[name][:].tobytes() == b[name][:].tobytes(), name


def test_another_seed_changes_the_run(run_cli, tiny, tmp_path, two_cells):
    first, _ = two_cells
    other = tmp_path / "seed2.h5"
    run_cli("run", os.path.join(tiny, "two_cells.textproto"), "-o", other, "--seed", 2, "-q", check=0)
    with h5py.File(first, "r") as a, h5py.File(other, "r") as b:
        assert int(b.attrs["seed"]) == 2
        assert a["messages"][:].tobytes() != b["messages"][:].tobytes()


def test_set_overrides_a_field(run_cli, tiny, tmp_path):
    out = tmp_path / "never.h5"
    run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--set", "migration.policy=never",
            "--set", "telemetry.rate_hz=5", "-o", out, "-q", check=0)
    with h5py.File(out, "r") as f:
        assert "never" in str(f.attrs["policy"])
        m = f["migrations"][:]
        mapping = {v: k for k, v in h5py.check_enum_dtype(f["migrations"].dtype["reason"]).items()}
        assert all(mapping[int(r)] != "policy" for r in m["reason"])
        msgs = f["messages"][:]
        veh0 = msgs[msgs["station"] == 2]
        assert 280 <= len(veh0) <= 305  # 5 Hz over 60 s


def test_manual_migration_scenario(run_cli, tiny, tmp_path):
    out = tmp_path / "manual.h5"
    run_cli("run", os.path.join(tiny, "manual.textproto"), "-o", out, "-q", check=0)
    with h5py.File(out, "r") as f:
        m = f["migrations"][:]
        mapping = {v: k for k, v in h5py.check_enum_dtype(f["migrations"].dtype["reason"]).items()}
        manual = [r for r in m if mapping[int(r["reason"])] == "manual"]
        assert len(manual) == 1
        assert abs(manual[0]["requested"] - 20.0) < 1e-9


def test_platform_loaded_from_xml(run_cli, tiny, repo, tmp_path):
    # platforms/small.xml: 2 MECs, 4 RSUs along y = 0 (x = -250, 250, 750, 1250), cloud, registry.
    out = tmp_path / "xml.h5"
    xml = os.path.join(repo, "platforms", "small.xml")
    run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--set", f"infrastructure.platform={xml}",
            "-o", out, "-q", check=0)
    with h5py.File(out, "r") as f:
        rsus = [r["name"].decode() for r in f["infrastructure/rsus"][:]]
        assert rsus == ["r0", "r1", "r2", "r3"]
        sites = [s["name"].decode() for s in f["infrastructure/sites"][:]]
        assert sites[-1] == "cloud" and len(sites) == 3
        assert len(f["handovers"][:]) >= 1  # veh0 drives x = 100 -> 1000 m across the cells
        assert int(f["summary"].attrs["messages_delivered"]) > 0
