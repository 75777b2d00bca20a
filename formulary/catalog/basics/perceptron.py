"""The perceptron: the step unit, the guide's NAND gate, Rosenblatt's rule."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from formulary import edges
from formulary.catalog.basics._common import GATES, ROWS, SECTION
from formulary.mistakes import basics as M
from formulary.record import Deviation, ErrorInput, Mistake, Record, Sample
from formulary.strategies import arrays, samples
from formulary.verdict import expect

# -- the perceptron --------------------------------------------------------------------

def _quarters(dtype, shape):
    """Multiples of 1/4 in [-4, 4]: every weighted sum is exact, so ties at 0 are real ties."""
    return hnp.arrays(np.dtype(dtype), shape, elements=st.integers(-16, 16).map(lambda k: k / 4))


def _perceptron_inputs(dt):
    return st.tuples(st.integers(1, 4), st.sampled_from([None, 0, 1, 3])).flatmap(
        lambda dn: samples(_quarters(dt, (dn[0],) if dn[1] is None else (dn[1], dn[0])), _quarters(dt, (dn[0],)),
                           st.integers(-16, 16).map(lambda k: k / 4)))


def _perceptron_edges(dt):
    x = np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 0.0], [-np.inf, 0.0], [np.inf, 1.0]], dt)
    w = np.array([0.5, -0.5], dt)
    return [
        Sample((x, w, 0.0), {}, "sums of exactly 0 (ties), ±inf"),
        Sample((x, w, -0.5), {}, "ties at a non-zero bias"),
        Sample((np.zeros((0, 2), dt), w, 1.0), {}, "empty batch"),
        Sample((np.array([np.nan, 1.0], dt), w, 0.0), {}, "NaN input", expected=np.array(np.nan, dt)),
    ]


def _torch_heaviside_nan_is_zero(candidate):
    theirs = torch.heaviside(torch.tensor([np.nan]), torch.tensor(0.0)).item()
    mine = candidate.get("basics.step")(np.array([np.nan]))[0]
    expect(theirs == 0.0, f"torch.heaviside(NaN) is now {theirs}: drop the deviation")
    expect(np.isnan(mine), f"candidate step(NaN) = {mine}")


NAN_DEVIATION = Deviation(
    "step(NaN) is NaN; torch.heaviside(NaN, 0) is 0",
    "torch's kernel computes (x == 0 ? v : x > 0), which reads NaN as 'not positive'; a perceptron fed NaN "
    "has no output, so impl propagates NaN as numpy.heaviside does",
    _torch_heaviside_nan_is_zero,
)


def _truth_tables(candidate):
    perceptron = candidate.get("basics.perceptron")
    found = {}
    for name, (w, b, expected) in GATES.items():
        got = perceptron(ROWS, np.array(w), b)
        expect(np.array_equal(got, expected), f"{name} with w={w}, b={b}: expected {expected}, got {got}")
        as_array = perceptron(ROWS, np.array(w), np.array(b))  # a 0-d float array is a bias too
        expect(np.array_equal(as_array, expected),
               f"{name} with the bias as np.array({b}): expected {expected}, got {as_array}")
        found[name] = got.astype(int).tolist()
    return found


def _nand_example(candidate):
    """The guide's NAND unit: input (0, 1) sums to exactly 0·(−2) + 1·(−2) + 3 = 1."""
    perceptron, w = candidate.get("basics.perceptron"), np.array([-2.0, -2.0])
    table = perceptron(ROWS, w, 3.0)
    expect(np.array_equal(table, [1, 1, 1, 0]), f"NAND truth table: expected [1, 1, 1, 0], got {table}")
    # the sum at (0, 1) is exactly 1: with the bias lowered by 1 it sits on the threshold (output 0), a hair above it is
    # 1
    at = np.array([0.0, 1.0])
    on, above = perceptron(at, w, 2.0), perceptron(at, w, 2.0 + 2.0**-40)
    expect(on == 0 and above == 1, f"the sum at (0, 1) is not 1: outputs {on}, {above} at biases 2, 2 + 2^-40")
    return {"outputs": table.astype(int).tolist(), "sum at (0, 1)": 1.0}


def _weights_make_the_gate(candidate):
    """The inputs x are the truth table's rows; the weights are what make the unit a NAND: with the
    guide's b = 3 (or any bias) and equal positive weights, the output can only grow with x."""
    perceptron = candidate.get("basics.perceptron")
    for b in np.linspace(-3.0, 3.0, 25):
        got = perceptron(ROWS, np.array([1.0, 1.0]), b)
        expect(not np.array_equal(got, [1, 1, 1, 0]), f"w = (1, 1), b = {b} computes NAND")
    expect(np.array_equal(perceptron(ROWS, np.array([-2.0, -2.0]), 3.0), [1, 1, 1, 0]), "the guide's w, b")


