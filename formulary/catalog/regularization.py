"""Catalog records of dropout (issue 17): dropout, dropout2d, alpha dropout, their statistics,
and the claim that dropout narrows the train/validation gap."""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from formulary import edges
from formulary.mistakes import regularization as M
from formulary.record import ErrorInput, Mistake, Record, Sample
from formulary.strategies import arrays, shapes
from formulary.tolerance import Tolerance
from formulary.verdict import expect

SECTION = "§7 训练过程 (training: regularisation)"
_PS = [0.0, 0.2, 0.5, 1.0 / 3, 0.9, 1.0]
_EXACT = {np.float32: Tolerance(0.0, 0.0), np.float64: Tolerance(0.0, 0.0)}


def _fix_mask(p: float, m: np.ndarray) -> np.ndarray:
    """p = 0 keeps everything and p = 1 nothing: the mask must say so."""
    return np.ones_like(m) if p == 0 else np.zeros_like(m) if p == 1 else m


def _samples(dt, channelwise=False, eval_default=False):
    shape = shapes(min_dims=3, max_dims=4, min_side=1, max_side=4) if channelwise else shapes(max_side=5)

    def train(s):
        noise = s[:2] if channelwise else s
        return st.tuples(arrays(dt, s), st.sampled_from(_PS), hnp.arrays(np.bool_, noise)).map(
            lambda t: Sample((t[0], t[1], True), {"mask": _fix_mask(t[1], t[2])}))

    def evaluation(s):
        return st.tuples(arrays(dt, s), st.sampled_from([0.2, 0.5])).map(
            lambda t: Sample((t[0], t[1]) if eval_default else (t[0], t[1], False)))

    return shape.flatmap(lambda s: st.one_of(train(s), evaluation(s)))


