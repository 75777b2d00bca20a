"""Grid search and random search (guide §3.2, methods 2 and 3)."""

from __future__ import annotations

import math

import numpy as np

from formulary.catalog.search._shared import SECTION, bowl, check_nonfinite, dims, flaky, raises, same_trials
from formulary.mistakes import search as M
from formulary.record import ErrorInput, Mistake, Record, Sample
from formulary.verdict import expect


def _grid_check(candidate):
    Choice, Uniform, LogUniform = dims(candidate)
    grid_search = candidate.get("search.grid_search")
    space = {"lr": LogUniform(1e-4, 1e-1), "momentum": Uniform(0.0, 0.9), "act": Choice(("relu", "tanh", "gelu"))}
    objective = flaky(lambda p: math.log10(p["lr"]) + p["momentum"] + len(p["act"]))
    result = grid_search(objective, space, points=4)
    axes = {"lr": np.geomspace(1e-4, 1e-1, 4), "momentum": np.linspace(0.0, 0.9, 4)}
    expected = [(lr, m, a) for lr in axes["lr"] for m in axes["momentum"] for a in ("relu", "tanh", "gelu")]
    hits = np.zeros(len(expected), int)
    for t in result.trials:
        match = [i for i, (lr, m, a) in enumerate(expected)
                 if math.isclose(t.params["lr"], lr, rel_tol=1e-12)
                     and math.isclose(t.params["momentum"], m, abs_tol=1e-12)
                 and t.params["act"] == a]
        expect(match, f"trial {t.params} is not a point of the grid")
        hits[match] += 1
    expect((hits == 1).all(), f"{int((hits == 0).sum())} grid points never evaluated, "
                               f"{int((hits > 1).sum())} evaluated more than once (of {len(expected)})")
    expect(len(result.trials) == len(expected), f"{len(result.trials)} trials for a grid of {len(expected)}")
    check_nonfinite(result, objective)
    roles = sorted({t.role for t in result.trials})
    expect(roles == ["grid"], f"roles {roles}, expected 'grid'")
    raises(ValueError, r"\bpoints\b", lambda: grid_search(bowl, space, points=0))
    one = grid_search(lambda p: p["x"], {"x": Uniform(2.0, 3.0)}, points=1)
    expect([t.params for t in one.trials] == [{"x": 2.0}], f"a one-point grid of [2, 3] should be low: {one.trials}")
    five = [t.params["x"] for t in grid_search(lambda p: p["x"], {"x": Uniform(2.0, 3.0)}).trials]
    expect(five == [2.0, 2.25, 2.5, 2.75, 3.0], f"the default grid (points=5) of [2, 3] is {five}")
    _choice_check(Choice)
    _log_ends(grid_search, LogUniform)
    _range_check(grid_search, Uniform)
    return {"grid points": len(expected), "each evaluated once": True}


def _choice_check(Choice):
    """A Choice keeps its values as a tuple (hashable, like the frozen dataclass it is) and maps the whole unit
    interval onto them, u = 1 included: values[min(⌊uk⌋, k − 1)]."""
    c = Choice(["relu", "tanh", "gelu"])
    expect(c.values == ("relu", "tanh", "gelu"), f"Choice(list).values is {c.values!r}, expected a tuple")
    expect(hash(c) == hash(Choice(("relu", "tanh", "gelu"))), "Choice(list) and Choice(tuple) hash differently")
    got = c.decode(np.array([0.0, 1 / 3, 0.5, 0.999, 1.0]))
    expect(got == ["relu", "tanh", "tanh", "gelu", "gelu"], f"Choice.decode at u = 0, 1/3, 0.5, 0.999, 1 gave {got}")


def _log_ends(grid_search, LogUniform):
    """A LogUniform's ends exactly: u = 1 is high itself (1e-5·(1/1e-5) rounds below 1), and no u < 1 decodes above
    high (0.3·(0.7/0.3)^u rounds above 0.7 next to u = 1)."""
    ends = [t.params["lr"] for t in grid_search(lambda p: p["lr"], {"lr": LogUniform(1e-5, 1.0)}, points=3).trials]
    expect(ends[0] == 1e-5 and ends[-1] == 1.0, f"the grid of LogUniform(1e-5, 1) ends at {ends[0]!r}, {ends[-1]!r}")
    top = LogUniform(0.3, 0.7).decode(np.array([np.nextafter(1.0, 0.0), 1.0]))
    expect((top <= 0.7).all() and top[1] == 0.7, f"LogUniform(0.3, 0.7) decodes u = 1 − 2⁻⁵³ and 1 to {top!r}")


def _range_check(grid_search, Uniform):
    """A Uniform holds floats and decodes u = 1 to high itself (0.2 + (0.9 − 0.2) rounds below 0.9); parameters
    are plain Python floats; an objective's non-number is named."""
    r = Uniform(0, 2)
    expect(type(r.low) is float and type(r.high) is float, f"Uniform(0, 2) holds {r.low!r}, {r.high!r}: not floats")
    grid = grid_search(lambda p: p["x"], {"x": Uniform(0.2, 0.9)}, points=2)
    ends = [t.params["x"] for t in grid.trials]
    expect(ends == [0.2, 0.9] and all(type(v) is float for v in ends), f"the grid of [0.2, 0.9] is {ends!r}")
    raises(TypeError, r"^objective must return a real number, got list",
           lambda: grid_search(lambda p: [p["x"]], {"x": Uniform(0.0, 1.0)}, points=1))


def _ks_uniform(u: np.ndarray) -> float:
    """Kolmogorov-Smirnov distance between the sample ``u`` and U[0, 1]."""
    u = np.sort(u)
    n = len(u)
    return float(max(np.max(np.arange(1, n + 1) / n - u), np.max(u - np.arange(n) / n)))


