"""The JAX and TensorFlow peers: triage, "not provided", the matrix, the independent judges.

Tests that run a framework skip unless the peer extra is installed (``make peers`` builds
.venv-peers with it); the rest run everywhere, ``make test`` and CI included.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from formulary import catalog, checks
from formulary.candidate import Candidate
from formulary.peers import _not_provided, run_record, triage
from formulary.peers.autodiff import Engine, NotProvided
from formulary.report import matrix
from reference import tf_judge

HAS_TF = importlib.util.find_spec("tensorflow") is not None
HAS_JAX = importlib.util.find_spec("jax") is not None and importlib.util.find_spec("optax") is not None


def _entry(status="fail", checks_=None):
    return {"status": status, "checks": checks_ or {"edges": "fail", "forward-float64": "pass"}}


def test_adapters_import_without_their_frameworks():
    """The adapters' packages import nothing heavy at import time: importable with or without jax/tensorflow."""
    import formulary.peers.jax
    import formulary.peers.tensorflow  # noqa: F401


def test_a_convention_makes_a_deviation_and_a_framework_error_stays_failed(monkeypatch):
    monkeypatch.setitem(triage.TRIAGE, ("x", "a"), triage.Triage("convention", "eps placement", "a", ("edges",)))
    monkeypatch.setitem(triage.TRIAGE, ("x", "b"), triage.Triage("framework error", "wrong tail", "b"))
    a, b, c = _entry(), _entry(), _entry()
    triage.apply("x", "a", a), triage.apply("x", "b", b), triage.apply("x", "c", c)
    assert a["status"] == "deviation" and a["triage"]["link"] == f"{triage.DOC}#a"
    assert b["status"] == "fail" and b["triage"]["class"] == "framework error"
    assert c["status"] == "fail" and "triage" not in c


def test_a_triage_never_hides_a_failure_in_another_check(monkeypatch):
    monkeypatch.setitem(triage.TRIAGE, ("x", "a"), triage.Triage("convention", "eps", "a", ("edges",)))
    e = _entry(checks_={"edges": "fail", "backward-float32": "fail"})
    triage.apply("x", "a", e)
    assert e["status"] == "fail" and e["untriaged_checks"] == ["backward-float32"]
    passed = _entry("pass", {"edges": "pass"})
    triage.apply("x", "a", passed)
    assert passed["status"] == "pass" and "stale_triage" in passed


def test_retriage_recomputes_statuses_and_counts_from_the_recorded_checks(monkeypatch):
    from formulary.peers import retriage

    result = {"records": {"a": {"status": "deviation", "checks": {"edges": "fail", "property": "not provided"},
                                "triage": {"class": "convention"}},
                          "b": {"status": "fail", "checks": {"edges": "fail"}},
                          "c": {"status": "pass", "checks": {"edges": "pass"}}}}
    monkeypatch.setitem(triage.TRIAGE, ("x", "b"), triage.Triage("convention", "eps", "b", ("edges",)))
    retriage("x", result)
    assert {k: e["status"] for k, e in result["records"].items()} == {"a": "fail", "b": "deviation", "c": "pass"}
    assert (result["run"], result["passed"], result["deviations"], result["failed"]) == (3, 1, 1, 1)
    assert result["untriaged"] == ["a"] and "triage" not in result["records"]["a"]


def test_every_triage_entry_is_well_formed_and_documented():
    doc = (catalog.__file__.rsplit("/formulary/", 1)[0] + "/" + triage.DOC)
    text = open(doc, encoding="utf-8").read()
    ids = {r.id for r in catalog.select(None)}
    for (peer, rid), t in triage.TRIAGE.items():
        assert peer in ("jax", "tensorflow") and rid in ids, (peer, rid)
        assert f'<a id="{t.anchor}"></a>' in text, f"{t.anchor} has no section in {triage.DOC}"
        assert t.kind != "adapter mistake", f"{peer} {rid}: an adapter mistake is fixed, not listed"


def test_not_provided_is_found_behind_the_wrapping_exception():
    try:
        try:
            raise NotProvided("no dampening")
        except NotProvided as exc:
            raise AssertionError("candidate raised") from exc
    except AssertionError as outer:
        assert isinstance(_not_provided(outer), NotProvided)
    assert _not_provided(AssertionError("wrong value")) is None


