"""reports/index.html: the conformance document as one page that opens without a server.

Everything is read from the structure of ``conformance.json`` (schema in
``docs/conformance-schema.md``): a chapter appears as soon as its records do.  Per
record: status, examples, max abs/rel error against the tolerance, ULP against the
oracle for the candidate and torch side by side, known mistakes and what caught them,
deviations with their reasons, errata of the guide, findings of claims with their
figures; the page also carries the speed table (``SPEED.md``), the mutation score
(``mutation.json``) and the peers' pass counts (``peers.json``) when they exist.

Figures are embedded as base64 PNG data URIs, not linked: :func:`render_html` returns
a string that does not know where it will be written, and a page that carries its
figures still shows them when it is moved, attached to a CI run or mailed.  They are
the same bytes as ``reports/figures/*.png`` (deterministic, no timestamps), so the
page is as deterministic as they are.

    python -m formulary.report.html reports/      # writes reports/index.html
"""

from __future__ import annotations

import base64
import json
import math
import re
import sys
from collections import Counter
from html import escape
from pathlib import Path

from formulary.inventory import KIND_NAMES, chapter_title
from formulary.record import SOURCES
from formulary.report import mathml, matrix, with_extras
from formulary.report.markdown import _tol as _tolerances  # the same 'float32: rtol/atol' text as CONFORMANCE.md
from formulary.report.style import CSS

# the page anchor of each source's section, in SOURCES' order
SOURCE_ANCHORS = ("errata", "conventions", "omissions", "extraction", "paper-errors", "deviations")

STATUS_ORDER = ("pass", "deviation", "fail", "error", "not run")
_FIGURE_SEPARATORS = (".", "-", "_", "@", "+")



# -- small pieces -----------------------------------------------------------------------

def _num(x) -> str:
    if x is None or x == "":
        return ""
    if isinstance(x, float):
        if math.isinf(x):
            return "∞" if x > 0 else "−∞"
        return "0" if x == 0 else f"{x:.3g}"
    return escape(str(x))


def _badge(status: str) -> str:
    return f'<span class="badge s-{escape(status.replace(" ", "-"))}">{escape(status)}</span>'


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text)


