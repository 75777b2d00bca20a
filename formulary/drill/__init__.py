"""Interview drills: ``formulary drill`` (see the README's drill section).

    formulary drill [--topic T ...] [--level easy|medium|hard] [--count N] [--seed S] [--answers FILE]
    formulary drill --stats
    formulary drill --list
    formulary drill start ID [--workspace DIR] [--package NAME]
    formulary drill check ID [--workspace DIR] [--package NAME] [--timeout S]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from formulary import catalog, usage
from formulary.drill import exercise, session
from formulary.drill.progress import Progress
from formulary.drill.questions import TEMPLATES
from formulary.timelimit import DEFAULT_SECONDS

EXERCISES_HELP = """implement-it exercises (a record's function, judged by the suite's checks):
  formulary drill start ID     write a skeleton of ID's functions into drills/mine/ (formula, signature, contract)
  formulary drill check ID     run ID's checks on your code: PASS, or the first failure and what it teaches
  (formulary drill start --help for their options; 'formulary list' gives the IDs)"""


def _quiz_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="formulary drill",
                                description="Quizzes on fresh instances of the guide's formulas.",
                                epilog=EXERCISES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--topic", nargs="+", help="chapters (act, cnn, nn...), inventory IDs or template IDs")
    p.add_argument("--level", choices=["easy", "medium", "hard"], default="medium")
    p.add_argument("--count", type=int, default=5, help="questions in this session (default 5)")
    p.add_argument("--seed", type=int, default=None, help="makes the session repeatable")
    p.add_argument("--answers", help="read answers from this file ('-' for standard input) instead of the terminal")
    p.add_argument("--stats", action="store_true", help="show progress and exit")
    p.add_argument("--list", action="store_true", help="list the quiz templates and exit")
    return p


def _exercise_parser(cmd: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"formulary drill {cmd}")
    p.add_argument("id", help="a record ID (formulary list)")
    p.add_argument("--workspace", default="drills", help="folder of your package (default: drills)")
    p.add_argument("--package", default="mine", help="your package's name (default: mine)")
    if cmd == "check":
        p.add_argument("--timeout", type=float, default=DEFAULT_SECONDS, metavar="S",
                       help=f"time limit per check on your code, seconds (default {DEFAULT_SECONDS:g}; 0: none)")
    return p


def _topics(given: list[str] | None) -> list[str] | None:
    """The --topic values, each a chapter, an inventory ID or a template ID; else a UsageError."""
    if not given:
        return given
    known = {t for t, (chapter, topic, _) in TEMPLATES.items()} | {c for c, _, _ in TEMPLATES.values()} \
        | {topic for _, topic, _ in TEMPLATES.values()}
    unknown = [t for t in given if t not in known]
    if unknown:
        chapters = sorted({c for c, _, _ in TEMPLATES.values()})
        raise usage.UsageError(f"unknown --topic {', '.join(unknown)}; chapters: {', '.join(chapters)} "
                               "(or a template ID from 'formulary drill --list')")
    return given


def _exercise(argv: list[str]) -> int:
    args = _exercise_parser(argv[0]).parse_args(argv[1:])
    try:
        catalog.by_id(args.id)
    except KeyError:
        raise usage.UsageError(f"unknown record ID {args.id!r} (see 'formulary list')") from None
    try:
        exercise.refuse_shadowing(Path(args.workspace), args.package)
    except ValueError as exc:
        raise usage.UsageError(str(exc)) from None
    if argv[0] == "start":
        try:
            paths = exercise.start(args.id, Path(args.workspace), args.package)
        except ValueError as exc:
            raise usage.UsageError(str(exc)) from None
        for p in paths:
            print(f"wrote a skeleton in {p}")
        print(f"Fill it in, then: formulary drill check {args.id}")
        return 0
    progress = Progress.load(warn=_warn)
    ok = exercise.check(args.id, Path(args.workspace), args.package, progress=progress, timeout=args.timeout)
    return 0 if ok else 1


def _warn(message: str) -> None:
    print(f"formulary drill: {message}", file=sys.stderr)


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("start", "check"):
        return _exercise(argv)
    args = _quiz_parser().parse_args(argv)
    if args.count < 1:
        raise usage.UsageError("--count must be at least 1")
    topics = _topics(args.topic)
    stream = usage.readable_file(args.answers, "--answers") if args.answers else None
    progress = Progress.load(warn=_warn)
    if args.stats:
        print(session.stats(progress))
        return 0
    if args.list:
        for t, (_, topic, _) in sorted(TEMPLATES.items()):
            print(f"{t:28s} {topic}")
        return 0
    read = session.lines_reader(stream, echo=print) if stream is not None else input
    tally = session.run(topics=topics, count=args.count, level=session.LEVELS[args.level], seed=args.seed,
                        read=read, write=print, progress=progress)
    return 130 if tally["ended"] == "interrupted" else 0
