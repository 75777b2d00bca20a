"""ONNX's reference evaluator (``onnx.reference.ReferenceEvaluator``, package ``onnx``) as a candidate.

Each function builds a small ONNX model -- one node where ONNX has the operator, or
the few nodes ``torch.onnx`` exports for it -- and runs it on the reference evaluator.
ONNX graphs have no backward, so no ``*_backward`` is offered: the records run forward
only against this peer.

    formulary check --candidate formulary.peers.onnx_ref --only act.sigmoid
"""
