"""numpy-ml's activations (``numpy_ml.neural_nets.activations``, package ``numpy-ml``) as a candidate.

numpy-ml 0.1.2 (2020, its latest release) installs with NumPy 2 but ``import numpy_ml``
fails on Python >= 3.10: ``numpy_ml/utils/data_structures.py`` does
``from collections import Hashable``, removed from ``collections`` in 3.10, and the
package's ``__init__`` imports every subpackage (and warns about the missing ``gym``).
The activations module itself needs nothing but NumPy, so :func:`load` executes that
one file, unchanged, without running the package's ``__init__``.

Its backward passes are the activations' own ``grad(x)`` times the upstream gradient,
as numpy-ml's layers use them.

    formulary check --candidate formulary.peers.numpy_ml --only act.sigmoid
"""

from __future__ import annotations

import importlib.util
from functools import cache
from types import ModuleType


@cache
def load(relative: str) -> ModuleType:
    """Execute ``numpy_ml/<relative>.py`` as a module of its own, bypassing the package's ``__init__``."""
    spec = importlib.util.find_spec("numpy_ml")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("numpy-ml is not installed (pip install numpy-ml)")
    path = f"{spec.submodule_search_locations[0]}/{relative}.py"
    module_spec = importlib.util.spec_from_file_location(f"_numpy_ml_{relative.replace('/', '_')}", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module
