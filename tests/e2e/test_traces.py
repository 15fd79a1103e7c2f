"""A user's own trace: `v2xsim trace info`, and `v2xsim run --trace [--rsu-sites | --rsu-grid]`.

The shared Bologna trace (../shared/data beside the repository, or /work/shared/data) in its three formats
must give the same simulation results; those tests skip, saying why, when the shared data is absent.
"""
import gzip
import math
import os

import h5py
import pytest

BOLOGNA = {
    "fcd": "bologna_pasubio_small.fcd.xy.xml.gz",
    "csv": "bologna_pasubio_small.fcd.xy.csv.gz",
    "ns2": "bologna_pasubio_small.ns2mobility.tcl.gz",
}
JUNCTIONS = "bologna_pasubio_tls_junctions.csv"
# Summary attributes that must not depend on the trace's file format.
SAME = ("vehicles", "rsus", "messages_created", "messages_delivered", "messages_lost", "messages_dropped",
        "messages_not_sent")


@pytest.fixture(scope="session")
def shared(repo):
    for d in (os.path.join(repo, "..", "shared", "data"), "/work/shared/data"):
        if os.path.exists(os.path.join(d, BOLOGNA["fcd"])):
            return os.path.abspath(d)
    pytest.skip("shared Bologna data not found (expected ../shared/data beside the repository)")


def info(run_cli, path, *extra):
    proc = run_cli("trace", "info", path, *extra, check=0)
    out = {}
    for line in proc.stdout.splitlines():
        key, _, value = line.partition(": ")
        out[key] = value
    return out


def summary(path):
    with h5py.File(path, "r") as f:
        return {k: (v.item() if hasattr(v, "item") else v) for k, v in f["summary"].attrs.items()}


def write_gz(path, text):
    with gzip.open(path, "wt") as f:
        f.write(text)


# ---- trace info -------------------------------------------------------------------------------------------

def test_trace_info_bologna_three_formats(run_cli, shared):
    # The shared data's README: 201 vehicles, 37,206 rows, at most 82 at once, t = 600..1199 s at 1 s,
    # bbox x -0.30..1830.97, y -0.63..1341.39.
    for fmt, name in BOLOGNA.items():
        i = info(run_cli, os.path.join(shared, name))
        assert i["vehicles"] == "201", fmt
        assert i["rows"] == "37206", fmt
        assert i["timesteps"] == "600", fmt
        assert i["most at once"].startswith("82 "), fmt
        assert i["time span"] == "600 .. 1199 s (599 s)", fmt
        assert i["step interval"] == "1 .. 1 s", fmt
        assert i["bounding box"].startswith("x -0.30 .. 1830.97 m, y -0.63 .. 1341.39 m"), fmt
        assert "gzip" in i["format"], fmt
        assert i["speed"].startswith("0 .. "), fmt