def _separable_data(rng, d, n=40, gap=0.1):
    """Points of [-1, 1]^d labelled by a random hyperplane through the cube's middle, none
    closer to it than ``gap``; both classes present."""
    w = rng.standard_normal(d)
    b = -w @ rng.uniform(-0.5, 0.5, d)  # through a point near the middle: both sides populated
    norm = np.linalg.norm(np.append(w, b))
    x = rng.uniform(-1, 1, (4 * n, d))
    s = (x @ w + b) / norm
    keep = np.abs(s) >= gap
    x, y = x[keep][:n], (s[keep][:n] > 0).astype(np.float64)
    expect(0 < y.sum() < n, "a dataset with one class only")
    return x, y, gap


def _rosenblatt_converges(candidate):
    train = candidate.get("basics.perceptron_train")
    rng = np.random.default_rng(0)
    worst = 0.0
    for i in range(12):
        d, lr = (2, 3, 5)[i % 3], (1.0, 0.1)[i % 2]
        x, y, gamma = _separable_data(rng, d)
        fit = train(x, y, lr=lr, max_epochs=1000)
        expect(fit.converged, f"dataset {i} (d={d}) is separable, yet training did not converge")
        pred = (x @ fit.weight + fit.bias > 0).astype(np.float64)
        expect(np.array_equal(pred, y),
               f"dataset {i}: converged, yet {int((pred != y).sum())} points are misclassified")
        bound = (np.max(np.linalg.norm(np.hstack([x, np.ones((len(x), 1))]), axis=1)) / gamma) ** 2
        expect(fit.updates <= bound, f"dataset {i}: {fit.updates} updates exceed Novikoff's bound (R/γ)² = {bound:.0f}")
        worst = max(worst, fit.updates / bound)
    xor = train(ROWS, np.array([0.0, 1.0, 1.0, 0.0]), max_epochs=100)
    expect(not xor.converged, "training reports convergence on XOR, which no perceptron computes")
    return {"datasets": 12, "largest updates / Novikoff bound": round(worst, 4), **_rosenblatt_step_by_step(candidate)}


def _rosenblatt_plain(x, y, lr, max_epochs):
    """Rosenblatt's rule written out plainly, one sample at a time in float64 (the oracle of the check below)."""
    w, b, updates = [0.0] * x.shape[1], 0.0, 0
    for _ in range(max_epochs):
        clean = True
        for xi, yi in zip(x.tolist(), y.tolist(), strict=True):
            out = 1.0 if sum(wj * xj for wj, xj in zip(w, xi, strict=True)) + b > 0 else 0.0
            if out != yi:
                w, b = [wj + lr * (yi - out) * xj for wj, xj in zip(w, xi, strict=True)], b + lr * (yi - out)
                updates, clean = updates + 1, False
        if clean:
            return w, b, updates, True
    return w, b, updates, False


