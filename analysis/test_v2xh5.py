"""Tests of v2xh5 (run: /usr/bin/python3 -m pytest analysis/test_v2xh5.py).

The fixture file is written with h5py in the layout that sim/metrics/SCHEMA.md documents, the column lists,
types and units being parsed from SCHEMA.md itself; the C++ unit test "SCHEMA.md documents exactly the
columns and units the writer writes" ties SCHEMA.md to the simulator's writer, so this reader is tested
against the layout the simulator really writes.
"""

import math
import os
import re
import sys

import h5py
import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import v2xh5  # noqa: E402

SCHEMA_MD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sim", "metrics", "SCHEMA.md")
NONE = v2xh5.NONE_ID
NAN = float("nan")


def parse_schema():
    """{'/messages': [(column, type, unit), ...], ..., '/summary': [...]} from SCHEMA.md."""
    tables = {}
    current = None
    with open(SCHEMA_MD, encoding="utf-8") as f:
        for line in f:
            heading = re.match(r"^## `(/[^`]+)`", line)
            if heading:
                current = heading.group(1)
                tables[current] = []
                continue
            if line.startswith("## "):
                current = None
            if current and line.startswith("| `"):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                tables[current].append((cells[0].strip("`"), cells[1], cells[2]))
    return tables


SCHEMA = parse_schema()


def numpy_type(type_text):
    if type_text in ("uint8", "bool"):
        return np.dtype("<u1")
    if type_text == "uint32":
        return np.dtype("<u4")
    if type_text == "uint64":
        return np.dtype("<u8")
    if type_text == "float64":
        return np.dtype("<f8")
    if type_text == "string[32]":
        return h5py.string_dtype("utf-8", 32)
    enum = re.match(r"^enum\((.*)\)$", type_text)
    assert enum, f"unknown type {type_text} in SCHEMA.md"
    names = [n.strip() for n in enum.group(1).split(",")]
    return h5py.enum_dtype({name: value for value, name in enumerate(names)}, basetype="u1")


# Columns a file of an older simulator lacks (trailing in SCHEMA order): fixture tuples that stop before them make
# a table without them, as such a file has.
OPTIONAL_TRAILING = {"/mecs": ("energy_j",)}


def compound(path, width=None):
    cols = SCHEMA[path]
    if width is not None and width < len(cols):
        dropped = [name for name, _, _ in cols[width:]]
        assert all(n in OPTIONAL_TRAILING.get(path, ()) for n in dropped), f"{path}: tuples lack {dropped}"
        cols = cols[:width]
    return np.dtype([(name, numpy_type(t)) for name, t, _ in cols])


def units_of(path, dtype):
    return ",".join(f"{name}:{unit}" for name, _, unit in SCHEMA[path] if name in dtype.names)


def rows(path, values):
    """A structured array for table `path` from tuples in SCHEMA column order (strings as str)."""
    dtype = compound(path, len(values[0]) if values else None)
    converted = [
        tuple(v.encode("utf-8") if isinstance(v, str) else v for v in row) for row in values
    ]
    return np.array(converted, dtype=dtype)


# Column values in SCHEMA order. Enum columns hold values (the fixture writes what the simulator writes).
FIXTURE = {
    "/infrastructure/sites": [
        (0, "mec-0", 0, 10.0, 20.0, 16, 32768.0, 110),
        (1, "cloud", 1, 0.0, 0.0, 1024, 1e6, 100000),
    ],
    "/infrastructure/rsus": [(0, "rsu-0", 10.0, 20.0, 300.0, 0, 0)],
    "/infrastructure/brokers": [(0, "broker-0", 0)],
    "/stations": [(0, "rsu-0", 1, 0.0), (1, "veh.1", 0, 0.5)],
    "/messages": [
        # station seq rsu broker site size_b created at_rsu at_broker at_twin processed outcome cause warmup
        (1, 0, 0, 0, 0, 180, 1.0, 1.001, 1.002, 1.003, 1.010, 0, 0, 0),
        (1, 1, 0, 0, NONE, 181, 1.1, 1.101, 1.102, NAN, NAN, 1, 5, 0),
        (1, 2, NONE, NONE, NONE, 182, 1.2, NAN, NAN, NAN, NAN, 3, 1, 0),
    ],
    "/handovers": [(0.5, 1, NONE, 0, 1.0, 2.0)],
    "/migrations": [
        (0, 1, NONE, 0, 0, 0, 0, "stateless-restart", "nearest", "", 0.5, 5.0, 4.5, 1.5e8),
        (1, 1, 0, 1, 1, 1, 1, "stateless-restart", "nearest", "no capacity", 7.0, 7.0, 0.0, 0.0),
    ],
    "/migration_phases": [(0, "instantiate.image_pull", 0, 0.6, 3.6, 1.5e8)],
    "/twins": [(1.0, 1, NONE, 1, NAN), (2.0, 1, 0, 2, 0.25)],
    "/mecs": [(1.0, 0, 0.5, 256.0, 1, 1, 0.125, 36.0)],
    # migration station state_carried served state_age_s rebuild_s duplicates cloud_age_s
    "/continuity": [(0, 1, 0, 5.0, NAN, 10.2, 0, NAN)],
    # time rsu busy frames attempts retries failures collisions contending
    "/channels": [(1.0, 0, 0.25, 10, 12, 2, 0, 1, 3)],
}

