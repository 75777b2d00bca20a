"""Catalog records of the neural-network basics (guide §2): perceptron, MLP, backpropagation."""

from __future__ import annotations

import itertools
import math

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from formulary import edges, figures
from formulary.candidate import reference
from formulary.mistakes import basics as M
from formulary.record import Deviation, ErrorInput, Mistake, Record, Sample
from formulary.strategies import arrays, floats, samples
from formulary.verdict import expect

SECTION = "§2 神经网络基础 (neural-network basics)"
ACTIVATIONS = ("identity", "relu", "tanh", "sigmoid")
ROWS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)  # a truth table's inputs
GATES = {  # name: (weight, bias, outputs on ROWS); NAND is the guide's
    "NAND": ((-2.0, -2.0), 3.0, (1, 1, 1, 0)),
    "AND": ((1.0, 1.0), -1.5, (0, 0, 0, 1)),
    "OR": ((1.0, 1.0), -0.5, (0, 1, 1, 1)),
}


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
        found[name] = got.astype(int).tolist()
    return found


def _nand_example(candidate):
    """The guide's NAND unit: input (0, 1) sums to exactly 0·(−2) + 1·(−2) + 3 = 1."""
    perceptron, w = candidate.get("basics.perceptron"), np.array([-2.0, -2.0])
    table = perceptron(ROWS, w, 3.0)
    expect(np.array_equal(table, [1, 1, 1, 0]), f"NAND truth table: expected [1, 1, 1, 0], got {table}")
    # the sum at (0, 1) is exactly 1: with the bias lowered by 1 it sits on the threshold (output 0), a hair above it is 1
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
        expect(np.array_equal(pred, y), f"dataset {i}: converged, yet {int((pred != y).sum())} points are misclassified")
        bound = (np.max(np.linalg.norm(np.hstack([x, np.ones((len(x), 1))]), axis=1)) / gamma) ** 2
        expect(fit.updates <= bound, f"dataset {i}: {fit.updates} updates exceed Novikoff's bound (R/γ)² = {bound:.0f}")
        worst = max(worst, fit.updates / bound)
    xor = train(ROWS, np.array([0.0, 1.0, 1.0, 0.0]), max_epochs=100)
    expect(not xor.converged, "training reports convergence on XOR, which no perceptron computes")
    return {"datasets": 12, "largest updates / Novikoff bound": round(worst, 4)}


# -- XOR: linear separability ----------------------------------------------------------------

def _cross(o, a, b):
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _on_segment(p, a, b):
    return _cross(a, b, p) == 0 and min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])


def _segments_meet(a, b, c, d):
    d1, d2, d3, d4 = _cross(c, d, a), _cross(c, d, b), _cross(a, b, c), _cross(a, b, d)
    if d1 * d2 < 0 and d3 * d4 < 0:
        return True
    return _on_segment(a, c, d) or _on_segment(b, c, d) or _on_segment(c, a, b) or _on_segment(d, a, b)


def _in_triangle(p, a, b, c):
    signs = [_cross(a, b, p), _cross(b, c, p), _cross(c, a, p)]
    return _cross(a, b, c) != 0 and (all(s >= 0 for s in signs) or all(s <= 0 for s in signs))


def _hulls_meet(pos, neg) -> bool:
    """Whether the convex hulls of two finite point sets of the plane intersect (exact, on integers).

    Two convex polygons meet iff an edge of one meets an edge of the other or a vertex of
    one lies in the other; by Carathéodory, a point is in a hull iff it is in a triangle
    or segment of its points.
    """
    def inside(p, pts):
        return (any(tuple(p) == tuple(q) for q in pts)
                or any(_on_segment(p, a, b) for a, b in itertools.combinations(pts, 2))
                or any(_in_triangle(p, *t) for t in itertools.combinations(pts, 3)))

    return (any(_segments_meet(a, b, c, d) for a, b in itertools.combinations(pos, 2) for c, d in itertools.combinations(neg, 2))
            or any(inside(p, neg) for p in pos) or any(inside(n, pos) for n in neg))


