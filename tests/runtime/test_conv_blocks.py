"""The blocked convolution (kernels/conv_blocks.py) against a float64 loop
reference, on the paths the convnet benchmark does not reach: padding,
strides, dilation, Conv1D, one input channel with an input gradient, blocks
and chunks that do not divide the rows, and sample chunks split over
threads (the same numbers whatever the thread count)."""
from __future__ import annotations

import numpy as np
import pytest

from shapecheck.runtime.kernels import _shares
from shapecheck.runtime.kernels import conv_blocks as cb
from shapecheck.runtime.kernels import get_kernel

RNG = np.random.default_rng(11)


def _ref_conv(x, k, b, strides, dilation, padding, relu):
    """(y, dk, db, dx) for loss = sum(y * w), in float64 with plain loops."""
    nb, h, w, c = x.shape
    kh, kw, _, f = k.shape
    (sh, sw), (dh, dw) = strides, dilation
    eh, ew = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    if padding == "same":
        oh, ow = -(-h // sh), -(-w // sw)
        pt = max((oh - 1) * sh + eh - h, 0) // 2
        pl = max((ow - 1) * sw + ew - w, 0) // 2
    elif padding == "causal":
        oh, ow, pt, pl = 1, (w - 1) // sw + 1, 0, ew - 1
    else:
        oh, ow, pt, pl = (h - eh) // sh + 1, (w - ew) // sw + 1, 0, 0
    x64, k64 = x.astype(np.float64), k.astype(np.float64)
    z = np.zeros((nb, oh, ow, f))
    taps = []
    for oy in range(oh):
        for ox in range(ow):
            for i in range(kh):
                for j in range(kw):
                    iy, ix = oy * sh + i * dh - pt, ox * sw + j * dw - pl
                    if 0 <= iy < h and 0 <= ix < w:
                        taps.append((oy, ox, i, j, iy, ix))
    for oy, ox, i, j, iy, ix in taps:
        z[:, oy, ox] += x64[:, iy, ix] @ k64[i, j]
    z += b
    y = np.maximum(z, 0) if relu else z
    wts = RNG.standard_normal(y.shape)
    dz = wts * (z > 0) if relu else wts
    dk, dx = np.zeros_like(k64), np.zeros_like(x64)
    for oy, ox, i, j, iy, ix in taps:
        dk[i, j] += x64[:, iy, ix].T @ dz[:, oy, ox]
        dx[:, iy, ix] += dz[:, oy, ox] @ k64[i, j].T
    return y, wts.astype(np.float32), dk, dz.sum(axis=(0, 1, 2)), dx


CASES = [
    # (x shape, kernel shape, strides, dilation, padding, relu)
    ((3, 9, 8, 5), (3, 3, 5, 7), (1, 1), (1, 1), "valid", True),  # GEMM path
    ((2, 9, 10, 4), (3, 2, 4, 6), (2, 3), (1, 1), "same", False),
    ((2, 11, 9, 3), (2, 3, 3, 5), (1, 2), (2, 2), "same", True),
    ((5, 8, 7, 1), (3, 3, 1, 8), (1, 1), (1, 1), "same", True),  # one channel (its own im2col), padded
    ((3, 9, 9, 1), (2, 2, 1, 3), (2, 1), (2, 1), "valid", False),  # one channel, strides + dilation
    ((3, 9, 9, 2), (2, 2, 2, 3), (2, 1), (2, 1), "valid", False),
    ((4, 1, 13, 3), (1, 3, 3, 4), (1, 2), (1, 2), "same", True),  # Conv1D as height 1
    ((2, 1, 12, 1), (1, 4, 1, 3), (1, 3), (1, 1), "same", False),
    ((3, 1, 10, 6), (1, 3, 6, 4), (1, 1), (1, 2), "causal", False),
]


def _run(x, k, b, strides, dilation, padding, relu, blk=None, nt=1):
    cfg = {"strides": strides, "dilation_rate": dilation, "padding": padding,
           "activation": "relu" if relu else None}
    kernel = get_kernel("Conv2D")
    if x.shape[1] == 1:  # as Conv1D sees it
        cfg["strides"], cfg["dilation_rate"] = strides[1], dilation[1]
        kernel = get_kernel("Conv1D")
        x, k = x[:, 0], k[0]
    (y,), cache = kernel.forward(cfg, {"kernel": k, "bias": b}, [x], True, None)
    return kernel, cfg, y, cache


@pytest.mark.parametrize("case", CASES, ids=[f"{c[4]}-k{c[1][0]}x{c[1][1]}x{c[1][2]}-s{c[2]}-d{c[3]}" for c in CASES])
def test_conv_matches_float64_reference(case):
    xs, ks, strides, dilation, padding, relu = case
    x = RNG.standard_normal(xs).astype(np.float32)
    k = RNG.standard_normal(ks).astype(np.float32)
    b = RNG.standard_normal(ks[-1]).astype(np.float32)
    ref_y, wts, ref_dk, ref_db, ref_dx = _ref_conv(x, k, b, strides, dilation, padding, relu)
    kernel, cfg, y, cache = _run(x, k, b, strides, dilation, padding, relu)
    one_d = xs[1] == 1
    np.testing.assert_allclose(y, ref_y[:, 0] if one_d else ref_y, rtol=1e-5, atol=1e-5)
    (dx,), grads = kernel.backward(cfg, {"kernel": k, "bias": b}, cache, [wts[:, 0] if one_d else wts])
    np.testing.assert_allclose(grads["kernel"], ref_dk[0] if one_d else ref_dk, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(grads["bias"], ref_db, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(dx, ref_dx[:, 0] if one_d else ref_dx, rtol=1e-4, atol=1e-4)
    assert dx.shape == (x[:, 0] if one_d else x).shape


@pytest.mark.parametrize("channels", [1, 4])
def test_uneven_blocks_chunks_and_threads_give_the_same_numbers(channels):
    # 7 samples of 5x6 rows: blocks of 13 rows straddle samples and chunks;
    # 3 threads over 5 chunks leave one thread a single chunk.
    x = RNG.standard_normal((7, 7, 8, channels)).astype(np.float32)
    k2 = RNG.standard_normal((9 * x.shape[3], 6)).astype(np.float32)
    b = RNG.standard_normal(6).astype(np.float32)
    geo = (3, 3, 1, 1, 1, 1, 5, 6)
    bounds = np.array([0, 1, 3, 4, 6, 7], dtype=np.int64)
    whole = cb.forward(x, k2, b, True, geo, np.array([0, 7], dtype=np.int64), 10_000, 1)
    dy = RNG.standard_normal(whole.shape).astype(np.float32)
    ref = cb.backward(x, k2, whole, dy, True, True, geo, bounds, 10_000, 1)
    for blk, nt in ((13, 1), (13, 3), (1, 2), (30, 8)):
        z = cb.forward(x, k2, b, True, geo, bounds, blk, nt)
        np.testing.assert_allclose(z, whole, rtol=1e-5, atol=1e-5)
        dk, db, dxp = cb.backward(x, k2, z, dy, True, True, geo, bounds, blk, nt)
        np.testing.assert_allclose(dk, ref[0], rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(dxp, ref[2], rtol=1e-5, atol=1e-5)
        if blk == 13:
            # Same blocks and chunks: the thread count changes nothing, to the bit.
            if nt == 1:
                first = (z, dk, db, dxp)
            else:
                for a, e in zip((z, dk, db, dxp), first):
                    np.testing.assert_array_equal(a, e)
    # More threads than chunks: the extra shares are empty.
    np.testing.assert_array_equal(cb.forward(x, k2, b, True, geo, bounds, 13, 8), first[0])


def test_shares_cover_the_work_once_and_raise_a_share_error():
    assert _shares.ranges(5, 3) == [(0, 2), (2, 4), (4, 5)]
    assert _shares.ranges(2, 4) == [(0, 1), (1, 2), (2, 2), (2, 2)]
    seen = []
    _shares.run_shares(4, seen.append)
    assert sorted(seen) == [0, 1, 2, 3]

    def share(t):
        if t == 2:
            raise ValueError("share 2 failed")
        seen.append(t)

    with pytest.raises(ValueError, match="share 2"):
        _shares.run_shares(3, share)


def test_chunks_depend_on_shapes_only():
    assert cb.chunk_bounds(128, 288 * 64).tolist() == [8 * i for i in range(17)]
    assert cb.chunk_bounds(3, 10).tolist() == [0, 1, 2, 3]
    # A huge kernel keeps fewer partial gradients.
    assert cb.chunk_count(128, 3 * 3 * 512 * 512) == 7


def test_shares_compute_in_the_callers_flush_to_zero_mode():
    # Subnormal inputs: under fpmode.flushed() (as `shapecheck run` computes)
    # they read as zero on every thread, so the split result is the serial one
    # -- also on pool threads started before (a new thread inherits the mode).
    from shapecheck.runtime.fpmode import flushed

    x = np.full((6, 5, 5, 4), 3e-39, dtype=np.float32)
    k2 = np.full((36, 3), 0.5, dtype=np.float32)
    b = np.zeros(0, np.float32)
    geo = (3, 3, 1, 1, 1, 1, 3, 3)
    bounds = cb.chunk_bounds(6, 36 * 3)
    cb.forward(x, k2, b, False, geo, bounds, 100, 3)  # pool threads started outside flushed()
    with flushed():
        serial = cb.forward(x, k2, b, False, geo, bounds, 100, 1)
        split = cb.forward(x, k2, b, False, geo, bounds, 100, 3)
    np.testing.assert_array_equal(split, serial)
    unflushed = cb.forward(x, k2, b, False, geo, bounds, 100, 1)
    assert not np.array_equal(unflushed, serial)  # the mode did matter
