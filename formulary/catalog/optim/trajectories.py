"""How an optimizer is run and judged: samples, gradient feeds, checkpoints, torch.optim interop, the record factory."""

from __future__ import annotations

import copy
import inspect
import re

import numpy as np
import torch
from hypothesis import strategies as st

from formulary import compare, tensors
from formulary.catalog.optim._common import EXACT, NAMES, RESUME, SECTION, SHAPES, STEPS
from formulary.record import Deviation, ErrorInput, Record, Sample, Tolerance
from formulary.verdict import expect
from reference.optim import default_dtype

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
    """Open loop ("grads": N(0.3, 1) every step; "constant": 0.7) or closed loop ("quadratic": h ⊙ (θ − c)²/2, with
    h < 0 for a parameter whose group maximizes, so that every closed loop converges)."""
    rng = np.random.default_rng(1000 + seed)
    if kind == "grads":
        return Feed(kind, seed, resume_at=RESUME, grads=[rng.normal(0.3, 1.0, (STEPS, *s)).astype(dt) for s in SHAPES])
    if kind == "constant":  # g = 0.7 every step: moments that converge to g and g², and round onto each other
        return Feed(kind, seed, resume_at=RESUME, grads=[np.full((STEPS, *s), 0.7, dt) for s in SHAPES])
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
        grads = _gradients(feed, params, t)
        fed = [g.copy() for g in grads]
        opt.step(grads)
        # torch never writes p.grad during a step; an optimizer that works in the caller's arrays would
        # corrupt gradients its caller still needs (accumulation, clipping, logging)
        for i, (g, f) in enumerate(zip(grads, fed)):
            np.testing.assert_array_equal(g, f, err_msg=f"step {t} wrote into grads[{i}]", strict=True)
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
           ([np.zeros(3, int), np.zeros((2, 2))], TypeError, r"^grads\[0\] must be a float32 or float64"),
           (np.zeros(3), TypeError, r"^grads must be a list of arrays, one per parameter, got ndarray$")]
    for grads, error, match in bad:
        try:
            opt.step(grads)
        except error as exc:
            expect(re.search(match, str(exc)), f"{cls.__name__}.step({grads!r}) raised {exc!r}, expected {match!r}")
        else:
            raise AssertionError(f"{cls.__name__}.step with mismatched gradients did not raise {error.__name__}")
    _checkpoint_errors(cls, options)


def _raises(error, match: str, call, what: str) -> None:
    try:
        call()
    except error as exc:
        expect(re.search(match, str(exc)), f"{what} raised {exc!r}, expected {match!r}")
    else:
        raise AssertionError(f"{what} did not raise {error.__name__}")


def _checkpoint_errors(cls, options: dict) -> None:
    """A checkpoint of other group sizes, with an unknown option or a state array of another shape raises,
    naming it; a saved checkpoint does not change under later steps (impl copies; torch's aliases its
    tensors); a float64 checkpoint's arrays are cast to float32 parameters' dtype, as torch casts them."""
    def opt(*sizes, shape=(3,), dt=np.float64):
        return cls([{"params": [np.zeros(shape, dt) for _ in range(n)]} for n in sizes], **options)

    name = cls.__name__
    _raises(ValueError, r"^parameter group 0 has 2 parameters, the state_dict 1$",
            lambda: opt(2, 1).load_state_dict(opt(1, 2).state_dict()), f"{name}.load_state_dict of other group sizes")
    bad = opt(1).state_dict()
    bad["param_groups"][0]["lrr"] = 0.1
    _raises(ValueError, rf"^state_dict has option\(s\) \['lrr'\] that {name} does not know$",
            lambda: opt(1).load_state_dict(bad), f"{name}.load_state_dict of an unknown option")
    stepped = opt(1)
    stepped.step([np.full(3, 0.5)])
    saved = stepped.state_dict()
    kept = copy.deepcopy(saved)
    stepped.step([np.full(3, -0.25)])
    compare.assert_close(_plain(saved), _plain(kept), Tolerance(0.0, 0.0), names=(f"{name} checkpoint after a step",))
    arrays = [k for k, v in saved["state"].get(0, {}).items() if np.ndim(v)]
    if arrays:
        _raises(ValueError, rf"^state\[0\]\['{arrays[0]}'\] has shape \(3,\), expected its parameter's shape \(4,\)$",
                lambda: opt(1, shape=(4,)).load_state_dict(saved), f"{name}.load_state_dict of other shapes")
        single = opt(1, dt=np.float32)
        single.load_state_dict(saved)
        dtypes = {k: single.state[0][k].dtype for k in arrays}
        expect(all(d == np.float32 for d in dtypes.values()), f"{name}: float64 state loaded as {dtypes}")


# -- optimizer records ------------------------------------------------------------------------

