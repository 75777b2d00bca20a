"""Quiz questions: what a question is, how an answer is read and judged.

A template draws a fresh instance from a seeded ``random.Random`` and lets the
validated impl compute the answer; on a miss the learner sees the worked solution,
the formula with the numbers put in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

RTOL = 5e-3  # numeric answers: within 0.5 % (three significant figures)
ATOL = 5e-4  # or this close, for answers near zero


@dataclass(frozen=True)
class Question:
    template: str  # the template's ID, which is also the card of the spaced repetition
    topic: str  # the inventory ID it drills
    prompt: str
    answer: object  # float, int or tuple of ints
    kind: str  # "number", "integer" or "shape"
    solution: str
    traps: tuple = ()  # (value, name of the known mistake that gives it), to name a wrong answer

    def trap(self, given) -> str | None:
        """The known mistake that ``given`` (a wrong answer) equals, if any."""
        for value, name in self.traps:
            if judge(self, given, value):
                return name
        return None

    def order_hint(self, given) -> str | None:
        """For a shape with the right sizes in the wrong order (H×W×C for C×H×W, say)."""
        if self.kind == "shape" and isinstance(given, tuple) and given != self.answer \
                and sorted(given) == sorted(self.answer):
            return "right sizes, wrong order: the question asks for them in the order it names"
        return None


    @property
    def hint(self) -> str:
        return {
            "number": f"a number, e.g. 0.731 (accepted within {RTOL:.1%} or ±{ATOL:g})",
            "integer": "a whole number, e.g. 1792 (commas allowed)",
            "shape": "a shape, e.g. 16x16x48",
        }[self.kind]

    def shown_answer(self) -> str:
        if self.kind == "shape":
            return "x".join(str(v) for v in self.answer)
        if self.kind == "integer":
            return f"{self.answer:,}"
        return f"{self.answer:.6g}"


@dataclass(frozen=True)
class Ask:
    """What a template's function returns; :func:`template` adds the template's ID and topic."""

    prompt: str
    answer: object
    kind: str
    solution: str
    traps: tuple = ()
    topic: str | None = None  # when one template drills several inventory IDs


class BadAnswer(ValueError):
    """The text could not be read as the kind of answer asked for."""


def parse(text: str, kind: str):
    """Read an answer; raise BadAnswer (with what was expected) if it is not one."""
    t = text.strip().replace("_", "")
    try:
        if kind == "integer":
            return int(t.replace(",", ""))
        if kind == "shape":
            parts = [p for p in re.split(r"[x×*,()\[\]\s]+", t) if p]
            if not parts:
                raise ValueError
            return tuple(int(p) for p in parts)
        value = float(Fraction(t)) if "/" in t else float(t)
        if not math.isfinite(value):
            raise ValueError
        return value
    except (ValueError, ZeroDivisionError):
        raise BadAnswer(f"could not read {text.strip()!r} as {kind}") from None


def judge(question: Question, given, answer=None) -> bool:
    """Is ``given`` the answer (or ``answer``, when given: a trap's value)?"""
    answer = question.answer if answer is None else answer
    if question.kind == "number":
        return abs(given - answer) <= max(RTOL * abs(answer), ATOL)
    return given == answer


TEMPLATES: dict[str, tuple[str, str, Callable]] = {}  # template id -> (chapter, topic, make)


def template(template_id: str, topic: str):
    """Register ``make(rng, level) -> Ask`` under ``template_id`` for ``topic`` (the ID is stated once, here)."""

    def register(make):
        def build(rng, level) -> Question:
            a = make(rng, level)
            if isinstance(a, Question):  # a template that builds its Question itself
                return a
            return Question(template=template_id, topic=a.topic or topic, prompt=a.prompt, answer=a.answer,
                            kind=a.kind, solution=a.solution, traps=a.traps)

        TEMPLATES[template_id] = (topic.split(".", 1)[0], topic, build)
        return make

    return register


def fmt(x: float) -> str:
    return f"{x:.4g}"
