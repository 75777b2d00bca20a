"""The engine's own promises: records validate, names resolve or fail loudly, the
candidate is swappable, and a planted bug is found and named."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch

from formulary import catalog, checks
from formulary.candidate import Candidate, NotFound, record_problems
from formulary.record import Mistake, Record, Sample, Tolerance

ROOT = Path(__file__).resolve().parents[1]


def _record(**kw):
    base = dict(id="act.sigmoid/x", kind="F", section="s", equation="e", check=lambda c: None,
                mistakes=(Mistake("m", "d", lambda: None),))
    return Record(**{**base, **kw})


def test_a_looser_tolerance_needs_a_reason():
    with pytest.raises(ValueError, match="looser than default"):
        _record(tolerances={np.float64: Tolerance(1e-5, 1e-7)})
    _record(tolerances={np.float64: Tolerance(1e-5, 1e-7, reason="accumulated rounding over 200 steps")})
    _record(tolerances={np.float64: Tolerance(1e-12, 1e-12)})  # tightening needs none


def test_every_record_needs_a_known_mistake_and_something_to_check():
    with pytest.raises(ValueError, match="known mistake"):
        _record(mistakes=())
    with pytest.raises(ValueError, match="inputs .* or check"):
        _record(check=None)


def test_unresolvable_names_are_reported_not_skipped():
    with pytest.raises(NotFound, match="no 'nope'"):
        Candidate("impl").get("activations.nope")
    with pytest.raises(NotFound, match="cannot import"):
        Candidate("no_such_package").get("activations.sigmoid")
    r = catalog.by_id("act.sigmoid")
    assert record_problems(r, Candidate("no_such_package"))


def test_select_takes_variants_and_rejects_unknown_ids():
    ids = [r.id for r in catalog.select(["act.gelu"])]
    assert ids == ["act.gelu", "act.gelu/tanh"]
    with pytest.raises(KeyError, match="act.nope"):
        catalog.select(["act.sigmoid", "act.nope"])
    gru = [r.id for r in catalog.select(["gru"])]  # a chapter's name: its records
    assert gru == [r.id for r in catalog.records() if r.id.startswith("gru.")] and gru
    with pytest.raises(KeyError, match="^'ac'$"):
        catalog.select(["ac"])  # a prefix that is no chapter selects nothing


def test_catalog_ids_are_unique():
    ids = [r.id for r in catalog.records()]
    assert len(ids) == len(set(ids))


def test_a_mistake_that_only_crashes_is_not_caught():
    r = catalog.by_id("act.relu")

    def crashes(input):
        raise RuntimeError("boom")

    crashing = Record(**{**r.__dict__, "id": "act.relu/crash", "mistakes": (Mistake("crash", "raises", crashes),)})
    with pytest.raises(AssertionError, match="only crashed"):
        checks.which_catches(crashing, "crash", Candidate("impl"))


@pytest.fixture
def planted(tmp_path):
    """A package that re-exports impl with one bug planted in hardsigmoid."""
    pkg = tmp_path / "planted"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "activations.py").write_text(textwrap.dedent('''
        import numpy as np
        from impl.activations import *  # noqa
        def hardsigmoid(input):
            x = np.asarray(input)
            return np.clip(0.2 * x + 0.5, 0, 1).astype(x.dtype)
    '''))
    return tmp_path


def _formulary(*args, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "formulary", *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_check_finds_the_planted_bug_and_names_record_and_mistake(planted):
    out = _formulary("check", "--candidate", "planted", "--only", "act.hardsigmoid", "act.relu", cwd=planted)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "FAIL  act.hardsigmoid" in out.stdout
    assert "ok    act.relu" in out.stdout
    assert "keras-hard-sigmoid" in out.stdout
    assert "expected" in out.stdout and "got" in out.stdout


def test_check_rejects_unknown_ids_and_unresolvable_candidates(planted):
    assert _formulary("check", "--only", "act.nope", cwd=planted).returncode == 2
    assert _formulary("check", "--candidate", "nothing_here", "--only", "act.relu", cwd=planted).returncode == 2


def test_pytest_collection_errors_on_an_unresolvable_candidate(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "tests" / "test_conformance.py"), "-q",
                          "--candidate", "no_such_package", "-p", "no:cacheprovider"],
                         cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode != 0
    assert "cannot be resolved" in out.stdout + out.stderr


def test_list_missing_prints_exactly_the_uncovered_inventory_ids(tmp_path):
    from formulary import inventory

    out = _formulary("list", "--missing", cwd=tmp_path)
    covered = {r.base_id for r in catalog.records()}
    assert out.stdout.split() == [e.id for e in inventory.entries() if e.id not in covered]


def test_report_documents_are_deterministic():
    from formulary.report.model import build
    from formulary.results import Outcome

    outcomes = [Outcome("act.relu", "edges", stats={"examples": 3, "max_abs_error": 0.0})]
    a = json.dumps(build(outcomes, candidate="impl", device="cpu", profile="ci"), sort_keys=True)
    b = json.dumps(build(list(outcomes), candidate="impl", device="cpu", profile="ci"), sort_keys=True)
    assert a == b


def test_a_deviation_names_a_known_source():
    from formulary.record import Deviation

    with pytest.raises(ValueError, match="guide convention"):
        Deviation("x", "y", source="the guide")


def test_python_O_cannot_switch_the_checks_off(tmp_path):
    """A property record (the guide's worked convolution) judged under ``python -O``, which strips every
    bare ``assert``: the planted conv2d is off by 0.5, and only ``expect`` can say so."""
    pkg = tmp_path / "planted_o"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "conv.py").write_text(textwrap.dedent('''
        from impl.conv import *  # noqa
        from impl.conv import conv2d as _conv2d
        def conv2d(*args, **kwargs):
            return _conv2d(*args, **kwargs) + 0.5
    '''))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    args = ["-m", "formulary", "check", "--candidate", "planted_o", "--only", "cnn.conv.single.example"]
    for flags in ([], ["-O"]):
        out = subprocess.run([sys.executable, *flags, *args], cwd=tmp_path, env=env, capture_output=True, text=True)
        assert out.returncode == 1, (flags, out.stdout + out.stderr)
        assert "FAIL  cnn.conv.single.example" in out.stdout, (flags, out.stdout)
        assert "the guide's first output is 1" in out.stdout, (flags, out.stdout)


def test_expect_needs_a_message_and_raises_the_engines_failure():
    from formulary.verdict import CheckFailure, expect

    expect(True, "holds")
    with pytest.raises(CheckFailure, match="what was expected"):
        expect(False, "what was expected")
    with pytest.raises(ValueError, match="message"):
        expect(False, "")


def test_a_deviation_needs_a_demonstration():
    from formulary.record import Deviation

    with pytest.raises(ValueError, match="demonstrate"):
        Deviation("a difference", "its reason")


def test_status_deviation_only_where_impl_and_torch_differ_and_sources_add_up():
    from formulary.record import SOURCES
    from formulary.report.model import build
    from formulary.results import Outcome

    records = catalog.records()
    outcomes = [Outcome(r.id, "edges", stats={"examples": 1}) for r in records]
    doc = build(outcomes, candidate="impl", device="cpu", profile="ci")
    s = doc["summary"]
    assert sum(s["by_status"].values()) == s["records"] == len(records)
    assert sum(s["deviations_by_source"].values()) == sum(len(r.deviations) for r in records)
    assert set(s["deviations_by_source"]) == set(SOURCES)
    for rec, r in zip(doc["records"], records, strict=True):
        assert (rec["status"] == "deviation") == any(d.source == "torch" for d in r.deviations), r.id


def test_a_truth_sample_is_judged_by_the_float64_reference():
    """Sample(truth=True): float32 against torch run in float64 and rounded once, forward and backward."""
    record = catalog.by_id("loss.mse")
    x, y = np.array([1e8, 1.0, -1e8], np.float32), np.array([0.0, 0.5, 3.0], np.float32)
    plain, truth = Sample((x, y), {"reduction": "sum"}), Sample((x, y), {"reduction": "sum"}, truth=True)
    exact = float(np.float32(np.sum((x.astype(np.float64) - y) ** 2)))
    assert checks._rounded(truth, checks.call_reference(record, truth, "cpu")[1].numpy(), np.float32) == exact
    assert checks.call_reference(record, truth, "cpu")[1].dtype == torch.float64
    assert checks.call_reference(record, plain, "cpu")[1].dtype == torch.float32
