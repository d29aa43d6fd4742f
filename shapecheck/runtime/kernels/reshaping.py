"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector, UpSampling,
ZeroPadding, Cropping.

These only move data, so they are numpy views, slices and copies (no
arithmetic worth compiling); each backward is the adjoint data movement.
"""
from __future__ import annotations

import numpy as np

from ._util import f32
from .base import LayerKernel, register_kernel


def _channels_first(cfg) -> bool:
    return cfg.get("data_format") == "channels_first"


@register_kernel("Flatten")
class FlattenKernel(LayerKernel):
    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        if _channels_first(cfg) and x.ndim > 2:
            # Keras moves channels last before flattening.
            x = np.ascontiguousarray(np.moveaxis(x, 1, -1))
        return [x.reshape(x.shape[0], -1)], (x.shape, inputs[0].shape)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        moved_shape, in_shape = cache
        d = f32(d_outputs[0]).reshape(moved_shape)
        if _channels_first(cfg) and len(in_shape) > 2:
            d = np.ascontiguousarray(np.moveaxis(d, -1, 1))
        return [d], {}


@register_kernel("Reshape")
class ReshapeKernel(LayerKernel):
    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        target = tuple(int(d) for d in cfg["target_shape"])
        return [x.reshape((x.shape[0],) + target)], x.shape

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        return [f32(d_outputs[0]).reshape(cache)], {}


@register_kernel("Permute")
class PermuteKernel(LayerKernel):
    """``dims`` are 1-based axes of the non-batch dimensions."""

    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        perm = (0,) + tuple(int(d) for d in cfg["dims"])
        return [np.ascontiguousarray(x.transpose(perm))], perm

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        inverse = tuple(int(i) for i in np.argsort(cache))
        return [np.ascontiguousarray(f32(d_outputs[0]).transpose(inverse))], {}


@register_kernel("RepeatVector")
class RepeatVectorKernel(LayerKernel):
    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        n = int(cfg["n"])
        return [np.ascontiguousarray(np.broadcast_to(x[:, None, :], (x.shape[0], n, x.shape[1])))], None

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        return [f32(d_outputs[0]).sum(axis=1)], {}


def _spatial_axes(cfg, ndim: int) -> list[int]:
    """The spatial axes of a (batch, ..., channels) or (batch, channels, ...) tensor."""
    if _channels_first(cfg):
        return list(range(2, ndim))
    return list(range(1, ndim - 1))


@register_kernel("UpSampling1D", "UpSampling2D", "UpSampling3D")
class UpSamplingKernel(LayerKernel):
    """Nearest-neighbour upsampling: each step repeated ``size`` times."""

    def _sizes(self, cfg, n):
        size = cfg.get("size", 2)
        return (int(size),) * n if isinstance(size, int) else tuple(int(s) for s in size)

    def forward(self, cfg, params, inputs, training, rng):
        interp = cfg.get("interpolation", "nearest")
        if interp not in (None, "nearest"):
            raise NotImplementedError(f"UpSampling interpolation={interp!r} is not supported by the runtime")
        x = f32(inputs[0])
        axes = [1] if x.ndim == 3 else _spatial_axes(cfg, x.ndim)
        sizes = self._sizes(cfg, len(axes))
        y = x
        for ax, s in zip(axes, sizes):
            y = np.repeat(y, s, axis=ax)
        return [np.ascontiguousarray(y)], (axes, sizes)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        axes, sizes = cache
        d = f32(d_outputs[0])
        for ax, s in zip(axes, sizes):
            shape = d.shape[:ax] + (d.shape[ax] // s, s) + d.shape[ax + 1 :]
            d = d.reshape(shape).sum(axis=ax + 1)
        return [np.ascontiguousarray(d)], {}


def _pad_pairs(value, n: int) -> list[tuple[int, int]]:
    """Keras's padding/cropping argument: int, (a, b) per axis, or ((a, b), ...)."""
    if isinstance(value, int):
        return [(value, value)] * n
    value = tuple(value)
    if n == 1:
        if len(value) == 2 and all(isinstance(v, int) for v in value):
            return [(int(value[0]), int(value[1]))]
    out = []
    for v in value:
        if isinstance(v, int):
            out.append((v, v))
        else:
            out.append((int(v[0]), int(v[1])))
    return out


@register_kernel("ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D")
class ZeroPaddingKernel(LayerKernel):
    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        axes = [1] if x.ndim == 3 else _spatial_axes(cfg, x.ndim)
        pads = _pad_pairs(cfg.get("padding", 1), len(axes))
        width = [(0, 0)] * x.ndim
        for ax, p in zip(axes, pads):
            width[ax] = p
        return [np.pad(x, width)], width

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        d = f32(d_outputs[0])
        index = tuple(slice(a, d.shape[i] - b) for i, (a, b) in enumerate(cache))
        return [np.ascontiguousarray(d[index])], {}


@register_kernel("Cropping1D", "Cropping2D", "Cropping3D")
class CroppingKernel(LayerKernel):
    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        axes = [1] if x.ndim == 3 else _spatial_axes(cfg, x.ndim)
        crops = _pad_pairs(cfg.get("cropping", 1), len(axes))
        width = [(0, 0)] * x.ndim
        for ax, c in zip(axes, crops):
            width[ax] = c
        index = tuple(slice(a, x.shape[i] - b) for i, (a, b) in enumerate(width))
        return [np.ascontiguousarray(x[index])], (x.shape, index)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        shape, index = cache
        dx = np.zeros(shape, dtype=np.float32)
        dx[index] = d_outputs[0]
        return [dx], {}
