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
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from formulary import catalog, checks, drill, inventory, peers, profiles, summary, usage
from formulary.candidate import Candidate, record_problems
from formulary.diagnose import matching_mistake
from formulary.report import html, plots
from formulary.timelimit import CHECK_SECONDS, CheckTimeout, time_limit

ROOT = Path(__file__).resolve().parent.parent


def _ensure_cwd_importable() -> None:
    # a candidate package in the user's working directory must be importable by name
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)


LIST_LEGEND = ("kind: F formula, E worked example, C claim, A algorithm; flags: b backward pass, o mpmath oracle, "
               "d deviation (- for none); then the number of known mistakes and the function to implement")


def cmd_list(args) -> int:
    if args.chapter and not any(r.chapter == args.chapter for r in catalog.records()):
        chapters = sorted({r.chapter for r in catalog.records()})
        raise usage.UsageError(f"--chapter {args.chapter!r} has no records; chapters: {', '.join(chapters)}")

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
    print(f"\n{LIST_LEGEND}")
    return 0


def _usable_candidate(name: str, records) -> Candidate:
    """The candidate, imported and with every name the records need; else a one-line UsageError."""
    usage.import_candidate(name)
    cand = Candidate(name)
    problems = [p for r in records for p in record_problems(r, cand)]
    if problems:
        more = f" (and {len(problems) - 1} more; --only checks a subset)" if len(problems) > 1 else ""
        raise usage.UsageError(f"cannot resolve {problems[0]}{more}")
    return cand


def cmd_check(args) -> int:
    _ensure_cwd_importable()
    usage.candidate_name(args.candidate)
    usage.profile(args.profile)
    usage.device(args.device)
    profiles.load(args.profile)
    try:
        records = catalog.select(args.only)
    except KeyError as exc:
        raise usage.UsageError(f"unknown record ID {exc.args[0]} (see 'formulary list')") from None
    if args.candidate.startswith("formulary.peers."):
        # a peer offers a subset of impl's names and no backward: held to the value checks it can run
        return peers.check(args.candidate.rsplit(".", 1)[1], args.only, args.device)
    cand = _usable_candidate(args.candidate, records)
    failed = 0
    for r in records:
        errors = []
        for name in checks.plan(r):
            try:
                with time_limit(args.timeout, f"{r.id} [{name}]"):
                    checks.run(r, name, cand, device=args.device)
            except AssertionError as exc:
                errors.append((name, str(exc)))
            except CheckTimeout as exc:
                errors.append((name, f"{r.id} [{name}]: {exc}"))
                break  # the rest would hang the same way
        if errors:
            failed += 1
            print(f"FAIL  {r.id}")
            for name, msg in errors:
                print(f"  [{name}]")
                print("    " + msg.replace("\n", "\n    "))
            hung = any(" did not return within " in msg for _, msg in errors)
            match = None if hung else _matching_mistake(r, cand, args.device, errors[0][0], args.timeout)
            if match:
                print(f"  this is the known mistake {match.name!r}: {match.description}")
        else:
            print(f"ok    {r.id}")
    print(f"{len(records) - failed} passed, {failed} failed")
    return 1 if failed else 0


def _matching_mistake(record, cand, device, failed_check, timeout):
    try:
        with time_limit(timeout, f"{record.id} (diagnosis)"):
            return matching_mistake(record, cand, device, failed_check)
    except CheckTimeout:
        return None


_FIGURES_OF_OTHER_TARGETS = ("speed-growth.png",)  # drawn by make bench, shown by SPEED.md
_MADE_BY_REPORT = ("conformance.json", "CONFORMANCE.md", "junit.xml", "index.html", "figures")


