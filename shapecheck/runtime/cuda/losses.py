"""The built-in losses on the GPU: the value (reduced as Keras's default
"sum_over_batch_size") and its gradient with respect to the prediction.

mse / mae / binary crossentropy are element-wise: one kernel writes each
element's term and gradient, a tree reduction sums the terms.  The
categorical crossentropies need row statistics (max, sum of exponentials,
sum of targets), computed by one block of 32 threads per row with
shared-memory reductions.  Targets are checked and shaped on the host, as
the CPU losses do, then uploaded once per batch.
"""
from __future__ import annotations

import math

import numpy as np
from numba import cuda, float32

from .. import losses as L
from .activations import ROW, row_max, row_sum
from ._common import Like, dev, empty, flat, grid
from .reduce import total

ZERO = np.float32(0.0)
ONE = np.float32(1.0)
TWO = np.float32(2.0)
EPS = np.float32(L.EPSILON)
ONE_M_EPS = np.float32(1.0 - L.EPSILON)
NEG_INF = np.float32(-np.inf)

MSE, MAE, BCE = 0, 1, 2


@cuda.jit
def _elementwise(kind, p, t, scale, from_logits, vals, grad):
    for i in range(cuda.grid(1), p.size, cuda.gridsize(1)):
        x = p[i]
        y = t[i]
        if kind == MSE:
            d = x - y
            vals[i] = d * d
            grad[i] = TWO * d * scale
        elif kind == MAE:
            d = x - y
            vals[i] = abs(d)
            grad[i] = (ONE if d > ZERO else (-ONE if d < ZERO else ZERO)) * scale
        elif from_logits:
            vals[i] = max(x, ZERO) - x * y + math.log1p(math.exp(-abs(x)))
            grad[i] = (ONE / (ONE + math.exp(-x)) - y) * scale
        else:
            o = min(max(x, EPS), ONE_M_EPS)
            vals[i] = -(y * math.log(o) + (ONE - y) * math.log(ONE - o))
            if EPS <= x <= ONE_M_EPS:
                grad[i] = (-y / o + (ONE - y) / (ONE - o)) * scale
            else:
                grad[i] = ZERO


@cuda.jit
def _cce_rows(p, t, from_logits, smooth, inv_n, vals, grad):
    buf = cuda.shared.array(ROW, float32)
    i = cuda.blockIdx.x
    j0 = cuda.threadIdx.x
    k = p.shape[1]
    off = smooth / float32(k)
    keep = ONE - smooth
    if from_logits:
        m = NEG_INF
        for j in range(j0, k, ROW):
            m = max(m, p[i, j])
        m = row_max(buf, m)
        s = ZERO
        st = ZERO
        for j in range(j0, k, ROW):
            s += math.exp(p[i, j] - m)
            st += t[i, j] * keep + off
        s = row_sum(buf, s)
        st = row_sum(buf, st)
        lse = m + math.log(s)
        v = ZERO
        for j in range(j0, k, ROW):
            tj = t[i, j] * keep + off
            v -= tj * (p[i, j] - lse)
            grad[i, j] = (math.exp(p[i, j] - lse) * st - tj) * inv_n
        v = row_sum(buf, v)
    else:
        s = ZERO
        for j in range(j0, k, ROW):
            s += p[i, j]
        s = row_sum(buf, s)
        v = ZERO
        sgq = ZERO
        for j in range(j0, k, ROW):
            tj = t[i, j] * keep + off
            q = p[i, j] / s
            qc = min(max(q, EPS), ONE_M_EPS)
            v -= tj * math.log(qc)
            g = -tj / qc if EPS <= q <= ONE_M_EPS else ZERO
            sgq += g * q
        v = row_sum(buf, v)
        sgq = row_sum(buf, sgq)
        for j in range(j0, k, ROW):
            tj = t[i, j] * keep + off
            q = p[i, j] / s
            qc = min(max(q, EPS), ONE_M_EPS)
            g = -tj / qc if EPS <= q <= ONE_M_EPS else ZERO
            grad[i, j] = (g - sgq) / s * inv_n
    if j0 == 0:
        vals[i] = v


