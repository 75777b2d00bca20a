"""``formulary summary NET``: a classic network's layer table, the way torchinfo prints it.

    formulary summary resnet50
    formulary summary resnet50 --depth 1            # the top-level blocks, their counts summed
    formulary summary alexnet --input-size 3 227 227 --batch 8
    formulary summary googlenet --aux               # the training graph, auxiliary heads included
    formulary summary lenet5 --json                 # for machines

The numbers are impl's (:func:`impl.networks.summary`), which the catalog holds against
the same networks built and counted by torch.  Counting conventions (printed under the
table), where they differ from torchinfo's:

- MACs are multiply-accumulates for the whole batch, as torch's FlopCounterMode counts
  them (2 FLOPs per MAC).  A fully connected layer costs in·out MACs per sample: its
  ``out`` bias additions are not counted (nor are a convolution's).  Batch norm costs 0
  MACs here, as in FlopCounterMode; torchinfo lists its parameter count (2C per sample)
  as its mult-adds.
- Trainable parameters are the learned weights and biases.  Non-trainable parameters
  are fixed weights (LeNet-5's RBF centres, which the paper does not count).  Batch
  norm's running mean and variance are buffers, counted in neither, as torchinfo does.
- Memory, as torchinfo estimates it, in MB (10^6 bytes) at ``--dtype`` (default
  float32): the input; the forward/backward pass, every leaf's output counted twice (its
  value and its gradient; a ReLU's too, though torch may run it in place); the
  parameters, trainable and not.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass

import numpy as np

from impl.networks import NETWORKS, Aux, Concat, Residual, Sequential, summary
from impl.networks.layers import RBF, Layer

HEADS = ("Layer (type)", "Output Shape", "Param #", "Mult-Adds")
UNIT_HEADS = ("Neurons", "Connections")
CONVENTIONS = (
    "MACs: whole batch, FlopCounterMode's convention; FC and conv bias additions not counted; batch norm 0 "
    "(torchinfo shows 2C per sample).",
    "Params: trainable = learned weights and biases; non-trainable = fixed weights (LeNet-5's RBF centres); "
    "batch norm's running statistics are buffers, in neither (as torchinfo).",
    "Memory: forward/backward pass = every leaf's output twice (value and gradient), as torchinfo; MB = 10^6 bytes.",
)


@dataclass
class Line:
    """One row of the table: a leaf, or at --depth a node with its leaves' counts summed."""

    name: str
    kind: str
    output_shape: tuple
    params: int
    macs: int
    neurons: int | None = None
    connections: int | None = None
    training_only: bool = False


def _parser() -> argparse.ArgumentParser:
    names = list(NETWORKS)
    p = argparse.ArgumentParser(prog="formulary summary",
                                description="a classic network's layer table (torchinfo-like)",
                                epilog="\n".join(CONVENTIONS))
    p.add_argument("network", choices=names, metavar="NET", help=f"one of: {', '.join(names)}")
    p.add_argument("--input-size", nargs=3, type=int, metavar=("C", "H", "W"),
                   help="one sample's size (default: the network's own)")
    p.add_argument("--batch", type=int, default=1,
                   help="batch size; MACs and memory cover the whole batch (default: 1)")
    p.add_argument("--depth", type=int, default=None, metavar="D",
                   help="show the tree down to depth D (1: the top-level blocks), each node's counts summed; "
                        "default: every leaf")
    p.add_argument("--dtype", choices=["float32", "float64", "float16", "bfloat16"], default="float32",
                   help="element type for the memory estimates (default float32)")
    p.add_argument("--aux", action="store_true", help="include training-only heads (GoogLeNet's auxiliary classifiers)")
    p.add_argument("--json", action="store_true", help="print the layers and totals as JSON")
    return p


# -- the tree: each node's output shape and type, so that --depth can show blocks -------------------

