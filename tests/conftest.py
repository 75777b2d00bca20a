"""Test-session settings.

torch runs on one thread in the tests: the suite's tensors are tiny, where thread
start-up costs more than it saves, and a two-core CI machine running pytest beside
torch's own pool thrashes.  The benchmarks (benchmarks/) keep torch's default threads.
"""

import subprocess
import sys

import pytest
import torch
from hypothesis import settings

torch.set_num_threads(1)

pytest_plugins = ["pytester"]  # pytest run inside a test, without a second start-up


@pytest.fixture
def here(tmp_path, monkeypatch):
    """A fresh working folder on the import path, as a user's would be, for running the command line in this
    process (``run``): a subprocess would spend 4 s loading torch and the catalog again.  No candidate, path
    entry or hypothesis profile leaks between tests."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setenv("FORMULARY_DATA_DIR", str(tmp_path / "data"))

    def no_suite(*args, **kwargs):  # a bad invocation must stop before the suite runs (and never recurse into it)
        raise AssertionError(f"the suite was started: {args}")

    monkeypatch.setattr(subprocess, "call", no_suite)
    before = set(sys.modules)
    profile = settings.get_current_profile_name()  # `formulary check` loads its own
    yield tmp_path
    settings.load_profile(profile)
    for name in set(sys.modules) - before:
        if not name.startswith(("formulary", "impl", "reference", "torch", "numpy", "hypothesis", "matplotlib")):
            del sys.modules[name]


@pytest.fixture
def run(capsys):
    """``run(argv)``: the command line in this process; its exit status, stdout and stderr."""
    from formulary import cli

    def run(argv):
        rc = cli.main(argv)
        out, err = capsys.readouterr()
        return rc, out, err

    return run


def as_at_a_terminal():
    """pexpect's preexec_fn: the child gets SIGINT as a shell's foreground job would, whatever the test runner's
    worker process had inherited (a SIGINT ignored or blocked there passes through exec to the child, and then
    Ctrl-C reaches nothing)."""
    import signal  # noqa: PLC0415 -- used only in the forked child

    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