def _train_xor(candidate, activation, seeds=10):
    """How many of ``seeds`` 2-4-1 MLPs learn XOR by gradient descent (outputs thresholded at 1/2)."""
    init, train, forward = (candidate.get(f"basics.{n}") for n in ("init_mlp", "mlp_train", "mlp_forward"))
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    learned, last = 0, None
    for seed in range(seeds):
        ws, bs = init([2, 4, 1], seed=seed)
        ws, bs, _ = train(ROWS, y, ws, bs, lr=0.3, epochs=300, activation=activation)
        learned += np.array_equal(forward(ROWS, ws, bs, activation)[:, 0] > 0.5, y[:, 0] > 0.5)
        last = (ws, bs)
    return learned, last


def _xor_claim(candidate):
    train = candidate.get("basics.perceptron_train")
    rows = ROWS.astype(int).tolist()
    separable, not_separable = 0, []
    for labels in itertools.product((0, 1), repeat=4):
        pos = [r for r, l in zip(rows, labels) if l]
        neg = [r for r, l in zip(rows, labels) if not l]
        certified_inseparable = bool(pos and neg and _hulls_meet(pos, neg))
        fit = train(ROWS, np.array(labels, dtype=np.float64), max_epochs=100)
        if fit.converged:
            got = (ROWS @ fit.weight + fit.bias > 0).astype(int).tolist()
            expect(got == list(labels), f"perceptron training claims {labels} but computes {got}")
        expect(fit.converged != certified_inseparable, f"labels {labels}: hulls {'meet' if certified_inseparable else 'are apart'}, "
            f"yet perceptron training {'converged' if fit.converged else 'did not converge'}")
        separable += fit.converged
        if certified_inseparable:
            not_separable.append("".join(map(str, labels)))
    expect(not_separable == ["0110", "1001"], f"the functions no perceptron computes: {not_separable}, expected XOR, XNOR")
    mlp, (ws, bs) = _train_xor(candidate, "tanh")
    linear, _ = _train_xor(candidate, "identity")
    expect(mlp == 10, f"a 2-4-1 tanh MLP learned XOR for {mlp} of 10 seeds")
    expect(linear == 0, f"a 2-4-1 MLP without activation learned XOR for {linear} of 10 seeds: it is linear")
    forward = candidate.get("basics.mlp_forward")

    def draw(ax):
        g = np.linspace(-0.5, 1.5, 101)
        xx, yy = np.meshgrid(g, g)
        z = forward(np.stack([xx.ravel(), yy.ravel()], 1), ws, bs, "tanh")[:, 0].reshape(xx.shape)
        ax.contourf(xx, yy, z > 0.5, levels=[-0.5, 0.5, 1.5], colors=["#dde6f5", "#f5dede"])
        ax.contour(xx, yy, z, levels=[0.5], colors="k", linewidths=1)
        for (a, b), l in zip(ROWS, (0, 1, 1, 0)):
            ax.scatter(a, b, marker="o" if l else "x", s=80, c="C3" if l else "C0")
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")

    figures.save("nn.xor", draw, title="XOR: the regions of a trained 2-4-1 tanh MLP")
    return {"separable functions of 2 inputs": separable, "not separable": not_separable,
            "tanh MLP learned XOR (of 10 seeds)": mlp, "linear MLP learned XOR (of 10 seeds)": linear}


# -- the MLP ---------------------------------------------------------------------------------

def _mlp_inputs(dt, max_side=4):
    arch = st.tuples(st.lists(st.integers(1, max_side), min_size=2, max_size=4), st.integers(1, 4))
    return arch.flatmap(lambda a: samples(
        arrays(dt, (a[1], a[0][0]), -3.0, 3.0),
        st.tuples(*[arrays(dt, (o, i), -1.5, 1.5) for i, o in zip(a[0][:-1], a[0][1:])]).map(list),
        st.tuples(*[arrays(dt, (o,), -1.0, 1.0) for o in a[0][1:]]).map(list),
        st.sampled_from(ACTIVATIONS), st.sampled_from(ACTIVATIONS)))


