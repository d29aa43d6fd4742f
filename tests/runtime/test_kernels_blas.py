"""The BLAS thread switch: off by default, raises the thread count only
around big products when SHAPECHECK_BLAS_THREADS asks for it."""
import ctypes

import pytest

from shapecheck.runtime.kernels import _blas


def _get_threads():
    setter = _blas._find_setter()
    if setter is None:
        pytest.skip("scipy's OpenBLAS symbols are not available here")
    lib = ctypes.CDLL(_lib_path())
    fn = getattr(lib, "scipy_openblas_get_num_threads", None) or getattr(lib, "openblas_get_num_threads")
    fn.restype = ctypes.c_int
    return fn()


def _lib_path():
    import glob
    import os

    import scipy

    return sorted(glob.glob(os.path.join(os.path.dirname(scipy.__file__), os.pardir, "scipy.libs", "libscipy_openblas*.so*")))[0]


def test_default_never_switches(monkeypatch):
    monkeypatch.delenv("SHAPECHECK_BLAS_THREADS", raising=False)
    before = _get_threads()
    with _blas.threads_for(10**9):
        assert _get_threads() == before


def test_big_products_get_the_requested_threads(monkeypatch):
    monkeypatch.setenv("SHAPECHECK_BLAS_THREADS", "2")
    monkeypatch.setattr(_blas, "_BASELINE", 1)
    with _blas.threads_for(_blas.BIG_GEMM_MACS - 1):
        assert _get_threads() == 1
    with _blas.threads_for(_blas.BIG_GEMM_MACS):
        assert _get_threads() == 2
    assert _get_threads() == 1