def _errors(name: str, *specific: tuple | ErrorInput) -> tuple[ErrorInput, ...]:
    """Bad constructor arguments, as torch rejects them (and a few torch lets through); ``specific``:
    ``(options, error, match)`` or an ErrorInput."""
    p = [np.zeros(2)]
    common = (({"lr": -1.0}, ValueError, r"lr must be >= 0"),
              ({"lr": np.array(0.01)}, TypeError, r"lr must be a real number"),  # torch's tensor lr: out of scope
              ({"maximize": 1}, TypeError, r"\bmaximize must be a bool"))
    out = [e if isinstance(e, ErrorInput) else ErrorInput(Sample((p,), e[0]), e[1], e[2]) for e in (*common, *specific)]
    out += [ErrorInput(Sample(([],), {}, "no parameters"), ValueError, r"^params is an empty list"),
            ErrorInput(Sample((np.zeros(2),), {}, "an array, not a list"), TypeError,
                       r"^params must be a list of arrays or of parameter-group dicts, got ndarray$"),
            ErrorInput(Sample(([{"lr": 0.1}],), {}, "a group without params"), TypeError,
                       r"^a parameter group must be a dict with a 'params' list$"),
            ErrorInput(Sample(([{"params": p}, {"params": p}],), {}, "one array in two groups"), ValueError,
                       r"^some parameters appear in more than one parameter group"),
            ErrorInput(Sample(([[1.0, 2.0]],), {}, "a list, not an array"), TypeError,
                       r"^params\[0\] must be a NumPy array \(it is updated in place\), got list$"),
            ErrorInput(Sample(([np.zeros(2, int)],), {}, "integer parameters"), TypeError,
                       r"params\[0\] must be a float32 or float64"),
            ErrorInput(Sample(([{"params": [np.zeros(2)], "lr": -0.1}],), {}, "a group's own lr"), ValueError,
                       r"lr must be >= 0"),
            ErrorInput(Sample(([p[0], p[0]],), {}, "one array twice"), ValueError, r"^some parameters appear in more"),
            ErrorInput(Sample(([{"params": [np.zeros(2)], "lrr": 0.1}],), {}, "a misspelt option"), TypeError,
                       rf"^unknown option\(s\) \['lrr'\] for {name}$"),
            ErrorInput(Sample(([_read_only(2)],), {}, "a read-only array"), ValueError, r"params\[0\] is read-only")]
    return tuple(out)


def _read_only(n: int) -> np.ndarray:
    a = np.zeros(n)
    a.flags.writeable = False
    return a


BETAS_ERRORS = (({"betas": (1.0, 0.999)}, ValueError, r"betas\[0\] must be in \[0, 1\)"),
                ({"betas": (0.9, 0.99, 0.5)}, TypeError, r"^betas must be a pair \(beta1, beta2\)"),
                ({"betas": ("0.9", 0.999)}, TypeError, r"^betas\[0\] must be a real number"),
                ({"betas": (0.9, -0.1)}, ValueError, r"betas\[1\] must be in \[0, 1\)"),
                ({"eps": -1e-8}, ValueError, r"eps must be >= 0"),
                ({"weight_decay": -0.1}, ValueError, r"weight_decay must be >= 0"))


KERNEL_FLAGS = ("foreach", "fused", "capturable", "differentiable")


def _kernel_flags(name: str) -> Deviation:
    """torch.optim's implementation switches: accepted by torch, a TypeError naming them in impl."""
    def demonstrate(candidate):
        cls = getattr(torch.optim, name)
        flags = [f for f in KERNEL_FLAGS if f in inspect.signature(cls).parameters]
        expect(bool(flags), f"torch.optim.{name} no longer takes {KERNEL_FLAGS}: drop the deviation")
        cls([torch.zeros(2)], foreach=False)  # torch takes them; they select a kernel, not a formula
        cls([torch.zeros(2)], lr=torch.tensor(0.01))  # and a tensor lr
        try:
            candidate.get(f"optim.{name}")([np.zeros(2)], lr=np.array(0.01))
        except TypeError as exc:
            expect("lr" in str(exc), f"the TypeError should name lr: {exc}")
        else:
            expect(False, "candidate accepted an array lr; expected a TypeError naming lr (a real number)")
        for flag in flags:
            try:
                candidate.get(f"optim.{name}")([np.zeros(2)], **{flag: False})
            except TypeError as exc:
                expect(flag in str(exc), f"the TypeError should name {flag}: {exc}")
            else:
                expect(False,
                       f"candidate accepted {flag}=False; impl has one implementation and should refuse the switch")
    return Deviation(
        f"torch.optim.{name}'s implementation switches ({', '.join(KERNEL_FLAGS)}: those it has) and a tensor lr are "
        "not taken: a TypeError naming the switch, or lr (a real number)",
        "the switches choose torch's kernel (multi-tensor, fused, CUDA-graph capturable, autograd through the step), "
        "not the update's formula, and impl has one NumPy implementation; a tensor lr exists for those kernels "
        "(capturable, compiled) and an array lr is outside impl's scope",
        demonstrate)


def optimizer_record(*, id, name, equation, rows, edges, mistakes, interop=None, shared=(),
                     errors=(), deviations=(), notes="", check=None, kernel_flags=True):
    """A trajectory record for ``torch.optim.<name>``: rows drawn, ``edges`` = (options, group options, feed).

    ``kernel_flags``: the record carries the deviation of torch's implementation switches (once per class).
    """
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
        mistakes=tuple(mistakes), errors=_errors(name, *errors), notes=notes,
        deviations=tuple(deviations) + ((_kernel_flags(name),) if kernel_flags else ()),
    )
