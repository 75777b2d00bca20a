"""The candidate: every formula of the guide from scratch in NumPy.

One module per chapter; imports numpy and the standard library only.

What impl takes: torch's names, signatures and input forms (unbatched inputs,
shorthand tuples, empty batches, 0-d arrays, every ``reduction``; derived case by
case from torch's documentation in ``docs/input-surface.md``) on float32 and float64
NumPy arrays.  **Integer inputs are out of scope** (this is the one place that says
so): torch computes some formulas on integer tensors (``conv2d`` on int64, say); impl
computes in float32 and float64 only and raises a ``TypeError`` naming the argument for
an integer or bool array (or float16, bfloat16, complex) where a float one is expected.  Integer *data* keep their
meaning: class-index targets, ``max_pool2d``'s indices, counts and sizes.
"""
