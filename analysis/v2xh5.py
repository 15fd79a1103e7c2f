"""Read v2xsim output files (HDF5): the one module through which analysis/ reads them.

The layout is documented in sim/metrics/SCHEMA.md. In short: root attributes hold the run's metadata, every
table is a 1-D compound dataset (one member per column) with `units` and `doc` attributes, and /summary is
a group whose attributes are the run's summary figures.

What this module adds over plain h5py:

- tables come back as pandas DataFrames, with enumeration columns decoded to their names (a Categorical
  whose categories are in value order), fixed-length name columns decoded to str, identifier columns
  (unit ``id``) as nullable ``UInt32`` where the simulator's "none" (4294967295) is ``<NA>``, and ``bool``
  columns as bool;
- the schema version is checked when a file is opened, with an error that says what to do.

Usage::

    import v2xh5
    with v2xh5.open_run("out.h5") as run:
        meta = run.metadata()            # {'schema_version': 1, 'seed': 42, 'policy': 'nearest', ...}
        msgs = run.table("messages")     # DataFrame
        lat = (msgs.processed - msgs.created)[msgs.outcome == "delivered"]
        summary = run.summary()          # {'vehicles': 12, 'latency_p50_s': 0.0123, ...}
        for part in run.iter_table("messages", rows=1_000_000):   # bounded memory for large runs
            ...
"""

from __future__ import annotations

import os
from typing import Dict, Iterator, List, Optional, Sequence

import h5py
import numpy as np
import pandas as pd

__all__ = [
    "SCHEMA_VERSION",
    "NONE_ID",
    "TABLES",
    "SchemaVersionError",
    "Run",
    "open_run",
    "read_metadata",
    "read_table",
    "read_summary",
    "OPTIONAL_TABLES",
]

#: The layout version this module reads (root attribute ``schema_version``).
SCHEMA_VERSION = 1

#: The simulator's "no identifier" value (kNone = 2**32 - 1) in ``id`` columns; read as ``<NA>``.
NONE_ID = 4294967295

#: Every table of a run file, by the name ``table()`` takes (its path in the file without the leading /).
TABLES = (
    "infrastructure/sites",
    "infrastructure/rsus",
    "infrastructure/brokers",
    "stations",
    "messages",
    "handovers",
    "migrations",
    "migration_phases",
    "twins",
    "mecs",
    "channels",
    "faults",
    "continuity",
)

#: Tables that newer simulators write and older files lack (check with ``Run.has_table``): the fault log, the
#: state continuity rows.
#: Readers use them when present and work without them. (/channels, per-RSU radio channel samples, is in every
#: file of this schema; files of older simulators lack it, so readers check for it too.)
OPTIONAL_TABLES = (
    "channels",
    "faults",
    "continuity",
)

_METADATA_STRINGS = (
    "simulator_version",
    "command_line",
    "scenario_name",
    "scenario_text",
    "policy",
    "mechanism",
)


class SchemaVersionError(RuntimeError):
    """The file is not a v2xsim output of the layout version this module reads."""


def _text(value) -> str:
    """An HDF5 string attribute as str (h5py gives str for variable-length, bytes for fixed-length)."""
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8")
    return str(value)


