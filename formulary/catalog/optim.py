"""Catalog records of the optimisation chapter (guide §5 优化方法总结).

Optimizers are judged on *trajectories*: a sample is two parameter groups (one small
array each, the second with its own options) and a gradient feed, run for 200 steps
by impl and by torch.optim; every parameter after every step is compared, float64 to
rtol 1e-10.  The feed is a fixed gradient sequence (open loop) or an objective whose
gradients each side computes at its own parameters (closed loop: NumPy by hand
against torch.autograd).  Every run saves a checkpoint half way and continues in a new
optimizer loaded from it, so ``state_dict``/``load_state_dict`` are on trial too.

Hypothesis enumerates small designed sets of option rows (a run of 200 steps through
torch.optim costs ~10 ms a parameter group): the second group takes the next row's
options; float64 takes every row, alternating the open and the closed loop, float32
the first two rows open loop.  The float64 edge bank pins one sample on each option a
known mistake hides behind.
"""

from __future__ import annotations

import copy
import math
import re

import numpy as np
from hypothesis import strategies as st

from formulary import compare, figures, tensors
from formulary.mistakes import optim as M
from formulary.record import Deviation, ErrorInput, Mistake, Record, Sample, Tolerance
from reference.optim import default_dtype
from formulary.verdict import expect

SECTION = "§5 优化方法总结 (optimisation)"
STEPS, RESUME = 200, 100
SHAPES = ((2, 3), (3,))  # one parameter per group
EXACT = {np.float64: Tolerance(1e-10, 1e-12)}
NAMES = ("params[0]", "params[1]")


# -- samples -----------------------------------------------------------------------------

def _start(seed: int, dt) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.uniform(-2.0, 2.0, s).astype(dt) for s in SHAPES]


class Feed(dict):
    """A gradient feed (see ``reference.optim``); its repr names it instead of printing every step."""

    def __init__(self, kind: str, seed: int, **items):
        super().__init__(items)
        self.kind, self.seed = kind, seed

    def __repr__(self) -> str:
        return f"<{self.kind} feed, seed {self.seed}, resume at {self.get('resume_at')}>"


def _feed(kind: str, seed: int, dt, signs=(1.0, 1.0)) -> Feed:
    """Open loop ("grads": N(0.3, 1) every step) or closed loop ("quadratic": h ⊙ (θ − c)²/2, with
    h < 0 for a parameter whose group maximizes, so that every closed loop converges)."""
    rng = np.random.default_rng(1000 + seed)
    if kind == "grads":
        return Feed(kind, seed, resume_at=RESUME, grads=[rng.normal(0.3, 1.0, (STEPS, *s)).astype(dt) for s in SHAPES])
    return Feed(kind, seed, resume_at=RESUME, objective="quadratic", steps=STEPS,
                scale=[(sign * rng.uniform(0.5, 10.0, s)).astype(dt) for s, sign in zip(SHAPES, signs)],
                center=[rng.uniform(-1.0, 1.0, s).astype(dt) for s in SHAPES])


def _sample(dt, options: dict, group_options: dict, kind: str, seed: int, note: str = "") -> Sample:
    p0, p1 = _start(seed, dt)
    groups = [{"params": [p0]}, {"params": [p1], **group_options}]
    signs = [-1.0 if {**options, **g}.get("maximize") else 1.0 for g in groups]
    return Sample((groups, _feed(kind, seed, dt, signs)), dict(options), note)


def _rows(keys: tuple, *values: tuple) -> list[dict]:
    return [dict(zip(keys, v)) for v in values]


def _drawn(rows: list[dict], shared: tuple = ()):
    """Row i as the optimizer's options and row i + 1 as the second group's (but for the ``shared``
    options).  float64 takes every row and alternates the open and the closed loop (so every row
    meets both, once in each group); float32 runs the first two rows open loop."""
    def inputs(dt):
        wide = np.dtype(dt) == np.float64

        def sample(i):
            kind = ("grads", "quadratic")[i % 2] if wide else "grads"
            group = {k: v for k, v in rows[(i + 1) % len(rows)].items() if k not in shared}
            return _sample(dt, rows[i], group, kind, i)
        return st.builds(sample, st.integers(0, len(rows) - 1 if wide else 1))
    return inputs


# -- running the candidate ----------------------------------------------------------------

def _gradients(feed: dict, params: list[np.ndarray], t: int) -> list[np.ndarray]:
    """The step-t gradients: the fed ones, or the objective's at ``params`` (by hand)."""
    if "grads" in feed:
        return [g[t] for g in feed["grads"]]
    return [h * (p - c) for p, h, c in zip(params, feed["scale"], feed["center"])]


def _optimize(cls, sample: Sample) -> tuple:
    """The candidate's trajectory: ``reference.optim``'s run, written with the candidate class."""
    groups, feed = sample.args
    steps = len(feed["grads"][0]) if "grads" in feed else feed["steps"]
    opt = cls(groups, **sample.kwargs)
    path = []
    for t in range(steps):
        if t == feed.get("resume_at"):
            saved = opt.state_dict()
            groups = [{**g, "params": [p.copy() for p in g["params"]]} for g in groups]
            opt = cls(groups, **sample.kwargs)
            opt.load_state_dict(saved)
        params = [p for g in groups for p in g["params"]]
        opt.step(_gradients(feed, params, t))
        path.append([p.copy() for p in params])
    return tuple(np.stack(column) for column in zip(*path))


# -- interoperability with torch.optim: checkpoints and bad gradients -----------------------

def _torch_state(opt, known: set) -> dict:
    """torch's state_dict as arrays, without torch-only options (foreach, fused, ...)."""
    sd = opt.state_dict()
    return {"state": tensors.to_numpy(sd["state"]),
            "param_groups": [{k: v for k, v in g.items() if k in known} for g in sd["param_groups"]]}


def _interop(name: str, options: dict):
    """Property: impl's checkpoint is torch's, torch's checkpoint resumes in impl, bad grads raise."""
    def check(candidate):
        import torch

        cls, ref = candidate.get(f"optim.{name}"), getattr(torch.optim, name)
        params = _start(7, np.float64)
        grads = _feed("grads", 7, np.float64)["grads"]
        mine = cls([{"params": [p.copy()]} for p in params], **options)
        leaves = [torch.tensor(p, requires_grad=True) for p in params]
        with default_dtype(torch.float64):
            theirs = ref([{"params": [p]} for p in leaves], **options)
            for t in range(10):
                mine.step([g[t] for g in grads])
                for p, g in zip(leaves, grads):
                    p.grad = torch.from_numpy(g[t].copy())
                theirs.step()
            known = set(mine.defaults) | {"params"}
            expected = _torch_state(theirs, known)
            got = mine.state_dict()
            compare.assert_close(_plain(got), _plain(expected), Tolerance(1e-12, 1e-14))
            resumed = cls([{"params": [p.detach().numpy().copy()]} for p in leaves], **options)
            resumed.load_state_dict(expected)
            for t in range(10, 20):
                resumed.step([g[t] for g in grads])
                for p, g in zip(leaves, grads):
                    p.grad = torch.from_numpy(g[t].copy())
                theirs.step()
        after = [p for g in resumed.param_groups for p in g["params"]]
        compare.assert_close(after, [p.detach().numpy() for p in leaves], Tolerance(1e-12, 1e-14))
        _rejects_bad_grads(cls, options)
        return {"state_names": sorted({k for s in got["state"].values() for k in s})}
    return check


