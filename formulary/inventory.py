"""The guide's formula inventory, carried with the project (``inventory.tsv``).

The same IDs as ``shared/FORMULAS.md``, in its order, plus the IDs added since (issue
17: the rest of torch's activation family, ``reg.*``, ``init.*``); a test checks that the
two agree wherever that file is present.  Coverage is counted against this carried copy, so
``formulary list --missing`` works in any clone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_HERE = Path(__file__).with_name("inventory.tsv")
_ROW = re.compile(r"^\| ([a-z0-9_.]+) \| ([FECA]) \| (.*) \|\s*$")
KIND_NAMES = {"F": "formula", "E": "worked example", "C": "claim", "A": "algorithm"}


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str
    what: str

    @property
    def chapter(self) -> str:
        return self.id.split(".", 1)[0]


def entries() -> tuple[Entry, ...]:
    rows = []
    for line in _HERE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            rows.append(Entry(*line.split("\t")))
    return tuple(rows)


def parse_formulas_md(path: Path) -> list[Entry]:
    """The inventory rows of a FORMULAS.md file (its tables' ID | kind | what rows)."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        m = _ROW.match(line)
        if m:
            out.append(Entry(*m.groups()))
    return out


CHAPTERS = {
    "nn": "Neural-network basics (guide §2)",
    "hp": "Hyperparameter search (guide §3)",
    "act": "Activation functions (guide §4)",
    "opt": "Optimisation (guide §5)",
    "loss": "Loss functions (guide §6)",
    "cnn": "Convolutional networks (guide §7)",
    "arch": "Classic networks (guide §8)",
    "rnn": "Recurrent networks (guide §9–10)",
    "lstm": "Recurrent networks (guide §9–10)",
    "gru": "Recurrent networks (guide §9–10)",
    "reg": "Regularisation (guide §7, training)",
    "init": "Initialisation (guide §7, training)",
}


def chapter_title(prefix: str) -> str:
    return CHAPTERS.get(prefix, prefix)
