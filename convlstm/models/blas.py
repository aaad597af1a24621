"""One BLAS thread for the small-matrix work of the statistical models.

Their likelihoods and filters multiply tiny matrices thousands of times; several BLAS
threads make that slower, not faster (and several times slower on a busy machine).
"""

from __future__ import annotations

import contextlib
from typing import Any

__all__ = ["one_blas_thread"]


def one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    """Limit BLAS to one thread while in the block (a no-op without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")
