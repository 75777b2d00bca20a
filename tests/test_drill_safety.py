"""Drills that never lose work, never hang and never teach a wrong lesson (issue 19).

Progress: concurrent sessions merge, a corrupt file is kept aside.  Candidate code: a
hang is reported with its function and line, Ctrl-C ends cleanly.  Diagnosis: a known
mistake is named only when it reproduces the failure.  Feedback: the failing input
element, the learner's line, the contract in the skeleton, quiz misses and traps.
"""

import json
import os
import random
import re
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from conftest import as_at_a_terminal

from formulary.drill import exercise, session
from formulary.drill.progress import Progress

ROOT = Path(__file__).resolve().parents[1]
pexpect = pytest.importorskip("pexpect", reason="pexpect drives the real terminal sessions")


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMULARY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FORMULARY_TODAY", "2026-11-26")
    return tmp_path / "data"


def spawn(args, cwd, timeout=120):
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="200")
    return pexpect.spawn(sys.executable, ["-m", "formulary", *args], cwd=str(cwd), env=env, encoding="utf-8",
                         timeout=timeout, dimensions=(50, 200), preexec_fn=as_at_a_terminal)


def learner(ws: Path, source: str, module: str = "activations") -> Path:
    pkg = ws / "drills" / "mine"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").touch()
    path = pkg / f"{module}.py"
    path.write_text(textwrap.dedent(source))
    for mod in [m for m in sys.modules if m == "mine" or m.startswith("mine.")]:
        del sys.modules[mod]
    return path


# -- progress ------------------------------------------------------------------------------------

def test_two_sessions_at_once_keep_all_four_answers(tmp_path, data_dir):
    a = spawn(["drill", "--topic", "act", "--count", "2", "--seed", "1"], tmp_path)
    b = spawn(["drill", "--topic", "cnn", "--count", "2", "--seed", "1"], tmp_path)
    for child in (a, b):  # both sessions have loaded their progress before either answers
        child.expect(r"\[1/2\]")
        child.expect("> ")
    for step in ("[2/2]", "right."):
        for child in (a, b):
            child.sendline("1")
            child.expect(re.escape(step))
    for child in (a, b):
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0 and "Traceback" not in child.before
    cards = json.loads((data_dir / "progress.json").read_text())["cards"]
    assert len(cards) == 4 and sum(c["seen"] for c in cards.values()) == 4, cards


def test_saving_merges_what_another_session_saved_meanwhile(data_dir):
    first, second = Progress.load(), Progress.load()
    on = session.today()
    first.answer("act.sigmoid.value", True, on)
    second.answer("cnn.fc.params", False, on)
    second.answer("act.sigmoid.value", True, on)  # the same card from both: both answers count
    cards = Progress.load().cards
    assert set(cards) == {"act.sigmoid.value", "cnn.fc.params"}
    assert cards["act.sigmoid.value"]["seen"] == 2 and cards["act.sigmoid.value"]["box"] == 3


def test_a_save_waits_for_the_lock(data_dir):
    import fcntl

    progress = Progress.load()
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = open(data_dir / "progress.json.lock", "a")
    fcntl.flock(lock, fcntl.LOCK_EX)
    saver = threading.Thread(target=progress.answer, args=("act.gelu.value", True, session.today()))
    saver.start()
    time.sleep(0.5)
    assert not (data_dir / "progress.json").exists(), "saved while another session held the lock"
    fcntl.flock(lock, fcntl.LOCK_UN)
    lock.close()
    saver.join(10)
    assert "act.gelu.value" in Progress.load().cards


@pytest.mark.parametrize("content", [
    b'{"version": 1, "cards": {"act.sigmoid.value": {"box": 2, "du',  # truncated
    b"\x00\xff garbage \x89PNG",
    b'{"version": 99, "cards": {}, "exercises": {}}',  # from a newer formulary
    b"[1, 2, 3]",
])
def test_an_unreadable_progress_file_is_kept_aside_with_one_line(data_dir, here, run, content):
    data_dir.mkdir(parents=True)
    (data_dir / "progress.json").write_bytes(content)
    rc, out, err = run(["drill", "--stats"])  # a traceback would fail this test
    assert rc == 0, out + err
    notes = [line for line in (out + err).splitlines() if "progress file" in line]
    assert len(notes) == 1 and "Kept it as" in notes[0] and "mv " in notes[0], out + err
    backup = data_dir / "progress.json.bad-1"
    assert backup.read_bytes() == content  # never rewritten
    assert not (data_dir / "progress.json").exists()
    # the next session works and saves afresh; the backup stays
    assert run(["drill", "--count", "1", "--seed", "1", "--answers", os.devnull])[0] == 0
    assert backup.read_bytes() == content


# -- candidate code that hangs ----------------------------------------------------------------------

HANG = """\
    import numpy as np

    def softsign(input):
        x = np.asarray(input)
        while True:
            x = x + 0

    def softsign_backward(grad_output, input):
        return grad_output
"""


def test_a_hanging_exercise_is_reported_with_its_line(here, run):
    learner(here, HANG)
    rc, out, err = run(["drill", "check", "act.softsign", "--timeout", "2"])
    assert rc == 1, out + err
    assert "`softsign` did not return within 2 s (drills/mine/activations.py, line 5)" in out + err


