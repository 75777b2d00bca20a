"""The command line never answers a bad invocation with a traceback: one line on stderr,
exit 2; and ``formulary report`` replaces its folder whole or not at all."""

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

from formulary import cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def here(tmp_path, monkeypatch):
    """A fresh working folder on the import path, as a user's would be; no candidate leaks between tests."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setenv("FORMULARY_DATA_DIR", str(tmp_path / "data"))

    def no_suite(*args, **kwargs):  # a bad invocation must stop before the suite runs (and never recurse into it)
        raise AssertionError(f"the suite was started: {args}")

    monkeypatch.setattr(subprocess, "call", no_suite)
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        if not name.startswith(("formulary", "impl", "reference", "torch", "numpy", "hypothesis", "matplotlib")):
            del sys.modules[name]


def package(root: Path, name: str, files: dict[str, str]) -> Path:
    pkg = root / name
    pkg.mkdir()
    (pkg / "__init__.py").write_text(files.pop("__init__", ""))
    for module, source in files.items():
        (pkg / f"{module}.py").write_text(textwrap.dedent(source))
    return pkg


def run(argv, capsys):
    rc = cli.main(argv)
    out, err = capsys.readouterr()
    return rc, out, err


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
def test_a_bad_candidate_is_one_line(here, capsys, name, needle):
    one_line_usage_error(*run(["check", "--candidate", name, "--only", "act.relu"], capsys), needle)


def test_an_unknown_candidate_without_only_is_one_line_not_268(here, capsys):
    one_line_usage_error(*run(["check", "--candidate", "doesnotexist"], capsys), "doesnotexist")


def test_a_candidate_with_a_syntax_error_names_file_and_line(here, capsys):
    package(here, "broken", {"activations": "import numpy as np\ndef relu(input)\n    return input\n"})
    one_line_usage_error(*run(["check", "--candidate", "broken", "--only", "act.relu"], capsys),
                         "syntax error", "activations.py, line 2")


def test_a_candidate_that_raises_on_import_is_one_line(here, capsys):
    package(here, "raising", {"__init__": "raise RuntimeError('no GPU here')\n"})
    one_line_usage_error(*run(["check", "--candidate", "raising", "--only", "act.relu"], capsys),
                         "RuntimeError: no GPU here", "__init__.py, line 1")


def test_a_candidate_with_missing_names_is_one_line(here, capsys):
    package(here, "partial", {"activations": "from impl.activations import relu, relu_backward\n"})
    one_line_usage_error(*run(["check", "--candidate", "partial", "--only", "act"], capsys), "more; --only")


def test_a_function_raising_in_a_deviations_demonstration_is_a_failure_not_a_traceback(here, capsys):
    package(here, "nanstep", {"basics": """
        import numpy as np
        from impl.basics import *  # noqa
        from impl.basics import step as _step

        def step(input, value=None):
            if np.isnan(np.asarray(input)).any():
                raise RuntimeError("NaN is not a number")
            return _step(input) if value is None else _step(input, value)
    """})
    rc, out, err = run(["check", "--candidate", "nanstep", "--only", "nn.perceptron/step"], capsys)
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
def test_bad_options_are_one_line(here, capsys, argv, needle):
    one_line_usage_error(*run(argv, capsys), needle)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU: --device cuda is valid here")
def test_cuda_without_a_gpu_is_an_environment_error_not_a_mistake(here, capsys):
    rc, out, err = run(["check", "--device", "cuda", "--only", "act.relu"], capsys)
    one_line_usage_error(rc, out, err, "no usable CUDA device", "not the candidate's")
    assert "known mistake" not in out + err


@pytest.mark.parametrize("package_name", ["impl", "numpy"])
def test_a_workspace_package_that_shadows_an_installed_one_is_refused(here, capsys, package_name):
    for cmd in ("start", "check"):
        one_line_usage_error(*run(["drill", cmd, "act.relu", "--package", package_name], capsys), "would shadow")
    assert not (here / "drills").exists()


def test_list_has_a_legend(capsys):
    rc, out, _ = run(["list", "--chapter", "act"], capsys)
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


def test_report_with_an_unresolvable_candidate_leaves_reports_exactly_as_they_were(here, capsys, old_reports):
    before = _snapshot(old_reports)
    one_line_usage_error(*run(["report", "--candidate", "doesnotexist", "--out", str(old_reports)], capsys),
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


def test_report_replaces_the_folder_whole_and_drops_stale_figures(here, capsys, monkeypatch, old_reports):
    monkeypatch.setattr(cli, "_run_report", _fake_suite(1, ["nn.xor.png", "act.relu.curve.png"]))
    rc, out, err = run(["report", "--out", str(old_reports)], capsys)
    assert rc == 1, err
    assert sorted(p.name for p in (old_reports / "figures").iterdir()) == ["act.relu.curve.png", "nn.xor.png"]
    assert json.loads((old_reports / "conformance.json").read_text()) == {"new": True}
    assert (old_reports / "peers.json").read_text() == "{}" and (old_reports / "SPEED.md").is_file()
    assert sorted(p.name for p in old_reports.parent.iterdir()) == ["reports"]


def test_a_report_whose_suite_breaks_leaves_the_old_one(here, capsys, monkeypatch, old_reports):
    before = _snapshot(old_reports)
    monkeypatch.setattr(cli, "_run_report", _fake_suite(3, ["half.png"]))
    rc, out, err = run(["report", "--out", str(old_reports)], capsys)
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


def test_report_never_replaces_a_folder_that_is_not_a_report(here, capsys):
    (here / "project").mkdir()
    (here / "project" / "notes.txt").write_text("mine")
    one_line_usage_error(*run(["report", "--out", str(here / "project")], capsys), "not a report folder")
    assert (here / "project" / "notes.txt").read_text() == "mine"