def _torch_mlp(x, ws, bs, activation, output_activation, grad=None):
    """torch's forward (and, given ``grad``, autograd's gradients of every weight and bias)."""
    tw = [torch.tensor(w, requires_grad=True) for w in ws]
    tb = [torch.tensor(b, requires_grad=True) for b in bs]
    out = reference("basics.mlp_forward")(torch.tensor(x), tw, tb, activation, output_activation)
    if grad is None:
        return out.detach().numpy()
    out.backward(torch.tensor(grad))
    return [w.grad.numpy() for w in tw], [b.grad.numpy() for b in tb]


def _one_neuron_one_layer(candidate):
    """Read with the doubled digit undone, line 250 says an MLP may have one output neuron and one hidden
    layer: the smallest such network (one hidden unit) runs, and equals torch's."""
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    ws, bs = _random_layers(np.float64, [2, 1, 1], seed=3)
    got = candidate.get("basics.mlp_forward")(x, ws, bs, "tanh", "identity")
    want = _torch_mlp(x, ws, bs, "tanh", "identity")
    expect(got.shape == (2, 1) and np.allclose(got, want, rtol=1e-12, atol=0),
           f"a 2-1-1 MLP should give torch's {want.ravel()}, got {np.ravel(got)}")
    return {"hidden layers": 1, "output neurons": 1, "output": got.ravel().tolist()}


def _backprop_completed(candidate):
    """The section the guide leaves 'to be updated' is completed by mlp_backward: every layer's gradient
    equals torch.autograd's on a 3-4-2 network."""
    x = np.random.default_rng(5).uniform(-2, 2, (3, 3))
    ws, bs = _random_layers(np.float64, [3, 4, 2], seed=5)
    g = np.random.default_rng(6).uniform(-1, 1, (3, 2))
    got = candidate.get("basics.mlp_backward")(g, x, ws, bs, "sigmoid", "identity")
    want_w, want_b = _torch_mlp(x, ws, bs, "sigmoid", "identity", grad=g)
    _, grad_w, grad_b = got  # (grad_input, grad_weights, grad_biases)
    got_all, want_all = [*grad_w, *grad_b], [*want_w, *want_b]
    expect(len(got_all) == len(want_all) and all(np.allclose(a, b, rtol=1e-10, atol=1e-12)
                                                 for a, b in zip(got_all, want_all, strict=True)),
           "mlp_backward's weight and bias gradients should equal torch.autograd's on a 3-4-2 network")
    return {"layers checked": 2}


def _random_layers(dt, sizes, seed=0):
    rng = np.random.default_rng(seed)
    ws = [rng.uniform(-1, 1, (o, i)).astype(dt) for i, o in zip(sizes[:-1], sizes[1:])]
    bs = [rng.uniform(-1, 1, o).astype(dt) for o in sizes[1:]]
    return ws, bs


def _mlp_edges(dt):
    ws, bs = _random_layers(dt, [3, 4, 2])
    x = np.random.default_rng(1).uniform(-2, 2, (3, 3)).astype(dt)
    out = [Sample((x, ws, bs, act, out_act), {}, f"{act} hidden, {out_act} output")
           for act in ACTIVATIONS for out_act in ("identity", "sigmoid")]
    w0, b0 = _random_layers(dt, [2, 0, 2])
    out += [
        Sample((np.zeros((0, 3), dt), ws, bs, "tanh", "identity"), {}, "empty batch"),
        Sample((x[:, :2], w0, b0, "relu", "identity"), {}, "a hidden layer of width 0: the output is the last bias"),
        Sample((np.zeros((2, 3), dt), ws, [np.zeros(4, dt), bs[1]], "relu", "relu"), {}, "pre-activations exactly 0 (relu's kink)"),
        Sample((np.array([[30.0, -30.0, 50.0]], dt), ws, bs, "sigmoid", "tanh"), {}, "saturated units"),
        Sample((x, ws[:1], bs[:1], "tanh", "sigmoid"), {}, "one layer"),
    ]
    return out


