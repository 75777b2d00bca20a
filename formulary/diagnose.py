"""Which known mistake does a failing candidate make?  Right, or silent.

A candidate is told it makes a known mistake only when both hold:

1. the mistake, put in place of the candidate's function, fails the same check that
   the candidate failed (so the mistake explains *this* failure);
2. on the record's edge bank and a fixed set of drawn samples, the candidate's function
   gives the mistake's values within the record's tolerance, and the same dtypes (a
   float32 formula answering float64 is a different mistake from a wrong formula).

Otherwise nothing is said: a wrong diagnosis teaches a wrong lesson.  Used by
``formulary check`` and the drills.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings

from formulary import checks, tensors
from formulary.candidate import Candidate
from formulary.compare import assert_close
from formulary.record import Mistake, Record, Sample
from formulary.strategies import unit_mixed

N_DRAWN = 20


def probe_samples(record: Record, dtype) -> list[Sample]:
    """The edge bank and N_DRAWN derandomized draws of the record's inputs."""
    out = list(record.edges(dtype)) if record.edges else []
    if record.inputs is not None:
        drawn: list[Sample] = []

        @settings(max_examples=N_DRAWN, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(record.inputs(dtype))
        def collect(sample):
            drawn.append(sample)

        collect()
        out += drawn
    return out


def _outputs(record: Record, fn, name: str, sample: Sample, dtype, device: str):
    if name == record.backward:
        _, out = checks.call_reference(record, sample, device)
        grads = [unit_mixed(tuple(t.shape), dtype) for t in tensors.leaves(out) if t.is_floating_point()]
        grad_output = grads[0] if len(grads) == 1 else tensors.rebuild(out, grads)
        return checks.call_candidate(record, lambda *a, **k: fn(grad_output, *a, **k), sample)
    return checks.call_candidate(record, fn, sample)


def matching_mistake(record: Record, candidate: Candidate, device: str = "cpu",
                     failed_check: str | None = None) -> Mistake | None:
    """The known mistake that reproduces the candidate's failure of ``failed_check``, or None."""
    if record.inputs is None and record.edges is None:
        return None
    for mistake in record.mistakes:
        name = record.target_name(mistake.target)
        if name not in (record.candidate, record.backward):
            continue
        if failed_check is not None and not _fails_too(record, candidate, mistake, name, failed_check, device):
            continue
        mine = candidate.get(name)
        if _agrees(record, mine, mistake.fn, name, device):
            return mistake
    return None


def _fails_too(record, candidate, mistake, name, check, device) -> bool:
    wrong = candidate.replacing(name, mistake.fn, f"known mistake {mistake.name!r}")
    try:
        checks.run(record, check, wrong, device=device, shrink=False)
    except checks.CandidateCrashed:
        return False  # a mistake that only crashes explains no wrong value
    except AssertionError:
        return True
    return False


def _agrees(record, mine, theirs, name, device) -> bool:
    for dt in record.dtypes:
        dtype = np.dtype(dt)
        tol = record.tolerance(dtype)
        for sample in probe_samples(record, dtype):
            try:
                a = _outputs(record, mine, name, sample, dtype, device)
                b = _outputs(record, theirs, name, sample, dtype, device)
                assert_close(a, b, tol)  # dtypes included
            except AssertionError:
                return False
    return True