SUMMARY = {
    "vehicles": 1,
    "rsus": 1,
    "messages_created": 3,
    "messages_delivered": 1,
    "messages_lost": 1,
    "messages_dropped": 0,
    "messages_not_sent": 1,
    "cause_no_coverage": 1,
    "cause_radio": 0,
    "cause_superseded": 0,
    "cause_no_twin_yet": 0,
    "cause_migration": 1,
    "cause_capacity": 0,
    "cause_fault": 0,
    "cause_queue_full": 0,
    "cause_session_dropped": 0,
    "cause_in_flight": 0,
    "vehicle_messages": 3,
    "warmup_s": 0.0,
    "messages_warmup": 0,
    "aoi_mean_s": 0.5,
    "aoi_p95_s": 0.9,
    "latency_mean_s": 0.01,
    "latency_p50_s": 0.01,
    "latency_p95_s": 0.01,
    "latency_p99_s": 0.01,
    "latency_max_s": 0.01,
    "handovers": 1,
    "cooperative_deliveries": 0,
    "migrations": 0,
    "migrations_rejected": 1,
    "migrations_unfinished": 0,
    "migrations_failed": 0,
    "downtime_total_s": 0.0,
    "downtime_mean_s": 0.0,
    "downtime_max_s": 0.0,
    "vehicle_seconds": 9.5,
    "faults": 0,
    "fault_twins_lost": 0,
    "fault_recoveries": 0,
    "fault_downtime_twin_s": 0.0,
    "recovery_mean_s": 0.0,
    "recovery_p95_s": 0.0,
    "recovery_max_s": 0.0,
    "energy_total_j": 360.0,
    "energy_per_vehicle_hour_j": 136421.05,
    "cloud_aoi_mean_s": 0.0,
    "cloud_aoi_p95_s": 0.0,
    "sync_batches": 0,
    "sync_bytes": 0.0,
    "sync_bytes_per_vehicle_hour": 0.0,
    "cloud_twins_rejected": 0,
    "cloud_twin_deploys": 0,
    "cloud_deploy_mean_s": 0.0,
    "cloud_first_serve_mean_s": 0.0,
    "cloud_first_serve_max_s": 0.0,
    "tsdb_points": 0,
    "tsdb_bytes_stored": 0.0,
    "tsdb_bytes_per_vehicle_hour": 0.0,
    "tsdb_lag_p50_s": 0.0,
    "tsdb_lag_p95_s": 0.0,
    "continuity_migrations": 1,
    "state_lost": 1,
    "state_rebuilt": 1,
    "state_rebuild_mean_s": 10.2,
    "duplicate_deliveries": 0,
    "simulated_s": 10.0,
    "wall_s": 0.25,
    "peak_rss_kb": 20480,
}

METADATA = {
    "schema_version": 1,
    "seed": 42,
    "simulator_version": "0.1.0",
    "command_line": "v2xsim run scenarios/tiny/one.textproto --seed 42",
    "scenario_name": "one",
    "scenario_text": 'name: "one"\nseed: 42\n',
    "policy": "nearest",
    "mechanism": "stateless-restart",
}


def write_run(path, schema_version=1, with_summary=True):
    with h5py.File(path, "w", libver=("v108", "v110"), track_order=False) as f:
        f.attrs["schema_version"] = np.int32(schema_version)
        f.attrs["seed"] = np.uint64(METADATA["seed"])
        for key, value in METADATA.items():
            if key not in ("schema_version", "seed"):
                f.attrs[key] = value
        for table in SCHEMA:
            if table == "/summary":
                continue
            data = rows(table, FIXTURE.get(table, []))
            dset = f.create_dataset(
                table,
                shape=(0,),
                maxshape=(None,),
                dtype=data.dtype,
                chunks=(2,),
                compression="gzip",
                compression_opts=1,
                shuffle=True,
                track_times=False,
            )
            # Appended in two steps, as the simulator does.
            for part in (data[:1], data[1:]):
                dset.resize((dset.shape[0] + len(part),))
                if len(part):
                    dset[-len(part):] = part
            dset.attrs["units"] = units_of(table, data.dtype)
            dset.attrs["doc"] = f"fixture rows of {table}"
        if with_summary:
            group = f.create_group("summary", track_order=False)
            for name, type_text, _ in SCHEMA["/summary"]:
                group.attrs[name] = np.array(SUMMARY[name], dtype=numpy_type(type_text))
            group.attrs["units"] = ",".join(f"{name}:{unit}" for name, _, unit in SCHEMA["/summary"])
            group.attrs["doc"] = "fixture summary"


@pytest.fixture
def run_file(tmp_path):
    path = tmp_path / "run.h5"
    write_run(path)
    return path


