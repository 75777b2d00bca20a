"""A peer's run, journalled check by check, so that a framework that kills its own process costs
one check, not the run.

XLA aborts the whole process on an internal CHECK failure (a C++ ``LOG(FATAL)``: no Python
exception to catch).  Before each check the worker writes that it starts it, after it what came
out, each line flushed to disk.  A worker started again on the same journal takes the finished
checks from it, and the check that was started and never finished is an error that says the
process died in it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

DIED = ("the peer's process died running this check (a native abort, e.g. an XLA CHECK failure: its message is "
        "on the campaign's stderr); the check was not retried")


class Journal:
    """Append-only JSON lines: ``{"record", "check", "start": true}`` then ``{"record", "check", "outcome"}``."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._outcomes: dict[tuple[str, str], dict] = {}
        started: set[tuple[str, str]] = set()
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    item = json.loads(line)
                except json.JSONDecodeError:  # a line cut short by the death itself
                    continue
                key = (item["record"], item["check"])
                if "outcome" in item:
                    self._outcomes[key] = item["outcome"]
                else:
                    started.add(key)
        for key in started - set(self._outcomes):
            self._outcomes[key] = {"status": "error", "message": DIED}

    def outcome(self, record: str, check: str) -> dict | None:
        """The check's outcome from an earlier worker, or None if it is still to run."""
        return self._outcomes.get((record, check))

    def start(self, record: str, check: str) -> None:
        self._write({"record": record, "check": check, "start": True})

    def finish(self, record: str, check: str, outcome: dict) -> None:
        self._outcomes[(record, check)] = outcome
        self._write({"record": record, "check": check, "outcome": outcome})

    def _write(self, item: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(item, ensure_ascii=False, default=str) + "\n")
            f.flush()
            os.fsync(f.fileno())
