"""Activations on the GPU, with the CPU kernels' codes and Keras 3's formulas
(shapecheck/runtime/kernels/activations.py holds the constants).

Element-wise activations are one grid-stride kernel each way, selected by the
integer code.  Softmax and log-softmax work on rows of the last axis, one
block of 32 threads per row: the row's max and its sum of exponentials are
tree reductions in shared memory.
"""
from __future__ import annotations

import math

import numpy as np
from numba import cuda, float32

from ..kernels import activations as A
from ._common import SIMULATED, empty, flat, grid

LINEAR, RELU, SIGMOID, TANH, SOFTMAX, ELU, SELU = A.LINEAR, A.RELU, A.SIGMOID, A.TANH, A.SOFTMAX, A.ELU, A.SELU
SOFTPLUS, SOFTSIGN, HARD_SIGMOID, GELU, SWISH = A.SOFTPLUS, A.SOFTSIGN, A.HARD_SIGMOID, A.GELU, A.SWISH
LEAKY_RELU, RELU6, EXPONENTIAL, MISH, LOG_SOFTMAX = A.LEAKY_RELU, A.RELU6, A.EXPONENTIAL, A.MISH, A.LOG_SOFTMAX

ZERO = np.float32(0.0)
ONE = np.float32(1.0)
NEG_INF = np.float32(-np.inf)
HALF = np.float32(0.5)
SIXTH = np.float32(1.0 / 6.0)
SIX = np.float32(6.0)
SELU_A = np.float32(A.SELU_ALPHA)
SELU_S = np.float32(A.SELU_SCALE)
LEAK = np.float32(A.LEAKY_SLOPE)
SQRT_HALF = np.float32(A.SQRT_HALF)
INV_SQRT_2PI = np.float32(A.INV_SQRT_2PI)


@cuda.jit(device=True)
def _softplus(v):
    return max(v, ZERO) + math.log1p(math.exp(-abs(v)))


@cuda.jit(device=True)
def act(code, v):
    if code == RELU:
        return v if v > ZERO else ZERO
    if code == SIGMOID:
        return ONE / (ONE + math.exp(-v))
    if code == TANH:
        return math.tanh(v)
    if code == ELU:
        return v if v > ZERO else math.expm1(v)
    if code == SELU:
        return SELU_S * v if v > ZERO else SELU_S * SELU_A * math.expm1(v)
    if code == SOFTPLUS:
        return _softplus(v)
    if code == SOFTSIGN:
        return v / (ONE + abs(v))
    if code == HARD_SIGMOID:
        return min(max(v * SIXTH + HALF, ZERO), ONE)
    if code == GELU:
        return HALF * v * (ONE + math.erf(v * SQRT_HALF))
    if code == SWISH:
        return v / (ONE + math.exp(-v))
    if code == LEAKY_RELU:
        return v if v > ZERO else LEAK * v
    if code == RELU6:
        return min(max(v, ZERO), SIX)
    if code == EXPONENTIAL:
        return math.exp(v)
    if code == MISH:
        return v * math.tanh(_softplus(v))
    return v


@cuda.jit(device=True)
def act_grad(code, z, y):
    """act'(z) given z and y = act(z)."""
    if code == RELU:
        return ONE if z > ZERO else ZERO
    if code == SIGMOID:
        return y * (ONE - y)
    if code == TANH:
        return ONE - y * y
    if code == ELU:
        return ONE if z > ZERO else y + ONE
    if code == SELU:
        return SELU_S if z > ZERO else y + SELU_S * SELU_A
    if code == SOFTPLUS:
        return ONE / (ONE + math.exp(-z))
    if code == SOFTSIGN:
        d = ONE + abs(z)
        return ONE / (d * d)
    if code == HARD_SIGMOID:
        return SIXTH if -3.0 < z < 3.0 else ZERO
    if code == GELU:
        cdf = HALF * (ONE + math.erf(z * SQRT_HALF))
        pdf = INV_SQRT_2PI * math.exp(-HALF * z * z)
        return cdf + z * pdf
    if code == SWISH:
        s = ONE / (ONE + math.exp(-z))
        return s + y * (ONE - s)
    if code == LEAKY_RELU:
        return ONE if z > ZERO else LEAK
    if code == RELU6:
        return ONE if 0.0 < z < 6.0 else ZERO
    if code == EXPONENTIAL:
        return y
    if code == MISH:
        t = math.tanh(_softplus(z))
        sg = ONE / (ONE + math.exp(-z))
        return t + z * (ONE - t * t) * sg
    return ONE


