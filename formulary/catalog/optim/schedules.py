"""Learning-rate schedules, judged step by step against torch.optim.lr_scheduler, and their chaining."""

from __future__ import annotations

import math
import warnings
from types import SimpleNamespace

import numpy as np
import torch
from hypothesis import strategies as st

from formulary import compare
from formulary.catalog._arguments import named_errors
from formulary.catalog._combine import all_of
from formulary.catalog.optim._common import EXACT, SECTION, STEPS
from formulary.mistakes import optim as M
from formulary.record import ErrorInput, Mistake, Record, Sample
from formulary.verdict import expect

# -- learning-rate schedules ----------------------------------------------------------------------

class _Groups:
    """All a schedule touches of an optimizer: its param_groups' learning rates."""

    def __init__(self, lrs, initial=None):
        self.param_groups = [{"lr": lr} for lr in lrs]
        for g, lr in zip(self.param_groups, initial or ()):  # a checkpoint's groups: where the schedule began
            g["initial_lr"] = lr


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
HALF = tuple(lr / 2 for lr in LRS)  # a resumed checkpoint's groups: decayed to half their initial_lr


def _torch_groups(lrs, **extra) -> torch.optim.SGD:
    return torch.optim.SGD([{"params": [torch.zeros(1)], "lr": lr, **{k: v[i] for k, v in extra.items()}}
                            for i, lr in enumerate(lrs)])


def _resumes_like_torch(name: str, options: dict, at: int = 37):
    """Property: built with ``last_epoch`` on groups that hold their ``initial_lr`` (a checkpoint's
    way to resume; the groups' lr already decayed to half of it), the schedule continues as torch's does."""
    def check(candidate):
        mine = candidate.get(f"optim.lr_scheduler.{name}")(_Groups(HALF, LRS), last_epoch=at, **options)
        opt = _torch_groups(HALF, initial_lr=LRS)
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


JUMPS = (3, 0, 7, 29, 30, 31, 61, 80, 81, 150, 1, 45)


def _jumps_like_torch(name: str, options: dict):
    """Property: jumped to epoch t (``_update_lr(t)``, what torch's deprecated ``step(t)`` does and SequentialLR
    does at a milestone, with t = 0) the schedule takes its closed form's value at t, as torch's does; then it
    steps on from there; and ``get_lr()`` called outside a step (torch's public method, which warns) answers as
    torch's, fresh and resumed at epoch 0 with the groups' lr apart from their initial_lr."""
    def check(candidate):
        cls, ref = candidate.get(f"optim.lr_scheduler.{name}"), getattr(torch.optim.lr_scheduler, name)
        mine, opt = cls(_Groups(LRS), **options), _torch_groups(LRS)
        theirs = ref(opt, **options)
        paths = [], []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # step(epoch) and get_lr() outside step are deprecated
            for t in (*JUMPS, None, None, None):
                opt.step()
                mine.step() if t is None else mine._update_lr(t)
                theirs.step(t)
                paths[0].append(mine.get_last_lr())
                paths[1].append(theirs.get_last_lr())
            paths[0].append(cls(_Groups(LRS), **options).get_lr())
            paths[1].append(ref(_torch_groups(LRS), **options).get_lr())
            paths[0].append(cls(_Groups(HALF, LRS), last_epoch=0, **options).get_lr())
            paths[1].append(ref(_torch_groups(HALF, initial_lr=LRS), last_epoch=0, **options).get_lr())
        compare.assert_close(np.array(paths[0]), np.array(paths[1]), EXACT[np.float64],
                             names=("jumped to epochs " + ", ".join(map(str, JUMPS)) + ", 3 steps on, get_lr()",))
        return {"jumped_to_epochs": list(JUMPS)}
    return check


TORCH_ONLY = ("_get_lr_called_within_step",)


def saved(state: dict) -> dict:
    """A scheduler's state_dict without torch's own bookkeeping, and without torch's ``lr_lambdas`` when it
    saved nothing of them (plain functions: ``None`` each), nested checkpoints likewise."""
    out = {k: v for k, v in state.items() if k not in TORCH_ONLY
           and not (k == "lr_lambdas" and all(f is None for f in v))}
    if "_schedulers" in out:
        out["_schedulers"] = [saved(s) for s in out["_schedulers"]]
    return out


