"""`v2xsim dashboard` and `v2xsim export --influx` on a tiny run: they run analysis/dashboard.py and
analysis/export_influx.py with /usr/bin/python3; a missing script is an input error (exit 2)."""
import json
import os
import re

import pytest


@pytest.fixture(scope="module")
def tiny_run(run_cli, tiny, tmp_path_factory):
    out = tmp_path_factory.mktemp("dash") / "two_cells.h5"
    run_cli("run", os.path.join(tiny, "two_cells.textproto"), "-o", out, "-q", check=0)
    return out


def test_dashboard_writes_one_offline_page(run_cli, tiny_run, tmp_path):
    proc = run_cli("dashboard", tiny_run, "-o", tmp_path / "d", check=0)
    page = tmp_path / "d" / "two_cells.html"
    assert proc.stdout.strip() == str(page)
    text = page.read_text(encoding="utf-8")
    # self-contained: plotly inlined, no script or stylesheet fetched from elsewhere
    assert "plotly.js v" in text[:20000]
    markup = re.sub(r"(<script[^>]*>).*?</script>", r"\1</script>", text, flags=re.S)  # the page without its scripts
    assert "<script" in markup and not re.search(r"<script[^>]+src=", markup) and "<link" not in markup
    figures = json.loads(re.search(r'<script type="application/json" id="v2x-figures">(.*?)</script>', text,
                                   re.S).group(1))
    # scenarios/tiny/README.md: exactly one migration, veh0's
    assert figures["migrations_per_twin"]["veh0"] == 1 and figures["migrations_per_twin"]["veh1"] == 0


def test_export_influx_writes_line_protocol(run_cli, tiny_run, tmp_path):
    out = tmp_path / "t.lp"
    proc = run_cli("export", "--influx", tiny_run, "-o", out, "--every", 5, check=0)
    assert str(out) in proc.stdout
    lines = out.read_text().splitlines()
    measurements = {line.split(",", 1)[0].split(" ", 1)[0] for line in lines}
    assert {"twin", "mec", "message", "migration"} <= measurements
    for line in lines:
        assert re.fullmatch(r"\S+ \S.* -?\d+", line), line
    # --every 5: only messages whose seq is a multiple of 5
    seqs = [int(m.group(1)) for m in (re.search(r"seq=(\d+)i", line) for line in lines) if m]
    assert seqs and all(s % 5 == 0 for s in seqs)


def test_missing_script_is_an_input_error(v2xsim, tiny_run, tmp_path):
    import subprocess

    env = dict(os.environ, V2X_ANALYSIS_DIR=str(tmp_path))
    for args in (["dashboard", str(tiny_run)], ["export", "--influx", str(tiny_run)]):
        proc = subprocess.run([v2xsim, *args], capture_output=True, text=True, env=env, timeout=60)
        assert proc.returncode == 2, proc.stderr
        assert "not found" in proc.stderr and str(tmp_path) in proc.stderr


def test_missing_run_file_is_an_input_error(run_cli, tmp_path):
    proc = run_cli("dashboard", tmp_path / "none.h5", check=2)
    assert "no such run file" in proc.stderr
    proc = run_cli("export", "--influx", tmp_path / "none.h5", check=2)
    assert "no such run file" in proc.stderr
