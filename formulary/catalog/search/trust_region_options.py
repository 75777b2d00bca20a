"""trust_region_search's own arguments, checked within hp.bobyqa/search (kept here: bobyqa_records.py is near the
length limit)."""

from __future__ import annotations

import math

import numpy as np

from formulary.catalog.search._shared import raises
from formulary.verdict import expect


def options_check(search, f, space, LogUniform):
    """trust_region_search's own arguments: n_trials (default 100) caps the evaluations, radius is the stencil's
    step in unit coordinates, min_radius where it stops; the roles start, initial (the other 2d stencil points) and
    step; the documented ranges radius in (0, 0.5], min_radius in (0, radius], each bad value named."""
    centre = {"x1": 2.5, "x2": 7.5}  # the unit cube's centre
    rosen = search(lambda p: (1 - p["x1"]) ** 2 + 100 * (p["x2"] - p["x1"] ** 2) ** 2, space, centre)  # > 100 needed
    expect(len(rosen.trials) == 100 and rosen.status == "maxfun",
           f"the default budget is 100 evaluations: {len(rosen.trials)} trials, status {rosen.status!r}")
    roles = [t.role for t in rosen.trials]
    expect(roles == ["start"] + ["initial"] * 4 + ["step"] * 95, f"roles {roles[:7]}...: expected the start, the "
                                                                 "other 4 points of the 2d + 1 stencil, then steps")
    short = search(f, space, centre, n_trials=7)
    expect(len(short.trials) == 7 and short.status == "maxfun", f"n_trials=7: {len(short.trials)} trials")
    wide = search(f, space, centre, radius=0.3)
    steps = np.sort(np.abs(wide.units[1:5] - 0.5).max(axis=1))
    expect(np.allclose(steps, 0.3, rtol=0, atol=1e-12), f"radius=0.3: the stencil's steps are {steps}, expected 0.3")
    coarse, fine = (search(f, space, centre, min_radius=r) for r in (1e-2, 1e-6))
    expect(coarse.status.startswith("rhoend") and len(coarse.trials) < len(fine.trials),
           f"min_radius 1e-2 took {len(coarse.trials)} trials ({coarse.status}), 1e-6 {len(fine.trials)}")
    for start in ({"x1": -5.0, "x2": 15.0}, {"x1": 10.0, "x2": 0.0}):  # on the bounds: allowed, encoded to 0 and 1
        at = search(f, space, start, n_trials=5)
        expect(at.trials[0].params == start, f"the start {start} on the bounds became {at.trials[0].params}")
    raises(ValueError, r"start\['x1'\] must be a finite real", lambda: search(f, space, {"x1": math.nan, "x2": 4.0}))
    log = search(lambda p: p["lr"], {"lr": LogUniform(1e-4, 1.0)}, {"lr": 1e-3}, n_trials=3)  # encoded in log
    expect(math.isclose(log.trials[0].params["lr"], 1e-3, rel_tol=1e-12),
           f"the start lr = 1e-3 on LogUniform(1e-4, 1) became {log.trials[0].params['lr']!r}")
    for kw in ({"radius": 0.5}, {"radius": 0.2, "min_radius": 0.2}):
        expect(search(f, space, centre, n_trials=20, **kw).trials, f"{kw} is allowed and must run")
    for kw, error, pattern in (({"n_trials": 0}, ValueError, r"\bn_trials\b"),
                               ({"radius": "0.1"}, TypeError, r"\bradius\b"),
                               ({"min_radius": "0.1"}, TypeError, r"\bmin_radius\b"),
                               ({"radius": 0.0}, ValueError, r"^radius must be in \(0, 0.5\]"),
                               ({"min_radius": 0.0}, ValueError, r"^min_radius must be in \(0, radius\]")):
        raises(error, pattern, lambda kw=kw: search(f, space, centre, **kw))

