"""One HTML page for a sweep: the comparison table and the four plots, self-contained (images inline).

    /usr/bin/python3 analysis/report.py out/sweeps/compare_policies [--out DIR]

runs compare.py's analysis (tables and PNGs into DIR, default `<sweep>/report`) and writes `DIR/report.html`.
`make report` runs the shipped sweep and then this.
"""

from __future__ import annotations

import argparse
import base64
import html
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
"""

_PLOTS = (
    ("latency_cdf", "Latency CDF per policy"),
    ("downtime", "Downtime distribution"),
    ("migrations_over_time", "Migrations over time"),
    ("mec_load", "MEC load over time"),
)


def _image(path: str) -> str:
    with open(path, "rb") as f:
        return "data:image/png;base64," + base64.b64encode(f.read()).decode("ascii")


def render(cmp: compare.Comparison, paths: dict, title: str) -> str:
    """The page as a string."""
    rows = compare.table_cells(cmp)
    keys = len(cmp.group_columns)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="note">{len(cmp.runs)} complete run(s) in {len(cmp.table)} group(s). Each cell: mean over '
        "seeds ± half-width of the 95 % confidence interval (Student t, n − 1 degrees of freedom). Definitions: "
        "analysis/compare.py.</p>",
        "<table><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in rows[0]) + "</tr></thead><tbody>",
    ]
    for r in rows[1:]:
        cells = [
            f'<td class="key">{html.escape(c)}</td>' if i < keys else f"<td>{html.escape(c)}</td>"
            for i, c in enumerate(r)
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    if len(cmp.failed):
        out.append("<h2>Runs left out</h2><ul>")
        for _, r in cmp.failed.iterrows():
            error = r.get("error", "")
            out.append(f"<li>{html.escape(r['run'])}: {html.escape(r['status'])} {html.escape(str(error))}</li>")
        out.append("</ul>")
    out.append('<h2>Plots</h2><div class="plots">')
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