def _table(head: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    """An HTML table; cells are already HTML.  ``numeric`` columns align right."""
    out = ['<div class="scroll"><table><thead><tr>', *(f"<th>{h}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>"
                                     for i, c in enumerate(row)) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _ulp_bar(value: float, scale: float, cls: str) -> str:
    """A bar whose length is log10(1 + ULP) on a common scale: 1 ULP and 1e13 ULP both show."""
    frac = 1.0 if math.isinf(value) else math.log10(1.0 + value) / scale if scale else 0.0
    return f'<span class="bar {cls}" style="width:{max(frac, 0.0) * 8:.2f}rem"></span>'


# -- figures ------------------------------------------------------------------------------

def figure_owner(stem: str, record_ids: list[str]) -> str | None:
    """The record a figure belongs to: the longest record ID that its name starts with.

    A figure is named after its record (``act.sigmoid.vanishing.png``), optionally with a
    suffix after one of ``. - _ @ +`` (``act.sigmoid.curve.png``); a record ID's ``/``
    may be written as any of those or as ``--``/``__`` (``act.gelu-tanh.curve.png``),
    since a file name cannot hold it.
    """
    best = None
    for rid in record_ids:
        spellings = {rid} | {rid.replace("/", s) for s in (*_FIGURE_SEPARATORS, "--", "__")}
        for sp in spellings:
            if stem == sp or (stem.startswith(sp) and stem[len(sp)] in _FIGURE_SEPARATORS):
                if best is None or len(sp) > best[1]:
                    best = (rid, len(sp))
    return best[0] if best else None


def _load_figures(figures_dir: Path | None, record_ids: list[str]) -> dict[str | None, list[tuple[str, str]]]:
    """record ID (None: no record) -> [(figure name, data URI)], in name order."""
    out: dict[str | None, list[tuple[str, str]]] = {}
    if figures_dir is None or not Path(figures_dir).is_dir():
        return out
    for png in sorted(Path(figures_dir).glob("*.png")):
        uri = "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")
        out.setdefault(figure_owner(png.stem, record_ids), []).append((png.stem, uri))
    return out


def _figures_html(figs: list[tuple[str, str]]) -> str:
    return "".join(f'<figure><img alt="{escape(name)}" src="{uri}"><figcaption>{escape(name)}.png</figcaption></figure>'
                   for name, uri in figs)


# -- Markdown (the speed table) -------------------------------------------------------------

def _inline_md(text: str) -> str:
    text = escape(text)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    return re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", text)


def markdown_blocks(text: str) -> str:
    """The subset of Markdown the report writers emit: headings, paragraphs, lists, pipe tables."""
    out, table, para = [], [], []

    def flush():
        if para:
            out.append(f"<p>{_inline_md(' '.join(para))}</p>")
            para.clear()
        if table:
            rows = [[c.strip() for c in row.strip().strip("|").split("|")] for row in table]
            body = [r for r in rows[1:] if not all(set(c) <= set(":-") for c in r)]
            numeric = {i for i, c in enumerate(table[1].strip().strip("|").split("|")) if c.strip().endswith(":")} \
                if len(table) > 1 else set()
            out.append(_table([_inline_md(c) for c in rows[0]], [[_inline_md(c) for c in r] for r in body], numeric))
            table.clear()

    for line in text.splitlines():
        if line.startswith("|"):
            if para:
                flush()
            table.append(line)
            continue
        if table:
            flush()
        if not line.strip():
            flush()
        elif line.startswith("#"):
            flush()
            level = min(len(line) - len(line.lstrip("#")) + 2, 6)  # below the page's own h2
            out.append(f"<h{level}>{_inline_md(line.lstrip('#').strip())}</h{level}>")
        elif line.startswith(("- ", "* ")):
            flush()
            out.append(f"<ul><li>{_inline_md(line[2:])}</li></ul>")
        else:
            para.append(line.strip())
    flush()
    return "\n".join(out)


# -- sections --------------------------------------------------------------------------------

def _header(doc: dict) -> str:
    v, s = doc["versions"], doc["summary"]
    versions = ", ".join(f"{escape(k)} {escape(str(val))}" for k, val in sorted(v.items()))
    cards = [("records", s["records"]), *((k, n) for k, n in s["by_status"].items()),
             ("mistakes caught", f"{s['mistakes_caught']} / {s['mistakes']}"),
             ("inventory IDs covered", f"{s['inventory_covered']} / {s['inventory_ids']}")]
    mut = doc.get("mutation")
    if mut and mut.get("score") is not None:
        cards.append(("mutation score", f"{100 * mut['score']:.1f}%"))
    for name, p in sorted((doc.get("peers") or {}).items()):
        cards.append((f"peer {name}", f"{p['passed']} / {p['run']} pass"))
    return (f"<h1>Formulary conformance report</h1>"
            f"<p>Candidate <code>{escape(doc['candidate'])}</code> judged against PyTorch "
            f"{escape(v.get('torch', '?'))} on <code>{escape(doc['device'])}</code>; hypothesis profile "
            f"<code>{escape(doc['hypothesis_profile'])}</code>; schema {escape(doc['schema_version'])}.</p>"
            f'<p class="muted">{versions}</p>'
            '<div class="cards">'
                + "".join(f'<div class="card"><b>{escape(str(n))}</b>{escape(k)}</div>' for k, n in cards)
            + "</div>")


def _chapters(doc: dict) -> list[tuple[str, str, list[dict]]]:
    """(anchor, title, records) in the document's order; prefixes sharing a title share a section."""
    groups: dict[str, tuple[str, list[dict]]] = {}
    for r in doc["records"]:
        title = chapter_title(r["chapter"])
        groups.setdefault(title, (f"chapter-{_slug(r['chapter'])}", []))[1].append(r)
    return [(anchor, title, recs) for title, (anchor, recs) in groups.items()]


def _coverage_table(doc: dict) -> str:
    have, missing = Counter(), Counter()
    for ident in {r["inventory_id"] for r in doc["records"]}:
        have[chapter_title(ident.split(".", 1)[0])] += 1
    for ident in doc["missing_inventory_ids"]:
        missing[chapter_title(ident.split(".", 1)[0])] += 1
    statuses = {title: Counter(r["status"] for r in recs) for _, title, recs in _chapters(doc)}
    order = list(statuses)  # the sidebar's and the sections' order; chapters without records last
    rows = []
    for title in sorted(set(have) | set(missing),
                        key=lambda t: (t not in statuses, order.index(t) if t in statuses else 0, t)):
        st = statuses.get(title, Counter())
        rows.append([escape(title), str(have[title]), str(have[title] + missing[title]),
                     " ".join(f"{_badge(k)} {st[k]}" for k in STATUS_ORDER if st[k])
                         or '<span class="muted">no records yet</span>'])
    return _table(["chapter", "IDs covered", "IDs in the guide", "records by status"], rows, {1, 2})


def _worst_ulp(r: dict) -> str:
    """Max ULP over the record's accuracy classes: candidate / torch."""
    if not r["accuracy"]:
        return ""
    mine = max(a["candidate_max_ulp"] for a in r["accuracy"])
    theirs = max(a["torch_max_ulp"] for a in r["accuracy"])
    return f"{_num(mine)} / {_num(theirs)}"


REL_NOTE = ("above rtol, and still within tolerance: an element passes when |got − expected| ≤ atol + rtol·|expected|, "
            "so where the expected value is near zero the absolute tolerance atol decides, and the relative error of "
            "a tiny difference can be 1 or more")


def _rel_err(value, checks: dict, status: str) -> str:
    """The max relative error; marked † (with the reason) when it exceeds rtol on a record that passed."""
    rtols = [tol[0] for c in checks.values() for tol in (c.get("tolerance") or {}).values()]
    text = _num(value)
    if status in ("pass", "deviation") and rtols and isinstance(value, (int, float)) and value > max(rtols):
        return f'{text}<sup class="note" title="{escape(REL_NOTE, quote=True)}">†</sup>'
    return text


def _record_row(r: dict) -> list[str]:
    caught = sum(1 for m in r["mistakes"].values() if m["status"] == "caught")
    return [f'<a href="#r-{_slug(r["id"])}"><code>{escape(r["id"])}</code></a>', escape(r["kind"]), _badge(r["status"]),
            str(r["examples"]), _num(r["max_abs_error"]), _rel_err(r["max_rel_error"], r["checks"], r["status"]),
            escape(_tolerances(r["checks"])),
            _worst_ulp(r), f"{caught}/{len(r['mistakes'])}"]


def _accuracy_table(rows: list[dict]) -> str:
    finite = [x for row in rows for x in (row["candidate_max_ulp"], row["torch_max_ulp"]) if not math.isinf(x)]
    scale = math.log10(1.0 + max(finite, default=1.0)) or 1.0
    body = []
    for row in rows:
        mine, theirs, bound = row["candidate_max_ulp"], row["torch_max_ulp"], row["bound_ulp"]
        over = ' class="over"' if not mine <= bound else ""
        body.append([escape(row["class"]), str(row["n"]),
                     f"{_ulp_bar(mine, scale, 'c')}<span{over}>{_num(mine)}</span>",
                         _num(row.get("candidate_mean_ulp")),
                     f"{_ulp_bar(theirs, scale, 't')}{_num(theirs)}", _num(row.get("torch_mean_ulp")), _num(bound),
                     f"<code>{escape(row.get('candidate_worst_input', ''))}</code>",
                     f"<code>{escape(row.get('torch_worst_input', ''))}</code>", escape(row.get("why", ""))])
    return _table(["input class", "n", "candidate max ULP", "mean", "torch max ULP", "mean", "bound",
                   "candidate's worst input", "torch's worst input", "why the bound"], body, {1, 2, 3, 4, 5, 6})


def _record_details(r: dict, figs: list[tuple[str, str]], peers: dict) -> str:
    opened = " open" if r["status"] in ("fail", "error", "not run") else ""  # what needs a look is shown unfolded
    parts = [f'<details class="record" id="r-{_slug(r["id"])}"{opened}><summary><code>{escape(r["id"])}</code> '
             f'{_badge(r["status"])} <span class="muted">{escape(KIND_NAMES.get(r["kind"], r["kind"]))} · '
             f'{escape(r["section"])}</span></summary>']
    kv = [("equation", mathml.equation(r["equation"], display="inline")),
          ("candidate", f"<code>{escape(r['candidate'] or '(property check)')}</code>"),
          ("reference", f"<code>{escape(r['reference'] or '—')}</code>")]
    if r.get("notes"):
        kv.append(("notes", escape(r["notes"])))
    parts.append('<dl class="kv">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in kv) + "</dl>")
    if r["checks"]:
        rows = [[escape(name), _badge(c["status"]), str(c.get("examples", "")), _num(c.get("max_abs_error")),
                 _rel_err(c.get("max_rel_error"), {name: c}, c["status"]), escape(_tolerances({name: c})),
                 f"<code>{escape(c.get('worst_input', ''))}</code>"] for name, c in r["checks"].items()]
        parts.append("<h3>Checks</h3>" + _table(["check", "status", "examples", "max abs err", "max rel err",
                                                 "tolerance (rtol/atol)", "closest to tolerance"], rows, {2, 3, 4}))
        for name, c in r["checks"].items():
            if c.get("message"):
                parts.append(f"<p><b>{escape(name)}</b>:</p><pre>{escape(c['message'])}</pre>")
    loose = [t for t in r["tolerance_overrides"] if t["reason"]]
    if loose:
        parts.append("<h3>Tolerances loosened</h3><ul>" + "".join(
            f"<li>{escape(t['dtype'])}: rtol {t['rtol']:g}, atol {t['atol']:g} — {escape(t['reason'])}</li>"
                for t in loose) + "</ul>")
    if r["accuracy"]:
        parts.append("<h3>Accuracy against the oracle (float64 and float32 ULP): candidate and torch</h3>"
                     + _accuracy_table(r["accuracy"]))
    if r["mistakes"]:
        rows = [[escape(name), escape(m["description"]), _badge(m["status"]),
                 escape(m.get("caught_by", "") or m.get("message", ""))] for name, m in r["mistakes"].items()]
        parts.append("<h3>Known mistakes</h3>" + _table(["mistake", "what it does", "status", "caught by"], rows))
    if r["deviations"]:
        parts.append("<h3>Deviations</h3><ul>" + "".join(
            f"<li><b>{escape(SOURCES[d['source']].lower())}</b>: "
            f"{escape(d['summary'])}. <i>Why:</i> {escape(d['reason'])}</li>" for d in r["deviations"]) + "</ul>")
    if r["findings"]:
        rows = [[escape(k), _num(v) if isinstance(v, (int, float)) else escape(json.dumps(v, ensure_ascii=False))]
                for k, v in r["findings"].items()]
        parts.append("<h3>Findings</h3>" + _table(["measured", "value"], rows, {1}))
    if figs:
        parts.append("<h3>Figures</h3>" + _figures_html(figs))
    seen = [(name, p["records"][r["id"]]) for name, p in sorted(peers.items()) if r["id"] in p.get("records", {})]
    if seen:
        rows = [[escape(name), _badge(e["status"]),
                 escape(", ".join(c for c, v in e.get("checks", {}).items() if v != "not provided"))
                     + (" (forward only: no backward)" if e.get("forward_only") else ""),
                 f"<pre>{escape(e['message'])}</pre>" if e.get("message") else ""] for name, e in seen]
        parts.append("<h3>Peers</h3>" + _table(["peer", "status", "checks run", "first failure"], rows))
    parts.append("</details>")
    return "".join(parts)


def _chapter_section(anchor: str, title: str, recs: list[dict], figures: dict, peers: dict) -> str:
    head = ["record", "kind", "status", "examples", "max abs err", "max rel err", "tolerance (rtol/atol)",
            "max ULP: candidate / torch", "mistakes caught"]
    parts = [f'<section id="{anchor}"><h2>{escape(title)}</h2>',
             _table(head, [_record_row(r) for r in recs], {3, 4, 5, 7})]
    parts += [_record_details(r, figures.get(r["id"], []), peers) for r in recs]
    parts.append("</section>")
    return "".join(parts)


def _errata_and_deviations(doc: dict) -> str:
    """A section per deviation source: the guide's errata, its conventions, torch's differences."""
    parts = []
    for (source, title), anchor in zip(SOURCES.items(), SOURCE_ANCHORS, strict=True):
        shared: dict[tuple[str, str], list[dict]] = {}  # one deviation, however many records share it
        for r in doc["records"]:
            for d in r["deviations"]:
                if d["source"] == source:
                    shared.setdefault((d["summary"], d["reason"]), []).append(r)
        pairs = list(shared.items())
        items = "".join("<li>"
                        + ", ".join(f'<a href="#r-{_slug(r["id"])}"><code>{escape(r["id"])}</code></a>' for r in recs)
                        + f" — {escape(summary)}. <i>Why:</i> {escape(reason)}</li>" for (summary, reason),
                            recs in pairs)
        parts.append(f'<section id="{anchor}"><h2>{escape(title)}</h2>'
                     + (f"<ul>{items}</ul>" if pairs else "<p>None.</p>")
                     + "</section>")
    return "".join(parts)


def _accuracy_overview(doc: dict) -> str:
    rows = [(r, row) for r in doc["records"] for row in r["accuracy"]]
    if not rows:
        return ""
    finite = [x for _, row in rows for x in (row["candidate_max_ulp"], row["torch_max_ulp"]) if not math.isinf(x)]
    scale = math.log10(1.0 + max(finite, default=1.0)) or 1.0
    body = [[f'<a href="#r-{_slug(r["id"])}"><code>{escape(r["id"])}</code></a>', escape(row["class"]),
             f"{_ulp_bar(row['candidate_max_ulp'], scale, 'c')}{_num(row['candidate_max_ulp'])}",
             f"{_ulp_bar(row['torch_max_ulp'], scale, 't')}{_num(row['torch_max_ulp'])}", _num(row["bound_ulp"])]
            for r, row in rows]
    return ('<section id="accuracy"><h2>Accuracy against the mpmath oracle (float64 and float32 ULP)</h2>'
            "<p>Max error in units of the last place of the true value over each input class, the candidate "
            '(<span class="bar c" style="width:1rem"></span>) and torch (<span class="bar t" '
            'style="width:1rem"></span>) '
            "side by side; bars on a log scale. The candidate must stay within the bound and not be worse than "
            "torch.</p>"
            + _table(["record", "input class", "candidate max ULP", "torch max ULP", "bound"], body, {2, 3, 4})
                + "</section>")


def _speed(speed_md: Path | None) -> str:
    if speed_md is None or not Path(speed_md).is_file():
        return ('<section id="speed"><h2>Speed</h2><p class="muted">No speed table yet: <code>make bench</code> '
                "writes <code>reports/SPEED.md</code>.</p></section>")
    return f'<section id="speed"><h2>Speed</h2>{markdown_blocks(Path(speed_md).read_text(encoding="utf-8"))}</section>'


def _mutation(mut: dict | None) -> str:
    if not mut:
        return ('<section id="mutation"><h2>Mutation testing</h2><p class="muted">Not run: <code>make mutation</code> '
                "writes <code>reports/mutation.json</code>.</p></section>")
    counts = ", ".join(f"{n} {escape(k)}" for k, n in sorted(mut.get("counts", {}).items()))
    parts = ['<section id="mutation"><h2>Mutation testing: the suite\'s own sharpness</h2>',
             f"<p>{escape(mut.get('tool', ''))} over <code>{escape(', '.join(mut.get('targets', [])))}</code>, judged "
             f"by "
             f"<code>{escape(mut.get('tests', ''))}</code>: score <b>{100 * mut['score']:.1f}%</b> — {mut['killed']} "
             f"of "
             f"{mut['total']} mutants killed ({counts}). {_told(mut)}</p>"]
    chapters = mut.get("chapters") or {}
    if chapters:
        rows = [[escape(name), f"<code>{escape(', '.join(c['targets']))}</code>", str(c["total"]), str(c["killed"]),
                 str(len(c["survived"])), str(sum(1 for m in c["survived"] if m.get("explanation"))),
                 str(c.get("counts", {}).get("not checked", 0)), f"{100 * c['score']:.1f}%"]
                for name, c in chapters.items()]
        parts.append("<p>Per chapter (<code>scripts/mutation.py --chapter NAME</code>; the score is over the mutants "
                     "run, and a run cut short says how many it did not reach):</p>"
                     + _table(["chapter", "mutated", "mutants", "killed", "survived", "explained", "not run", "score"],
                              rows, {2, 3, 4, 5, 6, 7}))
    for m in mut["survived"]:
        note = f"<p><i>{escape(m['explanation'])}</i></p>" if m.get("explanation") else ""
        badge = _badge("explained") if m.get("explanation") else _badge("survived")  # explained: not a failure
        parts.append(f"<details><summary>{badge} <code>{escape(m['name'])}</code></summary>{note}"
                     f"<pre>{escape(m['diff'])}</pre></details>")
    return "".join(parts) + "</section>"


def _told(mut: dict) -> str:
    untold = sum(1 for m in mut["survived"] if not m.get("explanation"))
    if not untold:
        return "Each survivor below is either equivalent to the original or names the check that would kill it."
    return (f"{untold} of the {len(mut['survived'])} survivors are not explained yet; each explained one is either "
            "equivalent to the original or names the check that would kill it.")


def _peers(peers: dict) -> str:
    if not peers:
        return ('<section id="peers"><h2>Peer implementations</h2><p class="muted">Not run: '
                "<code>python -m formulary.peers reports/peers.json</code> writes them.</p></section>")
    rows = []
    for name, p in sorted(peers.items()):
        rows.append([f"<code>{escape(name)}</code>", escape(p.get("package", "")), str(p["run"]), str(p["passed"]),
                     str(p["failed"]), escape(", ".join(p.get("not_provided", [])) or "—")])
    return ('<section id="peers"><h2>Peer implementations</h2>'
            "<p>The records run against other libraries through adapters with impl's names "
            "(<code>formulary.peers</code>): only the records whose names a peer provides, and only the value "
            "checks (not impl's own argument validation).</p>"
            + _table(["peer", "package", "records run", "passed", "failed", "records it cannot express"], rows,
                     {2, 3, 4})
            + "</section>")


def _failures(doc: dict) -> str:
    bad = [(r, name, c.get("message", c["status"])) for r in doc["records"] for name, c in r["checks"].items()
           if c["status"] != "pass"]
    bad += [(r, f"mistake:{n}", m.get("message", m["status"])) for r in doc["records"]
            for n, m in r["mistakes"].items() if m["status"] != "caught"]
    bad += [(r, "(record)", "no check ran") for r in doc["records"] if r["status"] == "not run"]
    if not bad:
        return ""
    return ('<section id="failures"><h2>Failures</h2>' + "".join(
        f'<h3><a href="#r-{_slug(r["id"])}"><code>{escape(r["id"])}</code></a> — '
        f'{escape(name)}</h3><pre>{escape(msg)}</pre>'
        for r, name, msg in bad) + "</section>")


def render_html(doc: dict, figures_dir: Path | None = None, speed_md: Path | None = None) -> str:
    """The whole page for one conformance document (``doc`` may carry ``mutation`` and ``peers``)."""
    chapters = _chapters(doc)
    figures = _load_figures(figures_dir, [r["id"] for r in doc["records"]])
    peers = doc.get("peers") or {}
    nav = ['<nav><b>Formulary</b>', '<a href="#summary">Summary</a>',
           *(f'<a href="#{a}">{escape(t)}</a>' for a, t in zip(SOURCE_ANCHORS, SOURCES.values(), strict=True))]
    nav += [f'<a href="#{a}">{escape(t)} <span class="muted">({len(recs)})</span></a>' for a, t, recs in chapters]
    nav += ['<a href="#accuracy">Accuracy</a>', '<a href="#speed">Speed</a>', '<a href="#peers">Peers</a>',
            '<a href="#matrix">Matrix</a>',
            '<a href="#mutation">Mutation</a>']
    if figures.get(None):
        nav.append('<a href="#figures">Other figures</a>')
    nav.append("</nav>")
    body = [_header(doc), '<section id="summary"><h2>Summary</h2>', _coverage_table(doc),
            f'<p class="muted"><b>Reading the tables.</b> Errors are the largest over every example run; '
            f"a <sup>†</sup> beside a max rel err means it is {escape(REL_NOTE)}.</p>"]
    if doc["missing_inventory_ids"]:
        body.append("<p>Not yet covered: "
                    + ", ".join(f"<code>{escape(i)}</code>" for i in doc["missing_inventory_ids"]) + "</p>")
    body.append("</section>")
    body.append(_errata_and_deviations(doc))
    body += [_chapter_section(a, t, recs, figures, peers) for a, t, recs in chapters]
    body += [_accuracy_overview(doc), _speed(speed_md), _peers(peers), matrix.html(doc, _slug),
             _mutation(doc.get("mutation"))]
    if figures.get(None):
        body.append(f'<section id="figures"><h2>Other figures</h2>{_figures_html(figures[None])}</section>')
    body.append(_failures(doc))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Formulary conformance — {escape(doc['candidate'])}</title><style>{CSS}</style></head>"
            f"<body>{''.join(nav)}<main>{''.join(body)}</main></body></html>\n")


def write_index(out_dir) -> Path:
    """Write ``<out_dir>/index.html`` from what ``formulary report`` and friends left there."""
    out = Path(out_dir)
    doc = with_extras(json.loads((out / "conformance.json").read_text(encoding="utf-8")), out)
    page = out / "index.html"
    page.write_text(render_html(doc, out / "figures", out / "SPEED.md"), encoding="utf-8")
    return page


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m formulary.report.html REPORTS_DIR", file=sys.stderr)
        return 2
    print(f"wrote {write_index(argv[0])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
