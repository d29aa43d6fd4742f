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


@njit(cache=True, error_model="numpy")
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


# -- element-wise activations: one small kernel each --------------------------
# One kernel per activation, picked in Python by its code: a single kernel
# switching on the code compiled every activation's loop (and sigmoid/tanh's
# exp helpers) on a script's first use of any, ~6 s of a cold start.
def _elementwise(fn):
    return njit(cache=True, error_model="numpy")(fn)


@_elementwise
def _linear_fwd(z, y):
    for i in range(z.size):
        y[i] = z[i]


@_elementwise
def _relu_fwd(z, y):
    for i in range(z.size):
        y[i] = z[i] if z[i] > 0 else np.float32(0.0)


@_elementwise
def _sigmoid_fwd(z, y):
    sigmoid_into(z, y, np.empty(z.size, dtype=np.int32))


@_elementwise
def _tanh_fwd(z, y):
    tanh_into(z, y, np.empty(z.size, dtype=np.int32))


@_elementwise
def _elu_fwd(z, y):
    for i in range(z.size):
        y[i] = z[i] if z[i] > 0 else math.expm1(z[i])


@_elementwise
def _selu_fwd(z, y):
    a = np.float32(SELU_ALPHA)
    s = np.float32(SELU_SCALE)
    for i in range(z.size):
        y[i] = s * z[i] if z[i] > 0 else s * a * math.expm1(z[i])


@_elementwise
def _softplus_fwd(z, y):
    for i in range(z.size):
        v = z[i]
        y[i] = max(v, np.float32(0.0)) + math.log1p(math.exp(-abs(v)))


@_elementwise
def _softsign_fwd(z, y):
    for i in range(z.size):
        y[i] = z[i] / (np.float32(1.0) + abs(z[i]))


@_elementwise
def _hard_sigmoid_fwd(z, y):
    for i in range(z.size):
        v = z[i] * np.float32(1.0 / 6.0) + np.float32(0.5)
        y[i] = min(max(v, np.float32(0.0)), np.float32(1.0))


@_elementwise
def _gelu_fwd(z, y):
    for i in range(z.size):
        v = z[i]
        y[i] = np.float32(0.5) * v * (np.float32(1.0) + math.erf(v * np.float32(SQRT_HALF)))


@_elementwise
def _swish_fwd(z, y):
    for i in range(z.size):
        y[i] = z[i] / (np.float32(1.0) + math.exp(-z[i]))


@_elementwise
def _leaky_relu_fwd(z, y):
    for i in range(z.size):
        y[i] = z[i] if z[i] > 0 else np.float32(LEAKY_SLOPE) * z[i]


@_elementwise
def _relu6_fwd(z, y):
    for i in range(z.size):
        y[i] = min(max(z[i], np.float32(0.0)), np.float32(6.0))


@_elementwise
def _exponential_fwd(z, y):
    for i in range(z.size):
        y[i] = math.exp(z[i])


@_elementwise
def _mish_fwd(z, y):
    for i in range(z.size):
        v = z[i]
        sp = max(v, np.float32(0.0)) + math.log1p(math.exp(-abs(v)))
        y[i] = v * math.tanh(sp)


@_elementwise
def _linear_bwd(z, y, dy, dz):
    for i in range(z.size):
        dz[i] = dy[i]


@_elementwise
def _relu_bwd(z, y, dy, dz):
    for i in range(z.size):
        dz[i] = dy[i] if z[i] > 0 else np.float32(0.0)


@_elementwise
def _sigmoid_bwd(z, y, dy, dz):
    for i in range(z.size):
        dz[i] = dy[i] * y[i] * (np.float32(1.0) - y[i])


@_elementwise
def _tanh_bwd(z, y, dy, dz):
    for i in range(z.size):
        dz[i] = dy[i] * (np.float32(1.0) - y[i] * y[i])


@_elementwise
def _elu_bwd(z, y, dy, dz):
    for i in range(z.size):
        dz[i] = dy[i] if z[i] > 0 else dy[i] * (y[i] + np.float32(1.0))


