"""The judges: every formula of the guide computed with PyTorch (and, in ``oracle``, mpmath).

Same chapter modules and signatures as ``impl``, on torch tensors.  Never imports impl.
"""
