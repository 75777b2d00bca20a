"""The optimizer records (SGD, momentum, Nesterov, AdaGrad, RMSprop, Adam and its variants) and what they
demonstrate."""

from __future__ import annotations

import inspect
import math

import numpy as np
import torch

from formulary import compare
from formulary.catalog.optim._common import SHAPES, STEPS
from formulary.catalog.optim.trajectories import BETAS_ERRORS, _feed, _optimize, _rows, _sample, optimizer_record
from formulary.mistakes import optim as M
from formulary.record import Deviation, ErrorInput, Mistake, Sample, Tolerance
from formulary.verdict import expect


def _momentum_ema_is_scaled_sgd(candidate):
    """The guide's momentum v ← βv + (1 − β)g, v₀ = 0 (its β1 "is Momentum's β", l.464) is torch's
    SGD(momentum=β) at lr·(1 − β); SGD(momentum=β, dampening=β) is not it (b₁ = g₁ undampened)."""
    sgd = candidate.get("optim.SGD")
    beta, lr = 0.9, 0.1
    grads = _feed("grads", 3, np.float64)["grads"][0]
    theta, v, ema = np.ones(SHAPES[0]), np.zeros(SHAPES[0]), []
    for g in grads:
        v = beta * v + (1 - beta) * g
        theta = theta - lr * v
        ema.append(theta)

    def run(**options):
        p = np.ones(SHAPES[0])
        opt = sgd([p], **options)
        out = []
        for g in grads:
            opt.step([g])
            out.append(p.copy())
        return np.array(out)

    scaled = run(lr=lr * (1 - beta), momentum=beta)
    dampened = run(lr=lr, momentum=beta, dampening=beta)
    compare.assert_close(scaled, np.array(ema), Tolerance(1e-12, 1e-12))
    first = np.abs(dampened[0] - 1) / np.abs(np.array(ema)[0] - 1)
    expect(np.allclose(first, 1 / (1 - beta)), f"first step ratio {first}, expected 1/(1 − β) = {1 / (1 - beta)}")


def _torch_accepts_bad_group(candidate):
    torch.optim.SGD([{"params": [torch.zeros(2)], "lr": -0.1}], lr=0.1)  # torch validates the defaults only
    try:
        candidate.get("optim.SGD")([{"params": [np.zeros(2)], "lr": -0.1}], lr=0.1)
    except ValueError:
        return
    raise AssertionError("the candidate accepted a parameter group with lr = -0.1")


def _torch_ignores_group_accumulator(candidate):
    p = torch.zeros(2)
    opt = torch.optim.Adagrad([{"params": [p], "initial_accumulator_value": 0.5}], initial_accumulator_value=0.0)
    expect(float(opt.state[p]["sum"][0]) == 0.0, "torch now honours the group's initial_accumulator_value")
    mine = candidate.get("optim.Adagrad")([{"params": [np.zeros(2)], "initial_accumulator_value": 0.5}], lr=0.1)
    mine.step([np.ones(2)])
    expect(mine.state[0]["sum"][0] == 1.5, f"the candidate's accumulator is {mine.state[0]['sum']}, expected 0.5 + 1")


def _rmsprop_beta_is_not_adams(candidate):
    """RMSprop's α defaults to 0.99 (torch and impl); with no bias correction its first step is
    ηg/√(1 − α): 10ηg at α = 0.99, ≈ 31.6ηg at Adam's 0.999."""


    rmsprop = candidate.get("optim.RMSprop")
    expect(inspect.signature(torch.optim.RMSprop).parameters["alpha"].default == 0.99,
           "torch's RMSprop default alpha is no longer 0.99; the record's premise changed")
    expect(rmsprop([np.zeros(1)]).defaults["alpha"] == 0.99, "the candidate's default alpha is not torch's 0.99")
    for alpha in (0.99, 0.999):
        p = np.zeros(1)
        rmsprop([p], lr=1.0, alpha=alpha, eps=0.0).step([np.ones(1)])
        expect(np.isclose(-p[0], 1 / math.sqrt(1 - alpha)), f"first step {-p[0]} at alpha = {alpha}")


