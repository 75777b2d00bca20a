r"""Powell's BOBYQA (Bound Optimization BY Quadratic Approximation; M. J. D. Powell,
"The BOBYQA algorithm for bound constrained optimization without derivatives",
Cambridge NA Report NA2009/06), from scratch in NumPy after NLopt's ``bobyqa.c``
(a translation of Powell's Fortran).

It minimises :math:`f(x)` subject to :math:`x_l \le x \le x_u` without derivatives.
A quadratic model :math:`Q` interpolates :math:`f` at :math:`m` points (:math:`2n + 1`
by default); each new point replaces one old point, and :math:`Q` changes by the
least Frobenius norm of its Hessian's change that keeps the interpolation:

.. math:: \min_{Q^+} \lVert \nabla^2 Q^+ - \nabla^2 Q\rVert_F \quad \text{s.t.}\quad Q^+(y_k) = f(y_k),\ k = 1..m.

Modules: :mod:`.prelim` (the initial points and model), :mod:`.trsbox` (the bounded
trust-region step), :mod:`.altmov` (the geometry step), :mod:`.update` (the update of
:math:`H = W^{-1}`), :mod:`.bobyqb` (the loop and the radii), :mod:`.driver` (the call, Powell's defaults),
:mod:`.rescue` (Powell's restart of :math:`H` from scratch when rounding has damaged it),
:mod:`.seqsum` (sums in Powell's order, so the sequence of points is NLopt's bit for bit).
"""

from __future__ import annotations

from impl.search.bobyqa.altmov import altmov
from impl.search.bobyqa.driver import BobyqaResult, bobyqa
from impl.search.bobyqa.prelim import Evaluator, State, Stop, adjust_start, prelim
from impl.search.bobyqa.rescue import evaluate_provisional, rescue
from impl.search.bobyqa.trsbox import trsbox
from impl.search.bobyqa.update import update, update_model

__all__ = ["BobyqaResult", "bobyqa", "adjust_start", "prelim", "trsbox", "altmov", "update", "update_model",
           "rescue", "evaluate_provisional", "Evaluator", "State", "Stop"]
