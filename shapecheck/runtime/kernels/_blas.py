"""How many threads the one BLAS (scipy's OpenBLAS, which numba's np.dot
calls) may use, per call.

On this class of machine (2 cores) a large GEMM (the MLP's 128x784x512)
runs ~1.5-1.7x faster on two threads, while a small one (an LSTM step's
64x64x256) runs many times slower: waking the second thread costs more than
the product.  So the library stays at one thread (``OPENBLAS_NUM_THREADS=1``
unless the user set it) and kernels may raise it around the products big
enough to pay, through ``openblas_set_num_threads``.

That is opt-in: ``SHAPECHECK_BLAS_THREADS=2``.  After a threaded product
OpenBLAS's worker spins for a while waiting for more work; on a machine
whose other core is busy that spinning takes the core from the next small
products (measured: an LSTM training step 10x slower), so the default is 1
(no switching).  Models made only of big products (an MLP) gain from 2 on
an otherwise idle machine.  Where the OpenBLAS symbols cannot be found
(another BLAS, another platform) this is a no-op.
"""
from __future__ import annotations

import ctypes
import glob
import os
from contextlib import contextmanager

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

BIG_GEMM_MACS = 16_000_000  # multiply-adds from which two threads pay off

_setter = None
_loaded = False
try:
    _BASELINE = max(1, int(os.environ["OPENBLAS_NUM_THREADS"]))
except ValueError:
    _BASELINE = 1


def big_threads() -> int:
    try:
        return max(1, int(os.environ.get("SHAPECHECK_BLAS_THREADS", "1")))
    except ValueError:
        return 1


def _find_setter():
    global _setter, _loaded
    if _loaded:
        return _setter
    _loaded = True
    try:
        import scipy
        import scipy.linalg.cython_blas  # noqa: F401  (loads the library numba uses)
    except ImportError:
        return None
    base = os.path.dirname(scipy.__file__)
    for path in sorted(glob.glob(os.path.join(base, os.pardir, "scipy.libs", "libscipy_openblas*.so*"))):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in ("scipy_openblas_set_num_threads", "openblas_set_num_threads"):
            fn = getattr(lib, name, None)
            if fn is not None:
                fn.argtypes = [ctypes.c_int]
                fn.restype = None
                _setter = fn
                return fn
    return None


@contextmanager
def threads_for(macs: int):
    """Run the enclosed products on ``big_threads()`` threads when they are
    big (``macs`` multiply-adds for the largest one), else unchanged."""
    n = big_threads()
    setter = _find_setter() if n > _BASELINE and macs >= BIG_GEMM_MACS else None
    if setter is None:
        yield
        return
    setter(n)
    try:
        yield
    finally:
        setter(_BASELINE)
