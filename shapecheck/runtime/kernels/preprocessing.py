"""Preprocessing layers with a place in a model: Normalization, CenterCrop,
and the random augmentations (identity at inference, as in Keras).

Of the augmentations only RandomFlip has a training-time kernel; the others
(rotation, zoom, translation, crop, brightness, contrast) raise a clear
NotImplementedError when called in training.
"""
from __future__ import annotations

import numpy as np

from ._linalg import matmul
from ._util import f32, get_rng
from .base import LayerKernel, register_kernel

KERAS_EPSILON = np.float32(1e-7)  # keras.backend.epsilon()


@register_kernel("Normalization")
class NormalizationKernel(LayerKernel):
    """(x - mean) / max(sqrt(variance), epsilon), or its inverse with
    ``invert``; statistics from the adapted weights or the constructor's
    ``mean``/``variance``, broadcast along the kept ``axis``."""

    def _stats(self, cfg, params, x):
        mean = params.get("mean", cfg.get("mean"))
        var = params.get("variance", cfg.get("variance"))
        if mean is None or var is None:
            raise ValueError("Normalization: call `adapt()` or pass `mean` and `variance` before using the layer")
        axis = cfg.get("axis", -1)
        axes = () if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
        kept = sorted(a % x.ndim for a in axes)
        shape = tuple(x.shape[d] if d in kept else 1 for d in range(x.ndim))
        mean, var = np.asarray(mean, np.float32), np.asarray(var, np.float32)
        if mean.size > 1:
            mean, var = mean.reshape(shape), var.reshape(shape)
        return mean, np.maximum(np.sqrt(var), KERAS_EPSILON)

    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        mean, denom = self._stats(cfg, params, x)
        y = mean + x * denom if cfg.get("invert") else (x - mean) / denom
        return [y.astype(np.float32)], (denom, bool(cfg.get("invert")), x.shape)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        denom, invert, shape = cache
        dy = f32(d_outputs[0])
        dx = dy * denom if invert else dy / denom
        return [np.broadcast_to(dx, shape).astype(np.float32)], {}


def _spatial(cfg, ndim):
    """(height axis, width axis) of an image batch."""
    if cfg.get("data_format") == "channels_first":
        return ndim - 2, ndim - 1
    return ndim - 3, ndim - 2


@register_kernel("CenterCrop")
class CenterCropKernel(LayerKernel):
    """The central height x width window (Keras resizes first when the input
    is smaller than the target: not supported here)."""

    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        ha, wa = _spatial(cfg, x.ndim)
        h, w = int(cfg["height"]), int(cfg["width"])
        if x.shape[ha] < h or x.shape[wa] < w:
            raise NotImplementedError("CenterCrop: inputs smaller than the target size (Keras resizes them) are not supported by the runtime")
        top, left = (x.shape[ha] - h) // 2, (x.shape[wa] - w) // 2
        index = [slice(None)] * x.ndim
        index[ha], index[wa] = slice(top, top + h), slice(left, left + w)
        return [np.ascontiguousarray(x[tuple(index)])], (x.shape, tuple(index))

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        shape, index = cache
        dx = np.zeros(shape, np.float32)
        dx[index] = d_outputs[0]
        return [dx], {}


@register_kernel("RandomFlip")
class RandomFlipKernel(LayerKernel):
    """Training: each image flipped with probability 1/2 along the axes
    ``mode`` names (horizontal: width, vertical: height)."""

    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        if not training:
            return [x], None
        ha, wa = _spatial(cfg, x.ndim)
        mode = cfg.get("mode", "horizontal_and_vertical")
        axes = {"horizontal": [wa], "vertical": [ha], "horizontal_and_vertical": [wa, ha]}[mode]
        r = get_rng(rng)
        y = x.copy()
        flips = []
        for ax in axes:
            pick = r.random(x.shape[0]) < 0.5 if x.ndim > 3 else np.array([r.random() < 0.5])
            flips.append((ax, pick))
            if x.ndim > 3:
                y[pick] = np.flip(y[pick], axis=ax)
            elif pick[0]:
                y = np.flip(y, axis=ax)
        return [np.ascontiguousarray(y)], flips

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        d = f32(d_outputs[0]).copy()
        for ax, pick in reversed(cache or []):
            if d.ndim > 3:
                d[pick] = np.flip(d[pick], axis=ax)
            elif pick[0]:
                d = np.flip(d, axis=ax)
        return [np.ascontiguousarray(d)], {}


class _InferenceIdentityKernel(LayerKernel):
    def forward(self, cfg, params, inputs, training, rng):
        if training:
            raise NotImplementedError(
                f"{self.class_name}: random augmentation in training is not supported by the runtime "
                "(it is the identity at inference)"
            )
        return [f32(inputs[0])], None

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        return [f32(d_outputs[0])], {}


