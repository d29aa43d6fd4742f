"""Keep freed batch-sized buffers in the process instead of handing them
back to the kernel.

glibc serves a large ``malloc`` (numpy's arrays: a conv layer's 11 MB output,
a pooling gradient's zeros) with a fresh ``mmap`` and ``munmap``s it when
freed, or trims the heap top once more than twice the last such size is
free; either way the next batch's buffer of the same size starts as untouched
pages, and every 4 KB page costs a fault on first write.  On the convnet
benchmark those faults were a fifth of a training step's CPU time (10 steps:
0.45 s -> 0.36 s with the thresholds below; the max-pool backward's np.zeros
of 11 MB alone took 3.8 ms per step instead of 1.1).

So: arrays up to ``MMAP_THRESHOLD`` come from the heap, and the heap is
trimmed only past ``TRIM_THRESHOLD`` free.  Peak memory is then held until
exit, as deep learning frameworks' caching allocators do.  A user who set
glibc's own MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ keeps them;
elsewhere than glibc this does nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os

import numpy as np

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 64 << 20
TRIM_THRESHOLD = 512 << 20

_done = []


def keep_freed_buffers() -> bool:
    """Set the thresholds once; whether glibc took them."""
    if _done:
        return _done[0]
    ok = False
    if not (os.environ.get("MALLOC_MMAP_THRESHOLD_") or os.environ.get("MALLOC_TRIM_THRESHOLD_")):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            mallopt = libc.mallopt
            mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
            mallopt.restype = ctypes.c_int
            ok = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
        except (OSError, AttributeError):
            ok = False
    _done.append(ok)
    return ok


# -- 64-byte aligned arrays ------------------------------------------------------
# Once the heap serves large arrays (above), their data starts 16 bytes past a
# 64-byte boundary as often as not, and every AVX-512 load of an element-wise
# loop then straddles two cache lines: a split Adam update of a 784 x 512
# kernel took 147 us on misaligned arrays and 105 us on aligned ones.  Weights
# and optimizer slots, which those loops stream every step, are made aligned.
ALIGN = 64


def _aligned_empty(shape, dtype) -> np.ndarray:
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    buf = np.empty(nbytes + ALIGN, dtype=np.uint8)
    off = -buf.ctypes.data % ALIGN
    return buf[off:off + nbytes].view(dtype).reshape(shape)


def aligned_array(value, dtype=None):
    """A C-contiguous copy of ``value`` whose data starts on an ALIGN boundary."""
    src = np.asarray(value, dtype=dtype)
    if src.ndim == 0 or src.dtype.hasobject:
        return np.array(src)
    out = _aligned_empty(src.shape, src.dtype)
    out[...] = src
    return out


def aligned_full_like(a, fill=0.0):
    out = _aligned_empty(np.shape(a), np.asarray(a).dtype)
    out.fill(fill)
    return out
