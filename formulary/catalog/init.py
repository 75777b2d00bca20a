"""Catalog records of initialisation (issue 17): torch.nn.init's gains, bounds and samplers,
and the guide's claim that the initial scale decides whether a deep network's signal survives."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st

from formulary import figures
from formulary.catalog._combine import all_of as _and
from formulary.mistakes import init as M
from formulary.record import ErrorInput, Mistake, Record, Sample
from formulary.tolerance import Tolerance
from formulary.twosample import ks_2samp
from formulary.verdict import expect
from reference import init as TI

SECTION = "§7 训练过程 (training: parameter initialisation)"
P_MIN = 1e-3  # a KS p-value below this rejects "same distribution as torch's samples"

_NONLINEARITIES = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                   "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu")
_EXACT = {np.float32: Tolerance(0.0, 0.0), np.float64: Tolerance(0.0, 0.0)}


def _gain_table(candidate):
    """Every row of torch's table, value and type (torch returns the int 1 for linear layers)."""
    gain = candidate.get("init.calculate_gain")
    rows = [(n, None) for n in _NONLINEARITIES] + [("leaky_relu", p) for p in (0.2, 0, 1, 3, -0.5, 0.01)]
    for name, param in rows:
        mine, theirs = gain(name, param), torch.nn.init.calculate_gain(name, param)
        expect(mine == theirs and type(mine) is type(theirs),
               f"calculate_gain({name!r}, {param!r}) = {mine!r}, expected torch's {theirs!r}")
    return {"rows": len(rows), "relu": gain("relu"), "tanh": gain("tanh"), "selu": gain("selu")}


GAIN = Record(
    id="init.calculate_gain", kind="F", section=SECTION,
    equation=r"\text{gain} = 1\ (\text{linear, conv, sigmoid}),\ \tfrac53\ (\tanh),\ \sqrt2\ (\text{relu}),\ "
             r"\sqrt{2/(1 + a^2)}\ (\text{leaky\_relu}),\ \tfrac34\ (\text{selu})",
    candidate="init.calculate_gain", reference="init.calculate_gain",
    inputs=lambda dt: st.one_of(
        st.sampled_from(_NONLINEARITIES).map(lambda n: Sample((n,))),
        st.sampled_from([None, 0.0, 0.1, 0.2, 1.0, 5.0, -2.0, 3]).map(lambda p: Sample(("leaky_relu", p)))),
    edges=lambda dt: [Sample((n,), {}, n) for n in _NONLINEARITIES] + [Sample(("leaky_relu", 0.0), {}, "slope 0")],
    dtypes=(np.float64,), tolerances=_EXACT, check=_gain_table,
    mistakes=(
        Mistake("relu-variance", "ReLU's gain 2 instead of √2", M.gain_relu_variance),
        Mistake("tanh-one", "tanh's gain 1", M.gain_tanh_one),
        Mistake("leaky-default-zero", "leaky_relu's default slope taken as 0", M.gain_leaky_default_zero),
    ),
    errors=(
        ErrorInput(Sample(("softmax",)), ValueError, r"\bnonlinearity\b.*softmax"),
        ErrorInput(Sample(("leaky_relu", True)), ValueError, r"\bparam\b"),
        ErrorInput(Sample(("leaky_relu", "0.2")), ValueError, r"\bparam\b"),
    ),
    notes="Judged with zero tolerance: equal to torch's table, float for float and int for int.",
)


# -- samplers ---------------------------------------------------------------------------------

def _torch_sample(name, shape, args, kwargs, seed):
    g = torch.Generator().manual_seed(seed)
    return getattr(TI, name)(torch.empty(shape, dtype=torch.float64), *args, generator=g, **kwargs).numpy()


