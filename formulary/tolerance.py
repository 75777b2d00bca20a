"""The tolerance policy: torch.testing.assert_close's defaults, and a record's overrides.

One home for it, below both the record and the comparison, so neither imports the other
for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# torch.testing.assert_close's defaults, per dtype.
DEFAULT_RTOL = {np.dtype(np.float32): 1.3e-6, np.dtype(np.float64): 1e-7}
DEFAULT_ATOL = {np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-7}


@dataclass(frozen=True)
class Tolerance:
    """rtol/atol for one dtype; anything looser than torch's default needs a reason."""

    rtol: float
    atol: float
    reason: str = ""

    @classmethod
    def default(cls, dtype) -> Tolerance:
        dtype = np.dtype(dtype)
        return cls(DEFAULT_RTOL[dtype], DEFAULT_ATOL[dtype])

    def looser_than_default(self, dtype) -> bool:
        d = self.default(dtype)
        return self.rtol > d.rtol or self.atol > d.atol
