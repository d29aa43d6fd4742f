"""Activation functions and their derivatives, as Keras 3 defines them.

Every layer with an ``activation=`` argument (Dense, Conv*, RNN cells...) and
the Activation layer share these.  An activation is selected by a small
integer code so that one compiled function serves all of them; the switch sits
outside the element loop so that each loop stays a plain vectorisable loop.

The backward pass receives the pre-activation ``z`` and the output ``y``: most
derivatives are cheaper from ``y`` (sigmoid, tanh, relu), a few need ``z``
(gelu, swish).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

LINEAR, RELU, SIGMOID, TANH, SOFTMAX, ELU, SELU, SOFTPLUS, SOFTSIGN = 0, 1, 2, 3, 4, 5, 6, 7, 8
HARD_SIGMOID, GELU, SWISH, LEAKY_RELU, RELU6, EXPONENTIAL, MISH, LOG_SOFTMAX = 9, 10, 11, 12, 13, 14, 15, 16

CODES = {
    None: LINEAR,
    "linear": LINEAR,
    "relu": RELU,
    "sigmoid": SIGMOID,
    "tanh": TANH,
    "softmax": SOFTMAX,
    "elu": ELU,
    "selu": SELU,
    "softplus": SOFTPLUS,
    "softsign": SOFTSIGN,
    "hard_sigmoid": HARD_SIGMOID,
    "gelu": GELU,
    "swish": SWISH,
    "silu": SWISH,
    "leaky_relu": LEAKY_RELU,
    "relu6": RELU6,
    "exponential": EXPONENTIAL,
    "mish": MISH,
    "log_softmax": LOG_SOFTMAX,
}

# Keras 3's constants (keras/src/activations/activations.py).
SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805
LEAKY_SLOPE = 0.2  # keras.activations.leaky_relu(x, negative_slope=0.2)
SQRT_HALF = 0.7071067811865476
INV_SQRT_2PI = 0.3989422804014327


def activation_code(value) -> int:
    """The code for an ``activation=`` value: a name, None, or a function
    (``keras.activations.relu``) known by its ``__name__``."""
    if isinstance(value, str):
        key = value.lower()
    elif value is None:
        key = None
    else:
        key = getattr(value, "__name__", None) or getattr(value, "name", None)
        if isinstance(key, str):
            key = key.lower()
    if key not in CODES:
        raise ValueError(f"Unknown activation: {value!r}. Known: {sorted(k for k in CODES if k)}")
    return CODES[key]


@njit(cache=True)
def _softmax_rows(z, y, log):
    n, k = z.shape
    for i in range(n):
        m = z[i, 0]
        for j in range(1, k):
            if z[i, j] > m:
                m = z[i, j]
        s = np.float32(0.0)
        for j in range(k):
            e = math.exp(z[i, j] - m)
            y[i, j] = e
            s += e
        if log:
            ls = math.log(s)
            for j in range(k):
                y[i, j] = z[i, j] - m - ls
        else:
            inv = np.float32(1.0) / s
            for j in range(k):
                y[i, j] *= inv


@njit(cache=True)
def act_forward(code, z, y):
    """y = act(z) for flat float32 arrays (softmax: 2-D rows, last axis)."""
    n = z.size
    if code == LINEAR:
        for i in range(n):
            y[i] = z[i]
    elif code == RELU:
        for i in range(n):
            y[i] = z[i] if z[i] > 0 else np.float32(0.0)
    elif code == SIGMOID:
        for i in range(n):
            y[i] = np.float32(1.0) / (np.float32(1.0) + math.exp(-z[i]))
    elif code == TANH:
        for i in range(n):
            y[i] = fast_tanh(z[i])
    elif code == ELU:
        for i in range(n):
            y[i] = z[i] if z[i] > 0 else math.expm1(z[i])
    elif code == SELU:
        a = np.float32(SELU_ALPHA)
        s = np.float32(SELU_SCALE)
        for i in range(n):
            y[i] = s * z[i] if z[i] > 0 else s * a * math.expm1(z[i])
    elif code == SOFTPLUS:
        for i in range(n):
            v = z[i]
            y[i] = max(v, np.float32(0.0)) + math.log1p(math.exp(-abs(v)))
    elif code == SOFTSIGN:
        for i in range(n):
            y[i] = z[i] / (np.float32(1.0) + abs(z[i]))
    elif code == HARD_SIGMOID:
        for i in range(n):
            v = z[i] * np.float32(1.0 / 6.0) + np.float32(0.5)
            y[i] = min(max(v, np.float32(0.0)), np.float32(1.0))
    elif code == GELU:
        for i in range(n):
            v = z[i]
            y[i] = np.float32(0.5) * v * (np.float32(1.0) + math.erf(v * np.float32(SQRT_HALF)))
    elif code == SWISH:
        for i in range(n):
            y[i] = z[i] / (np.float32(1.0) + math.exp(-z[i]))
    elif code == LEAKY_RELU:
        for i in range(n):
            y[i] = z[i] if z[i] > 0 else np.float32(LEAKY_SLOPE) * z[i]
    elif code == RELU6:
        for i in range(n):
            y[i] = min(max(z[i], np.float32(0.0)), np.float32(6.0))
    elif code == EXPONENTIAL:
        for i in range(n):
            y[i] = math.exp(z[i])
    elif code == MISH:
        for i in range(n):
            v = z[i]
            sp = max(v, np.float32(0.0)) + math.log1p(math.exp(-abs(v)))
            y[i] = v * math.tanh(sp)


@njit(cache=True)
def act_backward(code, z, y, dy, dz):
    """dz = dy * act'(z) for flat float32 arrays (softmax handled apart)."""
    n = z.size
    if code == LINEAR:
        for i in range(n):
            dz[i] = dy[i]
    elif code == RELU:
        for i in range(n):
            dz[i] = dy[i] if z[i] > 0 else np.float32(0.0)
    elif code == SIGMOID:
        for i in range(n):
            dz[i] = dy[i] * y[i] * (np.float32(1.0) - y[i])
    elif code == TANH:
        for i in range(n):
            dz[i] = dy[i] * (np.float32(1.0) - y[i] * y[i])
    elif code == ELU:
        for i in range(n):
            dz[i] = dy[i] if z[i] > 0 else dy[i] * (y[i] + np.float32(1.0))
    elif code == SELU:
        a = np.float32(SELU_ALPHA)
        s = np.float32(SELU_SCALE)
        for i in range(n):
            dz[i] = dy[i] * s if z[i] > 0 else dy[i] * (y[i] + s * a)
    elif code == SOFTPLUS:
        for i in range(n):
            dz[i] = dy[i] / (np.float32(1.0) + math.exp(-z[i]))
    elif code == SOFTSIGN:
        for i in range(n):
            d = np.float32(1.0) + abs(z[i])
            dz[i] = dy[i] / (d * d)
    elif code == HARD_SIGMOID:
        for i in range(n):
            dz[i] = dy[i] * np.float32(1.0 / 6.0) if -3.0 < z[i] < 3.0 else np.float32(0.0)
    elif code == GELU:
        for i in range(n):
            v = z[i]
            cdf = np.float32(0.5) * (np.float32(1.0) + math.erf(v * np.float32(SQRT_HALF)))
            pdf = np.float32(INV_SQRT_2PI) * math.exp(np.float32(-0.5) * v * v)
            dz[i] = dy[i] * (cdf + v * pdf)
    elif code == SWISH:
        for i in range(n):
            s = np.float32(1.0) / (np.float32(1.0) + math.exp(-z[i]))
            dz[i] = dy[i] * (s + y[i] * (np.float32(1.0) - s))
    elif code == LEAKY_RELU:
        for i in range(n):
            dz[i] = dy[i] if z[i] > 0 else np.float32(LEAKY_SLOPE) * dy[i]
    elif code == RELU6:
        for i in range(n):
            dz[i] = dy[i] if 0.0 < z[i] < 6.0 else np.float32(0.0)
    elif code == EXPONENTIAL:
        for i in range(n):
            dz[i] = dy[i] * y[i]
    elif code == MISH:
        for i in range(n):
            v = z[i]
            sp = max(v, np.float32(0.0)) + math.log1p(math.exp(-abs(v)))
            t = math.tanh(sp)
            sg = np.float32(1.0) / (np.float32(1.0) + math.exp(-v))
            dz[i] = dy[i] * (t + v * (np.float32(1.0) - t * t) * sg)


