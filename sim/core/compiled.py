"""The compiled kernels (:mod:`sim.core.kernels`), loaded the first time a large block needs them.

numba takes a quarter of a second to import and some 200 MiB of memory to run, which a
one-world run, ``validate`` or the dashboard should not pay; a block of more than
:data:`LARGE_BLOCK` worlds gains far more than that from one-pass kernels. Where numba
cannot be imported, the numpy code runs instead, with the same numbers.
"""

from __future__ import annotations

from functools import cache
from types import ModuleType

#: Blocks of more worlds than this use the compiled kernels.
LARGE_BLOCK = 4096


@cache
def kernels() -> ModuleType | None:
    """Return :mod:`sim.core.kernels`, or None where numba cannot be imported."""
    try:
        from sim.core import kernels as compiled  # numba: imported on first need only
    except ImportError:
        return None
    return compiled


def kernels_for(worlds: int) -> ModuleType | None:
    """Return the kernels if a block of ``worlds`` worlds should use them, else None."""
    return kernels() if worlds > LARGE_BLOCK else None