def _edges(dt, channelwise=False, eval_default=False):
    v = edges.special_values(dt)
    if channelwise:
        v = v[: (v.size // 3) * 3].reshape(1, 3, -1).repeat(2, axis=0)
        alt = np.array([[True, False, True], [False, True, True]])
    else:
        alt = np.arange(v.size) % 3 != 1
    off = (v, 0.5) if eval_default else (v, 0.5, False)
    return [
        Sample((v, 0.5, True), {"mask": alt}, "special values, every third dropped"),
        Sample((v, 1.0 / 3, True), {"mask": alt}, "p = 1/3: 1 − p rounded to the dtype"),
        Sample((v, 0.0, True), {"mask": np.ones_like(alt)}, "p = 0: the identity"),
        Sample((v, 1.0, True), {"mask": np.zeros_like(alt)}, "p = 1: x·0 (NaN at inf and NaN)"),
        Sample(off, {}, "evaluation mode"),
        *([] if channelwise else [Sample((np.array(2.0, dt), 0.5, True), {"mask": np.array(True)}, "0-d")]),
        Sample((np.zeros((2, 0, 3, 1) if channelwise else (0, 3), dt), 0.5, True),
               {"mask": np.zeros((2, 0) if channelwise else (0, 3), bool)}, "empty"),
    ]


def _torch_draw(fn, x: np.ndarray, p: float, seed: int):
    """torch's own output, and its keep-mask recovered from the same draw on ones."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        out = fn(torch.from_numpy(x), p, True)
        torch.manual_seed(seed)
        probe = F.dropout2d(torch.ones_like(torch.from_numpy(x)), p, True) if fn is F.dropout2d else \
            F.dropout(torch.ones_like(torch.from_numpy(x)), p, True)
    return out.numpy(), probe.numpy() != 0


def _agrees_with_torch(name, fn, shape):
    def check(candidate):
        mine_fn = candidate.get(f"regularization.{name}")
        seen = {}
        for dtype in (np.float32, np.float64):
            x = np.random.default_rng(0).normal(size=shape).astype(dtype)
            for p in (0.2, 0.5, 1.0 / 3, 0.8):
                theirs, keep = _torch_draw(fn, x, p, seed=7)
                if name == "dropout2d":
                    keep = keep[:, :, :1, :1]
                mine = mine_fn(x, p, True, mask=keep)
                expect(np.array_equal(mine, theirs),
                       f"{name}({dtype.__name__}, p={p}) with torch's own mask differs from torch's output: "
                       f"max |Δ| {np.max(np.abs(mine - theirs))}")
                seen[f"kept_fraction_p{p}_{dtype.__name__}"] = float(keep.mean())
        return {"identical_to_torch": True, "draws_compared": 8, **{k: v for k, v in seen.items() if "64" in k}}
    return check


def _errors(name, channelwise=False):
    x = np.zeros((2, 3, 2, 2)) if channelwise else np.zeros((2, 3))
    return (
        ErrorInput(Sample((x, 1.5, True), {"mask": np.ones(x.shape[:2] if channelwise else x.shape, bool)}),
                   ValueError, r"\bp\b.*between 0 and 1"),
        ErrorInput(Sample((x, "0.5", True)), TypeError, r"\bp\b"),
        ErrorInput(Sample((x, 0.5, True), {"mask": np.ones((3, 2), bool)}), ValueError, r"\bmask\b.*shape"),
        ErrorInput(Sample((x, 0.5, True), {"mask": np.ones(x.shape[:2] if channelwise else x.shape)}), TypeError,
                   r"\bmask\b.*bool"),
        ErrorInput(Sample((x, 0.5, True), {"generator": 3}), TypeError, r"\bgenerator\b"),
        ErrorInput(Sample((x, 0.5, False), {"mask": np.ones(x.shape[:2] if channelwise else x.shape, bool)}),
                   ValueError, r"\bmask\b.*training"),
        ErrorInput(Sample((x, 0.5, 1)), TypeError, r"\btraining\b"),
        ErrorInput(Sample((np.array([1, 2]), 0.5, True)), TypeError, r"\binput\b"),
        ErrorInput(Sample((x, x, 0.5, True)), ValueError, r"\bmask\b.*required", "backward"),
        ErrorInput(Sample((np.zeros(2), x, 0.5, True), {"mask": np.ones(2, bool)}), ValueError, r"\bgrad_output\b",
                   "backward"),
        *([ErrorInput(Sample((np.zeros((2, 3)), 0.5, True)), ValueError,
                      r"\binput\b.*3-D.*4-D")] if channelwise else []),
    )


def _record(*, id, name, equation, mistakes, check, channelwise=False, eval_default=False, notes=""):
    return Record(
        id=id, kind="F", section=SECTION, equation=equation,
        candidate=f"regularization.{name}", reference=f"regularization.{name}",
        backward=f"regularization.{name}_backward",
        inputs=lambda dt: _samples(dt, channelwise, eval_default),
        edges=lambda dt: _edges(dt, channelwise, eval_default),
        check=check, mistakes=tuple(mistakes), errors=_errors(name, channelwise),
        tolerances=_EXACT,  # torch's arithmetic, operation for operation: bit for bit, forward and backward
        notes=notes or "Judged bit for bit (zero tolerance): the property check hands torch's own drawn mask to the "
                       "candidate; drawn samples and the edge bank apply a given mask with torch's arithmetic.",
    )


# -- statistics -------------------------------------------------------------------------------

_N = 200_000


def _z(count: float, n: int, rate: float) -> float:
    return (count - n * rate) / math.sqrt(n * rate * (1 - rate))


def _statistics(candidate):
    """Stated tests, n = 200 000 draws from a seeded generator: |z| < 5 for the keep rate
    (a fair generator fails that with probability 6e-7), exact 1/(1 − p) scaling of every
    survivor, the mean kept within 5 standard errors, evaluation the identity, and one
    seed one mask."""
    drop = candidate.get("regularization.dropout")
    drop2d = candidate.get("regularization.dropout2d")
    alpha = candidate.get("regularization.alpha_dropout")
    mask_of = candidate.get("regularization.dropout_mask")
    x = np.random.default_rng(0).uniform(0.5, 1.5, _N)
    out = {}
    for p in (0.1, 0.5, 0.8):
        y = drop(x, p, True, generator=np.random.default_rng(42))
        kept = y != 0
        z = _z(kept.sum(), _N, 1 - p)
        expect(abs(z) < 5,
               f"p={p}: kept {kept.mean():.4f} of the entries, expected 1 − p = {1 - p} (z = {z:.1f}, |z| < 5)")
        expect(np.array_equal(y[kept], x[kept] * (1.0 / (1.0 - p))), f"p={p}: survivors are not x·1/(1 − p) exactly")
        se = y.std() / math.sqrt(_N)
        expect(abs(y.mean() - x.mean()) < 5 * se,
               f"p={p}: mean {y.mean():.5f}, expected the input's {x.mean():.5f} ± {5 * se:.5f}")
        again = drop(x, p, True, mask=mask_of(x, p, np.random.default_rng(42)))
        expect(np.array_equal(again, y), f"p={p}: dropout_mask with the same seed does not give dropout's mask")
        expect(np.array_equal(drop(x, p, False), x), f"p={p}: evaluation mode is not the identity")
        out[f"keep_rate_p{p}"], out[f"z_p{p}"] = float(kept.mean()), float(z)
    maps = drop2d(np.ones((400, 250, 2, 2)), 0.3, True, generator=np.random.default_rng(1))
    per_map = maps.reshape(400, 250, 4)
    expect(np.all(per_map.min(axis=2) == per_map.max(axis=2)),
           "dropout2d drops parts of a feature map: one draw per (sample, channel) expected")
    z2 = _z((per_map[:, :, 0] != 0).sum(), 100_000, 0.7)
    expect(abs(z2) < 5,
           f"dropout2d keeps {np.mean(per_map[:, :, 0] != 0):.4f} of the maps, expected 0.7 (z = {z2:.1f})")
    g = np.random.default_rng(2).normal(size=_N)
    a = alpha(g, 0.3, True, generator=np.random.default_rng(3))
    zm, zv = a.mean() * math.sqrt(_N), (a.var() - 1) / math.sqrt(2 / _N)
    expect(abs(zm) < 5 and abs(zv) < 5, f"alpha dropout of N(0, 1): mean {a.mean():.4f}, variance {a.var():.4f}; "
                                        f"expected 0 and 1 within 5 standard errors (z = {zm:.1f}, {zv:.1f})")
    expect(np.array_equal(alpha(g, 0.3), g), "alpha_dropout's default (training=False) is not the identity")
    out.update(dropout2d_keep_rate=float(np.mean(per_map[:, :, 0] != 0)), alpha_mean=float(a.mean()),
               alpha_variance=float(a.var()))
    return out


RECORDS = (
    _record(id="reg.dropout", name="dropout",
            equation=r"y = \frac{m \odot x}{1 - p},\ m_i \sim \operatorname{Bernoulli}(1 - p);\ y = x \text{ in "
                     r"evaluation}",
            mistakes=[Mistake("no-rescale", "m ⊙ x without 1/(1 − p)", M.dropout_no_rescale),
             Mistake("scale-by-p", "survivors scaled by 1/p", M.dropout_scale_by_p),
             Mistake("mask-inverted", "the mask read as 'dropped'", M.dropout_mask_inverted),
             Mistake("eval-scaled", "evaluation scaled by 1 − p on top of inverted training", M.dropout_eval_scaled),
             Mistake("backward-unscaled", "m ⊙ g without 1/(1 − p)", M.dropout_backward_unscaled, "backward"),
             Mistake("backward-no-mask", "dropped units still receive gradient", M.dropout_backward_no_mask,
                     "backward")],
            check=_agrees_with_torch("dropout", F.dropout, (300,))),
    _record(id="reg.dropout2d", name="dropout2d",
            equation=r"y_{n,c} = \frac{m_{n,c}\,x_{n,c}}{1 - p},\ m_{n,c} \sim \operatorname{Bernoulli}(1 - p)",
            mistakes=[Mistake("no-rescale", "channels dropped, survivors not scaled", M.dropout2d_no_rescale),
             Mistake("backward-unscaled", "m ⊙ g without 1/(1 − p)", M.dropout2d_backward_unscaled, "backward")],
            check=_agrees_with_torch("dropout2d", F.dropout2d, (6, 5, 3, 2)), channelwise=True),
    _record(id="reg.alpha_dropout", name="alpha_dropout",
            equation=r"y = a\,(m \odot x + (1 - m)\alpha') + b,\ a = ((1 - p)(1 + p\alpha'^2))^{-1/2},\ b = -a\alpha' "
                     r"p,\ \alpha' = -\lambda\alpha",
            mistakes=[Mistake("to-zero", "plain dropout: dropped units at 0", M.alpha_dropout_to_zero),
             Mistake("no-affine", "dropped units at α' without the affine correction", M.alpha_dropout_no_affine),
             Mistake("backward-unscaled", "m ⊙ g without a", M.alpha_dropout_backward_unscaled, "backward")],
            check=_agrees_with_torch("alpha_dropout", F.alpha_dropout, (300,)), eval_default=True),
    Record(
        id="reg.dropout.statistics", kind="C", section=SECTION,
        equation=r"P(m_i = 1) = 1 - p,\quad \mathbb{E}[y] = x,\quad y = x \text{ in evaluation}",
        check=_statistics,
        mistakes=(
            Mistake("keeps-with-p", "keeps with probability p", M.dropout_keeps_with_p, "regularization.dropout"),
            Mistake("no-rescale", "survivors not scaled: the mean shrinks by 1 − p", M.dropout_no_rescale,
                    "regularization.dropout"),
            Mistake("eval-scaled", "evaluation scaled by 1 − p", M.dropout_eval_scaled, "regularization.dropout"),
            Mistake("elementwise-2d", "dropout2d drawn element by element", M.dropout2d_elementwise_draw,
                    "regularization.dropout2d"),
            Mistake("alpha-no-affine", "alpha dropout without its affine correction", M.alpha_dropout_no_affine,
                    "regularization.alpha_dropout"),
        ),
    ),
)
