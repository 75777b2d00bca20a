"""Leaky units in RNNs (§10, l.953): h_t = (1 − α) h_(t−1) + α tanh(W_ih x_t + W_hh h_(t−1) + b), and the gradient
they carry over long spans."""

from __future__ import annotations

import numpy as np
import torch

from formulary import figures
from formulary.compare import assert_close
from formulary.mistakes import recurrent as M
from formulary.record import Mistake, Record, Tolerance
from formulary.verdict import expect

SECTION = "§10 1 LSTM的产生原因 (leaky units), line 953"
STEPS, HIDDEN, INPUTS, BATCH = 60, 8, 4, 4
ALPHAS = (1.0, 0.5, 0.1, 0.02)  # 1 is the plain RNN


def _setup():
    """torch.nn.RNN's initialisation U(±1/√H), seeded; inputs N(0, 0.5²)."""
    rng = np.random.default_rng(0)
    bound = 1 / np.sqrt(HIDDEN)
    w = [rng.uniform(-bound, bound, s) for s in ((HIDDEN, INPUTS), (HIDDEN, HIDDEN), (HIDDEN,), (HIDDEN,))]
    return w, 0.5 * rng.normal(size=(STEPS, BATCH, INPUTS)), rng.normal(size=(BATCH, HIDDEN)), rng.normal(size=(BATCH,
            HIDDEN))


def _leaky(candidate, alpha):
    """‖∂L/∂h_(T−k)‖ for k = 0..T (L = ⟨g, h_T⟩), through the candidate's rnn_cell and rnn_cell_backward;
    and ∂L/∂h_0."""
    cell, cell_backward = candidate.get("recurrent.rnn_cell"), candidate.get("recurrent.rnn_cell_backward")
    w, x, h0, g = _setup()
    hs = [h0]
    for t in range(STEPS):
        hs.append((1 - alpha) * hs[-1] + alpha * cell(x[t], hs[-1], *w))
    norms = [np.linalg.norm(g)]
    for t in range(STEPS - 1, -1, -1):
        g = (1 - alpha) * g + alpha * cell_backward(g, x[t], hs[t], *w)[1]
        norms.append(np.linalg.norm(g))
    return np.array(norms), g


def _torch_leaky(alpha):
    w, x, h0, g = _setup()
    wt = [torch.from_numpy(a) for a in w]
    h = start = torch.tensor(h0, requires_grad=True)
    for t in range(STEPS):
        h = (1 - alpha) * h + alpha * torch.rnn_tanh_cell(torch.from_numpy(x[t]), h, *wt)
    (h * torch.from_numpy(g)).sum().backward()
    return start.grad.numpy()


def _factor(norms):
    """The per-step factor of a geometric fit to log‖·‖ over k = 10..T (past the first steps' transient)."""
    k = np.arange(10, norms.size)
    return float(np.exp(np.polyfit(k, np.log(norms[10:]), 1)[0]))


def _leaky_units(candidate):
    curves, factors = {}, {}
    for alpha in ALPHAS:
        norms, grad_h0 = _leaky(candidate, alpha)
        if alpha in (1.0, 0.1):
            assert_close(grad_h0, _torch_leaky(alpha), Tolerance(1e-9, 1e-30),
                         names=(f"α = {alpha}: ∂L/∂h_0 against torch.autograd",))
        curves[alpha], factors[alpha] = norms, _factor(norms)
    f = [factors[a] for a in ALPHAS]
    expect(all(a < b for a, b in zip(f, f[1:], strict=False)),
           f"the per-step factor should grow as α shrinks: {dict(zip(ALPHAS, np.round(f, 4), strict=True))}")
    expect(f[0] < 0.7 and f[2] > 0.9, f"plain RNN factor {f[0]:.3f} (expected < 0.7), α = 0.1 factor {f[2]:.3f} "
                                      "(expected > 0.9)")
    for a in ALPHAS[1:]:  # (1 − α)I + αJ: where J shrinks by ρ a step, the mixture shrinks by about 1 − α(1 − ρ)
        predicted = 1 - a * (1 - f[0])
        expect(abs(factors[a] - predicted) < 0.05, f"α = {a}: factor {factors[a]:.4f}, expected about 1 − α(1 − ρ) = "
                                                   f"{predicted:.4f}")
    kept = {a: curves[a][-1] / curves[a][0] for a in ALPHAS}
    expect(kept[0.1] > 1e6 * kept[1.0], f"over {STEPS} steps the leaky units (α = 0.1) keep {kept[0.1]:.3g} of the "
                                        f"gradient, the plain RNN {kept[1.0]:.3g}")
    found = {f"α = {a}: factor per step (predicted 1 − α(1 − ρ) = {1 - a * (1 - f[0]):.4f})": round(factors[a],
            4) for a in ALPHAS}
    found.update({f"α = {a}: ‖∂L/∂h_0‖ / ‖∂L/∂h_T‖ over {STEPS} steps": float(f"{kept[a]:.3g}") for a in ALPHAS})

    def draw(ax):
        for a in ALPHAS:
            ax.semilogy(curves[a], label=f"α = {a}" + (" (plain RNN)" if a == 1 else ""))
        ax.set_xlabel("k (steps back from T)")
        ax.set_ylabel("‖∂L/∂h_(T−k)‖")
        ax.legend()

    figures.save("rnn.leaky", draw, title="h_t = (1 − α)h_(t−1) + α tanh(·), torch's default init")
    return found


RECORDS = (
    Record(
        id="rnn.leaky", kind="C", section=SECTION,
        equation=r"h_t = (1 - \alpha) h_{t-1} + \alpha \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}),\quad"
                 r"\frac{\partial h_t}{\partial h_{t-1}} = (1 - \alpha) I + \alpha \operatorname{diag}(\tanh') W_{hh}",
        check=_leaky_units,
        mistakes=(Mistake("backward-w_hh-transposed", "∂L/∂h_(t−1) = δ W_hhᵀ instead of δ W_hh",
                          M.rnn_cell_backward_w_hh_transposed,
                          "recurrent.rnn_cell_backward"),
                  Mistake("one-bias", "b_hh dropped: one bias instead of torch's two", M.rnn_cell_one_bias,
                          "recurrent.rnn_cell")),
        notes="Holds: the self-connection (1 − α) keeps the step Jacobian near the identity, so the gradient decays "
              "by about 1 − α(1 − ρ) per step instead of ρ (ρ < 1 for the plain RNN at torch's init). The price is "
              "the same slowness forward: a leaky unit also forgets its input only at rate α. Leaky units are the "
              "guide's fixed-α ancestor of the LSTM's forget gate (rnn.vanishing).",
    ),
)
