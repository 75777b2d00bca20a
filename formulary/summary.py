"""``formulary summary NET``: a classic network's layer table, the way torchinfo prints it.

    formulary summary resnet50
    formulary summary alexnet --input-size 3 227 227 --batch 8
    formulary summary googlenet --aux          # the training graph, auxiliary heads included
    formulary summary lenet5 --json            # for machines

The numbers are impl's (:func:`impl.networks.summary`), which the catalog holds
against the same networks built and counted by torch.  MACs are multiply-accumulates
for the whole batch (torch's FlopCounterMode counts 2 FLOPs per MAC).
"""

from __future__ import annotations

import argparse
import json
import sys

from impl.networks import NETWORKS, summary

COLUMNS = (("Layer (type)", 44, "<"), ("Output Shape", 22, "<"), ("Param #", 13, ">"), ("Mult-Adds", 17, ">"))
UNIT_COLUMNS = (("Neurons", 10, ">"), ("Connections", 13, ">"))


def _parser(names) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="formulary summary", description="a classic network's layer table (torchinfo-like)")
    p.add_argument("network", choices=names, metavar="NET", help=f"one of: {', '.join(names)}")
    p.add_argument("--input-size", nargs=3, type=int, metavar=("C", "H", "W"), help="one sample's size (default: the network's own)")
    p.add_argument("--batch", type=int, default=1, help="batch size; MACs cover the whole batch (default: 1)")
    p.add_argument("--aux", action="store_true", help="include training-only heads (GoogLeNet's auxiliary classifiers)")
    p.add_argument("--json", action="store_true", help="print the layers and totals as JSON")
    return p


def _line(cells, columns) -> str:
    return " ".join(f"{c:{align}{width}}" for c, (_, width, align) in zip(cells, columns)).rstrip()


def _shape(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _count(value) -> str:
    return "--" if value is None else f"{value:,}"


def _scaled(n: int) -> str:
    return f"{n / 1e9:.2f} G" if n >= 1e9 else f"{n / 1e6:.2f} M"


def table(summary) -> str:
    """The summary as a torchinfo-like text table."""
    units = "neurons" in summary.total
    columns = COLUMNS + (UNIT_COLUMNS if units else ())
    width = sum(w for _, w, _ in columns) + len(columns) - 1
    rule, thin = "=" * width, "-" * width
    out = [rule, _line([c for c, _, _ in columns], columns), rule]
    for r in summary.rows:
        name = f"{r.name} ({r.kind}){' [train]' if r.training_only else ''}"
        cells = [name, _shape(r.output_shape), _count(r.params), _count(r.macs)]
        if units:
            cells += [_count(r.neurons), _count(r.connections)]
        out.append(_line(cells, columns))
    total = summary.total
    out += [rule, f"Input size: {_shape(summary.input_size)}", f"Total params: {total['params']:,}",
            f"Total mult-adds: {total['macs']:,} ({_scaled(total['macs'])})"]
    if units:
        out += [f"Total neurons: {total['neurons']:,}", f"Total connections: {total['connections']:,}"]
    if summary.notes:
        out += [thin, f"Note: {summary.notes}"]
    out.append(rule)
    return "\n".join(out)


def main(argv: list[str]) -> int:
    args = _parser(list(NETWORKS)).parse_args(argv)
    try:
        s = summary(NETWORKS[args.network](), args.input_size, args.batch, args.aux)
    except (TypeError, ValueError) as exc:
        print(f"formulary summary: {args.network}: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(s.as_dict(), indent=2) if args.json else table(s))
    return 0
