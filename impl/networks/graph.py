"""Networks as data: layer specs wired by sequences, residual additions, concatenations
and training-only side heads; and their layer-by-layer summary.

A network is a tree whose leaves are the specs of :mod:`impl.networks.layers`.  Each
child has a name, and a leaf's dotted path (``layer1.0.conv1``) is the name torch
gives the same module, so a summary can be compared with a torch model row by row.
The summary walks the tree in execution order, as torchinfo does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from impl.conv._args import integer
from impl.networks.layers import Layer
from impl.networks.units import lenet_neurons


@dataclass(frozen=True)
class Sequential:
    """Children run one after the other: ``((name, node), ...)``."""

    children: tuple


@dataclass(frozen=True)
class Residual:
    r"""A residual block: the body and the shortcut (identity when None) are added,
    then ``after`` runs on the sum.

    .. math:: y = \text{after}\bigl(F(x) + S(x)\bigr)

    The body's and ``after``'s children are named directly under the block; the
    shortcut's under ``downsample``, as torchvision names them.
    """

    body: Sequential
    shortcut: Sequential | None
    after: Sequential


@dataclass(frozen=True)
class Concat:
    r"""Branches run on the same input; their outputs are concatenated along channels.

    .. math:: y = [B_1(x); \dots; B_m(x)],\qquad C_\text{out} = \sum_b C_b
    """

    branches: tuple  # ((name, node), ...)


@dataclass(frozen=True)
class Aux:
    """A training-only side head (GoogLeNet's auxiliary classifiers): it reads the
    tensor that passes, leaves it unchanged, and counts only when asked for."""

    head: Sequential


@dataclass(frozen=True)
class Network:
    """A named network: its tree and its default per-sample input size (C, H, W).

    ``units``: its summary also counts neurons and connections by the guide's formulas
    (§8), as the guide does for LeNet-5.
    """

    name: str
    body: Sequential
    input_size: tuple
    notes: str = ""
    units: bool = False


@dataclass(frozen=True)
class Row:
    """One leaf of the summary: what it outputs and what it costs."""

    name: str
    kind: str
    output_shape: tuple
    params: int
    macs: int
    neurons: int | None = None
    connections: int | None = None
    training_only: bool = False

    def as_dict(self, units: bool) -> dict:
        """The row for JSON; ``units`` adds neurons and connections (None where not a layer of units)."""
        out = {"name": self.name, "type": self.kind, "output_shape": list(self.output_shape),
               "params": self.params, "macs": self.macs, "training_only": self.training_only}
        if units:
            out.update(neurons=self.neurons, connections=self.connections)
        return out


@dataclass(frozen=True)
class Summary:
    """The rows of a network on one input size, and their totals."""

    network: str
    input_size: tuple  # (N, C, H, W)
    rows: tuple
    notes: str = ""
    total: dict = field(init=False)

    def __post_init__(self):
        total = {"params": sum(r.params for r in self.rows), "macs": sum(r.macs for r in self.rows)}
        if any(r.neurons is not None for r in self.rows):
            total["neurons"] = sum(r.neurons or 0 for r in self.rows)
            total["connections"] = sum(r.connections or 0 for r in self.rows)
        object.__setattr__(self, "total", total)

    @property
    def output_shape(self) -> tuple:
        return next(r.output_shape for r in reversed(self.rows) if not r.training_only)

    def as_dict(self) -> dict:
        return {"network": self.network, "input_size": list(self.input_size),
                "layers": [r.as_dict("neurons" in self.total) for r in self.rows], "total": dict(self.total),
                "notes": self.notes}


def _row(name: str, layer: Layer, shape: tuple, units: bool, training_only: bool) -> Row:
    out = layer.output_shape(shape)
    neurons = connections = None
    if units and layer.counts_units:
        neurons = lenet_neurons(out[1], *(out[2:] if len(out) == 4 else (1, 1)))
        connections = layer.connections(shape)
    return Row(name, type(layer).__name__, out, layer.params(), layer.macs(shape), neurons, connections, training_only)


def _walk(node, shape: tuple, prefix: str, rows: list, *, units: bool, aux: bool, training_only: bool = False) -> tuple:
    """Append the rows of ``node`` on an input of ``shape``; return its output shape."""
    def at(name):
        return f"{prefix}.{name}" if prefix else name

    if isinstance(node, Layer):
        try:
            rows.append(_row(prefix, node, shape, units, training_only))
        except ValueError as exc:
            raise ValueError(f"{prefix}: {exc}") from None
        return rows[-1].output_shape
    if isinstance(node, Sequential):
        for name, child in node.children:
            shape = _walk(child, shape, at(name), rows, units=units, aux=aux, training_only=training_only)
        return shape
    if isinstance(node, Residual):
        out = _walk(node.body, shape, prefix, rows, units=units, aux=aux, training_only=training_only)
        skip = shape if node.shortcut is None else _walk(node.shortcut, shape, at("downsample"), rows, units=units,
                                                           aux=aux, training_only=training_only)
        if out != skip:
            raise ValueError(f"{prefix}: the body gives {out} but the shortcut {skip}; they cannot be added")
        return _walk(node.after, out, prefix, rows, units=units, aux=aux, training_only=training_only)
    if isinstance(node, Concat):
        outs = [_walk(b, shape, at(name), rows, units=units, aux=aux, training_only=training_only)
                for name, b in node.branches]
        if len({(o[0], *o[2:]) for o in outs}) != 1:
            raise ValueError(f"{prefix}: branch outputs {outs} differ in batch or spatial size")
        return (outs[0][0], sum(o[1] for o in outs), *outs[0][2:])
    if isinstance(node, Aux):
        if aux:
            _walk(node.head, shape, prefix, rows, units=units, aux=aux, training_only=True)
        return shape
    raise TypeError(f"{prefix or 'network'}: {type(node).__name__} is not a layer spec or a network node")


def summary(network: Network, input_size=None, batch: int = 1, aux: bool = False) -> Summary:
    r"""The network's layers on an input of ``(batch, *input_size)``, in execution order:
    output shape, trainable parameters and MACs of each, and the totals.

    ``aux=True`` adds the training-only heads (GoogLeNet's auxiliary classifiers) to the
    rows and totals: the training graph.  A network with ``units`` (LeNet-5) also
    gives each layer of units' neurons and connections per sample, by the guide's
    formulas (§8): neurons = maps × H_out × W_out, connections = the weights and the
    bias wired into each unit, summed over units.

    .. math:: P = \sum_\ell P_\ell,\qquad \text{MACs} = \sum_\ell \text{MACs}_\ell
    """
    if not isinstance(network, Network):
        raise TypeError(f"network must be a Network, got {type(network).__name__}")
    size = network.input_size if input_size is None else input_size
    if not isinstance(size, (tuple, list)) or len(size) != 3:
        raise ValueError(f"input_size must be (C, H, W), got {size!r}")
    shape = (integer(batch, "batch", 1), *(integer(s, "input_size", 1) for s in size))
    rows: list[Row] = []
    _walk(network.body, shape, "", rows, units=network.units, aux=aux)
    return Summary(network.name, shape, tuple(rows), network.notes)
