"""The conformance matrix: frameworks × records, and the frameworks' accuracy columns.

Read from ``peers.json`` (``make peers``), joined with the conformance document: every
record of the catalog is a row, every peer a column, each cell pass / deviation / fail /
not provided, a deviation or failure linking to its triage (docs/peers-triage.md), and a
summary line per framework.  Rendered for CONFORMANCE.md (:func:`markdown`) and the
dashboard (:func:`html`); ``markdown.py`` and ``html.py`` only call these.
"""

from __future__ import annotations

from html import escape

from formulary.peers.triage import DOC

NAMES = {"jax": "JAX", "tensorflow": "TensorFlow/Keras", "numpy_ml": "numpy-ml", "onnx_ref": "ONNX reference"}
NP = "not provided"


def _order(peers: dict) -> list[str]:
    first = [p for p in ("jax", "tensorflow") if p in peers]
    return first + sorted(p for p in peers if p not in first)


def cell(entry: dict | None) -> tuple[str, str | None, str]:
    """(status, triage link or None, triage class or '') of a peer's entry for one record."""
    if entry is None:
        return NP, None, ""
    t = entry.get("triage") or {}
    status = entry["status"]
    if status == "fail" and not t:
        return "fail", None, "untriaged"
    return status, t.get("link"), t.get("class", "")


def summary(name: str, p: dict) -> str:
    total = p["run"] + len(p.get("not_provided", []))
    version = f" {p['version']}" if p.get("version") else ""
    # peers.json from before the triage has no "untriaged": count its failures without a triage
    untriaged = len(p["untriaged"]) if "untriaged" in p else sum(
        1 for e in p.get("records", {}).values() if e["status"] == "fail" and not e.get("triage"))
    return (f"{NAMES.get(name, name)} ({p.get('package', name)}{version}): provides {p['run']} of {total} records — "
            f"{p['passed']} pass, {p.get('deviations', 0)} deviation (conventions), {p['failed']} fail"
            + (f" ({untriaged} untriaged)" if untriaged else " (all triaged)")
            + f"; {len(p.get('not_provided', []))} not provided")


def _rows(doc: dict, peers: dict) -> list[str]:
    ids = [r["id"] for r in doc.get("records", [])]
    for p in peers.values():
        ids += [i for i in p.get("records", {}) if i not in ids]
    return ids


def _md_cell(status: str, link: str | None, kind: str) -> str:
    text = {"fail": "**fail**"}.get(status, status)
    if kind:
        text += f" ({kind})"
    return f"[{text}](../{link})" if link else text


def markdown(doc: dict) -> list[str]:
    peers = doc.get("peers") or {}
    if not peers:
        return []
    names = _order(peers)
    lines = ["## Conformance matrix: frameworks × records", "",
             "Each framework's adapter (`formulary/peers/`) run by the catalog's value checks (`make peers`). "
             f"A deviation is a triaged convention, a fail a framework error or untriaged; each links to its triage "
             f"in `{DOC}`.", ""]
    lines += [f"- {summary(n, peers[n])}" for n in names]
    lines += ["", "| record | " + " | ".join(NAMES.get(n, n) for n in names) + " |",
              "|---|" + "---|" * len(names)]
    for rid in _rows(doc, peers):
        cells = [cell(peers[n].get("records", {}).get(rid)) for n in names]
        if all(c[0] == NP for c in cells):
            continue
        lines.append(f"| `{rid}` | " + " | ".join(_md_cell(*c) for c in cells) + " |")
    hidden = [rid for rid in _rows(doc, peers)
              if all(cell(peers[n].get("records", {}).get(rid))[0] == NP for n in names)]
    lines += ["", f"Not provided by any framework ({len(hidden)}): " + ", ".join(f"`{i}`" for i in hidden), ""]
    lines += judges_markdown(peers) + accuracy_markdown(doc)
    return lines


def judges_markdown(peers: dict) -> list[str]:
    js = (peers.get("tensorflow") or {}).get("judges") or {}
    if not js:
        return []
    lines = ["## Independent judges", "",
             "Where the torch reference is our own transcription, TensorFlow and Keras judge impl (run by "
             "`make peers`, where TensorFlow is installed; without it the record's findings say the existing judge "
             "ran).",
             "", "| record | status | judge |", "|---|---|---|"]
    lines += [f"| `{rid}` | {j['status']} | {j.get('judge') or j.get('message', '')[:200]} |"
              for rid, j in sorted(js.items())]
    return lines + [""]