@cuda.jit
def _act_forward(code, z, y):
    for i in range(cuda.grid(1), z.size, cuda.gridsize(1)):
        y[i] = act(code, z[i])


@cuda.jit
def _act_backward(code, z, y, dy, dz):
    for i in range(cuda.grid(1), z.size, cuda.gridsize(1)):
        dz[i] = dy[i] * act_grad(code, z[i], y[i])


ROW = 4 if SIMULATED else 32  # threads per row for the row kernels (a warp on a GPU)


@cuda.jit(device=True)
def row_max(buf, v):
    t = cuda.threadIdx.x
    buf[t] = v
    cuda.syncthreads()
    step = ROW // 2
    while step > 0:
        if t < step and buf[t + step] > buf[t]:
            buf[t] = buf[t + step]
        cuda.syncthreads()
        step //= 2
    r = buf[0]
    cuda.syncthreads()
    return r


@cuda.jit(device=True)
def row_sum(buf, v):
    t = cuda.threadIdx.x
    buf[t] = v
    cuda.syncthreads()
    step = ROW // 2
    while step > 0:
        if t < step:
            buf[t] += buf[t + step]
        cuda.syncthreads()
        step //= 2
    r = buf[0]
    cuda.syncthreads()
    return r


@cuda.jit
def _softmax_rows(z, y, log):
    buf = cuda.shared.array(ROW, float32)
    i = cuda.blockIdx.x
    t = cuda.threadIdx.x
    k = z.shape[1]
    m = NEG_INF
    for j in range(t, k, ROW):
        m = max(m, z[i, j])
    m = row_max(buf, m)
    s = ZERO
    for j in range(t, k, ROW):
        s += math.exp(z[i, j] - m)
    s = row_sum(buf, s)
    if log:
        ls = math.log(s)
        for j in range(t, k, ROW):
            y[i, j] = z[i, j] - m - ls
    else:
        inv = ONE / s
        for j in range(t, k, ROW):
            y[i, j] = math.exp(z[i, j] - m) * inv


@cuda.jit
def _softmax_back_rows(y, dy, dz, log):
    buf = cuda.shared.array(ROW, float32)
    i = cuda.blockIdx.x
    t = cuda.threadIdx.x
    k = y.shape[1]
    s = ZERO
    for j in range(t, k, ROW):
        s += dy[i, j] if log else dy[i, j] * y[i, j]
    s = row_sum(buf, s)
    for j in range(t, k, ROW):
        if log:
            dz[i, j] = dy[i, j] - math.exp(y[i, j]) * s
        else:
            dz[i, j] = y[i, j] * (dy[i, j] - s)


def _rows(a):
    k = tuple(a.shape)[-1] if a.ndim else 1
    return a.reshape(a.size // max(k, 1), k)


def apply(code: int, z):
    """act(z) as a new device array (softmax over the last axis); linear returns z."""
    if code == LINEAR:
        return z
    y = empty(z.shape)
    if z.size == 0:
        return y
    if code in (SOFTMAX, LOG_SOFTMAX):
        z2, y2 = _rows(z), _rows(y)
        _softmax_rows[z2.shape[0], ROW](z2, y2, code == LOG_SOFTMAX)
    else:
        _act_forward[grid(z.size)](code, flat(z), flat(y))
    return y


def gradient(code: int, z, y, dy):
    """dL/dz from dL/dy on the device."""
    if code == LINEAR:
        return dy
    dz = empty(dy.shape)
    if dy.size == 0:
        return dz
    if code in (SOFTMAX, LOG_SOFTMAX):
        _softmax_back_rows[_rows(y).shape[0], ROW](_rows(y), _rows(dy), _rows(dz), code == LOG_SOFTMAX)
    else:
        _act_backward[grid(dy.size)](code, flat(z), flat(y), flat(dy), flat(dz))
    return dz
