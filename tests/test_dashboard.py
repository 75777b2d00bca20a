"""The dashboard (reports/index.html): every chapter of a conformance document is on the page.

The page is rendered from the document's structure alone, so a chapter appears as soon
as its records do; it is one self-contained file (no fetch of any asset) that parses
with balanced tags.  The screenshot check in a real browser is scripts/screenshot.sh.
"""

from __future__ import annotations

import base64
import copy
from html.parser import HTMLParser

import pytest

from formulary.inventory import chapter_title
from formulary.report.html import figure_owner, render_html
from formulary.report.markdown import render as render_markdown
from formulary.report.model import build

# a valid 1×1 PNG: the page embeds figures byte for byte
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGA"
                       "WjR9awAAAABJRU5ErkJggg==")
VOID = {"meta", "img", "br", "hr", "link", "input", "source", "col", "wbr"}


class Page(HTMLParser):
    """Sections, headings, links and sources of a page; raises on an unbalanced tag."""

    def __init__(self, text: str):
        super().__init__()
        self.stack, self.sections, self.h2, self.urls, self.images = [], [], [], [], []
        self._in_h2 = False
        self.feed(text)
        self.close()
        assert not self.stack, f"unclosed tags: {self.stack}"

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "section":
            self.sections.append(a.get("id"))
        if tag == "h2":
            self._in_h2, self.h2 = True, [*self.h2, ""]
        for key in ("href", "src"):
            if key in a:
                self.urls.append(a[key])
        if tag == "img":
            self.images.append(a.get("alt"))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        if self._in_h2:
            self.h2[-1] += data


@pytest.fixture(scope="module")
def doc() -> dict:
    """The conformance document of the whole catalog (no outcomes: every record 'not run')."""
    return build([], candidate="impl", device="cpu", profile="ci")


def with_new_chapter(doc: dict) -> dict:
    """``doc`` plus a record of a chapter that no code knows about, with a guide erratum."""
    out = copy.deepcopy(doc)
    rec = copy.deepcopy(out["records"][0])
    rec.update(id="zz.new/variant", inventory_id="zz.new", chapter="zz", status="fail", equation="a < b & c",
               checks={"forward-float64": {"status": "fail", "message": "expected <1>, got 2"}},
               deviations=[{"summary": "the guide writes 1/2", "reason": "it is 1/3", "source": "guide"},
                           {"summary": "the guide averages", "reason": "torch sums", "source": "guide convention"}],
               findings={"measured": 0.5},
               accuracy=[{"class": "all", "n": 3, "bound_ulp": 4.0, "why": "", "candidate_max_ulp": 0.5,
                          "candidate_mean_ulp": 0.2, "candidate_worst_input": "1.0", "torch_max_ulp": float("inf"),
                          "torch_mean_ulp": float("inf"), "torch_worst_input": "2.0"}])
    out["records"].append(rec)
    return out


def test_every_chapter_of_the_catalog_has_its_section(doc):
    page = Page(render_html(doc))
    titles = {chapter_title(r["chapter"]) for r in doc["records"]}
    assert titles <= set(page.h2), f"chapters without a section: {titles - set(page.h2)}"
    for r in doc["records"]:
        assert f"#r-{r['id']}".replace("/", "-") in page.urls or f"#r-{r['id']}" in page.urls, r["id"]


def test_a_new_chapter_appears_by_itself(doc):
    text = render_html(with_new_chapter(doc))
    page = Page(text)
    assert "chapter-zz" in page.sections and "zz" in page.h2
    assert "a &lt; b &amp; c" in text and "expected &lt;1&gt;, got 2" in text  # escaped, never markup
    assert "the guide writes 1/2" in text.split('id="errata"')[1].split("</section>")[0]
    assert "the guide averages" in text.split('id="conventions"')[1].split("</section>")[0]
    markdown = render_markdown(with_new_chapter(doc))
    assert "the guide averages" in markdown.split("## Conventions of the guide")[1].split("\n## ")[0]
    assert "∞" in text  # torch's infinite ULP error is shown, not dropped


def test_the_page_fetches_nothing(doc, tmp_path):
    (tmp_path / "act.sigmoid.curve.png").write_bytes(PNG)
    page = Page(render_html(doc, tmp_path, tmp_path / "absent.md"))
    fetched = [u for u in page.urls if not u.startswith(("#", "data:image/png;base64,"))]
    assert not fetched, f"the page would fetch {fetched}"


def test_figures_are_embedded_under_their_record(doc, tmp_path):
    for name in ("act.sigmoid.vanishing", "act.sigmoid.curve", "act.gelu-tanh.curve", "summary.status"):
        (tmp_path / f"{name}.png").write_bytes(PNG)
    text = render_html(doc, tmp_path)
    uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert text.count(uri) == 4
    sigmoid = text.split('id="r-act.sigmoid"')[1].split("</details>")[0]
    assert 'alt="act.sigmoid.curve"' in sigmoid and "act.sigmoid.vanishing" not in sigmoid
    assert 'alt="act.gelu-tanh.curve"' in text.split('id="r-act.gelu-tanh"')[1].split("</details>")[0]
    assert 'alt="summary.status"' in text.split('id="figures"')[1]


def test_figure_owner_is_the_longest_matching_record():
    ids = ["act.sigmoid", "act.sigmoid.vanishing", "act.gelu", "act.gelu/tanh"]
    assert figure_owner("act.sigmoid.vanishing", ids) == "act.sigmoid.vanishing"
    assert figure_owner("act.sigmoid.curve", ids) == "act.sigmoid"
    assert figure_owner("act.gelu-tanh.curve", ids) == "act.gelu/tanh"
    assert figure_owner("act.gelu__tanh", ids) == "act.gelu/tanh"
    assert figure_owner("act.sigmoidal", ids) is None  # a prefix must end at a separator
    assert figure_owner("summary.status", ids) is None


def test_speed_mutation_and_peers_sections(doc, tmp_path):
    speed = tmp_path / "SPEED.md"
    speed.write_text("# Speed: impl against torch\n\nMedians.\n\n| benchmark | impl (ms) | impl/torch |\n"
                     "|---|---:|---:|\n| act.sigmoid[1e6] | 3.2 | 1.10 |\n", encoding="utf-8")
    rid = doc["records"][0]["id"]
    extra = dict(doc,
                 mutation={"tool": "mutmut 3.8.1", "targets": ["impl/activations.py"], "tests": "-k act.", "total": 3,
                           "counts": {"killed": 2, "survived": 1}, "killed": 2, "score": 2 / 3,
                           "survived": [{"name": "m_1", "function": "relu", "diff": "-a <= 0\n+a < 0",
                                         "explanation": "equivalent"}]},
                 peers={"onnx_ref": {"peer": "onnx_ref", "package": "onnx", "run": 1, "passed": 0, "failed": 1,
                                     "not_provided": [],
                                         "records": {rid: {"status": "fail", "checks": {"edges": "fail"},
                                                                           "message": "NaN <here>",
                                                                               "forward_only": True}}}})
    text = render_html(extra, None, speed)
    Page(text)
    assert '<td class="n">1.10</td>' in text
    assert "66.7%" in text and "+a &lt; 0" in text
    assert "NaN &lt;here&gt;" in text.split(f'id="r-{rid}"')[1].split("</details>")[0]
    summary = render_markdown(extra).split("## Errata")[0]  # CONFORMANCE.md states them in its summary
    assert "66.7% — 2 of 3 mutants killed; 1 survive, 1 of them explained" in summary
    assert "Peer `onnx_ref` (onnx): passes 0 of the 1 records" in summary