def _mlp_errors():
    ws, bs = _random_layers(np.float64, [3, 4, 2])
    x = np.zeros((2, 3))
    return (
        ErrorInput(Sample((x, [ws[0], ws[0]], bs)), ValueError, r"weights\[1\] has shape"),
        ErrorInput(Sample((x, ws, bs[:1])), ValueError, r"weights and biases"),
        ErrorInput(Sample((x, ws, bs, "softmax")), ValueError, r"activation='softmax'"),
        ErrorInput(Sample((x, [ws[0].astype(np.float32), ws[1]], bs)), TypeError, r"weights\[0\]"),
        ErrorInput(Sample((np.zeros(3), ws, bs)), ValueError, r"input must be \(N, in_features\)"),
    )


def _init_like_torch(candidate):
    init = candidate.get("basics.init_mlp")
    sizes = [5, 16, 3]
    ws, bs = init(sizes, seed=3)
    again, _ = init(sizes, seed=3)
    other, _ = init(sizes, seed=4)
    expect(all(np.array_equal(a, b) for a, b in zip(ws, again)), "init_mlp is not reproducible from its seed")
    expect(not np.array_equal(ws[0], other[0]), "init_mlp ignores its seed")
    for i, (w, b) in enumerate(zip(ws, bs)):
        layer = torch.nn.Linear(sizes[i], sizes[i + 1])
        # torch.nn.Linear.reset_parameters: kaiming_uniform_(a=√5), i.e. bound = gain·√(3/fan_in)
        bound = torch.nn.init.calculate_gain("leaky_relu", math.sqrt(5)) * math.sqrt(3 / sizes[i])
        expect(w.shape == tuple(layer.weight.shape) and b.shape == tuple(layer.bias.shape), f"layer {i}: shapes {w.shape}, {b.shape}")
        expect(np.abs(w).max() <= bound and np.abs(b).max() <= bound, f"layer {i}: values beyond ±1/√fan_in = {bound:.3f}")
        expect(np.abs(w).max() > 0.8 * bound, f"layer {i}: weights use under 80% of ±1/√fan_in: not torch's scale")
    return {"sizes": sizes}


def _collapse_claim(candidate):
    forward, collapse = candidate.get("basics.mlp_forward"), candidate.get("basics.collapse_linear")
    rng = np.random.default_rng(0)
    worst, residuals = 0.0, {}
    for sizes in ([3, 3, 3, 3], [4, 6, 5, 2], [2, 8, 8, 1]):  # all-square first: a reversed product still runs
        ws, bs = _random_layers(np.float64, sizes, seed=len(sizes) + sizes[-1])
        x = rng.uniform(-2, 2, (50, sizes[0]))
        w, b = collapse(ws, bs)
        tw = [torch.from_numpy(a) for a in ws]
        w_ref = torch.linalg.multi_dot(tw[::-1]) if len(tw) > 1 else tw[0]
        b_ref = sum((torch.linalg.multi_dot([*tw[:i:-1], torch.from_numpy(bl)[:, None]])[:, 0] if i < len(tw) - 1
                     else torch.from_numpy(bl)) for i, bl in enumerate(bs))
        expect(np.allclose(w, w_ref.numpy(), rtol=1e-12, atol=1e-12), f"{sizes}: collapsed W differs from torch's W^L⋯W^1")
        expect(np.allclose(b, b_ref.numpy(), rtol=1e-12, atol=1e-12), f"{sizes}: collapsed b differs from torch's")
        deep = forward(x, ws, bs, "identity")
        diff = float(np.abs(deep - (x @ w.T + b)).max())
        expect(diff <= 1e-12 * max(1.0, float(np.abs(deep).max())), f"{sizes}: the linear stack differs from one layer by {diff}")
        worst = max(worst, diff)
        for act in ("relu", "tanh"):  # with a non-linearity, no affine map fits the network
            y = forward(x, ws, bs, act)
            design = np.hstack([x, np.ones((len(x), 1))])
            fit = design @ np.linalg.lstsq(design, y, rcond=None)[0]
            rel = float(np.linalg.norm(y - fit) / np.linalg.norm(y - y.mean(0)))
            expect(rel > 1e-3, f"{sizes} with {act}: an affine map fits the network (relative residual {rel:.2g})")
            residuals[f"{sizes} {act}"] = round(rel, 4)
    return {"largest |stack − single layer| (identity)": worst, "relative residual of the best affine fit": residuals}