def _random_check(candidate):
    Choice, Uniform, LogUniform = dims(candidate)
    random_search = candidate.get("search.random_search")
    space = {"lr": LogUniform(1e-5, 1.0), "dropout": Uniform(0.0, 0.5), "act": Choice(("relu", "tanh", "gelu"))}
    n = 300
    objective = flaky(lambda p: p["dropout"] - math.log(p["lr"]))
    result = random_search(objective, space, n_trials=n, seed=7)
    expect(len(result.trials) == n, f"{len(result.trials)} trials, asked for {n}")
    check_nonfinite(result, objective)
    lr = np.array([t.params["lr"] for t in result.trials])
    drop = np.array([t.params["dropout"] for t in result.trials])
    expect(((lr >= 1e-5) & (lr <= 1.0)).all() and ((drop >= 0) & (drop <= 0.5)).all(), "a sample outside the bounds")
    critical = 1.63 / math.sqrt(n)  # Kolmogorov-Smirnov at the 1% level
    ks = {"lr (log scale)": _ks_uniform(np.log(lr / 1e-5) / math.log(1e5)), "dropout": _ks_uniform(drop / 0.5)}
    for name, d in ks.items():
        expect(d < critical, f"{name}: KS distance {d:.3f} to the uniform law exceeds {critical:.3f}")
    counts = {a: sum(t.params["act"] == a for t in result.trials) for a in ("relu", "tanh", "gelu")}
    spread = 4 * math.sqrt(n * (1 / 3) * (2 / 3))
    expect(all(abs(c - n / 3) <= spread for c in counts.values()), f"Choice counts {counts} are not uniform")
    again = random_search(flaky(lambda p: p["dropout"] - math.log(p["lr"])), space, n_trials=n, seed=7)
    other = random_search(objective, space, n_trials=n, seed=8)
    expect(same_trials(result, again), "the same seed gave different trials")
    expect(not same_trials(result, other), "different seeds gave the same trials")
    raises(ValueError, r"\bn_trials\b", lambda: random_search(bowl, space, n_trials=0))
    roles = sorted({t.role for t in result.trials})
    expect(roles == ["random"], f"roles {roles}, expected 'random'")
    default, seed0 = (random_search(lambda p: p["dropout"], space, **kw) for kw in ({}, {"n_trials": 20, "seed": 0}))
    expect(same_trials(default, seed0), f"the defaults are not n_trials=20, seed=0: {len(default.trials)} trials")
    return {"KS distance": {k: round(v, 4) for k, v in ks.items()}, "critical 1%": round(critical, 4),
            "choice counts": counts}


SPACE_ERRORS = (
    ErrorInput(Sample((bowl, {})), ValueError, r"^space is empty", "search.grid_search"),
    ErrorInput(Sample((bowl, [("lr", 1)])), TypeError, r"space must be a dict .*, got list", "search.grid_search"),
    ErrorInput(Sample((bowl, {"lr": (1e-4, 1.0)})), TypeError, r"space\['lr'\] must be .*, got tuple",
               "search.random_search"),
    ErrorInput(Sample((1.0, 0.0)), ValueError, r"low must be below high", "search.Uniform"),
    ErrorInput(Sample((1.0, 1.0)), ValueError, r"low must be below high", "search.Uniform"),
    ErrorInput(Sample((True, 2.0)), ValueError, r"\blow must be a finite real", "search.Uniform"),
    ErrorInput(Sample((0.0, 1.0)), ValueError, r"low must be positive", "search.LogUniform"),
    ErrorInput(Sample((1.0, math.inf)), ValueError, r"high must be a finite", "search.Uniform"),
    ErrorInput(Sample(((),)), ValueError, r"\bvalues must not be empty", "search.Choice"),
    ErrorInput(Sample(("relu",)), TypeError, r"\bvalues must be a sequence, got str", "search.Choice"),
    ErrorInput(Sample((5,)), TypeError, r"\bvalues must be a sequence, got int", "search.Choice"),
)


RECORDS = (
    Record(
        id="hp.grid",
        kind="A",
        section=SECTION,
        equation=r"\mathcal G = V_1 \times \cdots \times V_d,\ \text{each point evaluated once}",
        check=_grid_check,
        mistakes=(
            Mistake("endpoint-dropped", "linspace(low, high, n, endpoint=False)", M.grid_search_endpoint_dropped,
                    "search.grid_search"),
            Mistake("log-as-linear", "a log range gridded linearly", M.grid_search_log_as_linear, "search.grid_search"),
            Mistake("diagonal-only", "zip instead of product", M.grid_search_diagonal, "search.grid_search"),
        ),
        errors=SPACE_ERRORS,
    ),
    Record(
        id="hp.random",
        kind="A",
        section=SECTION,
        equation=r"u \sim \mathcal U[0,1)^d,\ x = \text{low} + u(\text{high} - \text{low})\ \text{or}\ \log x \sim "
                 r"\mathcal U[\log \text{low}, \log \text{high})",
        check=_random_check,
        mistakes=(
            Mistake("log-scale-ignored", "a LogUniform sampled uniformly", M.random_search_log_ignored,
                    "search.random_search"),
            Mistake("seed-ignored", "a fresh generator at each call", M.random_search_seed_ignored,
                    "search.random_search"),
            Mistake("last-choice-never", "rng.integers(0, k − 1)", M.random_search_last_choice_never,
                    "search.random_search"),
        ),
        errors=(ErrorInput(Sample((bowl, {})), ValueError, r"space is empty", "search.random_search"),),
    ),
)