@_elementwise
def _selu_bwd(z, y, dy, dz):
    a = np.float32(SELU_ALPHA)
    s = np.float32(SELU_SCALE)
    for i in range(z.size):
        dz[i] = dy[i] * s if z[i] > 0 else dy[i] * (y[i] + s * a)


@_elementwise
def _softplus_bwd(z, y, dy, dz):
    for i in range(z.size):
        dz[i] = dy[i] / (np.float32(1.0) + math.exp(-z[i]))


@_elementwise
def _softsign_bwd(z, y, dy, dz):
    for i in range(z.size):
        d = np.float32(1.0) + abs(z[i])
        dz[i] = dy[i] / (d * d)


@_elementwise
def _hard_sigmoid_bwd(z, y, dy, dz):
    for i in range(z.size):
        dz[i] = dy[i] * np.float32(1.0 / 6.0) if -3.0 < z[i] < 3.0 else np.float32(0.0)


@_elementwise
def _gelu_bwd(z, y, dy, dz):
    for i in range(z.size):
        v = z[i]
        cdf = np.float32(0.5) * (np.float32(1.0) + math.erf(v * np.float32(SQRT_HALF)))
        pdf = np.float32(INV_SQRT_2PI) * math.exp(np.float32(-0.5) * v * v)
        dz[i] = dy[i] * (cdf + v * pdf)


@_elementwise
def _swish_bwd(z, y, dy, dz):
    for i in range(z.size):
        s = np.float32(1.0) / (np.float32(1.0) + math.exp(-z[i]))
        dz[i] = dy[i] * (s + y[i] * (np.float32(1.0) - s))


@_elementwise
def _leaky_relu_bwd(z, y, dy, dz):
    for i in range(z.size):
        dz[i] = dy[i] if z[i] > 0 else np.float32(LEAKY_SLOPE) * dy[i]


@_elementwise
def _relu6_bwd(z, y, dy, dz):
    for i in range(z.size):
        dz[i] = dy[i] if 0.0 < z[i] < 6.0 else np.float32(0.0)


@_elementwise
def _exponential_bwd(z, y, dy, dz):
    for i in range(z.size):
        dz[i] = dy[i] * y[i]


@_elementwise
def _mish_bwd(z, y, dy, dz):
    for i in range(z.size):
        v = z[i]
        sp = max(v, np.float32(0.0)) + math.log1p(math.exp(-abs(v)))
        t = math.tanh(sp)
        sg = np.float32(1.0) / (np.float32(1.0) + math.exp(-v))
        dz[i] = dy[i] * (t + v * (np.float32(1.0) - t * t) * sg)


_FORWARD = {LINEAR: _linear_fwd, RELU: _relu_fwd, SIGMOID: _sigmoid_fwd, TANH: _tanh_fwd, ELU: _elu_fwd,
            SELU: _selu_fwd, SOFTPLUS: _softplus_fwd, SOFTSIGN: _softsign_fwd, HARD_SIGMOID: _hard_sigmoid_fwd,
            GELU: _gelu_fwd, SWISH: _swish_fwd, LEAKY_RELU: _leaky_relu_fwd, RELU6: _relu6_fwd,
            EXPONENTIAL: _exponential_fwd, MISH: _mish_fwd}
_BACKWARD = {LINEAR: _linear_bwd, RELU: _relu_bwd, SIGMOID: _sigmoid_bwd, TANH: _tanh_bwd, ELU: _elu_bwd,
             SELU: _selu_bwd, SOFTPLUS: _softplus_bwd, SOFTSIGN: _softsign_bwd, HARD_SIGMOID: _hard_sigmoid_bwd,
             GELU: _gelu_bwd, SWISH: _swish_bwd, LEAKY_RELU: _leaky_relu_bwd, RELU6: _relu6_bwd,
             EXPONENTIAL: _exponential_bwd, MISH: _mish_bwd}


def act_forward(code, z, y):
    """y = act(z) for flat float32 arrays (element-wise codes)."""
    _FORWARD[code](z, y)