def _momentum_zero_is_plain_sgd(candidate):
    """l.438: λ = 0 is plain SGD, whatever the dampening."""
    sgd = candidate.get("optim.SGD")
    grads = _feed("grads", 4, np.float64)["grads"][1]
    p, q = np.zeros(3), np.zeros(3)
    opt = sgd([p], lr=0.1, momentum=0.0, dampening=0.7)
    for g in grads:
        opt.step([g])
        q = q - 0.1 * g
    compare.assert_close(p, q, Tolerance(1e-12, 1e-12))
    return {"momentum_0_equals_plain_sgd": True}


SGD_KEYS = ("lr", "momentum", "dampening", "nesterov", "weight_decay", "maximize")
ADAM_KEYS = ("lr", "betas", "eps", "weight_decay", "maximize")

def _optimizer_only_steps(candidate):
    """Against line 609: given any gradients, SGD moves each parameter by −ηg and nothing else; the gradients
    themselves come from backpropagation (basics.mlp_backward), which the optimizer never sees."""
    p, q = np.array([1.0, -2.0]), np.array([[0.5]])
    g, h = np.array([0.25, 4.0]), np.array([[-1.0]])
    before = (p.copy(), q.copy())
    candidate.get("optim.SGD")([p, q], lr=0.1).step([g, h])
    expect(np.array_equal(p, before[0] - 0.1 * g) and np.array_equal(q, before[1] - 0.1 * h),
           f"SGD should move each parameter by −ηg exactly; got {p}, {q}")
    return {"step of a [2]-parameter": (p - before[0]).tolist(), "step of a [1, 1]-parameter": (q - before[1]).tolist()}


def _groups_as_torch(candidate):
    """Parameter groups as torch.optim reads them: a group's params given as one bare array; a group holding a
    scheduler's initial_lr (a checkpoint's); and a checkpoint's parameter indices running on across groups of
    sizes 1, 2 and 1 (0 | 1 2 | 3), and its group entries in torch's order (params last), as in torch's state_dict."""
    sgd = candidate.get("optim.SGD")
    p, g = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    sgd([{"params": p, "initial_lr": 0.1}], lr=0.1).step([g])
    expect(np.array_equal(p, np.array([1.0, -2.0]) - 0.1 * g), f"a group of one bare array: {p}")
    sizes = (1, 2, 1)
    mine = sgd([{"params": [np.zeros(2) for _ in range(n)]} for n in sizes], lr=0.1)
    theirs = torch.optim.SGD([{"params": [torch.zeros(2) for _ in range(n)]} for n in sizes], lr=0.1)
    indices = [[g["params"] for g in opt.state_dict()["param_groups"]] for opt in (mine, theirs)]
    expect(indices[0] == indices[1], f"state_dict parameter indices {indices[0]}, torch's {indices[1]}")
    for opt in (mine, theirs):  # as a scheduler marks its groups: after the options and the params
        opt.param_groups[0].setdefault("initial_lr", 0.1)
    keys = [[k for k in opt.state_dict()["param_groups"][0] if k in set(mine.defaults) | {"initial_lr", "params"}]
            for opt in (mine, theirs)]
    expect(keys[0] == keys[1], f"a checkpoint's group entries {keys[0]}, in torch's order {keys[1]}")