def _sampler_check(name, cases, *, exact=True, extra=None):
    """For each case: torch's own (low, high) or (mean, std) reproduced exactly by a seeded
    draw, a new array of the input's dtype, and a two-sample KS test against torch's samples."""

    def check(candidate):
        fn = candidate.get(f"init.{name}")
        found = {}
        for k, (shape, args, kwargs) in enumerate(cases):
            tag = f"{name}{shape}{args or ''}{kwargs or ''}"
            for dtype in (np.float64, np.float32):
                w = np.full(shape, 7.0, dtype)
                out = fn(w, *args, generator=np.random.default_rng(k), **kwargs)
                expect(isinstance(out, np.ndarray) and out is not w and out.dtype == w.dtype and out.shape == w.shape,
                       f"{tag}: expected a new {np.dtype(dtype).name} array of shape {shape}")
                expect(np.all(w == 7.0), f"{tag}: the input was written to (impl never initialises in place)")
            if exact:
                kind, p1, p2 = TI.drawn_parameters(name, shape, *args, **kwargs)
                rng = np.random.default_rng(k)
                want = rng.uniform(p1, p2, shape) if kind == "uniform" else rng.normal(p1, p2, shape)
                got = fn(np.zeros(shape), *args, generator=np.random.default_rng(k), **kwargs)
                expect(np.array_equal(got, want), f"{tag}: not generator.{kind}({p1!r}, {p2!r}) with torch's exact "
                                                  f"parameters (max |Δ| {np.max(np.abs(got - want)):.3g})")
                found[f"{tag} torch {kind}"] = [p1, p2]
            mine = fn(np.zeros(shape), *args, generator=np.random.default_rng(1000 + k), **kwargs)
            theirs = _torch_sample(name, shape, args, kwargs, 2000 + k)
            d, p = ks_2samp(mine, theirs)
            expect(p > P_MIN, f"{tag}: KS test against torch's samples rejects (D = {d:.4f}, p = {p:.2g} < {P_MIN})")
            found[f"{tag} KS D, p"] = [round(d, 5), float(f"{p:.3g}")]
            if extra:
                extra(tag, mine, shape, args, kwargs)
        return found

    return check


def _errors(name, *, fans=True):
    base = (
        ErrorInput(Sample((np.zeros((3, 4), np.int64),)), TypeError, r"\btensor\b"),
        ErrorInput(Sample((np.zeros((3, 4)),), {"generator": 5}), TypeError, r"\bgenerator\b"),
    )
    if fans:
        base += (ErrorInput(Sample((np.zeros(5),)), ValueError, r"\btensor\b.*2 dimensions"),)
    return base


def _record(*, id, name, equation, cases, mistakes, errors=(), exact=True, extra=None, notes="", more=None):
    check = _sampler_check(name, cases, exact=exact, extra=extra)
    return Record(id=id, kind="F", section=SECTION, equation=equation, candidate=f"init.{name}",
                  check=_and(check, more) if more else check, mistakes=tuple(mistakes),
                  errors=tuple(errors), notes=notes or "Samples: 4000 a side; KS rejects at p < 1e-3.")


def _trunc_extra(tag, x, shape, args, kwargs):
    mean, std, a, b = args
    expect(x.min() >= a and x.max() <= b, f"{tag}: values outside [{a}, {b}]: [{x.min()}, {x.max()}]")
    expect(not np.any((x == a) | (x == b)), f"{tag}: values exactly at a bound: clipped, not redrawn")


def _orthogonal_extra(tag, x, shape, args, kwargs):
    gain = args[0] if args else 1
    m = x.reshape(shape[0], -1)
    gram = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
    err = np.max(np.abs(gram - gain * gain * np.eye(gram.shape[0])))
    expect(err < 1e-12 * max(1, gain * gain), f"{tag}: {'rows' if m.shape[0] <= m.shape[1] else 'columns'} not "
                                              f"orthonormal times the gain (max |WWᵀ − gain²I| = {err:.2g})")


def _haar_corner(candidate):
    """Haar: Q[0, 0]·√n of 4×4 draws is symmetric about 0; KS of 400 draws against torch's."""
    fn = candidate.get("init.orthogonal")
    rng = np.random.default_rng(9)
    mine = np.array([fn(np.zeros((4, 4)), generator=rng)[0, 0] for _ in range(400)])
    g = torch.Generator().manual_seed(9)
    theirs = np.array([TI.orthogonal(torch.empty(4, 4, dtype=torch.float64),
                                     generator=g)[0, 0].item() for _ in range(400)])
    d, p = ks_2samp(mine, theirs)
    expect(p > P_MIN, f"orthogonal: the corner entry Q[0, 0] of 400 draws is not distributed as torch's "
                      f"(D = {d:.3f}, p = {p:.2g}; positive in {np.mean(mine > 0):.0%} of draws)")
    return {"corner_KS_D_p": [round(d, 4), float(f"{p:.3g}")], "corner_positive_fraction": float(np.mean(mine > 0))}




