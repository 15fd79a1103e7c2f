"""Small run files for the tests of dashboard.py and export_influx.py, in the layout of sim/metrics/SCHEMA.md
(column lists from SCHEMA.md itself, through test_v2xh5's helpers), optionally with the datasets that newer
simulators add: /channels, /messages.cause, /mecs.energy_j, /faults and a `warmup_s` attribute.

The columns of those new datasets are this module's assumption of their layout (they are not in SCHEMA.md yet):
/channels (time s, rsu id, busy 1, frames, retries, failures count), /messages.cause an enum appended after
`outcome`, /mecs.energy_j a float64 J appended, a /faults row (mec1 down 13..15 s). The readers find
columns by name and keep working when a column is absent.
"""

from __future__ import annotations

import h5py
import numpy as np

from test_v2xh5 import METADATA, SCHEMA, SUMMARY, numpy_type, rows, units_of

NONE = 4294967295
NAN = float("nan")

#: Station names that need escaping in InfluxDB line protocol (space, comma, equals sign, quote, backslash).
WEIRD = ("veh 1,a=b", 'veh"2\\x')

# The simulator's loss causes (sim/metrics/SCHEMA.md, /messages.cause), in enum order.
CAUSES = ("ok", "no_coverage", "radio", "superseded", "no_twin_yet", "migration", "capacity", "fault", "queue_full",
          "session_dropped", "in_flight")


def _table(f, name, dtype, data, units):
    dset = f.create_dataset(name, data=np.array(data, dtype=dtype), maxshape=(None,), chunks=True)
    dset.attrs["units"] = units
    dset.attrs["doc"] = "fixture"
    return dset


