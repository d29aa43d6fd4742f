"""A kernel's work split in shares over Python threads, for the kernels
whose numba functions release the GIL (``nogil=True``): conv_blocks and
pooling.

Why not numba's ``prange`` as the products in _linalg do: each parallel
function is one more compiled region, and the convolution and pooling ones
(forward, backward, pool, unpool) took 6.6 s of CPU to compile on a cold
cache, more than the serial kernels themselves; the first epoch of a fresh
install paid them all.  Here the serial function compiled once serves every
share.  Pool threads block on a queue when idle (they do not spin), and a
launch costs tens of microseconds against the milliseconds of a share.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from . import _fpthreads as _fp

_pool = None
_lock = threading.Lock()


def _executor(workers: int) -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None or _pool._max_workers < workers:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="shapecheck-share")
        return _pool


def ranges(n: int, nt: int):
    """[lo, hi) of each of nt shares of n items, in order (some may be empty)."""
    step = -(-n // max(1, nt))
    return [(min(n, t * step), min(n, (t + 1) * step)) for t in range(nt)]


def run_shares(nt: int, share) -> None:
    """share(t) for t in range(nt): share 0 on the calling thread, the others
    on pool threads; returns once all are done, raising the first error."""
    if nt <= 1:
        share(0)
        return
    mode = _fp.current()

    def in_callers_mode(t):
        # pool threads keep the default MXCSR: take the caller's FTZ/DAZ, so a
        # share computes what the serial kernel would (see _fpthreads)
        prev = _fp.enter(mode)
        try:
            share(t)
        finally:
            _fp.leave(prev)

    futures = [_executor(nt - 1).submit(in_callers_mode, t) for t in range(1, nt)]
    error = None
    try:
        share(0)
    except BaseException as exc:  # wait for the other shares before raising
        error = exc
    for f in futures:
        try:
            f.result()
        except BaseException as exc:
            error = error or exc
    if error is not None:
        raise error