_SQ, _RECT, _CONV = (40, 100), (100, 40), (20, 5, 5, 8)
_DEPTH, _WIDTH, _BATCH, _NETS = 20, 128, 16, 8


def _forward_stats(act, make_weight, seed):
    """Per layer: the mean square activation E[a²], the pre-activation variance, the saturated fraction."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((_BATCH, _WIDTH))
    rows = []
    for _ in range(_DEPTH):
        z = x @ make_weight(rng).T  # torch's layout: weight (out, in), fan_in = in
        x = np.maximum(z, 0.0) if act == "relu" else np.tanh(z)
        rows.append((float(np.mean(x * x)), float(np.var(z)), float(np.mean(np.abs(x) > 0.99))))
    return np.array(rows)


def _variance(candidate):
    """20 layers of width 128, input N(0, 1): He (ReLU) and Glorot with torch's tanh gain keep
    the signal within 2× of 1 (means over 8 networks); σ = 0.01 collapses it, σ = 1 explodes
    (ReLU) or saturates (tanh) it."""
    kaiming = candidate.get("init.kaiming_normal")
    xavier = candidate.get("init.xavier_normal")
    normal = candidate.get("init.normal")
    gain = candidate.get("init.calculate_gain")
    w0 = np.zeros((_WIDTH, _WIDTH))

    def mean_stats(act, make):
        return np.mean([_forward_stats(act, make, 100 + k) for k in range(_NETS)], axis=0)

    relu = mean_stats("relu", lambda rng: kaiming(w0, mode="fan_in", nonlinearity="relu", generator=rng))
    tanh = mean_stats("tanh", lambda rng: xavier(w0, gain=gain("tanh"), generator=rng))
    ms, var_z, sat = relu[:, 0], tanh[1:, 1], tanh[:, 2]
    expect(np.all((ms > 0.5) & (ms < 2)),
           f"ReLU with kaiming_normal: E[a²] per layer {np.round(ms, 2)} leaves [0.5, 2]")
    expect(np.all((var_z > 0.5) & (var_z < 2)),
           f"tanh with xavier_normal(gain 5/3): Var(z) of layers 2-20 {np.round(var_z, 2)} leaves [0.5, 2]")
    expect(np.all(sat < 0.2), f"tanh with xavier_normal: saturated fraction {np.round(sat, 3)} reaches 20 %")
    naive = {(act, s): _forward_stats(act, lambda rng, s=s: normal(w0, 0.0, s, generator=rng), 7)
             for act in ("relu", "tanh") for s in (0.01, 1.0)}
    expect(naive["relu", 0.01][-1, 0] < 1e-20 and naive["tanh", 0.01][-1, 0] < 1e-20,
           "σ = 0.01 should collapse the signal below 1e-20 by layer 20")
    expect(naive["relu", 1.0][-1, 0] > 1e20,
           f"σ = 1 should explode a ReLU network's signal, got {naive['relu', 1.0][-1, 0]:.3g}")
    expect(naive["tanh", 1.0][-1, 2] > 0.5,
           f"σ = 1 should saturate most tanh units, got {naive['tanh', 1.0][-1, 2]:.2f}")

    def draw(ax):
        layers = np.arange(1, _DEPTH + 1)
        ax.semilogy(layers, ms, "o-", label="ReLU, kaiming_normal: E[a²]")
        ax.semilogy(layers, tanh[:, 1], "s-", label="tanh, xavier_normal gain 5/3: Var(z)")
        for (act, s), st_ in naive.items():
            ax.semilogy(layers, np.clip(st_[:, 0], 1e-300, 1e300), "--", label=f"{act}, N(0, {s}²): E[a²]")
        ax.axhspan(0.5, 2, color="0.9")
        ax.set_xlabel("layer")
        ax.legend(fontsize=7)


    figures.save("init.variance", draw, title="Signal through 20 layers, by initialisation")
    return {"relu_he_mean_square_min_max": [float(ms.min()), float(ms.max())],
            "tanh_xavier_var_z_min_max": [float(var_z.min()), float(var_z.max())],
            "tanh_xavier_max_saturated": float(sat.max()),
            "naive_small_relu_layer20": float(naive["relu", 0.01][-1, 0]),
            "naive_large_relu_layer20": float(naive["relu", 1.0][-1, 0]),
            "naive_large_tanh_saturated_layer20": float(naive["tanh", 1.0][-1, 2])}


RECORDS = (
    GAIN,
    _record(id="init.uniform", name="uniform", equation=r"w \sim \mathcal{U}(a, b)",
            cases=[(_SQ, (), {}), (_RECT, (-3.0, 0.5), {})],
            mistakes=[Mistake("b-as-width", "U(a, a + b)", M.uniform_width),
                      Mistake("symmetric", "U(−b, b)", M.uniform_symmetric)],
            errors=_errors("uniform", fans=False)
            + (ErrorInput(Sample((np.zeros(3), 2.0, 1.0)), ValueError, r"\ba\b.*\bb\b"),)),
    _record(id="init.normal", name="normal", equation=r"w \sim \mathcal{N}(\mu, \sigma^2)",
            cases=[(_SQ, (), {}), (_RECT, (1.5, 0.5), {})],
            mistakes=[Mistake("variance-for-std", "std² as the scale", M.normal_variance_for_std),
                      Mistake("mean-ignored", "centred at 0", M.normal_mean_ignored)],
            errors=_errors("normal", fans=False)
            + (ErrorInput(Sample((np.zeros(3), 0.0, -1.0)), ValueError, r"\bstd\b"),)),
    _record(id="init.trunc_normal", name="trunc_normal",
            equation=r"w \sim \mathcal{N}(\mu, \sigma^2 \mid a \le w \le b)",
            cases=[(_SQ, (0.0, 1.0, -2.0, 2.0), {}), (_RECT, (0.5, 2.0, -1.0, 1.0), {}),
                   (_CONV, (0.0, 1.0, 0.5, 3.0), {})],
            mistakes=[Mistake("clipped", "clipped to [a, b] instead of redrawn", M.trunc_normal_clipped),
                      Mistake("bounds-in-std", "bounds read as multiples of std", M.trunc_normal_bounds_in_std)],
            errors=_errors("trunc_normal", fans=False)
            + (ErrorInput(Sample((np.zeros(3), 0.0, 1.0, 2.0, 1.0)), ValueError, r"\ba\b.*\bb\b"),
               ErrorInput(Sample((np.zeros(3), 0.0, 1.0, 50.0, 60.0)), ValueError, r"too little")),
            exact=False, extra=_trunc_extra,
            notes="Rejection sampling cannot reproduce torch's draw; judged by range, no mass at the bounds, and KS "
                  "against torch's samples (torch uses a uniform proposal when [a, b] holds < 30 % of the mass: the "
                  "third case)."),
    _record(id="init.xavier_uniform", name="xavier_uniform",
            equation=r"\mathcal{U}(-a, a),\ a = \text{gain}\sqrt{6/(\text{fan\_in} + \text{fan\_out})}",
            cases=[(_SQ, (), {}), (_CONV, (), {"gain": 5 / 3})],
            mistakes=[Mistake("fan-in-only", "√(3/fan_in) (LeCun)", M.xavier_uniform_fan_in),
                      Mistake("std-as-bound", "the std used as the bound", M.xavier_uniform_std_as_bound)],
            errors=_errors("xavier_uniform")),
    _record(id="init.xavier_normal", name="xavier_normal",
            equation=r"\mathcal{N}(0, \sigma^2),\ \sigma = \text{gain}\sqrt{2/(\text{fan\_in} + \text{fan\_out})}",
            cases=[(_SQ, (), {}), (_CONV, (), {"gain": 2.0})],
            mistakes=[Mistake("uniform-std", "√(6/(fan_in + fan_out)) as the std", M.xavier_normal_uniform_std),
                      Mistake("gain-ignored", "gain accepted and ignored", M.xavier_normal_gain_ignored)],
            errors=_errors("xavier_normal")),
    _record(id="init.kaiming_uniform", name="kaiming_uniform",
            equation=r"\mathcal{U}(-b, b),\ b = \text{gain}\sqrt{3/\text{fan}}",
            cases=[(_SQ, (), {}), (_RECT, (), {"mode": "fan_out", "nonlinearity": "relu"}),
                   (_CONV, (0.2,), {"mode": "fan_in"})],
            mistakes=[Mistake("mode-ignored", "fan_in whatever mode says", M.kaiming_uniform_mode_ignored),
                      Mistake("std-as-bound", "gain/√fan as the bound", M.kaiming_uniform_std_as_bound)],
            errors=_errors("kaiming_uniform")
            + (ErrorInput(Sample((np.zeros((3, 4)),), {"mode": "fan_avg"}), ValueError, r"\bmode\b"),
               ErrorInput(Sample((np.zeros((3, 4)),), {"nonlinearity": "gelu"}), ValueError, r"\bnonlinearity\b"))),
    _record(id="init.kaiming_normal", name="kaiming_normal",
            equation=r"\mathcal{N}(0, \sigma^2),\ \sigma = \text{gain}/\sqrt{\text{fan}}",
            cases=[(_SQ, (), {"nonlinearity": "relu"}), (_RECT, (), {"mode": "fan_out", "nonlinearity": "relu"}),
                   (_CONV, (), {"nonlinearity": "tanh"})],
            mistakes=[Mistake("mode-ignored", "fan_in whatever mode says", M.kaiming_normal_mode_ignored),
                      Mistake("no-gain", "1/√fan without the gain", M.kaiming_normal_no_gain)],
            errors=_errors("kaiming_normal")
            + (ErrorInput(Sample((np.zeros((3, 4)),), {"mode": 1}), ValueError, r"\bmode\b"),)),
    _record(id="init.orthogonal", name="orthogonal",
            equation=r"W = \text{gain}\cdot Q\operatorname{diag}(\operatorname{sign} R_{ii}),\ QR = X \sim "
                     r"\mathcal{N}(0, 1)",
            cases=[(_SQ, (), {}), (_RECT, (2.0,), {}), ((64, 64), (), {}), (_CONV, (), {})],
            mistakes=[Mistake("no-sign-fix", "Q without the signs of R's diagonal (not Haar)",
                              M.orthogonal_no_sign_fix),
                      Mistake("gain-ignored", "gain accepted and ignored", M.orthogonal_gain_ignored)],
            errors=_errors("orthogonal"), exact=False, extra=_orthogonal_extra, more=_haar_corner,
            notes="Judged by orthonormality (to 1e-12), KS of the entries and of the corner entry Q[0, 0] against "
                  "torch's samples; the QR's rounding differs between LAPACK builds, so no bit-for-bit draw."),
    Record(
        id="init.variance", kind="C", section=SECTION,
        equation=r"\operatorname{Var}(w) = \frac{\text{gain}^2}{\text{fan\_in}}:\ \mathbb{E}[a_l^2] \approx "
                 r"\mathbb{E}[x^2]\ "
                 r"(\text{relu}),\ \operatorname{Var}(z_l) \approx \text{const}\ (\tanh);\ \text{naive } \sigma = 0.01 "
                 r"\to 0,\ \sigma = 1 \to \infty",
        check=lambda candidate: _variance(candidate),
        mistakes=(
            Mistake("kaiming-no-gain", "kaiming_normal without the gain √2", M.kaiming_normal_no_gain,
                    "init.kaiming_normal"),
            Mistake("tanh-gain-one", "calculate_gain('tanh') = 1", M.gain_tanh_one, "init.calculate_gain"),
        ),
        notes="Guide §7: 小随机数用来保证网络不会因权值过大而进入饱和状态 (small random numbers keep the network out "
              "of "
              "saturation). Means over 8 networks of width 128 (batch 16): a single network of finite width drifts "
              "(log-variance random walk), the expectation is what He and Glorot's analysis fixes.",
    ),
)