def _plain(state_dict: dict) -> dict:
    """A state_dict with every scalar a float and every option list a tuple, for comparison."""
    def scalar(v):
        return float(v) if np.ndim(v) == 0 and not isinstance(v, (bool, str)) else v

    return {"state": {k: {n: scalar(v) for n, v in sorted(s.items())} for k, s in sorted(state_dict["state"].items())},
            "param_groups": [{k: tuple(v) if isinstance(v, list) else v for k, v in sorted(g.items())}
                             for g in state_dict["param_groups"]]}


def _rejects_bad_grads(cls, options: dict) -> None:
    """Gradients that do not match the parameters, and a checkpoint of other groups, raise."""
    opt = cls([np.zeros(3), np.zeros((2, 2))], **options)
    try:
        opt.load_state_dict(cls([{"params": [np.zeros(3)]}, {"params": [np.zeros((2, 2))]}], **options).state_dict())
    except ValueError as exc:
        expect(re.search(r"\bparameter groups?\b", str(exc)), f"{cls.__name__}.load_state_dict raised {exc!r}")
    else:
        raise AssertionError(f"{cls.__name__}.load_state_dict accepted a checkpoint with two groups for one")
    # the argument named, as every error input of the catalog asks (impl's step docstring says so)
    bad = [([np.zeros(3)], ValueError, r"\bgrads\b"),
           ([np.zeros(3), np.zeros(4)], ValueError, r"\bgrads\[1\]"),
           ([np.zeros(3), np.zeros((2, 2), np.float32)], TypeError, r"\bgrads\[1\]"),
           (np.zeros(3), TypeError, r"\bgrads\b")]
    for grads, error, match in bad:
        try:
            opt.step(grads)
        except error as exc:
            expect(re.search(match, str(exc)), f"{cls.__name__}.step({grads!r}) raised {exc!r}, expected {match!r}")
        else:
            raise AssertionError(f"{cls.__name__}.step with mismatched gradients did not raise {error.__name__}")


# -- optimizer records ------------------------------------------------------------------------

def _errors(*specific: tuple) -> tuple[ErrorInput, ...]:
    """Bad constructor arguments, as torch rejects them (and a few torch lets through)."""
    p = [np.zeros(2)]
    common = (({"lr": -1.0}, ValueError, r"lr must be >= 0"),
              ({"maximize": 1}, TypeError, r"\bmaximize must be a bool"))
    out = [ErrorInput(Sample((p,), kw), err, match) for kw, err, match in (*common, *specific)]
    out += [ErrorInput(Sample(([],), {}, "no parameters"), ValueError, r"params is an empty list"),
            ErrorInput(Sample(([[1.0, 2.0]],), {}, "a list, not an array"), TypeError, r"params\[0\] must be a NumPy array"),
            ErrorInput(Sample(([np.zeros(2, int)],), {}, "integer parameters"), TypeError, r"params\[0\] must be a float32 or float64"),
            ErrorInput(Sample(([{"params": [np.zeros(2)], "lr": -0.1}],), {}, "a group's own lr"), ValueError, r"lr must be >= 0"),
            ErrorInput(Sample(([p[0], p[0]],), {}, "one array twice"), ValueError, r"more than one parameter group"),
            ErrorInput(Sample(([{"params": [np.zeros(2)], "lrr": 0.1}],), {}, "a misspelt option"), TypeError,
                       r"unknown option\(s\) \['lrr'\]"),
            ErrorInput(Sample(([_read_only(2)],), {}, "a read-only array"), ValueError, r"params\[0\] is read-only")]
    return tuple(out)


def _read_only(n: int) -> np.ndarray:
    a = np.zeros(n)
    a.flags.writeable = False
    return a


BETAS_ERRORS = (({"betas": (1.0, 0.999)}, ValueError, r"betas\[0\] must be in \[0, 1\)"),
                ({"betas": (0.9, -0.1)}, ValueError, r"betas\[1\] must be in \[0, 1\)"),
                ({"eps": -1e-8}, ValueError, r"eps must be >= 0"),
                ({"weight_decay": -0.1}, ValueError, r"weight_decay must be >= 0"))


def optimizer_record(id, name, equation, rows, edges, mistakes, *, interop=None, shared=(),
                     errors=(), deviations=(), notes="", check=None):
    """A trajectory record for ``torch.optim.<name>``: rows drawn, ``edges`` = (options, group options, feed)."""
    interop_check = _interop(name, interop if interop is not None else rows[-1])

    def both(candidate):
        found = interop_check(candidate)
        return {**found, **(check(candidate) or {})} if check else found

    return Record(
        id=id, kind="F", section=SECTION, equation=equation,
        candidate=f"optim.{name}", reference=f"optim.{name}", run=_optimize,
        inputs=_drawn(rows, shared),
        # float64 only: the edges pin the known mistakes, which float64 at rtol 1e-10 sees best
        edges=lambda dt: [_sample(dt, o, g, kind, 50 + k, f"edge {k}") for k, (o, g, kind) in enumerate(edges)
                          if np.dtype(dt) == np.float64],
        tolerances=EXACT, output_names=NAMES, check=both,
        mistakes=tuple(mistakes), errors=_errors(*errors), deviations=tuple(deviations), notes=notes,
    )


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
    import torch

    torch.optim.SGD([{"params": [torch.zeros(2)], "lr": -0.1}], lr=0.1)  # torch validates the defaults only
    try:
        candidate.get("optim.SGD")([{"params": [np.zeros(2)], "lr": -0.1}], lr=0.1)
    except ValueError:
        return
    raise AssertionError("the candidate accepted a parameter group with lr = -0.1")


def _torch_ignores_group_accumulator(candidate):
    import torch

    p = torch.zeros(2)
    opt = torch.optim.Adagrad([{"params": [p], "initial_accumulator_value": 0.5}], initial_accumulator_value=0.0)
    expect(float(opt.state[p]["sum"][0]) == 0.0, "torch now honours the group's initial_accumulator_value")
    mine = candidate.get("optim.Adagrad")([{"params": [np.zeros(2)], "initial_accumulator_value": 0.5}], lr=0.1)
    mine.step([np.ones(2)])
    expect(mine.state[0]["sum"][0] == 1.5, f"the candidate's accumulator is {mine.state[0]['sum']}, expected 0.5 + 1")


def _rmsprop_beta_is_not_adams(candidate):
    """RMSprop's α defaults to 0.99 (torch and impl); with no bias correction its first step is
    ηg/√(1 − α): 10ηg at α = 0.99, ≈ 31.6ηg at Adam's 0.999."""
    import inspect

    import torch

    rmsprop = candidate.get("optim.RMSprop")
    expect(inspect.signature(torch.optim.RMSprop).parameters["alpha"].default == 0.99, "torch's RMSprop default alpha is no longer 0.99; the record's premise changed")
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

