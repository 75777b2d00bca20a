"""Building and running small ONNX models on the reference evaluator, cached per graph."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from onnx import NodeProto, TensorProto, helper
from onnx.reference import ReferenceEvaluator

OPSET = 24  # Swish arrived in 24; every operator used here is defined there
_ELEM = {np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.float64): TensorProto.DOUBLE,
         np.dtype(np.int64): TensorProto.INT64}
_CACHE: dict[tuple, ReferenceEvaluator] = {}


def node(op: str, inputs: list[str], output: str | list[str] = "y", **attrs) -> NodeProto:
    return helper.make_node(op, inputs, [output] if isinstance(output, str) else output, **attrs)


def const(name: str, value: float, dtype: np.dtype) -> NodeProto:
    """A scalar Constant of ``dtype``: ONNX does not promote, a double graph needs double constants."""
    return helper.make_node("Constant", [], [name], value=helper.make_tensor(name, _ELEM[dtype], [], [value]))


def ints(name: str, values: list[int]) -> NodeProto:
    """A 1-D int64 Constant (a shape for Reshape)."""
    return helper.make_node("Constant", [], [name],
                            value=helper.make_tensor(name, TensorProto.INT64, [len(values)], values))


def names(*arrays) -> list[str]:
    """The input names ``run`` gives ``arrays``: x0, x1, ...; '' (ONNX's absent optional input) for None."""
    return [f"x{i}" if a is not None else "" for i, a in enumerate(arrays)]


def _evaluator(nodes: list[NodeProto], inputs: tuple, outputs: tuple) -> ReferenceEvaluator:
    # NodeProto is unhashable: the serialized graph is the cache key
    key = (tuple(n.SerializeToString() for n in nodes), inputs, outputs)
    if key not in _CACHE:
        graph = helper.make_graph(
            nodes, "formulary_peer", [helper.make_tensor_value_info(n, _ELEM[dt], None) for n, dt in inputs],
            # the evaluator does not read output types; pooling's indices are int64 beside a float output
            [helper.make_tensor_value_info(n, TensorProto.UNDEFINED, None) for n in outputs])
        _CACHE[key] = ReferenceEvaluator(helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)]))
    return _CACHE[key]


def run(build: Callable[[np.dtype], list[NodeProto]], *arrays, outputs: tuple[str, ...] = ("y",)):
    """Evaluate the graph ``build(dtype)`` -- nodes from inputs x0, x1, ... to ``outputs`` -- on ``arrays``.

    ``dtype`` is x0's.  An array given as None is not an input of the graph (the nodes
    name it '', see :func:`names`).  Returns the one output, or a tuple of them.
    """
    arrays = [None if a is None else np.asarray(a) for a in arrays]
    dtype = arrays[0].dtype
    if dtype not in _ELEM or dtype.kind != "f":
        raise TypeError(f"input must be float32 or float64 for ONNX, got {dtype}")
    feeds = {f"x{i}": a for i, a in enumerate(arrays) if a is not None}
    for name, a in feeds.items():
        if a.dtype not in _ELEM:
            raise TypeError(f"{name} must be float32, float64 or int64 for ONNX, got {a.dtype}")
    signature = tuple((name, a.dtype) for name, a in feeds.items())
    results = _evaluator(build(dtype), signature, tuple(outputs)).run(None, feeds)
    return results[0] if len(outputs) == 1 else tuple(results)


def unary(op: str, **attrs) -> Callable[[np.dtype], list[NodeProto]]:
    """The one-node graph ``y = op(x0)``."""
    return lambda dtype: [node(op, ["x0"], **attrs)]