def state_like_torch(mine, theirs, what: str) -> None:
    """impl's checkpoint holds torch's entries, in torch's order, with torch's values."""
    a, b = saved(mine.state_dict()), saved(theirs.state_dict())

    def keys(state):
        return [(k, [keys(s) for s in v] if k == "_schedulers" else None) for k in state for v in [state[k]]]

    expect(keys(a) == keys(b), f"{what}: state_dict entries {keys(a)}, torch's {keys(b)}")
    compare.assert_close(a, b, EXACT[np.float64], names=(f"{what} state_dict",))


def _checkpoint_like_torch(name: str, options: dict):
    """Property: after 7 steps the scheduler's state_dict is torch's (the entries, their order, their values)."""
    def check(candidate):
        mine, opt = candidate.get(f"optim.lr_scheduler.{name}")(_Groups(LRS), **options), _torch_groups(LRS)
        theirs = getattr(torch.optim.lr_scheduler, name)(opt, **options)
        for _ in range(7):
            opt.step()
            mine.step()
            theirs.step()
        state_like_torch(mine, theirs, name)
    return check


def schedule_record(*, variant, name, equation, options, edges, mistakes, errors=(), named=()):
    """A record for ``lr_scheduler.<name>``: 200 steps on two groups, the options drawn from ``options``.

    ``named``: ``(argument, bad value[, error])``, each raising an error that names the argument.
    """
    return Record(
        id=f"opt.lr_schedule/{variant}", kind="F", section=SECTION, equation=equation,
        candidate=f"optim.lr_scheduler.{name}", reference=f"optim.{name}", run=_schedule,
        inputs=lambda dt: st.builds(lambda kw: Sample((LRS, STEPS), kw), st.fixed_dictionaries(options)),
        edges=lambda dt: [Sample((LRS, STEPS), kw, "edge") for kw in edges],
        dtypes=(np.float64,), tolerances=EXACT, mistakes=tuple(mistakes),
        check=all_of(_resumes_like_torch(name, edges[0]), _jumps_like_torch(name, edges[0]),
                   _checkpoint_like_torch(name, edges[0])),
        errors=(ErrorInput(Sample(([0.1],), edges[0], "a list, not an optimizer"), TypeError,
                           r"^optimizer must be an optimizer with param_groups holding 'lr', got list$"),
                ErrorInput(Sample((SimpleNamespace(param_groups=[{"momentum": 0.9}]),), edges[0], "a group without lr"),
                           TypeError, r"^optimizer must be an optimizer with param_groups holding 'lr', got "
                                      r"SimpleNamespace$"),
                ErrorInput(Sample((_Groups(LRS),), {**edges[0], "last_epoch": 3}, "resumed without initial_lr"),
                           ValueError,
                           r"^last_epoch >= 0 resumes a schedule: every param group needs its 'initial_lr'$"),
                ErrorInput(Sample((_Groups(LRS, LRS),), {**edges[0], "last_epoch": -2}, "last_epoch below -1"),
                           ValueError, r"^last_epoch must be at least -1, got -2$"),
                *(ErrorInput(Sample((_Groups([0.1]),), kw), err, match) for kw, err, match in errors),
                *named_errors(("optimizer",), (_Groups(LRS),), edges[0],
                              [("last_epoch", 1.5, TypeError), *named])),
    )