def test_trace_info_counts_of_a_hand_made_trace(run_cli, tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("time,id,x,y\n0,a,0,0\n0,b,10,-5\n2,a,3,4\n")
    i = info(run_cli, p)
    assert i["format"] == "CSV (plain)"
    assert (i["vehicles"], i["rows"], i["timesteps"]) == ("2", "3", "2")
    assert i["most at once"] == "2 (first at t = 0 s)"
    assert i["mean at once"] == "1.5"
    assert i["bounding box"] == "x 0.00 .. 10.00 m, y -5.00 .. 4.00 m (10.0 x 9.0 m)"
    assert i["speed"].startswith("not in the trace")


def test_trace_info_format_option_and_errors(run_cli, tiny, tmp_path):
    fcd = os.path.join(tiny, "two_cells.fcd.xml")
    assert info(run_cli, fcd, "--format", "fcd")["format"] == "SUMO FCD XML (plain)"
    proc = run_cli("trace", "info", fcd, "--format", "csv", check=2)
    assert "no column" in proc.stderr
    proc = run_cli("trace", "info", fcd, "--format", "gpx", check=2)
    assert "unknown trace format" in proc.stderr
    bad = tmp_path / "bad.xml"
    bad.write_text('<fcd-export>\n<timestep time="2"/>\n<timestep time="1"/>\n</fcd-export>\n')
    proc = run_cli("trace", "info", bad, check=2)
    assert f"{bad}:3" in proc.stderr and "strictly increase" in proc.stderr
    proc = run_cli("trace", "info", tmp_path / "missing.xml", check=2)
    assert "missing.xml" in proc.stderr


# ---- run --trace ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bologna_runs(run_cli, repo, shared, tmp_path_factory):
    """The default scenario on the Bologna trace in each format, RSUs at its 15 signalised junctions."""
    out_dir = tmp_path_factory.mktemp("bologna")
    runs = {}
    for fmt, name in BOLOGNA.items():
        out = out_dir / f"{fmt}.h5"
        proc = run_cli("run", os.path.join(repo, "scenarios", "default.textproto"), "--trace",
                       os.path.join(shared, name), "--rsu-sites", os.path.join(shared, JUNCTIONS),
                       "--set", "duration_s=200", "-o", out, check=0)
        runs[fmt] = (out, proc)
    return runs


def test_bologna_three_formats_same_results(bologna_runs):
    s = {fmt: summary(out) for fmt, (out, _) in bologna_runs.items()}
    fcd = s["fcd"]
    assert fcd["rsus"] == 15
    assert fcd["messages_delivered"] > 0
    # xml2csv's CSV holds every FCD attribute: the same run to the last bit (only wall time and memory differ).
    for key, value in fcd.items():
        if key not in ("wall_s", "peak_rss_kb"):
            assert s["csv"][key] == value, key
    # ns-2 mobility has positions and speeds but no angle and no vehicle type: headings are derived from
    # positions and the type is the default, so CAM sizes (Protobuf varints) differ by a few bytes; counts
    # and outcomes do not, and latencies only by those bytes' transfer times.
    # ns-2 mobility has positions and speeds but no angle and no vehicle type: the type is the default, so buses'
    # CAMs lack their special-vehicle container and their frames are a byte shorter; a frame's airtime, hence
    # the channel's backoff draws after it, then differ, so the radio's outcomes agree statistically, not bit
    # for bit. The same messages are created; deliveries agree within 0.5 % (about 5 standard deviations of the
    # radio's binomial losses here) and latencies within 5 %.
    assert s["ns2"]["messages_created"] == fcd["messages_created"]
    assert s["ns2"]["handovers"] == fcd["handovers"]
    assert math.isclose(s["ns2"]["messages_delivered"], fcd["messages_delivered"], rel_tol=5e-3)
    for key in ("latency_mean_s", "latency_p50_s"):
        assert math.isclose(s["ns2"][key], fcd[key], rel_tol=5e-2), key


def test_bologna_ns2_messages_differ_only_in_size(bologna_runs):
    import numpy as np
    def rows(out):
        with h5py.File(out, "r") as f:
            m = f["messages"][:]
        return m[np.lexsort((m["seq"], m["station"]))]
    a, b = rows(bologna_runs["fcd"][0]), rows(bologna_runs["ns2"][0])
    assert len(a) == len(b)
    assert (a["station"] == b["station"]).all() and (a["seq"] == b["seq"]).all() and (a["rsu"] == b["rsu"]).all()
    diff = a["size_b"].astype(int) - b["size_b"].astype(int)
    # The topic carries the station's name (ns-2 numbers its nodes), a constant difference per station; beyond
    # it only buses' special-vehicle container (6 bits, rounded up with the rest of the CAM) differs.
    for st in np.unique(a["station"]):
        d = diff[a["station"] == st]
        assert d.max() - d.min() <= 1, st


def test_bologna_three_formats_same_handovers_and_migrations(bologna_runs):
    def tables(out):
        with h5py.File(out, "r") as f:
            h = f["handovers"][:]
            m = f["migrations"][:]
            st = f["stations"][:]
            return ([(round(r["time"], 6), int(r["station"]), int(r["from_rsu"]), int(r["to_rsu"])) for r in h],
                    [(int(r["station"]), int(r["from_site"]), int(r["to_site"]), int(r["reason"])) for r in m],
                    [(int(r["station"]), round(r["appeared"], 6)) for r in st])

    fcd = tables(bologna_runs["fcd"][0])
    assert len(fcd[0]) > 0  # vehicles do move between the junction cells
    for fmt in ("csv", "ns2"):
        other = tables(bologna_runs[fmt][0])
        # ns-2 node ids differ from the FCD ids, but vehicles appear in the same order: same station numbers.
        assert other[0] == fcd[0], fmt
        assert other[1] == fcd[1], fmt
        assert other[2] == fcd[2], fmt


def test_bologna_run_records_the_swap(bologna_runs):
    out, proc = bologna_runs["fcd"]
    assert "RSUs: 15 from" in proc.stdout and "replace the scenario's 9" in proc.stdout
    assert "201 vehicles" in proc.stdout
    # The default scenario's MECs are over the same 2 x 1.5 km, but the junctions cluster in its south-west
    # quadrant: 9 of the 15 RSUs attach to mec_sw (of 4), which is worth a warning, and the only one.
    warnings = [l for l in proc.stderr.splitlines() if "warning" in l]
    assert len(warnings) == 1 and "9 of 15 RSUs attach to MEC mec_sw" in warnings[0], proc.stderr
    with h5py.File(out, "r") as f:
        text = f.attrs["scenario_text"]
        text = text.decode() if isinstance(text, bytes) else str(text)
        assert "infrastructure.rsu replaced by 15 RSUs" in text
        assert "--rsu-sites" in str(f.attrs["command_line"])
        names = [n.decode() for n in f["infrastructure/rsus"]["name"]]
        assert names[0] == "junction_0" and len(names) == 15


def test_rsu_grid_over_the_trace(run_cli, repo, shared, tmp_path):
    # Bologna's box is 1831.27 x 1342.02 m: a 500 m grid has ceil(3.66) = 4 columns and ceil(2.68) = 3 rows.
    out = tmp_path / "grid.h5"
    proc = run_cli("run", os.path.join(repo, "scenarios", "default.textproto"), "--trace",
                   os.path.join(shared, BOLOGNA["fcd"]), "--rsu-grid", "500", "--set", "duration_s=20", "-o", out,
                   check=0)
    assert "RSUs: 12 from a grid 500 m apart" in proc.stdout
    with h5py.File(out, "r") as f:
        rsus = f["infrastructure/rsus"][:]
    assert len(rsus) == 12
    xs = sorted({round(float(x), 3) for x in rsus["x"]})
    # centred on x = (-0.30 + 1830.97) / 2 = 915.335: 165.335, 665.335, 1165.335, 1665.335
    assert xs == pytest.approx([165.335, 665.335, 1165.335, 1665.335])
    assert all(r == 480 for r in rsus["radius"])  # the default scenario's cell radius


# ---- a user's trace elsewhere, and bad inputs (no shared data needed) --------------------------------------

def far_trace(path):
    """A short trace in UTM-like metres, thousands of km from the tiny scenario's infrastructure."""
    rows = ["time,id,x,y,speed,angle"]
    for t in range(0, 20):
        rows.append(f"{t},car,{686000 + 10 * t},{4928000},10,90")
        rows.append(f"{t},van,{686500},{4928000 + 8 * t},8,0")
    write_gz(path, "\n".join(rows) + "\n")


def test_far_trace_with_scenario_rsus_warns_no_coverage(run_cli, tiny, tmp_path):
    trace = tmp_path / "far.csv.gz"
    far_trace(trace)
    out = tmp_path / "far.h5"
    # RSU status messages off: every message is a vehicle's, and no vehicle is ever in a cell.
    proc = run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--trace", trace, "--set",
                   "telemetry.rsu_rate_hz=0", "-o", out, check=0)
    assert "no RSU cell reaches the trace's area" in proc.stderr
    s = summary(out)
    assert s["vehicles"] == 2
    assert s["messages_created"] > 0
    assert s["messages_not_sent"] == s["messages_created"]
    assert s["messages_delivered"] == 0


