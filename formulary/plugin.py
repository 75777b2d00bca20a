"""The pytest plugin: options, hypothesis profile, catalog parametrization, results.

Options:

``--candidate PKG``         the package under test (default ``impl``)
``--device DEV``            where the torch reference runs (default ``cpu``)
``--formulary-report DIR``  write conformance.json and CONFORMANCE.md there at the end

Test templates ask for the fixtures ``record_check``, ``record_mistake`` or
``record_accuracy`` and are parametrized over the catalog.  A record whose candidate,
reference or oracle cannot be found fails collection: it is never skipped.
"""

from __future__ import annotations

import pytest

from formulary import catalog, checks, profiles
from formulary.candidate import Candidate, record_problems
from formulary.report import write_all
from formulary.results import PROPERTY, Outcome


def pytest_addoption(parser):
    group = parser.getgroup("formulary")
    group.addoption("--candidate", default="impl", help="package under test, with impl's API (default: impl)")
    group.addoption("--device", default="cpu", help="torch device for the reference (default: cpu)")
    group.addoption("--formulary-report", default=None, metavar="DIR", help="write the conformance reports to DIR")


RECORDS_KEY = pytest.StashKey[tuple]()  # the validated catalog, resolved once per session
PROFILE_KEY = pytest.StashKey[str]()  # the hypothesis profile in force, for the reports


def pytest_configure(config):
    chosen = config.getoption("hypothesis_profile", default=None)  # hypothesis's own plugin loads it
    config.stash[PROFILE_KEY] = chosen or profiles.load()
    config.pluginmanager.register(_Results(config), "formulary-results")


@pytest.fixture(scope="session")
def candidate(pytestconfig) -> Candidate:
    return Candidate(pytestconfig.getoption("candidate"))


@pytest.fixture(scope="session")
def device(pytestconfig) -> str:
    return pytestconfig.getoption("device")


def _validated(config) -> tuple:
    if RECORDS_KEY not in config.stash:
        cand = Candidate(config.getoption("candidate"))
        problems = [p for r in catalog.records() for p in record_problems(r, cand)]
        if problems:
            raise pytest.UsageError("records that cannot be resolved:\n  " + "\n  ".join(problems))
        config.stash[RECORDS_KEY] = catalog.records()
    return config.stash[RECORDS_KEY]


def pytest_generate_tests(metafunc):
    names = metafunc.fixturenames
    if not {"record_check", "record_mistake", "record_accuracy"} & set(names):
        return
    records = _validated(metafunc.config)
    if "record_check" in names:
        cases = [(r, c) for r in records for c in checks.plan(r)]
        metafunc.parametrize("record_check", cases, ids=[f"{r.id}::{c}" for r, c in cases])
    if "record_mistake" in names:
        cases = [(r, m.name) for r in records for m in r.mistakes]
        metafunc.parametrize("record_mistake", cases, ids=[f"{r.id}::{m}" for r, m in cases])
    if "record_accuracy" in names:
        cases = [r for r in records if r.accuracy]
        metafunc.parametrize("record_accuracy", cases, ids=[r.id for r in cases])


class _Results:
    """Gathers every record's outcome in the controller process (also under xdist) and writes the reports."""

    def __init__(self, config):
        self.config = config
        self.outcomes: list[Outcome] = []

    def pytest_runtest_logreport(self, report):
        # once per phase: the call, or a setup that did not pass
        if report.when != "call" and not (report.when == "setup" and report.outcome != "passed"):
            return
        for key, value in report.user_properties:
            if key == PROPERTY:
                self.outcomes.append(Outcome.from_json(value))

    def pytest_sessionfinish(self, session, exitstatus):
        if hasattr(self.config, "workerinput"):
            return  # an xdist worker: the controller writes the reports
        out_dir = self.config.getoption("formulary_report")
        if out_dir:
            write_all(out_dir, self.outcomes, candidate=self.config.getoption("candidate"),
                      device=self.config.getoption("device"), profile=self.config.stash[PROFILE_KEY])
