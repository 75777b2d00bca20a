"""Quiz templates for issue 17's formulas: the rest of the activation family, regularisation
and initialisation.  As in :mod:`formulary.drill.templates`, the validated impl computes
every answer; ``level`` 1 is easy, 3 hard.
"""

from __future__ import annotations

import math

import numpy as np

from formulary.drill.questions import Question, fmt, template
from impl.activations import glu, hardswish, mish, softshrink
from impl.init import calculate_gain, kaiming_normal, xavier_uniform
from impl.optim import SGD, AdamW
from impl.regularization import EarlyStopping, dropout


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
    return Question("act.glu.value", "act.glu", f"GLU of the vector [{a}, {b}] (halved into a = {a}, b = {b})?", y, "number",
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
                    f"One SGD step with lr 0.1 and weight_decay {wd} (= an L2 penalty (λ/2)θ²): θ = {theta}, g = {g}. New θ?",
                    float(param[0]), "number", f"θ − lr·(g + λθ) = {theta} − 0.1·({g} + {wd}·{theta}) = {fmt(float(param[0]))}")


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
                    f"improvement is a strictly lower loss): after which epoch does training stop (0 if it never does)?",
                    answer, "integer",
                    f"best {es.best} after epoch {es.best_epoch + 1}; stop when {patience} epochs in a row bring no new "
                    f"best: {'epoch ' + str(answer) if answer else 'never within these epochs'}")


# -- initialisation ------------------------------------------------------------------------

@template("init.xavier_uniform.bound", "init.xavier_uniform")
def xavier_bound(rng, level):
    fan_in, fan_out = rng.choice([64, 100, 128, 256, 300]), rng.choice([10, 64, 100, 128, 512])
    gain_name = rng.choice(["linear", "tanh"] if level > 1 else ["linear"])
    gain = calculate_gain(gain_name)
    w = xavier_uniform(np.zeros((fan_out, fan_in)), gain, generator=np.random.default_rng(0))
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    assert abs(w).max() <= bound  # noqa: S101  (a sanity check of the template itself, not a judgement)
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