OPTIMIZERS = (
    optimizer_record(
        id="opt.gd", name="SGD", equation=r"\theta \leftarrow \theta - \eta\,(\nabla_\theta J(\theta) + \lambda\theta)",
        rows=_rows(("lr", "weight_decay", "maximize"),
              (0.1, 0.0, False), (0.02, 0.1, False), (0.05, 0.0, True), (0.03, 0.2, True)),
        edges=[({"lr": 0.05, "weight_decay": 0.1, "maximize": True}, {"lr": 0.01}, "grads"),
               ({"weight_decay": 1.0}, {"lr": 0.01}, "grads")],  # the default lr; λ = 1
        mistakes=[Mistake("ascent", "θ + ηg: the step's sign flipped", M.SGDAscent),
         Mistake("maximize-negates-decay", "maximize negates g + λθ, so the decay pushes θ away from 0",
                 M.SGDMaximizeNegatesDecay),
         Mistake("decay-without-lr", "θ − ηg − λθ: the L2 term not multiplied by η", M.SGDDecayWithoutLR),
         Mistake("maximize-in-callers-grads", "maximize flips the caller's gradient arrays in place: right steps, "
                 "corrupted grads", M.SGDMaximizeInPlace),
         Mistake("group-options-ignored", "every group updated with the constructor's options",
                 M.SGDGroupOptionsIgnored)],
        deviations=[Deviation("line 609: the optimisation function is 'how the loss is passed from the network's last "
                              "layer to its first' "
                              "(如何把损失值从神经网络的最外层传递到最前面)",
                              "that is backpropagation; an optimizer only turns the gradients it is given into a step "
                              "(θ ← θ − ηg), knowing nothing of layers", _optimizer_only_steps, source="guide"),
                                  Deviation("impl validates every parameter group's options; torch only the "
                                            "constructor's "
                              "(torch accepts a group with lr = -0.1 and ascends)",
                              "a bad option is rejected wherever it is given", _torch_accepts_bad_group)],
        check=_groups_as_torch,
    ),
    optimizer_record(
        id="opt.momentum", name="SGD", kernel_flags=False,
        equation=r"b_t = \mu b_{t-1} + (1 - \tau) g_t\ (b_1 = g_1),\quad \theta_t = \theta_{t-1} - \eta\,(g_t + \mu "
                 r"b_t \text{ if nesterov else } b_t)",
        rows=_rows(SGD_KEYS, (0.05, 0.9, 0.0, False, 0.0, False), (0.02, 0.9, 0.0, True, 0.1, False),
              (0.05, 0.5, 0.5, False, 0.0, True), (0.03, 0.8, 0.0, True, 0.0, True),
                  (0.05, 0.9, 0.3, False, 0.1, False)),
        edges=[({"lr": 0.05, "momentum": 0.9, "dampening": 0.5},
                {"lr": 0.02, "momentum": 0.8, "dampening": 0.0, "nesterov": True},
          "grads")],
        mistakes=[Mistake("dampened-first-step", "b₁ = (1 − τ)g₁: dampening on the first step (torch copies g₁)",
                          M.MomentumDampenedFirstStep),
         Mistake("ema-momentum", "v ← μv + (1 − μ)g (the guide's average) in place of b ← μb + g", M.MomentumEMA),
         Mistake("nesterov-ignored", "nesterov=True ignored", M.NesterovIgnored),
         Mistake("nesterov-old-buffer", "g + μb_{t−1} instead of g + μb_t", M.NesterovOldBuffer)],
        interop={"lr": 0.05, "momentum": 0.9, "nesterov": True},
        errors=[({"momentum": 0.9, "nesterov": True, "dampening": 0.1}, ValueError,
                 r"^nesterov requires momentum > 0 and dampening = 0"),
                ({"dampening": "0"}, TypeError, r"\bdampening\b"),
                ({"weight_decay": -0.1}, ValueError, r"\bweight_decay\b"),
                ({"nesterov": 1}, TypeError, r"\bnesterov\b"),
                ({"nesterov": True}, ValueError, r"nesterov requires momentum"),
                ({"momentum": -0.9}, ValueError, r"momentum must be >= 0")],
        check=_momentum_zero_is_plain_sgd,
        deviations=[Deviation(
            "the guide's momentum is the average v ← βv + (1 − β)g (l.464: Adam's β1 'is the β of Momentum'; "
            "l.425 writes RMSprop in the same notation); torch's SGD sums b ← μb + g, so the guide's rule is "
            "SGD(momentum=β) at learning rate η(1 − β), and SGD(momentum=β, dampening=β) differs from it "
            "(its first step is 1/(1 − β) = 10× larger)",
            "a convention, not an error: the same trajectories once η is rescaled", _momentum_ema_is_scaled_sgd,
            source="guide convention")],
    ),
)