SCHEDULES = (
    schedule_record(
        variant="step", name="StepLR", equation=r"\eta_t = \eta_0\,\gamma^{\lfloor t / s \rfloor}",
        options={"step_size": st.sampled_from([1, 7, 30, 64]), "gamma": st.sampled_from([0.1, 0.5, 0.9])},
        edges=[{"step_size": 30, "gamma": 0.5}, {"step_size": 7}],
        mistakes=[Mistake("one-epoch-early", "decays at t ≡ −1 (mod step_size)", M.StepLREarly),
         Mistake("ceil", "γ^⌈t/s⌉: the first decay at t = 1", M.StepLRCeil)],
        errors=[({"step_size": 0}, ValueError, r"step_size must be at least 1")],
        named=[("step_size", 0), ("step_size", 2.5, TypeError), ("gamma", "0.5", TypeError)],
    ),
    schedule_record(
        variant="multistep", name="MultiStepLR", equation=r"\eta_t = \eta_0\,\gamma^{\#\{i : m_i \le t\}}",
        options={"milestones": st.sampled_from([[], [0], [50, 150], [10, 10, 120], [STEPS - 1]]),
                 "gamma": st.sampled_from([0.1, 0.5])},
        edges=[{"milestones": [30, 30, 80], "gamma": 0.5}, {"milestones": [5, 60]}],
        mistakes=[Mistake("milestones-as-set", "a milestone listed twice decays once", M.MultiStepLRSetOfMilestones),
         Mistake("one-epoch-late", "decays one epoch after each milestone", M.MultiStepLRLate)],
        errors=[({"milestones": [10.5]}, TypeError, r"milestones\[\] must be an int")],
        named=[("gamma", "0.5", TypeError)],
    ),
    schedule_record(
        variant="exponential", name="ExponentialLR", equation=r"\eta_t = \eta_0\,\gamma^{t}",
        options={"gamma": st.sampled_from([0.5, 0.9, 0.99, 1.0])},
        edges=[{"gamma": 0.95}],
        mistakes=[Mistake("decayed-at-start", "η₀γ^{t+1}: decayed at construction", M.ExponentialLRFromStart),
         Mistake("not-compounded", "η₀γ for every t ≥ 1", M.ExponentialLRNotCompounded)],
        errors=[({"gamma": "0.9"}, TypeError, r"gamma must be a real number")],
        named=[("gamma", "0.9", TypeError)],
    ),
    schedule_record(
        variant="cosine", name="CosineAnnealingLR",
        equation=r"\eta_t = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})\left(1 + \cos\frac{\pi t}{T_{\max}}\right)",
        options={"T_max": st.sampled_from([10, 50, 150, STEPS, 300]), "eta_min": st.sampled_from([0.0, 1e-3])},
        edges=[{"T_max": 30, "eta_min": 0.01}, {"T_max": 40}],
        mistakes=[Mistake("clamped-after-T_max", "held at η_min after T_max (torch climbs back along the cosine)",
                          M.CosineClamped),
         Mistake("half-period", "cos(πt/(2T))", M.CosineHalfPeriod),
         Mistake("eta_min-ignored", "anneals to 0 whatever eta_min says", M.CosineEtaMinIgnored)],
        errors=[({"T_max": 0}, ValueError, r"T_max must be at least 1")],
        named=[("T_max", 0), ("T_max", 2.5, TypeError), ("eta_min", "0", TypeError)],
    ),
    schedule_record(
        variant="linear", name="LinearLR", equation=r"\eta_t = \eta_0\left(s + (e - s)\,\frac{\min(t, T)}{T}\right)",
        options={"start_factor": st.sampled_from([0.1, 1 / 3, 0.5]), "end_factor": st.sampled_from([1.0, 0.5]),
         "total_iters": st.sampled_from([5, 50, 150])},
        edges=[{"start_factor": 0.25, "total_iters": 8}, {},
               {"start_factor": 1.0, "end_factor": 0.0, "total_iters": 10}, {"start_factor": 0.5, "total_iters": 1}],
        mistakes=[Mistake("one-step-late", "the factor reaches s + (e − s)k/T one step late", M.LinearLRLate),
         Mistake("from-zero", "warm-up from 0, start_factor ignored", M.LinearLRFromZero)],
        errors=[({"start_factor": 0.0}, ValueError, r"start_factor must be in \(0, 1\]"),
                ({"end_factor": 1.5}, ValueError, r"end_factor must be in \[0, 1\]")],
        named=[("start_factor", "0.5", TypeError), ("start_factor", 1.5), ("start_factor", 0.0),
               ("end_factor", "1", TypeError), ("end_factor", -0.5), ("end_factor", 1.5), ("total_iters", 0),
               ("total_iters", 2.0, TypeError)],
    ),
    schedule_record(
        variant="lambda", name="LambdaLR", equation=r"\eta_t = \eta_0\,\lambda(t)",
        options={"lr_lambda": st.sampled_from([warmup_10, halve_every_50, inverse_sqrt, [warmup_10, inverse_sqrt]])},
        edges=[{"lr_lambda": [halve_every_50, warmup_10]}],
        mistakes=[Mistake("multiplicative", "η_t = η_{t−1}λ(t) (MultiplicativeLR)", M.LambdaLRMultiplicative),
         Mistake("next-epoch", "η₀λ(t + 1)", M.LambdaLRNextEpoch)],
        errors=[({"lr_lambda": [warmup_10, warmup_10]}, ValueError, r"lr_lambda has 2 functions"),
                ({"lr_lambda": 0.5}, TypeError, r"lr_lambda must be a function")],
        named=[("lr_lambda", 0.5, TypeError), ("lr_lambda", [warmup_10])],
    ),
)
