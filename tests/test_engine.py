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
def planted(here):
    """A package that re-exports impl with one bug planted in hardsigmoid."""
    pkg = here / "planted"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "activations.py").write_text(textwrap.dedent('''
        import numpy as np
        from impl.activations import *  # noqa
        def hardsigmoid(input):
            x = np.asarray(input)
            return np.clip(0.2 * x + 0.5, 0, 1).astype(x.dtype)
    '''))
    return here


def test_check_finds_the_planted_bug_and_names_record_and_mistake(planted, run):
    rc, out, err = run(["check", "--candidate", "planted", "--only", "act.hardsigmoid", "act.relu"])
    assert rc == 1, out + err
    assert "FAIL  act.hardsigmoid" in out
    assert "ok    act.relu" in out
    assert "keras-hard-sigmoid" in out
    assert "expected" in out and "got" in out


def test_check_rejects_unknown_ids_and_unresolvable_candidates(planted, run):
    assert run(["check", "--only", "act.nope"])[0] == 2
    assert run(["check", "--candidate", "nothing_here", "--only", "act.relu"])[0] == 2


def test_pytest_collection_errors_on_an_unresolvable_candidate(pytester):
    # in this process (pytester): the plugin and catalog are loaded already, a subprocess would load them again
    out = pytester.runpytest_inprocess(str(ROOT / "tests" / "test_conformance.py"), "-q", "-p", "no:cacheprovider",
                                       "--candidate", "no_such_package")
    assert out.ret != 0
    assert "cannot be resolved" in out.stdout.str() + out.stderr.str()


def test_list_missing_prints_exactly_the_uncovered_inventory_ids(here, run):
    from formulary import inventory

    rc, out, _ = run(["list", "--missing"])
    covered = {r.base_id for r in catalog.records()}
    assert rc == 0 and out.split() == [e.id for e in inventory.entries() if e.id not in covered]


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


def test_python_O_cannot_switch_the_checks_off(here, run):
    """A property record (the guide's worked convolution) judged under ``python -O``, which strips every
    bare ``assert``: the planted conv2d is off by 0.5, and only ``expect`` can say so.  The same check in
    this process (no -O) is the control."""
    pkg = here / "planted_o"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "conv.py").write_text(textwrap.dedent('''
        from impl.conv import *  # noqa
        from impl.conv import conv2d as _conv2d
        def conv2d(*args, **kwargs):
            return _conv2d(*args, **kwargs) + 0.5
    '''))
    args = ["check", "--candidate", "planted_o", "--only", "cnn.conv.single.example"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    optimized = subprocess.run([sys.executable, "-O", "-c", "import sys; assert False; sys.exit(3)"], env=env)
    assert optimized.returncode == 3  # -O really strips asserts
    control = run(args)
    done = subprocess.run([sys.executable, "-O", "-m", "formulary", *args], cwd=here, env=env, capture_output=True,
                          text=True)
    for flags, (rc, out, err) in ((["-O"], (done.returncode, done.stdout, done.stderr)), ([], control)):
        assert rc == 1, (flags, out + err)
        assert "FAIL  cnn.conv.single.example" in out, (flags, out)
        assert "the guide's first output is 1" in out, (flags, out)


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
