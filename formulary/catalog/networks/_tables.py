"""Layer tables against torch: a network's summary (shapes, parameters, MACs) read off torch's own modules."""

from __future__ import annotations

from functools import cache

from formulary.candidate import reference
from formulary.catalog.networks._common import SECTION
from formulary.record import ErrorInput, Record, Sample
from formulary.verdict import expect

# -- layer tables against torch ---------------------------------------------------------

@cache
def _torch_count(name: str, input_size: tuple, batch: int, aux: bool, units: bool) -> dict:
    """The torch modules' rows and totals (deterministic; cached for the mistakes' reruns)."""
    return reference("networks.count")(name, input_size, batch, aux, units)


def _table(candidate, name: str, builder: str, input_size: tuple, batch: int, aux: bool = False, units: bool = False):
    """The candidate's summary of ``builder()``, held row by row against torch's count
    (with ``units``, LeNet-5's neurons and connections per sample too)."""
    network = candidate.get(f"networks.{builder}")()
    mine = candidate.get("networks.summary")(network, input_size, batch, aux)
    theirs = _torch_count(name, tuple(input_size), batch, aux, units)
    where = f"{name} on {(batch, *input_size)}{' with the auxiliary heads' if aux else ''}"
    names, torch_names = [r.name for r in mine.rows], [r["name"] for r in theirs["rows"]]
    if names != torch_names:
        first = next((i for i, (a, b) in enumerate(zip(names, torch_names)) if a != b),
                     min(len(names), len(torch_names)))
        raise AssertionError(f"{where}: the layers differ from torch's at row {first}: "
                             f"{names[first:first + 3]} against torch's {torch_names[first:first + 3]} "
                             f"({len(names)} rows against {len(torch_names)})")
    keys = ("type", "output_shape", "params", "macs") + (("neurons", "connections") if units else ())
    for r, t in zip(mine.rows, theirs["rows"]):
        got = {"type": r.kind, "output_shape": tuple(r.output_shape), "params": r.params, "macs": r.macs,
               "neurons": r.neurons, "connections": r.connections}
        for key in keys:
            if got[key] != t.get(key):
                raise AssertionError(f"{where}: layer {r.name}: {key} {got[key]!r}, torch {t.get(key)!r}")
    for key in ("params", "macs"):
        if mine.total[key] != theirs["total"][key]:
            raise AssertionError(f"{where}: total {key} {mine.total[key]:,}, torch {theirs['total'][key]:,}")
    return mine


def _tables(name: str, builder: str, sizes, published=None, aux_size=None, too_small=None):
    """A property check: the candidate's table at each (input_size, batch) of ``sizes``
    against torch, the 224×224 totals against ``published`` (params, GMACs), for a
    network with auxiliary heads the training graph at ``aux_size`` too, and an input
    ``too_small`` for some window: a ValueError naming the layer."""
    def check(candidate):
        full = _table(candidate, name, builder, *sizes[0], units=name.startswith("lenet5"))
        for size, batch in sizes[1:]:
            _table(candidate, name, builder, size, batch)
        findings = {"input": list(full.input_size), "layers": len(full.rows), "params": full.total["params"],
                    "macs": full.total["macs"]}
        if published:
            params, gmacs = published
            expect(full.total["params"] == params, f"{name}: {full.total['params']:,} parameters, published {params:,}")
            expect(round(full.total["macs"] / 1e9, 2) == gmacs,
                   f"{name}: {full.total['macs']:,} MACs, published {gmacs} G")
            findings["published"] = {"params": params, "GMACs": gmacs}
        if aux_size:
            with_aux = _table(candidate, name, builder, aux_size, 1, aux=True)
            findings["training graph (auxiliary heads)"] = {"params": with_aux.total["params"],
                                                            "macs": with_aux.total["macs"]}
        if too_small:
            layer = too_small[1]
            try:
                candidate.get("networks.summary")(candidate.get(f"networks.{builder}")(), too_small[0])
            except ValueError as exc:
                expect(str(exc).startswith(f"{layer}:"),
                       f"{name} on {too_small[0]}: the error should name {layer}: {exc}")
            else:
                raise AssertionError(f"{name}: an input of {too_small[0]} should be a ValueError (a window larger than "
                                     f"its input)")
        return findings
    return check


_NOT_A_NETWORK = ErrorInput(Sample(("resnet18",)), TypeError, r"network", "networks.summary")


def _table_record(*, id, name, builder, equation, sizes, mistakes, published=None, aux_size=None, too_small=None,
                  deviations=(), notes=""):
    return Record(
        id=id, kind="E", section=SECTION, equation=equation,
        check=_tables(name, builder, sizes, published, aux_size, too_small),
        mistakes=tuple(mistakes), errors=(_NOT_A_NETWORK,), deviations=tuple(deviations), notes=notes,
    )