def _rosenblatt_step_by_step(candidate):
    """Every weight, the bias and the update count equal the plain rule's, from w = 0, b = 0: AND (by hand: 10
    updates to w = (2, 1), b = −2), XOR cut off after 100 epochs, a dataset at lr = 0.5; the defaults are lr = 1,
    max_epochs = 1000; a float32 input trains float32 weights.  (Values are small multiples of 1/2: exact.)"""
    train = candidate.get("basics.perceptron_train")
    x3 = np.array([[1.0, 2.0, -1.0], [-2.0, 0.5, 1.0], [0.0, -1.0, 2.0], [1.5, 1.0, 0.0], [-1.0, -1.5, -0.5]])
    cases = {"AND": (ROWS, np.array([0.0, 0.0, 0.0, 1.0]), 1.0, 1000),
             "XOR, 100 epochs": (ROWS, np.array([0.0, 1.0, 1.0, 0.0]), 1.0, 100),
             "5 points in 3-D, lr 0.5": (x3, np.array([1.0, 0.0, 1.0, 1.0, 0.0]), 0.5, 50)}
    found = {}
    for name, (x, y, lr, epochs) in cases.items():
        fit, (w, b, updates, converged) = train(x, y, lr=lr, max_epochs=epochs), _rosenblatt_plain(x, y, lr, epochs)
        got = (np.asarray(fit.weight).tolist(), fit.bias, fit.updates, fit.converged)
        expect(type(fit.updates) is int and isinstance(fit.bias, float) and isinstance(fit.weight, np.ndarray),
               f"{name}: a fit is (ndarray, float, int, bool), got {tuple(type(v).__name__ for v in fit)}")
        expect(got == (w, b, updates, converged), f"{name}: Rosenblatt's rule gives (w, b, updates, converged) = "
               f"{(w, b, updates, converged)}, got {got}")
        found[name] = {"updates": updates, "converged": converged}
    xor = (ROWS, np.array([0.0, 1.0, 1.0, 0.0]))
    by_default, spelled = train(*xor), train(*xor, lr=1.0, max_epochs=1000)
    expect((by_default.weight.tolist(), by_default.bias, by_default.updates) == (spelled.weight.tolist(), spelled.bias,
                                                                                 spelled.updates),
           f"the defaults should be lr = 1.0, max_epochs = 1000: got {by_default}, expected {spelled}")
    f32 = train(ROWS.astype(np.float32), np.array([0.0, 0.0, 0.0, 1.0], np.float32), lr=0.5)
    expect(f32.weight.dtype == np.float32 and f32.weight.tolist() == [1.0, 0.5] and f32.bias == -1.0,
           f"AND in float32 at lr 0.5: expected float32 w = (1, 0.5), b = −1, got {f32.weight!r}, {f32.bias}")
    return found