def test_a_hanging_candidate_does_not_hang_check(here, run, monkeypatch):
    learner(here, HANG)
    monkeypatch.chdir(here / "drills")
    rc, out, err = run(["check", "--candidate", "mine", "--only", "act.softsign", "--timeout", "2"])
    assert rc == 1, out + err
    assert "`softsign` did not return within 2 s (mine/activations.py, line 5)" in out
    assert "0 passed, 1 failed" in out


def test_ctrl_c_on_a_hang_ends_without_a_traceback(tmp_path):
    learner(tmp_path, HANG)
    child = spawn(["drill", "check", "act.softsign", "--timeout", "0"], tmp_path)
    child.expect("Checking act.softsign")
    time.sleep(1.0)
    child.sendintr()
    child.expect("interrupted")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130 and "Traceback" not in child.before, child.before


# -- the diagnosis: right or silent --------------------------------------------------------------------

def test_a_backward_without_the_upstream_gradient_is_not_called_a_dtype_mistake(tmp_path):
    learner(tmp_path, """\
        from impl.activations import sigmoid

        def sigmoid_backward(grad_output, input):
            s = sigmoid(input)
            return s * (1 - s)
    """)
    said = []
    assert not exercise.check("act.sigmoid", tmp_path / "drills", write=said.append)
    assert "float64-output" not in "\n".join(said)
    assert "'backward-no-chain'" in said[-1], said


def test_a_float64_answer_is_the_float64_mistake(tmp_path):
    learner(tmp_path, """\
        import numpy as np
        from impl.activations import sigmoid as _sigmoid, sigmoid_backward

        def sigmoid(input):
            return _sigmoid(np.asarray(input).astype(np.float64))
    """)
    said = []
    assert not exercise.check("act.sigmoid", tmp_path / "drills", write=said.append)
    assert "'float64-output'" in said[-1], said


def test_a_wrong_formula_that_is_no_known_mistake_gets_no_name(tmp_path):
    learner(tmp_path, """\
        import numpy as np
        from impl.activations import softsign_backward

        def softsign(input):
            x = np.asarray(input)
            return (x / (2 + np.abs(x))).astype(x.dtype)
    """)
    said = []
    assert not exercise.check("act.softsign", tmp_path / "drills", write=said.append)
    assert not any("known mistake" in line for line in said), said


# -- feedback that teaches ---------------------------------------------------------------------

def test_a_failure_at_infinity_shows_the_infinite_input(tmp_path):
    learner(tmp_path, """\
        import numpy as np
        from impl.activations import softsign as _softsign, softsign_backward

        def softsign(input):
            x = np.asarray(input)
            return np.where(np.isinf(x), np.sign(x), _softsign(input)).astype(x.dtype)
    """)
    said = []
    assert not exercise.check("act.softsign", tmp_path / "drills", write=said.append)
    assert re.search(r"where the inputs are: input\[\d+\] = -?inf", said[1]), said[1]


def test_an_exception_names_the_learners_function_and_line(tmp_path):
    learner(tmp_path, """\
        import numpy as np
        from impl.activations import softsign_backward

        def _scale(x):
            return x / x.shape[1]

        def softsign(input):
            return _scale(np.asarray(input))
    """)
    said = []
    assert not exercise.check("act.softsign", tmp_path / "drills", write=said.append)
    assert "IndexError" in said[1] and "in `_scale` (" in said[1] and "activations.py, line 5)" in said[1], said[1]


def test_the_skeleton_states_the_error_contract(tmp_path):
    path = exercise.start("act.softsign", tmp_path / "drills")[0]
    text = path.read_text()
    assert "What `formulary drill check` will also demand" in text
    assert "softsign('0.5') -> TypeError" in text and "multiplies by grad_output" in text
    compile(text, str(path), "exec")  # still valid Python


def test_start_first_is_said_only_when_that_is_the_cause(tmp_path):
    said = []
    assert not exercise.check("act.softsign", tmp_path / "drills", write=said.append)
    assert "drill start act.softsign" in said[-1]
    learner(tmp_path, "import numpy as np\ndef softsign(input)\n    return input\n")
    said.clear()
    assert not exercise.check("act.softsign", tmp_path / "drills", write=said.append)
    assert "drill start" not in said[-1] and "syntax error" in said[-1] and "line 2" in said[-1], said


def _first_question(topic: str, seed: int):
    rng = random.Random(seed)
    template_id = session.choose(Progress.load(), [topic], 1, rng)[0]
    return session.make(template_id, rng, 2)


def _quiz(topic: str, answer: str, seed: int = 5) -> str:
    out = []
    session.run(topics=[topic], count=1, level=2, seed=seed, read=session.lines_reader([answer], out.append),
                write=out.append, progress=Progress.load())
    return "\n".join(out)


def test_a_miss_is_marked_as_a_miss_with_its_box():
    text = _quiz("opt.adam.step", "123")
    assert "Miss: the answer is" in text and "back to box 1" in text, text


def test_a_wrong_answer_equal_to_a_known_mistake_is_named():
    q = _first_question("opt.adam.step", 5)
    trap = q.traps[0][0]
    assert not session.judge(q, trap)
    text = _quiz("opt.adam.step", repr(trap))
    assert "Miss" in text and "no-bias-correction" in text, text


def test_a_shape_in_the_wrong_order_gets_a_hint():
    seed = next(s for s in range(50) if len(set(_first_question("cnn.conv.output_shape", s).answer)) > 1)
    q = _first_question("cnn.conv.output_shape", seed)
    h, w, c = q.answer
    text = _quiz("cnn.conv.output_shape", f"{c}x{h}x{w}", seed)
    assert "Miss" in text and "wrong order" in text, text
