"""What the loss chapter's records share: sections, input strategies, edge banks, bad inputs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from formulary.candidate import reference
from formulary.record import Deviation, ErrorInput, Record, Sample
from formulary.strategies import floats, shapes
from formulary.verdict import expect

GUIDE = "§6 损失函数 (loss functions)"
REGRESSION = "§6.2 回归损失函数 (regression losses)"
CLASSIFICATION = "§6.3 分类损失函数 (classification losses)"
PAIRINGS = "§6.4 神经网络中常用的损失函数 (activation + loss pairings)"

REDUCTIONS = ("none", "mean", "sum")
EACH_REDUCTION = tuple({"reduction": r} for r in REDUCTIONS)


def each_reduction(**options) -> tuple[dict, ...]:
    """The three reductions, each with ``options``."""
    return tuple({**options, "reduction": r} for r in REDUCTIONS)


def stacked(dt, k: int, lo: float, hi: float, shape: st.SearchStrategy[tuple]) -> st.SearchStrategy[np.ndarray]:
    """k arrays of one drawn shape, as one array of shape (k, *shape).

    Drawing the arrays of a sample together, instead of flat-mapping a shape into new
    strategies, keeps hypothesis from building (and analysing) strategies per example.
    """
    return hnp.arrays(np.dtype(dt), shape.map(lambda s: (k, *s)), elements=floats(dt, lo, hi))


def labels(t: np.ndarray) -> np.ndarray:
    """Labels −1 and +1 of the margin losses, from the drawn values' signs."""
    return np.where(t < 0, -1, 1).astype(t.dtype)


def away_from_zero(t: np.ndarray) -> np.ndarray:
    """|y| ≥ 1/8 (MAPE divides by it), keeping the drawn sign."""
    return np.copysign(np.abs(t) + t.dtype.type(0.125), t)


def optional(dt, options) -> st.SearchStrategy[dict]:
    """Keyword options, each sometimes given: a reduction, and ``options`` (a mapping, or dtype -> mapping)."""
    more = options(dt) if callable(options) else (options or {})
    return st.fixed_dictionaries({}, optional={"reduction": st.sampled_from(REDUCTIONS), **more})


def pair_inputs(lo=-10.0, hi=10.0, target=None, options=None, weight=False, max_dims=3):
    """dtype -> samples ``(input, target)`` of one drawn shape, options sometimes given.

    ``target`` maps the second drawn array to the target (default: as drawn); with
    ``weight`` an elementwise weight |w| of the input's shape is sometimes given.
    """
    def inputs(dt):
        arrays = stacked(dt, 3 if weight else 2, lo, hi, shapes(max_dims=max_dims, max_side=4))
        opts = optional(dt, options)

        def make(a, kw, weighted):
            x, t = np.array(a[0]), np.array(a[1])  # arrays even when 0-d (a[0] is then a scalar)
            if weighted:
                # weights below 2⁻²⁰ are drawn as 0: a float32 product w·d² that lands among the subnormals is
                # rounded there by torch (its weighted mean is then off by up to 1/9); impl is exact. That
                # difference is a demonstrated deviation with its own edge (regression.SUBNORMAL_WEIGHT).
                w = np.array(np.abs(a[2]))
                kw = {**kw, "weight": np.where(w < 2.0**-20, np.zeros_like(w), w)}
            return Sample((x, np.array(target(t)) if target else t), kw)
        return st.builds(make, arrays, opts, st.booleans() if weight else st.just(False))
    return inputs


def class_shapes() -> st.SearchStrategy[tuple]:
    """(C), (N, C), (N, C, d1) or (N, C, d1, d2): N ≤ 3, 1 ≤ C ≤ 4, 1 ≤ d ≤ 3."""
    def shape(n, c, spatial, flat):
        return (c,) if flat else (n, c, *spatial)
    return st.builds(shape, st.integers(0, 3), st.integers(1, 4), st.lists(st.integers(1, 3), max_size=2),
                     st.booleans())


def class_inputs(lo=-10.0, hi=10.0, probabilities=False, options=None, weighted=True):
    """dtype -> samples ``(input, target)`` of the multi-class losses, options sometimes given.

    Class-index targets are the argmax of a second drawn array along the classes; where
    its max is in the top tenth of the range the position is marked ignored (−100).
    Probability targets are that array mapped to [0, 1].  With ``weighted`` a class
    weight, the first C of four drawn weights, is sometimes given.
    """
    def inputs(dt):
        arrays = stacked(dt, 2, lo, hi, class_shapes())
        weights = hnp.arrays(np.dtype(dt), 4, elements=floats(dt, 0.0, 2.0))

        def make(a, kw, w, weighted):
            x, source = np.array(a[0]), np.array(a[1])
            dim = 0 if x.ndim == 1 else 1
            if probabilities:
                t = np.array((source - lo) / (hi - lo), dtype=dt)
            else:
                t = np.array(np.argmax(source, axis=dim))
                if kw.get("ignore_index", -100) == -100:
                    t = np.array(np.where(source.max(axis=dim, initial=lo) > lo + 0.9 * (hi - lo), -100, t))
            if weighted:
                kw = {**kw, "weight": w[: x.shape[dim]].copy()}
            return Sample((x, t), kw)
        return st.builds(make, arrays, optional(dt, options), weights, st.booleans() if weighted else st.just(False))
    return inputs


