"""A record whose oracle is not installed fails and says so; it never passes silently."""

import importlib.util

import pytest

from formulary import catalog
from formulary.candidate import Candidate
from formulary.verdict import CheckFailure

CASES = [("hp.bobyqa", "nlopt"), ("hp.bobyqa/start", "nlopt"), ("hp.bobyqa/arguments", "nlopt"),
         ("hp.bobyqa/pybobyqa", "pybobyqa"), ("hp.mitie", "sklearn")]


@pytest.mark.parametrize("record_id,module", CASES, ids=[c[0] for c in CASES])
def test_missing_oracle_fails_the_record(monkeypatch, record_id, module):
    record = next(r for r in catalog.records() if r.id == record_id)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == module else real(name, *a))
    with pytest.raises(CheckFailure, match=rf"oracle missing: the Python package '{module}' is not installed"):
        record.check(Candidate())
