"""export_influx.py against a real InfluxDB (Debian's influxd 1.6): every exported point must come back.

The test starts `influxd` with a configuration of its own (meta, data and WAL folders in a temporary folder,
HTTP and RPC bound to 127.0.0.1 on free ports, reporting, monitoring and continuous queries off), waits for
/ping, writes the export through /write (urllib), reads every measurement back through /query with epoch=ns
and compares each point, tags, fields and timestamp, with what the exporter produced. Without influxd the
round-trip tests are skipped, not passed. The escaping tests need no server.
"""

import json
import math
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_influx as ex  # noqa: E402
import fixture_runs  # noqa: E402

INFLUXD = shutil.which("influxd") or ("/usr/bin/influxd" if os.access("/usr/bin/influxd", os.X_OK) else None)
V2XSIM = os.environ.get("V2XSIM")
REPO = os.environ.get("V2X_REPO", os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


# ---- escaping, by the line-protocol reference ----


def test_escaping_by_the_reference():
    point = ("cpu load,x", {"host name": "a,b=c d", "empty": ""}, {"field key": 'say "hi" \\o/', "v=1": 2.5,
                                                                    "n": 3, "ok": True, "nan": float("nan")}, 7)
    line = ex.format_point(point)
    # measurement: comma and space escaped; tag key/value and field key: comma, equals, space; the empty tag
    # and the NaN field left out; a string field quoted with " and \ escaped; integers with i
    assert line == ('cpu\\ load\\,x,host\\ name=a\\,b\\=c\\ d field\\ key="say \\"hi\\" \\\\o/",v\\=1=2.5,n=3i,'
                    'ok=true 7')
    assert ex.format_point(("m", {}, {"x": float("inf")}, 1)) is None  # no writable field: no point
    assert ex.escape_key("ends\\") == "ends\\\\ "  # trailing backslash: a space keeps it from escaping the separator
    assert ex.parse_epoch("2024-01-01T00:00:00Z") == 1704067200 * 10**9
    assert ex.parse_epoch(None) == 0


def test_collisions_are_moved_by_one_nanosecond():
    pts = [("m", {"a": "1"}, {"x": 1.0}, 5), ("m", {"a": "1"}, {"x": 2.0}, 5), ("m", {"a": "2"}, {"x": 3.0}, 5)]
    assert [p[3] for p in ex.distinct(pts)] == [5, 6, 5]


def test_message_sample_is_one_in_n(tmp_path):
    path = fixture_runs.write(tmp_path / "r.h5")
    all_msgs = [p for p in ex.points(str(path), every=1) if p[0] == "message"]
    some = [p for p in ex.points(str(path), every=4) if p[0] == "message"]
    assert len(all_msgs) == 80
    assert [p for p in all_msgs if p[2]["seq"] % 4 == 0] == some and len(some) == 20


# ---- the round trip ----


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Influx:
    def __init__(self, base):
        self.base = base
        self.http = _free_port()
        rpc = _free_port()
        self.config = os.path.join(base, "influxdb.conf")
        with open(self.config, "w") as f:
            f.write(f"""reporting-disabled = true
bind-address = "127.0.0.1:{rpc}"
[meta]
  dir = "{base}/meta"
[data]
  dir = "{base}/data"
  wal-dir = "{base}/wal"
  query-log-enabled = false
[coordinator]
  log-queries-after = "0s"
[retention]
  enabled = false
[monitor]
  store-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:{self.http}"
  auth-enabled = false
  log-enabled = false
  max-row-limit = 0
  max-body-size = 0
[continuous_queries]
  enabled = false
""")
        self.log = open(os.path.join(base, "influxd.log"), "w")
        self.proc = subprocess.Popen([INFLUXD, "run", "-config", self.config], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.http}/ping", timeout=1) as r:
                    if r.status == 204:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                raise RuntimeError("influxd did not answer /ping: " + open(self.log.name).read()[-2000:])
            time.sleep(0.05)

    def post(self, path, params, body=b""):
        url = f"http://127.0.0.1:{self.http}{path}?" + urllib.parse.urlencode(params)
        req = urllib.request.Request(url, data=body, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            raise AssertionError(f"{path} {params}: HTTP {e.code}: {e.read().decode()}") from None

    def query(self, db, q):
        status, body = self.post("/query", {"db": db, "q": q, "epoch": "ns"})
        result = json.loads(body)["results"][0]
        assert "error" not in result, result
        return result.get("series", [])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def influx(tmp_path_factory):
    if INFLUXD is None:
        pytest.skip("influxd not installed (Debian package influxdb)")
    server = Influx(str(tmp_path_factory.mktemp("influx")))
    yield server
    server.stop()


def _round_trip(influx, path, db, every, epoch_ns, tmp_path):
    out = tmp_path / f"{db}.lp"
    counts = ex.export(str(path), str(out), every=every, epoch_ns=epoch_ns)
    expected = {}
    for m, tags, fields, ts in ex.distinct(ex.points(str(path), every=every, epoch_ns=epoch_ns)):
        if ex.format_point((m, tags, fields, ts)) is None:
            continue
        keep_tags = {k: ex._clean_name(v) for k, v in tags.items() if str(v) != ""}
        keep_fields = {k: v for k, v in fields.items() if not (isinstance(v, float) and not math.isfinite(v))}
        key = (m, ts, tuple(sorted(keep_tags.items())))
        assert key not in expected
        expected[key] = keep_fields
    assert sum(counts.values()) == len(expected) > 0

    influx.post("/query", {"q": f'CREATE DATABASE "{db}"'})
    lines = out.read_bytes().splitlines(keepends=True)
    for i in range(0, len(lines), 5000):
        status, _ = influx.post("/write", {"db": db, "precision": "ns"}, b"".join(lines[i:i + 5000]))
        assert status == 204

    got = {}
    for measurement, n in counts.items():
        # count: every field key of the measurement counted; the largest is the number of points with it
        series = influx.query(db, f'SELECT * FROM "{measurement}"')
        assert len(series) == 1, series
        columns = series[0]["columns"]
        tag_keys = {t for k in expected if k[0] == measurement for t, _ in k[2]}
        for values in series[0]["values"]:
            row = dict(zip(columns, values))
            ts = row.pop("time")
            tags = tuple(sorted((k, row.pop(k)) for k in list(row) if k in tag_keys and row[k] is not None))
            for k in list(row):
                if k in tag_keys:
                    row.pop(k)
            got[(measurement, ts, tags)] = {k: v for k, v in row.items() if v is not None}
        assert sum(1 for k in got if k[0] == measurement) == n, measurement
    assert set(got) == set(expected)
    for key, fields in expected.items():
        assert got[key] == fields, key
    return counts


def test_round_trip_fixture_with_new_datasets_and_odd_names(influx, tmp_path):
    path = fixture_runs.write(tmp_path / "ext.h5", extended=True, warmup_s=3.0, names=fixture_runs.WEIRD)
    counts = _round_trip(influx, path, "ext", every=3, epoch_ns=ex.parse_epoch("2024-01-01T00:00:00Z"),
                         tmp_path=tmp_path)
    assert counts["channel"] == 40 and counts["twin"] == 40 and counts["mec"] == 60
    names = influx.query("ext", 'SHOW TAG VALUES FROM "twin" WITH KEY = "station"')[0]["values"]
    assert sorted(v for _, v in names) == sorted(fixture_runs.WEIRD)


@pytest.mark.skipif(not V2XSIM, reason="V2XSIM (path of the built v2xsim) not set; ctest sets it")
def test_round_trip_tiny_run(influx, tmp_path):
    path = tmp_path / "tiny.h5"
    scenario = os.path.join(REPO, "scenarios", "tiny", "two_cells.textproto")
    subprocess.run([V2XSIM, "run", scenario, "-o", str(path), "-q"], check=True, timeout=120)
    counts = _round_trip(influx, path, "tiny", every=1, epoch_ns=0, tmp_path=tmp_path)
    assert counts["migration"] >= 1 and counts["message"] > 1000
