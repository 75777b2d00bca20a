"""Known mistakes of BOBYQA and of the MITIE procedure built on it.

The whole-algorithm mistakes run impl's own BOBYQA with one of its public parts swapped
for a wrong one (``unittest.mock.patch.object`` on the module that calls it), so each
mistake is a single wrong idea, not a second copy of the algorithm.  The component
mistakes are complete wrong versions of one function.
"""

from __future__ import annotations

import importlib
from unittest import mock

import numpy as np

from impl.search import trust_region_search
from impl.search.bobyqa import adjust_start, altmov, bobyqa, evaluate_provisional, prelim, rescue, trsbox, update
from impl.search.bobyqa import bobyqb as bobyqb_module
from impl.search.bobyqa import driver as driver_module
from impl.search.space import Uniform


def _bobyqa_with(module, name, replacement, doc):
    def wrong_bobyqa(fun, x0, lower, upper, rhobeg=None, rhoend=1e-6, maxfun=None, npt=None):
        with mock.patch.object(module, name, replacement):
            return bobyqa(fun, x0, lower, upper, rhobeg, rhoend, maxfun, npt)

    wrong_bobyqa.__doc__ = doc
    return wrong_bobyqa


def _update_model_refit(st, knew, xnew, f, diff, xopt):
    """The model refitted to the data after every step: the least-Frobenius-norm
    interpolant itself (Hessian of least norm, from zero), not the least change to the
    previous model's Hessian: the curvature learned so far is thrown away."""
    st.fval[knew] = f
    st.xpt[knew] = xnew
    fdiff = st.fval - st.fval[st.kopt]
    omega_f = st.zmat @ (st.zmat.T @ fdiff)
    st.pq = omega_f
    st.hq = np.zeros_like(st.hq)
    st.gopt = st.bmat[: len(fdiff)].T @ fdiff + st.xpt.T @ (omega_f * (st.xpt @ xopt))
    return True


def _adjust_start_clip_only(x0, xl, xu, rhobeg):
    """x0 clipped into the box but not moved away from a nearby bound: an initial point
    x0 ± rhobeg can then fall outside the box (and be clipped onto another point)."""
    x = np.clip(x0.astype(float), xl, xu)
    return x, xl - x, xu - x


def _prelim_ignoring_bounds(evaluate, x, sl, su, rhobeg, npt):
    """Initial points always at x0 + rhobeg e_i and x0 − rhobeg e_i, even when x0 is on a
    bound (Powell steps away from the bound: −rhobeg at an upper, +2 rhobeg at a lower one)."""
    st = prelim(evaluate, x, np.full_like(sl, -np.inf), np.full_like(su, np.inf), rhobeg, npt)
    st.sl, st.su = sl, su
    return st


def trsbox_steepest_descent(xpt, xopt, gopt, hq, pq, sl, su, delta):
    """The trust-region step of a linear model (the curvature ignored): a projected
    steepest-descent step to the trust-region boundary."""
    return trsbox(xpt, xopt, gopt, np.zeros_like(hq), np.zeros_like(pq), sl, su, delta)


bobyqa_refit = _bobyqa_with(bobyqb_module, "update_model", _update_model_refit, _update_model_refit.__doc__)
bobyqa_start_not_moved = _bobyqa_with(driver_module, "adjust_start", _adjust_start_clip_only,
                                      _adjust_start_clip_only.__doc__)
bobyqa_steps_ignore_bounds = _bobyqa_with(bobyqb_module, "prelim", _prelim_ignoring_bounds,
                                          _prelim_ignoring_bounds.__doc__)
bobyqa_no_curvature = _bobyqa_with(bobyqb_module, "trsbox", trsbox_steepest_descent,
                                   trsbox_steepest_descent.__doc__)


# -- RESCUE ------------------------------------------------------------------------------------------

# the package's name `rescue` is the function; the module that calls `update` is fetched by its full name
rescue_module = importlib.import_module("impl.search.bobyqa.rescue")

def _update_skipped(bmat, zmat, vlag, beta, denom, knew):
    """An update that does nothing."""


def _provisional_without_model(st, evaluate, ptsid, a, b, fbase):
    """The provisional points evaluated, the model left as it was."""
    gopt, hq, pq = st.gopt.copy(), st.hq.copy(), st.pq.copy()
    evaluate_provisional(st, evaluate, ptsid, a, b, fbase)
    st.gopt, st.hq, st.pq = gopt, hq, pq


def _rescue_with(name, replacement, doc):
    def wrong_rescue(st, evaluate, xopt, delta):
        with mock.patch.object(rescue_module, name, replacement):
            return rescue(st, evaluate, xopt, delta)

    wrong_rescue.__doc__ = doc
    return wrong_rescue


