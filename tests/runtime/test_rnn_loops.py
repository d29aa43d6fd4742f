"""The recurrent layers' batch-split loops (kernels/rnn_loops.py): against a
float64 NumPy reference, the inference path against the training path, and
the batch shared out over threads (uneven shares, a batch of one) against
one thread."""
import os

os.environ.setdefault("NUMBA_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from numba import njit, prange  # noqa: E402

from shapecheck.runtime.kernels import _fpthreads, _sgemm, get_kernel, rnn, rnn_loops  # noqa: E402
from shapecheck.runtime.kernels import activations as act  # noqa: E402
from shapecheck.runtime.kernels.gradcheck import check_gradients  # noqa: E402

RNG = np.random.default_rng(11)


def _arr(*shape, scale=0.5):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def _lstm_params(d, h, bias=True):
    p = {"kernel": _arr(d, 4 * h), "recurrent_kernel": _arr(h, 4 * h)}
    if bias:
        p["bias"] = _arr(4 * h)
    return p


def _reference_lstm(x, p, h0=None, c0=None):
    """Keras's LSTM in float64: gates i, f, c, o; returns (seq, h, c)."""
    x = x.astype(np.float64)
    w, u = p["kernel"].astype(np.float64), p["recurrent_kernel"].astype(np.float64)
    b = p["bias"].astype(np.float64) if "bias" in p else 0.0
    nb, nt, _ = x.shape
    nh = u.shape[0]
    h = np.zeros((nb, nh)) if h0 is None else h0.astype(np.float64)
    c = np.zeros((nb, nh)) if c0 is None else c0.astype(np.float64)
    sig = lambda v: 1.0 / (1.0 + np.exp(-v))  # noqa: E731
    seq = []
    for t in range(nt):
        z = x[:, t] @ w + h @ u + b
        i, f, g, o = sig(z[:, :nh]), sig(z[:, nh:2 * nh]), np.tanh(z[:, 2 * nh:3 * nh]), sig(z[:, 3 * nh:])
        c = f * c + i * g
        h = o * np.tanh(c)
        seq.append(h)
    return np.stack(seq, axis=1), h, c


@pytest.mark.parametrize("nb,nt,d,h", [(5, 7, 3, 4), (1, 3, 2, 2), (64, 12, 16, 8)])
def test_lstm_matches_float64_reference(nb, nt, d, h):
    p = _lstm_params(d, h)
    x = _arr(nb, nt, d)
    h0, c0 = _arr(nb, h), _arr(nb, h)
    cfg = {"units": h, "return_sequences": True, "return_state": True}
    seq, hT, cT = get_kernel("LSTM").forward(cfg, p, [x, h0, c0], False, None)[0]
    ref_seq, ref_h, ref_c = _reference_lstm(x, p, h0, c0)
    np.testing.assert_allclose(seq, ref_seq, rtol=0, atol=2e-6)
    np.testing.assert_allclose(hT, ref_h, rtol=0, atol=2e-6)
    np.testing.assert_allclose(cT, ref_c, rtol=0, atol=5e-6)


@pytest.mark.parametrize("cfg", [
    {"units": 4},
    {"units": 4, "return_sequences": True, "return_state": True},
    {"units": 3, "use_bias": False, "go_backwards": True, "return_sequences": True},
    {"units": 3, "activation": "relu", "recurrent_activation": "hard_sigmoid", "return_state": True},
])
def test_lstm_inference_path_equals_training_path(cfg):
    # Inference keeps one step of scratch, training every step's state: the
    # same products on the same numbers, so the same outputs, bit for bit.
    p = _lstm_params(3, cfg["units"], bias=cfg.get("use_bias", True))
    x = _arr(6, 5, 3)
    kernel = get_kernel("LSTM")
    train_out, cache = kernel.forward(cfg, p, [x], True, np.random.default_rng(0))
    infer_out, none = kernel.forward(cfg, p, [x], False, None)
    assert none is None and cache is not None
    assert len(train_out) == len(infer_out) == (3 if cfg.get("return_state") else 1)
    for a, b in zip(train_out, infer_out):
        np.testing.assert_array_equal(a, b)


def _loop_args(nb, nt, d, h, masked, codes):
    x = _arr(nb, nt, d)
    wu = _arr(d + h, 4 * h)
    bias = _arr(4 * h)
    h0, c0 = _arr(nb, h), _arr(nb, h)
    rmask = (RNG.random((nb, h)) > 0.3).astype(np.float32) / np.float32(0.7) if masked else None
    return x, wu, bias, h0, c0, rmask, codes[0], codes[1]


@pytest.mark.parametrize("nb,n", [(7, 3), (1, 2), (2, 2), (9, 2), (64, 2)])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("codes", [(act.TANH, act.SIGMOID), (act.RELU, act.HARD_SIGMOID)], ids=["default", "relu"])
def test_lstm_split_over_threads_matches_one_thread(nb, n, masked, codes):
    # Each block of batch rows runs the whole time loop on its own; the
    # shares (7 rows over 3 threads: 3, 3, 1) must not change any row.
    nt, d, h = 6, 3, 5
    x, wu, bias, h0, c0, rmask, a_code, r_code = _loop_args(nb, nt, d, h, masked, codes)
    runs = []
    for threads in (1, n):
        seq, hT, cT, saved = rnn_loops.forward(rnn_loops.LSTM, x, wu, bias, h0, c0, rmask, a_code, r_code, True, True,
                                               threads)
        dseq = np.linspace(-1, 1, nb * nt * h, dtype=np.float32).reshape(nb, nt, h)
        dh, dc = np.full((nb, h), 0.25, np.float32), np.full((nb, h), -0.5, np.float32)
        u = np.ascontiguousarray(wu[d:])
        dz, _ = rnn_loops.backward(rnn_loops.LSTM, u, saved, dseq, dh, dc, rmask, a_code, r_code, threads)
        runs.append((seq, hT, cT, dz, dh, dc))
    for one, split in zip(*runs):
        np.testing.assert_allclose(split, one, rtol=1e-6, atol=1e-7)
    assert not runs[0][3][:, nb:].any()  # the spare row of dz stays zero


def test_lstm_kernel_split_gradients_match_serial(monkeypatch):
    # The whole kernel with the split forced on (as on an idle two-core
    # machine) against the serial path: outputs and every gradient.
    cfg = {"units": 6, "return_sequences": True}
    p = _lstm_params(4, 6)
    x = _arr(7, 5, 4)
    dy = _arr(7, 5, 6)
    kernel = get_kernel("LSTM")
    results = []
    for threads in (1, 3):
        monkeypatch.setattr(rnn, "_threads_for_loop", lambda macs, n=threads: n)
        monkeypatch.setattr(rnn, "split_pays", lambda macs, s=threads > 1: s)
        monkeypatch.setattr(rnn, "compute_threads", lambda n=threads: n)
        (y,), cache = kernel.forward(cfg, p, [x], True, None)
        (dx,), grads = kernel.backward(cfg, p, cache, [dy])
        results.append((y, dx, grads))
    (y1, dx1, g1), (y3, dx3, g3) = results
    np.testing.assert_allclose(y3, y1, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(dx3, dx1, rtol=1e-5, atol=1e-6)
    for name in g1:
        np.testing.assert_allclose(g3[name], g1[name], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cfg", [
    {"units": 3, "activation": "relu", "recurrent_activation": "hard_sigmoid"},
    {"units": 3, "activation": "softsign", "recurrent_activation": "sigmoid", "return_sequences": True,
     "recurrent_dropout": 0.25},
])
def test_lstm_other_activations_gradients(cfg):
    p = _lstm_params(2, 3)
    x = _arr(3, 4, 2)
    checks = check_gradients(get_kernel("LSTM"), cfg, p, [x])
    assert {c.name for c in checks} == {"input 0", "kernel", "recurrent_kernel", "bias"}
    for c in checks:
        assert c.error < 2e-2, c


def test_lstm_zero_steps_returns_initial_state():
    p = _lstm_params(2, 3)
    h0, c0 = _arr(2, 3), _arr(2, 3)
    out = get_kernel("LSTM").forward({"units": 3, "return_state": True}, p, [np.zeros((2, 0, 2), np.float32), h0, c0],
                                     False, None)[0]
    np.testing.assert_array_equal(out[0], h0)
    np.testing.assert_array_equal(out[2], c0)


def test_strided_gemm_helpers():
    # The step products read and write strided (B, ·) views of (T, B, ·)
    # and (B, T, ·) arrays in place.
    a = _arr(5, 7, 9)
    b = _arr(9, 4)
    c = _arr(5, 3, 4)
    expect = a[:, 2].astype(np.float64) @ b + 0.5 * c[:, 1]
    _sgemm.gemm(a[:, 2], b, c[:, 1], np.float32(0.5))
    np.testing.assert_allclose(c[:, 1], expect, rtol=1e-5, atol=1e-6)
    bt = _arr(6, 9)
    out = np.empty((5, 6), np.float32)
    _sgemm.gemm_nt(a[:, 3], bt, out, np.float32(0.0))
    np.testing.assert_allclose(out, a[:, 3].astype(np.float64) @ bt.T, rtol=1e-5, atol=1e-6)
    e = _arr(5, 6)
    acc = np.ones((9, 6), np.float32)
    _sgemm.gemm_tn(a[:, 4], e, acc, np.float32(1.0))
    np.testing.assert_allclose(acc, 1.0 + a[:, 4].astype(np.float64).T @ e, rtol=1e-5, atol=1e-6)
    row = np.empty((1, 4), np.float32)
    _sgemm.gemm(a[0:1, 1], b, row, np.float32(0.0))  # one row: any leading dimension
    np.testing.assert_allclose(row, a[0:1, 1].astype(np.float64) @ b, rtol=1e-5, atol=1e-6)


# -- SimpleRNN and GRU (both reset_after modes) run the same driver ---------------------
def _params(name, d, h, bias=True, reset_after=True):
    k = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[name]
    p = {"kernel": _arr(d, k * h), "recurrent_kernel": _arr(h, k * h)}
    if bias:
        p["bias"] = _arr(2, 3 * h) if name == "GRU" and reset_after else _arr(k * h)
    return p


def _reference(name, x, p, h0):
    """Keras's SimpleRNN (tanh) / GRU (gates z, r, h; reset_after unless the
    bias is one row) in float64."""
    x = x.astype(np.float64)
    w, u = p["kernel"].astype(np.float64), p["recurrent_kernel"].astype(np.float64)
    h = h0.astype(np.float64)
    nh = u.shape[0]
    sig = lambda v: 1.0 / (1.0 + np.exp(-v))  # noqa: E731
    seq = []
    for t in range(x.shape[1]):
        if name == "SimpleRNN":
            h = np.tanh(x[:, t] @ w + h @ u + (p["bias"] if "bias" in p else 0.0))
        elif p["bias"].ndim == 1:  # reset_after=False: r scales h before its product
            gx = x[:, t] @ w + p["bias"]
            z = sig(gx[:, :nh] + h @ u[:, :nh])
            r = sig(gx[:, nh:2 * nh] + h @ u[:, nh:2 * nh])
            hh = np.tanh(gx[:, 2 * nh:] + (r * h) @ u[:, 2 * nh:])
            h = z * h + (1 - z) * hh
        else:
            b_in, b_rec = (p["bias"].astype(np.float64) if "bias" in p else np.zeros((2, 3 * nh)))
            gx = x[:, t] @ w + b_in
            gh = h @ u + b_rec
            z = sig(gx[:, :nh] + gh[:, :nh])
            r = sig(gx[:, nh:2 * nh] + gh[:, nh:2 * nh])
            hh = np.tanh(gx[:, 2 * nh:] + r * gh[:, 2 * nh:])
            h = z * h + (1 - z) * hh
        seq.append(h)
    return np.stack(seq, axis=1), h


@pytest.mark.parametrize("name,reset_after", [("SimpleRNN", True), ("GRU", True), ("GRU", False)])
@pytest.mark.parametrize("nb,nt,d,h", [(5, 7, 3, 4), (1, 3, 2, 2), (64, 12, 16, 8)])
def test_simple_rnn_and_gru_match_float64_reference(name, reset_after, nb, nt, d, h):
    p = _params(name, d, h, reset_after=reset_after)
    x, h0 = _arr(nb, nt, d), _arr(nb, h)
    cfg = {"units": h, "return_sequences": True, "return_state": True, "reset_after": reset_after}
    seq, hT = get_kernel(name).forward(cfg, p, [x, h0], False, None)[0]
    ref_seq, ref_h = _reference(name, x, p, h0)
    np.testing.assert_allclose(seq, ref_seq, rtol=0, atol=3e-6)
    np.testing.assert_allclose(hT, ref_h, rtol=0, atol=3e-6)


@pytest.mark.parametrize("name,reset_after", [("SimpleRNN", True), ("GRU", True), ("GRU", False)])
@pytest.mark.parametrize("extra", [{}, {"return_sequences": True, "return_state": True, "go_backwards": True},
                                   {"use_bias": False, "activation": "relu"}])
def test_simple_rnn_and_gru_inference_path_equals_training_path(name, reset_after, extra):
    cfg = dict({"units": 4, "reset_after": reset_after}, **extra)
    p = _params(name, 3, 4, bias=cfg.get("use_bias", True), reset_after=reset_after)
    x = _arr(6, 5, 3)
    kernel = get_kernel(name)
    train_out, cache = kernel.forward(cfg, p, [x], True, np.random.default_rng(0))
    infer_out, none = kernel.forward(cfg, p, [x], False, None)
    assert none is None and cache is not None
    for a, b in zip(train_out, infer_out):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name,reset_after", [("SimpleRNN", True), ("GRU", True), ("GRU", False), ("LSTM", True)])
@pytest.mark.parametrize("nb,threads", [(7, 3), (1, 2), (9, 2)])
@pytest.mark.parametrize("extra", [{}, {"activation": "relu", "recurrent_dropout": 0.3, "return_state": True}])
def test_kernels_split_over_threads_match_one_thread(monkeypatch, name, reset_after, nb, threads, extra):
    cfg = dict({"units": 5, "return_sequences": True, "reset_after": reset_after}, **extra)
    if name == "SimpleRNN":
        cfg.pop("recurrent_activation", None)
    p = _params(name, 3, 5, reset_after=reset_after)
    x = _arr(nb, 4, 3)
    d_out = [_arr(nb, 4, 5)] + [_arr(nb, 5) for _ in range(2 if name == "LSTM" else 1)] * bool(cfg.get("return_state"))
    kernel = get_kernel(name)
    results = []
    for n in (1, threads):
        monkeypatch.setattr(rnn, "_threads_for_loop", lambda macs, n=n: n)
        monkeypatch.setattr(rnn, "split_pays", lambda macs, s=n > 1: s)
        monkeypatch.setattr(rnn, "compute_threads", lambda n=n: n)
        outs, cache = kernel.forward(cfg, p, [x], True, np.random.default_rng(5))  # same dropout masks
        d_in, grads = kernel.backward(cfg, p, cache, d_out)
        results.append((outs, d_in, grads))
    (o1, d1, g1), (o2, d2, g2) = results
    for a, b in zip(o2 + d2, o1 + d1):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert sorted(g1) == sorted(g2)
    for k in g1:
        np.testing.assert_allclose(g2[k], g1[k], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,cfg", [
    ("GRU", {"units": 3, "activation": "relu", "recurrent_activation": "hard_sigmoid"}),
    ("GRU", {"units": 3, "return_sequences": True, "recurrent_dropout": 0.25, "use_bias": False}),
    ("GRU", {"units": 3, "reset_after": False, "activation": "softsign", "recurrent_activation": "hard_sigmoid",
             "recurrent_dropout": 0.25, "return_state": True}),
    ("SimpleRNN", {"units": 3, "activation": "softsign", "return_sequences": True, "recurrent_dropout": 0.25}),
])
def test_simple_rnn_and_gru_other_configurations_gradients(name, cfg):
    p = _params(name, 2, 3, bias=cfg.get("use_bias", True), reset_after=cfg.get("reset_after", True))
    checks = check_gradients(get_kernel(name), cfg, p, [_arr(3, 4, 2)])
    names = {"input 0", "kernel", "recurrent_kernel"} | ({"bias"} if "bias" in p else set())
    assert {c.name for c in checks} == names
    for c in checks:
        assert c.error < 2e-2, c


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("need_dx", [True, False])
def test_weight_and_input_grads_over_threads(n, need_dx):
    # d wu = a2^T dz2 (computed as dz2^T a2), d b = column sums, dx2 = dz2 w^T;
    # 7 gate columns over 3 threads: shares of 3, 3, 1.
    a2, dz2, w = _arr(11, 5), _arr(11, 7), _arr(2, 7)
    dwu, db, dx2 = rnn_loops.weight_and_input_grads(a2, dz2, w, need_dx, n)
    np.testing.assert_allclose(dwu, a2.astype(np.float64).T @ dz2, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(db, dz2.astype(np.float64).sum(axis=0), rtol=1e-5, atol=1e-6)
    if need_dx:
        np.testing.assert_allclose(dx2, dz2.astype(np.float64) @ w.T, rtol=1e-5, atol=1e-6)
    else:
        assert dx2 is None


@njit(parallel=True)
def _worker_modes(n, mode, take):
    out = np.zeros(n, np.int64)
    for k in prange(n):
        prev = _fpthreads.enter(mode) if take else _fpthreads.current()
        out[k] = _fpthreads.current()
        if take:
            _fpthreads.leave(prev)
    return out


def test_split_work_runs_in_the_calling_threads_float_mode():
    # Under fpmode.flushed() (as `shapecheck run` runs a model) subnormal
    # results become zero on the calling thread; numba's worker threads keep
    # their own mode unless the split hands them the caller's
    # (kernels/_fpthreads.py), as every split loop of rnn_loops does.
    from shapecheck.runtime.fpmode import flushed

    _worker_modes(4, 0, False)  # threads started outside the flag keep the default mode
    with flushed() as on:
        if not on or not _fpthreads.X86:
            pytest.skip("no FTZ/DAZ on this platform")
        mode = _fpthreads.current()
        assert (_worker_modes(4, mode, True) == mode).all()
        a2 = np.full((11, 5), 1e-20, np.float32)
        dz2 = np.full((11, 7), 1e-20, np.float32)  # every product 1e-40: subnormal
        for n in (1, 2, 3):
            dwu = rnn_loops.weight_and_input_grads(a2, dz2, np.ones((2, 7), np.float32), False, n)[0]
            assert not dwu.any(), n
    assert (rnn_loops.weight_and_input_grads(a2, dz2, np.ones((2, 7), np.float32), False, 2)[0] > 0).all()


@pytest.mark.parametrize("m,k,n", [(64, 128, 256), (32, 256, 64), (7, 5, 9), (64, 256, 64), (300, 128, 256)])
def test_products_in_column_blocks(m, k, n):
    # Blocks keep each call under OpenBLAS's small-matrix size; every output
    # element is still one whole dot product.
    w = _sgemm.block_width(m, n, k)
    assert w == n or (m * w * k <= _sgemm.SMALL_MNK and w % 16 == 0)
    a = _arr(m, 3, k)[:, 1]  # strided rows, as a step's block
    b, bt = _arr(k, n), _arr(n, k)
    c = np.full((m, n), 2.0, np.float32)
    _sgemm.gemm_blocks(a, b, c, np.float32(0.5))
    np.testing.assert_allclose(c, 1.0 + a.astype(np.float64) @ b, rtol=1e-5, atol=1e-5)
    c2 = np.empty((m, n), np.float32)
    _sgemm.gemm_nt_blocks(a, bt, c2, np.float32(0.0))
    np.testing.assert_allclose(c2, a.astype(np.float64) @ bt.T, rtol=1e-5, atol=1e-5)
