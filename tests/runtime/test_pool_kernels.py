"""Max pooling's forward and backward (kernels/pooling.py) against a plain
loop reference: padding, overlapping windows, ties, the split over threads
(the same numbers whatever the split) and the forward that keeps no argmax
(inference)."""
from __future__ import annotations

import numpy as np
import pytest

from shapecheck.runtime.kernels import get_kernel, pooling

RNG = np.random.default_rng(5)


def _ref_max_pool(x, ph, pw, sh, sw, pt, pl, oh, ow, dy):
    nb, h, w, c = x.shape
    y = np.empty((nb, oh, ow, c), np.float32)
    dx = np.zeros(x.shape, np.float64)
    for b in range(nb):
        for oy in range(oh):
            for ox in range(ow):
                for ch in range(c):
                    best, where = None, None
                    for i in range(ph):
                        for j in range(pw):
                            iy, ix = oy * sh + i - pt, ox * sw + j - pl
                            if 0 <= iy < h and 0 <= ix < w and (best is None or x[b, iy, ix, ch] > best):
                                best, where = x[b, iy, ix, ch], (iy, ix)
                    y[b, oy, ox, ch] = best
                    dx[b, where[0], where[1], ch] += dy[b, oy, ox, ch]
    return y, dx


GEOMS = [
    # x shape, (ph, pw, sh, sw, pt, pl, oh, ow)
    ((3, 6, 6, 4), (2, 2, 2, 2, 0, 0, 3, 3)),
    ((3, 7, 5, 4), (2, 2, 2, 2, 0, 0, 3, 2)),  # tiles leaving a last row and column out
    ((2, 9, 8, 3), (3, 2, 3, 2, 0, 0, 3, 4)),
    ((2, 5, 7, 3), (3, 3, 2, 2, 1, 1, 3, 4)),  # 'same', overlapping windows
    ((5, 7, 5, 2), (3, 2, 1, 2, 0, 0, 5, 2)),  # stride below the size on one axis
    ((4, 1, 9, 5), (1, 3, 1, 3, 0, 0, 1, 3)),  # a 1-D pool as height 1
]


@pytest.mark.parametrize("shape,geo", GEOMS)
@pytest.mark.parametrize("split", [False, True])
def test_max_pool_matches_reference(monkeypatch, shape, geo, split):
    monkeypatch.setattr(pooling, "split_elements_pays", lambda n: split)
    monkeypatch.setattr(pooling, "compute_threads", lambda: 3)  # uneven shares of samples
    x = np.round(RNG.standard_normal(shape) * 2).astype(np.float32)  # many ties
    dy = RNG.standard_normal((shape[0], geo[6], geo[7], shape[3])).astype(np.float32)
    ref_y, ref_dx = _ref_max_pool(x, *geo, dy)
    y, arg = pooling.max_pool_forward(x, *geo)
    np.testing.assert_array_equal(y, ref_y)
    y2, none = pooling.max_pool_forward(x, *geo, with_arg=False)
    np.testing.assert_array_equal(y2, ref_y)
    assert none.size == 0
    dx = pooling.max_pool_backward(dy, arg, x.shape, *geo[:6])
    np.testing.assert_allclose(dx, ref_dx, rtol=1e-6, atol=1e-6)


def test_inference_forward_keeps_no_argmax_and_training_gradients_route_to_the_max():
    kernel = get_kernel("MaxPooling2D")
    x = RNG.standard_normal((2, 4, 4, 3)).astype(np.float32)
    (y,), infer_cache = kernel.forward({"pool_size": 2}, {}, [x], False, None)
    assert infer_cache[2].size == 0
    (yt,), cache = kernel.forward({"pool_size": 2}, {}, [x], True, None)
    np.testing.assert_array_equal(y, yt)
    (dx,), _ = kernel.backward({"pool_size": 2}, {}, cache, [np.ones_like(y)])
    # A backward pass after an inference call finds the maxima again.
    (dx_infer,), _ = kernel.backward({"pool_size": 2}, {}, infer_cache, [np.ones_like(y)])
    np.testing.assert_array_equal(dx_infer, dx)
    # One winner per window, each gets the whole gradient.
    assert dx.sum() == y.size
    np.testing.assert_array_equal(x[dx == 1].size, y.size)
    np.testing.assert_array_equal(np.sort(x[dx == 1]), np.sort(y.reshape(-1)))
