"""The claim rnn.vanishing: the gradient reaching back k steps in a plain RNN, an LSTM and a GRU."""

from __future__ import annotations

import numpy as np
import torch

from formulary.compare import assert_close
from formulary.figures import save
from formulary.record import Tolerance
from formulary.verdict import expect
from reference import recurrent as ref

# -- the claim rnn.vanishing -------------------------------------------------------------------

VANISHING_STEPS, VANISHING_HIDDEN = 30, 8


def _orthogonal(rng, n, gain):
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return gain * q * np.sign(np.diag(r))


def _torch_init(rng, gates, input_size, hidden):
    """torch.nn.RNN/LSTM's initialisation: every weight and bias U(−1/√H, 1/√H)."""
    bound = 1 / np.sqrt(hidden)
    return [rng.uniform(-bound, bound, shape) for shape in
            ((gates * hidden, input_size), (gates * hidden, hidden), (gates * hidden,), (gates * hidden,))]


def _vanishing_networks():
    """(name, layer, weights, input scale): plain RNNs in three regimes, LSTMs with closed and open forget gates."""
    rng = np.random.default_rng(0)
    h, i = VANISHING_HIDDEN, 4
    nets = []
    for name, gain, scale in (("RNN, W_hh = 0.5·orthogonal, zero bias", 0.5, 0.5),
                              ("RNN, W_hh = 1.2·orthogonal, zero bias, inputs ×0.001 (tanh near-linear)", 1.2, 1e-3),
                              ("RNN, W_hh = 1.2·orthogonal, zero bias, inputs ×0.5 (tanh saturating)", 1.2, 0.5)):
        w = _torch_init(rng, 1, i, h)
        w[1] = _orthogonal(rng, h, gain)
        w[2][:], w[3][:] = 0.0, 0.0  # no bias: tanh works around 0, where it is nearly linear
        nets.append((name, "rnn", w, scale))
    nets.append(("RNN, torch's default init", "rnn", _torch_init(rng, 1, i, h), 0.5))
    nets.append(("LSTM, torch's default init (f ≈ 0.5)", "lstm", _torch_init(rng, 4, i, h), 0.5))
    w = _torch_init(rng, 4, i, h)
    w[2][h:2 * h] += 3.0  # forget-gate bias: f ≈ σ(3) ≈ 0.95
    nets.append(("LSTM, forget-gate bias +3 (f ≈ 0.95)", "lstm", w, 0.5))
    return nets


def _gradient_reaching_back(candidate, layer, weights, x, g):
    """‖∂L/∂x_(T−k)‖ for k = 0..T−1, L = ⟨g, h_T⟩, through the candidate's BPTT; and the gradient itself."""
    out, final = candidate.get(f"recurrent.{layer}")(x, None, weights)
    grad_out = np.zeros_like(out)
    grad_out[-1] = g
    grad_final = tuple(np.zeros_like(a) for a in final) if layer == "lstm" else np.zeros_like(final)
    grad_x, _, _ = candidate.get(f"recurrent.{layer}_backward")((grad_out, grad_final), x, None, weights)
    return np.linalg.norm(grad_x, axis=(1, 2))[::-1], grad_x


def _torch_gradient(layer, weights, x, g):


    xt = torch.from_numpy(x).requires_grad_()
    out, _ = getattr(ref, layer)(xt, None, [torch.from_numpy(w) for w in weights])
    out[-1].backward(torch.from_numpy(g))
    return xt.grad.numpy()


def _geometric_fit(norms):
    """Per-step factor exp(slope) of log‖·‖ against k (k ≥ 1), and the fit's R²."""
    k = np.arange(1, norms.size)
    y = np.log(norms[1:])
    slope, icpt = np.polyfit(k, y, 1)
    r2 = 1 - np.sum((y - (slope * k + icpt)) ** 2) / np.sum((y - y.mean()) ** 2)
    return float(np.exp(slope)), float(r2)


def vanishing_experiment(candidate):
    """The gradient reaching step t − k, plain RNN against LSTM (seeded; T = 30, H = 8, batch 4)."""
    rng = np.random.default_rng(1)
    x0 = rng.normal(size=(VANISHING_STEPS, 4, 4))
    g = rng.normal(size=(4, VANISHING_HIDDEN))
    curves, findings = {}, {}
    for name, layer, weights, scale in _vanishing_networks():
        x = scale * x0
        norms, grad_x = _gradient_reaching_back(candidate, layer, weights, x, g)
        assert_close(grad_x, _torch_gradient(layer, weights, x, g), Tolerance.default(np.float64),
                     names=(f"{name}: ∂L/∂x",))
        factor, r2 = _geometric_fit(norms)
        curves[name] = norms
        findings[name] = {"factor per step": round(factor, 4), "R² of the geometric fit": round(r2, 4),
                          "‖∂L/∂x_(T−29)‖ / ‖∂L/∂x_(T−1)‖": float(f"{norms[-1] / norms[1]:.3g}")}
    f = {n: v["factor per step"] for n, v in findings.items()}
    r = {n: v["R² of the geometric fit"] for n, v in findings.items()}
    names = list(findings)
    shrink, grow, saturating, rnn0, lstm0, lstm_open = names
    expect(f[shrink] < 0.6 and r[shrink] > 0.98,
           f"contracting RNN: factor {f[shrink]}, R² {r[shrink]}: not a geometric decay")
    expect(f[grow] > 1.1 and r[grow] > 0.95, f"expanding RNN: factor {f[grow]}, R² {r[grow]}: not a geometric growth")
    expect(f[rnn0] < 0.6, f"RNN at torch's init: factor {f[rnn0]}")
    expect(f[lstm_open] > 0.9, f"LSTM with an open forget gate: factor {f[lstm_open]}")
    far_less = (curves[lstm_open][-1] / curves[lstm_open][1]) / (curves[rnn0][-1] / curves[rnn0][1])
    expect(far_less > 1e6,
           f"LSTM (open forget gate) keeps only {far_less:.3g}× more gradient than the RNN over 28 steps")
    expect(f[lstm0] < 0.75, f"LSTM at torch's init: factor {f[lstm0]}; the forget gate should make the difference")
    findings["LSTM (open forget gate) / RNN (default init): gradient kept over 28 steps"] = float(f"{far_less:.3g}")

    def draw(ax):
        for n, norms in curves.items():
            ax.semilogy(np.arange(norms.size), norms, label=n)
        ax.set_xlabel("k (steps back from t = T)")
        ax.set_ylabel("‖∂L/∂x_(t−k)‖")
        ax.legend(fontsize=7)

    save("rnn.vanishing", draw, title="gradient reaching step t − k (L = ⟨g, h_T⟩)")
    return findings
