"""The catalog record: one declarative description per formula variant.

A record pairs a candidate (a dotted name inside the package under test, ``impl`` by
default) with a reference (a dotted name inside ``reference/``, computed with PyTorch)
and says how to judge one against the other.  The generic checks in
:mod:`formulary.checks` read nothing but records, so adding a formula means adding an
impl function, a reference function and a record -- no test code.

Two kinds of record share this one type:

* **comparison records** (``inputs`` set): the candidate's output is compared with the
  reference's on hypothesis-drawn samples and on the fixed edge bank, forward and,
  where ``backward`` is named, backward against ``torch.autograd``;
* **property records** (``check`` set): worked examples, claims and algorithms, whose
  ``check(candidate)`` raises ``AssertionError`` when the candidate is wrong, and may
  return a dict of findings (the numbers it measured) for the report.

A record may have both.  Every record lists its known mistakes; the suite proves that
each one fails the record's checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis.strategies import SearchStrategy

from formulary.compare import short_repr
from formulary.tolerance import Tolerance

KINDS = ("F", "E", "C", "A")
_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*(/[a-z0-9_.\-]+)?$")


@dataclass(frozen=True)
class Sample:
    """One call: positional and keyword arguments, and a note saying what it probes.

    ``expected`` (and ``expected_grad``, the gradients for an upstream gradient of
    ones) replace the reference as the judge of this one sample: for edge inputs where
    the reference is known to be wrong.  The record must then carry a Deviation that
    demonstrates the reference's difference.

    ``truth``: a float32 sample judged against the reference run in float64 and rounded
    once, for ill-conditioned samples (saturated gates): there two float32 results, each
    within torch's float32 tolerance of the truth, can be up to twice it apart.
    """

    args: tuple = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""
    expected: Any = None
    expected_grad: Any = None
    truth: bool = False

    def __repr__(self) -> str:
        parts = [short_repr(a) for a in self.args]
        parts += [f"{k}={short_repr(v)}" for k, v in self.kwargs.items()]
        note = f"  # {self.note}" if self.note else ""
        return f"({', '.join(parts)}){note}"


@dataclass(frozen=True)
class Mistake:
    """A deliberately wrong implementation that the record's checks must reject.

    ``target`` says what it replaces: ``None`` the record's candidate, ``"backward"``
    the record's backward, or any other dotted candidate name (``"activations.sigmoid"``).
    """

    name: str
    description: str
    fn: Callable
    target: str | None = None


@dataclass(frozen=True)
class ErrorInput:
    """Bad arguments that must raise ``error`` with a message matching ``match``."""

    sample: Sample
    error: type[Exception]
    match: str
    target: str | None = None  # as Mistake.target


# A deviation's source -> the reports' section that lists it, in the reports' order.  Only "torch"
# makes a record's status "deviation": the others say where the guide (or what it cites) and
# the truth part, while impl and torch agree.
SOURCES = {
    "guide": "Errata of the guide",
    "guide convention": "Conventions of the guide (not errors)",
    "guide omission": "Omissions of the guide, completed here",
    "extraction": "Artefacts of the text's extraction",
    "paper": "Errors of a cited paper",
    "torch": "Deviations from PyTorch",
}
# The words the summary line uses for each source's count.
SOURCE_NOUNS = {"guide": "guide errors", "guide convention": "guide conventions", "guide omission": "guide omissions",
                "extraction": "extraction artefacts", "paper": "paper errors", "torch": "deviations from torch"}


@dataclass(frozen=True)
class Deviation:
    """A genuine, documented difference between candidate and reference (or guide).

    ``source`` says whose value differs (:data:`SOURCES`): ``"torch"`` (impl and torch
    differ, and a check shows it); ``"guide"``, an erratum (the guide's text or code is
    wrong there); ``"guide convention"``, a notation of the guide that differs from
    torch's without being wrong; ``"guide omission"``, something the guide leaves
    unfinished that the project completes; ``"extraction"``, an artefact of the text's
    extraction (a doubled digit); ``"paper"``, an error of a paper the guide cites.  The
    reports list each source in a section of its own.

    ``demonstrate(candidate)`` is required: it checks that the difference is really
    there, so a deviation that silently disappears (or was never real) fails the suite.
    """

    summary: str
    reason: str
    demonstrate: Callable[[Any], None] | None = None
    source: str = "torch"  # one of SOURCES

    def __post_init__(self):
        if self.source not in SOURCES:
            raise ValueError(f"Deviation source must be one of {list(SOURCES)}, got {self.source!r}")
        if not callable(self.demonstrate):
            raise ValueError(f"Deviation {self.summary[:60]!r} needs demonstrate(candidate), a check that shows it")


@dataclass(frozen=True)
class AccuracyClass:
    """A named input class on which float64 ULP error against the oracle is measured."""

    name: str
    inputs: Callable[[], np.ndarray]  # float64 values of the first argument
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    bound_ulp: float = 4.0
    why: str = ""  # required when bound_ulp > 4: the conditioning argument


@dataclass(frozen=True)
class Record:
    """One formula variant of the guide. See the module docstring."""

    id: str
    kind: str
    section: str
    equation: str
    candidate: str | None = None
    reference: str | None = None
    inputs: Callable[[np.dtype], SearchStrategy[Sample]] | None = None  # dtype -> drawn samples
    edges: Callable[[np.dtype], Sequence[Sample]] | None = None
    dtypes: tuple = (np.float32, np.float64)
    tolerances: Mapping[Any, Tolerance] = field(default_factory=dict)
    backward: str | None = None
    grad_args: tuple[int, ...] = (0,)
    run: Callable[[Callable, Sample], Any] | None = None  # how to call the candidate
    output_names: tuple[str, ...] | None = None
    oracle: str | None = None
    accuracy: tuple[AccuracyClass, ...] = ()
    check: Callable[[Any], Mapping[str, Any] | None] | None = None  # candidate -> findings (or None)
    mistakes: tuple[Mistake, ...] = ()
    errors: tuple[ErrorInput, ...] = ()
    deviations: tuple[Deviation, ...] = ()
    notes: str = ""

    def __post_init__(self):
        problems = self.problems()
        if problems:
            raise ValueError(f"record {self.id!r}: " + "; ".join(problems))

    # -- validation -------------------------------------------------------------
    def problems(self) -> list[str]:
        out = []
        if not _ID.match(self.id):
            out.append("id must look like 'chapter.name' or 'chapter.name/variant'")
        if self.kind not in KINDS:
            out.append(f"kind must be one of {KINDS}")
        if self.inputs is None and self.check is None:
            out.append("needs inputs (a comparison) or check (a property), or both")
        if self.inputs is not None and (self.candidate is None or self.reference is None):
            out.append("a comparison record needs candidate and reference")
        if self.backward and self.inputs is None:
            out.append("backward needs inputs")
        if not self.mistakes:
            out.append("every record lists at least one known mistake")
        for dtype, tol in self.tolerances.items():
            if tol.looser_than_default(dtype) and not tol.reason:
                out.append(f"tolerance for {np.dtype(dtype)} is looser than default without a reason")
        for acc in self.accuracy:
            if acc.bound_ulp > 4 and not acc.why:
                out.append(f"accuracy class {acc.name!r} allows > 4 ULP without saying why")
        if self.accuracy and not self.oracle:
            out.append("accuracy classes need an oracle")
        names = [m.name for m in self.mistakes]
        if len(set(names)) != len(names):
            out.append("mistake names must be unique")
        return out

    # -- derived ------------------------------------------------------------------
    @property
    def base_id(self) -> str:
        """The inventory ID: the record ID without its /variant."""
        return self.id.split("/", 1)[0]

    @property
    def differs_from_torch(self) -> bool:
        """The record's status is "deviation" only when impl and torch differ, shown by a check."""
        return any(d.source == "torch" for d in self.deviations)

    @property
    def chapter(self) -> str:
        return self.id.split(".", 1)[0]

    def tolerance(self, dtype) -> Tolerance:
        dtype = np.dtype(dtype)
        for key, tol in self.tolerances.items():
            if np.dtype(key) == dtype:
                return tol
        return Tolerance.default(dtype)

    def target_name(self, target: str | None) -> str | None:
        """Resolve a Mistake/ErrorInput target to a dotted candidate name (None: the record names none)."""
        if target is None:
            return self.candidate
        if target == "backward":
            return self.backward
        return target
