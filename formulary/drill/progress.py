"""The learner's progress: Leitner boxes per quiz template, and finished exercises.

Kept in ``progress.json`` in the user's data directory (``$FORMULARY_DATA_DIR``, else
``$XDG_DATA_HOME/formulary``, else ``~/.local/share/formulary``).  It is never lost:

- every answer is saved at once, so Ctrl-C or Ctrl-D loses nothing;
- a save is read-modify-write under an exclusive lock (``fcntl.flock`` on
  ``progress.json.lock``): it re-reads the file, applies this one answer to what is
  there, and writes.  Two sessions at once therefore merge; neither overwrites the
  other's answers;
- the write goes to a temporary file in the same folder, flushed to disk, then renamed
  over the old one: a crash mid-write leaves the old file whole;
- a file that cannot be read (truncated, garbage, a version this code does not know)
  is never rewritten: it is moved aside to ``progress.json.bad-N`` and a one-line
  message says so and how to put it back, and the session starts afresh.

Leitner's rule: a right answer moves a card one box up, a wrong one back to box 1; a
card in box b is due again INTERVALS[b] days after it was last answered.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


def _stderr(message: str) -> None:
    print(f"formulary: {message}", file=sys.stderr)


class Unreadable(ValueError):
    """The progress file is not one this code can read; the message says why."""


def _parse(text: str) -> tuple[dict, dict]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Unreadable(f"not JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(doc, dict):
        raise Unreadable("not a JSON object")
    if doc.get("version") != VERSION:
        raise Unreadable(f"version {doc.get('version')!r}, this formulary reads version {VERSION}")
    cards, exercises = doc.get("cards", {}), doc.get("exercises", {})
    if not isinstance(cards, dict) or not isinstance(exercises, dict):
        raise Unreadable("'cards' or 'exercises' is not an object")
    for card in cards.values():
        if not isinstance(card, dict) or not {"box", "due", "seen", "correct"} <= set(card):
            raise Unreadable("a card lacks box, due, seen or correct")
    return cards, exercises


@dataclass
class Progress:
    cards: dict = field(default_factory=dict)  # template id -> {box, due, seen, correct}
    exercises: dict = field(default_factory=dict)  # record id -> {done, attempts, last}
    path: Path | None = None
    warn: Callable[[str], None] = _stderr

    @classmethod
    def load(cls, path: Path | None = None, warn: Callable[[str], None] = _stderr) -> Progress:
        progress = cls(path=path or data_dir() / "progress.json", warn=warn)
        progress._read()
        return progress

    def _read(self) -> None:
        """Refresh from disk; an unreadable file is moved aside (never rewritten) and we start afresh."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.cards, self.exercises = {}, {}
            return
        except (OSError, UnicodeDecodeError) as exc:
            self._set_aside(f"unreadable ({exc})")
            return
        try:
            self.cards, self.exercises = _parse(text)
        except Unreadable as exc:
            self._set_aside(str(exc))

    def _set_aside(self, why: str) -> None:
        n = 1
        while (backup := self.path.with_name(f"{self.path.name}.bad-{n}")).exists():
            n += 1
        os.replace(self.path, backup)
        self.cards, self.exercises = {}, {}
        self.warn(f"could not read the progress file {self.path}: {why}. Kept it as {backup} and started afresh; "
                  f"to restore it, repair it and run: mv {backup} {self.path}")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if this process dies
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _update(self, change: Callable[[], dict]) -> dict:
        """Under the lock: re-read what other sessions saved, apply ``change``, write atomically."""
        with self._locked():
            self._read()
            result = change()
            self._write()
        return result

    def _write(self) -> None:
        doc = {"version": VERSION, "cards": self.cards, "exercises": self.exercises}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".progress-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(doc, f, indent=1, sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)  # atomic: an interrupted write leaves the old file whole
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def save(self) -> None:
        """Write what is in memory (merging is done by :meth:`answer` and :meth:`exercise`)."""
        with self._locked():
            self._write()

    def is_due(self, template_id: str, on: date) -> bool:
        card = self.cards.get(template_id)
        return card is None or date.fromisoformat(card["due"]) <= on

    def answer(self, template_id: str, correct: bool, on: date) -> dict:
        def change() -> dict:
            card = self.cards.setdefault(template_id, {"box": 1, "due": on.isoformat(), "seen": 0, "correct": 0})
            card["seen"] += 1
            card["correct"] += int(correct)
            card["box"] = min(card["box"] + 1, max(INTERVALS)) if correct else 1
            card["due"] = (on + timedelta(days=INTERVALS[card["box"]])).isoformat()
            return dict(card)

        return self._update(change)

    def exercise(self, record_id: str, passed: bool, on: date) -> dict:
        def change() -> dict:
            ex = self.exercises.setdefault(record_id, {"done": False, "attempts": 0, "last": ""})
            ex["attempts"] += 1
            ex["done"] = ex["done"] or passed
            ex["last"] = on.isoformat()
            return dict(ex)

        return self._update(change)