def act_backward(code, z, y, dy, dz):
    """dz = dy * act'(z) for flat float32 arrays (softmax handled apart)."""
    _BACKWARD[code](z, y, dy, dz)


@njit(cache=True, error_model="numpy")
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


# Activations whose derivative can be read off the output alone (act_backward
# only compares z with 0 or 6 for them, and y has the same sign / range).
# Layers apply these in place on their fresh pre-activation buffer and keep
# one array instead of two.
Y_ONLY = frozenset({LINEAR, RELU, SIGMOID, TANH, ELU, SELU, LEAKY_RELU, RELU6, EXPONENTIAL, SOFTMAX})


def apply_owned(code: int, z: np.ndarray):
    """For a z the caller owns: (z for the gradient, y).  Overwrites z with y
    when the derivative needs only y."""
    if code not in Y_ONLY:
        return z, apply(code, z)
    if code == LINEAR:
        return z, z
    if code == SOFTMAX:
        k = z.shape[-1] if z.ndim else 1
        _softmax_rows(z.reshape(-1, k), z.reshape(-1, k), False)
    else:
        act_forward(code, z.reshape(-1), z.reshape(-1))
    return z, z


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


# -- vectorisable exp ------------------------------------------------------------
# numba's math.exp is a call to libm's expf per element (~3 ns); this version
# is plain arithmetic that LLVM turns into AVX-512/AVX2 code: 2^k * p(r) with
# k = round(x / ln 2), r = x - k ln 2 (Cody-Waite split), p a degree-7
# polynomial (the Cephes expf coefficients), and 2^k built from its IEEE bits
# in a scratch int32 array viewed as float32.  Relative error ~1.2e-7.
LOG2E = np.float32(1.4426950408889634)
LN2_HI = np.float32(0.693359375)
LN2_LO = np.float32(-2.12194440e-4)


@njit(cache=True, error_model="numpy")
def _exp_parts(z, scale, out, bits):
    """out[i] = p(r), bits[i] = IEEE bits of 2^k, so exp(scale*z[i]) =
    out[i] * bits[i].view(float32).  Arguments clamped to [-87, 87]: the
    results stay normal floats (6e37 at most), which the reciprocal below
    relies on; the activations built on it saturate long before."""
    for i in range(z.size):
        v = min(max(z[i] * scale, np.float32(-87.0)), np.float32(87.0))
        ki = np.int32(v * LOG2E + np.float32(128.5)) - np.int32(128)
        k = np.float32(ki)
        r = v - k * LN2_HI - k * LN2_LO
        p = np.float32(1.98756915e-4)
        p = p * r + np.float32(1.39819994e-3)
        p = p * r + np.float32(8.33345205e-3)
        p = p * r + np.float32(4.16657962e-2)
        p = p * r + np.float32(1.66666657e-1)
        p = p * r + np.float32(5.00000012e-1)
        out[i] = p * r * r + r + np.float32(1.0)
        bits[i] = (ki + np.int32(127)) << 23


@njit(cache=True, error_model="numpy")
def exp_scaled(z, scale, out, bits):
    """out[i] = exp(scale * z[i]) for flat float32 arrays; bits: int32 scratch
    of the same size (out may be z)."""
    _exp_parts(z, scale, out, bits)
    pow2 = bits.view(np.float32)
    for i in range(z.size):
        out[i] *= pow2[i]


@njit(cache=True, error_model="numpy")
def sigmoid_into(z, y, bits):
    # A Newton-step reciprocal (multiply-adds from a bit-trick seed) ran ~40%
    # faster than this division but moved results by ~1e-7, enough to change
    # the last digits of a whole fit; the division keeps them as before.
    _exp_parts(z, np.float32(-1.0), y, bits)
    pow2 = bits.view(np.float32)
    for i in range(z.size):
        y[i] = np.float32(1.0) / (np.float32(1.0) + y[i] * pow2[i])