def test_schema_md_lists_every_table_v2xh5_knows():
    assert sorted(SCHEMA) == sorted(["/" + t for t in v2xh5.TABLES] + ["/summary"])
    assert [name for name, _, _ in SCHEMA["/summary"]] == list(SUMMARY)


def test_metadata(run_file):
    assert v2xh5.read_metadata(run_file) == METADATA


def test_messages_decoded(run_file):
    with v2xh5.open_run(run_file) as run:
        df = run.table("messages")
    assert list(df.columns) == [name for name, _, _ in SCHEMA["/messages"]]
    assert len(df) == 3
    # Enum values to names, in value order as categories.
    assert list(df.outcome) == ["delivered", "lost", "not_sent"]
    assert list(df.outcome.cat.categories) == ["delivered", "lost", "dropped", "not_sent"]
    # kNone -> <NA> in id columns, which are nullable UInt32; counts stay plain integers.
    assert str(df.site.dtype) == "UInt32"
    assert df.site.isna().tolist() == [False, True, True]
    assert df.rsu.isna().tolist() == [False, False, True]
    assert df.site[0] == 0
    assert df.seq.dtype == np.uint32
    # NaN times are kept; latency of the delivered message.
    assert math.isnan(df.at_twin[1])
    assert (df.processed - df.created)[0] == pytest.approx(0.010)


def test_names_bools_and_every_table(run_file):
    with v2xh5.open_run(run_file) as run:
        for table in v2xh5.TABLES:
            df = run.table(table)
            assert list(df.columns) == [name for name, _, _ in SCHEMA["/" + table]], table
            assert len(df) == len(FIXTURE.get("/" + table, [])), table
            assert run.units(table) == {name: unit for name, _, unit in SCHEMA["/" + table]}
            assert run.doc(table) == f"fixture rows of /{table}"
        sites = run.table("infrastructure/sites")
        migrations = run.table("migrations")
        stations = run.table("stations")
        twins = run.table("twins")
    assert sites.name.tolist() == ["mec-0", "cloud"]
    assert sites.is_cloud.tolist() == [False, True]
    assert migrations.note.tolist() == ["", "no capacity"]
    assert migrations.reason.tolist() == ["initial", "policy"]
    assert migrations.trigger.tolist() == ["appear", "handover"]
    assert migrations.outcome.tolist() == ["completed", "rejected"]
    assert migrations.from_site.isna().tolist() == [True, False]
    assert stations.kind.tolist() == ["rsu", "vehicle"]
    assert twins.state.tolist() == ["starting", "serving"]
    assert math.isnan(twins.age_of_information[0])


def test_summary(run_file):
    with v2xh5.open_run(run_file) as run:
        summary = run.summary()
        units = run.summary_units()
    assert summary == SUMMARY
    assert list(summary) == list(SUMMARY)  # simulator's field order, not alphabetical
    assert type(summary["vehicles"]) is int and type(summary["latency_p50_s"]) is float
    assert units["latency_p50_s"] == "s" and units["peak_rss_kb"] == "kB"


def test_run_without_summary(tmp_path):
    path = tmp_path / "unfinished.h5"
    write_run(path, with_summary=False)
    with v2xh5.open_run(path) as run:
        assert not run.has_summary()
        with pytest.raises(KeyError, match="no /summary"):
            run.summary()


def test_column_subset_and_parts(run_file):
    with v2xh5.open_run(run_file) as run:
        whole = run.table("messages")
        subset = run.table("messages", columns=["outcome", "site"])
        single = run.table("messages", columns=["seq"])
        parts = list(run.iter_table("messages", rows=2))
        assert run.rows("messages") == 3
    assert list(subset.columns) == ["outcome", "site"]
    assert subset.outcome.tolist() == whole.outcome.tolist()
    assert single.seq.tolist() == [0, 1, 2]
    assert [len(p) for p in parts] == [2, 1]
    pd.testing.assert_frame_equal(pd.concat(parts), whole)


def test_unknown_table_and_column(run_file):
    with v2xh5.open_run(run_file) as run:
        with pytest.raises(KeyError, match="no table 'nope'"):
            run.table("nope")
        with pytest.raises(KeyError, match="no column"):
            run.table("messages", columns=["latency"])


def test_schema_version_mismatch(tmp_path):
    path = tmp_path / "future.h5"
    write_run(path, schema_version=2)
    with pytest.raises(v2xh5.SchemaVersionError, match=r"schema version 2, but .* reads version 1"):
        v2xh5.open_run(path)


def test_not_a_run_file(tmp_path):
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f["x"] = np.arange(3)
    with pytest.raises(v2xh5.SchemaVersionError, match="not a v2xsim output"):
        v2xh5.open_run(path)


def test_missing_file_mentions_unfinished_run(tmp_path):
    path = tmp_path / "run.h5"
    (tmp_path / "run.h5.partial").write_bytes(b"")
    with pytest.raises(FileNotFoundError, match="did not finish"):
        v2xh5.open_run(path)
