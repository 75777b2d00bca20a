"""Independent judges: TensorFlow and Keras, where the torch reference is our own transcription.

A record's property check can be wrapped with :func:`judged`: the check runs as before,
then, when TensorFlow is installed, the independent judge (a function of the candidate
returning findings) runs too and the findings say which judge ran (``judge``: TensorFlow's
and Keras's versions and what was asked of them).  Without TensorFlow (``make test``,
CI) only the existing check runs, and ``judge`` says so: the report shows it either way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from reference import tf_judge


def judged(check: Callable, judge: Callable, *, by: str, otherwise: str) -> Callable:
    """``check`` followed by ``judge`` when TensorFlow is installed; the findings name the judge that ran."""
    @functools.wraps(check)
    def run(candidate):
        findings = dict(check(candidate) or {})
        version = tf_judge.version()
        if version is None:
            findings["judge"] = f"{otherwise} (TensorFlow not installed)"
        else:
            findings.update(judge(candidate))
            findings["judge"] = f"{version}: {by}"
        return findings
    return run
