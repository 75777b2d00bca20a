"""The command line: ``formulary`` (also ``python -m formulary``).

    formulary list [--missing] [--chapter PREFIX]
    formulary check [--candidate PKG] [--only ID ...] [--device DEV]
    formulary report [--candidate PKG] [--device DEV] [--out DIR] [--profile NAME]
    formulary summary NET [--input-size C H W] [--json]
    formulary drill ...

Exit status: 0 success, 1 a check failed, 2 a usage error (unknown ID, unresolvable
candidate).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _ensure_cwd_importable() -> None:
    # a candidate package in the user's working directory must be importable by name
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)


def cmd_list(args) -> int:
    from formulary import catalog, inventory

    if args.missing:
        covered = {r.base_id for r in catalog.records()}
        for e in inventory.entries():
            if e.id not in covered and (not args.chapter or e.chapter == args.chapter):
                print(e.id)
        return 0
    for r in catalog.records():
        if args.chapter and r.chapter != args.chapter:
            continue
        flags = "".join(["b" if r.backward else "-", "o" if r.oracle else "-", "d" if r.deviations else "-"])
        print(f"{r.id:28s} {r.kind} {flags} {len(r.mistakes)} mistakes  {r.candidate or '(property)'}")
    return 0


def cmd_check(args) -> int:
    from formulary import catalog, checks, profiles
    from formulary.candidate import Candidate, record_problems

    _ensure_cwd_importable()
    profiles.load(args.profile)
    try:
        records = catalog.select(args.only)
    except KeyError as exc:
        print(f"formulary check: unknown record ID {exc.args[0]} (see 'formulary list')", file=sys.stderr)
        return 2
    if args.candidate.startswith("formulary.peers."):
        # a peer offers a subset of impl's names and no backward: held to the value checks it can run
        from formulary import peers

        return peers.check(args.candidate.rsplit(".", 1)[1], args.only, args.device)
    cand = Candidate(args.candidate)
    problems = [p for r in records for p in record_problems(r, cand)]
    if problems:
        print("formulary check: cannot resolve:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 2
    failed = 0
    for r in records:
        errors = []
        for name in checks.plan(r):
            try:
                checks.run(r, name, cand, device=args.device)
            except AssertionError as exc:
                errors.append((name, str(exc)))
        if errors:
            failed += 1
            print(f"FAIL  {r.id}")
            for name, msg in errors:
                print(f"  [{name}]")
                print("    " + msg.replace("\n", "\n    "))
            match = _matching_mistake(r, cand, args.device)
            if match:
                print(f"  this is the known mistake {match.name!r}: {match.description}")
        else:
            print(f"ok    {r.id}")
    print(f"{len(records) - failed} passed, {failed} failed")
    return 1 if failed else 0


def _matching_mistake(record, cand, device):
    from formulary.diagnose import matching_mistake

    return matching_mistake(record, cand, device)


def cmd_report(args) -> int:
    tests = ROOT / "tests"
    if not tests.is_dir():
        print(f"formulary report: the test suite is not here ({tests}); run it from a clone of the repository", file=sys.stderr)
        return 2
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, FORMULARY_FIGURES=str(out / "figures"),
               PYTHONPATH=os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    cmd = [sys.executable, "-m", "pytest", str(tests), "-q", "--candidate", args.candidate, "--device", args.device,
           "--formulary-report", str(out), "--junitxml", str(out / "junit.xml"), "-o", "junit_family=xunit2"]
    if args.profile:
        cmd += ["--hypothesis-profile", args.profile]
    cmd += args.pytest_args
    rc = subprocess.call(cmd, cwd=ROOT, env=env)
    if rc in (0, 1) and (out / "conformance.json").is_file():  # passed, or some checks failed: still report
        import json

        from formulary.report import html, plots

        doc = json.loads((out / "conformance.json").read_text(encoding="utf-8"))
        plots.write_all(out / "figures", doc, args.candidate)
        print(f"wrote {html.write_index(out)}")
    return rc


def cmd_summary(args) -> int:
    from formulary import summary

    return summary.main(args.rest)


def cmd_drill(args) -> int:
    from formulary import drill

    return drill.main(args.rest)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="formulary", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    ls = sub.add_parser("list", help="the catalog's records, or the inventory IDs it lacks")
    ls.add_argument("--missing", action="store_true", help="print the inventory IDs that no record covers")
    ls.add_argument("--chapter", help="only this chapter (act, loss, opt, cnn, arch, rnn, lstm, gru, nn, hp)")
    ls.set_defaults(fn=cmd_list)

    ck = sub.add_parser("check", help="run records' checks against a candidate package; exit 1 on failure")
    ck.add_argument("--candidate", default="impl", help="package with impl's API (default: impl)")
    ck.add_argument("--only", nargs="+", metavar="ID", help="record IDs (an ID selects its /variants too) or chapters (act, loss...)")
    ck.add_argument("--device", default="cpu", help="torch device for the reference (default: cpu)")
    ck.add_argument("--profile", default=None, help="hypothesis profile: ci (default), dev, thorough")
    ck.set_defaults(fn=cmd_check)

    rp = sub.add_parser("report", help="run the suite and write reports/ (what 'make report' calls)")
    rp.add_argument("--candidate", default="impl")
    rp.add_argument("--device", default="cpu")
    rp.add_argument("--out", default=str(ROOT / "reports"), help="output folder (default: reports/)")
    rp.add_argument("--profile", default=None)
    rp.add_argument("pytest_args", nargs="*", help="extra arguments for pytest (after --)")
    rp.set_defaults(fn=cmd_report)

    sm = sub.add_parser("summary", help="a classic network's layer table (torchinfo-like)", add_help=False)
    sm.add_argument("rest", nargs=argparse.REMAINDER)
    sm.set_defaults(fn=cmd_summary)

    dr = sub.add_parser("drill", help="interview drills: quizzes and implement-it exercises", add_help=False)
    dr.add_argument("rest", nargs=argparse.REMAINDER)
    dr.set_defaults(fn=cmd_drill)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("drill", "summary"):
        # these subcommands parse their own options (argparse's REMAINDER drops leading --flags)
        _ensure_cwd_importable()
        return {"drill": cmd_drill, "summary": cmd_summary}[argv[0]](argparse.Namespace(rest=argv[1:]))
    args = parser().parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