def _nadam_float32_product(candidate):
    """Under torch's default dtype (float32) NAdam's ∏μ is a float32 scalar even for float64 parameters."""
    sample = _sample(np.float64, {"lr": 0.02}, {}, "grads", 3)
    groups, feed = sample.args
    params = [torch.tensor(g["params"][0]) for g in groups]  # copies, before impl moves the arrays
    mine = _optimize(candidate.get("optim.NAdam"), Sample((groups, {"grads": feed["grads"]}), sample.kwargs))
    expect(torch.get_default_dtype() == torch.float32, "run this under torch's default dtype")
    opt = torch.optim.NAdam(params, lr=0.02)
    path = []
    for t in range(STEPS):
        for p, g in zip(params, feed["grads"]):
            p.grad = torch.from_numpy(g[t])
        opt.step()
        path.append([p.detach().numpy().copy() for p in params])
    theirs = [np.stack(c) for c in zip(*path)]
    expect(opt.state[params[0]]["mu_product"].dtype == torch.float32, "torch's mu_product is no longer float32")
    rel = max(float(np.max(np.abs(a - b)) / np.max(np.abs(b))) for a, b in zip(mine, theirs))
    expect(1e-10 < rel < 1e-5, f"largest relative difference {rel:.3g}: not the float32 product's")


ADAM_ROWS = _rows(ADAM_KEYS + ("decoupled_weight_decay",),
                  (0.01, (0.9, 0.999), 1e-8, 0.0, False, False), (0.005, (0.8, 0.99), 1e-3, 0.1, False, False),
                  (0.02, (0.9, 0.999), 1e-8, 0.0, True, False), (0.01, (0.5, 0.9), 1e-6, 0.05, False, True))
RMSPROP_KEYS = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize")

