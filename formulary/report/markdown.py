"""CONFORMANCE.md: the conformance document as Markdown tables, a table per chapter."""

from __future__ import annotations

from itertools import groupby

from formulary.inventory import chapter_title
from formulary.record import SOURCE_NOUNS, SOURCES
from formulary.report import matrix

ICON = {"pass": "pass", "deviation": "deviation", "fail": "**FAIL**", "error": "**ERROR**", "not run": "not run"}


def _num(x) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return "0" if x == 0 else f"{x:.3g}"
    return str(x)


def _tol(checks: dict) -> str:
    seen = {}
    for c in checks.values():
        for dt, (rtol, atol) in c.get("tolerance", {}).items():
            seen[dt] = f"{dt}: {rtol:g}/{atol:g}"
    return "; ".join(seen[k] for k in sorted(seen))


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render(doc: dict) -> str:
    s, v = doc["summary"], doc["versions"]
    lines = [
        "# Formulary conformance report",
        "",
        f"Candidate `{doc['candidate']}` judged against PyTorch {v['torch']} on `{doc['device']}`; "
        f"hypothesis profile `{doc['hypothesis_profile']}`. Python {v['python']}, NumPy {v['numpy']}, "
        f"hypothesis {v['hypothesis']}, mpmath {v['mpmath']}; schema {doc['schema_version']}.",
        "",
        "## Summary",
        "",
        f"- Records: {s['records']} — " + ", ".join(f"{k}: {n}" for k, n in s["by_status"].items()),
        f"- Known mistakes caught: {s['mistakes_caught']} of {s['mistakes']}",
        "- Filed by source: " + ", ".join(f"{s['deviations_by_source'][k]} {SOURCE_NOUNS[k]}" for k in SOURCES)
        + f"; {s['records_without_deviations']} records with none",
        f"- Inventory IDs covered: {s['inventory_covered']} of {s['inventory_ids']}",
    ]
    mut = doc.get("mutation")
    if mut:
        explained = sum(1 for m in mut["survived"] if m.get("explanation"))
        lines.append(f"- Mutation score (`make mutation`, {mut['tool']} over {', '.join(mut['targets'])}): "
                     f"{100 * mut['score']:.1f}% — {mut['killed']} of {mut['total']} mutants killed; "
                     f"{len(mut['survived'])} survive, {explained} of them explained (index.html lists each)")
        for chapter, c in (mut.get("chapters") or {}).items():
            told = sum(1 for m in c["survived"] if m.get("explanation"))
            left = c.get("counts", {}).get("not checked", 0)
            lines.append(f"  - {chapter} ({', '.join(c['targets'])}): {100 * c['score']:.1f}% — {c['killed']} of "
                         f"{c['total']} killed, {len(c['survived'])} survive, {told} explained"
                         + (f"; cut short: {left} mutants not run, the score is over the {c['total'] - left} run"
                            if left else ""))
    for name, p in sorted((doc.get("peers") or {}).items()):
        lines.append(f"- Peer `{name}` ({p.get('package', '')}): passes {p['passed']} of the {p['run']} records "
                     "it provides (`make peers`)")
    if doc["missing_inventory_ids"]:
        lines.append(f"- Not yet covered: {', '.join('`' + i + '`' for i in doc['missing_inventory_ids'])}")
    lines.append("")
    recs = doc["records"]

    for source, title in SOURCES.items():
        pairs = [(r, d) for r in recs for d in r["deviations"] if d["source"] == source]
        lines += [f"## {title}", ""]
        lines += [f"- **{r['id']}** — {_cell(d['summary'])}. *Why:* {_cell(d['reason'])}" for r,
                  d in pairs] or ["None."]
        lines.append("")

    for prefix, group in groupby(recs, key=lambda r: chapter_title(r["chapter"])):
        group = list(group)
        lines += [f"## {prefix}", "",
                  "| record | kind | status | examples | max abs err | max rel err | tolerance (rtol/atol) | mistakes "
                  "caught |",
                  "|---|---|---|---:|---:|---:|---|---|"]
        for r in group:
            caught = sum(1 for m in r["mistakes"].values() if m["status"] == "caught")
            lines.append(f"| `{r['id']}` | {r['kind']} | {ICON.get(r['status'], r['status'])} | {r['examples']} | "
                         f"{_num(r['max_abs_error'])} | {_num(r['max_rel_error'])} | {_tol(r['checks'])} | "
                         f"{caught}/{len(r['mistakes'])} |")
        loose = [(r, t) for r in group for t in r["tolerance_overrides"] if t["reason"]]
        if loose:
            lines += ["", "Tolerances loosened, with their reasons:", ""]
            lines += [f"- `{r['id']}` {t['dtype']}: rtol {t['rtol']:g}, atol {t['atol']:g} — {_cell(t['reason'])}"
                      for r, t in loose]
        lines.append("")

    acc = [(r, row) for r in recs for row in r["accuracy"]]
    lines += ["## Accuracy against the mpmath oracle (float64 and float32 ULP)", "",
              "Max error in units of the last place of the true value (float32 classes: of float32), "
              "over each input class; the candidate "
              "must stay within the bound and not be worse than torch (≤ torch + ½ ULP, or ≤ 1 ULP).", "",
              "| record | input class | n | candidate max ULP | torch max ULP | bound | candidate's worst input |",
              "|---|---|---:|---:|---:|---:|---|"]
    for r, row in acc:
        lines.append(f"| `{r['id']}` | {_cell(row['class'])} | {row['n']} | {_num(row['candidate_max_ulp'])} | "
                     f"{_num(row['torch_max_ulp'])} | {_num(row['bound_ulp'])} | {_cell(row['candidate_worst_input'])} "
                     f"|")
    whys = [(r, row) for r, row in acc if row.get("why")]
    if whys:
        lines += ["", "Bounds above 4 ULP, and why:", ""]
        lines += [f"- `{r['id']}` {row['class']}: {_cell(row['why'])}" for r, row in whys]
    lines.append("")

    found = [r for r in recs if r["findings"]]
    if found:
        lines += ["## Worked examples, claims and algorithms: what was measured", ""]
        for r in found:
            items = ", ".join(f"{k} = {_num(v)}" for k, v in r["findings"].items())
            lines.append(f"- `{r['id']}` ({r['kind']}): {items}")
        lines.append("")

    lines += matrix.markdown(doc)  # frameworks × records, judges, the frameworks' accuracy (make peers)

    bad = [(r, name, c) for r in recs for name, c in r["checks"].items() if c["status"] != "pass"]
    bad += [(r, f"mistake:{n}", m) for r in recs for n, m in r["mistakes"].items() if m["status"] not in ("caught",)]
    if bad:
        lines += ["## Failures", ""]
        for r, name, c in bad:
            lines += [f"### `{r['id']}` — {name}", "", "```", c.get("message", c.get("status", "")), "```", ""]
    return "\n".join(lines).rstrip() + "\n"