def _train_inputs(dt):
    arch = st.tuples(st.lists(st.integers(1, 3), min_size=2, max_size=3), st.integers(1, 4))
    return arch.flatmap(lambda a: samples(
        arrays(dt, (a[1], a[0][0]), -2.0, 2.0), arrays(dt, (a[1], a[0][-1]), -1.0, 1.0),
        st.tuples(*[arrays(dt, (o, i), -1.0, 1.0) for i, o in zip(a[0][:-1], a[0][1:])]).map(list),
        st.tuples(*[arrays(dt, (o,), -1.0, 1.0) for o in a[0][1:]]).map(list),
        floats(np.float64, 0.01, 0.5), st.integers(1, 4), st.sampled_from(ACTIVATIONS), st.sampled_from(ACTIVATIONS)))


def _train_edges(dt):
    ws, bs = _random_layers(dt, [2, 3, 2])
    x = np.random.default_rng(2).uniform(-1, 1, (5, 2)).astype(dt)
    y = np.random.default_rng(3).uniform(-1, 1, (5, 2)).astype(dt)
    return [Sample((x, y, ws, bs, 0.3, 6, act, "identity"), {}, f"{act}, 6 epochs") for act in ("tanh", "relu", "sigmoid")]


MLP_FORWARD_MISTAKES = (
    Mistake("output-activated", "the hidden activation applied to the output layer too", M.mlp_forward_output_activated),
    Mistake("bias-after-activation", "f(x Wᵀ) + b instead of f(x Wᵀ + b)", M.mlp_forward_bias_after_activation),
    Mistake("activation-ignored", "the activation argument accepted and ignored", M.mlp_forward_activation_ignored),
)