for _name in ("RandomRotation", "RandomZoom", "RandomTranslation", "RandomBrightness", "RandomContrast"):
    register_kernel(_name)(type(f"{_name}Kernel", (_InferenceIdentityKernel,), {"class_name": _name}))


def resize_matrix(n_in: int, n_out: int, method: str) -> np.ndarray:
    """(n_out, n_in) weights of a 1-D resize with TensorFlow's half-pixel
    centres (what Keras 3's Resizing calls, antialias off): output i samples
    the input at (i + 0.5) * n_in / n_out - 0.5."""
    scale = n_in / n_out
    m = np.zeros((n_out, n_in), np.float32)
    for i in range(n_out):
        if method == "nearest":
            m[i, min(int(np.floor((i + 0.5) * scale)), n_in - 1)] = 1.0
            continue
        src = max((i + 0.5) * scale - 0.5, 0.0)
        lo = min(int(np.floor(src)), n_in - 1)
        hi = min(lo + 1, n_in - 1)
        frac = np.float32(src - lo)
        m[i, lo] += 1.0 - frac
        m[i, hi] += frac
    return m


def _apply_along(m, x, axis):
    """Multiply every 1-D fibre of x along ``axis`` by m (through the njit
    BLAS path, like every product in the runtime)."""
    xm = np.ascontiguousarray(np.moveaxis(x, axis, 0))
    y = matmul(m, xm.reshape(xm.shape[0], -1)).reshape((m.shape[0],) + xm.shape[1:])
    return np.ascontiguousarray(np.moveaxis(y, 0, axis))


@register_kernel("Resizing")
class ResizingKernel(LayerKernel):
    """Bilinear or nearest resize to (height, width): separable, so two
    small matrix products per image (the backward is their transposes).
    Aspect-ratio cropping/padding and antialiasing are not supported."""

    def forward(self, cfg, params, inputs, training, rng):
        method = cfg.get("interpolation", "bilinear")
        if method not in ("bilinear", "nearest") or cfg.get("crop_to_aspect_ratio") or cfg.get("pad_to_aspect_ratio") \
                or cfg.get("antialias"):
            raise NotImplementedError(
                "Resizing: the runtime supports bilinear/nearest interpolation without aspect-ratio crop/pad or antialias"
            )
        x = f32(inputs[0])
        ha, wa = _spatial(cfg, x.ndim)
        mh = resize_matrix(x.shape[ha], int(cfg["height"]), method)
        mw = resize_matrix(x.shape[wa], int(cfg["width"]), method)
        y = _apply_along(mw, _apply_along(mh, x, ha), wa)
        return [y], (mh, mw, ha, wa)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        mh, mw, ha, wa = cache
        d = f32(d_outputs[0])
        d = _apply_along(np.ascontiguousarray(mw.T), d, wa)
        d = _apply_along(np.ascontiguousarray(mh.T), d, ha)
        return [d], {}


@register_kernel("RandomCrop")
class RandomCropKernel(LayerKernel):
    """Keras 3.15's RandomCrop: the identity at inference (the shape stays
    the input's); in training one random (height, width) window for the whole
    batch, or -- when the input is not larger -- Keras's centred window
    resized (bilinear) to (height, width)."""

    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        if not training:
            return [x], None
        ha, wa = _spatial(cfg, x.ndim)
        h, w = int(cfg["height"]), int(cfg["width"])
        n_h, n_w = x.shape[ha], x.shape[wa]
        if n_h > h and n_w > w:
            r = get_rng(rng)
            top, left = int(r.integers(0, n_h - h + 1)), int(r.integers(0, n_w - w + 1))
        else:
            ch = max(min(n_h, int(float(n_w * h) / w)), 1)
            cw = max(min(n_w, int(float(n_h * w) / h)), 1)
            top, left = int(float(n_h - ch) / 2), int(float(n_w - cw) / 2)
        index = [slice(None)] * x.ndim
        index[ha], index[wa] = slice(top, top + h), slice(left, left + w)
        index = tuple(index)
        y = np.ascontiguousarray(x[index])
        mats = None
        if y.shape[ha] != h or y.shape[wa] != w:
            mats = (resize_matrix(y.shape[ha], h, "bilinear"), resize_matrix(y.shape[wa], w, "bilinear"))
            y = _apply_along(mats[1], _apply_along(mats[0], y, ha), wa)
        return [y], (x.shape, index, mats, ha, wa)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        d = f32(d_outputs[0])
        if cache is None:
            return [d], {}
        shape, index, mats, ha, wa = cache
        if mats is not None:
            d = _apply_along(np.ascontiguousarray(mats[1].T), d, wa)
            d = _apply_along(np.ascontiguousarray(mats[0].T), d, ha)
        dx = np.zeros(shape, np.float32)
        dx[index] = d
        return [dx], {}