OPTIMIZERS += (
    optimizer_record(
        id="opt.adagrad", name="Adagrad",
        equation=r"s_t = s_{t-1} + g_t^2,\quad \theta_t = \theta_{t-1} - \frac{\eta}{1 + "
                 r"(t-1)\eta_d}\,\frac{g_t}{\sqrt{s_t} + \epsilon}",
        rows=_rows(("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps", "maximize"),
              (0.1, 0.0, 0.0, 0.0, 1e-10, False), (0.05, 0.05, 0.1, 0.0, 1e-10, False),
              (0.1, 0.0, 0.0, 0.5, 0.1, True), (0.2, 0.01, 0.0, 0.1, 1e-10, False)),
        edges=[({"lr": 0.1, "lr_decay": 0.05, "eps": 0.1}, {"lr": 0.05}, "grads"), ({}, {"lr": 0.05}, "grads")],
        mistakes=[Mistake("accumulator-at-0.1",
                          "accumulator started at 0.1 (TensorFlow's default), not initial_accumulator_value",
                              M.AdagradAccumulatorAt01),
         Mistake("eps-inside-root", "√(s + ε) instead of √s + ε", M.AdagradEpsInsideRoot),
         Mistake("lr-decay-off-by-one", "η/(1 + t·decay): decayed from the first step", M.AdagradDecayOffByOne),
         Mistake("no-root", "divides by s instead of √s", M.AdagradNoRoot)],
        interop={"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1},
        shared=("initial_accumulator_value",),
        deviations=[Deviation(
            "torch starts every group's accumulator at the constructor's initial_accumulator_value and ignores "
            "a group's own; impl uses the group's",
            "an option given for a group is honoured (torch reads the argument, not "
            "group['initial_accumulator_value'])",
            _torch_ignores_group_accumulator)],
        errors=[({"lr_decay": -0.1}, ValueError, r"lr_decay must be >= 0"),
                ({"initial_accumulator_value": -1.0}, ValueError, r"initial_accumulator_value must be >= 0")],
    ),
    optimizer_record(
        id="opt.adadelta", name="Adadelta",
        equation=r"v_t = \rho v_{t-1} + (1-\rho) g_t^2,\ \Delta_t = \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + "
                 r"\epsilon}} g_t,\ "
        r"u_t = \rho u_{t-1} + (1-\rho)\Delta_t^2,\ \theta_t = \theta_{t-1} - \eta\Delta_t",
        rows=_rows(("lr", "rho", "eps", "weight_decay", "maximize"),
              (1.0, 0.9, 1e-6, 0.0, False), (0.5, 0.5, 1e-2, 0.1, False), (2.0, 0.95, 1e-6, 0.0, True),
              (1.0, 0.8, 1e-3, 0.0, False)),
        edges=[({"lr": 0.5, "eps": 1e-2}, {"lr": 2.0}, "grads"), ({}, {"lr": 0.5}, "grads"),
               ({"rho": 1.0}, {"rho": 0.0}, "grads")],  # the defaults; ρ at both ends of [0, 1]
        mistakes=[Mistake("eps-outside-roots", "(√u + ε)/(√v + ε) instead of √(u + ε)/√(v + ε)",
                          M.AdadeltaEpsOutsideRoots),
         Mistake("no-learning-rate", "the paper's rule without η: lr ignored", M.AdadeltaNoLearningRate),
         Mistake("accumulates-gradients", "E[Δθ²] accumulated from g² instead of Δ²", M.AdadeltaAccumulatesGradients)],
        errors=[({"rho": 1.5}, ValueError, r"rho must be in \[0, 1\]"), ({"rho": "0.9"}, TypeError, r"^rho\b"),
                ({"eps": -1e-6}, ValueError, r"^eps\b"), ({"weight_decay": -0.1}, ValueError, r"^weight_decay\b")],
    ),
    optimizer_record(
        id="opt.rmsprop", name="RMSprop",
        equation=r"S_t = \alpha S_{t-1} + (1-\alpha) g_t^2,\quad \theta_t = \theta_{t-1} - \eta\,\frac{g_t}{\sqrt{S_t} "
                 r"+ \epsilon}",
        rows=_rows(RMSPROP_KEYS, (0.01, 0.99, 1e-8, 0.0, 0.0, False, False), (0.005, 0.9, 1e-2, 0.1, 0.0, False, False),
              (0.01, 0.99, 1e-8, 0.0, 0.9, False, True), (0.02, 0.95, 1e-3, 0.0, 0.5, False, False)),
        edges=[({"eps": 1e-2}, {"lr": 0.005, "momentum": 0.9}, "grads")],
        mistakes=[Mistake("eps-inside-root", "√(S + ε) (TensorFlow 1) instead of √S + ε", M.RMSpropEpsInsideRoot),
         Mistake("keras-rho", "α = 0.9 (Keras's rho) whatever alpha says", M.RMSpropKerasRho),
         Mistake("momentum-before-scaling", "b ← μb + g, θ ← θ − ηb/r", M.RMSpropMomentumBeforeScaling),
         Mistake("bias-corrected", "S/(1 − αᵗ), Adam's correction, in the root", M.RMSpropBiasCorrected)],
        interop={"momentum": 0.9, "centered": True},
        deviations=[Deviation(
            "l.464 pairs Adam's β2 with 'RMSprop's β' and gives 0.999 for it; RMSprop's own β (torch's alpha) "
            "defaults to 0.99 (Hinton's lecture and Keras's rho: 0.9), and as RMSprop has no bias correction "
            "the choice sets the first step: ηg/√(1 − α) is 10ηg at 0.99 but 31.6ηg at 0.999",
            "a default of Adam's read as RMSprop's; impl keeps torch's 0.99", _rmsprop_beta_is_not_adams,
            source="guide convention")],
        errors=[({"alpha": -0.5}, ValueError, r"alpha must be >= 0"),
                ({"momentum": -0.1}, ValueError, r"momentum must be >= 0"),
                ({"centered": 1}, TypeError, r"^centered\b")],
    ),
    optimizer_record(
        id="opt.rmsprop/centered", name="RMSprop", kernel_flags=False,
        equation=r"\bar g_t = \alpha \bar g_{t-1} + (1-\alpha) g_t,\quad \theta_t = \theta_{t-1} - "
                 r"\eta\,\frac{g_t}{\sqrt{S_t - \bar g_t^2} + \epsilon}",
        rows=_rows(RMSPROP_KEYS, (0.01, 0.99, 1e-8, 0.0, 0.0, True, False), (0.005, 0.9, 1e-2, 0.1, 0.9, True, False),
              (0.01, 0.95, 1e-3, 0.0, 0.0, True, True)),
        edges=[({"centered": True, "eps": 1e-2}, {"lr": 0.005, "centered": True, "momentum": 0.9}, "grads"),
               # S − ḡ² rounds below 0 at step 54 (S and ḡ² both → g²): NaN from then on, in torch as in impl; ε = 10
               # keeps the steps before it, where √(S − ḡ²) is all rounding, within 3e-12 of torch's
               ({"centered": True, "alpha": 0.5, "eps": 10.0}, {"lr": 0.005, "centered": True}, "constant")],
        mistakes=[Mistake("centered-ignored", "centered=True ignored", M.RMSpropCenteredIgnored),
         Mistake("stale-mean", "S_t − ḡ²_{t−1}: the mean before this step's update", M.RMSpropStaleMean),
         Mistake("eps-inside-root", "√(S − ḡ² + ε) instead of √(S − ḡ²) + ε", M.RMSpropEpsInsideRoot)],
    ),
    optimizer_record(
        id="opt.adam", name="Adam",
        equation=r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\ v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\ "
        r"\theta_t = \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\,\frac{m_t}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}",
        rows=ADAM_ROWS,
        edges=[({"eps": 1e-3, "weight_decay": 0.1}, {"lr": 0.02}, "grads")],
        mistakes=[Mistake("no-bias-correction", "m/(√v + ε) without the 1 − βᵗ corrections", M.AdamNoBiasCorrection),
         Mistake("eps-inside-root", "√(v̂ + ε) instead of √v̂ + ε", M.AdamEpsInsideRoot),
         Mistake("keras-epsilon-hat", "Keras's η√(1 − β2ᵗ)/(1 − β1ᵗ)·m/(√v + ε̂) with ε̂ = ε", M.AdamKerasEpsilonHat),
         Mistake("decoupled-decay", "AdamW's decoupled decay for Adam's L2 weight_decay", M.AdamDecoupledDecay)],
        interop={"lr": 0.01, "amsgrad": True, "weight_decay": 0.1},
        errors=BETAS_ERRORS,
    ),
    optimizer_record(
        id="opt.adam/amsgrad", name="Adam", kernel_flags=False,
        equation=r"\hat v_t = \max(\hat v_{t-1}, v_t),\quad \theta_t = \theta_{t-1} - "
                 r"\frac{\eta}{1-\beta_1^t}\,\frac{m_t}{\sqrt{\hat v_t}/\sqrt{1-\beta_2^t} + \epsilon}",
        rows=[{**row, "amsgrad": True} for row in ADAM_ROWS],
        edges=[({"amsgrad": True}, {"lr": 0.02, "betas": (0.8, 0.99), "amsgrad": True}, "grads")],
        mistakes=[Mistake("max-of-corrected", "the maximum kept over the bias-corrected v̂", M.AMSGradMaxOfCorrected),
         Mistake("amsgrad-ignored", "amsgrad=True ignored", M.AMSGradIgnored),
         Mistake("max-lost-on-resume", "the checkpoint drops max_exp_avg_sq", M.AMSGradMaxLostOnResume)],
    ),
    optimizer_record(
        id="opt.adamw", name="AdamW",
        equation=r"\theta_{t-1} \leftarrow (1 - \eta\lambda)\,\theta_{t-1},\ \text{then Adam's step on } \nabla_\theta "
                 r"f(\theta_{t-1})",
        rows=_rows(("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"),
              (0.01, (0.9, 0.999), 1e-8, 0.01, False, False), (0.005, (0.8, 0.99), 1e-6, 0.1, True, False),
              (0.02, (0.9, 0.999), 1e-8, 0.05, False, True)),
        edges=[({}, {"lr": 0.02}, "grads"), ({"weight_decay": 0.1}, {"lr": 0.02, "weight_decay": 0.5}, "grads"),
               ({"weight_decay": 1.0}, {"lr": 0.02}, "grads")],
        mistakes=[Mistake("coupled-decay", "Adam's L2 term λθ in the gradient", M.AdamWCoupledDecay),
         Mistake("decay-without-lr", "θ ← (1 − λ)θ: the decay not multiplied by η", M.AdamWDecayWithoutLR),
         Mistake("decay-after-step", "the decay applied to the already updated θ", M.AdamWDecayAfterStep),
         Mistake("no-default-decay", "weight_decay defaulting to Adam's 0 instead of 0.01", M.AdamWNoDefaultDecay)],
        errors=[*BETAS_ERRORS,
                ErrorInput(Sample(([{"params": [np.zeros(2)], "decoupled_weight_decay": False}],), {},
                                  "a group asking for coupled decay"), ValueError,
                           r"^AdamW's weight decay is always decoupled \(decoupled_weight_decay=True\)$")],
    ),
    optimizer_record(
        id="opt.adamax", name="Adamax",
        equation=r"u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon),\quad \theta_t = \theta_{t-1} - "
                 r"\frac{\eta}{1-\beta_1^t}\,\frac{m_t}{u_t}",
        rows=_rows(ADAM_KEYS, (0.01, (0.9, 0.999), 1e-8, 0.0, False), (0.005, (0.8, 0.99), 1e-2, 0.1, False),
              (0.02, (0.9, 0.999), 1e-8, 0.0, True)),
        edges=[({"eps": 0.1}, {"lr": 0.02}, "grads"), ({}, {"lr": 0.02}, "grads")],
        mistakes=[Mistake("keras-eps", "u = max(β2u, |g|), m/(u + ε) (Keras)", M.AdamaxKerasEps),
         Mistake("no-bias-correction", "η m/u without 1/(1 − β1ᵗ)", M.AdamaxNoBiasCorrection),
         Mistake("undecayed-norm", "u = max(u, |g| + ε): β2 ignored", M.AdamaxUndecayedNorm)],
        errors=BETAS_ERRORS,
    ),
    optimizer_record(
        id="opt.nadam", name="NAdam",
        equation=r"\mu_t = \beta_1(1 - \tfrac12 0.96^{t\psi}),\ \theta_t = \theta_{t-1} - \eta\Bigl(\frac{(1-\mu_t) "
                 r"g_t}{1 - \prod_{i\le t}\mu_i}"
        r" + \frac{\mu_{t+1} m_t}{1 - \prod_{i\le t+1}\mu_i}\Bigr) \Big/ \bigl(\sqrt{v_t/(1-\beta_2^t)} + "
        r"\epsilon\bigr)",
        rows=_rows(("lr", "betas", "eps", "weight_decay", "momentum_decay", "decoupled_weight_decay", "maximize"),
              (0.01, (0.9, 0.999), 1e-8, 0.0, 4e-3, False, False), (0.005, (0.8, 0.99), 1e-3, 0.1, 4e-3, True, False),
              (0.02, (0.9, 0.999), 1e-8, 0.05, 0.1, False, True), (0.01, (0.95, 0.999), 1e-6, 0.0, 0.01, False, False)),
        edges=[({"weight_decay": 0.1, "decoupled_weight_decay": True}, {"lr": 0.02}, "grads"),
               ({"weight_decay": 0.1}, {"lr": 0.02}, "grads")],  # decoupled_weight_decay by default
        mistakes=[Mistake("constant-momentum", "μ_t = β1: the momentum schedule dropped", M.NAdamConstantMomentum),
         Mistake("mu-for-mu-next", "the look-ahead weighted by μ_t instead of μ_{t+1}", M.NAdamMuForMuNext),
         Mistake("short-product", "1 − ∏_{i≤t}μ_i for the look-ahead term", M.NAdamShortProduct),
         Mistake("decoupled-ignored", "decoupled_weight_decay=True ignored", M.NAdamDecoupledIgnored)],
        errors=[*BETAS_ERRORS, ({"momentum_decay": -1e-3}, ValueError, r"momentum_decay must be >= 0"),
                ({"decoupled_weight_decay": 1}, TypeError, r"^decoupled_weight_decay\b")],
        deviations=[Deviation(
            "under torch's default dtype (float32) NAdam keeps ∏μ in a float32 scalar even for float64 "
            "parameters: float64 trajectories then differ from the exact product by ~1e-8 relative",
            "impl keeps ∏μ in float64; the reference runs torch with its default dtype set to the parameters' dtype",
            _nadam_float32_product)],
    ),
)
