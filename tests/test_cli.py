"""The command line never answers a bad invocation with a traceback: one line on stderr,
exit 2; and ``formulary report`` replaces its folder whole or not at all."""

import json
import re
import subprocess
import textwrap
from pathlib import Path

import pytest
import torch

from formulary import cli

ROOT = Path(__file__).resolve().parents[1]


def package(root: Path, name: str, files: dict[str, str]) -> Path:
    pkg = root / name
    pkg.mkdir()
    (pkg / "__init__.py").write_text(files.pop("__init__", ""))
    for module, source in files.items():
        (pkg / f"{module}.py").write_text(textwrap.dedent(source))
    return pkg


def one_line_usage_error(rc, out, err, *needles):
    assert rc == 2, (rc, out, err)
    assert "Traceback" not in out + err
    assert len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err, (needle, err)


@pytest.mark.parametrize("name, needle", [
    ("doesnotexist", "cannot import the candidate 'doesnotexist'"),
    ("", "--candidate is empty"),
    ("   ", "--candidate is empty"),
    ("./mine", "not a path"),
    ("mine/", "not a path"),
    ("mine.py", "not a path"),
    ("my-package", "not a Python package name"),
])
def test_a_bad_candidate_is_one_line(here, name, needle, run):
    one_line_usage_error(*run(["check", "--candidate", name, "--only", "act.relu"]), needle)


def test_an_unknown_candidate_without_only_is_one_line_not_268(here, run):
    one_line_usage_error(*run(["check", "--candidate", "doesnotexist"]), "doesnotexist")


def test_a_candidate_with_a_syntax_error_names_file_and_line(here, run):
    package(here, "broken", {"activations": "import numpy as np\ndef relu(input)\n    return input\n"})
    one_line_usage_error(*run(["check", "--candidate", "broken", "--only", "act.relu"]),
                         "syntax error", "activations.py, line 2")


def test_a_candidate_that_raises_on_import_is_one_line(here, run):
    package(here, "raising", {"__init__": "raise RuntimeError('no GPU here')\n"})
    one_line_usage_error(*run(["check", "--candidate", "raising", "--only", "act.relu"]),
                         "RuntimeError: no GPU here", "__init__.py, line 1")


def test_a_candidate_with_missing_names_is_one_line(here, run):
    package(here, "partial", {"activations": "from impl.activations import relu, relu_backward\n"})
    one_line_usage_error(*run(["check", "--candidate", "partial", "--only", "act"]), "more; --only")


def test_a_function_raising_in_a_deviations_demonstration_is_a_failure_not_a_traceback(here, run):
    package(here, "nanstep", {"basics": """
        import numpy as np
        from impl.basics import *  # noqa
        from impl.basics import step as _step

        def step(input, value=None):
            if np.isnan(np.asarray(input)).any():
                raise RuntimeError("NaN is not a number")
            return _step(input) if value is None else _step(input, value)
    """})
    rc, out, err = run(["check", "--candidate", "nanstep", "--only", "nn.perceptron/step"])
    assert rc == 1 and "Traceback" not in out + err, out + err
    assert "[deviations]" in out, out
    assert "RuntimeError: NaN is not a number in `step` (nanstep/basics.py, line 8)" in out, out


@pytest.mark.parametrize("argv, needle", [
    (["check", "--device", "foo", "--only", "act.relu"], "--device 'foo' is not a torch device"),
    (["check", "--profile", "foo", "--only", "act.relu"], "--profile 'foo' is not a hypothesis profile"),
    (["check", "--only", "act.nosuch"], "unknown record ID"),
    (["report", "--profile", "nope", "--out", "r"], "--profile 'nope'"),
    (["report", "--device", "tpu9", "--out", "r"], "--device 'tpu9'"),
    (["report", "--out", "/proc/formulary-report"], "--out /proc/formulary-report: cannot write"),
    (["drill", "--topic", "zzz"], "unknown --topic zzz"),
    (["drill", "--answers", "no-such-file.txt"], "--answers no-such-file.txt: cannot read it"),
    (["drill", "--count", "0"], "--count must be at least 1"),
    (["drill", "check", "act.nosuch"], "unknown record ID"),
    (["list", "--chapter", "zz"], "--chapter 'zz' has no records"),
])
def test_bad_options_are_one_line(here, argv, needle, run):
    one_line_usage_error(*run(argv), needle)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU: --device cuda is valid here")
def test_cuda_without_a_gpu_is_an_environment_error_not_a_mistake(here, run):
    rc, out, err = run(["check", "--device", "cuda", "--only", "act.relu"])
    one_line_usage_error(rc, out, err, "no usable CUDA device", "not the candidate's")
    assert "known mistake" not in out + err


