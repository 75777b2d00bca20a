"""Drills: seeded sessions repeat, bad input never loses progress, exercises are judged
by the records' checks and name a planted known mistake."""

import os
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import as_at_a_terminal

from formulary.drill import exercise, session
from formulary.drill.progress import Progress
from formulary.drill.questions import TEMPLATES, BadAnswer, judge, parse

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMULARY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FORMULARY_TODAY", "2026-11-26")
    return tmp_path / "data"


def _session(answers, seed=7, count=4, progress=None):
    out = []
    progress = progress or Progress.load()
    tally = session.run(topics=None, count=count, level=2, seed=seed, read=session.lines_reader(answers, out.append),
                        write=out.append, progress=progress)
    return "\n".join(out), tally, progress


def test_a_seeded_session_is_reproducible():
    first, _, _ = _session(["1", "2", "3", "4"])
    Progress.load().path.unlink()
    second, _, _ = _session(["1", "2", "3", "4"])
    assert first == second
    assert first != _session(["1", "2", "3", "4"], seed=8)[0]


def test_every_template_answers_with_its_kind():
    import random

    for t, (chapter, _, make) in TEMPLATES.items():
        q = make(random.Random(0), 2)
        assert q.template == t and q.topic.split(".")[0] == chapter and q.solution
        assert judge(q, q.answer), t


def test_answers_are_parsed_by_kind():
    assert parse("1,792", "integer") == 1792
    assert parse("16x16x48", "shape") == (16, 16, 48)
    assert parse("(16, 16, 48)", "shape") == (16, 16, 48)
    assert parse("1/4", "number") == 0.25
    for bad, kind in [("abc", "number"), ("", "integer"), ("nan", "number"), ("1/0", "number"), ("x", "shape")]:
        with pytest.raises(BadAnswer):
            parse(bad, kind)


def test_bad_input_asks_again_and_end_of_input_keeps_progress(data_dir):
    text, tally, progress = _session(["abc", "", "skip"], count=3)
    assert "Try again" in text and "Please answer" in text
    assert tally == {"asked": 1, "right": 0, "ended": "end of input"}
    assert len(Progress.load().cards) == 1  # the skipped card was saved before input ended


def test_a_right_answer_moves_the_card_up(data_dir):
    import random

    progress = Progress.load()
    rng = random.Random(7)
    first = session.choose(progress, None, 1, rng)[0]
    q = session.make(first, rng, 2)
    text, tally, progress = _session([q.shown_answer().replace(",", "")], count=1)
    assert tally["right"] == 1 and progress.cards[first]["box"] == 2
    assert progress.cards[first]["due"] == "2026-11-27"


@pytest.fixture
def workspace(tmp_path):
    return tmp_path / "ws"


def _write(path: Path, source: str):
    path.write_text(textwrap.dedent(source))
    for mod in [m for m in sys.modules if m == "mine" or m.startswith("mine.")]:
        del sys.modules[mod]


def test_exercise_start_then_check_a_planted_mistake_then_a_solution(workspace):
    paths = exercise.start("act.softsign", workspace)
    stub = paths[0].read_text()
    assert "def softsign(input):" in stub and "NotImplementedError" in stub and ".. math::" in stub
    said = []
    assert not exercise.check("act.softsign", workspace, write=said.append)
    assert "NOT YET" in said[-1]

    _write(paths[0], '''
        import numpy as np
        def softsign(input):
            x = np.asarray(input)
            return x / (1 + x)
        def softsign_backward(grad_output, input):
            x = np.asarray(input)
            return grad_output / (1 + np.abs(x)) ** 2
    ''')
    said.clear()
    assert not exercise.check("act.softsign", workspace, write=said.append)
    assert "expected" in said[1] and "got" in said[1]
    assert "abs-forgotten" in said[-1]
    assert not Progress.load().exercises["act.softsign"]["done"]

    solution = """
        import numpy as np

        def _floats(x, name):
            if not isinstance(x, np.ndarray) or x.dtype not in (np.float32, np.float64):
                raise TypeError(f"{name} must be a float32 or float64 array")
            return x

        def softsign(input):
            x = _floats(input, "input")
            with np.errstate(invalid="ignore"):
                return (x / (1 + np.abs(x))).astype(x.dtype)

        def softsign_backward(grad_output, input):
            x, g = _floats(input, "input"), _floats(grad_output, "grad_output")
            if g.shape != x.shape:
                raise ValueError(f"grad_output has shape {g.shape}, expected {x.shape}")
            z = x.astype(np.float64)
            with np.errstate(over="ignore"):
                return np.where(np.isinf(z), np.nan, g / (1 + np.abs(z)) ** 2).astype(x.dtype)
    """
    _write(paths[0], solution)
    said.clear()
    assert exercise.check("act.softsign", workspace, write=said.append), said
    assert Progress.load().exercises["act.softsign"]["done"]