def _acc(doc: dict, peers: dict) -> tuple[list[str], list[tuple]]:
    names = [n for n in _order(peers) if peers[n].get("accuracy")]
    rows = []
    for r in doc.get("records", []):
        for row in r.get("accuracy", []):
            theirs = []
            for n in names:
                got = {a["class"]: a for a in peers[n]["accuracy"].get(r["id"], [])}.get(row["class"])
                theirs.append(got["max_ulp"] if got else None)
            rows.append((r["id"], row["class"], row["candidate_max_ulp"], row["torch_max_ulp"], theirs,
                         row["bound_ulp"]))
    return names, rows


def _ulp(x) -> str:
    if x is None:
        return NP
    return "0" if x == 0 else f"{x:.3g}"


def accuracy_markdown(doc: dict) -> list[str]:
    names, rows = _acc(doc, doc.get("peers") or {})
    if not names or not rows:
        return []
    lines = ["## Accuracy against the mpmath oracle, every framework (float64, max ULP)", "",
             "The same input classes as the accuracy table above, measured on impl, torch and each framework.", "",
             "| record | input class | impl | torch | " + " | ".join(NAMES.get(n, n) for n in names) + " | bound |",
             "|---|---|---:|---:|" + "---:|" * len(names) + "---:|"]
    lines += [f"| `{rid}` | {cls} | {_ulp(mine)} | {_ulp(torch)} | " + " | ".join(_ulp(v) for v in theirs)
              + f" | {_ulp(bound)} |" for rid, cls, mine, torch, theirs, bound in rows]
    return lines + [""]


# -- HTML -------------------------------------------------------------------------------------

_CLASS = {"pass": "pass", "deviation": "deviation", "fail": "fail", NP: "muted"}


def html(doc: dict, slug) -> str:
    """The dashboard's sections: the matrix with its summary lines, the judges, the accuracy columns."""
    peers = doc.get("peers") or {}
    if not peers:
        return ""
    names = _order(peers)
    head = "".join(f"<th>{escape(NAMES.get(n, n))}</th>" for n in names)
    body = []
    for rid in _rows(doc, peers):
        cells = [cell(peers[n].get("records", {}).get(rid)) for n in names]
        if all(c[0] == NP for c in cells):
            continue
        tds = []
        for status, link, kind in cells:
            text = escape(status + (f" ({kind})" if kind else ""))
            inner = f'<a href="../{escape(link)}">{text}</a>' if link else text
            tds.append(f'<td class="{_CLASS.get(status, "")}">{inner}</td>')
        body.append(f'<tr><td><a href="#r-{slug(rid)}"><code>{escape(rid)}</code></a></td>{"".join(tds)}</tr>')
    parts = ['<section id="matrix"><h2>Conformance matrix: frameworks × records</h2>',
             "<ul>" + "".join(f"<li>{escape(summary(n, peers[n]))}</li>" for n in names) + "</ul>",
             f'<p class="muted">Deviations are triaged conventions; fails are framework errors or untriaged; '
             f"each links to its triage in <code>{escape(DOC)}</code>. Records no framework provides are left out.</p>",
             f'<div class="scroll"><table class="matrix"><thead><tr><th>record</th>{head}</tr></thead>'
             f'<tbody>{"".join(body)}</tbody></table></div>']
    js = (peers.get("tensorflow") or {}).get("judges") or {}
    if js:
        rows = "".join(f"<tr><td><code>{escape(rid)}</code></td><td class=\"{_CLASS.get(j['status'], '')}\">"
                       f"{escape(j['status'])}</td>"
                       f"<td>{escape(str(j.get('judge') or j.get('message', '')[:200]))}</td></tr>"
                       for rid, j in sorted(js.items()))
        parts.append('<h3 id="judges">Independent judges</h3><div class="scroll"><table><thead><tr><th>record</th>'
                     f"<th>status</th><th>judge</th></tr></thead><tbody>{rows}</tbody></table></div>")
    acc_names, acc = _acc(doc, peers)
    if acc_names and acc:
        head = "".join(f"<th>{escape(NAMES.get(n, n))}</th>" for n in acc_names)
        rows = "".join(f"<tr><td><code>{escape(rid)}</code></td><td>{escape(cls)}</td><td>{_ulp(mine)}</td>"
                       f"<td>{_ulp(torch)}</td>" + "".join(f"<td>{_ulp(v)}</td>" for v in theirs)
                       + f"<td>{_ulp(b)}</td></tr>"
                       for rid, cls, mine, torch, theirs, b in acc)
        parts.append('<h3 id="accuracy-frameworks">Accuracy against the mpmath oracle, every framework '
                     "(float64, max ULP)"
                     f'</h3><div class="scroll"><table><thead><tr><th>record</th><th>input class</th><th>impl</th>'
                     f"<th>torch</th>{head}<th>bound</th></tr></thead><tbody>{rows}</tbody></table></div>")
    return "".join(parts) + "</section>"
