"""Work split over numba threads (kernels/_linalg.py p*, optimizer updates):
the same numbers as the serial path, whatever the split, and a policy that
only splits big work on a machine with a core to spare."""
from __future__ import annotations

import numpy as np
import pytest

from shapecheck.runtime import optimizer_kernels as ok
from shapecheck.runtime.kernels import _blas, _linalg
from shapecheck.runtime.kernels import activations as act
from shapecheck.runtime.kernels.core import dense_backward, dense_forward


RNG = np.random.default_rng(7)


def _mat(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize("m,k,n", [(128, 784, 512), (512, 512, 10), (7, 33, 5), (1, 16, 3), (3, 1, 1)])
def test_split_products_match_serial(m, k, n):
    rng = np.random.default_rng(m * 100_000 + k * 100 + n)
    x, w, b, dz = (rng.standard_normal(s).astype(np.float32) for s in ((m, k), (k, n), (n,), (m, n)))
    ref_z = dense_forward(x, w, b)
    ref_dw, ref_db, ref_dx = dense_backward(x, w, dz, True, True)
    # Each output element is one dot product computed by one thread: the
    # split changes which thread, never the order of the sum -- exactly so
    # where BLAS runs its GEMM kernels; a product of a few elements may be
    # summed by a dot or gemv kernel instead, in another order.
    if m * k * n >= 1000:
        same = np.testing.assert_array_equal
    else:
        def same(a, ref):
            np.testing.assert_allclose(a, ref, rtol=1e-6, atol=1e-6)
    same(_linalg.plinear(x, w, b, False, 2), ref_z)
    for nt in (2, 3):
        same(_linalg.plinear_rows(x, w, b, False, nt), ref_z)
    for nt in (2, 3):
        dw, db, dx = _linalg.plinear_backward(x, w, dz, dz, False, True, True, nt)
        same(dw, ref_dw)
        same(dx, ref_dx)
        np.testing.assert_allclose(db, ref_db, rtol=1e-6, atol=1e-6)
    dw, db, dx = _linalg.plinear_backward(x, w, dz, dz, False, False, False, 2)
    same(dw, ref_dw)
    assert db.shape == (0,) and dx.shape == (0, k)
    np.testing.assert_allclose(ref_z, x.astype(np.float64) @ w + b, rtol=1e-4, atol=1e-4)


def test_split_products_fuse_relu():
    """The threads add the bias and apply relu (forward) and take its
    gradient (backward) on their own columns: the same numbers as the serial
    product followed by the activation's separate passes."""
    code = act.RELU
    x, w, b = _mat(128, 96), _mat(96, 48), _mat(48)  # shares of whole 16-column blocks
    dy = _mat(128, 48)
    z_ref = dense_forward(x, w, b)
    y_ref = act.apply(code, z_ref)
    y = _linalg.plinear(x, w, b, True, 2)
    np.testing.assert_array_equal(y, y_ref)
    np.testing.assert_array_equal(_linalg.plinear_rows(x, w, b, True, 3), y_ref)
    dz_ref = act.gradient(code, z_ref, y_ref, dy)
    ref_dw, ref_db, ref_dx = dense_backward(x, w, dz_ref, True, True)
    for nt in (2, 3):
        dw, db, dx = _linalg.plinear_backward(x, w, dy, y, True, True, True, nt)
        np.testing.assert_array_equal(dw, ref_dw)
        np.testing.assert_array_equal(dx, ref_dx)
        np.testing.assert_allclose(db, ref_db, rtol=1e-6, atol=1e-6)


def test_dense_layer_split_and_serial_agree(monkeypatch):
    """Through the Dense kernel: split (fused activation) and serial paths give
    the same output and gradients (up to the products' rounding), for relu
    (fused), other activations and softmax (applied apart)."""
    from shapecheck.runtime.kernels import core
    k = core.DenseKernel()
    x, w, b = _mat(64, 40), _mat(40, 32), _mat(32)
    dy = _mat(64, 32)
    for name in ("relu", "gelu", "tanh", "softmax", None):
        cfg = {"activation": name, "use_bias": True}
        got = {}
        for split in (False, True):
            monkeypatch.setattr(core, "split_pays", lambda macs, single=False, split=split: split)
            monkeypatch.setattr(core, "compute_threads", lambda: 2)
            (y_inf,), _ = k.forward(cfg, {"kernel": w, "bias": b}, [x], False, None)  # inference: rows split
            (y,), cache = k.forward(cfg, {"kernel": w, "bias": b}, [x], True, None)
            np.testing.assert_allclose(y_inf, y, rtol=1e-5, atol=1e-5)
            (dx,), grads = k.backward(cfg, {"kernel": w, "bias": b}, cache, [dy])
            got[split] = (y.copy(), dx, grads["kernel"], grads["bias"])
        for a, c in zip(got[False], got[True]):
            np.testing.assert_allclose(a, c, rtol=1e-5, atol=1e-5)  # (np.dot and the shares' GEMMs sum alike only mostly)


KINDS = [
    ("adam", lambda w, g, s1, s2: ok.adam_update(w, g, s1, s2, np.array([1e-3, 0.1, 0.001, 1e-7], np.float32))),
    ("sgd", lambda w, g, s1, s2: ok.sgd_step(w, g, np.float32(0.01))),
    ("momentum", lambda w, g, s1, s2: ok.sgd_momentum_step(w, g, s1, np.float32(0.01), np.float32(0.9), False)),
    ("nesterov", lambda w, g, s1, s2: ok.sgd_momentum_step(w, g, s1, np.float32(0.01), np.float32(0.9), True)),
    ("rmsprop", lambda w, g, s1, s2: ok.rmsprop_step(w, g, s1, np.float32(0.9), np.float32(0.1), np.float32(1e-3), np.float32(1e-7))),
    ("adagrad", lambda w, g, s1, s2: ok.adagrad_step(w, g, np.abs(s1), np.float32(1e-3), np.float32(1e-7))),
]


@pytest.mark.parametrize("name,step", KINDS, ids=[k[0] for k in KINDS])
def test_split_optimizer_updates_match_serial(monkeypatch, name, step):
    shape = (517, 263)  # > SPLIT_MIN_ELEMENTS, and not a multiple of the thread count
    assert np.prod(shape) >= _blas.SPLIT_MIN_ELEMENTS
    base = [_mat(*shape) for _ in range(4)]
    base[3] = np.abs(base[3])  # a second moment is never negative
    results = {}
    for split in (False, True):
        monkeypatch.setattr(ok, "split_elements_pays", lambda n, split=split: split)
        monkeypatch.setattr(ok, "compute_threads", lambda: 3)  # uneven shares, whatever the machine
        arrays = [a.copy() for a in base]
        for _ in range(3):
            step(*arrays)
        results[split] = arrays
    for serial, split in zip(results[False], results[True]):
        np.testing.assert_array_equal(serial, split)
    assert not np.array_equal(results[True][0], base[0])  # the update did something


def test_adam_update_is_keras_formula():
    w, g, m, v = _mat(300), _mat(300), np.zeros(300, np.float32), np.zeros(300, np.float32)
    w0 = w.copy()
    ok.adam_update(w, g, m, v, np.array([0.5, 0.1, 0.001, 1e-7], np.float32))
    m_ref = 0.1 * g
    v_ref = 0.001 * g * g
    np.testing.assert_allclose(m, m_ref, rtol=1e-6)
    np.testing.assert_allclose(v, v_ref, rtol=1e-6)
    np.testing.assert_allclose(w, w0 - 0.5 * m_ref / (np.sqrt(v_ref) + 1e-7), rtol=1e-5, atol=1e-6)


def test_split_workers_flush_subnormals_like_the_caller():
    """Under flush-to-zero (as `shapecheck run` computes), the worker threads
    must flush too: products of 1e-20 * 1e-20 are subnormal."""
    from shapecheck.runtime.fpmode import flushed
    x = np.full((64, 32), 1e-20, np.float32)
    w = np.full((32, 16), 1e-20, np.float32)
    dz = np.full((64, 16), 1e-20, np.float32)
    with flushed():
        z = _linalg.plinear(x, w, np.zeros(0, np.float32), False, 2)
        dw, _, dx = _linalg.plinear_backward(x, w, dz, dz, False, False, True, 2)
        ref = dense_forward(x, w, np.zeros(0, np.float32))
    assert not ref.any() and not z.any() and not dw.any() and not dx.any()
    assert _linalg.plinear(x, w, np.zeros(0, np.float32), False, 2).min() > 0  # not flushed outside


def test_split_policy(monkeypatch):
    monkeypatch.setattr(_blas, "_cores_free", lambda: True)
    monkeypatch.setattr(_blas, "compute_threads", lambda: 2)
    assert _blas.split_pays(128 * 784 * 512)
    assert not _blas.split_pays(128 * 512 * 10)  # too small to pay for a second thread
    assert _blas.split_pays(128 * 1600 * 10) and not _blas.split_pays(128 * 1600 * 10, single=True)
    assert _blas.split_elements_pays(784 * 512)
    assert not _blas.split_elements_pays(512)
    monkeypatch.setattr(_blas, "_cores_free", lambda: False)  # the other core is busy
    assert not _blas.split_pays(128 * 784 * 512)
    monkeypatch.setattr(_blas, "_cores_free", lambda: True)
    monkeypatch.setattr(_blas, "compute_threads", lambda: 1)  # SHAPECHECK_THREADS=1
    assert not _blas.split_pays(128 * 784 * 512)


def test_only_the_main_thread_splits(monkeypatch):
    import threading
    monkeypatch.setattr(_blas, "_cores_free", lambda: True)
    monkeypatch.setattr(_blas, "compute_threads", lambda: 2)
    seen = []
    t = threading.Thread(target=lambda: seen.append(_blas.split_pays(128 * 784 * 512)))
    t.start()
    t.join()
    assert seen == [False] and _blas.split_pays(128 * 784 * 512)


def test_configured_threads(monkeypatch):
    import numba
    top = numba.config.NUMBA_NUM_THREADS
    monkeypatch.setenv("SHAPECHECK_THREADS", "1")
    assert _blas._configured_threads() == 1
    monkeypatch.setenv("SHAPECHECK_THREADS", "999")
    assert _blas._configured_threads() == top
    monkeypatch.setenv("SHAPECHECK_THREADS", "two")
    assert _blas._configured_threads() == top


def test_cores_free_reads_other_processes_cpu(monkeypatch):
    samples = iter([(0.0, 100.0, 5.0), (1.0, 101.9, 6.0), (2.0, 102.4, 6.4)])
    monkeypatch.setattr(_blas, "_cpu_sample", lambda: next(samples))
    monkeypatch.setattr(_blas, "_last", [None, True])
    monkeypatch.setattr(_blas.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(_blas.os, "getloadavg", lambda: (0.2, 0.2, 0.2))
    assert _blas._cores_free()  # first look: the load average
    # Next second: the machine was busy 1.9 s, this process 1.0 s -> others 0.9 cores.
    assert not _blas._cores_free()
    # Then busy 0.5 s, this process 0.4 s -> others 0.1 cores: one core and more is free.
    assert _blas._cores_free()


@pytest.mark.parametrize("split", [False, True])
def test_updates_with_embedding_squares(monkeypatch, split):
    """An Embedding's squared gradient comes as per-lookup sums (`sq`), used
    in place of g*g; the result must match the formula with sq, split or not."""
    monkeypatch.setattr(ok, "split_elements_pays", lambda n: split)
    monkeypatch.setattr(ok, "compute_threads", lambda: 3)
    ids = RNG.integers(0, 400, 900)
    d = _mat(900, 400)
    sq = ok.row_squares(ids, d, 400)
    ref = np.zeros((400, 400), np.float64)
    np.add.at(ref, ids, d.astype(np.float64) ** 2)
    np.testing.assert_allclose(sq, ref, rtol=1e-5)
    g = np.zeros((400, 400), np.float32)
    np.add.at(g, ids, d)
    w = _mat(400, 400)
    m, v = np.zeros_like(w), np.zeros_like(w)
    w0 = w.copy()
    ok.adam_update(w, g, m, v, np.array([0.01, 0.1, 0.001, 1e-7], np.float32), sq=sq)
    np.testing.assert_allclose(v, 0.001 * sq, rtol=1e-6)
    np.testing.assert_allclose(w, w0 - 0.01 * (0.1 * g) / (np.sqrt(0.001 * sq) + 1e-7), rtol=1e-4, atol=1e-6)
    acc = np.full_like(w, 0.1)
    w1 = w.copy()
    ok.adagrad_step(w, g, acc, np.float32(0.01), np.float32(1e-7), sq=sq)
    np.testing.assert_allclose(acc, 0.1 + sq, rtol=1e-6)
    np.testing.assert_allclose(w, w1 - 0.01 * g / np.sqrt(0.1 + sq + 1e-7), rtol=1e-4, atol=1e-6)


def test_share_threads_take_the_callers_fp_mode():
    from shapecheck.runtime.fpmode import flushed
    from shapecheck.runtime.kernels import _fpthreads, _shares
    seen = {}

    def share(t):
        seen[t] = _fpthreads.current() & 0x8040

    with flushed():
        _shares.run_shares(3, share)
    assert seen == {0: 0x8040, 1: 0x8040, 2: 0x8040}
    _shares.run_shares(2, share)
    assert seen[1] == _fpthreads.current() & 0x8040


@pytest.mark.parametrize("kind", ["adam", "rmsprop", "adagrad"])
def test_split_update_with_embedding_squares_matches_serial(monkeypatch, kind):
    """An Embedding's per-lookup squares (``sq``) go through the split update
    by the same rows as the weight."""
    shape = (1000, 150)  # > SPLIT_MIN_ELEMENTS
    rng = np.random.default_rng(3)
    w0, g, s1 = (rng.standard_normal(shape).astype(np.float32) for _ in range(3))
    sq = np.abs(rng.standard_normal(shape)).astype(np.float32)
    results = []
    for split in (False, True):
        monkeypatch.setattr(ok, "split_elements_pays", lambda n, split=split: split)
        monkeypatch.setattr(ok, "compute_threads", lambda: 3)
        w, m, v = w0.copy(), np.abs(s1), np.abs(s1) * 2
        if kind == "adam":
            ok.adam_update(w, g, m, v, np.array([1e-3, 0.1, 0.001, 1e-7], np.float32), sq=sq)
        elif kind == "rmsprop":
            ok.rmsprop_step(w, g, m, np.float32(0.9), np.float32(0.1), np.float32(1e-3), np.float32(1e-7), sq=sq)
        else:
            ok.adagrad_step(w, g, m, np.float32(1e-3), np.float32(1e-7), sq=sq)
        results.append((w, m, v))
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(results[0][0], w0)