def _nodes(node, shape: tuple, prefix: str, out: dict, aux: bool) -> tuple:
    """Fill ``out[path] = (type name, output shape)`` for every node of the tree; return its output shape."""
    def at(name):
        return f"{prefix}.{name}" if prefix else name

    if isinstance(node, Layer):
        result = node.output_shape(shape)
    elif isinstance(node, Sequential):
        result = shape
        for name, child in node.children:
            result = _nodes(child, result, at(name), out, aux)
    elif isinstance(node, Residual):
        body = _nodes(node.body, shape, prefix, out, aux)
        if node.shortcut is not None:
            _nodes(node.shortcut, shape, at("downsample"), out, aux)
        result = _nodes(node.after, body, prefix, out, aux)
    elif isinstance(node, Concat):
        outs = [_nodes(b, shape, at(name), out, aux) for name, b in node.branches]
        result = (outs[0][0], sum(o[1] for o in outs), *outs[0][2:])
    elif isinstance(node, Aux):
        head = _nodes(node.head, shape, prefix, out, aux) if aux else shape
        out[prefix] = ("Aux", head)
        return shape
    else:
        raise TypeError(f"{prefix}: {type(node).__name__} is not a network node")
    if prefix and prefix not in out:  # a Residual's body and 'after' share its prefix: the block's own entry wins
        out[prefix] = (type(node).__name__, result)
    elif prefix and isinstance(node, (Residual, Concat)):
        out[prefix] = (type(node).__name__, result)
    return result


def lines(s, network, depth: int | None, aux: bool) -> list[Line]:
    """The summary's rows, or at ``depth`` its nodes of that depth with their leaves' counts summed."""
    rows = [Line(r.name, r.kind, r.output_shape, r.params, r.macs, r.neurons, r.connections, r.training_only)
            for r in s.rows]
    if depth is None:
        return rows
    nodes: dict = {}
    _nodes(network.body, s.input_size, "", nodes, aux)
    grouped: dict[str, Line] = {}
    for r in rows:
        key = ".".join(r.name.split(".")[:depth])
        if key == r.name:
            grouped[key] = r
            continue
        kind, shape = nodes.get(key, ("Block", r.output_shape))
        g = grouped.setdefault(key, Line(key, kind, shape, 0, 0, None, None, r.training_only))
        g.params += r.params
        g.macs += r.macs
        if r.neurons is not None:
            g.neurons = (g.neurons or 0) + r.neurons
            g.connections = (g.connections or 0) + (r.connections or 0)
    return list(grouped.values())


# -- counts that torchinfo prints under its table ------------------------------------------------------

def _leaves(node):
    if isinstance(node, Layer):
        yield node
    elif isinstance(node, Sequential):
        for _, child in node.children:
            yield from _leaves(child)
    elif isinstance(node, Residual):
        for part in (node.body, node.shortcut, node.after):
            if part is not None:
                yield from _leaves(part)
    elif isinstance(node, Concat):
        for _, b in node.branches:
            yield from _leaves(b)
    elif isinstance(node, Aux):
        yield from _leaves(node.head)


def non_trainable(network, aux: bool) -> int:
    """Fixed weights: the RBF centres (in·out) of LeNet-5's output layer."""
    nodes = network.body if aux else _without_aux(network.body)
    return sum(leaf.in_features * leaf.out_features for leaf in _leaves(nodes) if isinstance(leaf, RBF))


def _without_aux(node):
    if isinstance(node, Sequential):
        return Sequential(tuple((n, _without_aux(c)) for n, c in node.children if not isinstance(c, Aux)))
    return node


def memory(s, extra_params: int, itemsize: int) -> dict:
    """torchinfo's estimates, in bytes: input, forward/backward pass, parameters, total."""
    outputs = sum(int(np.prod(r.output_shape)) for r in s.rows)
    mem = {"input": int(np.prod(s.input_size)) * itemsize, "forward_backward": 2 * outputs * itemsize,
           "params": (s.total["params"] + extra_params) * itemsize}
    mem["total"] = sum(mem.values())
    return mem


