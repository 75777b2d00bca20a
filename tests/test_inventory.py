"""The carried inventory agrees with the guide's index, and the catalog speaks its IDs."""

from pathlib import Path

import pytest

from formulary import catalog, inventory

SHARED = Path(__file__).resolve().parents[2] / "shared" / "FORMULAS.md"


def test_inventory_ids_are_unique_and_well_formed():
    ids = [e.id for e in inventory.entries()]
    assert len(ids) == len(set(ids))
    assert all(e.kind in "FECA" and e.what for e in inventory.entries())


@pytest.mark.skipif(not SHARED.exists(), reason="shared/FORMULAS.md is not beside this clone (a user's clone has none)")
def test_carried_inventory_holds_every_shared_id_with_its_kind():
    """shared/FORMULAS.md is the first round's index of the guide; the carried inventory may grow past it (new
    claims, activations, search methods), but never loses one of its IDs or changes its kind."""
    shared = {e.id: e.kind for e in inventory.parse_formulas_md(SHARED)}
    carried = {e.id: e.kind for e in inventory.entries()}
    missing = sorted(set(shared) - set(carried))
    rekinded = sorted(i for i in shared if i in carried and carried[i] != shared[i])
    assert not missing and not rekinded, f"missing: {missing}; kind changed: {rekinded}"


def test_every_record_belongs_to_an_inventory_id():
    known = {e.id for e in inventory.entries()}
    strays = [r.id for r in catalog.records() if r.base_id not in known]
    assert not strays, f"records whose ID is not in the inventory: {strays}"


def test_record_kind_matches_inventory_kind():
    kinds = {e.id: e.kind for e in inventory.entries()}
    wrong = [(r.id, r.kind, kinds[r.base_id]) for r in catalog.records() if r.base_id in kinds
             and r.kind != kinds[r.base_id]]
    assert not wrong, wrong
