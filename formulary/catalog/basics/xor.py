"""XOR: linear separability decided exactly, the perceptron's failure and the MLP's success."""

from __future__ import annotations

import itertools

import numpy as np

from formulary import figures
from formulary.catalog.basics._common import ROWS, SECTION
from formulary.mistakes import basics as M
from formulary.record import Mistake, Record
from formulary.verdict import expect

# -- XOR: linear separability ----------------------------------------------------------------

def _cross(o, a, b):
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _on_segment(p, a, b):
    return _cross(a, b, p) == 0 and min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1],
                                                                                                                  b[1])


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

    return (any(_segments_meet(a, b, c, d) for a, b in itertools.combinations(pos, 2) for c,
                d in itertools.combinations(neg, 2))
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
        expect(fit.converged != certified_inseparable,
               f"labels {labels}: hulls {'meet' if certified_inseparable else 'are apart'}, "
            f"yet perceptron training {'converged' if fit.converged else 'did not converge'}")
        separable += fit.converged
        if certified_inseparable:
            not_separable.append("".join(map(str, labels)))
    expect(not_separable == ["0110", "1001"],
           f"the functions no perceptron computes: {not_separable}, expected XOR, XNOR")
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

RECORDS = (
    Record(
        id="nn.xor",
        kind="C",
        section=SECTION,
        equation=r"\nexists\, (w, b):\ \operatorname{step}(w \cdot x + b) = x_1 \oplus x_2;\ \text{a 2-4-1 MLP learns "
                 r"it}",
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

)