rescue_without_update = _rescue_with("update", _update_skipped, "original points reinstated without updating H")
rescue_model_not_updated = _rescue_with("evaluate_provisional", _provisional_without_model,
                                        _provisional_without_model.__doc__)


# -- the update of H = W⁻¹ ---------------------------------------------------------------------

def update_without_rotations(bmat, zmat, vlag, beta, denom, knew):
    """Only ZMAT's first column updated, without first rotating row knew into it: the other
    columns keep their entries in row knew, so Ω = ZZᵀ is wrong."""
    saved = zmat[knew, 1:].copy()
    update(bmat, zmat, vlag, beta, denom, knew)
    zmat[knew, 1:] = saved


def update_beta_sign(bmat, zmat, vlag, beta, denom, knew):
    """β with the wrong sign in BMAT's update (−β written as +β)."""
    update(bmat, zmat, vlag, -beta, denom, knew)


def update_refit_denominator(bmat, zmat, vlag, beta, denom, knew):
    """σ taken as τ² only (the αβ term dropped): the rank-two correction is mis-scaled."""
    update(bmat, zmat, vlag, beta, vlag[knew] ** 2, knew)


# -- the start ------------------------------------------------------------------------------------

def adjust_start_clip_only(x0, xl, xu, rhobeg):
    """As :func:`_adjust_start_clip_only`: no move away from a bound closer than rhobeg."""
    return _adjust_start_clip_only(x0, xl, xu, rhobeg)


def adjust_start_always_inside(x0, xl, xu, rhobeg):
    """A start on a bound also moved rhobeg inside (Powell keeps it on the bound)."""
    x, sl, su = adjust_start(x0, xl, xu, rhobeg)
    x = np.clip(x, xl + rhobeg, xu - rhobeg)
    return x, xl - x, xu - x


# -- the MITIE search wrapper -----------------------------------------------------------------------

def trust_region_search_linear_scale(objective, space, start, n_trials=100, radius=0.1, min_radius=1e-6):
    """A log-scale range searched on its linear scale: the unit cube maps low + u(high − low)."""
    linear = {k: Uniform(v.low, v.high) if getattr(v, "log", False) else v for k, v in space.items()}
    result = trust_region_search(objective, linear, start, n_trials, radius, min_radius)
    result.space = space
    return result


def trust_region_search_best_first_trial(objective, space, start, n_trials=100, radius=0.1, min_radius=1e-6):
    """Stops after BOBYQA's initial 2d + 1 points: the best of a stencil, not a local optimum."""
    d = len(space)
    return trust_region_search(objective, space, start, min(n_trials, 2 * d + 1), radius, min_radius)


# -- PRELIM for any number of points -----------------------------------------------------------------

prelim_steps_ignore_bounds = _prelim_ignoring_bounds


def prelim_always_2n_plus_1(evaluate, x, sl, su, rhobeg, npt):
    """Powell's 2n + 1 points whatever m is asked for (NLopt's fixed choice taken as BOBYQA's only one)."""
    return prelim(evaluate, x, sl, su, rhobeg, 2 * len(x) + 1)


def bobyqa_fixed_rhobeg(fun, x0, lower, upper, rhobeg=None, rhoend=1e-6, maxfun=None, npt=None):
    """ρ_beg defaulting to 0.1 whatever the start's scale and the box's width (too large for a narrow box)."""
    return bobyqa(fun, x0, lower, upper, 0.1 if rhobeg is None else rhobeg, rhoend, maxfun, npt)


def bobyqa_npt_ignored(fun, x0, lower, upper, rhobeg=None, rhoend=1e-6, maxfun=None, npt=None):
    """m = 2n + 1 whatever is asked for (NLopt's fixed choice taken as BOBYQA's only one)."""
    return bobyqa(fun, x0, lower, upper, rhobeg, rhoend, maxfun)


bobyqa_rescue_model_not_updated = _bobyqa_with(bobyqb_module, "rescue", rescue_model_not_updated,
                                               "RESCUE's provisional points evaluated, the model left as it was")


def altmov_line_only(xpt, xopt, bmat, zmat, sl, su, kopt, knew, adelt):
    """ALTMOV's first half only: the best point on the lines through x_opt, with no constrained Cauchy step (XALT is
    XNEW, CAUCHY 0), so a poor set is never repaired by the step that makes |ℓ_t| large near a bound."""
    xnew, _, alpha, _ = altmov(xpt, xopt, bmat, zmat, sl, su, kopt, knew, adelt)
    return xnew, xnew.copy(), alpha, 0.0
