"""Schedulers of schedulers: ChainedScheduler (their factors multiply) and SequentialLR (one after another),
nested in each other, judged on scheduled SGD trajectories, their checkpoints and their construction."""

from __future__ import annotations

import copy
import re
import warnings

import numpy as np
import torch

from formulary import compare, tensors
from formulary.catalog._combine import all_of
from formulary.catalog.optim._common import EXACT, RESUME, SECTION, STEPS
from formulary.catalog.optim.schedules import _Groups, inverse_sqrt, state_like_torch
from formulary.catalog.optim.trajectories import _feed, _gradients, _start
from formulary.mistakes import optim as M
from formulary.record import ErrorInput, Mistake, Record, Sample
from formulary.verdict import expect

COMBINATORS = ("ChainedScheduler", "SequentialLR")


def _build(get, opt, spec):
    """A scheduler from its spec: (name, options), or (combinator, [spec, ...], combinator options)."""
    if spec[0] not in COMBINATORS:
        return get(spec[0])(opt, **spec[1])
    kind, inner, options = spec
    schedulers = [_build(get, opt, s) for s in inner]
    return get(kind)(schedulers, **options) if kind == "ChainedScheduler" else get(kind)(opt, schedulers, **options)


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
    return (tuple(np.stack(c) for c in zip(*path)), np.array(lrs)), scheduler


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

    with warnings.catch_warnings():  # a composite's initial step steps those inside before any optimizer step
        warnings.filterwarnings("ignore", r"Detected call of `lr_scheduler.step\(\)` before", UserWarning)
        return _scheduled_sgd(torch.optim.SGD, lambda name: getattr(torch.optim.lr_scheduler, name),
                              [torch.tensor(p) for p in _start(9, np.float64)], feed_step, spec)


def _named(spec) -> str:
    return spec[0] if spec[0] not in COMBINATORS else f"{spec[0]}{[_named(s) for s in spec[1]]}"


def _chains_as_torch(*specs):
    """Property: scheduled SGD trajectories and learning rates as torch's, checkpoint included, and the
    final state_dict torch's (entries, order, values; nested schedulers' within)."""
    def check(candidate):
        for spec in specs:
            (mine, mine_s), (theirs, theirs_s) = _impl_scheduled(candidate, spec), _torch_scheduled(spec)
            try:
                compare.assert_close(mine, theirs, EXACT[np.float64], names=("params", "lr"))
                state_like_torch(mine_s, theirs_s, _named(spec))
            except (compare.Mismatch, AssertionError) as exc:
                raise AssertionError(f"{_named(spec)}: {exc}") from None
            expect(mine_s.optimizer is not None, f"{_named(spec)}: its optimizer is None")
        return {"schedules": len(specs), "final_lr": [float(v) for v in mine[1][-1]]}
    return check


def _raises(error, match: str, build) -> None:
    """``build()`` raises ``error`` with a message matching ``match`` (any other exception propagates)."""
    try:
        build()
    except error as exc:
        expect(re.search(match, str(exc)), f"raised {type(exc).__name__}({exc}), expected to match {match!r}")
    else:
        raise AssertionError(f"expected {error.__name__} matching {match!r}; nothing was raised")


def _rejects_bad_composites(candidate):
    """Schedulers of another optimizer (torch: ValueError), something not a scheduler (torch: TypeError), the
    wrong number of milestones (torch: ValueError) and a bad last_epoch (torch lets it through) raise, naming
    the culprit; and a composite keeps its optimizer."""
    def get(name):
        return candidate.get(f"optim.lr_scheduler.{name}")

    a, b = _Groups((0.1, 0.03)), _Groups((0.1, 0.03))
    chained, sequential = get("ChainedScheduler"), get("SequentialLR")

    def on(opt):
        return get("StepLR")(opt, step_size=3)

    _raises(ValueError, r"^schedulers\[1\] steps another optimizer; ChainedScheduler needs",
            lambda: chained([on(a), on(b)]))
    _raises(ValueError, r"^schedulers\[0\] steps another optimizer; ChainedScheduler needs",
            lambda: chained([on(a)], optimizer=b))
    _raises(TypeError, r"^schedulers\[1\] must be a learning-rate scheduler, got float", lambda: chained([on(a), 0.5]))
    _raises(ValueError, r"^schedulers\[0\] steps another optimizer; SequentialLR needs",
            lambda: sequential(b, [on(a)], []))
    _raises(ValueError, r"^SequentialLR needs at least one scheduler", lambda: sequential(a, [], []))
    _raises(ValueError, r"^milestones has 0 entries", lambda: sequential(a, [on(a), on(a)], []))
    _raises(TypeError, r"^milestones\[\] must be an int", lambda: sequential(a, [on(a), on(a)], [2.5]))
    _raises(ValueError, r"^last_epoch must be at least -1", lambda: sequential(a, [on(a)], [], last_epoch=-2))
    _raises(TypeError, r"^last_epoch must be an int", lambda: sequential(a, [on(a)], [], last_epoch=1.5))
    one = on(a)
    expect(chained([one]).optimizer is a and sequential(a, [one], []).optimizer is a,
           "a composite's optimizer is not the one its schedulers step")


