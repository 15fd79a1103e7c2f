"""The run dashboard and the sweep report in a real browser (headless Chromium): no JavaScript error, and the
plots drew. Skipped (not passed) when /usr/bin/chromium is absent.

How (browser_check.py): a copy of the page gets an error collector as the first script of <head> (window
`error` events, unhandled rejections, console.error) and a probe at the end of <body> that, after `load`,
writes the errors and each plot's box and SVG/trace counts into the DOM; one Chromium run with --dump-dom and
--screenshot reads the probe back and takes the PNG; each plot's box is cut out of the PNG and must hold
coloured (not white or grey) pixels: data drawn, not just an empty frame.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import browser_check  # noqa: E402
import dashboard  # noqa: E402
import fixture_runs  # noqa: E402
import report  # noqa: E402
from test_compare import INITIAL, COMPLETED, POLICY, ms_range, write_manifest, write_run  # noqa: E402

pytestmark = pytest.mark.skipif(not browser_check.available(), reason="chromium not installed (Debian chromium)")


def test_dashboard_renders_without_errors(tmp_path):
    run = fixture_runs.write(tmp_path / "ext.h5", extended=True, warmup_s=3.0, names=fixture_runs.WEIRD)
    page = dashboard.build(str(run), str(tmp_path))
    result = browser_check.probe(page, str(tmp_path / "chromium"))
    assert result["errors"] == []
    plots = {p["id"]: p for p in result["plots"]}
    # every figure of the page, the channel heat map included (the fixture has /channels)
    assert set(plots) == {"v2x-map", "v2x-timeline", "v2x-traffic", "v2x-mecs", "v2x-channels"}
    for pid, p in plots.items():
        assert p["loaded"] and p["svgs"] >= 1 and p["traces"] >= 1, p
        assert p["box"]["h"] > 100 and p["box"]["w"] > 300, p
        # coloured pixels: the map's markers and cells are the sparsest figure, about 0.7 % of its box; the
        # others are 1.4 % (the time series) to 55 % (the heat map). 0.3 % is far above an empty frame's 0.
        coloured = browser_check.coloured_fraction(result["screenshot"], p["box"])
        assert coloured > 0.003, (pid, coloured)


def test_sweep_report_renders_without_errors(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    records = []
    for policy in ("nearest", "never"):
        for mech in ("sr", "mbb"):
            for seed in (1, 2):
                name = f"{policy}_{mech}_seed{seed}"
                mig = [(INITIAL, COMPLETED, 1.0, 4.5)] + ([(POLICY, COMPLETED, 20.0, 3.0)] if policy == "nearest" else [])
                write_run(runs / f"{name}.h5", ms_range(1, 100, seed), migrations=mig)
                records.append(dict(run=name, policy=policy, mechanism=mech, seed=seed, status="complete"))
    write_manifest(tmp_path / "manifest.csv", records)
    page = report.build(str(tmp_path), str(tmp_path / "report"))
    result = browser_check.probe(page, str(tmp_path / "chromium"))
    assert result["errors"] == []
    images = result["images"]
    assert len(images) == 5
    for img in images:
        assert img["ok"], img  # decoded
        assert img["box"]["w"] > 200 and img["box"]["h"] > 100, img
        assert browser_check.nonwhite_fraction(result["screenshot"], img["box"]) > 0.02, img


def test_the_collector_sees_script_errors(tmp_path):
    """The check itself: a page with an uncaught exception, a failed promise and a console.error reports all three
    (so an empty list above means no error, not a blind collector)."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><p>x</p>'
                    "<script>Promise.reject(new Error('rejected'));</script>"
                    "<script>console.error('logged');</script><script>no_such_function();</script></body></html>")
    errors = browser_check.probe(str(page), str(tmp_path / "chromium"), height=600)["errors"]
    assert any("no_such_function" in e for e in errors), errors
    assert any("rejected" in e for e in errors) and any("logged" in e for e in errors), errors