@pytest.mark.parametrize("package_name", ["impl", "numpy"])
def test_a_workspace_package_that_shadows_an_installed_one_is_refused(here, package_name, run):
    for cmd in ("start", "check"):
        one_line_usage_error(*run(["drill", cmd, "act.relu", "--package", package_name]), "would shadow")
    assert not (here / "drills").exists()


def test_list_has_a_legend(run):
    rc, out, _ = run(["list", "--chapter", "act"])
    assert rc == 0 and "kind: F formula" in out and "b backward pass" in out


def test_drill_help_lists_start_and_check(capsys):
    with pytest.raises(SystemExit):
        cli.main(["drill", "--help"])
    out = capsys.readouterr().out
    assert "formulary drill start ID" in out and "formulary drill check ID" in out


# -- the report is moved in whole ----------------------------------------------------------------

def _snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def old_reports(tmp_path):
    out = tmp_path / "reports"
    (out / "figures").mkdir(parents=True)
    (out / "conformance.json").write_text('{"old": true}')
    (out / "figures" / "nn_xor.png").write_bytes(b"stale")
    (out / "figures" / "nn.xor.png").write_bytes(b"old")
    (out / "peers.json").write_text("{}")  # from `make peers`: kept
    (out / "SPEED.md").write_text("# speed\n")  # from `make bench`: kept
    return out


def test_report_with_an_unresolvable_candidate_leaves_reports_exactly_as_they_were(here, old_reports, run):
    before = _snapshot(old_reports)
    one_line_usage_error(*run(["report", "--candidate", "doesnotexist", "--out", str(old_reports)]),
                         "doesnotexist")
    assert _snapshot(old_reports) == before
    assert sorted(p.name for p in old_reports.parent.iterdir()) == ["reports"]  # no temporary folder left


def _fake_suite(rc: int, figures: list[str]):
    def run_report(args, work: Path) -> int:
        assert not (work / "figures").exists(), "the run must start from a clean figures folder"
        (work / "figures").mkdir()
        for name in figures:
            (work / "figures" / name).write_bytes(b"new")
        if rc in (0, 1):
            (work / "conformance.json").write_text(json.dumps({"new": True}))
            (work / "index.html").write_text("<html>")
        return rc
    return run_report


def test_report_replaces_the_folder_whole_and_drops_stale_figures(here, monkeypatch, old_reports, run):
    monkeypatch.setattr(cli, "_run_report", _fake_suite(1, ["nn.xor.png", "act.relu.curve.png"]))
    rc, out, err = run(["report", "--out", str(old_reports)])
    assert rc == 1, err
    assert sorted(p.name for p in (old_reports / "figures").iterdir()) == ["act.relu.curve.png", "nn.xor.png"]
    assert json.loads((old_reports / "conformance.json").read_text()) == {"new": True}
    assert (old_reports / "peers.json").read_text() == "{}" and (old_reports / "SPEED.md").is_file()
    assert sorted(p.name for p in old_reports.parent.iterdir()) == ["reports"]


def test_a_report_whose_suite_breaks_leaves_the_old_one(here, monkeypatch, old_reports, run):
    before = _snapshot(old_reports)
    monkeypatch.setattr(cli, "_run_report", _fake_suite(3, ["half.png"]))
    rc, out, err = run(["report", "--out", str(old_reports)])
    assert rc == 3 and "unchanged" in err
    assert _snapshot(old_reports) == before
    assert sorted(p.name for p in old_reports.parent.iterdir()) == ["reports"]


def test_the_readmes_pytest_example_runs_tests(tmp_path):
    """README: the whole suite against a swapped candidate (it used to say 'no tests ran')."""
    import shlex
    import shutil

    readme = (ROOT / "README.md").read_text().splitlines()
    line = next(li for li in readme if "pytest" in li and "--candidate mine" in li)
    argv = shlex.split(line.split("#")[0].replace("~/formulary", str(ROOT)))
    shutil.copytree(ROOT / "impl", tmp_path / "mine", ignore=shutil.ignore_patterns("__pycache__"))
    argv += [str(ROOT / "tests" / "test_conformance.py"), "-k", "act.sigmoid and edges", "-q", "-p", "no:cacheprovider"]
    argv.remove(str(ROOT / "tests"))
    done = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert re.search(r"\b[1-9]\d* passed", done.stdout), done.stdout[-2000:]


def test_report_never_replaces_a_folder_that_is_not_a_report(here, run):
    (here / "project").mkdir()
    (here / "project" / "notes.txt").write_text("mine")
    one_line_usage_error(*run(["report", "--out", str(here / "project")]), "not a report folder")
    assert (here / "project" / "notes.txt").read_text() == "mine"