NESTED_SEQUENTIAL = ("SequentialLR", [("LinearLR", {"start_factor": 0.2, "total_iters": 5}),
                                     ("CosineAnnealingLR", {"T_max": 60})], {"milestones": [7]})

COMPOSITES = (
    Record(
        id="opt.lr_schedule/chained", kind="F", section=SECTION,
        equation=r"\eta_t = \eta_0 \prod_k f_k(t)\ \text{(ChainedScheduler: every scheduler steps the same optimizer)}",
        check=_chains_as_torch(
            ("ChainedScheduler",
             [("LinearLR", {"start_factor": 0.1, "total_iters": 10}), ("ExponentialLR", {"gamma": 0.98})], {}),
            ("ChainedScheduler", [("StepLR", {"step_size": 30, "gamma": 0.5}),
                                  ("CosineAnnealingLR", {"T_max": 80, "eta_min": 1e-3})], {}),
            ("ChainedScheduler", [("ExponentialLR", {"gamma": 0.97})], {}),  # a chain of one
            ("ChainedScheduler", [NESTED_SEQUENTIAL, ("ExponentialLR", {"gamma": 0.99})], {})),
        mistakes=(Mistake("last-only", "only the last scheduler is stepped", M.ChainedLastOnly,
                          "optim.lr_scheduler.ChainedScheduler"),
                  Mistake("first-only", "only the first scheduler is stepped", M.ChainedFirstOnly,
                          "optim.lr_scheduler.ChainedScheduler")),
        errors=(ErrorInput(Sample(([],)), ValueError, r"^ChainedScheduler needs at least one scheduler",
                           "optim.lr_scheduler.ChainedScheduler"),),
    ),
    Record(
        id="opt.lr_schedule/sequential", kind="F", section=SECTION,
        equation=r"\eta_t = \text{schedulers}[i](t - m_{i-1}) \text{ for } m_{i-1} \le t < m_i \text{ (SequentialLR: "
                 r"warm-up, then decay)}",
        check=all_of(_rejects_bad_composites, _chains_as_torch(
            ("SequentialLR",
             [("LinearLR", {"start_factor": 0.1, "total_iters": 10}), ("CosineAnnealingLR", {"T_max": 190})],
             {"milestones": [10]}),
            ("SequentialLR", [("LinearLR", {"start_factor": 0.5, "total_iters": 5}), ("ExponentialLR", {"gamma": 0.9}),
                              ("StepLR", {"step_size": 20, "gamma": 0.5}), ("MultiStepLR", {"milestones": [10, 30]}),
                              ("LambdaLR", {"lr_lambda": inverse_sqrt})], {"milestones": [5, 40, 80, 130]}),
            ("SequentialLR", [("ExponentialLR", {"gamma": 0.98})], {"milestones": []}),  # a sequence of one
            ("SequentialLR", [("StepLR", {"step_size": 3, "gamma": 0.5}), ("ExponentialLR", {"gamma": 0.97}),
                              ("CosineAnnealingLR", {"T_max": 50})], {"milestones": [1, 40]}),  # a switch at t = 1
            # composites inside: the initial steps of the schedulers within them undone as well
            ("SequentialLR", [("ChainedScheduler", [("LinearLR", {"start_factor": 0.2, "total_iters": 8}),
                                                    ("ExponentialLR", {"gamma": 0.95})], {}),
                              ("CosineAnnealingLR", {"T_max": 100, "eta_min": 1e-3})], {"milestones": [20]}),
            ("SequentialLR", [NESTED_SEQUENTIAL, ("StepLR", {"step_size": 10, "gamma": 0.5})], {"milestones": [30]}))),
        mistakes=(Mistake("no-restart", "the next scheduler steps on instead of restarting at its epoch 0",
                          M.SequentialNoRestart, "optim.lr_scheduler.SequentialLR"),
                  Mistake("late-switch", "switches one epoch after each milestone", M.SequentialLateSwitch,
                          "optim.lr_scheduler.SequentialLR")),
    ),
)