def pair_edges(cases: Callable[[np.dtype], Iterable], kwargs: Iterable[Mapping] = EACH_REDUCTION,
               extra: Callable[[np.dtype], Iterable[Sample]] = lambda dt: ()):
    """dtype -> the edge bank: each ``(input, target, note)`` case under each kwargs.

    A case may carry its own kwargs as a fourth item (merged over each of ``kwargs``),
    and arrays in kwargs (weights) are cast to the dtype under test.
    """
    kwargs = tuple(kwargs)

    def cast(v, dt):
        return np.asarray(v, dt) if isinstance(v, (np.ndarray, list)) else v

    def edges(dt):
        out = []
        for case in cases(dt):
            x, t, note, own = (*case, {}) if len(case) == 3 else case
            for kw in kwargs:
                merged = {k: cast(v, dt) for k, v in {**kw, **own}.items()}
                target = t if np.asarray(t).dtype.kind in "iu" else np.asarray(t, dt)
                out.append(Sample((np.asarray(x, dt), target), merged, note))
        return [*out, *extra(dt)]
    return edges


def empties(dt, target=0.0):
    """Empty and 0-d cases of an elementwise loss."""
    return [
        (np.zeros((0,)), np.full((0,), target), "empty"),
        (np.zeros((2, 0, 3)), np.full((2, 0, 3), target), "empty, 3-d"),
        (np.array(0.75), np.array(target), "0-d"),
    ]


def seeded(shape, lo, hi, seed=0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(lo, hi, shape)


def pair_errors(target=lambda n: np.zeros(n), extra: Iterable[ErrorInput] = (),
                float_target: bool = True) -> tuple[ErrorInput, ...]:
    """The bad inputs every loss of (input, target) rejects, and the loss's own.

    ``float_target``: an integer target is a TypeError (not so for cross_entropy, where it holds class indices).
    """
    integer_target = (ErrorInput(Sample((np.zeros(3), target(3).astype(np.int64)), {}, "integer target"), TypeError,
                                 r"\btarget\b.*float32 or float64"),) if float_target else ()
    return (
        ErrorInput(Sample((np.zeros(3), target(2)), {}, "shapes differ"), ValueError, r"\btarget\b.*\bshape\b"),
        ErrorInput(Sample((np.zeros(3), target(3).astype(np.float32)), {}, "dtypes differ"), TypeError,
                   r"\btarget\b.*\bdtype\b"),
        ErrorInput(Sample((np.arange(3), target(3)), {}, "integer input"), TypeError, r"\binput\b.*float32 or float64"),
        *integer_target,
        ErrorInput(Sample((np.zeros(3), target(3)), {"reduction": "avg"}), ValueError, r"\breduction\b"),
        ErrorInput(Sample((np.zeros(3), np.zeros(3), target(3)), {}, "grad_output of a mean must be 0-d"),
                   ValueError, r"\bgrad_output\b", "backward"),
        ErrorInput(Sample((np.array(1), np.zeros(3), target(3)), {}, "integer grad_output"), TypeError,
                   r"\bgrad_output\b.*float32 or float64", "backward"),
        *extra,
    )


def loss_record(*, id, name, section, equation, mistakes, inputs, edges, errors, reference=None, **fields) -> Record:
    """A comparison record of ``losses.<name>`` and its backward against the reference."""
    return Record(
        id=id, kind="F", section=section, equation=equation,
        candidate=f"losses.{name}", reference=f"losses.{reference or name}", backward=f"losses.{name}_backward",
        inputs=inputs, edges=edges, mistakes=tuple(mistakes), errors=tuple(errors), **fields,
    )


def f32_accumulation(name: str, x, target, what: str) -> Deviation:
    """torch reduces float32 losses in float32: a mean over terms beyond float32's range is inf.

    ``x``, ``target``: an input whose float32 mean is finite although a term (or the
    sum) overflows float32.  The judge of the true mean is torch itself in float64.
    """
    def demonstrate(candidate):


        ref = reference(f"losses.{name}")
        x32, t32 = np.asarray(x, np.float32), np.asarray(target, np.float32)
        theirs = ref(torch.from_numpy(x32), torch.from_numpy(t32)).numpy()
        truth = np.float32(ref(torch.from_numpy(x32.astype(np.float64)),
                               torch.from_numpy(t32.astype(np.float64))).item())
        mine = candidate.get(f"losses.{name}")(x32, t32)
        expect(np.isinf(theirs), f"torch's float32 mean is now {theirs}: drop the deviation")
        expect(np.isfinite(truth) and mine == truth, f"candidate gives {mine}, the float64 mean rounded is {truth}")

    return Deviation(
        f"float32: torch's mean {what} is inf where the mean itself is within float32's range",
        "torch sums float32 terms in float32, and a term or the running sum overflows; impl sums in float64 and "
        "rounds the mean once. The float32 edge bank leaves those inputs out",
        demonstrate)
