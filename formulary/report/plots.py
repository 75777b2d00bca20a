"""The report's generic figures (matplotlib, the ``figures`` extra), written by ``make report``.

* ``<record>.curve.png`` for every record whose candidate is a unary elementwise
  function with a backward pass -- every activation and its derivative, drawn from the
  candidate package itself (a swapped candidate draws its own curves);
* ``summary.status.png``: records by status, per chapter;
* ``summary.accuracy.png``: max ULP against the oracle, candidate and torch side by
  side, per record and input class (from ``conformance.json``).

Claim experiments draw their own figures while the suite runs; this module draws
what no single check owns.  All go through :func:`formulary.figures.save`, so they
are written only where matplotlib is installed, with the same bytes run to run.

    python -m formulary.report.plots reports/     # reads reports/conformance.json
"""

from __future__ import annotations

import inspect
import json
import math
import os
import sys
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from formulary import catalog, figures
from formulary.candidate import Candidate
from formulary.inventory import chapter_title

CURVE_X = np.linspace(-5.0, 5.0, 1001)
STATUS_COLOURS = {"pass": "#1a7f37", "deviation": "#9a6700", "fail": "#cf222e", "error": "#8250df",
                  "not run": "#6e7781"}


@contextmanager
def _writing_to(figures_dir: Path):
    """figures.save writes where FORMULARY_FIGURES says; point it at ``figures_dir`` meanwhile."""
    before = os.environ.get(figures.ENV)
    os.environ[figures.ENV] = str(figures_dir)
    try:
        yield
    finally:
        if before is None:
            del os.environ[figures.ENV]
        else:
            os.environ[figures.ENV] = before


def _required(fn) -> int:
    """How many parameters ``fn`` needs (no default, not *args/**kwargs)."""
    return sum(1 for p in inspect.signature(fn).parameters.values()
               if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))


def curve_name(record_id: str) -> str:
    """``act.gelu/tanh`` -> ``act.gelu-tanh.curve`` (a file name cannot hold '/')."""
    return f"{record_id.replace('/', '-')}.curve"


def unary_curves(candidate: Candidate) -> list[tuple]:
    """(record, f(x), f'(x)) for each record whose candidate is unary, elementwise and has a backward.

    The record's options are those of its first float64 edge sample (``act.gelu/tanh``
    draws the tanh approximation).  The derivative is the backward with an upstream
    gradient of ones.
    """
    out = []
    for r in catalog.records():
        if not (r.candidate and r.backward and r.edges):
            continue
        fn, bwd = candidate.get(r.candidate), candidate.get(r.backward)
        if _required(fn) != 1 or _required(bwd) != 2:
            continue
        first = next(iter(r.edges(np.dtype(np.float64))), None)
        kwargs = dict(first.kwargs) if first is not None else {}
        try:
            y = np.asarray(fn(CURVE_X.copy(), **kwargs))
            dy = np.asarray(bwd(np.ones_like(CURVE_X), CURVE_X.copy(), **kwargs))
        except (ValueError, TypeError):  # not elementwise on a 1-D curve (glu halves its input; rrelu needs noise)
            continue
        if y.shape == CURVE_X.shape and dy.shape == CURVE_X.shape:
            out.append((r, kwargs, y, dy))
    return out


def draw_curves(candidate: Candidate) -> list[Path]:
    paths = []
    for r, kwargs, y, dy in unary_curves(candidate):
        options = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())

        name = r.candidate.rsplit(".", 1)[-1]

        def draw(ax, y=y, dy=dy, name=name):
            ax.plot(CURVE_X, y, label=f"{name}(x)")
            ax.plot(CURVE_X, dy, "--", label=f"{name}′(x) (backward)")
            ax.axhline(0, color="grey", lw=0.5)
            ax.axvline(0, color="grey", lw=0.5)
            ax.set_xlabel("x")
            ax.legend()

        title = f"{r.id}" + (f" ({options})" if options else "") + f" — {candidate.label}"
        paths.append(figures.save(curve_name(r.id), draw, title=title))
    return [p for p in paths if p]


def draw_status(doc: dict) -> Path | None:
    per = {}
    for rec in doc["records"]:
        per.setdefault(chapter_title(rec["chapter"]), Counter())[rec["status"]] += 1
    if not per:
        return None
    titles = list(per)

    def draw(ax):
        left = np.zeros(len(titles))
        for status, colour in STATUS_COLOURS.items():
            n = np.array([per[t][status] for t in titles], float)
            if n.any():
                ax.barh(titles, n, left=left, color=colour, label=status)
                left += n
        ax.invert_yaxis()
        ax.set_xlabel("records")
        ax.legend(loc="lower right")

    return figures.save("summary.status", draw, title="Records by status")


def draw_accuracy(doc: dict) -> Path | None:
    rows = [(f"{r['id']} · {a['class']}", a["candidate_max_ulp"], a["torch_max_ulp"], a["bound_ulp"])
            for r in doc["records"] for a in r["accuracy"]]
    if not rows:
        return None
    cap = 1e16  # an infinite error (wrong infinity, NaN) is drawn at the top of the axis

    def draw(ax):
        ax.figure.set_size_inches(7, 0.22 * len(rows) + 1.2)
        y = np.arange(len(rows))
        mine = [min(c, cap) if not math.isinf(c) else cap for _, c, _, _ in rows]
        theirs = [min(t, cap) if not math.isinf(t) else cap for _, _, t, _ in rows]
        ax.barh(y - 0.2, [m + 1e-3 for m in mine], height=0.4, label="candidate", color="#0969da")
        ax.barh(y + 0.2, [t + 1e-3 for t in theirs], height=0.4, label="torch", color="#bc4c00")
        ax.scatter([b for *_, b in rows], y, marker="|", color="black", s=60, label="bound", zorder=3)
        ax.set_xscale("log")
        ax.set_yticks(y, [label for label, *_ in rows], fontsize=6)
        ax.invert_yaxis()
        ax.set_xlabel("max error (ULP, float64, log scale)")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7)

    return figures.save("summary.accuracy", draw, title="Accuracy against the mpmath oracle")


def write_all(figures_dir, doc: dict | None = None, candidate: str = "impl") -> list[Path]:
    """Every generic figure into ``figures_dir``; the summaries need the conformance ``doc``."""
    with _writing_to(Path(figures_dir)):
        paths = draw_curves(Candidate(candidate))
        if doc is not None:
            paths += [p for p in (draw_status(doc), draw_accuracy(doc)) if p]
    return paths


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m formulary.report.plots REPORTS_DIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    doc_path = out / "conformance.json"
    doc = json.loads(doc_path.read_text(encoding="utf-8")) if doc_path.is_file() else None
    paths = write_all(out / "figures", doc, doc["candidate"] if doc else "impl")
    print(f"wrote {len(paths)} figures to {out / 'figures'}" if paths
          else "no figures written (is matplotlib installed?)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
