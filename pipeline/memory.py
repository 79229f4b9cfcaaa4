"""Giving freed memory back to the system between a run's stages.

glibc's malloc keeps the pages of freed blocks for reuse (Python's own allocator hands it every
object above 512 bytes: most texts of a dispatch), so a stage that briefly held a large register's
rows leaves the process that much larger for the rest of the run. `malloc_trim` returns the whole
free pages; elsewhere (another C library) this does nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import lru_cache
from typing import Callable, Optional


def release() -> None:
    """Collect garbage cycles and hand whole free pages back to the system."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim() -> Optional[Callable[[int], int]]:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc
        return None
