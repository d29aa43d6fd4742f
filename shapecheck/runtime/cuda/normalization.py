"""BatchNormalization on the GPU for the last axis (Dense outputs, channels_last
feature maps): the (rows, features) view needs no transpose.  Other axes
take the CPU kernel through HostFallback.

Column statistics are block reductions: 8 row lanes per column stride over
the rows, then fold in shared memory; the mean and the (biased) variance are
two passes of one kernel.  Formulas and the moving-average update are the
CPU kernel's (kernels/normalization.py).
"""
from __future__ import annotations

import math

import numpy as np
from numba import cuda, float32

from ..kernels import get_kernel
from ..kernels.base import LayerKernel, register_kernel
from ..kernels.normalization import _axes
from ._common import SIMULATED, dev, empty, flat, full, grid, is_device, mark_array_written, reshape
from .layers import HostFallback

CX = 8 if SIMULATED else 32  # columns per block
CY = 4 if SIMULATED else 8  # row lanes per column
ZERO = np.float32(0.0)
ONE = np.float32(1.0)


@cuda.jit(device=True)
def _fold(part, tx, ty):
    cuda.syncthreads()
    step = CY // 2
    while step > 0:
        if ty < step:
            part[ty, tx] += part[ty + step, tx]
        cuda.syncthreads()
        step //= 2
    r = part[0, tx]
    cuda.syncthreads()
    return r


@cuda.jit
def _col_moments(x, mean, var):
    part = cuda.shared.array((CY, CX), float32)
    tx = cuda.threadIdx.x
    ty = cuda.threadIdx.y
    col = cuda.blockIdx.x * CX + tx
    n = x.shape[0]
    inside = col < x.shape[1]
    s = ZERO
    if inside:
        for r in range(ty, n, CY):
            s += x[r, col]
    part[ty, tx] = s
    m = _fold(part, tx, ty) / float32(n)
    s = ZERO
    if inside:
        for r in range(ty, n, CY):
            d = x[r, col] - m
            s += d * d
    part[ty, tx] = s
    v = _fold(part, tx, ty) / float32(n)
    if ty == 0 and inside:
        mean[col] = m
        var[col] = v


@cuda.jit
def _col_grads(dy, xhat, dgamma, dbeta):
    part = cuda.shared.array((CY, CX), float32)
    tx = cuda.threadIdx.x
    ty = cuda.threadIdx.y
    col = cuda.blockIdx.x * CX + tx
    inside = col < dy.shape[1]
    sg = ZERO
    sb = ZERO
    if inside:
        for r in range(ty, dy.shape[0], CY):
            sg += dy[r, col] * xhat[r, col]
            sb += dy[r, col]
    part[ty, tx] = sg
    g = _fold(part, tx, ty)
    part[ty, tx] = sb
    b = _fold(part, tx, ty)
    if ty == 0 and inside:
        dgamma[col] = g
        dbeta[col] = b


@cuda.jit
def _apply(x, mean, var, gamma, beta, eps, y, xhat, inv):
    k = x.shape[1]
    for idx in range(cuda.grid(1), x.size, cuda.gridsize(1)):
        i = idx // k
        j = idx - i * k
        r = ONE / math.sqrt(var[j] + eps)
        h = (x[i, j] - mean[j]) * r
        xhat[i, j] = h
        y[i, j] = h * gamma[j] + beta[j]
        if i == 0:
            inv[j] = r


@cuda.jit
def _dx(dy, xhat, inv, gamma, dgamma, dbeta, batch_stats, dx):
    n = dy.shape[0]
    k = dy.shape[1]
    for idx in range(cuda.grid(1), dy.size, cuda.gridsize(1)):
        i = idx // k
        j = idx - i * k
        g = gamma[j] * inv[j]
        if batch_stats:
            dx[i, j] = g * (dy[i, j] - (dbeta[j] + xhat[i, j] * dgamma[j]) / float32(n))
        else:
            dx[i, j] = g * dy[i, j]


@cuda.jit
def _moving(arr, batch, m):
    for i in range(cuda.grid(1), arr.size, cuda.gridsize(1)):
        arr[i] = arr[i] * m + batch[i] * (ONE - m)


def _cols(k):
    return ((k + CX - 1) // CX,), (CX, CY)


@register_kernel("BatchNormalization", device="cuda")
class BatchNormalizationKernel(LayerKernel):
    class_name = "BatchNormalization"

    def _cpu(self):
        return HostFallback(get_kernel(self.class_name, "cpu"))

    def forward(self, cfg, params, inputs, training, rng):
        x = dev(inputs[0])
        shape = tuple(x.shape)
        if _axes(cfg.get("axis", -1), len(shape)) != [len(shape) - 1]:
            outs, cache = self._cpu().forward(cfg, params, [x], training, rng)
            return outs, ("cpu", cache)
        k = shape[-1]
        x2 = reshape(x, (-1, k))
        gamma = flat(dev(params["gamma"])) if "gamma" in params else full((k,), 1.0)
        beta = flat(dev(params["beta"])) if "beta" in params else full((k,), 0.0)
        if training:
            mean, var = empty((k,)), empty((k,))
            _col_moments[_cols(k)](x2, mean, var)
        else:
            mean, var = flat(dev(params["moving_mean"])), flat(dev(params["moving_variance"]))
        y, xhat, inv = empty(tuple(x2.shape)), empty(tuple(x2.shape)), empty((k,))
        if x2.size:
            _apply[grid(x2.size)](x2, mean, var, gamma, beta, np.float32(cfg.get("epsilon", 1e-3)), y, xhat, inv)
        return [reshape(y, shape)], ("gpu", xhat, inv, gamma, bool(training), shape, mean, var)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        if cache[0] == "cpu":
            return self._cpu().backward(cfg, params, cache[1], d_outputs, input_grads)
        _, xhat, inv, gamma, batch_stats, shape, _, _ = cache
        k = xhat.shape[1]
        dy = reshape(dev(d_outputs[0]), tuple(xhat.shape))
        dgamma, dbeta = empty((k,)), empty((k,))
        _col_grads[_cols(k)](dy, xhat, dgamma, dbeta)
        grads = {}
        if "gamma" in params:
            grads["gamma"] = reshape(dgamma, tuple(params["gamma"].shape))
        if "beta" in params:
            grads["beta"] = reshape(dbeta, tuple(params["beta"].shape))
        if not input_grads:
            return [None], grads
        dx = empty(tuple(xhat.shape))
        if dx.size:
            _dx[grid(dx.size)](dy, xhat, inv, gamma, dgamma, dbeta, batch_stats, dx)
        return [reshape(dx, shape)], grads

    def update_state(self, cfg, params, cache) -> None:
        if cache[0] == "cpu":
            return self._cpu().update_state(cfg, params, cache[1])
        _, _, _, _, batch_stats, _, mean, var = cache
        if not batch_stats:
            return
        m = np.float32(cfg.get("momentum", 0.99))
        for name, batch in (("moving_mean", mean), ("moving_variance", var)):
            arr = params[name]
            if not is_device(arr):
                arr[...] = arr * m + batch.copy_to_host().reshape(arr.shape) * (np.float32(1.0) - m)
                continue
            _moving[grid(arr.size)](flat(arr), batch, m)
            mark_array_written(arr)
