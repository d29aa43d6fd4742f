"""Activation layers (ReLU, LeakyReLU, PReLU, ELU, Softmax, ThresholdedReLU)
and the other element-wise layers: Identity, Rescaling, AlphaDropout.

Element-wise and cheap, so written with numpy; each follows Keras 3's
definition (keras/src/activations, keras/src/layers/activations).
"""
from __future__ import annotations

import numpy as np

from . import activations as act
from ._util import f32, get_rng
from .base import LayerKernel, register_kernel


class _PointwiseKernel(LayerKernel):
    """y = f(x); backward multiplies by f'(x) computed in forward."""

    def fn(self, cfg, x):
        """(y, dy/dx)."""
        raise NotImplementedError

    def forward(self, cfg, params, inputs, training, rng):
        y, d = self.fn(cfg, f32(inputs[0]))
        return [y.astype(np.float32)], d

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        return [(f32(d_outputs[0]) * cache).astype(np.float32)], {}


@register_kernel("ReLU")
class ReLULayerKernel(_PointwiseKernel):
    """Keras 3's relu(x, negative_slope, max_value, threshold): x where
    x > threshold (relu when threshold is 0), clipped to [0, max_value], plus
    negative_slope * (x - threshold) below the threshold."""

    def fn(self, cfg, x):
        slope = float(cfg.get("negative_slope", 0.0) or 0.0)
        top = cfg.get("max_value")
        thr = float(cfg.get("threshold", 0.0) or 0.0)
        above = x > np.float32(thr)
        pos = np.where(above, x, np.float32(0.0))
        d = above.astype(np.float32)
        if top is not None:  # Keras clips to [0, max_value]
            d = d * (pos > 0) * (pos < np.float32(top))
            pos = np.clip(pos, np.float32(0.0), np.float32(top))
        if slope != 0.0:
            below = x < np.float32(thr)
            pos = pos + np.where(below, np.float32(slope) * (x - np.float32(thr)), np.float32(0.0))
            d = d + below * np.float32(slope)
        return pos, d.astype(np.float32)


@register_kernel("LeakyReLU")
class LeakyReLULayerKernel(_PointwiseKernel):
    def fn(self, cfg, x):
        slope = cfg.get("negative_slope")
        if slope is None:
            slope = cfg.get("alpha")
        slope = np.float32(0.3 if slope is None else slope)
        pos = x > 0
        return np.where(pos, x, slope * x), np.where(pos, np.float32(1.0), slope)


@register_kernel("ELU")
class ELULayerKernel(_PointwiseKernel):
    def fn(self, cfg, x):
        alpha = np.float32(cfg.get("alpha", 1.0))
        pos = x > 0
        e = alpha * np.expm1(np.minimum(x, 0))
        return np.where(pos, x, e), np.where(pos, np.float32(1.0), e + alpha)


@register_kernel("ThresholdedReLU")
class ThresholdedReLUKernel(_PointwiseKernel):
    def fn(self, cfg, x):
        keep = (x > np.float32(cfg.get("theta", 1.0))).astype(np.float32)
        return x * keep, keep


@register_kernel("Identity")
class IdentityLayerKernel(LayerKernel):
    def forward(self, cfg, params, inputs, training, rng):
        return [f32(inputs[0])], None

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        return [f32(d_outputs[0])], {}


@register_kernel("Rescaling")
class RescalingKernel(LayerKernel):
    """x * scale + offset (scale and offset may be arrays that broadcast)."""

    def forward(self, cfg, params, inputs, training, rng):
        scale = np.asarray(cfg.get("scale", 1.0), dtype=np.float32)
        offset = np.asarray(cfg.get("offset", 0.0), dtype=np.float32)
        x = f32(inputs[0])
        return [(x * scale + offset).astype(np.float32)], (scale, x.shape)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        scale, shape = cache
        return [np.broadcast_to(f32(d_outputs[0]) * scale, shape).astype(np.float32)], {}


@register_kernel("Softmax")
class SoftmaxLayerKernel(LayerKernel):
    """softmax over ``axis`` (an int or a tuple of axes)."""

    def _axes(self, cfg, ndim):
        axis = cfg.get("axis", -1)
        axes = [axis] if isinstance(axis, int) else list(axis)
        return sorted(a % ndim for a in axes)

    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        axes = self._axes(cfg, x.ndim)
        rest = [a for a in range(x.ndim) if a not in axes]
        perm = rest + axes
        xt = np.ascontiguousarray(x.transpose(perm))
        k = int(np.prod([x.shape[a] for a in axes]))
        y2 = act.apply(act.SOFTMAX, xt.reshape(-1, k))
        y = np.ascontiguousarray(y2.reshape(xt.shape).transpose(np.argsort(perm)))
        return [y], (y2, perm, xt.shape)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        y2, perm, tshape = cache
        dy2 = np.ascontiguousarray(f32(d_outputs[0]).transpose(perm)).reshape(y2.shape)
        dx2 = act.gradient(act.SOFTMAX, y2, y2, dy2)
        return [np.ascontiguousarray(dx2.reshape(tshape).transpose(np.argsort(perm)))], {}


@register_kernel("PReLU")
class PReLULayerKernel(LayerKernel):
    """relu(x) - alpha * relu(-x), ``alpha`` shaped like the input without
    the batch axis, with 1 on ``shared_axes``."""

    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        alpha = f32(params["alpha"])
        neg = np.minimum(x, np.float32(0.0))
        return [(np.maximum(x, np.float32(0.0)) + alpha * neg).astype(np.float32)], (x, neg, alpha)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        x, neg, alpha = cache
        dy = f32(d_outputs[0])
        dx = dy * np.where(x > 0, np.float32(1.0), alpha)
        da = dy * neg
        # sum over the batch axis and every axis alpha is shared along
        axes = (0,) + tuple(i + 1 for i, n in enumerate(alpha.shape) if n == 1 and x.shape[i + 1] != 1)
        da = da.sum(axis=axes, keepdims=True).reshape(alpha.shape)
        return [dx.astype(np.float32)], {"alpha": da.astype(np.float32)}


# Keras 3's AlphaDropout constants (SELU's alpha and scale).
_SELU_ALPHA_P = -1.6732632423543772 * 1.0507009873554805


@register_kernel("AlphaDropout")
class AlphaDropoutKernel(LayerKernel):
    """Training: dropped units are set to SELU's negative saturation value,
    then an affine map a*x + b restores mean and variance."""

    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        rate = float(cfg.get("rate") or 0.0)
        if not training or not 0.0 < rate < 1.0:
            return [x], None
        ns = cfg.get("noise_shape")
        shape = x.shape if ns is None else tuple(x.shape[i] if d is None else int(d) for i, d in enumerate(ns))
        kept = (get_rng(rng).random(shape, dtype=np.float32) >= np.float32(rate)).astype(np.float32)
        a = ((1.0 - rate) * (1.0 + rate * _SELU_ALPHA_P**2)) ** -0.5
        b = -a * _SELU_ALPHA_P * rate
        y = np.float32(a) * (x * kept + np.float32(_SELU_ALPHA_P) * (1.0 - kept)) + np.float32(b)
        return [y.astype(np.float32)], (np.float32(a) * kept)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        dy = f32(d_outputs[0])
        return [dy if cache is None else (dy * cache).astype(np.float32)], {}