def write(path, extended=False, warmup_s=None, names=("veh0", "veh1")):
    """A 20 s run: r0, r1 (on mec0, mec1), vehicles `names` (stations 2, 3); veh0 migrates mec0 -> mec1 at 10 s.

    Messages every 0.5 s from each vehicle; veh0's are lost while its twin migrates (10..12 s)."""
    sites = [(0, "mec0", 0, 0.0, 100.0, 16, 32768.0, 110), (1, "mec1", 0, 600.0, 100.0, 8, 16384.0, 50),
             (2, "cloud", 1, 300.0, 900.0, 1024, 1e6, 100000)]
    rsus = [(0, "r0", 0.0, 0.0, 320.0, 0, 0), (1, "r1", 600.0, 0.0, 320.0, 1, 1)]
    stations = [(0, "r0", 1, 0.0), (1, "r1", 1, 0.0), (2, names[0], 0, 0.0), (3, names[1], 0, 0.5)]
    msgs, causes = [], []
    for st in (2, 3):
        for k in range(40):
            created = 0.5 * k + (0.1 if st == 3 else 0.0)
            site = 0 if st == 3 or created < 10 else 1
            lat = 0.004 + 0.001 * (k % 3) + (0.002 if site == 1 else 0.0)
            if st == 2 and 10.0 <= created < 12.0:
                msgs.append((st, k, 1, 1, NONE, 180, created, created + 0.001, created + 0.002, NAN, NAN, 1))
                causes.append(CAUSES.index("migration"))
            elif st == 3 and k == 7:
                msgs.append((st, k, NONE, NONE, NONE, 180, created, NAN, NAN, NAN, NAN, 3))
                causes.append(CAUSES.index("no_coverage"))
            else:
                msgs.append((st, k, 0, 0, site, 180, created, created + 0.001, created + 0.002, created + 0.003,
                             created + lat, 0))
                causes.append(CAUSES.index("ok"))
    # /messages.cause is part of the schema now: every file has it (extended or not).
    msgs = [m + (c, 0) for m, c in zip(msgs, causes)]  # warmup: 0 (the fixtures have no warm-up flag set)
    handovers = [(0.0, 2, NONE, 0, 10.0, 0.0), (9.5, 2, 0, 1, 300.0, 0.0), (0.5, 3, NONE, 0, 20.0, 0.0)]
    migrations = [
        (0, 2, NONE, 0, 0, 0, 0, "stateless-restart", "nearest", "", 0.0, 2.0, 2.0, 1e8),
        (1, 3, NONE, 0, 0, 0, 0, "stateless-restart", "nearest", "", 0.5, 2.5, 2.0, 0.0),
        (2, 2, 0, 1, 1, 1, 0, "stateless-restart", "nearest", "", 9.5, 12.0, 2.5, 1e8),
        (3, 3, 0, 1, 1, 1, 1, "stateless-restart", "nearest", "no capacity", 15.0, 15.0, 0.0, 0.0),
    ]
    phases = [(2, "terminate.request", 0, 9.5, 9.6, 0.0), (2, "instantiate.image_pull", 1, 9.6, 11.0, 1e8),
              (2, "instantiate.container_start", 1, 11.0, 12.0, 0.0)]
    twins, mecs = [], []
    for t in range(1, 21):
        for st in (2, 3):
            migrating = st == 2 and 10 <= t < 12
            site = NONE if migrating else (1 if st == 2 and t >= 12 else 0)
            twins.append((float(t), st, site, 3 if migrating else 2, 0.3 + 0.01 * t if not migrating else 1.0 + t))
        for s in range(3):
            mecs.append((float(t), s, 0.5 * (s + 1), 256.0, s + 1, 1 if t == 10 else 0, 0.01 * s))
    tables = {
        "/infrastructure/sites": sites, "/infrastructure/rsus": rsus,
        "/infrastructure/brokers": [(0, "b0", 0), (1, "b1", 1)], "/stations": stations, "/messages": msgs,
        "/handovers": handovers, "/migrations": migrations, "/migration_phases": phases, "/twins": twins,
        "/mecs": mecs,
        "/channels": [(float(t), r, 0.05 * r + 0.01 * t, 20 + t, 21 + t, t % 3, 1 if t == 10 else 0, 0, 1)
                      for t in range(1, 21) for r in (0, 1)] if extended else [],
        # fault kind target target_index start end factor random twins_lost twins_recovered
        "/faults": [(0, 0, "mec1", 1, 13.0, 15.0, 1.0, 0, 0, 0)] if extended else [],
    }
    summary = dict(SUMMARY, vehicles=2, rsus=2, messages_created=len(msgs), simulated_s=20.0, vehicle_seconds=39.5,
                   messages_delivered=sum(1 for m in msgs if m[11] == 0),
                   messages_lost=sum(1 for m in msgs if m[11] == 1),
                   messages_not_sent=sum(1 for m in msgs if m[11] == 3), migrations=1, handovers=3)
    with h5py.File(path, "w") as f:
        f.attrs["schema_version"] = np.int32(1)
        f.attrs["seed"] = np.uint64(1)
        for key, value in METADATA.items():
            if key not in ("schema_version", "seed"):
                f.attrs[key] = value
        for table in SCHEMA:
            if table == "/summary":
                continue
            units = ",".join(f"{name}:{unit}" for name, _, unit in SCHEMA[table])
            if not extended and table in ("/channels", "/faults"):
                continue  # the plain fixture is a file of an older simulator: no /channels, /faults, /messages.cause
            data = rows(table, tables.get(table, []))
            units = units_of(table, data.dtype)
            if not extended and table == "/messages":
                keep = [n for n in data.dtype.names if n != "cause"]
                data = np.array(data[keep].tolist(), dtype=np.dtype([(n, data.dtype.fields[n][0]) for n in keep]))
                units = ",".join(u for u in units.split(",") if not u.startswith("cause:"))
            if extended and table == "/messages" and "cause" not in data.dtype.names:
                dt = np.dtype([(n, data.dtype.fields[n][0]) for n in data.dtype.names]
                              + [("cause", h5py.enum_dtype({c: i for i, c in enumerate(CAUSES)}, basetype="u1"))])
                ext = np.zeros(len(data), dtype=dt)
                for n in data.dtype.names:
                    ext[n] = data[n]
                ext["cause"] = causes
                data, units = ext, units + ",cause:enum"
            if extended and table == "/mecs":
                dt = np.dtype([(n, data.dtype.fields[n][0]) for n in data.dtype.names] + [("energy_j", "<f8")])
                ext = np.zeros(len(data), dtype=dt)
                for n in data.dtype.names:
                    ext[n] = data[n]
                ext["energy_j"] = [100.0 * t * (s + 1) for t, s in zip(ext["time"], ext["site"])]
                data, units = ext, units + ",energy_j:J"
            _table(f, table, data.dtype, data, units)
        if extended and "/channels" not in f:
            ch_dt = np.dtype([("time", "<f8"), ("rsu", "<u4"), ("busy", "<f8"), ("frames", "<u4"),
                              ("retries", "<u4"), ("failures", "<u4")])
            ch = [(float(t), r, 0.05 * r + 0.01 * t, 20 + t, t % 3, 1 if t == 10 else 0)
                  for t in range(1, 21) for r in (0, 1)]
            _table(f, "/channels", ch_dt, ch, "time:s,rsu:id,busy:1,frames:count,retries:count,failures:count")
        group = f.create_group("summary")
        for name, type_text, _ in SCHEMA["/summary"]:
            group.attrs[name] = np.array(summary[name], dtype=numpy_type(type_text))
        group.attrs["units"] = ",".join(f"{name}:{unit}" for name, _, unit in SCHEMA["/summary"])
        if warmup_s is not None:
            group.attrs["warmup_s"] = np.float64(warmup_s)
    return path
