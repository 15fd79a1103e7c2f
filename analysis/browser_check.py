"""Open an HTML page in headless Chromium and report JavaScript errors and what rendered (used by test_browser.py).

How errors are caught: a copy of the page gets a collector script as the first thing in <head> (before plotly's
JavaScript), which records `window.onerror` events, unhandled promise rejections and `console.error` calls into
an array; a second script at the end of <body> waits for `load` (plus a short delay for plotly's asynchronous
drawing) and writes the array, and a description of every plot div and image (its box in page coordinates,
how many SVG/trace elements it holds, whether the image decoded), as JSON into a <pre id="v2x-probe">.
`chromium --dump-dom` prints the DOM after load and the probe is read back from it. This does not depend on
the format of Chromium's own log; a page whose scripts never ran leaves no probe, which counts as a failure.

The same Chromium run takes a `--screenshot` (the window 6000 px tall; a taller page is shot again at its full
height, from the probe), and the plot boxes are cut out of the PNG to count their coloured pixels.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from typing import Optional

CHROMIUM = "/usr/bin/chromium"

_HEAD = """<script>
window.__v2xErrors = [];
window.addEventListener('error', function (e) {
  window.__v2xErrors.push('error: ' + (e.message || e.type) + ' at ' + (e.filename || '?') + ':' + (e.lineno || 0));
}, true);
window.addEventListener('unhandledrejection', function (e) {
  window.__v2xErrors.push('unhandled rejection: ' + (e.reason && (e.reason.stack || e.reason.message) || e.reason));
});
(function () {
  var original = console.error;
  console.error = function () {
    window.__v2xErrors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
    return original.apply(console, arguments);
  };
})();
</script>"""

_TAIL = """<script>
window.addEventListener('load', function () {
  setTimeout(function () {
    function box(el) {
      var r = el.getBoundingClientRect();
      return {x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height};
    }
    var plots = Array.prototype.map.call(document.querySelectorAll('.plotly-graph-div'), function (el) {
      return {id: el.id, box: box(el), svgs: el.querySelectorAll('svg.main-svg').length,
              traces: el.querySelectorAll('.trace, .hm, image').length,
              loaded: el.classList.contains('js-plotly-plot')};
    });
    var images = Array.prototype.map.call(document.images, function (img) {
      return {alt: img.alt, box: box(img), ok: img.complete && img.naturalWidth > 0};
    });
    var pre = document.createElement('pre');
    pre.id = 'v2x-probe';
    pre.style.display = 'none';
    pre.textContent = JSON.stringify({errors: window.__v2xErrors, plots: plots, images: images,
                                      height: document.documentElement.scrollHeight});
    document.body.appendChild(pre);
  }, 1000);
});
</script>"""


def available() -> bool:
    return os.access(CHROMIUM, os.X_OK)


def instrument(page: str, out_path: str) -> str:
    """A copy of the page with the collector and the probe."""
    text = open(page, encoding="utf-8").read()
    head = re.search(r"<head[^>]*>", text)
    if head is None:
        raise ValueError(f"{page}: no <head>")
    # after <meta charset>, when it comes first, so that the charset stays within the first bytes
    charset = re.match(r"\s*<meta charset=[^>]*>", text[head.end():])
    at = head.end() + (charset.end() if charset else 0)
    text = text[:at] + _HEAD + text[at:]
    end = text.rfind("</body>")
    text = (text[:end] + _TAIL + text[end:]) if end >= 0 else text + _TAIL
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(text)
    return out_path


def _chromium(args, profile: str, timeout: float = 120.0) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
           f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def probe(page: str, work_dir: str, width: int = 1300, height: int = 6000) -> dict:
    """Loads the page once (--dump-dom and --screenshot together); returns the probe (errors, plots, images,
    height) and the screenshot's path. A page taller than the window gets a second, taller screenshot."""
    import html

    os.makedirs(work_dir, exist_ok=True)
    copy = instrument(page, os.path.join(work_dir, "instrumented.html"))
    url = "file://" + os.path.abspath(copy)
    profile = os.path.join(work_dir, "profile")
    shot = os.path.join(work_dir, "page.png")
    proc = _chromium(["--dump-dom", f"--screenshot={shot}", "--virtual-time-budget=20000",
                      f"--window-size={width},{height}", url], profile)
    found = re.search(r'<pre id="v2x-probe"[^>]*>(.*?)</pre>', proc.stdout, re.S)
    if found is None:
        raise AssertionError(f"no probe in the DOM: the page's scripts did not run to the end\n"
                             f"exit {proc.returncode}, stderr:\n{proc.stderr[-3000:]}")
    result = json.loads(html.unescape(found.group(1)))
    if result["height"] > height:
        os.remove(shot) if os.path.exists(shot) else None
        proc = _chromium([f"--screenshot={shot}", "--virtual-time-budget=20000",
                          f"--window-size={width},{int(result['height'])}", url], profile)
    if not os.path.exists(shot):
        raise AssertionError(f"no screenshot: exit {proc.returncode}\n{proc.stderr[-3000:]}")
    result["screenshot"] = shot
    shutil.rmtree(profile, ignore_errors=True)
    return result


def coloured_fraction(png: str, box: dict, margin: int = 2) -> float:
    """Fraction of the pixels in the box that are not white or grey (saturated: the plotted data, not axes)."""
    import matplotlib.image as mpimg
    import numpy as np

    img = mpimg.imread(png)[..., :3]
    y0, y1 = int(box["y"]) + margin, int(box["y"] + box["h"]) - margin
    x0, x1 = int(box["x"]) + margin, int(box["x"] + box["w"]) - margin
    region = img[max(y0, 0):min(y1, img.shape[0]), max(x0, 0):min(x1, img.shape[1])]
    if region.size == 0:
        return 0.0
    spread = region.max(axis=2) - region.min(axis=2)
    return float((spread > 0.15).mean())


def nonwhite_fraction(png: str, box: dict, margin: int = 2) -> float:
    import matplotlib.image as mpimg

    img = mpimg.imread(png)[..., :3]
    y0, y1 = int(box["y"]) + margin, int(box["y"] + box["h"]) - margin
    x0, x1 = int(box["x"]) + margin, int(box["x"] + box["w"]) - margin
    region = img[max(y0, 0):min(y1, img.shape[0]), max(x0, 0):min(x1, img.shape[1])]
    if region.size == 0:
        return 0.0
    return float((region.min(axis=2) < 0.95).mean())


def main(argv: Optional[list] = None) -> int:
    import sys
    import tempfile

    argv = argv if argv is not None else sys.argv[1:]
    with tempfile.TemporaryDirectory() as tmp:
        result = probe(argv[0], tmp)
        for p in result["plots"]:
            p["coloured"] = coloured_fraction(result["screenshot"], p["box"])
        for i in result["images"]:
            i["nonwhite"] = nonwhite_fraction(result["screenshot"], i["box"])
        result.pop("screenshot")
        print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