@cuda.jit(device=True)
def _logit(p, from_logits):
    if from_logits:
        return p
    return math.log(min(max(p, EPS), ONE_M_EPS))


@cuda.jit
def _scce_rows(p, ids, from_logits, inv_n, vals, grad):
    buf = cuda.shared.array(ROW, float32)
    i = cuda.blockIdx.x
    j0 = cuda.threadIdx.x
    k = p.shape[1]
    label = ids[i]
    m = NEG_INF
    for j in range(j0, k, ROW):
        m = max(m, _logit(p[i, j], from_logits))
    m = row_max(buf, m)
    s = ZERO
    for j in range(j0, k, ROW):
        s += math.exp(_logit(p[i, j], from_logits) - m)
    s = row_sum(buf, s)
    lse = m + math.log(s)
    for j in range(j0, k, ROW):
        x = p[i, j]
        lg = _logit(x, from_logits)
        g = math.exp(lg - lse)
        if j == label:
            g -= ONE
            vals[i] = lse - lg
        if not from_logits:
            pc = min(max(x, EPS), ONE_M_EPS)
            g = g / pc if EPS <= x <= ONE_M_EPS else ZERO
        grad[i, j] = g * inv_n


def _rows(a):
    k = tuple(a.shape)[-1]
    return a.reshape(a.size // max(k, 1), k)


_SUPPORTED = (L.MeanSquaredError, L.MeanAbsoluteError, L.BinaryCrossentropy, L.CategoricalCrossentropy,
              L.SparseCategoricalCrossentropy)


def supported(loss) -> bool:
    """Built-in losses with Keras's default reduction run here; others on the host."""
    return type(loss) in _SUPPORTED and loss.reduction == "sum_over_batch_size"


def value_and_grad(loss, y_true, y_pred):
    """(float32 value, device gradient) for a built-in loss; y_true on the host."""
    p = y_pred
    kw = loss.fn_kwargs
    k = tuple(p.shape)[-1] if p.ndim else 1
    n = max(p.size // max(k, 1), 1)  # per-sample values Keras averages over
    if isinstance(loss, L.SparseCategoricalCrossentropy):
        ids = L._sparse_targets(np.asarray(y_true), Like(p)).reshape(-1).astype(np.int32)
        vals, grad = empty((n,)), empty(p.shape)
        _scce_rows[n, ROW](_rows(p), dev(ids, np.int32), bool(kw.get("from_logits")), np.float32(1.0 / n), vals,
                           _rows(grad))
        return np.float32(total(vals) / n), grad
    t = np.asarray(y_true)
    if isinstance(loss, L.CategoricalCrossentropy):
        t = t.astype(np.float32)
        L._check_same_shape(t, Like(p), "categorical_crossentropy")
        vals, grad = empty((n,)), empty(p.shape)
        _cce_rows[n, ROW](_rows(p), _rows(dev(t)), bool(kw.get("from_logits")),
                          np.float32(kw.get("label_smoothing") or 0.0), np.float32(1.0 / n), vals, _rows(grad))
        return np.float32(total(vals) / n), grad
    t = L._squeeze_like(t, Like(p)).astype(np.float32)
    kind = MSE if isinstance(loss, L.MeanSquaredError) else MAE if isinstance(loss, L.MeanAbsoluteError) else BCE
    if kind == BCE:
        ls = kw.get("label_smoothing") or 0.0
        if ls:
            t = (t * (1.0 - ls) + 0.5 * ls).astype(np.float32)
        L._check_same_shape(t, Like(p), "binary_crossentropy")
    elif t.shape != tuple(p.shape):
        t = np.broadcast_to(t, tuple(p.shape))
    vals, grad = empty((p.size,)), empty(p.shape)
    if p.size:
        _elementwise[grid(p.size)](kind, flat(p), flat(dev(t)), np.float32(1.0 / (k * n)),
                                   bool(kw.get("from_logits")), vals, flat(grad))
    return np.float32(total(vals) / (k * n)), grad