def _python_scalar(value):
    """numpy scalars to int/float/str, so that the dicts we return print and compare plainly."""
    if isinstance(value, (bytes, np.bytes_, str)):
        return _text(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _parse_units(text: str) -> Dict[str, str]:
    """'a:s,b:id' -> {'a': 's', 'b': 'id'}."""
    units: Dict[str, str] = {}
    for pair in filter(None, text.split(",")):
        name, _, unit = pair.partition(":")
        units[name] = unit
    return units


def _decode_column(values: np.ndarray, dtype: np.dtype, unit: str):
    """One column of a compound read, as what goes into the DataFrame."""
    mapping = h5py.check_enum_dtype(dtype)
    if mapping is not None:
        by_value = sorted(mapping.items(), key=lambda item: item[1])
        categories = [name for name, _ in by_value]
        lookup = {value: code for code, (_, value) in enumerate(by_value)}
        codes = np.full(values.shape, -1, dtype=np.int16)  # -1: a value without a name -> NaN
        for value, code in lookup.items():
            codes[values == value] = code
        return pd.Categorical.from_codes(codes, categories=categories)
    if dtype.kind == "S":
        # Fixed-length NUL-padded UTF-8: numpy already drops the trailing NULs.
        return np.char.decode(values, "utf-8").astype(object)
    if unit == "id":
        as_u32 = values.astype(np.uint32, copy=False)
        return pd.arrays.IntegerArray(as_u32, as_u32 == NONE_ID)
    if unit == "bool":
        return values.astype(bool)
    return values


class Run:
    """An open run file. Use as a context manager, or call close()."""

    def __init__(self, path: str | os.PathLike):
        self.path = os.fspath(path)
        if not os.path.exists(self.path):
            partial = self.path + ".partial"
            hint = f" ({partial} exists: the run did not finish)" if os.path.exists(partial) else ""
            raise FileNotFoundError(f"{self.path}: no such v2xsim output{hint}")
        self._file = h5py.File(self.path, "r")
        try:
            self._check_schema()
        except Exception:
            self._file.close()
            raise

    def _check_schema(self) -> None:
        if "schema_version" not in self._file.attrs:
            raise SchemaVersionError(
                f"{self.path}: not a v2xsim output (no root attribute 'schema_version')"
            )
        version = int(self._file.attrs["schema_version"])
        if version != SCHEMA_VERSION:
            raise SchemaVersionError(
                f"{self.path}: schema version {version}, but this analysis/v2xh5.py reads version "
                f"{SCHEMA_VERSION}; use the analysis/ scripts of the v2xsim version that wrote the file "
                f"(simulator_version {_text(self._file.attrs.get('simulator_version', '?'))}) or re-run it"
            )

    # ---- context manager ----

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- metadata and summary ----

    def metadata(self) -> Dict[str, object]:
        """Root attributes: schema_version and seed as int, the others as str."""
        attrs = self._file.attrs
        meta: Dict[str, object] = {
            "schema_version": int(attrs["schema_version"]),
            "seed": int(attrs["seed"]) if "seed" in attrs else None,
        }
        for name in _METADATA_STRINGS:
            meta[name] = _text(attrs[name]) if name in attrs else None
        return meta

    def has_summary(self) -> bool:
        """False when the run stopped before writing its summary."""
        return "summary" in self._file

    def summary(self) -> Dict[str, object]:
        """The /summary figures (name -> int or float), in the simulator's field order."""
        if not self.has_summary():
            raise KeyError(f"{self.path}: no /summary (the run did not finish)")
        attrs = self._file["summary"].attrs
        order = list(_parse_units(_text(attrs["units"]))) if "units" in attrs else sorted(attrs)
        return {name: _python_scalar(attrs[name]) for name in order if name in attrs}

    def summary_units(self) -> Dict[str, str]:
        """Unit of every /summary figure."""
        if not self.has_summary():
            raise KeyError(f"{self.path}: no /summary (the run did not finish)")
        return _parse_units(_text(self._file["summary"].attrs.get("units", "")))

    def warmup_s(self) -> float:
        """The warm-up to leave out of the figures (s): attribute ``warmup_s`` of /summary, else of the root;
        0 when neither has it (files of simulators that have no warm-up)."""
        for attrs in ((self._file["summary"].attrs if self.has_summary() else {}), self._file.attrs):
            if "warmup_s" in attrs:
                value = float(np.asarray(attrs["warmup_s"]).item())
                return value if np.isfinite(value) and value > 0 else 0.0
        return 0.0

    # ---- tables ----

    def has_table(self, name: str) -> bool:
        """True when the file holds that table (e.g. the optional ``channels`` or ``faults``)."""
        key = name.lstrip("/")
        return key in self._file and isinstance(self._file[key], h5py.Dataset)

    def columns(self, name: str) -> List[str]:
        """Column names of a table, in file order."""
        return list(self._dataset(name).dtype.names)

    def has_column(self, name: str, column: str) -> bool:
        """True when the table exists and has that column (e.g. ``messages.cause``, ``mecs.energy_j``)."""
        return self.has_table(name) and column in self._dataset(name).dtype.names

    def attribute(self, name: str, attr: str, default=None):
        """A table's (or group's) attribute as a plain Python value, `default` when absent."""
        key = name.lstrip("/")
        if key not in self._file or attr not in self._file[key].attrs:
            return default
        return _python_scalar(self._file[key].attrs[attr])

    def _dataset(self, name: str) -> h5py.Dataset:
        key = name.lstrip("/")
        if key not in self._file or not isinstance(self._file[key], h5py.Dataset):
            raise KeyError(f"{self.path}: no table '{key}' (tables: {', '.join(TABLES)})")
        return self._file[key]

    def units(self, name: str) -> Dict[str, str]:
        """Column -> unit of a table (units: see SCHEMA.md)."""
        return _parse_units(_text(self._dataset(name).attrs.get("units", "")))

    def doc(self, name: str) -> str:
        """What a row of the table is."""
        return _text(self._dataset(name).attrs.get("doc", ""))

    def rows(self, name: str) -> int:
        """Number of rows of a table, without reading it."""
        return int(self._dataset(name).shape[0])

    def table(
        self,
        name: str,
        columns: Optional[Sequence[str]] = None,
        start: Optional[int] = None,
        stop: Optional[int] = None,
    ) -> pd.DataFrame:
        """Rows [start, stop) of a table as a DataFrame; only the named columns are read when given."""
        dset = self._dataset(name)
        units = self.units(name)
        names: List[str] = list(columns) if columns is not None else list(dset.dtype.names)
        unknown = [c for c in names if c not in dset.dtype.names]
        if unknown:
            raise KeyError(f"{self.path}: table '{name}' has no column {unknown} (columns: {dset.dtype.names})")
        selection = slice(start, stop)
        data = dset.fields(names)[selection] if columns is not None else dset[selection]
        if len(names) == 1 and data.dtype.names is None:
            data = np.rec.fromarrays([data], names=names)  # h5py returns a plain array for one field
        frame = {
            column: _decode_column(data[column], dset.dtype.fields[column][0], units.get(column, ""))
            for column in names
        }
        return pd.DataFrame(frame, index=pd.RangeIndex(len(data)) if len(names) else None)

    def iter_table(
        self, name: str, rows: int = 1_000_000, columns: Optional[Sequence[str]] = None
    ) -> Iterator[pd.DataFrame]:
        """The table in consecutive DataFrames of at most `rows` rows (index continues across parts)."""
        if rows < 1:
            raise ValueError("rows must be at least 1")
        total = self.rows(name)
        for start in range(0, total, rows):
            part = self.table(name, columns=columns, start=start, stop=min(start + rows, total))
            part.index = pd.RangeIndex(start, start + len(part))
            yield part


def open_run(path: str | os.PathLike) -> Run:
    """Opens a run file and checks its schema version (SchemaVersionError when it is not ours)."""
    return Run(path)


def read_metadata(path: str | os.PathLike) -> Dict[str, object]:
    with Run(path) as run:
        return run.metadata()


def read_table(path: str | os.PathLike, name: str, columns: Optional[Sequence[str]] = None) -> pd.DataFrame:
    with Run(path) as run:
        return run.table(name, columns=columns)


def read_summary(path: str | os.PathLike) -> Dict[str, object]:
    with Run(path) as run:
        return run.summary()


def _main(argv: Sequence[str]) -> int:
    """python3 analysis/v2xh5.py RUN.h5: metadata, table sizes and summary of a run file."""
    if len(argv) != 1:
        print("usage: v2xh5.py RUN.h5", flush=True)
        return 2
    with Run(argv[0]) as run:
        for key, value in run.metadata().items():
            if key == "scenario_text":
                value = f"<{len(str(value))} characters>"
            print(f"{key:18} {value}")
        for table in tuple(t for t in TABLES if t not in OPTIONAL_TABLES or run.has_table(t)) + tuple(
                t for t in OPTIONAL_TABLES if run.has_table(t) and t not in TABLES):
            print(f"{'/' + table:26} {run.rows(table):>12} rows")
        if run.has_summary():
            units = run.summary_units()
            for key, value in run.summary().items():
                print(f"{key:22} {value} {units.get(key, '')}")
        else:
            print("no /summary: the run did not finish")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(_main(sys.argv[1:]))