@njit(cache=True)
def _softmax_backward_rows(y, dy, dz, log):
    n, k = y.shape
    for i in range(n):
        if log:
            # y = log p:  dz = dy - p * sum(dy)
            s = np.float32(0.0)
            for j in range(k):
                s += dy[i, j]
            for j in range(k):
                dz[i, j] = dy[i, j] - math.exp(y[i, j]) * s
        else:
            s = np.float32(0.0)
            for j in range(k):
                s += dy[i, j] * y[i, j]
            for j in range(k):
                dz[i, j] = y[i, j] * (dy[i, j] - s)


def apply(code: int, z: np.ndarray) -> np.ndarray:
    """act(z) as a new float32 array of z's shape (softmax over the last axis)."""
    z = np.ascontiguousarray(z, dtype=np.float32)
    if code == LINEAR:
        return z
    y = np.empty_like(z)
    if code in (SOFTMAX, LOG_SOFTMAX):
        k = z.shape[-1] if z.ndim else 1
        _softmax_rows(z.reshape(-1, k), y.reshape(-1, k), code == LOG_SOFTMAX)
    else:
        act_forward(code, z.reshape(-1), y.reshape(-1))
    return y


def gradient(code: int, z: np.ndarray, y: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """dL/dz from dL/dy, given the pre-activation z and the output y."""
    dy = np.ascontiguousarray(dy, dtype=np.float32)
    if code == LINEAR:
        return dy
    dz = np.empty_like(dy)
    if code in (SOFTMAX, LOG_SOFTMAX):
        k = y.shape[-1] if y.ndim else 1
        _softmax_backward_rows(y.reshape(-1, k), dy.reshape(-1, k), dz.reshape(-1, k), code == LOG_SOFTMAX)
    else:
        act_backward(code, z.reshape(-1), y.reshape(-1), dy.reshape(-1), dz.reshape(-1))
    return dz


# -- scalar forms, for the recurrent cells' fused loops ------------------------
@njit(cache=True)
def fast_tanh(v):
    # 1 - 2 / (exp(2v) + 1): one exp (~3 ns) instead of libm's tanhf (~15 ns);
    # absolute error below 1e-7, saturates cleanly at +-1.
    return np.float32(1.0) - np.float32(2.0) / (math.exp(np.float32(2.0) * v) + np.float32(1.0))


@njit(cache=True)
def scalar(code, v):
    """act(v) for one float32 value (element-wise activations only)."""
    if code == SIGMOID:
        return np.float32(1.0) / (np.float32(1.0) + math.exp(-v))
    if code == TANH:
        return fast_tanh(v)
    if code == LINEAR:
        return v
    if code == RELU:
        return v if v > 0 else np.float32(0.0)
    if code == HARD_SIGMOID:
        return min(max(v * np.float32(1.0 / 6.0) + np.float32(0.5), np.float32(0.0)), np.float32(1.0))
    a = np.empty(1, dtype=np.float32)
    b = np.empty(1, dtype=np.float32)
    a[0] = v
    act_forward(code, a, b)
    return b[0]


@njit(cache=True)
def scalar_grad(code, z, y):
    """act'(z) for one value, given z and y = act(z)."""
    if code == SIGMOID:
        return y * (np.float32(1.0) - y)
    if code == TANH:
        return np.float32(1.0) - y * y
    if code == LINEAR:
        return np.float32(1.0)
    if code == RELU:
        return np.float32(1.0) if z > 0 else np.float32(0.0)
    a = np.empty(1, dtype=np.float32)
    b = np.empty(1, dtype=np.float32)
    one = np.ones(1, dtype=np.float32)
    d = np.empty(1, dtype=np.float32)
    a[0] = z
    b[0] = y
    act_backward(code, a, b, one, d)
    return d[0]


def elementwise_code(value, role: str) -> int:
    code = activation_code(value)
    if code in (SOFTMAX, LOG_SOFTMAX):
        raise NotImplementedError(f"{role}={value!r} is not element-wise; the runtime's recurrent cells need one that is")
    return code
