"""Quiz templates for issue 17's formulas: the rest of the activation family, regularisation
and initialisation.  As in :mod:`formulary.drill.templates`, the validated impl computes
every answer; ``level`` 1 is easy, 3 hard.
"""

from __future__ import annotations

import math

import numpy as np

from formulary.drill.questions import Question, fmt, template
from impl.activations import (
    celu,
    glu,
    hardshrink,
    hardswish,
    hardtanh,
    logsigmoid,
    mish,
    relu6,
    rrelu,
    softmin,
    softshrink,
    tanhshrink,
    threshold,
)
from impl.init import (
    calculate_gain,
    kaiming_normal,
    orthogonal,
)
from impl.optim import SGD, AdamW
from impl.regularization import AccuracyStop, EarlyStopping, alpha_dropout, dropout, l1_penalty, l2_penalty_backward


def _x(rng, lo, hi, level):
    return round(rng.uniform(lo, hi), 0 if level == 1 else 1 if level == 2 else 2)


# -- activations -------------------------------------------------------------------------

@template("act.hardswish.value", "act.hardswish")
def hardswish_value(rng, level):
    x = _x(rng, -4, 4, level)
    y = float(hardswish(np.array(x)))
    gate = min(max(x + 3, 0), 6)
    return Question("act.hardswish.value", "act.hardswish", f"hardswish(x) for x = {x}?", y, "number",
                    f"x·min(max(x + 3, 0), 6)/6 = {x}·{fmt(gate)}/6 = {fmt(y)}")


@template("act.mish.value", "act.mish")
def mish_value(rng, level):
    x = _x(rng, -3, 3, level)
    y = float(mish(np.array(x)))
    sp = math.log1p(math.exp(x))
    return Question("act.mish.value", "act.mish", f"Mish(x) = x·tanh(softplus(x)) for x = {x}?", y, "number",
                    f"softplus({x}) = ln(1 + e^{x}) = {fmt(sp)}; tanh({fmt(sp)}) = {fmt(math.tanh(sp))}; "
                    f"x·tanh = {fmt(y)}")


@template("act.glu.value", "act.glu")
def glu_value(rng, level):
    a, b = _x(rng, -3, 3, level), _x(rng, -3, 3, level)
    y = float(glu(np.array([a, b]), 0)[0])
    return Question("act.glu.value", "act.glu", f"GLU of the vector [{a}, {b}] (halved into a = {a}, b = {b})?", y,
                    "number",
                    f"a·σ(b) = {a}·σ({b}) = {a}·{fmt(1 / (1 + math.exp(-b)))} = {fmt(y)}")


@template("act.softshrink.value", "act.softshrink")
def softshrink_value(rng, level):
    lam = rng.choice([0.5, 1.0, 1.5])
    x = _x(rng, -3, 3, level)
    y = float(softshrink(np.array(x), lam))
    rule = "x − λ" if x > lam else "x + λ" if x < -lam else "0 (|x| ≤ λ)"
    return Question("act.softshrink.value", "act.softshrink", f"softshrink(x, λ = {lam}) for x = {x}?", y, "number",
                    f"{rule} = {fmt(y)}")


# -- regularisation ----------------------------------------------------------------------

@template("reg.dropout.kept_value", "reg.dropout")
def dropout_kept(rng, level):
    p = rng.choice([0.1, 0.2, 0.25, 0.5] if level < 3 else [0.3, 0.4, 0.6, 0.75])
    a = _x(rng, 0.5, 3, level)
    y = float(dropout(np.array([a]), p, True, mask=np.array([True]))[0])
    return Question("reg.dropout.kept_value", "reg.dropout",
                    f"Inverted dropout with p = {p} (training): an activation {a} that is kept becomes?", y, "number",
                    f"survivors are scaled by 1/(1 − p) = 1/{fmt(1 - p)}: {a}/{fmt(1 - p)} = {fmt(y)} "
                    f"(so that the expectation stays {a}; evaluation is the identity)")


