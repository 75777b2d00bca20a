"""A quiz session: choose due questions, ask, judge, show solutions, keep progress.

Interactive at a terminal, or scripted: answers read line by line from any stream
(``--answers FILE`` or standard input), with ``--seed`` making the session repeatable.
Bad input never ends a session: unreadable text or an empty line asks again, 'skip'
shows the solution, 'quit', Ctrl-D and Ctrl-C end it with progress saved.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable

from formulary.drill import templates, templates_family  # noqa: F401  (registers the templates)
from formulary.drill.progress import Progress, today
from formulary.drill.questions import TEMPLATES, BadAnswer, Question, judge, parse

LEVELS = {"easy": 1, "medium": 2, "hard": 3}


def choose(progress: Progress, topics: list[str] | None, count: int, rng: random.Random) -> list[str]:
    """Due cards first (oldest due, lowest box), then new ones in seeded random order."""
    ids = [t for t, (chapter, topic, _) in sorted(TEMPLATES.items())
           if not topics or chapter in topics or topic in topics or t in topics]
    on = today()
    seen = [t for t in ids if t in progress.cards and progress.is_due(t, on)]
    seen.sort(key=lambda t: (progress.cards[t]["due"], progress.cards[t]["box"], t))
    new = [t for t in ids if t not in progress.cards]
    rng.shuffle(new)
    return (seen + new)[:count]


def make(template_id: str, rng: random.Random, level: int) -> Question:
    return TEMPLATES[template_id][2](rng, level)


def run(*, topics: list[str] | None, count: int, level: int, seed: int | None,
        read: Callable[[str], str], write: Callable[[str], None], progress: Progress) -> dict:
    """Ask ``count`` questions; returns the tally. ``read`` may raise EOFError/KeyboardInterrupt."""
    rng = random.Random(seed)
    chosen = choose(progress, topics, count, rng)
    tally = {"asked": 0, "right": 0, "ended": "done"}
    if not chosen:
        write("Nothing is due on these topics today. Come back tomorrow, or add --topic.")
        return tally
    for i, template_id in enumerate(chosen, 1):
        q = make(template_id, rng, level)
        write(f"\n[{i}/{len(chosen)}] ({q.topic}) {q.prompt}")
        while True:
            try:
                text = read("> ")
            except EOFError:
                tally["ended"] = "end of input"
                write("\nEnd of input: progress saved.")
                return tally
            except KeyboardInterrupt:
                tally["ended"] = "interrupted"
                write("\nInterrupted: progress saved.")
                return tally
            text = text.strip()
            if text.lower() in ("quit", "q", "exit"):
                tally["ended"] = "quit"
                write("Progress saved.")
                return tally
            if text.lower() in ("skip", "?"):
                given, right = None, False
                break
            if not text:
                write(f"  Please answer with {q.hint}; 'skip' shows the solution, 'quit' ends.")
                continue
            try:
                given = parse(text, q.kind)
            except BadAnswer:
                write(f"  That is not {q.hint}. Try again.")
                continue
            right = judge(q, given)
            break
        tally["asked"] += 1
        tally["right"] += int(right)
        card = progress.answer(q.template, right, today())
        if right:
            write(f"  Right. ({q.shown_answer()}; next review in box {card['box']}, due {card['due']})")
            continue
        verdict = "Skipped" if given is None else "Miss"
        write(f"  {verdict}: the answer is {q.shown_answer()}. "
              f"(Card back to box {card['box']}, due again {card['due']}.)")
        if given is not None:
            trap = q.trap(given)
            if trap:
                mine = f"Your {given:g}" if q.kind == "number" else "That"
                write(f"  {mine} is what {trap} gives.")
            hint = q.order_hint(given)
            if hint:
                write(f"  Hint: {hint}.")
        write(f"  Worked solution: {q.solution}")
    write(f"\n{tally['right']} of {tally['asked']} right.")
    return tally


def lines_reader(lines: Iterable[str], echo: Callable[[str], None] | None = None) -> Callable[[str], str]:
    """A ``read`` for scripted sessions: one answer per line, EOFError at the end.

    ``echo`` writes each prompt and answer, so that a transcript reads like a session.
    """
    it = iter(lines)

    def read(prompt: str) -> str:
        try:
            text = next(it).rstrip("\n")
        except StopIteration:
            raise EOFError from None
        if echo:
            echo(f"{prompt}{text}")
        return text

    return read


def stats(progress: Progress) -> str:
    out = ["Quiz cards (Leitner boxes 1–5):"]
    if not progress.cards:
        out.append("  none answered yet")
    for t, c in sorted(progress.cards.items()):
        out.append(f"  {t:28s} box {c['box']}  {c['correct']}/{c['seen']} right  due {c['due']}")
    out.append("Exercises:")
    if not progress.exercises:
        out.append("  none attempted yet")
    for r, e in sorted(progress.exercises.items()):
        out.append(f"  {r:28s} {'done' if e['done'] else 'open'}  {e['attempts']} attempts  last {e['last']}")
    return "\n".join(out)
