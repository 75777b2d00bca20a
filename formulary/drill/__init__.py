"""Interview drills: ``formulary drill`` (see the README's drill section).

    formulary drill [--topic T ...] [--level easy|medium|hard] [--count N] [--seed S] [--answers FILE]
    formulary drill --stats
    formulary drill --list
    formulary drill start ID [--workspace DIR] [--package NAME]
    formulary drill check ID [--workspace DIR] [--package NAME]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _quiz_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="formulary drill", description="Quizzes on fresh instances of the guide's formulas.")
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
    return p


def main(argv: list[str]) -> int:
    from formulary.drill.progress import Progress

    if argv and argv[0] in ("start", "check"):
        from formulary import catalog
        from formulary.drill import exercise

        args = _exercise_parser(argv[0]).parse_args(argv[1:])
        try:
            catalog.by_id(args.id)
        except KeyError:
            print(f"formulary drill: unknown record ID {args.id!r} (see 'formulary list')", file=sys.stderr)
            return 2
        if argv[0] == "start":
            try:
                paths = exercise.start(args.id, Path(args.workspace), args.package)
            except ValueError as exc:
                print(f"formulary drill: {exc}", file=sys.stderr)
                return 2
            for p in paths:
                print(f"wrote a skeleton in {p}")
            print(f"Fill it in, then: formulary drill check {args.id}")
            return 0
        return 0 if exercise.check(args.id, Path(args.workspace), args.package) else 1

    from formulary.drill import session
    from formulary.drill.questions import TEMPLATES

    args = _quiz_parser().parse_args(argv)
    if args.count < 1:
        print("formulary drill: --count must be at least 1", file=sys.stderr)
        return 2
    progress = Progress.load()
    if args.stats:
        print(session.stats(progress))
        return 0
    if args.list:
        for t, (chapter, topic, _) in sorted(TEMPLATES.items()):
            print(f"{t:28s} {topic}")
        return 0
    if args.answers:
        stream = sys.stdin if args.answers == "-" else open(args.answers, encoding="utf-8")
        read = session.lines_reader(stream, echo=print)
    else:
        read = input
    tally = session.run(topics=args.topic, count=args.count, level=session.LEVELS[args.level], seed=args.seed,
                        read=read, write=print, progress=progress)
    return 130 if tally["ended"] == "interrupted" else 0