@template("reg.weight_decay.sgd_step", "reg.weight_decay")
def sgd_weight_decay(rng, level):
    theta, g = _x(rng, -2, 2, max(level, 2)), _x(rng, -1, 1, max(level, 2))
    lr, wd = 0.1, rng.choice([0.01, 0.1, 0.5])
    param = np.array([theta])
    SGD([param], lr=lr, weight_decay=wd).step([np.array([g])])
    return Question("reg.weight_decay.sgd_step", "reg.weight_decay",
                    f"One SGD step with lr 0.1 and weight_decay {wd} (= an L2 penalty (λ/2)θ²): θ = {theta}, g = {g}. "
                    f"New θ?",
                    float(param[0]), "number",
                        f"θ − lr·(g + λθ) = {theta} − 0.1·({g} + {wd}·{theta}) = {fmt(float(param[0]))}")


@template("reg.weight_decay.adamw_decay", "reg.weight_decay")
def adamw_decay(rng, level):
    theta, g = _x(rng, 0.5, 2, max(level, 2)), _x(rng, -1, 1, max(level, 2))
    lr, wd = 0.1, rng.choice([0.01, 0.1, 0.5])
    param = np.array([theta])
    AdamW([param], lr=lr, weight_decay=wd).step([np.array([g])])
    decayed = theta * (1 - lr * wd)
    return Question("reg.weight_decay.adamw_decay", "reg.weight_decay",
                    f"First AdamW step (lr 0.1, weight_decay {wd}, β 0.9/0.999, ε 1e-8): θ = {theta}, g = {g}. New θ?",
                    float(param[0]), "number",
                    f"decoupled decay first: θ(1 − lr·λ) = {fmt(decayed)}; then Adam's first step moves by lr·sign(g) "
                    f"(m̂/√v̂ = g/|g|): {fmt(decayed)} − 0.1·{'+1' if g > 0 else '−1'} = {fmt(float(param[0]))}")


@template("reg.early_stopping.epoch", "reg.early_stopping")
def early_stopping_epoch(rng, level):
    n = 7 if level < 3 else 9
    losses = [round(1.0 - 0.1 * k + rng.uniform(0, 0.25 * k / n), 2) for k in range(n)]
    patience = rng.choice([2, 3])
    es = EarlyStopping(patience=patience)
    stop = next((t for t, v in enumerate(losses) if es.step(v)), None)
    answer = stop + 1 if stop is not None else 0
    return Question("reg.early_stopping.epoch", "reg.early_stopping",
                    f"Validation losses after epochs 1..{n}: {losses}. Early stopping with patience {patience} (an "
                    f"improvement is a strictly lower loss): after which epoch does training stop (0 if it never "
                    f"does)?",
                    answer, "integer",
                    f"best {es.best} after epoch {es.best_epoch + 1}; stop when {patience} epochs in a row bring no "
                    f"new "
                    f"best: {'epoch ' + str(answer) if answer else 'never within these epochs'}")


# -- initialisation ------------------------------------------------------------------------

@template("init.xavier_uniform.bound", "init.xavier_uniform")
def xavier_bound(rng, level):
    fan_in, fan_out = rng.choice([64, 100, 128, 256, 300]), rng.choice([10, 64, 100, 128, 512])
    gain_name = rng.choice(["linear", "tanh"] if level > 1 else ["linear"])
    gain = calculate_gain(gain_name)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return Question("init.xavier_uniform.bound", "init.xavier_uniform",
                    f"xavier_uniform on a Linear({fan_in} → {fan_out}) weight with gain calculate_gain('{gain_name}'): "
                    f"the bound a of U(−a, a)?", bound, "number",
                    f"a = gain·√(6/(fan_in + fan_out)) = {fmt(gain)}·√(6/{fan_in + fan_out}) = {fmt(bound)}")