def test_far_trace_with_grid_warns_far_mecs_and_runs(run_cli, tiny, tmp_path):
    trace = tmp_path / "far.csv.gz"
    far_trace(trace)
    out = tmp_path / "grid.h5"
    proc = run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--trace", trace, "--rsu-grid", "400", "-o",
                   out, check=0)
    assert "from every MEC of the scenario" in proc.stderr
    s = summary(out)
    # box 500 x 152 m: ceil(1.25) = 2 columns, 1 row
    assert s["rsus"] == 2
    assert s["messages_delivered"] > 0


def test_bad_sites_file_is_exit_2_naming_file_and_line(run_cli, tiny, tmp_path):
    sites = tmp_path / "sites.csv"
    sites.write_text("id,x,y\nr0,0,0\nr1,12,north\n")
    out = tmp_path / "never.h5"
    proc = run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--rsu-sites", sites, "-o", out, check=2)
    assert f"{sites}:3" in proc.stderr and "not a finite number" in proc.stderr
    assert not out.exists()


def test_sites_clashing_with_a_mec_id_name_the_sites_file(run_cli, tiny, tmp_path):
    # two_cells.textproto has MECs mec0 and mec1: an RSU named mec0 is a duplicate id, on line 3 of the sites file.
    sites = tmp_path / "sites.csv"
    sites.write_text("id,x,y\nfine,0,0\nmec0,10,0\n")
    proc = run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--rsu-sites", sites, "-o",
                   tmp_path / "x.h5", check=2)
    assert f"{sites}:3" in proc.stderr and "already used by the scenario's infrastructure.mec[0]" in proc.stderr


