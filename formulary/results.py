"""Per-record results: what each check found, gathered into one status per record.

A check's outcome travels as JSON in the pytest report's ``user_properties`` (so it
crosses pytest-xdist's process boundary) and is gathered by the plugin.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field

from formulary.compare import Stats

PROPERTY = "formulary"
STATUSES = ("pass", "deviation", "fail", "error")


@dataclass
class Outcome:
    record: str
    check: str  # forward-float32, mistake:NAME, accuracy, ...
    status: str = "pass"  # pass | fail | error
    stats: dict = field(default_factory=dict)
    message: str = ""
    extra: dict = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(self.__dict__, default=float)

    @classmethod
    def from_json(cls, text: str) -> Outcome:
        return cls(**json.loads(text))


@contextmanager
def recording(node, record_id: str, check: str):
    """Run a check's body; whatever happens, attach its Outcome to the pytest node.

    The body may set ``outcome.stats`` (a Stats) and ``outcome.extra``.
    """
    outcome = Outcome(record_id, check)
    try:
        yield outcome
    except AssertionError as exc:
        outcome.status, outcome.message = "fail", str(exc)
        raise
    except BaseException as exc:
        outcome.status, outcome.message = "error", f"{type(exc).__name__}: {exc}"
        raise
    finally:
        if isinstance(outcome.stats, Stats):
            outcome.stats = outcome.stats.as_dict()
        node.user_properties.append((PROPERTY, outcome.to_json()))


def record_status(outcomes: list[Outcome], differs_from_torch: bool) -> str:
    """error > fail > deviation (impl and torch differ, demonstrated) > pass."""
    statuses = {o.status for o in outcomes}
    if not outcomes:
        return "error"  # a record that no check ran is not a pass
    if "error" in statuses:
        return "error"
    if "fail" in statuses:
        return "fail"
    return "deviation" if differs_from_torch else "pass"
