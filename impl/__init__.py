"""The candidate: every formula of the guide from scratch in NumPy.

One module per chapter; imports numpy and the standard library only.
"""
