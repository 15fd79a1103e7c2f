"""One HTML page for a sweep: grid views, the comparison table, losses by cause and the plots, self-contained
(images inline, no script).

- a **grid view** per headline figure (compare.HEADLINE): policies down, mechanisms across, each cell the mean
  over seeds ± its 95 % interval, shaded from the best (light) to the worst (dark) mean of the grid;
- the full table (every figure, energy and faults when the runs have them);
- messages not delivered by cause (by outcome when the files have no `cause`), % of created;
- latency, downtime and age-of-information distributions, migrations and MEC load over time, one panel per
  mechanism, coinciding curves marked `(= first)`.

    /usr/bin/python3 analysis/report.py out/sweeps/compare_policies [--out DIR]

runs compare.py's analysis (tables and PNGs into DIR, default `<sweep>/report`) and writes `DIR/report.html`.
`make report` runs the shipped sweep and then this.
"""

from __future__ import annotations

import argparse
import base64
import html
import math
import os
import sys
from typing import Optional, Sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402

_STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.5em; text-align: right; }
th { background: #eee; }
td.key { text-align: left; font-weight: bold; }
.plots { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
.plots img { width: 100%; border: 1px solid #ddd; }
.note { color: #555; font-size: 0.9em; }
.grids { display: grid; grid-template-columns: 1fr 1fr; gap: 1em 2em; }
.grids table td { min-width: 6em; }
"""

_PLOTS = (
    ("latency_cdf", "Latency CDF per policy"),
    ("downtime", "Downtime distribution"),
    ("aoi", "Age of information distribution"),
    ("migrations_over_time", "Migrations over time"),
    ("mec_load", "MEC load over time"),
)


def _image(path: str) -> str:
    with open(path, "rb") as f:
        return "data:image/png;base64," + base64.b64encode(f.read()).decode("ascii")


def _shade(value: float, lo: float, hi: float) -> str:
    """Background of a grid cell: white (lo) to a mid blue (hi)."""
    if not (math.isfinite(value) and math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return "#ffffff"
    f = (value - lo) / (hi - lo)
    r, g, b = (int(round(255 + (t - 255) * f * 0.6)) for t in (70, 130, 180))
    return f"#{r:02x}{g:02x}{b:02x}"


def grid_views(cmp: compare.Comparison) -> str:
    """One grid (policy rows x mechanism columns) per headline figure."""
    if not compare.grid_axes(cmp) or not len(cmp.table):
        return ""
    out = ['<h2>Grid views</h2><p class="note">Rows: ' + html.escape(" / ".join(compare.grid_axes(cmp)[0]))
           + "; columns: mechanism. Shading from the smallest (white) to the largest mean of each grid.</p>",
           '<div class="grids">']
    for key, heading, unit in cmp.figures:
        if not compare.is_headline(key):
            continue
        rows, cols, cells = compare.grid(cmp, key)
        means = [m for m, _ in cells.values() if math.isfinite(m)]
        lo, hi = (min(means), max(means)) if means else (float("nan"), float("nan"))
        t = [f'<div><h3>{html.escape(heading)} ({html.escape(unit)})</h3><table class="grid" data-figure="{key}">'
             "<thead><tr><th></th>" + "".join(f"<th>{html.escape(c)}</th>" for c in cols) + "</tr></thead><tbody>"]
        for r in rows:
            tds = []
            for c in cols:
                mean, half = cells.get((r, c), (float("nan"), float("nan")))
                tds.append(f'<td style="background:{_shade(mean, lo, hi)}">'
                           f"{html.escape(compare.format_mean_ci(mean, half))}</td>")
            t.append(f'<tr><td class="key">{html.escape(r)}</td>' + "".join(tds) + "</tr>")
        t.append("</tbody></table></div>")
        out.append("".join(t))
    out.append("</div>")
    return "\n".join(out)


def loss_table(cmp: compare.Comparison) -> str:
    if cmp.loss is None or not len(cmp.loss):
        return ""
    causes = sorted({c.rsplit("_", 1)[0] for c in cmp.loss.columns})
    what = "cause (/messages.cause)" if cmp.loss_by == "cause" else "outcome (the files have no /messages.cause)"
    out = [f"<h2>Messages not delivered, by {html.escape(what)}</h2>",
           '<p class="note">% of the messages created; mean over seeds ± 95 % interval.</p>',
           "<table><thead><tr><th>group</th>" + "".join(f"<th>{html.escape(c)}</th>" for c in causes)
           + "</tr></thead><tbody>"]
    for group, row in cmp.loss.iterrows():
        cells = "".join(f"<td>{html.escape(compare.format_mean_ci(row.get(f'{c}_mean', float('nan')), row.get(f'{c}_ci95', float('nan'))))}</td>"
                        for c in causes)
        out.append(f'<tr><td class="key">{html.escape(str(group))}</td>{cells}</tr>')
    out.append("</tbody></table>")
    return "\n".join(out)


def render(cmp: compare.Comparison, paths: dict, title: str) -> str:
    """The page as a string."""
    rows = compare.table_cells(cmp)
    keys = len(cmp.group_columns)
    warmups = [w for w in cmp.warmup_s if w > 0]
    warm = (f"Warm-up left out: the first {', '.join(f'{w:g}' for w in warmups)} s of each run (the runs' "
            "<code>warmup_s</code>). " if warmups else "")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="note">{len(cmp.runs)} complete run(s) in {len(cmp.table)} group(s). Each cell: mean over '
        "seeds ± half-width of the 95 % confidence interval (Student t, n − 1 degrees of freedom), rounded to the "
        "interval's first significant digit; <i>(exact)</i>: every seed gave the same value. " + warm
        + "Definitions: analysis/compare.py.</p>",
        grid_views(cmp),
        "<h2>All figures</h2>",
        "<table><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in rows[0]) + "</tr></thead><tbody>",
    ]
    for r in rows[1:]:
        cells = [
            f'<td class="key">{html.escape(c)}</td>' if i < keys else f"<td>{html.escape(c)}</td>"
            for i, c in enumerate(r)
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    out.append(loss_table(cmp))
    if len(cmp.failed):
        out.append("<h2>Runs left out</h2><ul>")
        for _, r in cmp.failed.iterrows():
            error = r.get("error", "")
            out.append(f"<li>{html.escape(r['run'])}: {html.escape(r['status'])} {html.escape(str(error))}</li>")
        out.append("</ul>")
    out.append('<h2>Plots</h2><p class="note">One panel per mechanism when the sweep varies it. A curve equal to '
               "an earlier one of its panel is dashed and named <i>(= that group)</i> in the legend.</p>"
               '<div class="plots">')
    for key, caption in _PLOTS:
        if key in paths:
            out.append(f'<figure><img src="{_image(paths[key])}" alt="{html.escape(caption)}">'
                       f"<figcaption>{html.escape(caption)}</figcaption></figure>")
    out.append("</div>")
    out.append('<p class="note">Tables: table.csv, table.md, runs.csv next to this page.</p></body></html>')
    return "\n".join(out) + "\n"


def build(sweep_dir: str, out_dir: Optional[str] = None) -> str:
    """Analyses the sweep, writes tables, plots and report.html; returns the page's path."""
    out_dir = out_dir or os.path.join(sweep_dir, "report")
    cmp = compare.compare(sweep_dir)
    paths = compare.write_outputs(cmp, out_dir)
    page = os.path.join(out_dir, "report.html")
    title = f"v2xsim sweep {os.path.basename(os.path.normpath(sweep_dir))}"
    with open(page, "w", encoding="utf-8") as f:
        f.write(render(cmp, paths, title))
    return page


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="HTML report of a v2xsim sweep (table and plots).")
    parser.add_argument("sweep_dir", help="output folder of `v2xsim sweep`")
    parser.add_argument("--out", help="where to write (default: SWEEP_DIR/report)")
    args = parser.parse_args(argv)
    page = build(args.sweep_dir, args.out)
    print(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
