"""Fused per-sample values and gradients of the classification losses.

losses.py writes each loss as a chain of NumPy calls; on a 128 x 10 batch
that chain (about thirty calls for sparse categorical crossentropy's value
and gradient) cost ~80-140 us per training step, more than the whole
optimizer update of a small model.  These kernels do the same arithmetic in
one pass over each row: float32 throughout, Keras's epsilon clipping, the
same order of operations as the NumPy reference (tests compare the two).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, error_model="numpy")
def sparse_ce(p, ids, from_logits, lo, hi):
    """(values (n,), d(sum of values)/dp (n, k)) for rows p (n, k) and class
    ids (n,): -log_softmax(l)[id] with l = p (logits) or log(clip(p, lo, hi))."""
    n, k = p.shape
    values = np.empty(n, dtype=np.float32)
    grad = np.empty((n, k), dtype=np.float32)
    logit = np.empty(k, dtype=np.float32)
    for i in range(n):
        row = p[i]
        g = grad[i]
        for j in range(k):
            logit[j] = row[j] if from_logits else np.float32(math.log(min(max(row[j], lo), hi)))
        top = logit[0]
        for j in range(1, k):
            top = max(top, logit[j])
        s = np.float32(0.0)
        for j in range(k):
            e = np.float32(math.exp(logit[j] - top))
            g[j] = e
            s += e
        y = ids[i]
        values[i] = -(logit[y] - top - np.float32(math.log(s)))
        for j in range(k):
            g[j] = g[j] / s
        g[y] -= np.float32(1.0)
        if not from_logits:
            # through l = log(clip(p)): 1 / clip(p) inside the clip range, 0 outside
            for j in range(k):
                v = row[j]
                g[j] = g[j] / v if lo <= v <= hi else np.float32(0.0)
    return values, grad