@template("init.kaiming_normal.std", "init.kaiming_normal")
def kaiming_std(rng, level):
    c_in, k = rng.choice([3, 16, 32, 64]), rng.choice([1, 3, 5])
    slope = rng.choice([0.0, 0.01, 0.2]) if level > 1 else 0.0
    fan = c_in * k * k
    std = calculate_gain("leaky_relu", slope) / math.sqrt(fan)
    w = kaiming_normal(np.zeros((8, c_in, k, k)), slope, generator=np.random.default_rng(0))
    return Question("init.kaiming_normal.std", "init.kaiming_normal",
                    f"kaiming_normal (mode fan_in, leaky_relu with slope a = {slope}) on a conv weight of shape "
                    f"{w.shape} (out, in, k, k): the standard deviation?", std, "number",
                    f"fan_in = in·k·k = {fan}; gain = √(2/(1 + a²)) = {fmt(calculate_gain('leaky_relu', slope))}; "
                    f"std = gain/√fan_in = {fmt(std)}")


@template("init.calculate_gain.value", "init.calculate_gain")
def gain_value(rng, level):
    name = rng.choice(["relu", "tanh", "selu", "sigmoid", "leaky_relu"])
    slope = rng.choice([0.1, 0.2, 0.5]) if name == "leaky_relu" else None
    g = float(calculate_gain(name, slope))
    why = {"relu": "√2 (half the units are zero)", "tanh": "5/3", "selu": "3/4 (torch's empirical choice)",
           "sigmoid": "1", "leaky_relu": f"√(2/(1 + {slope}²))"}[name]
    return Question("init.calculate_gain.value", "init.calculate_gain",
                    f"torch.nn.init.calculate_gain('{name}'{'' if slope is None else f', {slope}'})?", g, "number",
                    f"{why} = {fmt(g)}")


# -- one value of each remaining activation ------------------------------------------------

def _act_question(tid, topic, rng, level, name, fn, formula, lo=-4.0, hi=4.0, **kw):
    x = _x(rng, lo, hi, level)
    y = float(fn(np.array(x), **kw))
    opts = "".join(f", {k} = {v}" for k, v in kw.items())
    return Question(tid, topic, f"{name}(x{opts}) for x = {x}?", y, "number", f"{formula} = {fmt(y)}")


@template("act.hardtanh.value", "act.hardtanh")
def hardtanh_value(rng, level):
    lo, hi = rng.choice([(-1.0, 1.0), (-2.0, 2.0), (0.0, 3.0)])
    return _act_question("act.hardtanh.value", "act.hardtanh", rng, level, "hardtanh", hardtanh,
                         f"min(max(x, {lo}), {hi})", min_val=lo, max_val=hi)


@template("act.relu6.value", "act.relu6")
def relu6_value(rng, level):
    return _act_question("act.relu6.value", "act.relu6", rng, level, "relu6", relu6, "min(max(x, 0), 6)", -3.0, 9.0)


@template("act.threshold.value", "act.threshold")
def threshold_value(rng, level):
    t, v = rng.choice([0.5, 1.0, -1.0]), rng.choice([0.0, -1.0, 5.0])
    return _act_question("act.threshold.value", "act.threshold", rng, level, "threshold", threshold,
                         f"x if x > {t} else {v}", threshold=t, value=v)


@template("act.celu.value", "act.celu")
def celu_value(rng, level):
    a = rng.choice([1.0, 2.0, 0.5])
    return _act_question("act.celu.value", "act.celu", rng, level, "celu", celu,
                         f"x if x > 0 else α(e^(x/α) − 1) with α = {a}", alpha=a)


@template("act.logsigmoid.value", "act.logsigmoid")
def logsigmoid_value(rng, level):
    return _act_question("act.logsigmoid.value", "act.logsigmoid", rng, level, "logsigmoid", logsigmoid,
                         "log σ(x) = −ln(1 + e^(−x))")


@template("act.tanhshrink.value", "act.tanhshrink")
def tanhshrink_value(rng, level):
    return _act_question("act.tanhshrink.value", "act.tanhshrink", rng, level, "tanhshrink", tanhshrink, "x − tanh x",
                         -3.0, 3.0)


@template("act.hardshrink.value", "act.hardshrink")
def hardshrink_value(rng, level):
    lam = rng.choice([0.5, 1.0, 2.0])
    return _act_question("act.hardshrink.value", "act.hardshrink", rng, level, "hardshrink", hardshrink,
                         f"x if |x| > {lam} else 0", lambd=lam)


