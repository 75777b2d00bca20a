"""Layer tables against torch: a network's summary (shapes, parameters, MACs) read off torch's own modules."""

from __future__ import annotations

from functools import cache

from formulary.candidate import reference
from formulary.catalog.networks._common import SECTION, SUMMARY_NOTES
from formulary.record import ErrorInput, Record, Sample
from formulary.verdict import expect

# -- layer tables against torch ---------------------------------------------------------

@cache
def _torch_count(name: str, input_size: tuple, batch: int, aux: bool, units: bool) -> dict:
    """The torch modules' rows and totals (deterministic; cached for the mistakes' reruns)."""
    return reference("networks.count")(name, input_size, batch, aux, units)


# options that torch keeps as (h, w) pairs where a spec may hold one int
_PAIRED = ("kernel_size", "stride", "padding", "dilation", "output_size")


def _leaves(node, prefix: str = "") -> dict:
    """The leaves of a network tree by torch's module names (the summary's row names), the
    auxiliary heads included: {name: layer spec}."""
    def at(name):
        return f"{prefix}.{name}" if prefix else name

    if hasattr(node, "children"):  # Sequential
        return {k: v for name, child in node.children for k, v in _leaves(child, at(name)).items()}
    if hasattr(node, "branches"):  # Concat
        return {k: v for name, b in node.branches for k, v in _leaves(b, at(name)).items()}
    if hasattr(node, "shortcut"):  # Residual: body and after under the block, the shortcut under downsample
        short = _leaves(node.shortcut, at("downsample")) if node.shortcut is not None else {}
        return {**_leaves(node.body, prefix), **short, **_leaves(node.after, prefix)}
    if hasattr(node, "head"):  # Aux
        return _leaves(node.head, prefix)
    return {prefix: node}


def _norm(key: str, value):
    """An option in one form for both sides: an int where torch may keep a pair as (h, w)."""
    if key in _PAIRED and isinstance(value, int):
        return value, value
    return tuple(value) if isinstance(value, (tuple, list)) else value


def _option(layer, key: str):
    """A spec's option as torch holds it (a pool's stride None is its kernel size)."""
    value = getattr(layer, key, "(missing)")
    return _norm(key, layer.kernel_size if key == "stride" and value is None else value)


def _table(candidate, name: str, builder: str, input_size: tuple, batch: int, aux: bool = False, units: bool = False):
    """The candidate's summary of ``builder()``, held row by row against torch's count: names,
    types, shapes, parameters, MACs, which rows train only, each layer's options (kernel,
    stride, padding, groups, LRN's and dropout's constants...), the totals and the JSON form;
    with ``units``, LeNet-5's neurons and connections per sample too."""
    network = candidate.get(f"networks.{builder}")()
    mine = candidate.get("networks.summary")(network, input_size, batch, aux)
    theirs = _torch_count(name, tuple(input_size), batch, aux, units)
    where = f"{name} on {(batch, *input_size)}{' with the auxiliary heads' if aux else ''}"
    expect(mine.network == name, f"{where}: the summary is named {mine.network!r}, not {name!r}")
    expect(mine.notes == SUMMARY_NOTES.get(name, ""),
           f"{where}: the summary's notes {mine.notes!r}, expected {SUMMARY_NOTES.get(name, '')!r}")
    names, torch_names = [r.name for r in mine.rows], [r["name"] for r in theirs["rows"]]
    if names != torch_names:
        first = next((i for i, (a, b) in enumerate(zip(names, torch_names)) if a != b),
                     min(len(names), len(torch_names)))
        raise AssertionError(f"{where}: the layers differ from torch's at row {first}: "
                             f"{names[first:first + 3]} against torch's {torch_names[first:first + 3]} "
                             f"({len(names)} rows against {len(torch_names)})")
    keys = ("type", "output_shape", "params", "macs", "training_only") + (("neurons", "connections") if units else ())
    leaves = _leaves(network.body)
    for r, t in zip(mine.rows, theirs["rows"]):
        got = {"type": r.kind, "output_shape": tuple(r.output_shape), "params": r.params, "macs": r.macs,
               "neurons": r.neurons, "connections": r.connections, "training_only": r.training_only}
        for key in keys:
            if got[key] != t.get(key):
                raise AssertionError(f"{where}: layer {r.name}: {key} {got[key]!r}, torch {t.get(key)!r}")
        for key, value in t["options"].items():
            ours = _option(leaves[r.name], key)
            expect(ours == _norm(key, value), f"{where}: layer {r.name}: {key} {ours!r}, torch {value!r}")
    total = dict(theirs["total"])
    if units:
        total.update(neurons=sum(t.get("neurons") or 0 for t in theirs["rows"]),
                     connections=sum(t.get("connections") or 0 for t in theirs["rows"]))
    expect(mine.total == total, f"{where}: totals {mine.total}, torch {total}")
    layers = [{"name": t["name"], "type": t["type"], "output_shape": list(t["output_shape"]), "params": t["params"],
               "macs": t["macs"], "training_only": t["training_only"],
               **({"neurons": t.get("neurons"), "connections": t.get("connections")} if units else {})}
              for t in theirs["rows"]]
    as_json = {"network": name, "input_size": [batch, *input_size], "layers": layers, "total": total,
               "notes": SUMMARY_NOTES.get(name, "")}
    expect(mine.as_dict() == as_json, f"{where}: the summary's JSON differs from torch's count: {mine.as_dict()}")
    return mine


def _tables(name: str, builder: str, sizes, published=None, aux_size=None, too_small=None, also=()):
    """A property check: the candidate's table at each (input_size, batch) of ``sizes``
    against torch (the first, the network's own input size, is also what ``summary``
    gives without options), the 224×224 totals against ``published`` (params, GMACs),
    for a network with auxiliary heads the training graph at ``aux_size`` too, an input
    ``too_small`` for some window: a ValueError naming the layer; then the checks ``also``."""
    def check(candidate):
        units = name.startswith("lenet5")
        full = _table(candidate, name, builder, *sizes[0], units=units)
        for size, batch in sizes[1:]:
            _table(candidate, name, builder, size, batch, units=units)
        default = candidate.get("networks.summary")(candidate.get(f"networks.{builder}")())
        expect(default == full, f"{name}: summary without options should be the table on {(1, *sizes[0][0])}, got "
                                f"input {default.input_size} and {len(default.rows)} rows")
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
            expect(with_aux.output_shape == full.output_shape,
                   f"{name}: the training graph's output {with_aux.output_shape}, the network's {full.output_shape}")
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
        for extra in also:
            findings.update(extra(candidate) or {})
        return findings
    return check


_NOT_A_NETWORK = ErrorInput(Sample(("resnet18",)), TypeError, r"^network must be a Network, got str$",
                            "networks.summary")


def _table_record(*, id, name, builder, equation, sizes, mistakes, published=None, aux_size=None, too_small=None,
                  also=(), deviations=(), notes=""):
    return Record(
        id=id, kind="E", section=SECTION, equation=equation,
        check=_tables(name, builder, sizes, published, aux_size, too_small, also),
        mistakes=tuple(mistakes), errors=(_NOT_A_NETWORK,), deviations=tuple(deviations), notes=notes,
    )
