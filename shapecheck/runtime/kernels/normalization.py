"""Normalization: BatchNormalization, LayerNormalization (incl. rms_scaling),
UnitNormalization.

Both main kernels work on a 2-D (rows, features) view: BatchNormalization
moves its ``axis`` last and normalises each column over the rows;
LayerNormalization moves its axes last and normalises each row.  Statistics
are accumulated in float64 (the biased variance, as Keras 3 uses for both
normalising and the moving average).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ._util import f32
from .base import LayerKernel, register_kernel


def _axes(cfg_axis, ndim):
    axes = [cfg_axis] if isinstance(cfg_axis, int) else list(cfg_axis)
    return sorted(a % ndim for a in axes)


def _to_rows(x, axes):
    """Move ``axes`` last and flatten: (rows, features) plus the undo info."""
    rest = [a for a in range(x.ndim) if a not in axes]
    perm = rest + list(axes)
    xt = np.ascontiguousarray(x.transpose(perm))
    return xt.reshape(-1, int(np.prod([x.shape[a] for a in axes]))), perm, xt.shape


def _from_rows(y2, perm, tshape):
    return np.ascontiguousarray(y2.reshape(tshape).transpose(np.argsort(perm)))


@njit(cache=True, error_model="numpy")
def column_moments(x):
    n, k = x.shape
    mean = np.zeros(k, dtype=np.float64)
    var = np.zeros(k, dtype=np.float64)
    for i in range(n):
        for j in range(k):
            mean[j] += x[i, j]
    mean /= n
    for i in range(n):
        for j in range(k):
            d = x[i, j] - mean[j]
            var[j] += d * d
    var /= n
    return mean.astype(np.float32), var.astype(np.float32)


@njit(cache=True, error_model="numpy")
def batch_norm_apply(x, mean, var, gamma, beta, eps):
    n, k = x.shape
    y = np.empty_like(x)
    xhat = np.empty_like(x)
    inv = np.empty(k, dtype=np.float32)
    for j in range(k):
        inv[j] = np.float32(1.0) / math.sqrt(var[j] + eps)
    for i in range(n):
        for j in range(k):
            h = (x[i, j] - mean[j]) * inv[j]
            xhat[i, j] = h
            y[i, j] = h * gamma[j] + beta[j]
    return y, xhat, inv


@njit(cache=True, error_model="numpy")
def batch_norm_backward(xhat, inv, gamma, dy, batch_stats):
    n, k = dy.shape
    dgamma = np.zeros(k, dtype=np.float32)
    dbeta = np.zeros(k, dtype=np.float32)
    for i in range(n):
        for j in range(k):
            dgamma[j] += dy[i, j] * xhat[i, j]
            dbeta[j] += dy[i, j]
    dx = np.empty_like(dy)
    for i in range(n):
        for j in range(k):
            g = gamma[j] * inv[j]
            if batch_stats:
                # mean and variance depend on x too
                dx[i, j] = g * (dy[i, j] - (dbeta[j] + xhat[i, j] * dgamma[j]) / n)
            else:
                dx[i, j] = g * dy[i, j]
    return dx, dgamma, dbeta


@register_kernel("BatchNormalization")
class BatchNormalizationKernel(LayerKernel):
    """Training: batch statistics, and ``update_state`` moves
    ``moving = moving * momentum + batch * (1 - momentum)`` (in place).
    Inference: the moving statistics."""

    class_name = "BatchNormalization"

    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        axes = _axes(cfg.get("axis", -1), x.ndim)
        x2, perm, tshape = _to_rows(x, axes)
        k = x2.shape[1]
        gamma = f32(params["gamma"]).reshape(-1) if "gamma" in params else np.ones(k, np.float32)
        beta = f32(params["beta"]).reshape(-1) if "beta" in params else np.zeros(k, np.float32)
        eps = np.float32(cfg.get("epsilon", 1e-3))
        if training:
            mean, var = column_moments(x2)
        else:
            mean = f32(params["moving_mean"]).reshape(-1)
            var = f32(params["moving_variance"]).reshape(-1)
        y2, xhat, inv = batch_norm_apply(x2, mean, var, gamma, beta, eps)
        return [_from_rows(y2, perm, tshape)], (xhat, inv, gamma, bool(training), perm, tshape, mean, var)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        xhat, inv, gamma, batch_stats, perm, tshape, _, _ = cache
        dy = f32(d_outputs[0])
        dy2 = np.ascontiguousarray(dy.transpose(perm)).reshape(xhat.shape)
        dx2, dgamma, dbeta = batch_norm_backward(xhat, inv, gamma, dy2, batch_stats)
        grads = {}
        if "gamma" in params:
            grads["gamma"] = dgamma.reshape(np.shape(params["gamma"]))
        if "beta" in params:
            grads["beta"] = dbeta.reshape(np.shape(params["beta"]))
        return [_from_rows(dx2, perm, tshape) if input_grads else None], grads

    def update_state(self, cfg, params, cache):
        _, _, _, batch_stats, _, _, mean, var = cache
        if not batch_stats:
            return
        m = np.float32(cfg.get("momentum", 0.99))
        for name, batch in (("moving_mean", mean), ("moving_variance", var)):
            arr = params[name]
            arr[...] = (arr * m + batch.reshape(arr.shape) * (np.float32(1.0) - m)).astype(arr.dtype)


@njit(cache=True, error_model="numpy")
def layer_norm_forward(x, gamma, beta, eps, rms):
    """Per row: xhat = (x - mean) * r with r = 1/sqrt(var + eps).  Normal
    mode: y = xhat * gamma + beta.  rms_scaling (Keras 3.15's definition):
    y = x * r * gamma -- centred variance, uncentred x, beta unused."""
    n, k = x.shape
    y = np.empty_like(x)
    xhat = np.empty_like(x)
    inv = np.empty(n, dtype=np.float32)
    for i in range(n):
        mean = 0.0
        for j in range(k):
            mean += x[i, j]
        mean /= k
        var = 0.0
        for j in range(k):
            d = x[i, j] - mean
            var += d * d
        var /= k
        r = 1.0 / math.sqrt(var + eps)
        inv[i] = r
        for j in range(k):
            h = np.float32((x[i, j] - mean) * r)
            xhat[i, j] = h
            if rms:
                y[i, j] = x[i, j] * np.float32(r) * gamma[j]
            else:
                y[i, j] = h * gamma[j] + beta[j]
    return y, xhat, inv


@njit(cache=True, error_model="numpy")
def layer_norm_backward(x, xhat, inv, gamma, dy, rms):
    n, k = dy.shape
    dx = np.empty_like(dy)
    dgamma = np.zeros(k, dtype=np.float32)
    dbeta = np.zeros(k, dtype=np.float32)
    for i in range(n):
        s1 = 0.0
        s2 = 0.0
        r = inv[i]
        for j in range(k):
            g = dy[i, j] * gamma[j]
            s1 += g
            if rms:
                s2 += g * x[i, j] * r
                dgamma[j] += dy[i, j] * x[i, j] * r
            else:
                s2 += g * xhat[i, j]
                dgamma[j] += dy[i, j] * xhat[i, j]
                dbeta[j] += dy[i, j]
        s1 /= k
        s2 /= k
        for j in range(k):
            g = dy[i, j] * gamma[j]
            if rms:
                dx[i, j] = r * (g - xhat[i, j] * s2)
            else:
                dx[i, j] = r * (g - s1 - xhat[i, j] * s2)
    return dx, dgamma, dbeta


@register_kernel("LayerNormalization")
class LayerNormalizationKernel(LayerKernel):
    """Normalises over ``axis`` per sample (see layer_norm_forward for
    ``rms_scaling``)."""

    class_name = "LayerNormalization"

    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        axes = _axes(cfg.get("axis", -1), x.ndim)
        x2, perm, tshape = _to_rows(x, axes)
        k = x2.shape[1]
        rms = bool(cfg.get("rms_scaling", False))
        gamma = f32(params["gamma"]).reshape(-1) if "gamma" in params else np.ones(k, np.float32)
        beta = f32(params["beta"]).reshape(-1) if "beta" in params else np.zeros(k, np.float32)
        eps = float(cfg.get("epsilon", 1e-3))
        y2, xhat, inv = layer_norm_forward(x2, gamma, beta, eps, rms)
        return [_from_rows(y2, perm, tshape)], (x2, xhat, inv, gamma, rms, perm, tshape)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        x2, xhat, inv, gamma, rms, perm, tshape = cache
        dy2 = np.ascontiguousarray(f32(d_outputs[0]).transpose(perm)).reshape(xhat.shape)
        dx2, dgamma, dbeta = layer_norm_backward(x2, xhat, inv, gamma, dy2, rms)
        grads = {}
        if "gamma" in params:
            grads["gamma"] = dgamma.reshape(np.shape(params["gamma"]))
        if "beta" in params:
            grads["beta"] = dbeta.reshape(np.shape(params["beta"]))
        return [_from_rows(dx2, perm, tshape)], grads


@register_kernel("UnitNormalization")
class UnitNormalizationKernel(LayerKernel):
    """Keras 3: x * min(rsqrt(sum(x^2 over axis)), 1e12)."""

    class_name = "UnitNormalization"

    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        axes = tuple(_axes(cfg.get("axis", -1), x.ndim))
        ss = np.maximum((x.astype(np.float64) ** 2).sum(axis=axes, keepdims=True), 1e-24)
        inv = (1.0 / np.sqrt(ss)).astype(np.float32)
        y = x * inv
        return [y], (y, inv, axes, ss > 1e-24)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        y, inv, axes, active = cache
        dy = f32(d_outputs[0])
        proj = (dy * y).sum(axis=axes, keepdims=True)
        dx = inv * (dy - np.where(active, y * proj, 0.0))
        return [dx.astype(np.float32)], {}


@register_kernel("GroupNormalization")
class GroupNormalizationKernel(LayerKernel):
    """Channels split into ``groups``; each sample's group is normalised over
    its spatial positions and channels (a layer norm of the regrouped rows),
    then gamma/beta per channel."""

    class_name = "GroupNormalization"

    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        axis = int(cfg.get("axis", -1)) % x.ndim
        xl = np.ascontiguousarray(np.moveaxis(x, axis, -1))
        nb, c = xl.shape[0], xl.shape[-1]
        groups = int(cfg.get("groups", 32))
        s = int(np.prod(xl.shape[1:-1]))
        # (B, S, G, C/G) -> (B, G, S, C/G) -> rows (B*G, S*C/G)
        rows = np.ascontiguousarray(xl.reshape(nb, s, groups, c // groups).transpose(0, 2, 1, 3)).reshape(nb * groups, -1)
        k = rows.shape[1]
        ones, zeros = np.ones(k, np.float32), np.zeros(k, np.float32)
        eps = float(cfg.get("epsilon", 1e-3))
        _, xhat, inv = layer_norm_forward(rows, ones, zeros, eps, False)
        xhat_l = np.ascontiguousarray(xhat.reshape(nb, groups, s, c // groups).transpose(0, 2, 1, 3)).reshape(xl.shape)
        gamma = f32(params["gamma"]) if "gamma" in params else np.ones(c, np.float32)
        beta = f32(params["beta"]) if "beta" in params else np.zeros(c, np.float32)
        y = xhat_l * gamma + beta
        return [np.ascontiguousarray(np.moveaxis(y, -1, axis))], (rows, xhat, inv, xhat_l, gamma, axis, groups)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        rows, xhat, inv, xhat_l, gamma, axis, groups = cache
        dy = np.ascontiguousarray(np.moveaxis(f32(d_outputs[0]), axis, -1))
        c = dy.shape[-1]
        grads = {}
        red = tuple(range(dy.ndim - 1))
        if "gamma" in params:
            grads["gamma"] = (dy * xhat_l).sum(axis=red).astype(np.float32)
        if "beta" in params:
            grads["beta"] = dy.sum(axis=red).astype(np.float32)
        dxhat = dy * gamma
        nb, s = dy.shape[0], int(np.prod(dy.shape[1:-1]))
        drows = np.ascontiguousarray(dxhat.reshape(nb, s, groups, c // groups).transpose(0, 2, 1, 3)).reshape(rows.shape)
        ones = np.ones(rows.shape[1], np.float32)
        drow_x, _, _ = layer_norm_backward(rows, xhat, inv, ones, drows.astype(np.float32), False)
        dx = np.ascontiguousarray(drow_x.reshape(nb, groups, s, c // groups).transpose(0, 2, 1, 3)).reshape(dy.shape)
        return [np.ascontiguousarray(np.moveaxis(dx, -1, axis))], grads


@register_kernel("RMSNormalization")
class RMSNormalizationKernel(LayerKernel):
    """x * rsqrt(mean(x^2 over axis) + epsilon) * scale."""

    class_name = "RMSNormalization"

    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        axes = tuple(_axes(cfg.get("axis", -1), x.ndim))
        eps = float(cfg.get("epsilon", 1e-6))
        ms = (x.astype(np.float64) ** 2).mean(axis=axes, keepdims=True)
        r = (1.0 / np.sqrt(ms + eps)).astype(np.float32)
        xn = x * r
        scale = f32(params["scale"]) if "scale" in params else np.float32(1.0)
        return [(xn * scale).astype(np.float32)], (xn, r, axes, scale)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        xn, r, axes, scale = cache
        dy = f32(d_outputs[0])
        grads = {}
        if "scale" in params:
            red = tuple(i for i in range(dy.ndim) if i not in axes)
            grads["scale"] = (dy * xn).sum(axis=red).reshape(np.shape(params["scale"])).astype(np.float32)
        g = dy * scale
        k = int(np.prod([dy.shape[a] for a in axes]))
        dx = r * (g - xn * (g * xn).sum(axis=axes, keepdims=True) / np.float32(k))
        return [dx.astype(np.float32)], grads
