"""Learning-rate schedules, judged step by step against torch.optim.lr_scheduler, and their chaining."""

from __future__ import annotations

import copy
import math

import numpy as np
import torch
from hypothesis import strategies as st

from formulary import compare, tensors
from formulary.catalog.optim._common import EXACT, RESUME, SECTION, STEPS
from formulary.catalog.optim.trajectories import _feed, _gradients, _start
from formulary.mistakes import optim as M
from formulary.record import ErrorInput, Mistake, Record, Sample

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


def schedule_record(*, variant, name, equation, options, edges, mistakes, errors=()):
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
        variant="step", name="StepLR", equation=r"\eta_t = \eta_0\,\gamma^{\lfloor t / s \rfloor}",
        options={"step_size": st.sampled_from([1, 7, 30, 64]), "gamma": st.sampled_from([0.1, 0.5, 0.9])},
        edges=[{"step_size": 30, "gamma": 0.5}],
        mistakes=[Mistake("one-epoch-early", "decays at t ≡ −1 (mod step_size)", M.StepLREarly),
         Mistake("ceil", "γ^⌈t/s⌉: the first decay at t = 1", M.StepLRCeil)],
        errors=[({"step_size": 0}, ValueError, r"step_size must be at least 1")],
    ),
    schedule_record(
        variant="multistep", name="MultiStepLR", equation=r"\eta_t = \eta_0\,\gamma^{\#\{i : m_i \le t\}}",
        options={"milestones": st.sampled_from([[], [0], [50, 150], [10, 10, 120], [STEPS - 1]]),
                 "gamma": st.sampled_from([0.1, 0.5])},
        edges=[{"milestones": [30, 30, 80], "gamma": 0.5}],
        mistakes=[Mistake("milestones-as-set", "a milestone listed twice decays once", M.MultiStepLRSetOfMilestones),
         Mistake("one-epoch-late", "decays one epoch after each milestone", M.MultiStepLRLate)],
        errors=[({"milestones": [10.5]}, TypeError, r"milestones\[\] must be an int")],
    ),
    schedule_record(
        variant="exponential", name="ExponentialLR", equation=r"\eta_t = \eta_0\,\gamma^{t}",
        options={"gamma": st.sampled_from([0.5, 0.9, 0.99, 1.0])},
        edges=[{"gamma": 0.95}],
        mistakes=[Mistake("decayed-at-start", "η₀γ^{t+1}: decayed at construction", M.ExponentialLRFromStart),
         Mistake("not-compounded", "η₀γ for every t ≥ 1", M.ExponentialLRNotCompounded)],
        errors=[({"gamma": "0.9"}, TypeError, r"gamma must be a real number")],
    ),
    schedule_record(
        variant="cosine", name="CosineAnnealingLR",
        equation=r"\eta_t = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})\left(1 + \cos\frac{\pi t}{T_{\max}}\right)",
        options={"T_max": st.sampled_from([10, 50, 150, STEPS, 300]), "eta_min": st.sampled_from([0.0, 1e-3])},
        edges=[{"T_max": 30, "eta_min": 0.01}],
        mistakes=[Mistake("clamped-after-T_max", "held at η_min after T_max (torch climbs back along the cosine)",
                          M.CosineClamped),
         Mistake("half-period", "cos(πt/(2T))", M.CosineHalfPeriod),
         Mistake("eta_min-ignored", "anneals to 0 whatever eta_min says", M.CosineEtaMinIgnored)],
        errors=[({"T_max": 0}, ValueError, r"T_max must be at least 1")],
    ),
    schedule_record(
        variant="linear", name="LinearLR", equation=r"\eta_t = \eta_0\left(s + (e - s)\,\frac{\min(t, T)}{T}\right)",
        options={"start_factor": st.sampled_from([0.1, 1 / 3, 0.5]), "end_factor": st.sampled_from([1.0, 0.5]),
         "total_iters": st.sampled_from([5, 50, 150])},
        edges=[{"start_factor": 0.25, "total_iters": 8}],
        mistakes=[Mistake("one-step-late", "the factor reaches s + (e − s)k/T one step late", M.LinearLRLate),
         Mistake("from-zero", "warm-up from 0, start_factor ignored", M.LinearLRFromZero)],
        errors=[({"start_factor": 0.0}, ValueError, r"start_factor must be in \(0, 1\]"),
                ({"end_factor": 1.5}, ValueError, r"end_factor must be in \[0, 1\]")],
    ),
    schedule_record(
        variant="lambda", name="LambdaLR", equation=r"\eta_t = \eta_0\,\lambda(t)",
        options={"lr_lambda": st.sampled_from([warmup_10, halve_every_50, inverse_sqrt, [warmup_10, inverse_sqrt]])},
        edges=[{"lr_lambda": [halve_every_50, warmup_10]}],
        mistakes=[Mistake("multiplicative", "η_t = η_{t−1}λ(t) (MultiplicativeLR)", M.LambdaLRMultiplicative),
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
            ("ChainedScheduler",
             [("LinearLR", {"start_factor": 0.1, "total_iters": 10}), ("ExponentialLR", {"gamma": 0.98})], {}),
            ("ChainedScheduler", [("StepLR", {"step_size": 30, "gamma": 0.5}),
                                  ("CosineAnnealingLR", {"T_max": 80, "eta_min": 1e-3})], {})),
        mistakes=(Mistake("last-only", "only the last scheduler is stepped", M.ChainedLastOnly,
                          "optim.lr_scheduler.ChainedScheduler"),
                  Mistake("first-only", "only the first scheduler is stepped", M.ChainedFirstOnly,
                          "optim.lr_scheduler.ChainedScheduler")),
        errors=(ErrorInput(Sample(([],)), ValueError, r"needs at least one scheduler",
                           "optim.lr_scheduler.ChainedScheduler"),),
    ),
    Record(
        id="opt.lr_schedule/sequential", kind="F", section=SECTION,
        equation=r"\eta_t = \text{schedulers}[i](t - m_{i-1}) \text{ for } m_{i-1} \le t < m_i \text{ (SequentialLR: "
                 r"warm-up, then decay)}",
        check=_chains_as_torch(
            ("SequentialLR",
             [("LinearLR", {"start_factor": 0.1, "total_iters": 10}), ("CosineAnnealingLR", {"T_max": 190})],
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