def test_start_never_overwrites_the_learners_code(workspace):
    path = exercise.start("act.relu", workspace)[0]
    path.write_text(path.read_text().replace("raise NotImplementedError",
                                             "return 0  # mine\n    raise NotImplementedError", 1))
    exercise.start("act.relu", workspace)
    assert "# mine" in path.read_text()


def test_the_interactive_session_survives_bad_input_and_ctrl_c(tmp_path, data_dir):
    pexpect = pytest.importorskip("pexpect", reason="pexpect drives the real terminal session")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = pexpect.spawn(sys.executable, ["-m", "formulary", "drill", "--seed", "1", "--count", "3"],
                          cwd=str(tmp_path), env=env, encoding="utf-8", timeout=30, preexec_fn=as_at_a_terminal)
    # start-up loads torch and the catalog: 4 s on a quiet 2-core machine, over 30 s with the suite's
    # xdist workers beside it; the limit guards against a hang, it judges nothing
    child.expect(r"\[1/3\]", timeout=120)
    child.expect("> ")
    child.sendline("not a number")
    child.expect("Try again")
    child.expect("> ")
    child.sendline("skip")
    child.expect("Worked solution")
    child.expect(r"\[2/3\]")
    child.expect("> ")
    child.sendintr()
    child.expect("Interrupted: progress saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in child.before
    assert len(Progress.load().cards) == 1


CHAPTER_GROUPS = {"act": {"act"}, "loss": {"loss"}, "opt": {"opt"}, "cnn": {"cnn"}, "arch": {"arch"},
                  "recurrent": {"rnn", "lstm", "gru"}, "nn": {"nn"}, "hp": {"hp"}, "reg": {"reg"}, "init": {"init"}}


def test_every_chapter_has_quiz_templates():
    have = {chapter for chapter, _, _ in TEMPLATES.values()}
    missing = [name for name, prefixes in CHAPTER_GROUPS.items() if not prefixes & have]
    assert not missing, f"chapters without quiz templates: {missing}"


# one exercise per chapter: a planted known mistake is named, the right code passes
EXERCISES = ["act.softsign", "loss.mse", "opt.adam", "cnn.conv.single", "arch.resnet/basic-block",
             "lstm.forget_gate", "nn.perceptron", "hp.bayes/ei", "act.mish", "reg.dropout", "init.calculate_gain"]


def _plant(paths, workspace, record, mistake=None):
    """Make each skeleton module re-export impl's, with ``mistake`` planted where it belongs."""
    target = record.target_name(mistake.target) if mistake else None
    for path in paths:
        module = ".".join(path.relative_to(workspace / "mine").with_suffix("").parts)
        lines = [f"from impl.{module} import *  # noqa"]
        for dotted in exercise.exercise_names(record):
            mod, _, attr = dotted.rpartition(".")
            if mod == module:
                lines.append(f"from impl.{mod} import {attr}  # noqa")
        if target and target.rpartition(".")[0] == module:
            lines += ["from formulary import catalog",
                      f"{target.rpartition('.')[2]} = next(m.fn for m in catalog.by_id({record.id!r}).mistakes "
                      f"if m.name == {mistake.name!r})"]
        _write(path, "\n".join(lines) + "\n")


@pytest.mark.parametrize("record_id", EXERCISES)
def test_exercise_names_a_planted_mistake_and_passes_a_solution(record_id, workspace):
    from formulary import catalog

    record = catalog.by_id(record_id)
    paths = exercise.start(record_id, workspace)
    mistake = next(m for m in record.mistakes if m.target in (None, "backward"))
    _plant(paths, workspace, record, mistake)
    said = []
    assert not exercise.check(record_id, workspace, write=said.append)
    assert f"'{mistake.name}'" in said[-1], said[-1]
    assert f"repro: formulary drill check {record_id} --workspace {workspace}" in said[1], said[1]  # what reruns it
    _plant(paths, workspace, record)
    said.clear()
    assert exercise.check(record_id, workspace, write=said.append), said
    assert Progress.load().exercises[record_id]["done"]