@template("act.rrelu.eval_value", "act.rrelu")
def rrelu_eval_value(rng, level):
    lower, upper = rng.choice([(1 / 8, 1 / 3), (0.1, 0.3), (0.2, 0.6)])
    x = -abs(_x(rng, 0.5, 4, level))
    y = float(rrelu(np.array(x), lower, upper))
    return Question("act.rrelu.eval_value", "act.rrelu",
                    f"rrelu in evaluation mode with lower = {fmt(lower)}, upper = {fmt(upper)}, for x = {x}?", y,
                        "number",
                    f"evaluation uses the mean slope (l + u)/2 = {fmt((lower + upper) / 2)}: "
                    f"{x}·{fmt((lower + upper) / 2)} = {fmt(y)}")


@template("act.softmin.component", "act.softmin")
def softmin_component(rng, level):
    z = [float(_x(rng, -2, 3, level)) for _ in range(3)]
    k = rng.randrange(3)
    p = softmin(np.array(z), 0)
    terms = " + ".join(f"e^{fmt(-v)}" for v in z)
    return Question("act.softmin.component", "act.softmin", f"softmin(z)_{k + 1} for z = {z}?", float(p[k]), "number",
                    f"e^{fmt(-z[k])} / ({terms}) = {fmt(float(p[k]))}")


# -- more regularisation ------------------------------------------------------------------

@template("reg.dropout2d.kept_maps", "reg.dropout2d")
def dropout2d_maps(rng, level):
    n, c, p = rng.choice([2, 4, 8]), rng.choice([16, 32, 64]), rng.choice([0.1, 0.2, 0.5])
    kept = round(n * c * (1 - p))
    return Question("reg.dropout2d.kept_maps", "reg.dropout2d",
                    f"dropout2d with p = {p} on a batch of {n} images with {c} channels of 28×28: how many feature "
                    f"maps "
                    f"are kept on average?", kept, "integer",
                    f"one draw per (sample, channel): {n}·{c} maps, each kept with probability 1 − p: "
                    f"{n * c}·{fmt(1 - p)} = {kept}")


@template("reg.alpha_dropout.dropped_value", "reg.alpha_dropout")
def alpha_dropped(rng, level):
    p = rng.choice([0.05, 0.1, 0.2, 0.5])
    y = float(alpha_dropout(np.array([3.0]), p, True, mask=np.array([False]))[0])
    alpha = 1.7580993408473766
    a = 1 / math.sqrt((1 - p) * (1 + p * alpha * alpha))
    return Question("reg.alpha_dropout.dropped_value", "reg.alpha_dropout",
                    f"alpha dropout with p = {p}: the value of a dropped unit (α' = −λα ≈ −1.7581)?", y, "number",
                    f"a = ((1 − p)(1 + pα'²))^(−1/2) = {fmt(a)}; b = −aα'p; dropped: aα' + b = aα'(1 − p) = {fmt(y)}")


@template("reg.l1.value", "reg.l1")
def l1_value(rng, level):
    w = [float(_x(rng, -2, 2, level)) for _ in range(3)]
    lam = rng.choice([0.01, 0.1, 0.5])
    y = float(l1_penalty(np.array(w), lam))
    return Question("reg.l1.value", "reg.l1", f"L1 penalty λΣ|w| with λ = {lam} for w = {w}?", y, "number",
                    f"{lam}·({' + '.join(f'|{v:g}|' for v in w)}) = {fmt(y)}")


@template("reg.l2.gradient", "reg.l2")
def l2_gradient(rng, level):
    w, lam = _x(rng, -2, 2, max(level, 2)), rng.choice([0.01, 0.1, 0.5])
    y = float(l2_penalty_backward(np.array(1.0), np.array([w]), lam)[0])
    return Question("reg.l2.gradient", "reg.l2", f"Gradient of the L2 penalty (λ/2)Σw² at w = {w} with λ = {lam}?", y,
                    "number", f"λw = {lam}·{w} = {fmt(y)} (the same as SGD's weight_decay = {lam})")


