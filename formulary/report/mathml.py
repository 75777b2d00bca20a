"""Equations for the dashboard: the catalog's LaTeX as MathML, which browsers render natively.

MathML keeps the page self-contained and script-free (no MathJax, no fonts to fetch):
Chromium (109+), Firefox and Safari draw ``<math>`` themselves.  The conversion is
latex2mathml's; the LaTeX source stays on the element as ``alttext`` (screen readers,
copying) and in a tooltip.  An equation the converter cannot read is shown as its
LaTeX source in ``<code>``, never dropped.
"""

from __future__ import annotations

from html import escape

from latex2mathml.converter import convert


def equation(latex: str, display: str = "block") -> str:
    """``latex`` as a ``<math>`` element (HTML), or as ``<code>`` if it cannot be converted."""
    if not latex:
        return ""
    try:
        math = convert(latex, display=display)
    except Exception:  # the converter's errors have no common type; the source is still worth showing
        return f"<code>{escape(latex)}</code>"
    if "<merror" in math:
        return f"<code>{escape(latex)}</code>"
    attrs = f' alttext="{escape(latex, quote=True)}" title="{escape(latex, quote=True)}"'
    return math.replace("<math ", f"<math{attrs} ", 1)