# -- the table -------------------------------------------------------------------------------------------

def _shape(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _count(value) -> str:
    return "--" if value is None else f"{value:,}"


def _scaled(n: int) -> str:
    for unit, size in (("T", 1e12), ("G", 1e9), ("M", 1e6)):
        if n >= size:
            return f"{n / size:.2f} {unit}"
    return f"{n / 1e6:.2f} M"


def table(s, rows: list[Line] | None = None, non_trainable_params: int = 0, mem: dict | None = None) -> str:
    """The summary as a torchinfo-like text table; columns as wide as their widest cell."""
    rows = rows if rows is not None else lines(s, None, None, False)
    units = "neurons" in s.total
    heads = HEADS + (UNIT_HEADS if units else ())
    cells = []
    for r in rows:
        row = [f"{r.name} ({r.kind}){' [train]' if r.training_only else ''}", _shape(r.output_shape),
               _count(r.params), _count(r.macs)]
        if units:
            row += [_count(r.neurons), _count(r.connections)]
        cells.append(row)
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]

    def line(values):
        cells = enumerate(zip(values, widths, strict=True))
        return "  ".join(v.ljust(w) if i < 2 else v.rjust(w) for i, (v, w) in cells).rstrip()

    total = s.total
    trainable = total["params"]
    footer = [f"Input size: {_shape(s.input_size)}",
              f"Total params: {trainable + non_trainable_params:,}",
              f"Trainable params: {trainable:,}",
              f"Non-trainable params: {non_trainable_params:,}",
              f"Total mult-adds: {total['macs']:,} ({_scaled(total['macs'])})"]
    if units:
        footer += [f"Total neurons: {total['neurons']:,}", f"Total connections: {total['connections']:,}"]
    if mem:
        footer += [f"Input size (MB): {mem['input'] / 1e6:,.2f}",
                   f"Forward/backward pass size (MB): {mem['forward_backward'] / 1e6:,.2f}",
                   f"Params size (MB): {mem['params'] / 1e6:,.2f}",
                   f"Estimated Total Size (MB): {mem['total'] / 1e6:,.2f}"]
    body = [line(heads)] + [line(c) for c in cells]
    width = max(len(x) for x in body + footer)
    rule, thin = "=" * width, "-" * width
    out = [rule, body[0], rule, *body[1:], rule, *footer, thin, *CONVENTIONS]
    if s.notes:
        out += [f"Note: {s.notes}"]
    out.append(rule)
    return "\n".join(out)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.depth is not None and args.depth < 1:
        print("formulary summary: --depth must be at least 1", file=sys.stderr)
        return 2
    network = NETWORKS[args.network]()
    try:
        s = summary(network, args.input_size, args.batch, args.aux)
    except (TypeError, ValueError) as exc:
        print(f"formulary summary: {args.network}: {exc}", file=sys.stderr)
        return 2
    fixed = non_trainable(network, args.aux)
    itemsize = 2 if args.dtype in ("float16", "bfloat16") else np.dtype(args.dtype).itemsize
    mem = memory(s, fixed, itemsize)
    rows = lines(s, network, args.depth, args.aux)
    if args.json:
        doc = s.as_dict()
        if args.depth is not None:
            units = "neurons" in s.total
            doc["layers"] = [{"name": r.name, "type": r.kind, "output_shape": list(r.output_shape), "params": r.params,
                              "macs": r.macs, "training_only": r.training_only,
                              **({"neurons": r.neurons, "connections": r.connections} if units else {})} for r in rows]
        doc["total"].update(trainable_params=s.total["params"], non_trainable_params=fixed,
                            memory_bytes=mem, dtype=args.dtype)
        doc["conventions"] = list(CONVENTIONS)
        print(json.dumps(doc, indent=2))
    else:
        print(table(s, rows, fixed, mem))
    return 0
