"""Hypothesis profiles: ``ci`` (the default), ``dev`` and ``thorough``.

``ci`` is derandomized and keeps no example database, so two runs of ``make test`` or
``make report`` draw the same examples and give the same numbers.  ``thorough`` runs
ten times ci's examples.  Choose one with ``--hypothesis-profile NAME`` or the
environment variable ``FORMULARY_PROFILE``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

CI_EXAMPLES = 25
_COMMON = dict(deadline=None, print_blob=True, report_multiple_bugs=False,
               suppress_health_check=(HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much))

settings.register_profile("ci", derandomize=True, database=None, max_examples=CI_EXAMPLES, **_COMMON)
settings.register_profile("dev", max_examples=CI_EXAMPLES, **_COMMON)
settings.register_profile("thorough", derandomize=True, database=None, max_examples=10 * CI_EXAMPLES, **_COMMON)

PROFILES = ("ci", "dev", "thorough")


def load(name: str | None = None) -> str:
    """Load the named profile (default: $FORMULARY_PROFILE, else ci); return its name."""
    name = name or os.environ.get("FORMULARY_PROFILE") or "ci"
    if name not in PROFILES:
        raise ValueError(f"unknown hypothesis profile {name!r}; expected one of {PROFILES}")
    settings.load_profile(name)
    return name