@pytest.mark.parametrize("content, expect", [
    ('<fcd-export>\n<timestep time="1">\n<vehicle id="a" x="1" y="nan"/>\n</timestep>\n</fcd-export>\n',
     ":3"),
    ("time,id,x,y\n0,a,1,1\n0,a,2,2\n", ":3"),
    ("", "empty"),
])
def test_bad_trace_is_exit_2_and_no_output(run_cli, tiny, tmp_path, content, expect):
    trace = tmp_path / "bad.trace"
    trace.write_text(content)
    out = tmp_path / "never.h5"
    proc = run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--trace", trace, "-o", out, check=2)
    assert str(trace) in proc.stderr and expect in proc.stderr
    assert not out.exists() and not out.with_name(out.name + ".partial").exists()


def test_truncated_gz_trace_is_exit_2(run_cli, repo, tiny, tmp_path):
    data = open(os.path.join(repo, "tests", "data", "traces", "bologna_60s.fcd.xml.gz"), "rb").read()
    trace = tmp_path / "cut.fcd.xml.gz"
    trace.write_bytes(data[: len(data) // 2])
    out = tmp_path / "never.h5"
    proc = run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--trace", trace, "-o", out, check=2)
    assert "truncated gzip" in proc.stderr
    assert not out.exists()


def test_trace_option_errors(run_cli, tiny, tmp_path):
    scenario = os.path.join(tiny, "two_cells.textproto")
    proc = run_cli("run", scenario, "--trace", tmp_path / "nope.xml", check=2)
    assert "nope.xml" in proc.stderr
    proc = run_cli("run", scenario, "--trace-format", "gpx", check=2)
    assert "--trace-format" in proc.stderr
    proc = run_cli("run", scenario, "--rsu-grid", "0", check=2)
    assert "--rsu-grid" in proc.stderr
    sites = tmp_path / "s.csv"
    sites.write_text("id,x,y\na,0,0\n")
    proc = run_cli("run", scenario, "--rsu-grid", "100", "--rsu-sites", sites, check=2)
    assert "excludes" in proc.stderr
