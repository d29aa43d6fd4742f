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


def _pair(factor):
    """Keras's factor: a float f means the range (-f, f), a pair is (lower, upper)."""
    if isinstance(factor, (list, tuple)):
        return float(factor[0]), float(factor[1])
    return -abs(float(factor)), abs(float(factor))


def _reflect(i, n):
    """Keras's fill_mode="reflect" (d c b a | a b c d | d c b a) for integer indices."""
    if n == 1:
        return np.zeros_like(i)
    period = 2 * n
    i = np.mod(i, period)
    return np.where(i < n, i, period - 1 - i)


def _taps(ys, xs, h, w, fill_mode):
    """The four bilinear taps of each output pixel: (input row, input column,
    weight, inside) -- ``inside`` False where fill_mode="constant" reads the fill value."""
    y0, x0 = np.floor(ys).astype(np.int64), np.floor(xs).astype(np.int64)
    wy, wx = ys - y0, xs - x0
    taps = []
    for dy, fy in ((0, 1 - wy), (1, wy)):
        for dx, fx in ((0, 1 - wx), (1, wx)):
            yy, xx = y0 + dy, x0 + dx
            inside = np.ones(yy.shape, bool)
            if fill_mode == "reflect":
                yy, xx = _reflect(yy, h), _reflect(xx, w)
            elif fill_mode == "wrap":
                yy, xx = np.mod(yy, h), np.mod(xx, w)
            else:
                if fill_mode != "nearest":  # constant
                    inside = (yy >= 0) & (yy < h) & (xx >= 0) & (xx < w)
                yy, xx = np.clip(yy, 0, h - 1), np.clip(xx, 0, w - 1)
            taps.append((yy, xx, (fy * fx).astype(np.float32), inside))
    return taps


def _sample(img, taps, fill_value):
    """Bilinear sampling of one (H, W, C) image through its taps."""
    out = np.zeros(taps[0][0].shape + img.shape[2:], np.float32)
    for yy, xx, wgt, inside in taps:
        vals = np.where(inside[..., None], img[yy, xx], np.float32(fill_value))
        out += wgt[..., None] * vals
    return out


def _sample_backward(d, taps, shape):
    """The transpose of _sample: each output gradient back to its four taps."""
    dx = np.zeros(shape, np.float32)
    for yy, xx, wgt, inside in taps:
        contrib = d * (wgt * inside)[..., None]
        np.add.at(dx, (yy.reshape(-1), xx.reshape(-1)), contrib.reshape(-1, shape[-1]))
    return dx


class _AffineAugmentKernel(LayerKernel):
    """Training: each image through a random affine map (bilinear, Keras's
    fill modes); inference: unchanged.  The draws are the runtime's own, so
    the images differ from Keras's; the distribution is the same."""

    def transform(self, cfg, r, h, w):
        raise NotImplementedError

    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        if not training:
            return [x], None
        if cfg.get("data_format") == "channels_first":
            raise NotImplementedError(f"{self.class_name}: channels_first images in training are not supported "
                                      "by the runtime")
        single = x.ndim == 3
        batch = x[None] if single else x
        r = get_rng(rng)
        h, w = batch.shape[1:3]
        gy, gx = np.meshgrid(np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64), indexing="ij")
        cy, cx = (h - 1) / 2.0, (w - 1) / 2.0
        out = np.empty_like(batch)
        all_taps = []
        for b in range(batch.shape[0]):
            m = self.transform(cfg, r, h, w)  # output (y, x) about the centre -> input (y, x)
            ys = m[0, 0] * (gy - cy) + m[0, 1] * (gx - cx) + m[0, 2] + cy
            xs = m[1, 0] * (gy - cy) + m[1, 1] * (gx - cx) + m[1, 2] + cx
            taps = _taps(ys, xs, h, w, cfg.get("fill_mode", "reflect"))
            all_taps.append(taps)
            out[b] = _sample(batch[b], taps, cfg.get("fill_value", 0.0))
        return [out[0] if single else out], (all_taps, single, batch.shape)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        if cache is None:
            return [f32(d_outputs[0])], {}
        if not input_grads:
            return [None], {}
        all_taps, single, shape = cache
        d = f32(d_outputs[0])
        d = d[None] if single else d
        dx = np.stack([_sample_backward(d[b], all_taps[b], shape[1:]) for b in range(shape[0])])
        return [dx[0] if single else dx], {}


@register_kernel("RandomRotation")
class RandomRotationKernel(_AffineAugmentKernel):
    class_name = "RandomRotation"

    def transform(self, cfg, r, h, w):
        lo, hi = _pair(cfg.get("factor", 0.0))
        angle = r.uniform(lo, hi) * 2.0 * np.pi
        c, s = np.cos(angle), np.sin(angle)
        return np.array([[c, -s, 0.0], [s, c, 0.0]])


@register_kernel("RandomZoom")
class RandomZoomKernel(_AffineAugmentKernel):
    class_name = "RandomZoom"

    def transform(self, cfg, r, h, w):
        hlo, hhi = _pair(cfg.get("height_factor", 0.0))
        zy = 1.0 + r.uniform(hlo, hhi)
        wf = cfg.get("width_factor")
        if wf is None:
            zx = zy
        else:
            wlo, whi = _pair(wf)
            zx = 1.0 + r.uniform(wlo, whi)
        return np.array([[zy, 0.0, 0.0], [0.0, zx, 0.0]])


@register_kernel("RandomTranslation")
class RandomTranslationKernel(_AffineAugmentKernel):
    class_name = "RandomTranslation"

    def transform(self, cfg, r, h, w):
        hlo, hhi = _pair(cfg.get("height_factor", 0.0))
        wlo, whi = _pair(cfg.get("width_factor", 0.0))
        return np.array([[1.0, 0.0, -r.uniform(hlo, hhi) * h], [0.0, 1.0, -r.uniform(wlo, whi) * w]])


class _ValueAugmentKernel(LayerKernel):
    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        if not training:
            return [x], None
        r = get_rng(rng)
        n = x.shape[0] if x.ndim > 3 else 1
        y, scale = self.apply(cfg, r, x if x.ndim > 3 else x[None], n)
        lo, hi = cfg.get("value_range", (0, 255)) or (0, 255)
        y = np.clip(y, lo, hi).astype(np.float32)
        return [y if x.ndim > 3 else y[0]], scale

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        d = f32(d_outputs[0])
        return [d if cache is None else (d * cache).astype(np.float32)], {}


@register_kernel("RandomBrightness")
class RandomBrightnessKernel(_ValueAugmentKernel):
    class_name = "RandomBrightness"

    def apply(self, cfg, r, x, n):
        lo, hi = _pair(cfg.get("factor", 0.0))
        vlo, vhi = cfg.get("value_range", (0, 255)) or (0, 255)
        delta = r.uniform(lo, hi, size=(n,) + (1,) * (x.ndim - 1)) * (vhi - vlo)
        return x + delta.astype(np.float32), None


@register_kernel("RandomContrast")
class RandomContrastKernel(_ValueAugmentKernel):
    class_name = "RandomContrast"

    def apply(self, cfg, r, x, n):
        lo, hi = _pair(cfg.get("factor", 0.0))
        f = (1.0 + r.uniform(lo, hi, size=(n,) + (1,) * (x.ndim - 1))).astype(np.float32)
        mean = x.mean(axis=(1, 2), keepdims=True)
        return (x - mean) * f + mean, None


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