RECORDS = (
    Record(
        id="nn.perceptron",
        kind="F",
        section=SECTION,
        equation=r"y = \operatorname{step}(w \cdot x + b),\quad \operatorname{step}(s) = [s > 0]",
        candidate="basics.perceptron",
        reference="basics.perceptron",
        inputs=_perceptron_inputs,
        edges=_perceptron_edges,
        check=_truth_tables,
        mistakes=(
            Mistake("step-ge-zero", "output 1 at a sum of exactly 0", M.perceptron_ge_zero),
            Mistake("bias-subtracted", "step(w·x − b)", M.perceptron_bias_subtracted),
            Mistake("sign-output", "sign(w·x + b) in {−1, 0, 1} instead of {0, 1}", M.perceptron_sign_output),
        ),
        errors=(
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros(2), 0.0)), ValueError, r"weight has shape"),
            ErrorInput(Sample((np.zeros(3), np.zeros(2), 0.0), {}, "one sample of 3 features, 2 weights"), ValueError,
                       r"^weight has shape \(2,\), expected \(3,\) for the input's 3 features$"),
            ErrorInput(Sample((np.zeros((2, 2)), np.zeros(2), "1")), TypeError,
                       r"^bias must be a real number or a 0-d float array, got str$"),
            ErrorInput(Sample((np.zeros((2, 2)), np.zeros(2), np.array([0.5])), {}, "a 1-d bias"), TypeError,
                       r"^bias\b"),
            ErrorInput(Sample((np.zeros((2, 2)), np.zeros(2), np.array(1)), {}, "a 0-d integer bias"), TypeError,
                       r"^bias\b"),
            ErrorInput(Sample((np.zeros((1, 2, 2)), np.zeros(2), 0.0)), ValueError, r"input must be"),
            ErrorInput(Sample((np.zeros(2), np.zeros(2, np.float32), 0.0)), TypeError, r"weight has dtype"),
            ErrorInput(Sample((np.array([1, 2]), np.zeros(2), 0.0), {}, "integer input"), TypeError, r"^input\b"),
            ErrorInput(Sample((np.zeros(2), np.array([1, 2]), 0.0), {}, "integer weight"), TypeError, r"^weight\b"),
        ),
        deviations=(NAN_DEVIATION,),
        notes="Inputs are drawn as multiples of 1/4, so every weighted sum is exact and a tie at 0 is the same tie "
              "for NumPy and torch: a threshold compared on rounded sums would judge the rounding, not the formula.",
    ),
    Record(
        id="nn.perceptron/step",
        kind="F",
        section=SECTION,
        equation=r"\operatorname{step}(s) = \begin{cases} 1 & s > 0 \\ 0 & s \le 0 \end{cases}",
        candidate="basics.step",
        reference="basics.step",
        inputs=lambda dt: samples(arrays(dt)),
        edges=lambda dt: [
            Sample((edges.special_values(dt)[~np.isnan(edges.special_values(dt))],), {}, "special values"),
            Sample((edges.around([0.0], dt),), {}, "0 and its neighbours"),
            Sample((np.zeros((2, 0), dt),), {}, "empty"),
            Sample((np.array([np.nan, 1.0], dt),), {}, "NaN", expected=np.array([np.nan, 1.0], dt)),
        ],
        mistakes=(
            Mistake("ge-zero", "step(0) = 1", M.step_ge_zero),
            Mistake("nan-to-zero", "NaN read as 0, as torch.heaviside does", M.step_nan_to_zero),
        ),
        errors=(ErrorInput(Sample((np.array([1, 2]),)), TypeError, r"^input\b"),),
        deviations=(NAN_DEVIATION,),
    ),
    Record(
        id="nn.perceptron.nand",
        kind="E",
        section=SECTION,
        equation=r"w = (-2, -2),\ b = 3:\quad 0 \cdot (-2) + 1 \cdot (-2) + 3 = 1 > 0 \Rightarrow 1;\quad \text{NAND} "
                 r"= (1, 1, 1, 0)",
        check=_nand_example,
        mistakes=(
            Mistake("step-ge-zero", "output 1 at a sum of exactly 0", M.perceptron_ge_zero, "basics.perceptron"),
            Mistake("bias-ignored", "the bias left out of the sum", M.perceptron_bias_ignored, "basics.perceptron"),
        ),
        deviations=(Deviation(
            "line 240: 'set suitable x and b' (设置合适的x和b); the unit's parameters are w and b",
            "x is the input (the truth table's rows); only the weights w = (−2, −2) with b = 3 make the unit a NAND: "
            "no bias does it with w = (1, 1). Line 242 also calls the weighted sum 1 'the output'; the output is "
            "step(1) = 1",
            _weights_make_the_gate, source="guide"),),
    ),
    Record(
        id="nn.perceptron.learning",
        kind="A",
        section=SECTION,
        equation=r"w \leftarrow w + \eta (y - \hat y) x,\ b \leftarrow b + \eta (y - \hat y);\ \text{updates} \le "
                 r"(R/\gamma)^2",
        check=_rosenblatt_converges,
        mistakes=(
            Mistake("update-sign-flipped", "w ← w − η(y − ŷ)x", M.perceptron_train_sign_flipped,
                    "basics.perceptron_train"),
            Mistake("bias-frozen", "the bias never updated", M.perceptron_train_bias_frozen, "basics.perceptron_train"),
            Mistake("claims-convergence", "converged=True once max_epochs are spent",
                    M.perceptron_train_claims_convergence,
                    "basics.perceptron_train"),
        ),
        errors=(
            ErrorInput(Sample((ROWS, np.array([0.0, 2.0, 1.0, 0.0]))), ValueError, r"target must hold 0 and 1",
                       "basics.perceptron_train"),
            ErrorInput(Sample((ROWS, np.zeros(4)), {"lr": 0.0}), ValueError, r"lr must be positive",
                       "basics.perceptron_train"),
            ErrorInput(Sample((ROWS, np.zeros(4)), {"max_epochs": 0}), ValueError, r"max_epochs",
                       "basics.perceptron_train"),
            ErrorInput(Sample((ROWS + np.inf, np.zeros(4))), ValueError, r"input must be finite",
                       "basics.perceptron_train"),
            ErrorInput(Sample((ROWS, np.zeros(3))), ValueError,
                       r"^target has shape \(3,\), expected \(4,\) for 4 samples$",
                       "basics.perceptron_train"),
            ErrorInput(Sample((ROWS, np.array([0.0, 2.0, 1.0, 0.0]))), ValueError, r"^target must hold 0 and 1 only$",
                       "basics.perceptron_train"),
            ErrorInput(Sample((ROWS + np.inf, np.zeros(4))), ValueError, r"^input must be finite$",
                       "basics.perceptron_train"),
            ErrorInput(Sample((ROWS, np.zeros(4)), {"max_epochs": 0}), ValueError, r"^max_epochs\b",
                       "basics.perceptron_train"),
            ErrorInput(Sample((ROWS, np.zeros(4)), {"lr": "1"}), TypeError, r"^lr\b", "basics.perceptron_train"),
            ErrorInput(Sample((ROWS.astype(int), np.zeros(4))), TypeError, r"^input\b", "basics.perceptron_train"),
            ErrorInput(Sample((ROWS, np.zeros(4, int))), TypeError, r"^target\b", "basics.perceptron_train"),
            ErrorInput(Sample((np.zeros(4), np.zeros(4))), ValueError, r"^input must be \(N, in_features\)",
                       "basics.perceptron_train"),
        ),
    ),

)
