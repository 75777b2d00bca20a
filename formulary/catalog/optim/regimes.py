"""The batch regimes of the guide: SGD (one sample), BGD (the whole set), mini-batch."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from formulary import compare
from formulary.catalog._arguments import named_errors
from formulary.catalog._combine import all_of
from formulary.catalog.optim._common import EXACT, SECTION, STEPS
from formulary.mistakes import optim as M
from formulary.record import Deviation, ErrorInput, Mistake, Record, Sample, Tolerance
from formulary.verdict import expect

# -- the batch regimes: SGD, BGD, MBGD -------------------------------------------------------------

N_SAMPLES, FEATURES = 8, 3


def _dataset(seed: int, dt, n: int = N_SAMPLES):
    """A linear-regression set: X ~ U(−1, 1), y = Xw* + noise, and a start w₀."""
    rng = np.random.default_rng(200 + seed)
    X = rng.uniform(-1.0, 1.0, (n, FEATURES))
    y = X @ rng.normal(size=FEATURES) + 0.1 * rng.normal(size=n)
    return X.astype(dt), y.astype(dt), rng.normal(size=FEATURES).astype(dt)


def _loss(X, y, w) -> np.ndarray:
    """The full-batch mean squared error of each row of ``w``."""
    return np.mean((np.atleast_2d(w) @ X.T - y) ** 2, axis=1)


def _regime(batch, epochs, lr, n=N_SAMPLES):
    """Samples for one batch regime: ``batch(n)`` samples a batch, ≥ 200 updates; seeds enumerated."""
    def sample(dt, seed, note=""):
        X, y, w = _dataset(seed, dt, n)
        return Sample((X, y, w, lr, batch(n), epochs, seed), {}, note)

    def inputs(dt):
        seeds = 4 if np.dtype(dt) == np.float64 else 2
        return st.builds(lambda seed: sample(dt, seed), st.integers(0, seeds - 1))

    def edges(dt):
        if np.dtype(dt) != np.float64:
            return []
        X, y, w = _dataset(11, dt, n)
        return [sample(dt, 10, "edge"), Sample((X, y, w, lr, batch(n)), {}, "edge: epochs and seed by default")]

    return inputs, edges


def _one_sample_per_update(candidate):
    """b = 1: update k is −2η x_i (x_i·w − y_i) for the k-th sample of that epoch's permutation;
    the full-batch loss fluctuates (the guide, l.392: 目标损失函数值会剧烈波动)."""
    X, y, w0 = _dataset(3, np.float64)
    lr, epochs = 0.05, 25
    path = candidate.get("optim.minibatch_descent")(X, y, w0, lr, 1, epochs, 3)
    rng = np.random.default_rng(3)
    order = np.concatenate([rng.permutation(N_SAMPLES) for _ in range(epochs)])
    before = np.vstack([w0, path[:-1]])
    residual = np.einsum("kd,kd->k", X[order], before) - y[order]
    expected = before - 2 * lr * residual[:, None] * X[order]
    compare.assert_close(path, expected, Tolerance(1e-12, 1e-12))
    rises = int(np.sum(np.diff(_loss(X, y, np.vstack([w0, path]))) > 0))
    expect(rises > 0, "SGD's full-batch loss never rose: no fluctuation to speak of")
    return {"updates": len(path), "loss_rises": rises, "final_loss": float(_loss(X, y, path[-1])[0])}


def _lipschitz(X) -> float:
    """L = 2 λ_max(XᵀX/N), the curvature of the mean squared error."""
    return 2 * float(np.linalg.eigvalsh(X.T @ X / len(X))[-1])


def _full_batch_descends(candidate):
    """b = N: shuffling changes nothing, and with η ≤ 1/L the (convex) loss never rises (by more than
    the rounding of its own evaluation, once it has converged)."""
    descent = candidate.get("optim.minibatch_descent")
    X, y, w0 = _dataset(4, np.float64)
    lr = 1 / _lipschitz(X)
    path = descent(X, y, w0, lr, N_SAMPLES, STEPS, 0)
    compare.assert_close(descent(X, y, w0, lr, N_SAMPLES, STEPS, 1), path, Tolerance(1e-12, 1e-14))
    losses = _loss(X, y, np.vstack([w0, path]))
    rises = np.diff(losses) > 8 * np.finfo(np.float64).eps * losses[1:]  # beyond the rounding of the loss itself
    expect(not rises.any(), f"the loss rose at update {int(np.argmax(rises)) + 1}")
    optimum = float(_loss(X, y, np.linalg.lstsq(X, y, rcond=None)[0])[0])
    return {"lr_times_L": 1.0, "updates": len(path), "loss_first": float(losses[0]), "loss_last": float(losses[-1]),
            "loss_optimum": optimum}


def _bgd_needs_small_step(candidate):
    """l.399 promises BGD converges on a convex surface; with η = 1.1 · 2/L the loss grows without bound."""
    X, y, w0 = _dataset(4, np.float64)
    path = candidate.get("optim.minibatch_descent")(X, y, w0, 2.2 / _lipschitz(X), N_SAMPLES, 60, 0)
    losses = _loss(X, y, np.vstack([w0, path]))
    expect(losses[-1] > 1e3 * losses[0], f"the loss went from {losses[0]:.3g} to {losses[-1]:.3g}: no divergence")


def _extremes_are_sgd_and_bgd(candidate):
    """b = 1 is SGD and b = N is BGD: the loop against the candidate's SGD optimizer fed the
    per-sample and the full-batch gradients by hand; and MBGD's loss rises on fewer updates than
    SGD's (l.406: MBGD 比 SGD 收敛更稳定), BGD's on none."""
    descent, sgd = candidate.get("optim.minibatch_descent"), candidate.get("optim.SGD")
    X, y, w0 = _dataset(5, np.float64)
    lr, epochs = 0.05, 4
    found = {}
    rng = np.random.default_rng(5)
    for b, order in ((1, np.concatenate([rng.permutation(N_SAMPLES) for _ in range(epochs)])), (N_SAMPLES, None)):
        w = w0.copy()
        opt, expected = sgd([w], lr=lr), []
        for k in range(epochs * (N_SAMPLES // b)):
            rows = slice(None) if order is None else order[k:k + 1]
            opt.step([2 * X[rows].T @ (X[rows] @ w - y[rows]) / len(X[rows])])
            expected.append(w.copy())
        compare.assert_close(descent(X, y, w0, lr, b, epochs, 5), np.array(expected), Tolerance(1e-12, 1e-14))
    rises = {}
    for b in (1, 3, N_SAMPLES):
        losses = _loss(X, y, descent(X, y, w0, lr, b, 60, 5))
        rises[b] = float(np.mean(np.diff(losses) > 0))
        found[f"fraction_of_updates_raising_the_loss_b{b}"] = rises[b]
    expect(rises[1] > rises[3] > rises[N_SAMPLES] == 0.0, f"the loss rose on these fractions of updates: {rises}")
    return found


def _no_epochs_no_updates(candidate):
    """epochs = 0: no update, an empty path of shape (0, d) in the weights' dtype (torch.stack of no update
    raises, so this is judged here, not against the reference)."""
    for dt in (np.float32, np.float64):
        X, y, w0 = _dataset(6, dt)
        path = candidate.get("optim.minibatch_descent")(X, y, w0, 0.05, 3, 0, 0)
        expect(path.shape == (0, FEATURES) and path.dtype == dt,
               f"epochs = 0 gave shape {path.shape}, dtype {path.dtype}; expected (0, {FEATURES}), {np.dtype(dt)}")


ARGUMENTS = ("input", "target", "weight", "lr", "batch_size", "epochs", "seed")


def regime_record(*, id, batch, epochs, lr, equation, mistakes, check, deviations=()):
    inputs, edges = _regime(batch, epochs, lr)
    return Record(
        id=id, kind="A", section=SECTION, equation=equation,
        candidate="optim.minibatch_descent", reference="optim.minibatch_descent",
        inputs=inputs, edges=edges, tolerances=EXACT, check=check, mistakes=tuple(mistakes),
            deviations=tuple(deviations),
        errors=(ErrorInput(Sample((np.zeros((4, 2)), np.zeros(4), np.zeros(2), 0.1, 5)), ValueError,
                           r"batch_size=5 exceeds"),
                ErrorInput(Sample((np.zeros((4, 2)), np.zeros(3), np.zeros(2), 0.1, 2)), ValueError,
                           r"target has shape"),
                ErrorInput(Sample((np.zeros((4, 2)), np.zeros(4), np.zeros(2, np.float32), 0.1, 2)), TypeError,
                           r"share a dtype"),
                *named_errors(ARGUMENTS, (np.zeros((4, 2)), np.zeros(4), np.zeros(2), 0.1, 2, 1, 0), {},
                              [("input", "x", TypeError), ("input", np.zeros(4)), ("target", "y", TypeError),
                               ("target", np.zeros(3)), ("weight", "w", TypeError), ("weight", np.zeros(3)),
                               ("lr", "0.1", TypeError), ("batch_size", 0), ("batch_size", 2.0, TypeError),
                               ("epochs", -1), ("epochs", 1.0, TypeError), ("seed", -1), ("seed", 0.5, TypeError)])),
    )


REGIMES = (
    regime_record(
        id="opt.sgd", batch=lambda n: 1, epochs=25, lr=0.05,
        equation=r"w \leftarrow w - 2\eta\, x_i (x_i^\top w - y_i),\ i \text{ in a fresh random order every epoch}",
        mistakes=[Mistake("unshuffled", "the samples visited in stored order", M.descent_unshuffled),
         Mistake("shuffled-once", "one permutation reused every epoch", M.descent_shuffled_once),
         Mistake("factor-two-dropped", "x(xw − y) for the derivative of (xw − y)²", M.descent_without_two)],
        check=_one_sample_per_update,
    ),
    regime_record(
        id="opt.bgd", batch=lambda n: n, epochs=STEPS, lr=0.1,
        equation=r"w \leftarrow w - \frac{2\eta}{N} X^\top (X w - y)",
        mistakes=[Mistake("summed", "the gradient summed over the batch, not averaged", M.descent_summed),
         Mistake("factor-two-dropped", "x(xw − y) for the derivative of (xw − y)²", M.descent_without_two)],
        check=_full_batch_descends,
        deviations=[Deviation(
            "l.399: 'BGD能保证收敛到凸误差表面的全局最小值' (BGD is guaranteed to reach a convex surface's global "
            "minimum) holds only for a small enough step, η < 2/L; at η = 2.2/L the loss grows without bound",
            "the guarantee needs the step-size condition, which the guide leaves out", _bgd_needs_small_step,
            source="guide")],
    ),
    regime_record(
        id="opt.mbgd", batch=lambda n: 3, epochs=67, lr=0.05,
        equation=r"w \leftarrow w - \frac{2\eta}{|B|} X_B^\top (X_B w - y_B),\ |B| = b \text{ (the last batch } N "
                 r"\bmod b\text{)}",
        mistakes=[Mistake("mean-over-b", "the short last batch averaged over b", M.descent_mean_over_b),
         Mistake("drop-last", "the short last batch dropped", M.descent_drop_last),
         Mistake("shuffled-once", "one permutation reused every epoch", M.descent_shuffled_once),
         Mistake("summed", "the gradient summed over the batch", M.descent_summed)],
        check=all_of(_extremes_are_sgd_and_bgd, _no_epochs_no_updates),
    ),
)