@template("reg.accuracy_stop.iteration", "reg.accuracy_stop")
def accuracy_stop_iteration(rng, level):
    every, target = rng.choice([5, 10, 20]), rng.choice([0.1, 0.05, 0.02])
    errors = [1.0 / t for t in range(1, 400)]
    stop = AccuracyStop(target, every)
    t = next(i for i, e in enumerate(errors) if stop.step(e)) + 1
    return Question("reg.accuracy_stop.iteration", "reg.accuracy_stop",
                    f"The guide's rule: every M = {every} iterations check whether the error meets ε = {target}. The "
                    f"error "
                    f"after iteration t is 1/t. At which iteration does training stop?", t, "integer",
                    f"1/t ≤ {target} from t = {math.ceil(1 / target)} on; the first check at or after it is t = {t}")


# -- more initialisation -----------------------------------------------------------------

@template("init.uniform.variance", "init.uniform")
def uniform_variance(rng, level):
    b = rng.choice([0.1, 0.5, 1.0, 2.0])
    v = (2 * b) ** 2 / 12
    return Question("init.uniform.variance", "init.uniform", f"Variance of weights drawn from U(−{b}, {b})?", v,
                    "number",
                    f"(b − a)²/12 = {fmt(2 * b)}²/12 = {fmt(v)}")


@template("init.normal.interval", "init.normal")
def normal_interval(rng, level):
    s = rng.choice([0.01, 0.02, 0.1])
    k = rng.choice([1, 2, 3])
    frac = math.erf(k / math.sqrt(2))
    return Question("init.normal.interval", "init.normal",
                    f"Weights from N(0, {s}²): what fraction lies within ±{k * s:g}?",
                    frac, "number", f"±{k}σ of a normal: erf({k}/√2) = {fmt(frac)}")


@template("init.trunc_normal.kept_mass", "init.trunc_normal")
def trunc_kept(rng, level):
    a = rng.choice([1.0, 1.5, 2.0])
    mass = math.erf(a / math.sqrt(2))
    return Question("init.trunc_normal.kept_mass", "init.trunc_normal",
                    f"trunc_normal(mean 0, std 1, a = −{a}, b = {a}): the probability that one normal draw is kept "
                    f"(not redrawn)?", mass, "number", f"P(|z| ≤ {a}) = erf({a}/√2) = {fmt(mass)}")


@template("init.xavier_normal.std", "init.xavier_normal")
def xavier_normal_std(rng, level):
    fan_in, fan_out = rng.choice([100, 256, 300, 784]), rng.choice([10, 100, 128, 512])
    std = math.sqrt(2.0 / (fan_in + fan_out))
    return Question("init.xavier_normal.std", "init.xavier_normal",
                    f"xavier_normal (gain 1) on a Linear({fan_in} → {fan_out}) weight: the standard deviation?", std,
                    "number", f"√(2/(fan_in + fan_out)) = √(2/{fan_in + fan_out}) = {fmt(std)}")


@template("init.kaiming_uniform.bound", "init.kaiming_uniform")
def kaiming_uniform_bound(rng, level):
    fan_in = rng.choice([64, 128, 300, 512])
    bound = math.sqrt(2.0) * math.sqrt(3.0 / fan_in)
    return Question("init.kaiming_uniform.bound", "init.kaiming_uniform",
                    f"kaiming_uniform (fan_in, nonlinearity 'relu') on a Linear({fan_in} → 4) weight: the bound b of "
                    f"U(−b, b)?", bound, "number", f"gain·√(3/fan_in) = √2·√(3/{fan_in}) = {fmt(bound)}")


@template("init.orthogonal.gram", "init.orthogonal")
def orthogonal_gram(rng, level):
    gain = rng.choice([1.0, 2.0, 0.5])
    n = rng.choice([3, 4, 8])
    w = orthogonal(np.zeros((n, 2 * n)), gain, generator=np.random.default_rng(0))
    value = float(np.round((w @ w.T)[0, 0], 12))
    return Question("init.orthogonal.gram", "init.orthogonal",
                    f"W = orthogonal(empty({n}, {2 * n}), gain = {gain}): the diagonal entries of W·Wᵀ?", value,
                        "number",
                    f"the rows are orthonormal times the gain: W·Wᵀ = gain²·I, diagonal {fmt(gain * gain)}")
