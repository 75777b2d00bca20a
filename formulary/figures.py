"""Figures for the report (matplotlib, an optional extra).

Claim experiments and the accuracy plots call :func:`save`.  Figures are written only
when a report is being made (``formulary report`` sets ``FORMULARY_FIGURES`` to
``reports/figures``) and matplotlib is installed; otherwise ``save`` does nothing and
says so by returning None.  Never a reason for a check to pass or fail.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

ENV = "FORMULARY_FIGURES"


def enabled() -> bool:
    if not os.environ.get(ENV):
        return False
    try:
        import matplotlib  # noqa: F401, PLC0415 -- optional (the figures extra): probed, not required
    except ImportError:
        return False
    return True


def save(name: str, draw: Callable, *, title: str = "") -> Path | None:
    """Call ``draw(ax)`` on a fresh axes and write ``<dir>/<name>.png``; return the path."""
    if not enabled():
        return None
    import matplotlib  # noqa: PLC0415 -- optional, and only a report run draws

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415 -- after use("Agg"), which must come first

    out = Path(os.environ[ENV])
    out.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    draw(ax)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    path = out / f"{name}.png"
    fig.savefig(path, metadata={"Software": None})  # no version stamp: same bytes run to run
    plt.close(fig)
    return path