def test_engine_backward_is_the_vjp_of_the_forward_by_argument_name():
    """A NumPy engine whose vjp is known: backward picks arguments by name, None stays None."""
    def vjp(fn, primals, grad_output):
        return [grad_output * 2.0 * primals[0], None][: len(primals)]

    engine = Engine(name="numpy", asarray=np.asarray, vjp=vjp)

    def square(input, bias=None):
        return input ** 2
    bwd = engine.backward(square, ("input", "bias"))
    d_input, d_bias = bwd(np.ones(3), np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(d_input, [2.0, 4.0, 6.0])
    assert d_bias is None


def test_matrix_renders_cells_links_and_summary_lines():
    rid = "act.relu"
    peers = {"jax": {"package": "jax", "version": "0.10.2", "run": 2, "passed": 0, "deviations": 1, "failed": 1,
                     "untriaged": ["act.tanh"], "not_provided": ["act.prelu"],
                     "records": {rid: {"status": "deviation", "checks": {}, "triage": {
                         "class": "convention", "summary": "s", "link": f"{triage.DOC}#x"}},
                         "act.tanh": {"status": "fail", "checks": {}}}}}
    doc = {"records": [{"id": rid, "accuracy": []}, {"id": "act.tanh", "accuracy": []}], "peers": peers}
    md = "\n".join(matrix.markdown(doc))
    assert f"[deviation (convention)](../{triage.DOC}#x)" in md and "**fail** (untriaged)" in md
    assert "JAX (jax 0.10.2): provides 2 of 3 records — 0 pass, 1 deviation (conventions), 1 fail (1 untriaged)" in md
    assert 'href="../docs/peers-triage.md#x"' in matrix.html(doc, lambda s: s)


@pytest.mark.skipif(HAS_TF, reason="TensorFlow is installed: the TensorFlow judge runs instead")
def test_without_tensorflow_the_record_says_which_judge_ran():
    for rid in ("cnn.pad.same", "loss.mse/guide"):
        record = catalog.select([rid])[0]
        findings = checks.run(record, "property", Candidate("impl")).findings
        assert findings["judge"].endswith("(TensorFlow not installed)"), findings


@pytest.mark.skipif(not HAS_TF, reason="needs the peer extra (make peers): TensorFlow")
def test_tensorflow_judges_same_padding_and_the_guides_losses():
    assert tf_judge.same_padding(6, 3, 2, 1) == (0, 1) and tf_judge.same_padding(7, 3, 3, 2) == (2, 2)
    for rid in ("cnn.pad.same", "loss.mse/guide", "loss.msle/guide", "loss.hinge/guide"):
        findings = checks.run(catalog.select([rid])[0], "property", Candidate("impl")).findings
        assert findings["judge"].startswith("TensorFlow "), findings


@pytest.mark.skipif(not HAS_TF, reason="needs the peer extra (make peers): TensorFlow")
def test_tensorflow_peer_takes_an_activation_and_an_lstm_cell():
    """Keras's LSTMCell with torch's gates mapped agrees with torch on drawn samples, forward and backward
    (its edge bank fails on the empty batch: a triaged framework error)."""
    candidate = Candidate("formulary.peers.tensorflow", label="tensorflow")
    assert run_record(catalog.select(["act.sigmoid"])[0], candidate)["status"] == "pass"
    lstm = [r for r in catalog.select(["lstm.cell/step"]) if r.id == "lstm.cell/step"][0]
    entry = run_record(lstm, candidate)
    assert {k: v for k, v in entry["checks"].items() if k != "edges"} == dict.fromkeys(
        ("forward-float32", "forward-float64", "backward-float32", "backward-float64"), "pass"), entry


@pytest.mark.skipif(not HAS_JAX, reason="needs the peer extra (make peers): jax, optax")
def test_jax_peer_takes_an_activation_and_says_not_provided():
    candidate = Candidate("formulary.peers.jax", label="jax")
    assert run_record(catalog.select(["act.sigmoid"])[0], candidate)["status"] == "pass"
    with pytest.raises(NotProvided):
        candidate.get("conv.max_pool2d")(np.zeros((1, 1, 4, 4)), 2, return_indices=True)


@pytest.mark.skipif(not HAS_JAX, reason="needs the peer extra (make peers): jax, optax")
def test_jax_elementwise_padding_changes_no_value_and_shares_one_compilation():
    """An elementwise function is compiled once per padded length: each element's value and gradient are those
    of the function jitted at the input's own shape (α traced as an argument, as the adapter traces float
    options: JAX's eager dispatch, too, takes α as an operand rather than a constant folded into the kernel)."""
    import jax

    from formulary.peers.jax import activations as A

    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float64):
        for shape in ((), (0,), (3,), (2, 5), (4, 3, 2)):
            x, g = rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape).astype(dtype)
            want = jax.jit(jax.nn.celu)(x, 0.7)
            want_grad = jax.jit(lambda x, g, a: jax.vjp(lambda x: jax.nn.celu(x, a), x)[1](g)[0])(x, g, 0.7)
            assert np.array_equal(A.celu(x, alpha=0.7), np.asarray(want))
            assert A.celu(x, alpha=0.7).dtype == dtype and A.celu(x, alpha=0.7).shape == shape
            assert np.array_equal(A.celu_backward(g, x, alpha=0.7), np.asarray(want_grad))
    assert A.leaky_relu(np.array([-2.0], np.float32), 0.5).dtype == np.float32  # a traced float stays weak


@pytest.mark.skipif(not HAS_JAX, reason="needs the peer extra (make peers): jax, optax")
def test_jax_optimizer_steps_share_one_compiled_step_across_hyperparameters():
    import optax

    from formulary.peers.jax import optim

    optim._compiled_step.cache_clear()
    for lr in (0.1, 0.01):
        p = np.array([1.0, -2.0])
        opt = optim.Adam([p], lr=lr, betas=(0.8, 0.9))
        tx, params = optax.adam(lr, b1=0.8, b2=0.9, eps=1e-8), np.array([1.0, -2.0])
        state = tx.init(params)
        for k in range(5):
            g = np.array([0.3 * k, -1.0])
            opt.step([g])
            u, state = tx.update(g, state, params)
            params = np.asarray(optax.apply_updates(params, u))
        np.testing.assert_allclose(p, params, rtol=1e-14)
    assert optim._compiled_step.cache_info().currsize == 1
