"""Flush-to-zero for the runtime's thread, as TensorFlow's CPU kernels run.

Values in float32's subnormal range (below 1.18e-38) cost ~100x per operation
on x86; a network that grows confident produces them (softmax tails, decayed
optimizer slots) and an MLP's second epoch then took twice the first.  Setting
the SSE control register's FTZ and DAZ bits makes NumPy, numba and OpenBLAS
(all on this thread) treat them as zero.  x86-64 only; elsewhere a no-op.
"""
from __future__ import annotations

import contextlib

_FTZ_DAZ = 0x8040


@contextlib.contextmanager
def flushed():
    """FTZ/DAZ on the calling thread for the duration (x86-64; elsewhere a
    no-op).  Restored afterwards: the flag is process state other code (test
    libraries, the user's own numerics) may rely on.  Split kernels hand the
    mode to their worker threads (kernels/_fpthreads.py)."""
    prev = None
    try:
        from .kernels import _fpthreads as fp

        if fp.X86:
            prev = fp.enter(fp.current() | _FTZ_DAZ)
    except Exception:  # an unusual numba/llvmlite: keep IEEE behaviour
        prev = None
    try:
        yield prev is not None
    finally:
        if prev is not None:
            fp.leave(prev)
