"""The guide's procedure (§3.3): train / validation / test, the test set scored once."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import strategies as st
from torch.utils.data import random_split

from formulary.catalog.search._shared import SECTION, dims
from formulary.mistakes import search as M
from formulary.record import Deviation, ErrorInput, Mistake, Record, Sample
from formulary.strategies import samples
from formulary.verdict import expect


def _synthetic(n=240, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, (n, 2))
    return x, (np.sin(x[:, 0]) * np.cos(x[:, 1]))[:, None] + 0.05 * rng.standard_normal((n, 1))


def _split_check(candidate):
    random_split, split_lengths = candidate.get("search.random_split"), candidate.get("search.split_lengths")
    for n, lengths in ((240, [0.6, 0.2, 0.2]), (11, [0.6, 0.2, 0.2]), (10, [3, 7]), (7, [0.5, 0.5]), (0, [0.5, 0.5])):
        parts = random_split(n, lengths, seed=0)
        expect([len(p) for p in parts] == split_lengths(n, lengths),
               f"n={n}, {lengths}: part sizes {[len(p) for p in parts]}")
        joined = np.concatenate(parts)
        expect(len(joined) == n and np.array_equal(np.sort(joined), np.arange(n)),
               f"n={n}: the parts are not a partition of range(n)")
    a, b, c = (random_split(240, [0.6, 0.2, 0.2], seed=s) for s in (0, 0, 1))
    expect(all(np.array_equal(p, q) for p, q in zip(a, b)), "the same seed gave different splits")
    expect(not np.array_equal(a[0], c[0]), "different seeds gave the same split")
    expect(all(np.array_equal(p, q) for p, q in zip(random_split(240, [0.6, 0.2, 0.2]), a)),
           "random_split's default seed is not 0")

    # the procedure, end to end: tune an MLP's learning rate and width; the test set scored once, last
    init, train_mlp, forward = (candidate.get(f"basics.{n}") for n in ("init_mlp", "mlp_train", "mlp_forward"))
    Choice, _, LogUniform = dims(candidate)
    x, y = _synthetic()
    train, validation, test = ((x[i], y[i]) for i in a)
    log = []

    def name(data):
        return next(k for k, v in (("train", train), ("validation", validation), ("test", test)) if v is data)

    def fit(data, params):
        log.append(("fit", name(data)))
        ws, bs = init([2, params["width"], 1], seed=0)
        return train_mlp(data[0], data[1], ws, bs, lr=params["lr"], epochs=200)[:2]

    def score(model, data):
        log.append(("score", name(data)))
        with np.errstate(over="ignore", invalid="ignore"):  # a diverged model scores NaN
            err = forward(data[0], *model) - data[1]
            return float(np.mean(err * err))

    space = {"lr": LogUniform(1e-2, 3.0), "width": Choice((2, 8, 16))}
    out = candidate.get("search.holdout_search")(candidate.get("search.random_search"), space, fit, score,
                                                 train, validation, test, n_trials=8, seed=0)
    expect(all(data == "train" for what, data in log if what == "fit"),
           f"a model was fitted on {set(d for w, d in log if w == 'fit')}")
    scored = [data for what, data in log if what == "score"]
    expect(scored.count("test") == 1 and scored[-1] == "test",
           f"the test set was scored {scored.count('test')} times, last: {scored[-1]}")
    expect(scored[:-1] == ["validation"] * len(out.search.trials), "every trial must be scored on the validation set")
    expect(len(out.search.trials) == 8, f"{len(out.search.trials)} trials: the search options (n_trials=8) were not "
                                        "passed on")
    values = out.search.values
    expect(out.params == out.search.trials[int(np.nanargmin(values))].params,
           "the hyperparameters chosen are not the best on validation")
    refit = score(fit(train, out.params), test)
    expect(out.test_score == refit, f"reported test score {out.test_score} differs from the chosen model's {refit}")
    expect(out.test_score < 0.2 * np.var(test[1]),
           f"test MSE {out.test_score:.3g} against variance {np.var(test[1]):.3g}: nothing learnt")
    _all_diverged(candidate)
    return {"chosen": out.params, "validation MSE": float(f"{np.nanmin(values):.3g}"),
            "test MSE": float(f"{out.test_score:.3g}"),
            "diverged trials (NaN)": int(np.isnan(values).sum()), "test variance": float(f"{np.var(test[1]):.3g}")}


def _guide_selects_on_test(candidate):
    """Line 292's reading -- hyperparameters chosen by their test score -- reports a test score that is
    optimistic: among 20 equally good models (true score 1, measured with noise 0.1 on each set), the
    honest procedure's test score averages 1, the guide's the best of 20 noisy draws (about 0.81)."""
    holdout, grid = candidate.get("search.holdout_search"), candidate.get("search.grid_search")
    Choice, _, _ = dims(candidate)
    space = {"model": Choice(tuple(range(20)))}
    honest, guide = [], []
    for rep in range(30):
        def score(model, data, rep=rep):
            return 1.0 + 0.1 * np.random.default_rng([rep, model, data]).standard_normal()

        def fit(data, params):
            return params["model"]

        honest.append(holdout(grid, space, fit, score, 0, 1, 2).test_score)
        guide.append(M.holdout_search_selects_on_test(grid, space, fit, score, 0, 1, 2).test_score)
    expect(abs(np.mean(honest) - 1.0) < 0.06, f"the honest test score averages {np.mean(honest):.3f}, not 1")
    expect(np.mean(guide) < 0.9, f"selecting on the test set averages {np.mean(guide):.3f}: no optimism shown")


def _all_diverged(candidate):
    """Every validation score NaN: no hyperparameters to test, said as such."""
    Choice, _, _ = dims(candidate)
    holdout, grid = candidate.get("search.holdout_search"), candidate.get("search.grid_search")
    try:
        holdout(grid, {"model": Choice((1, 2))}, lambda data, params: 0, lambda model, data: float("nan"), 0, 1, 2)
    except ValueError as exc:
        expect(re.match(r"every trial's validation score was non-finite", str(exc)), f"ValueError({exc})")
    else:
        raise AssertionError("every validation score NaN: expected a ValueError, nothing was raised")


def _split_lengths_inputs(dt):
    fractions = st.lists(st.integers(0, 10), min_size=1, max_size=4).filter(lambda w: sum(w) > 0).map(
        lambda w: [v / sum(w) for v in w]).filter(lambda f: sum(f) <= 1)  # torch's own test: see the deviation
    return st.integers(0, 60).flatmap(lambda n: st.one_of(
        samples(st.just(n), fractions),
        st.lists(st.integers(0, n), min_size=1,
                 max_size=3).filter(lambda v: sum(v) <= n).map(lambda v: [*v, n - sum(v)])
        .flatmap(lambda v: samples(st.just(n), st.just(v)))))


def _torch_rejects_fractions_over_one(candidate):
    fractions = [0.34, 0.56, 0.1]  # sum() = 1.0000000000000002, fsum() = 1.0
    try:
        random_split(range(100), fractions)
    except ValueError:
        pass
    else:
        raise AssertionError("torch now accepts [0.34, 0.56, 0.1]: drop the deviation")
    sizes = candidate.get("search.split_lengths")(100, fractions)
    expect(sizes == [34, 56, 10], f"candidate gives {sizes}")


RECORDS = (
    Record(
        id="hp.split",
        kind="A",
        section=SECTION,
        equation=r"\hat\lambda = \arg\min_\lambda S(\hat\theta_\lambda, D_{val}),\ \hat\theta_\lambda \text{ fit on } "
                 r"D_{train},\ "
                 r"\text{report } S(\hat\theta_{\hat\lambda}, D_{test}) \text{ once}",
        check=_split_check,
        mistakes=(
            Mistake("overlapping-parts", "each part drawn on its own", M.random_split_overlapping,
                    "search.random_split"),
            Mistake("split-seed-ignored", "the seed ignored", M.random_split_seed_ignored, "search.random_split"),
            Mistake("selects-on-test", "hyperparameters chosen by their test score", M.holdout_search_selects_on_test,
                    "search.holdout_search"),
            Mistake("reports-validation", "the best validation score reported as final",
                    M.holdout_search_reports_validation,
                    "search.holdout_search"),
            Mistake("peeks-every-trial", "a test score computed for every trial", M.holdout_search_peeks_every_trial,
                    "search.holdout_search"),
        ),
        errors=(
            ErrorInput(Sample((10, [0.5, 0.6])), ValueError, r"lengths .* summing to 1", "search.random_split"),
            ErrorInput(Sample((10, [3, 6])), ValueError, r"sum to the 10 samples", "search.random_split"),
            ErrorInput(Sample((-1, [1.0])), TypeError, r"\bn must be", "search.random_split"),
            ErrorInput(Sample((2.5, [1.0])), TypeError, r"\bn must be", "search.random_split"),
            ErrorInput(Sample((True, [1.0])), TypeError, r"\bn must be", "search.random_split"),
            ErrorInput(Sample((10, "0.5")), TypeError, r"\blengths must be a non-empty list", "search.random_split"),
            ErrorInput(Sample((10, [])), TypeError, r"\blengths must be a non-empty list", "search.random_split"),
            ErrorInput(Sample((1, [True, False])), TypeError, r"\blengths must hold ints or fractions",
                       "search.random_split"),
            ErrorInput(Sample((10, [1.0000000001, 0.0])), ValueError, r"fractions in \[0, 1\]", "search.random_split"),
        ),
        deviations=(Deviation(
            "line 292: hyperparameters are decided by 'training different models and choosing the better test value' "
            "(选择更好的测试值来决定), Wikipedia's 'choosing the values that test better': the test is a trial, which "
            "the "
            "guide's own procedure (lines 316–319) runs on the validation set, keeping the test set for the end",
            "read so, the line is right (a wording, not an error); read as selection on the test set it would be "
            "wrong, "
            "and the check shows why: choosing on the test set makes the reported score optimistic (20 equally good "
            "models: about 0.81 instead of 1)", _guide_selects_on_test, source="guide convention"),),
        notes="The MLP (basics.mlp_train, 200 epochs) is tuned by random search over lr ∈ [0.01, 3] (log scale) and "
              "width ∈ {2, 8, 16}; large rates diverge, which the search records as NaN and passes over.",
    ),
    Record(
        id="hp.split/lengths",
        kind="A",
        section=SECTION,
        equation=r"n_i = \lfloor n f_i \rfloor + [i < r],\ r = n - \textstyle\sum_j \lfloor n f_j \rfloor",
        candidate="search.split_lengths",
        reference="search.split_lengths",
        inputs=_split_lengths_inputs,
        edges=lambda dt: [Sample((11, [0.6, 0.2, 0.2])), Sample((10, [0.34, 0.33, 0.33])),
                          Sample((3, [0.25, 0.25, 0.25, 0.25])), Sample((10, [0.0, 0.7, 0.3]), {}, "an empty part"),
                          Sample((100, [0.34, 0.56, 0.1]), {}, "torch rejects it (see the deviation)",
                                 expected=[34, 56, 10])],
        dtypes=(np.float64,),
        mistakes=(
            Mistake("remainder-to-last", "the remainder all given to the last part", M.split_lengths_remainder_last),
            Mistake("rounded", "round(n·f), the rest to the last part", M.split_lengths_rounded),
        ),
        deviations=(Deviation(
            "torch.utils.data.random_split(range(100), [0.34, 0.56, 0.1]) raises; impl splits 34/56/10",
            "torch tests sum(lengths) <= 1 in floating point, and 0.34 + 0.56 + 0.1 rounds to 1.0000000000000002; "
            "impl sums the fractions exactly (math.fsum) before the same isclose test",
            _torch_rejects_fractions_over_one),),
        notes="Drawn fractions are kept where torch's own floating-point sum is at most 1; the deviation covers the "
              "rest.",
    ),
)