def _activation_not_linear(candidate):
    """Against line 335: the guide's activations are not linear maps, f(a + b) ≠ f(a) + f(b)."""
    a, b = np.array([-1.0, 0.5, 2.0]), np.array([2.0, -1.5, 1.0])
    found = {}
    for name in ("activations.relu", "activations.sigmoid", "activations.tanh"):
        f = candidate.get(name)
        gap = float(np.max(np.abs(f(a + b) - (f(a) + f(b)))))
        expect(gap > 0.1, f"{name} behaves as a linear map on the probe: |f(a + b) − f(a) − f(b)| = {gap:.3g}")
        found[f"{name}: max |f(a + b) − f(a) − f(b)|"] = gap
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
            ErrorInput(Sample((np.zeros((2, 2)), np.zeros(2), "1")), TypeError, r"bias"),
            ErrorInput(Sample((np.zeros((1, 2, 2)), np.zeros(2), 0.0)), ValueError, r"input must be"),
            ErrorInput(Sample((np.zeros(2), np.zeros(2, np.float32), 0.0)), TypeError, r"weight has dtype"),
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
        errors=(ErrorInput(Sample((np.array([1, 2]),)), TypeError, r"input"),),
        deviations=(NAN_DEVIATION,),
    ),
    Record(
        id="nn.perceptron.nand",
        kind="E",
        section=SECTION,
        equation=r"w = (-2, -2),\ b = 3:\quad 0 \cdot (-2) + 1 \cdot (-2) + 3 = 1 > 0 \Rightarrow 1;\quad \text{NAND} = (1, 1, 1, 0)",
        check=_nand_example,
        mistakes=(
            Mistake("step-ge-zero", "output 1 at a sum of exactly 0", M.perceptron_ge_zero, "basics.perceptron"),
            Mistake("bias-ignored", "the bias left out of the sum", M.perceptron_bias_ignored, "basics.perceptron"),
        ),
        deviations=(Deviation(
            "line 240: 'set suitable x and b' (设置合适的x和b); the unit's parameters are w and b",
            "x is the input (the truth table's rows); only the weights w = (−2, −2) with b = 3 make the unit a NAND: "
            "no bias does it with w = (1, 1). Line 242 also calls the weighted sum 1 'the output'; the output is step(1) = 1",
            _weights_make_the_gate, source="guide"),),
    ),
    Record(
        id="nn.perceptron.learning",
        kind="A",
        section=SECTION,
        equation=r"w \leftarrow w + \eta (y - \hat y) x,\ b \leftarrow b + \eta (y - \hat y);\ \text{updates} \le (R/\gamma)^2",
        check=_rosenblatt_converges,
        mistakes=(
            Mistake("update-sign-flipped", "w ← w − η(y − ŷ)x", M.perceptron_train_sign_flipped, "basics.perceptron_train"),
            Mistake("bias-frozen", "the bias never updated", M.perceptron_train_bias_frozen, "basics.perceptron_train"),
            Mistake("claims-convergence", "converged=True once max_epochs are spent", M.perceptron_train_claims_convergence,
                    "basics.perceptron_train"),
        ),
        errors=(
            ErrorInput(Sample((ROWS, np.array([0.0, 2.0, 1.0, 0.0]))), ValueError, r"target must hold 0 and 1", "basics.perceptron_train"),
            ErrorInput(Sample((ROWS, np.zeros(4)), {"lr": 0.0}), ValueError, r"lr must be positive", "basics.perceptron_train"),
            ErrorInput(Sample((ROWS, np.zeros(4)), {"max_epochs": 0}), ValueError, r"max_epochs", "basics.perceptron_train"),
            ErrorInput(Sample((ROWS + np.inf, np.zeros(4))), ValueError, r"input must be finite", "basics.perceptron_train"),
            ErrorInput(Sample((ROWS, np.zeros(3))), ValueError, r"target has shape", "basics.perceptron_train"),
        ),
    ),
    Record(
        id="nn.xor",
        kind="C",
        section=SECTION,
        equation=r"\nexists\, (w, b):\ \operatorname{step}(w \cdot x + b) = x_1 \oplus x_2;\ \text{a 2-4-1 MLP learns it}",
        check=_xor_claim,
        mistakes=(
            Mistake("perceptron-claims-convergence", "perceptron training reports convergence after max_epochs",
                    M.perceptron_train_claims_convergence, "basics.perceptron_train"),
            Mistake("backprop-no-derivative", "training without the hidden activation's derivative",
                    M.mlp_train_no_derivative, "basics.mlp_train"),
            Mistake("perceptron-bias-frozen", "perceptron training that never updates the bias",
                    M.perceptron_train_bias_frozen, "basics.perceptron_train"),
        ),
        notes="Linear separability is decided exactly, by whether the convex hulls of the two classes meet "
              "(integer arithmetic), for all 16 Boolean functions of two inputs; perceptron training must converge "
              "exactly on the separable ones. The MLP is trained from 10 seeds with init_mlp (torch's initialisation), "
              "300 full-batch steps of lr 0.3 on the squared error.",
    ),
    Record(
        id="nn.mlp.forward",
        kind="F",
        section=SECTION,
        equation=r"a^0 = x,\quad a^l = f(a^{l-1} W^{l\top} + b^l),\quad \hat y = f_L(a^{L-1} W^{L\top} + b^L)",
        candidate="basics.mlp_forward",
        reference="basics.mlp_forward",
        inputs=_mlp_inputs,
        edges=_mlp_edges,
        check=_init_like_torch,
        mistakes=MLP_FORWARD_MISTAKES,
        errors=_mlp_errors(),
        deviations=(Deviation(
            "line 250: 'the output layer may have more than 11 neurons; the hidden layers may be just 11' "
            "(不止有11个神经元 ... 只有11层)",
            "the extraction doubled the digit: read 1 neuron and 1 layer (a single output and a single hidden layer "
            "are the smallest MLP, which the edge bank holds)", _one_neuron_one_layer, source="extraction"),),
    ),
    Record(
        id="nn.backprop",
        kind="F",
        section=SECTION,
        equation=r"\delta^L = g \odot f_L'(z^L),\ \delta^l = (\delta^{l+1} W^{l+1}) \odot f'(z^l),\ "
                 r"\tfrac{\partial L}{\partial W^l} = \delta^{l\top} a^{l-1},\ \tfrac{\partial L}{\partial b^l} = \textstyle\sum_n \delta^l_n",
        candidate="basics.mlp_forward",
        reference="basics.mlp_forward",
        backward="basics.mlp_backward",
        grad_args=(0, 1, 2),
        inputs=_mlp_inputs,
        edges=_mlp_edges,
        mistakes=(
            Mistake("no-activation-derivative", "δ^l = δ^{l+1} W^{l+1}: f'(z^l) forgotten", M.mlp_backward_no_derivative, "backward"),
            Mistake("derivative-at-output", "f' taken at a^l = f(z^l) instead of z^l", M.mlp_backward_derivative_at_output, "backward"),
            Mistake("bias-gradient-mean", "the bias gradient averaged over the batch", M.mlp_backward_bias_mean, "backward"),
            Mistake("wrong-layer-activation", "∂L/∂W^l = δ^{l⊤} a^l (the layer's own output)", M.mlp_backward_wrong_layer, "backward"),
        ),
        errors=(
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((2, 3)), *_random_layers(np.float64, [3, 4, 2]))), ValueError,
                       r"grad_output has shape", "backward"),
        ),
        deviations=(Deviation(
            "line 280: the backpropagation section stops at 'this part is to be updated' (此部分待更新)",
            "completed here: the δ recursion and every layer's gradient, in mlp_backward's docstring and code, "
            "held against torch.autograd", _backprop_completed, source="guide omission"),),
    ),
    Record(
        id="nn.backprop/sgd",
        kind="F",
        section=SECTION,
        equation=r"L = \tfrac{1}{NK}\textstyle\sum (\hat y - y)^2,\quad \theta \leftarrow \theta - \eta\, \partial L/\partial\theta "
                 r"\ (\texttt{torch.optim.SGD},\ \texttt{F.mse\_loss})",
        candidate="basics.mlp_train",
        reference="basics.mlp_train",
        inputs=_train_inputs,
        edges=_train_edges,
        output_names=("weights", "biases", "losses"),
        mistakes=(
            Mistake("loss-gradient-without-two", "∂L/∂ŷ = (ŷ − y)/N", M.mlp_train_without_two),
            Mistake("mean-over-samples-only", "the loss summed over outputs", M.mlp_train_mean_over_samples_only),
            Mistake("gradient-ascent", "θ ← θ + η∇L", M.mlp_train_ascent),
        ),
        errors=(
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((2, 2)), *_random_layers(np.float64, [3, 4, 2])), {"epochs": 0}),
                       ValueError, r"epochs"),
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((2, 3)), *_random_layers(np.float64, [3, 4, 2]))), ValueError, r"target has shape"),
            ErrorInput(Sample((np.zeros((0, 3)), np.zeros((0, 2)), *_random_layers(np.float64, [3, 4, 2]))), ValueError, r"no samples"),
        ),
    ),
    Record(
        id="nn.linear_collapse",
        kind="C",
        section=SECTION,
        equation=r"x W^{1\top} \cdots W^{L\top} + \ldots = x W^\top + b,\ W = W^L \cdots W^1,\ b = \textstyle\sum_l W^L \cdots W^{l+1} b^l",
        check=_collapse_claim,
        mistakes=(
            Mistake("first-bias-only", "the later layers' biases forgotten", M.collapse_linear_first_bias_only, "basics.collapse_linear"),
            Mistake("last-bias-only", "only the last layer's bias kept", M.collapse_linear_last_bias, "basics.collapse_linear"),
            Mistake("reversed-product", "W = W^1 W^2 ⋯ W^L", M.collapse_linear_reversed, "basics.collapse_linear"),
        ),
        errors=(ErrorInput(Sample(([np.zeros((2, 3))], [])), ValueError, r"weights and biases", "basics.collapse_linear"),),
        deviations=(Deviation("line 335: an activation maps the features to another space 'through a linear mapping' (通过一定的线性映射)",
                              "the activation is what is not linear: were it a linear map, every stack would collapse to one "
                              "linear layer, as this record proves of linear stacks", _activation_not_linear,
                              source="guide"),),
    ),
)
