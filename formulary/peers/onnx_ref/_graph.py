"""Building and running small ONNX models on the reference evaluator, cached per graph."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from onnx import NodeProto, TensorProto, helper
from onnx.reference import ReferenceEvaluator

OPSET = 24  # Swish arrived in 24; every operator used here is defined there
_ELEM = {np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.float64): TensorProto.DOUBLE}
_CACHE: dict[tuple, ReferenceEvaluator] = {}


def node(op: str, inputs: list[str], output: str = "y", **attrs) -> NodeProto:
    return helper.make_node(op, inputs, [output], **attrs)


def const(name: str, value: float, dtype: np.dtype) -> NodeProto:
    """A scalar Constant of ``dtype``: ONNX does not promote, a double graph needs double constants."""
    return helper.make_node("Constant", [], [name], value=helper.make_tensor(name, _ELEM[dtype], [], [value]))


def _evaluator(nodes: list[NodeProto], n_inputs: int, dtype: np.dtype) -> ReferenceEvaluator:
    # NodeProto is unhashable: the serialized graph is the cache key
    key = (tuple(n.SerializeToString() for n in nodes), n_inputs, dtype)
    if key not in _CACHE:
        elem = _ELEM[dtype]
        inputs = [helper.make_tensor_value_info(f"x{i}", elem, None) for i in range(n_inputs)]
        graph = helper.make_graph(nodes, "formulary_peer", inputs, [helper.make_tensor_value_info("y", elem, None)])
        _CACHE[key] = ReferenceEvaluator(helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)]))
    return _CACHE[key]


def run(build: Callable[[np.dtype], list[NodeProto]], *arrays) -> np.ndarray:
    """Evaluate the graph ``build(dtype)`` -- nodes from inputs x0, x1, ... to output y -- on ``arrays``."""
    arrays = [np.asarray(a) for a in arrays]
    dtype = arrays[0].dtype
    if dtype not in _ELEM:
        raise TypeError(f"input must be float32 or float64 for ONNX, got {dtype}")
    return _evaluator(build(dtype), len(arrays), dtype).run(None, {f"x{i}": a for i, a in enumerate(arrays)})[0]


def unary(op: str, **attrs) -> Callable[[np.dtype], list[NodeProto]]:
    """The one-node graph ``y = op(x0)``."""
    return lambda dtype: [node(op, ["x0"], **attrs)]