@njit(cache=True, error_model="numpy")
def tanh_into(z, y, bits):
    # tanh(x) = 1 - 2 / (exp(2x) + 1): saturates cleanly at +-1, absolute
    # error ~1e-7 around 0.
    _exp_parts(z, np.float32(2.0), y, bits)
    pow2 = bits.view(np.float32)
    for i in range(z.size):
        y[i] = np.float32(1.0) - np.float32(2.0) / (y[i] * pow2[i] + np.float32(1.0))


# -- scalar forms, for the recurrent cells' loops -----------------------------
@njit(cache=True, error_model="numpy", inline="always")
def scalar(code, v):
    """act(v) for one float32 value (element-wise activations only)."""
    one = np.float32(1.0)
    zero = np.float32(0.0)
    if code == SIGMOID:
        return one / (one + math.exp(-v))
    if code == TANH:
        return one - np.float32(2.0) / (math.exp(np.float32(2.0) * v) + one)
    if code == RELU:
        return v if v > 0 else zero
    if code == HARD_SIGMOID:
        return min(max(v * np.float32(1.0 / 6.0) + np.float32(0.5), zero), one)
    if code == ELU:
        return v if v > 0 else np.float32(math.expm1(v))
    if code == SELU:
        return np.float32(SELU_SCALE) * (v if v > 0 else np.float32(SELU_ALPHA) * np.float32(math.expm1(v)))
    if code == SOFTPLUS:
        return max(v, zero) + np.float32(math.log1p(math.exp(-abs(v))))
    if code == SOFTSIGN:
        return v / (one + abs(v))
    if code == GELU:
        return np.float32(0.5) * v * (one + np.float32(math.erf(v * np.float32(SQRT_HALF))))
    if code == SWISH:
        return v / (one + math.exp(-v))
    if code == LEAKY_RELU:
        return v if v > 0 else np.float32(LEAKY_SLOPE) * v
    if code == RELU6:
        return min(max(v, zero), np.float32(6.0))
    if code == EXPONENTIAL:
        return np.float32(math.exp(v))
    if code == MISH:
        return v * np.float32(math.tanh(max(v, zero) + math.log1p(math.exp(-abs(v)))))
    return v  # LINEAR


@njit(cache=True, error_model="numpy", inline="always")
def scalar_grad(code, z, y):
    """act'(z) for one value, given z and y = act(z)."""
    one = np.float32(1.0)
    zero = np.float32(0.0)
    if code == SIGMOID:
        return y * (one - y)
    if code == TANH:
        return one - y * y
    if code == RELU:
        return one if z > 0 else zero
    if code == HARD_SIGMOID:
        return np.float32(1.0 / 6.0) if -3.0 < z < 3.0 else zero
    if code == ELU:
        return one if z > 0 else y + one
    if code == SELU:
        return np.float32(SELU_SCALE) if z > 0 else y + np.float32(SELU_SCALE * SELU_ALPHA)
    if code == SOFTPLUS:
        return one / (one + math.exp(-z))
    if code == SOFTSIGN:
        d = one + abs(z)
        return one / (d * d)
    if code == GELU:
        cdf = np.float32(0.5) * (one + np.float32(math.erf(z * np.float32(SQRT_HALF))))
        return cdf + z * np.float32(INV_SQRT_2PI) * np.float32(math.exp(np.float32(-0.5) * z * z))
    if code == SWISH:
        s = one / (one + math.exp(-z))
        return s + y * (one - s)
    if code == LEAKY_RELU:
        return one if z > 0 else np.float32(LEAKY_SLOPE)
    if code == RELU6:
        return one if 0.0 < z < 6.0 else zero
    if code == EXPONENTIAL:
        return y
    if code == MISH:
        sp = max(z, zero) + math.log1p(math.exp(-abs(z)))
        t = np.float32(math.tanh(sp))
        sg = one / (one + math.exp(-z))
        return t + z * (one - t * t) * sg
    return one  # LINEAR


def elementwise_code(value, role: str) -> int:
    code = activation_code(value)
    if code in (SOFTMAX, LOG_SOFTMAX):
        raise NotImplementedError(f"{role}={value!r} is not element-wise; the runtime's recurrent cells need one that is")
    return code
