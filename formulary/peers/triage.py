"""The triage of every disagreement between a framework and the catalog: why each failing
record fails, in one of three classes.

``convention``       the framework's documented choice differs from torch's (TF's 'SAME',
                     Keras's per-sample losses and ε clips, optax's ε placement): the
                     record is a *deviation*, not a failure.
``framework error``  the framework's value is wrong against the 50-digit truth or its own
                     documentation: the record stays *failed*, and the triage is written so
                     that it could be filed upstream as it stands.
``adapter mistake``  the adapter mapped an option wrongly: fixed in the adapter, never
                     listed here for long.

Each entry names the checks it explains; a failure in any other check leaves the record
failed and *untriaged*, so an old explanation never hides a new failure.  The minimal
repros (input, the framework's value, the truth) are in docs/peers-triage.md, one section
per anchor.
"""

from __future__ import annotations

from dataclasses import dataclass

DOC = "docs/peers-triage.md"
CLASSES = ("convention", "framework error", "adapter mistake")


@dataclass(frozen=True)
class Triage:
    kind: str
    summary: str
    anchor: str
    checks: tuple[str, ...] = ()  # the checks it explains; empty: every value check

    def __post_init__(self):
        if self.kind not in CLASSES:
            raise ValueError(f"kind must be one of {CLASSES}, got {self.kind!r}")


TRIAGE: dict[tuple[str, str], Triage] = {}


def apply(peer: str, record_id: str, entry: dict) -> None:
    """Mark ``entry`` (a peer's result on a record) with its triage: fail → deviation for a convention."""
    t = TRIAGE.get((peer, record_id))
    if t is None:
        return
    link = {"class": t.kind, "summary": t.summary, "link": f"{DOC}#{t.anchor}"}
    if entry["status"] == "pass":
        entry["stale_triage"] = link  # the disagreement is gone: the entry should go
        return
    failing = {c for c, s in entry["checks"].items() if s in ("fail", "error")}
    unexplained = sorted(failing - set(t.checks)) if t.checks else []
    entry["triage"] = link
    if unexplained:
        entry["untriaged_checks"] = unexplained
        return
    if t.kind == "convention":
        entry["status"] = "deviation"
