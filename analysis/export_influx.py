"""Export a run's time series as InfluxDB line protocol, for an operator's own InfluxDB and Grafana.

    /usr/bin/python3 analysis/export_influx.py RUN.h5 [-o FILE] [--every N] [--epoch 2024-01-01T00:00:00Z]
    v2xsim export --influx RUN.h5 [-o FILE]                 # the same, through the simulator's command
    curl -XPOST 'http://localhost:8086/write?db=v2x&precision=ns' --data-binary @RUN.lp

writes FILE (default: RUN.lp next to the run file), one point per line:

| measurement | tags | fields | one point per | from |
|---|---|---|---|---|
| `twin` | `station`, `kind` (vehicle, rsu) | `site` (string: serving site, `none`), `state` (string), `aoi_s` (float, left out while there is none) | twin sample | /twins |
| `mec` | `site`, `kind` (mec, cloud) | `cpu_reserved_cores`, `memory_reserved_mb`, `cpu_busy`, `energy_j` (when the file has it) (float), `pods`, `ops_in_flight` (integer) | site sample | /mecs |
| `channel` | `rsu` | every numeric column of /channels but `time` and `rsu` (float or integer as stored) | RSU sample | /channels, when the file has it |
| `message` | `station`, `outcome`, `cause` (when the file has it) | `seq` (integer), `latency_s` (float, delivered only), `site`, `rsu` (string) | one message in N (`--every`, default 10): those with `seq % N == 0`, so the sample is deterministic and spread evenly over every station | /messages |
| `migration` | `station`, `reason`, `outcome` | `from_site`, `to_site`, `mechanism` (string), `downtime_s`, `bytes` (float), `id` (integer) | placement operation, at its end | /migrations |

**Timestamps** are integers in nanoseconds: the epoch (`--epoch`, default 1970-01-01T00:00:00Z, i.e. Unix time 0)
plus the simulated time in seconds times 10^9, rounded to the nanosecond. With the default, simulated second 12.5
is `12500000000`, so a Grafana panel shows the run at the start of 1970; pass `--epoch` to place it elsewhere.
Write with `precision=ns` (the HTTP API's default).

**Escaping** follows the line-protocol reference (InfluxDB 1.x): in measurements a comma and a space are escaped
with a backslash; in tag keys, tag values and field keys a comma, an equals sign and a space; string field values
are double-quoted, with `"` and `\\` escaped. Tag values that would be empty are left out (InfluxDB refuses them); a
newline in a name is written as a space (the protocol has no escape for it), and a name ending in a backslash
gets a space appended (a trailing backslash would escape the separator that follows). Field values that are NaN
or infinite are left out (the protocol has no such values).

**Distinct points.** InfluxDB keeps one point per (measurement, tag set, timestamp): a later one overwrites. Where
two points would collide (e.g. two migrations of one twin with the same reason and outcome ending at the same
instant) the later one is moved by 1 ns, so every exported point is stored.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import math
import os
import sys
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import v2xh5  # noqa: E402

DEFAULT_EVERY = 10

#: A point: (measurement, {tag: value}, {field: value}, timestamp ns). Field values: float, int, bool or str.
Point = Tuple[str, Dict[str, str], Dict[str, object], int]


# ---- escaping (line protocol) ----


def _clean_name(text: str) -> str:
    text = str(text).replace("\r", " ").replace("\n", " ")
    return text + " " if text.endswith("\\") else text


def escape_measurement(name: str) -> str:
    return _clean_name(name).replace(",", "\\,").replace(" ", "\\ ")


def escape_key(text: str) -> str:
    """Tag keys, tag values and field keys."""
    return _clean_name(text).replace(",", "\\,").replace("=", "\\=").replace(" ", "\\ ")


def format_field(value) -> Optional[str]:
    """A field value in line protocol; None when it cannot be written (NaN, infinity)."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return f"{int(value)}i"
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return repr(v) if math.isfinite(v) else None
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def format_point(point: Point) -> Optional[str]:
    measurement, tags, fields, ts = point
    tag_text = "".join(f",{escape_key(k)}={escape_key(v)}" for k, v in sorted(tags.items()) if str(v) != "")
    parts = []
    for k, v in fields.items():
        text = format_field(v)
        if text is not None:
            parts.append(f"{escape_key(k)}={text}")
    if not parts:
        return None
    return f"{escape_measurement(measurement)}{tag_text} {','.join(parts)} {int(ts)}"


