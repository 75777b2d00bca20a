"""numpy-ml's neural-network code (package ``numpy-ml``) as a candidate: its activations,
layers, losses and optimizers under impl's module and function names.

numpy-ml 0.1.2 (2020, its latest release) installs with NumPy 2 but ``import numpy_ml``
fails on Python >= 3.10: ``numpy_ml/utils/data_structures.py`` does
``from collections import Hashable``, removed from ``collections`` in 3.10, and the
package's ``__init__`` imports every subpackage (and warns about the missing ``gym``);
so does ``numpy_ml.neural_nets``'s (through ``models.w2v``), and ``numpy_ml.utils``'s.
The files the adapters need import nothing of that, so :func:`load` imports them,
unchanged, under a private alias of the package (``_numpy_ml``) whose three offending
``__init__`` files are never run: their packages are stand-ins that only say where the
files are, and numpy-ml's relative imports (``from ..utils import conv2D``) resolve
through them.

    formulary check --candidate formulary.peers.numpy_ml --only act.sigmoid
"""

from __future__ import annotations

import functools
import importlib
import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ALIAS = "_numpy_ml"  # never "numpy_ml": a real `import numpy_ml` elsewhere must not get the stand-in
SKIPPED = ("", "neural_nets", "utils")  # packages whose __init__ reaches utils/data_structures.py


def _stand_in(name: str, path: Path) -> None:
    """An empty package ``name`` that finds its submodules in ``path``, its ``__init__`` not run."""
    spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
    spec.submodule_search_locations = [str(path)]
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module


@functools.cache
def _package() -> str:
    """The alias of numpy-ml's package, its stand-ins registered on first use."""
    spec = importlib.util.find_spec("numpy_ml")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("numpy-ml is not installed (pip install numpy-ml)")
    root = Path(spec.submodule_search_locations[0])
    for sub in SKIPPED:
        _stand_in(".".join(filter(None, (ALIAS, sub))), root / sub)
    return ALIAS


@functools.cache
def load(relative: str) -> ModuleType:
    """numpy-ml's ``numpy_ml/<relative>.py`` (e.g. ``neural_nets/layers/layers``), imported unchanged."""
    return importlib.import_module(f"{_package()}.{relative.replace('/', '.')}")


def refusing(fn):
    """``fn`` with numpy-ml's own ``assert`` checks raised as ValueError.

    numpy-ml validates with ``assert`` (``is_stochastic``, ``calc_pad_dims_2D``, a
    frozen layer); an AssertionError leaving a candidate would read as a failed check
    with, often, no message, instead of the refusal it is.
    """
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except AssertionError as exc:
            raise ValueError(f"numpy-ml refused: {exc or 'an assert failed'}") from exc
    return wrapper
