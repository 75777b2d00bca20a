"""The learner's progress: Leitner boxes per quiz template, and finished exercises.

Kept in ``progress.json`` in the user's data directory (``$FORMULARY_DATA_DIR``, else
``$XDG_DATA_HOME/formulary``, else ``~/.local/share/formulary``), written atomically
after every answer so that Ctrl-C or Ctrl-D never loses any.

Leitner's rule: a right answer moves a card one box up, a wrong one back to box 1; a
card in box b is due again INTERVALS[b] days after it was last answered.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

INTERVALS = {1: 0, 2: 1, 3: 3, 4: 7, 5: 21}  # days until a card in box b is due again
VERSION = 1


def data_dir() -> Path:
    if os.environ.get("FORMULARY_DATA_DIR"):
        return Path(os.environ["FORMULARY_DATA_DIR"])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "formulary"


def today() -> date:
    """Today, or ``$FORMULARY_TODAY`` (ISO date) so that sessions can be replayed."""
    fixed = os.environ.get("FORMULARY_TODAY")
    return date.fromisoformat(fixed) if fixed else date.today()


@dataclass
class Progress:
    cards: dict = field(default_factory=dict)  # template id -> {box, due, seen, correct}
    exercises: dict = field(default_factory=dict)  # record id -> {done, attempts, last}
    path: Path | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> Progress:
        path = path or data_dir() / "progress.json"
        if path.exists():
            doc = json.loads(path.read_text(encoding="utf-8"))
            return cls(doc.get("cards", {}), doc.get("exercises", {}), path)
        return cls(path=path)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        doc = {"version": VERSION, "cards": self.cards, "exercises": self.exercises}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".progress-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1, sort_keys=True)
        os.replace(tmp, self.path)  # atomic: an interrupted write leaves the old file whole

    def is_due(self, template_id: str, on: date) -> bool:
        card = self.cards.get(template_id)
        return card is None or date.fromisoformat(card["due"]) <= on

    def answer(self, template_id: str, correct: bool, on: date) -> dict:
        card = self.cards.setdefault(template_id, {"box": 1, "due": on.isoformat(), "seen": 0, "correct": 0})
        card["seen"] += 1
        card["correct"] += int(correct)
        card["box"] = min(card["box"] + 1, max(INTERVALS)) if correct else 1
        card["due"] = (on + timedelta(days=INTERVALS[card["box"]])).isoformat()
        self.save()
        return card

    def exercise(self, record_id: str, passed: bool, on: date) -> dict:
        ex = self.exercises.setdefault(record_id, {"done": False, "attempts": 0, "last": ""})
        ex["attempts"] += 1
        ex["done"] = ex["done"] or passed
        ex["last"] = on.isoformat()
        self.save()
        return ex