# ---- points from a run ----


def parse_epoch(text: Optional[str]) -> int:
    """ISO 8601 time (a 'Z' or an offset; naive = UTC) -> ns since the Unix epoch. None or '' -> 0."""
    if not text:
        return 0
    stamp = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=_dt.timezone.utc)
    delta = stamp - _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 10**9 + delta.microseconds * 1000


def _ns(times, epoch_ns: int) -> List[int]:
    return [epoch_ns + int(v) for v in np.round(np.asarray(times, dtype=float) * 1e9).astype(np.int64)]


def _ids(series: pd.Series) -> np.ndarray:
    return series.astype("Int64").fillna(-1).to_numpy(dtype=np.int64)


def _py(value):
    return value.item() if isinstance(value, np.generic) else value


def points(path: str, every: int = DEFAULT_EVERY, epoch_ns: int = 0) -> Iterator[Point]:
    """Every point of the export, in measurement order (twin, mec, channel, message, migration)."""
    if every < 1:
        raise ValueError("--every must be at least 1")
    with v2xh5.open_run(path) as run:
        sites = run.table("infrastructure/sites")
        site_name = {int(s): str(n) for s, n in zip(sites.site, sites.name)}
        site_kind = {int(s): ("cloud" if c else "mec") for s, c in zip(sites.site, sites.is_cloud)}
        rsus = run.table("infrastructure/rsus", columns=("rsu", "name"))
        rsu_name = {int(r): str(n) for r, n in zip(rsus.rsu, rsus.name)}
        stations = run.table("stations", columns=("station", "name", "kind"))
        station_name = {int(s): str(n) for s, n in zip(stations.station, stations.name)}
        station_kind = {int(s): str(k) for s, k in zip(stations.station, stations.kind.astype(str))}

        def name_of(mapping, i):
            return mapping.get(int(i), str(int(i))) if i >= 0 else "none"

        tw = run.table("twins")
        for st, site, state, aoi, ts in zip(_ids(tw.station), _ids(tw.site), tw.state.astype(str),
                                            tw.age_of_information.to_numpy(float), _ns(tw.time, epoch_ns)):
            fields = {"site": name_of(site_name, site), "state": state}
            if math.isfinite(aoi):
                fields["aoi_s"] = float(aoi)
            yield ("twin", {"station": name_of(station_name, st), "kind": station_kind.get(int(st), "")}, fields, ts)

        mecs = run.table("mecs")
        floats = [c for c in ("cpu_reserved_cores", "memory_reserved_mb", "cpu_busy", "energy_j") if c in mecs.columns]
        ints = [c for c in ("pods", "ops_in_flight") if c in mecs.columns]
        columns = {c: mecs[c].to_numpy() for c in floats + ints}
        for i, (site, ts) in enumerate(zip(_ids(mecs.site), _ns(mecs.time, epoch_ns))):
            fields = {c: float(columns[c][i]) for c in floats}
            fields.update({c: int(columns[c][i]) for c in ints})
            yield ("mec", {"site": name_of(site_name, site), "kind": site_kind.get(int(site), "")}, fields, ts)

        if run.has_table("channels"):
            ch = run.table("channels")
            units = run.units("channels")
            numeric = [c for c in ch.columns if c not in ("time", "rsu") and units.get(c) not in ("id", "enum", "text")
                       and np.issubdtype(ch[c].dtype, np.number)]
            values = {c: ch[c].to_numpy() for c in numeric}
            rsu_ids = _ids(ch.rsu) if "rsu" in ch.columns else np.full(len(ch), -1)
            for i, ts in enumerate(_ns(ch.time, epoch_ns)):
                fields = {c: _py(values[c][i]) for c in numeric}
                fields = {c: (int(v) if np.issubdtype(values[c].dtype, np.integer) else float(v))
                          for c, v in fields.items()}
                yield ("channel", {"rsu": name_of(rsu_name, rsu_ids[i])}, fields, ts)

        has_cause = run.has_column("messages", "cause")
        columns = ["station", "seq", "rsu", "site", "created", "processed", "outcome"] + (["cause"] if has_cause else [])
        for part in run.iter_table("messages", rows=500_000, columns=columns):
            part = part[part.seq.to_numpy(dtype=np.int64) % every == 0]
            lat = part.processed.to_numpy(float) - part.created.to_numpy(float)
            cause = part.cause.astype(str).to_numpy() if has_cause else None
            for i, (st, seq, rsu, site, outcome, ts) in enumerate(zip(
                    _ids(part.station), part.seq.to_numpy(np.int64), _ids(part.rsu), _ids(part.site),
                    part.outcome.astype(str), _ns(part.created, epoch_ns))):
                tags = {"station": name_of(station_name, st), "outcome": outcome}
                if cause is not None:
                    tags["cause"] = cause[i]
                fields = {"seq": int(seq), "rsu": name_of(rsu_name, rsu), "site": name_of(site_name, site)}
                if outcome == "delivered" and math.isfinite(lat[i]):
                    fields["latency_s"] = float(lat[i])
                yield ("message", tags, fields, ts)

        mig = run.table("migrations")
        for row, st, fr, to, ts in zip(mig.itertuples(index=False), _ids(mig.station), _ids(mig.from_site),
                                       _ids(mig.to_site), _ns(mig.finished, epoch_ns)):
            yield ("migration", {"station": name_of(station_name, st), "reason": str(row.reason),
                                 "outcome": str(row.outcome)},
                   {"id": int(row.id), "from_site": name_of(site_name, fr), "to_site": name_of(site_name, to),
                    "mechanism": str(row.mechanism), "downtime_s": float(row.downtime), "bytes": float(row.bytes)}, ts)


