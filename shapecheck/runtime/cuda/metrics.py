"""Metric updates on the GPU: per-sample values by a kernel, their sum by a
tree reduction, and one float back to the host Metric (total, count), so the
epoch means are the CPU metrics' own.  Metrics without a kernel here get the
prediction copied to the host and update as on the CPU."""
from __future__ import annotations

import numpy as np
from numba import cuda, float32, int32

from .. import losses as L
from .. import metrics as M
from .activations import ROW
from ._common import Like, dev, empty, flat, grid, host
from .reduce import total

ZERO = np.float32(0.0)
ONE = np.float32(1.0)
NEG_INF = np.float32(-np.inf)


@cuda.jit
def _binary_hits(p, t, threshold, out):
    for i in range(cuda.grid(1), p.size, cuda.gridsize(1)):
        pred = ONE if p[i] > threshold else ZERO
        out[i] = ONE if pred == t[i] else ZERO


@cuda.jit
def _diff(p, t, absolute, out):
    for i in range(cuda.grid(1), p.size, cuda.gridsize(1)):
        d = p[i] - t[i]
        out[i] = abs(d) if absolute else d * d


@cuda.jit(device=True)
def _row_argmax(vbuf, ibuf, x, i):
    """Index of the first maximum of row i (numpy's argmax), by a shared-memory
    tree over (value, index) pairs."""
    t = cuda.threadIdx.x
    k = x.shape[1]
    best = NEG_INF
    bi = int32(k)
    for j in range(t, k, ROW):
        if x[i, j] > best or bi == k:
            best = x[i, j]
            bi = j
    vbuf[t] = best
    ibuf[t] = bi
    cuda.syncthreads()
    step = ROW // 2
    while step > 0:
        if t < step:
            v2 = vbuf[t + step]
            i2 = ibuf[t + step]
            if i2 < k and (v2 > vbuf[t] or (v2 == vbuf[t] and i2 < ibuf[t]) or ibuf[t] >= k):
                vbuf[t] = v2
                ibuf[t] = i2
        cuda.syncthreads()
        step //= 2
    r = ibuf[0]
    cuda.syncthreads()
    return r


@cuda.jit
def _categorical_hits(p, t, out):
    vbuf = cuda.shared.array(ROW, float32)
    ibuf = cuda.shared.array(ROW, int32)
    i = cuda.blockIdx.x
    a = _row_argmax(vbuf, ibuf, p, i)
    b = _row_argmax(vbuf, ibuf, t, i)
    if cuda.threadIdx.x == 0:
        out[i] = ONE if a == b else ZERO


@cuda.jit
def _sparse_hits(p, ids, out):
    vbuf = cuda.shared.array(ROW, float32)
    ibuf = cuda.shared.array(ROW, int32)
    i = cuda.blockIdx.x
    a = _row_argmax(vbuf, ibuf, p, i)
    if cuda.threadIdx.x == 0:
        out[i] = ONE if a == ids[i] else ZERO


def _rows(a):
    k = tuple(a.shape)[-1]
    return a.reshape(a.size // max(k, 1), k)


def update(metric, y_true, y_pred) -> None:
    """metric.update_state(y_true, y_pred) with y_pred on the device."""
    p = y_pred
    kind = type(metric)
    k = tuple(p.shape)[-1] if p.ndim else 1
    n = p.size // max(k, 1)
    if kind is M.BinaryAccuracy or kind is M.MeanSquaredError or kind is M.MeanAbsoluteError:
        t = L._squeeze_like(np.asarray(y_true), Like(p)).astype(np.float32)
        if t.shape != tuple(p.shape):
            t = np.ascontiguousarray(np.broadcast_to(t, tuple(p.shape)))
        out = empty((p.size,))
        if p.size:
            if kind is M.BinaryAccuracy:
                _binary_hits[grid(p.size)](flat(p), flat(dev(t)), np.float32(metric._kwargs.get("threshold", 0.5)),
                                           out)
            else:
                _diff[grid(p.size)](flat(p), flat(dev(t)), kind is M.MeanAbsoluteError, out)
        metric.total += total(out) / max(k, 1)
        metric.count += n
        return
    if kind is M.CategoricalAccuracy:
        t = np.asarray(y_true, dtype=np.float32)
        if t.shape == tuple(p.shape):
            out = empty((n,))
            if n:
                _categorical_hits[n, ROW](_rows(p), _rows(dev(t)), out)
            metric.total += total(out)
            metric.count += n
            return
    if kind is M.SparseCategoricalAccuracy:
        t = np.asarray(y_true)
        if t.ndim == p.ndim and t.shape[-1] == 1:
            t = t.reshape(t.shape[:-1])
        if t.size == n:
            out = empty((n,))
            if n:
                _sparse_hits[n, ROW](_rows(p), dev(t.reshape(-1).astype(np.int64).astype(np.int32), np.int32), out)
            metric.total += total(out)
            metric.count += n
            return
    metric.update_state(y_true, host(p))