def cmd_report(args) -> int:
    tests = ROOT / "tests"
    if not tests.is_dir():
        raise usage.UsageError(f"the test suite is not here ({tests}); run it from a clone of the repository")
    _ensure_cwd_importable()
    usage.profile(args.profile)
    usage.device(args.device)
    out = usage.writable_dir(args.out)
    if out.is_dir() and any(out.iterdir()) and not (out / "conformance.json").is_file():
        # the folder is replaced whole: only ever a report folder, never a project or a home folder
        raise usage.UsageError(f"--out {args.out}: not empty and not a report folder (no conformance.json); "
                               "give a new or empty folder")
    _usable_candidate(args.candidate, catalog.records())
    # the whole report is made in a fresh sibling folder and moved in whole: a failed run leaves `out` as it
    # was, and figures of an earlier run (renamed or removed since) never survive into this one
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.new-"))
    try:
        if out.is_dir():  # what other runs wrote there (peers.json, mutation.json, SPEED.md...) stays
            for item in out.iterdir():
                if item.name not in _MADE_BY_REPORT:
                    (shutil.copytree if item.is_dir() else shutil.copy2)(item, work / item.name)
            for name in _FIGURES_OF_OTHER_TARGETS:  # a report run redraws its own figures, not these
                if (out / "figures" / name).is_file():
                    (work / "figures").mkdir(exist_ok=True)
                    shutil.copy2(out / "figures" / name, work / "figures" / name)
        rc = _run_report(args, work)
        if rc not in (0, 1) or not (work / "conformance.json").is_file():
            print(f"formulary report: the suite did not finish (pytest exit {rc}); {out} is unchanged", file=sys.stderr)
            return rc or 2
        _swap_in(work, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {out / 'index.html'}")
    return rc


def _run_report(args, work: Path) -> int:
    env = dict(os.environ, FORMULARY_FIGURES=str(work / "figures"),
               PYTHONPATH=os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    cmd = [sys.executable, "-m", "pytest", str(ROOT / "tests"), "-q", "--candidate", args.candidate, "--device",
           args.device, "--formulary-report", str(work), "--junitxml", str(work / "junit.xml"), "-o",
               "junit_family=xunit2"]
    if args.profile:
        cmd += ["--hypothesis-profile", args.profile]
    cmd += args.pytest_args
    rc = subprocess.call(cmd, cwd=ROOT, env=env)
    if rc in (0, 1) and (work / "conformance.json").is_file():  # passed, or some checks failed: still report
        doc = json.loads((work / "conformance.json").read_text(encoding="utf-8"))
        plots.write_all(work / "figures", doc, args.candidate)
        html.write_index(work)
    return rc


def _swap_in(work: Path, out: Path) -> None:
    """Replace ``out`` by ``work`` with two renames (same file system): never a half-written report."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.old-"))
        os.rmdir(old)
        os.rename(out, old)
    os.rename(work, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def cmd_summary(args) -> int:
    return summary.main(args.rest)


def cmd_drill(args) -> int:
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
    ck.add_argument("--only", nargs="+", metavar="ID",
                    help="record IDs (an ID selects its /variants too) or chapters (act, loss...)")
    ck.add_argument("--device", default="cpu", help="torch device for the reference (default: cpu)")
    ck.add_argument("--profile", default=None, help="hypothesis profile: ci (default), dev, thorough")
    ck.add_argument("--timeout", type=float, default=CHECK_SECONDS, metavar="S",
                    help=f"time limit per check on the candidate's code, seconds (default {CHECK_SECONDS:g}; 0: none)")
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
    command = argv[0] if argv else ""
    try:
        if command in ("drill", "summary"):
            # these subcommands parse their own options (argparse's REMAINDER drops leading --flags)
            _ensure_cwd_importable()
            return {"drill": cmd_drill, "summary": cmd_summary}[command](argparse.Namespace(rest=argv[1:]))
        args = parser().parse_args(argv)
        return args.fn(args)
    except usage.UsageError as exc:
        print(f"formulary {command}: {exc}".replace("formulary : ", "formulary: "), file=sys.stderr)
        return usage.EXIT_USAGE
    except KeyboardInterrupt:
        print(f"\nformulary {command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `formulary summary resnet50 | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
