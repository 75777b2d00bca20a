"""Formulary: the formulas of deep learning from scratch in NumPy, judged against PyTorch."""

__version__ = "0.1.0"