OPTIMIZERS = (
    optimizer_record(
        "opt.gd", "SGD", r"\theta \leftarrow \theta - \eta\,(\nabla_\theta J(\theta) + \lambda\theta)",
        _rows(("lr", "weight_decay", "maximize"),
              (0.1, 0.0, False), (0.02, 0.1, False), (0.05, 0.0, True), (0.03, 0.2, True)),
        [({"lr": 0.05, "weight_decay": 0.1, "maximize": True}, {"lr": 0.01}, "grads")],
        [Mistake("ascent", "θ + ηg: the step's sign flipped", M.SGDAscent),
         Mistake("maximize-negates-decay", "maximize negates g + λθ, so the decay pushes θ away from 0", M.SGDMaximizeNegatesDecay),
         Mistake("decay-without-lr", "θ − ηg − λθ: the L2 term not multiplied by η", M.SGDDecayWithoutLR),
         Mistake("group-options-ignored", "every group updated with the constructor's options", M.SGDGroupOptionsIgnored)],
        deviations=[Deviation("impl validates every parameter group's options; torch only the constructor's "
                              "(torch accepts a group with lr = -0.1 and ascends)",
                              "a bad option is rejected wherever it is given", _torch_accepts_bad_group)],
    ),
    optimizer_record(
        "opt.momentum", "SGD",
        r"b_t = \mu b_{t-1} + (1 - \tau) g_t\ (b_1 = g_1),\quad \theta_t = \theta_{t-1} - \eta\,(g_t + \mu b_t \text{ if nesterov else } b_t)",
        _rows(SGD_KEYS, (0.05, 0.9, 0.0, False, 0.0, False), (0.02, 0.9, 0.0, True, 0.1, False),
              (0.05, 0.5, 0.5, False, 0.0, True), (0.03, 0.8, 0.0, True, 0.0, True), (0.05, 0.9, 0.3, False, 0.1, False)),
        [({"lr": 0.05, "momentum": 0.9, "dampening": 0.5}, {"lr": 0.02, "momentum": 0.8, "dampening": 0.0, "nesterov": True},
          "grads")],
        [Mistake("dampened-first-step", "b₁ = (1 − τ)g₁: dampening on the first step (torch copies g₁)", M.MomentumDampenedFirstStep),
         Mistake("ema-momentum", "v ← μv + (1 − μ)g (the guide's average) in place of b ← μb + g", M.MomentumEMA),
         Mistake("nesterov-ignored", "nesterov=True ignored", M.NesterovIgnored),
         Mistake("nesterov-old-buffer", "g + μb_{t−1} instead of g + μb_t", M.NesterovOldBuffer)],
        interop={"lr": 0.05, "momentum": 0.9, "nesterov": True},
        errors=[({"momentum": 0.9, "nesterov": True, "dampening": 0.1}, ValueError, r"nesterov requires momentum > 0 and dampening = 0"),
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
    import torch

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
        "opt.adagrad", "Adagrad",
        r"s_t = s_{t-1} + g_t^2,\quad \theta_t = \theta_{t-1} - \frac{\eta}{1 + (t-1)\eta_d}\,\frac{g_t}{\sqrt{s_t} + \epsilon}",
        _rows(("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps", "maximize"),
              (0.1, 0.0, 0.0, 0.0, 1e-10, False), (0.05, 0.05, 0.1, 0.0, 1e-10, False),
              (0.1, 0.0, 0.0, 0.5, 0.1, True), (0.2, 0.01, 0.0, 0.1, 1e-10, False)),
        [({"lr": 0.1, "lr_decay": 0.05, "eps": 0.1}, {"lr": 0.05}, "grads")],
        [Mistake("accumulator-at-0.1", "accumulator started at 0.1 (TensorFlow's default), not initial_accumulator_value", M.AdagradAccumulatorAt01),
         Mistake("eps-inside-root", "√(s + ε) instead of √s + ε", M.AdagradEpsInsideRoot),
         Mistake("lr-decay-off-by-one", "η/(1 + t·decay): decayed from the first step", M.AdagradDecayOffByOne),
         Mistake("no-root", "divides by s instead of √s", M.AdagradNoRoot)],
        interop={"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1},
        shared=("initial_accumulator_value",),
        deviations=[Deviation(
            "torch starts every group's accumulator at the constructor's initial_accumulator_value and ignores "
            "a group's own; impl uses the group's",
            "an option given for a group is honoured (torch reads the argument, not group['initial_accumulator_value'])",
            _torch_ignores_group_accumulator)],
        errors=[({"lr_decay": -0.1}, ValueError, r"lr_decay must be >= 0"),
                ({"initial_accumulator_value": -1.0}, ValueError, r"initial_accumulator_value must be >= 0")],
    ),
    optimizer_record(
        "opt.adadelta", "Adadelta",
        r"v_t = \rho v_{t-1} + (1-\rho) g_t^2,\ \Delta_t = \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}} g_t,\ "
        r"u_t = \rho u_{t-1} + (1-\rho)\Delta_t^2,\ \theta_t = \theta_{t-1} - \eta\Delta_t",
        _rows(("lr", "rho", "eps", "weight_decay", "maximize"),
              (1.0, 0.9, 1e-6, 0.0, False), (0.5, 0.5, 1e-2, 0.1, False), (2.0, 0.95, 1e-6, 0.0, True),
              (1.0, 0.8, 1e-3, 0.0, False)),
        [({"lr": 0.5, "eps": 1e-2}, {"lr": 2.0}, "grads")],
        [Mistake("eps-outside-roots", "(√u + ε)/(√v + ε) instead of √(u + ε)/√(v + ε)", M.AdadeltaEpsOutsideRoots),
         Mistake("no-learning-rate", "the paper's rule without η: lr ignored", M.AdadeltaNoLearningRate),
         Mistake("accumulates-gradients", "E[Δθ²] accumulated from g² instead of Δ²", M.AdadeltaAccumulatesGradients)],
        errors=[({"rho": 1.5}, ValueError, r"rho must be in \[0, 1\]")],
    ),
    optimizer_record(
        "opt.rmsprop", "RMSprop",
        r"S_t = \alpha S_{t-1} + (1-\alpha) g_t^2,\quad \theta_t = \theta_{t-1} - \eta\,\frac{g_t}{\sqrt{S_t} + \epsilon}",
        _rows(RMSPROP_KEYS, (0.01, 0.99, 1e-8, 0.0, 0.0, False, False), (0.005, 0.9, 1e-2, 0.1, 0.0, False, False),
              (0.01, 0.99, 1e-8, 0.0, 0.9, False, True), (0.02, 0.95, 1e-3, 0.0, 0.5, False, False)),
        [({"eps": 1e-2}, {"lr": 0.005, "momentum": 0.9}, "grads")],
        [Mistake("eps-inside-root", "√(S + ε) (TensorFlow 1) instead of √S + ε", M.RMSpropEpsInsideRoot),
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
                ({"momentum": -0.1}, ValueError, r"momentum must be >= 0")],
    ),
    optimizer_record(
        "opt.rmsprop/centered", "RMSprop",
        r"\bar g_t = \alpha \bar g_{t-1} + (1-\alpha) g_t,\quad \theta_t = \theta_{t-1} - \eta\,\frac{g_t}{\sqrt{S_t - \bar g_t^2} + \epsilon}",
        _rows(RMSPROP_KEYS, (0.01, 0.99, 1e-8, 0.0, 0.0, True, False), (0.005, 0.9, 1e-2, 0.1, 0.9, True, False),
              (0.01, 0.95, 1e-3, 0.0, 0.0, True, True)),
        [({"centered": True, "eps": 1e-2}, {"lr": 0.005, "centered": True, "momentum": 0.9}, "grads")],
        [Mistake("centered-ignored", "centered=True ignored", M.RMSpropCenteredIgnored),
         Mistake("stale-mean", "S_t − ḡ²_{t−1}: the mean before this step's update", M.RMSpropStaleMean),
         Mistake("eps-inside-root", "√(S − ḡ² + ε) instead of √(S − ḡ²) + ε", M.RMSpropEpsInsideRoot)],
    ),
    optimizer_record(
        "opt.adam", "Adam",
        r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\ v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\ "
        r"\theta_t = \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\,\frac{m_t}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}",
        ADAM_ROWS,
        [({"eps": 1e-3, "weight_decay": 0.1}, {"lr": 0.02}, "grads")],
        [Mistake("no-bias-correction", "m/(√v + ε) without the 1 − βᵗ corrections", M.AdamNoBiasCorrection),
         Mistake("eps-inside-root", "√(v̂ + ε) instead of √v̂ + ε", M.AdamEpsInsideRoot),
         Mistake("keras-epsilon-hat", "Keras's η√(1 − β2ᵗ)/(1 − β1ᵗ)·m/(√v + ε̂) with ε̂ = ε", M.AdamKerasEpsilonHat),
         Mistake("decoupled-decay", "AdamW's decoupled decay for Adam's L2 weight_decay", M.AdamDecoupledDecay)],
        interop={"lr": 0.01, "amsgrad": True, "weight_decay": 0.1},
        errors=BETAS_ERRORS,
    ),
    optimizer_record(
        "opt.adam/amsgrad", "Adam",
        r"\hat v_t = \max(\hat v_{t-1}, v_t),\quad \theta_t = \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\,\frac{m_t}{\sqrt{\hat v_t}/\sqrt{1-\beta_2^t} + \epsilon}",
        [{**row, "amsgrad": True} for row in ADAM_ROWS],
        [({"amsgrad": True}, {"lr": 0.02, "betas": (0.8, 0.99), "amsgrad": True}, "grads")],
        [Mistake("max-of-corrected", "the maximum kept over the bias-corrected v̂", M.AMSGradMaxOfCorrected),
         Mistake("amsgrad-ignored", "amsgrad=True ignored", M.AMSGradIgnored),
         Mistake("max-lost-on-resume", "the checkpoint drops max_exp_avg_sq", M.AMSGradMaxLostOnResume)],
    ),
    optimizer_record(
        "opt.adamw", "AdamW",
        r"\theta_{t-1} \leftarrow (1 - \eta\lambda)\,\theta_{t-1},\ \text{then Adam's step on } \nabla_\theta f(\theta_{t-1})",
        _rows(("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"),
              (0.01, (0.9, 0.999), 1e-8, 0.01, False, False), (0.005, (0.8, 0.99), 1e-6, 0.1, True, False),
              (0.02, (0.9, 0.999), 1e-8, 0.05, False, True)),
        [({}, {"lr": 0.02}, "grads"), ({"weight_decay": 0.1}, {"lr": 0.02, "weight_decay": 0.5}, "grads")],
        [Mistake("coupled-decay", "Adam's L2 term λθ in the gradient", M.AdamWCoupledDecay),
         Mistake("decay-without-lr", "θ ← (1 − λ)θ: the decay not multiplied by η", M.AdamWDecayWithoutLR),
         Mistake("decay-after-step", "the decay applied to the already updated θ", M.AdamWDecayAfterStep),
         Mistake("no-default-decay", "weight_decay defaulting to Adam's 0 instead of 0.01", M.AdamWNoDefaultDecay)],
        errors=BETAS_ERRORS,
    ),
    optimizer_record(
        "opt.adamax", "Adamax",
        r"u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon),\quad \theta_t = \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\,\frac{m_t}{u_t}",
        _rows(ADAM_KEYS, (0.01, (0.9, 0.999), 1e-8, 0.0, False), (0.005, (0.8, 0.99), 1e-2, 0.1, False),
              (0.02, (0.9, 0.999), 1e-8, 0.0, True)),
        [({"eps": 0.1}, {"lr": 0.02}, "grads")],
        [Mistake("keras-eps", "u = max(β2u, |g|), m/(u + ε) (Keras)", M.AdamaxKerasEps),
         Mistake("no-bias-correction", "η m/u without 1/(1 − β1ᵗ)", M.AdamaxNoBiasCorrection),
         Mistake("undecayed-norm", "u = max(u, |g| + ε): β2 ignored", M.AdamaxUndecayedNorm)],
        errors=BETAS_ERRORS,
    ),
    optimizer_record(
        "opt.nadam", "NAdam",
        r"\mu_t = \beta_1(1 - \tfrac12 0.96^{t\psi}),\ \theta_t = \theta_{t-1} - \eta\Bigl(\frac{(1-\mu_t) g_t}{1 - \prod_{i\le t}\mu_i}"
        r" + \frac{\mu_{t+1} m_t}{1 - \prod_{i\le t+1}\mu_i}\Bigr) \Big/ \bigl(\sqrt{v_t/(1-\beta_2^t)} + \epsilon\bigr)",
        _rows(("lr", "betas", "eps", "weight_decay", "momentum_decay", "decoupled_weight_decay", "maximize"),
              (0.01, (0.9, 0.999), 1e-8, 0.0, 4e-3, False, False), (0.005, (0.8, 0.99), 1e-3, 0.1, 4e-3, True, False),
              (0.02, (0.9, 0.999), 1e-8, 0.05, 0.1, False, True), (0.01, (0.95, 0.999), 1e-6, 0.0, 0.01, False, False)),
        [({"weight_decay": 0.1, "decoupled_weight_decay": True}, {"lr": 0.02}, "grads")],
        [Mistake("constant-momentum", "μ_t = β1: the momentum schedule dropped", M.NAdamConstantMomentum),
         Mistake("mu-for-mu-next", "the look-ahead weighted by μ_t instead of μ_{t+1}", M.NAdamMuForMuNext),
         Mistake("short-product", "1 − ∏_{i≤t}μ_i for the look-ahead term", M.NAdamShortProduct),
         Mistake("decoupled-ignored", "decoupled_weight_decay=True ignored", M.NAdamDecoupledIgnored)],
        errors=[*BETAS_ERRORS, ({"momentum_decay": -1e-3}, ValueError, r"momentum_decay must be >= 0")],
        deviations=[Deviation(
            "under torch's default dtype (float32) NAdam keeps ∏μ in a float32 scalar even for float64 "
            "parameters: float64 trajectories then differ from the exact product by ~1e-8 relative",
            "impl keeps ∏μ in float64; the reference runs torch with its default dtype set to the parameters' dtype",
            _nadam_float32_product)],
    ),
)


# -- learning-rate schedules ----------------------------------------------------------------------

class _Groups:
    """All a schedule touches of an optimizer: its param_groups' learning rates."""

    def __init__(self, lrs):
        self.param_groups = [{"lr": lr} for lr in lrs]


def _schedule(cls, sample: Sample) -> np.ndarray:
    """The learning rate of every group after construction and after each scheduler step."""
    lrs, steps = sample.args
    scheduler = cls(_Groups(lrs), **sample.kwargs)
    path = [scheduler.get_last_lr()]
    for _ in range(steps):
        scheduler.step()
        path.append(scheduler.get_last_lr())
    return np.array(path, dtype=np.float64)


def warmup_10(epoch):
    return min(1.0, (epoch + 1) / 10)


def halve_every_50(epoch):
    return 0.5 ** (epoch // 50)


def inverse_sqrt(epoch):
    return 1 / math.sqrt(epoch + 1)


LRS = (0.1, 0.03)


def _resumes_like_torch(name: str, options: dict, at: int = 37):
    """Property: built with ``last_epoch`` on groups that hold their ``initial_lr`` (a checkpoint's
    way to resume), the schedule continues as torch's does."""
    def check(candidate):
        import torch

        groups = _Groups(LRS)
        for g in groups.param_groups:
            g["initial_lr"] = g["lr"]
        mine = candidate.get(f"optim.lr_scheduler.{name}")(groups, last_epoch=at, **options)
        opt = torch.optim.SGD([{"params": [torch.zeros(1)], "lr": lr, "initial_lr": lr} for lr in LRS])
        theirs = getattr(torch.optim.lr_scheduler, name)(opt, last_epoch=at, **options)
        paths = [mine.get_last_lr()], [theirs.get_last_lr()]
        for _ in range(50):
            opt.step()
            mine.step()
            theirs.step()
            paths[0].append(mine.get_last_lr())
            paths[1].append(theirs.get_last_lr())
        compare.assert_close(np.array(paths[0]), np.array(paths[1]), EXACT[np.float64], names=(f"resumed at {at}",))
        return {"resumed_at_epoch": at}
    return check


def schedule_record(variant, name, equation, options, edges, mistakes, errors=()):
    """A record for ``lr_scheduler.<name>``: 200 steps on two groups, the options drawn from ``options``."""
    return Record(
        id=f"opt.lr_schedule/{variant}", kind="F", section=SECTION, equation=equation,
        candidate=f"optim.lr_scheduler.{name}", reference=f"optim.{name}", run=_schedule,
        inputs=lambda dt: st.builds(lambda kw: Sample((LRS, STEPS), kw), st.fixed_dictionaries(options)),
        edges=lambda dt: [Sample((LRS, STEPS), kw, "edge") for kw in edges],
        dtypes=(np.float64,), tolerances=EXACT, mistakes=tuple(mistakes), check=_resumes_like_torch(name, edges[0]),
        errors=(ErrorInput(Sample(([0.1],), edges[0], "a list, not an optimizer"), TypeError, r"optimizer must be"),
                ErrorInput(Sample((_Groups(LRS),), {**edges[0], "last_epoch": 3}, "resumed without initial_lr"),
                           ValueError, r"initial_lr"),
                *(ErrorInput(Sample((_Groups([0.1]),), kw), err, match) for kw, err, match in errors)),
    )


SCHEDULES = (
    schedule_record(
        "step", "StepLR", r"\eta_t = \eta_0\,\gamma^{\lfloor t / s \rfloor}",
        {"step_size": st.sampled_from([1, 7, 30, 64]), "gamma": st.sampled_from([0.1, 0.5, 0.9])},
        [{"step_size": 30, "gamma": 0.5}],
        [Mistake("one-epoch-early", "decays at t ≡ −1 (mod step_size)", M.StepLREarly),
         Mistake("ceil", "γ^⌈t/s⌉: the first decay at t = 1", M.StepLRCeil)],
        errors=[({"step_size": 0}, ValueError, r"step_size must be at least 1")],
    ),
    schedule_record(
        "multistep", "MultiStepLR", r"\eta_t = \eta_0\,\gamma^{\#\{i : m_i \le t\}}",
        {"milestones": st.sampled_from([[], [0], [50, 150], [10, 10, 120], [STEPS - 1]]), "gamma": st.sampled_from([0.1, 0.5])},
        [{"milestones": [30, 30, 80], "gamma": 0.5}],
        [Mistake("milestones-as-set", "a milestone listed twice decays once", M.MultiStepLRSetOfMilestones),
         Mistake("one-epoch-late", "decays one epoch after each milestone", M.MultiStepLRLate)],
        errors=[({"milestones": [10.5]}, TypeError, r"milestones\[\] must be an int")],
    ),
    schedule_record(
        "exponential", "ExponentialLR", r"\eta_t = \eta_0\,\gamma^{t}",
        {"gamma": st.sampled_from([0.5, 0.9, 0.99, 1.0])},
        [{"gamma": 0.95}],
        [Mistake("decayed-at-start", "η₀γ^{t+1}: decayed at construction", M.ExponentialLRFromStart),
         Mistake("not-compounded", "η₀γ for every t ≥ 1", M.ExponentialLRNotCompounded)],
        errors=[({"gamma": "0.9"}, TypeError, r"gamma must be a real number")],
    ),
    schedule_record(
        "cosine", "CosineAnnealingLR",
        r"\eta_t = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})\left(1 + \cos\frac{\pi t}{T_{\max}}\right)",
        {"T_max": st.sampled_from([10, 50, 150, STEPS, 300]), "eta_min": st.sampled_from([0.0, 1e-3])},
        [{"T_max": 30, "eta_min": 0.01}],
        [Mistake("clamped-after-T_max", "held at η_min after T_max (torch climbs back along the cosine)", M.CosineClamped),
         Mistake("half-period", "cos(πt/(2T))", M.CosineHalfPeriod),
         Mistake("eta_min-ignored", "anneals to 0 whatever eta_min says", M.CosineEtaMinIgnored)],
        errors=[({"T_max": 0}, ValueError, r"T_max must be at least 1")],
    ),
    schedule_record(
        "linear", "LinearLR", r"\eta_t = \eta_0\left(s + (e - s)\,\frac{\min(t, T)}{T}\right)",
        {"start_factor": st.sampled_from([0.1, 1 / 3, 0.5]), "end_factor": st.sampled_from([1.0, 0.5]),
         "total_iters": st.sampled_from([5, 50, 150])},
        [{"start_factor": 0.25, "total_iters": 8}],
        [Mistake("one-step-late", "the factor reaches s + (e − s)k/T one step late", M.LinearLRLate),
         Mistake("from-zero", "warm-up from 0, start_factor ignored", M.LinearLRFromZero)],
        errors=[({"start_factor": 0.0}, ValueError, r"start_factor must be in \(0, 1\]"),
                ({"end_factor": 1.5}, ValueError, r"end_factor must be in \[0, 1\]")],
    ),
    schedule_record(
        "lambda", "LambdaLR", r"\eta_t = \eta_0\,\lambda(t)",
        {"lr_lambda": st.sampled_from([warmup_10, halve_every_50, inverse_sqrt, [warmup_10, inverse_sqrt]])},
        [{"lr_lambda": [halve_every_50, warmup_10]}],
        [Mistake("multiplicative", "η_t = η_{t−1}λ(t) (MultiplicativeLR)", M.LambdaLRMultiplicative),
         Mistake("next-epoch", "η₀λ(t + 1)", M.LambdaLRNextEpoch)],
        errors=[({"lr_lambda": [warmup_10, warmup_10]}, ValueError, r"lr_lambda has 2 functions"),
                ({"lr_lambda": 0.5}, TypeError, r"lr_lambda must be a function")],
    ),
)


def _build(get, opt, spec):
    """A scheduler from its spec: (combinator, [(name, options), ...], combinator options)."""
    kind, inner, options = spec
    schedulers = [get(name)(opt, **o) for name, o in inner]
    return get(kind)(schedulers) if kind == "ChainedScheduler" else get(kind)(opt, schedulers, **options)


def _scheduled_sgd(sgd, get, params, feed_step, spec) -> tuple:
    """SGD with momentum on two groups, its learning rate scheduled by ``spec``, checkpointed half
    way in torch's order (scheduler built on the new optimizer, then both states loaded).
    ``feed_step(opt, params, t)`` gives the step-t gradients and steps the optimizer."""
    def fresh(ps):
        return sgd([{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.02}], lr=0.05, momentum=0.9)

    opt = fresh(params)
    scheduler = _build(get, opt, spec)
    path, lrs = [], [scheduler.get_last_lr()]
    for t in range(STEPS):
        if t == RESUME:
            saved = opt.state_dict(), scheduler.state_dict()
            params = [copy.deepcopy(p) for p in params]
            opt = fresh(params)
            scheduler = _build(get, opt, spec)
            opt.load_state_dict(saved[0])
            scheduler.load_state_dict(saved[1])
        feed_step(opt, params, t)
        scheduler.step()
        path.append([np.copy(tensors.to_numpy(p)) for p in params])
        lrs.append(scheduler.get_last_lr())
    return tuple(np.stack(c) for c in zip(*path)), np.array(lrs)


def _impl_scheduled(candidate, spec) -> tuple:
    feed = _feed("quadratic", 9, np.float64)
    return _scheduled_sgd(candidate.get("optim.SGD"), lambda name: candidate.get(f"optim.lr_scheduler.{name}"),
                          _start(9, np.float64), lambda opt, ps, t: opt.step(_gradients(feed, ps, t)), spec)


def _torch_scheduled(spec) -> tuple:
    import torch

    feed = tensors.to_torch(dict(_feed("quadratic", 9, np.float64)))

    def feed_step(opt, params, t):
        for p, h, c in zip(params, feed["scale"], feed["center"]):
            p.grad = h * (p - c)
        opt.step()

    return _scheduled_sgd(torch.optim.SGD, lambda name: getattr(torch.optim.lr_scheduler, name),
                          [torch.tensor(p) for p in _start(9, np.float64)], feed_step, spec)


def _chains_as_torch(*specs):
    """Property: scheduled SGD trajectories and learning rates as torch's, checkpoint included."""
    def check(candidate):
        for spec in specs:
            mine, theirs = _impl_scheduled(candidate, spec), _torch_scheduled(spec)
            try:
                compare.assert_close(mine, theirs, EXACT[np.float64], names=("params", "lr"))
            except compare.Mismatch as exc:
                raise AssertionError(f"{spec[0]} of {[n for n, _ in spec[1]]}: {exc}") from None
        return {"schedules": len(specs), "final_lr": [float(v) for v in mine[1][-1]]}
    return check


SCHEDULES += (
    Record(
        id="opt.lr_schedule/chained", kind="F", section=SECTION,
        equation=r"\eta_t = \eta_0 \prod_k f_k(t)\ \text{(ChainedScheduler: every scheduler steps the same optimizer)}",
        check=_chains_as_torch(
            ("ChainedScheduler", [("LinearLR", {"start_factor": 0.1, "total_iters": 10}), ("ExponentialLR", {"gamma": 0.98})], {}),
            ("ChainedScheduler", [("StepLR", {"step_size": 30, "gamma": 0.5}),
                                  ("CosineAnnealingLR", {"T_max": 80, "eta_min": 1e-3})], {})),
        mistakes=(Mistake("last-only", "only the last scheduler is stepped", M.ChainedLastOnly,
                          "optim.lr_scheduler.ChainedScheduler"),
                  Mistake("first-only", "only the first scheduler is stepped", M.ChainedFirstOnly,
                          "optim.lr_scheduler.ChainedScheduler")),
        errors=(ErrorInput(Sample(([],)), ValueError, r"needs at least one scheduler", "optim.lr_scheduler.ChainedScheduler"),),
    ),
    Record(
        id="opt.lr_schedule/sequential", kind="F", section=SECTION,
        equation=r"\eta_t = \text{schedulers}[i](t - m_{i-1}) \text{ for } m_{i-1} \le t < m_i \text{ (SequentialLR: warm-up, then decay)}",
        check=_chains_as_torch(
            ("SequentialLR", [("LinearLR", {"start_factor": 0.1, "total_iters": 10}), ("CosineAnnealingLR", {"T_max": 190})],
             {"milestones": [10]}),
            ("SequentialLR", [("LinearLR", {"start_factor": 0.5, "total_iters": 5}), ("ExponentialLR", {"gamma": 0.9}),
                              ("StepLR", {"step_size": 20, "gamma": 0.5}), ("MultiStepLR", {"milestones": [10, 30]}),
                              ("LambdaLR", {"lr_lambda": inverse_sqrt})], {"milestones": [5, 40, 80, 130]})),
        mistakes=(Mistake("no-restart", "the next scheduler steps on instead of restarting at its epoch 0",
                          M.SequentialNoRestart, "optim.lr_scheduler.SequentialLR"),
                  Mistake("late-switch", "switches one epoch after each milestone", M.SequentialLateSwitch,
                          "optim.lr_scheduler.SequentialLR")),
    ),
)


# -- the batch regimes: SGD, BGD, MBGD -------------------------------------------------------------

N_SAMPLES, FEATURES = 8, 3


def _dataset(seed: int, dt, n: int = N_SAMPLES):
    """A linear-regression set: X ~ U(−1, 1), y = Xw* + noise, and a start w₀."""
    rng = np.random.default_rng(200 + seed)
    X = rng.uniform(-1.0, 1.0, (n, FEATURES))
    y = X @ rng.normal(size=FEATURES) + 0.1 * rng.normal(size=n)
    return X.astype(dt), y.astype(dt), rng.normal(size=FEATURES).astype(dt)


def _loss(X, y, w) -> np.ndarray:
    """The full-batch mean squared error of each row of ``w``."""
    return np.mean((np.atleast_2d(w) @ X.T - y) ** 2, axis=1)


def _regime(batch, epochs, lr, n=N_SAMPLES):
    """Samples for one batch regime: ``batch(n)`` samples a batch, ≥ 200 updates; seeds enumerated."""
    def sample(dt, seed, note=""):
        X, y, w = _dataset(seed, dt, n)
        return Sample((X, y, w, lr, batch(n), epochs, seed), {}, note)

    def inputs(dt):
        seeds = 4 if np.dtype(dt) == np.float64 else 2
        return st.builds(lambda seed: sample(dt, seed), st.integers(0, seeds - 1))

    return inputs, (lambda dt: [sample(dt, 10, "edge")] if np.dtype(dt) == np.float64 else [])


def _one_sample_per_update(candidate):
    """b = 1: update k is −2η x_i (x_i·w − y_i) for the k-th sample of that epoch's permutation;
    the full-batch loss fluctuates (the guide, l.392: 目标损失函数值会剧烈波动)."""
    X, y, w0 = _dataset(3, np.float64)
    lr, epochs = 0.05, 25
    path = candidate.get("optim.minibatch_descent")(X, y, w0, lr, 1, epochs, 3)
    rng = np.random.default_rng(3)
    order = np.concatenate([rng.permutation(N_SAMPLES) for _ in range(epochs)])
    before = np.vstack([w0, path[:-1]])
    residual = np.einsum("kd,kd->k", X[order], before) - y[order]
    expected = before - 2 * lr * residual[:, None] * X[order]
    compare.assert_close(path, expected, Tolerance(1e-12, 1e-12))
    rises = int(np.sum(np.diff(_loss(X, y, np.vstack([w0, path]))) > 0))
    expect(rises > 0, "SGD's full-batch loss never rose: no fluctuation to speak of")
    return {"updates": len(path), "loss_rises": rises, "final_loss": float(_loss(X, y, path[-1])[0])}


def _lipschitz(X) -> float:
    """L = 2 λ_max(XᵀX/N), the curvature of the mean squared error."""
    return 2 * float(np.linalg.eigvalsh(X.T @ X / len(X))[-1])


def _full_batch_descends(candidate):
    """b = N: shuffling changes nothing, and with η ≤ 1/L the (convex) loss never rises (by more than
    the rounding of its own evaluation, once it has converged)."""
    descent = candidate.get("optim.minibatch_descent")
    X, y, w0 = _dataset(4, np.float64)
    lr = 1 / _lipschitz(X)
    path = descent(X, y, w0, lr, N_SAMPLES, STEPS, 0)
    compare.assert_close(descent(X, y, w0, lr, N_SAMPLES, STEPS, 1), path, Tolerance(1e-12, 1e-14))
    losses = _loss(X, y, np.vstack([w0, path]))
    rises = np.diff(losses) > 8 * np.finfo(np.float64).eps * losses[1:]  # beyond the rounding of the loss itself
    expect(not rises.any(), f"the loss rose at update {int(np.argmax(rises)) + 1}")
    optimum = float(_loss(X, y, np.linalg.lstsq(X, y, rcond=None)[0])[0])
    return {"lr_times_L": 1.0, "updates": len(path), "loss_first": float(losses[0]), "loss_last": float(losses[-1]),
            "loss_optimum": optimum}


def _bgd_needs_small_step(candidate):
    """l.399 promises BGD converges on a convex surface; with η = 1.1 · 2/L the loss grows without bound."""
    X, y, w0 = _dataset(4, np.float64)
    path = candidate.get("optim.minibatch_descent")(X, y, w0, 2.2 / _lipschitz(X), N_SAMPLES, 60, 0)
    losses = _loss(X, y, np.vstack([w0, path]))
    expect(losses[-1] > 1e3 * losses[0], f"the loss went from {losses[0]:.3g} to {losses[-1]:.3g}: no divergence")


def _extremes_are_sgd_and_bgd(candidate):
    """b = 1 is SGD and b = N is BGD: the loop against the candidate's SGD optimizer fed the
    per-sample and the full-batch gradients by hand; and MBGD's loss rises on fewer updates than
    SGD's (l.406: MBGD 比 SGD 收敛更稳定), BGD's on none."""
    descent, sgd = candidate.get("optim.minibatch_descent"), candidate.get("optim.SGD")
    X, y, w0 = _dataset(5, np.float64)
    lr, epochs = 0.05, 4
    found = {}
    rng = np.random.default_rng(5)
    for b, order in ((1, np.concatenate([rng.permutation(N_SAMPLES) for _ in range(epochs)])), (N_SAMPLES, None)):
        w = w0.copy()
        opt, expected = sgd([w], lr=lr), []
        for k in range(epochs * (N_SAMPLES // b)):
            rows = slice(None) if order is None else order[k:k + 1]
            opt.step([2 * X[rows].T @ (X[rows] @ w - y[rows]) / len(X[rows])])
            expected.append(w.copy())
        compare.assert_close(descent(X, y, w0, lr, b, epochs, 5), np.array(expected), Tolerance(1e-12, 1e-14))
    rises = {}
    for b in (1, 3, N_SAMPLES):
        losses = _loss(X, y, descent(X, y, w0, lr, b, 60, 5))
        rises[b] = float(np.mean(np.diff(losses) > 0))
        found[f"fraction_of_updates_raising_the_loss_b{b}"] = rises[b]
    expect(rises[1] > rises[3] > rises[N_SAMPLES] == 0.0, f"the loss rose on these fractions of updates: {rises}")
    return found


def regime_record(id, batch, epochs, lr, equation, mistakes, check, deviations=()):
    inputs, edges = _regime(batch, epochs, lr)
    return Record(
        id=id, kind="A", section=SECTION, equation=equation,
        candidate="optim.minibatch_descent", reference="optim.minibatch_descent",
        inputs=inputs, edges=edges, tolerances=EXACT, check=check, mistakes=tuple(mistakes), deviations=tuple(deviations),
        errors=(ErrorInput(Sample((np.zeros((4, 2)), np.zeros(4), np.zeros(2), 0.1, 5)), ValueError, r"batch_size=5 exceeds"),
                ErrorInput(Sample((np.zeros((4, 2)), np.zeros(3), np.zeros(2), 0.1, 2)), ValueError, r"target has shape"),
                ErrorInput(Sample((np.zeros((4, 2)), np.zeros(4), np.zeros(2, np.float32), 0.1, 2)), TypeError, r"share a dtype")),
    )


REGIMES = (
    regime_record(
        "opt.sgd", lambda n: 1, 25, 0.05,
        r"w \leftarrow w - 2\eta\, x_i (x_i^\top w - y_i),\ i \text{ in a fresh random order every epoch}",
        [Mistake("unshuffled", "the samples visited in stored order", M.descent_unshuffled),
         Mistake("shuffled-once", "one permutation reused every epoch", M.descent_shuffled_once),
         Mistake("factor-two-dropped", "x(xw − y) for the derivative of (xw − y)²", M.descent_without_two)],
        _one_sample_per_update,
    ),
    regime_record(
        "opt.bgd", lambda n: n, STEPS, 0.1,
        r"w \leftarrow w - \frac{2\eta}{N} X^\top (X w - y)",
        [Mistake("summed", "the gradient summed over the batch, not averaged", M.descent_summed),
         Mistake("factor-two-dropped", "x(xw − y) for the derivative of (xw − y)²", M.descent_without_two)],
        _full_batch_descends,
        deviations=[Deviation(
            "l.399: 'BGD能保证收敛到凸误差表面的全局最小值' (BGD is guaranteed to reach a convex surface's global "
            "minimum) holds only for a small enough step, η < 2/L; at η = 2.2/L the loss grows without bound",
            "the guarantee needs the step-size condition, which the guide leaves out", _bgd_needs_small_step,
            source="guide")],
    ),
    regime_record(
        "opt.mbgd", lambda n: 3, 67, 0.05,
        r"w \leftarrow w - \frac{2\eta}{|B|} X_B^\top (X_B w - y_B),\ |B| = b \text{ (the last batch } N \bmod b\text{)}",
        [Mistake("mean-over-b", "the short last batch averaged over b", M.descent_mean_over_b),
         Mistake("drop-last", "the short last batch dropped", M.descent_drop_last),
         Mistake("shuffled-once", "one permutation reused every epoch", M.descent_shuffled_once),
         Mistake("summed", "the gradient summed over the batch", M.descent_summed)],
        _extremes_are_sgd_and_bgd,
    ),
)


# -- claims: momentum in a ravine, RMSprop's damping -------------------------------------------------

RAVINE = np.array([1.0, 100.0])  # f(x, y) = (x² + 100 y²)/2: flat along x, steep across y
RAVINE_START = np.array([-4.0, 1.0])


def _ravine_path(candidate, name: str, steps: int, **options) -> np.ndarray:
    """The candidate's path on the ravine from RAVINE_START, checked against torch.optim's to 1e-10."""
    from reference import optim as R

    feed = Feed("ravine", 0, objective="quadratic", steps=steps, scale=[RAVINE], center=[np.zeros(2)])
    sample = Sample(([{"params": [RAVINE_START.copy()]}], feed), options)
    theirs = tensors.to_numpy(getattr(R, name)(*tensors.to_torch(sample.args), **options))[0]
    mine = _optimize(candidate.get(f"optim.{name}"), Sample(([{"params": [RAVINE_START.copy()]}], feed), options))[0]
    compare.assert_close(mine, theirs, EXACT[np.float64], names=(f"{name} on the ravine",))
    return np.vstack([RAVINE_START, mine])


def _ravine_value(path: np.ndarray) -> np.ndarray:
    return 0.5 * (path**2 * RAVINE).sum(axis=1)


def _steps_to(path: np.ndarray, fraction: float) -> int:
    """The first step at which f ≤ fraction · f(start) (len(path) if never)."""
    f = _ravine_value(path)
    below = np.flatnonzero(f <= fraction * f[0])
    return int(below[0]) if below.size else len(path)


def _draw_ravine(paths: dict, extent=(-4.5, 1.6, -1.2, 1.2)):
    """Contours of the ravine and each path; ``paths`` maps a label to (path, colour)."""
    def draw(ax):
        x, y = np.meshgrid(np.linspace(*extent[:2], 200), np.linspace(*extent[2:], 200))
        ax.contour(x, y, 0.5 * (x**2 + RAVINE[1] * y**2), levels=np.geomspace(0.01, 60, 12), colors="0.8", linewidths=0.7)
        for label, (path, colour) in paths.items():
            ax.plot(path[:, 0], path[:, 1], ".-", color=colour, markersize=3, linewidth=0.8, label=label)
        ax.plot(0, 0, "k*")
        ax.set_xlabel("x (flat)")
        ax.set_ylabel("y (steep)")
        ax.legend()
    return draw


def _momentum_in_ravine(candidate):
    """At the same η, heavy-ball momentum 0.9 reaches f ≤ 1e-8 f₀ in fewer steps than plain SGD, and
    in fewer than plain SGD at its best step 2/(1 + κ)."""
    eta, limit = 0.015, 600
    plain = _ravine_path(candidate, "SGD", limit, lr=eta)
    heavy = _ravine_path(candidate, "SGD", limit, lr=eta, momentum=0.9)
    best = _ravine_path(candidate, "SGD", limit, lr=2 / (1 + RAVINE[1]))
    n_plain, n_heavy, n_best = (_steps_to(p, 1e-8) for p in (plain, heavy, best))
    expect(n_heavy < limit and 2 * n_heavy < min(n_plain, n_best), f"momentum took {n_heavy} steps, plain SGD {n_plain} (and {n_best} at its best step): no clear gain")
    figures.save("opt.momentum.ravine",
                 _draw_ravine({"SGD, η = 0.015": (plain[:80], "tab:orange"), "momentum 0.9, η = 0.015": (heavy[:80], "tab:blue")}),
                 title="f = (x² + 100y²)/2: the first 80 steps")
    return {"steps_sgd": n_plain, "steps_momentum": n_heavy, "steps_sgd_best_lr": n_best, "lr": eta, "condition_number": 100}


def _cross_track(path: np.ndarray) -> tuple[float, int]:
    """Oscillation across the ravine: y's travel beyond the net |Δy|, and y's sign changes."""
    y = path[:, 1]
    return float(np.abs(np.diff(y)).sum() - abs(y[-1] - y[0])), int(np.sum(np.diff(np.sign(y)) != 0))


def _rmsprop_damps(candidate):
    """RMSprop (η = 0.05, α = 0.99) crosses the steep direction far less than momentum 0.9 (η = 0.015),
    while reaching f ≤ 1e-4 f₀ about as fast."""
    steps = 100
    heavy = _ravine_path(candidate, "SGD", steps, lr=0.015, momentum=0.9)
    rms = _ravine_path(candidate, "RMSprop", steps, lr=0.05, alpha=0.99)
    (travel_m, flips_m), (travel_r, flips_r) = _cross_track(heavy), _cross_track(rms)
    n_m, n_r = _steps_to(heavy, 1e-4), _steps_to(rms, 1e-4)
    expect(travel_r <= 0.1 * travel_m and flips_r < flips_m, f"RMSprop's wasted travel across the ravine {travel_r:.3g} ({flips_r} crossings) against momentum's "
        f"{travel_m:.3g} ({flips_m}): no damping")
    expect(n_r <= 1.5 * n_m, f"RMSprop took {n_r} steps to momentum's {n_m}: damped by crawling")
    figures.save("opt.rmsprop.damping",  # the guide's colours (l.420): momentum blue, RMSprop green
                 _draw_ravine({"momentum 0.9 (η = 0.015)": (heavy[:60], "tab:blue"), "RMSprop (η = 0.05)": (rms[:60], "tab:green")}),
                 title="Across the steep direction: the first 60 steps")
    return {"cross_travel_momentum": travel_m, "crossings_momentum": flips_m, "cross_travel_rmsprop": travel_r,
            "crossings_rmsprop": flips_r, "steps_to_1e-4_momentum": n_m, "steps_to_1e-4_rmsprop": n_r}


CLAIMS = (
    Record(
        id="opt.momentum.ravine", kind="C", section=SECTION,
        equation=r"f(x, y) = \tfrac12(x^2 + 100y^2):\ \text{steps}_{\mu = 0.9} < \text{steps}_{\mu = 0} \text{ at the same } \eta",
        check=_momentum_in_ravine,
        mistakes=(Mistake("ema-momentum", "v ← μv + (1 − μ)g: no acceleration at the same η", M.MomentumEMA, "optim.SGD"),
                  Mistake("momentum-ignored", "momentum accepted and ignored", M.MomentumIgnored, "optim.SGD")),
        notes="The paths are checked against torch.optim's (float64, rtol 1e-10) before the steps are counted.",
    ),
    Record(
        id="opt.rmsprop.damping", kind="C", section=SECTION,
        equation=r"\sum_t |\Delta y_t| - |y_T - y_0|:\ \text{RMSprop} \ll \text{momentum on } f = \tfrac12(x^2 + 100y^2)",
        check=_rmsprop_damps,
        mistakes=(Mistake("keras-rho", "α = 0.9 whatever alpha says", M.RMSpropKerasRho, "optim.RMSprop"),
                  Mistake("bias-corrected", "S/(1 − αᵗ) in the root", M.RMSpropBiasCorrected, "optim.RMSprop")),
        notes="The guide (l.420): blue (momentum) zigzags across the ravine, green (RMSprop) does not. "
              "The paths are checked against torch.optim's (float64, rtol 1e-10) before they are measured.",
    ),
)

RECORDS = OPTIMIZERS + SCHEDULES + REGIMES + CLAIMS