def distinct(stream) -> Iterator[Point]:
    """Moves a point that would collide with an earlier one (same measurement, tags, time) by +1 ns."""
    seen = set()
    for measurement, tags, fields, ts in stream:
        key_tags = tuple(sorted((k, _clean_name(v)) for k, v in tags.items() if str(v) != ""))
        while (measurement, key_tags, ts) in seen:
            ts += 1
        seen.add((measurement, key_tags, ts))
        yield measurement, tags, fields, ts


def export(path: str, out: str, every: int = DEFAULT_EVERY, epoch_ns: int = 0) -> Dict[str, int]:
    """Writes the line protocol file; returns the number of points per measurement."""
    counts: Dict[str, int] = {}
    tmp = out + ".tmp"
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            for point in distinct(points(path, every=every, epoch_ns=epoch_ns)):
                line = format_point(point)
                if line is None:
                    continue
                f.write(line + "\n")
                counts[point[0]] = counts.get(point[0], 0) + 1
        os.replace(tmp, out)
    except BaseException:  # a bad run file, a full disk, Ctrl-C: no half-written .tmp left behind
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return counts


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Export a v2xsim run as InfluxDB line protocol.")
    parser.add_argument("run", help="run file (HDF5)")
    parser.add_argument("-o", "--out", help="output file (default: RUN.lp next to the run file)")
    parser.add_argument("--every", type=int, default=DEFAULT_EVERY,
                        help=f"one message in N as a `message` point: seq %% N == 0 (default {DEFAULT_EVERY})")
    parser.add_argument("--epoch", help="wall time of simulated time 0, ISO 8601 (default 1970-01-01T00:00:00Z)")
    args = parser.parse_args(argv)
    out = args.out or os.path.splitext(args.run)[0] + ".lp"
    try:
        epoch_ns = parse_epoch(args.epoch)
        counts = export(args.run, out, every=args.every, epoch_ns=epoch_ns)
    except (FileNotFoundError, v2xh5.SchemaVersionError, KeyError, ValueError, OSError) as e:
        text = str(e)  # h5py's "Unable to open file (file signature not found)" does not name the file
        print(f"export_influx.py: error: {text if args.run in text else args.run + ': ' + text}", file=sys.stderr)
        return 2
    print(f"{out}: " + ", ".join(f"{n} {m}" for m, n in counts.items()) + " points")
    return 0


if __name__ == "__main__":
    sys.exit(main())
