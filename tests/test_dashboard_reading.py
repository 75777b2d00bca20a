"""The dashboard reads better than the markdown (issue 19): equations as MathML, relative
errors above rtol explained, explained mutants not dressed as failures, a shared deviation
listed once, one chapter order everywhere, a layout for narrow screens."""

from __future__ import annotations

import copy
import re

import pytest

from formulary.report.html import render_html
from formulary.report.model import build
from formulary.report.style import CSS


@pytest.fixture(scope="module")
def doc() -> dict:
    return build([], candidate="impl", device="cpu", profile="ci")


def test_every_equation_is_mathml_not_raw_latex(doc):
    page = render_html(doc)
    with_eq = [r for r in doc["records"] if r["equation"]]
    assert page.count('<math alttext="') == len(with_eq)
    assert not re.search(r"<code>[^<]*\\(frac|sigma|sum|operatorname)", page), "LaTeX left as code"
    assert "<script" not in page  # self-contained and script-free


def test_a_relative_error_above_rtol_on_a_pass_is_explained(doc):
    d = copy.deepcopy(doc)
    r = d["records"][0]
    r.update(status="pass", max_rel_error=4.84, max_abs_error=3e-6,
             checks={"forward-float32": {"status": "pass", "examples": 25, "max_abs_error": 3e-6, "max_rel_error": 4.84,
                                         "tolerance": {"float32": [1.3e-6, 1e-5]}}})
    page = render_html(d)
    # the record's row in its chapter table (its link also appears in the sections that list deviations)
    link = f'<td><a href="#r-{r["id"]}">'
    row = page[page.index(link):]
    row = row[: row.index("</tr>")]
    assert "4.84<sup" in row and "atol decides" in row
    assert "Reading the tables" in page


def test_explained_mutation_survivors_do_not_look_like_failures(doc):
    d = copy.deepcopy(doc)
    d["mutation"] = {"tool": "mutmut", "targets": ["impl"], "tests": "t", "score": 0.9, "killed": 9, "total": 10,
                     "counts": {}, "survived": [
                         {"name": "a.b__mutmut_1", "diff": "-x\n+y", "explanation": "equivalent"},
                         {"name": "a.b__mutmut_2", "diff": "-x\n+z"}]}
    section = render_html(d).split('<section id="mutation">')[1].split("</section>")[0]
    assert section.count("s-explained") == 1 and section.count("s-survived") == 1
    assert ".s-explained { background: #57606a; }" in CSS  # grey, not the failure red


def test_a_deviation_shared_by_several_records_appears_once(doc):
    d = copy.deepcopy(doc)
    dev = {"summary": "torch rounds differently", "reason": "a shared reason", "source": "torch"}
    for r in d["records"][:3]:
        r["deviations"] = [dev]
    section = render_html(d).split('<section id="deviations">')[1].split("</section>")[0]
    assert section.count("torch rounds differently") == 1
    assert all(f'href="#r-{r["id"]}"' in section for r in d["records"][:3])


def test_the_chapter_order_is_the_same_in_the_sidebar_the_summary_and_the_sections(doc):
    page = render_html(doc)
    nav = re.findall(r'<a href="#(chapter-[^"]+)">([^<]+) <span', page.split("</nav>")[0])
    titles = [t.strip() for _, t in nav]
    sections = re.findall(r'<section id="chapter-[^"]+"><h2>([^<]+)</h2>', page)
    summary = page.split('<section id="summary">')[1].split("</table>")[0]
    rows = [t for t in re.findall(r"<tr><td>([^<]+)</td>", summary) if t in titles]
    assert titles == sections == rows


def test_the_layout_has_a_narrow_screen_form():
    assert "@media (max-width: 700px)" in CSS and ".scroll { overflow-x: auto" in CSS
