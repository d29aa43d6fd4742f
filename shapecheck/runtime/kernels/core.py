"""Core layers: Dense, Activation, Dropout and its noise relatives, Embedding,
Masking, ActivityRegularization.

Dense's products go through ``_linalg`` (scipy's OpenBLAS, the one BLAS the
runtime calls: never numpy's own, whose thread pool slowed both down when
calls alternated).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from . import activations as act
from ._blas import compute_threads, split_pays
from ._linalg import linear, linear_grads, plinear, plinear_backward, plinear_rows
from ._util import EMPTY, f32, get_rng
from .base import LayerKernel, register_kernel


# -- Dense ---------------------------------------------------------------------
dense_forward = linear  # x @ w + b
dense_backward = linear_grads  # (dw, db, dx)


@register_kernel("Dense")
class DenseKernel(LayerKernel):
    class_name = "Dense"

    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        w = f32(params["kernel"])
        b = f32(params["bias"]) if "bias" in params and cfg.get("use_bias", True) is not False else EMPTY
        x2 = x.reshape(-1, x.shape[-1])
        macs = x2.shape[0] * w.shape[0] * w.shape[1]
        code = act.activation_code(cfg.get("activation"))
        # Inference splits from the ordinary threshold: a predict block's
        # narrow last layer (1024 x 512 @ 512 x 10, 5M multiply-adds) pays
        # already (MLP predict 162-166k -> 168-181k samples/s).
        if split_pays(macs, single=bool(training)):
            relu = code == act.RELU  # applied by each thread to its share
            # Training splits the columns (the weights change every step and
            # each thread streams half), inference the rows (see plinear_rows).
            split = plinear if training else plinear_rows
            z = split(np.ascontiguousarray(x2), w, b, relu, compute_threads())
            z, y = (z, z) if relu else act.apply_owned(code, z)
        else:
            z = dense_forward(x2, w, b)
            z, y = act.apply_owned(code, z)
        out_shape = x.shape[:-1] + (w.shape[1],)
        return [y.reshape(out_shape)], (x2, z, y, code, x.shape, b.size > 0)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        x2, z, y, code, in_shape, with_bias = cache
        w = f32(params["kernel"])
        dy = d_outputs[0].reshape(z.shape)
        macs = x2.shape[0] * w.shape[0] * w.shape[1]
        if split_pays(macs, single=True):
            x2 = np.ascontiguousarray(x2)
            if code == act.RELU:  # each thread takes relu's gradient for its columns
                dy = np.ascontiguousarray(dy, dtype=np.float32)
                dw, db, dx = plinear_backward(x2, w, dy, y, True, with_bias, input_grads, compute_threads())
            else:
                dz = act.gradient(code, z, y, dy)
                dw, db, dx = plinear_backward(x2, w, dz, dz, False, with_bias, input_grads, compute_threads())
        else:
            dz = act.gradient(code, z, y, dy)
            dw, db, dx = dense_backward(x2, w, dz, with_bias, input_grads)
        grads = {"kernel": dw}
        if with_bias:
            grads["bias"] = db
        return [dx.reshape(in_shape) if input_grads else None], grads


# -- Activation ----------------------------------------------------------------
@register_kernel("Activation")
class ActivationKernel(LayerKernel):
    class_name = "Activation"

    def forward(self, cfg, params, inputs, training, rng):
        z = f32(inputs[0])
        code = act.activation_code(cfg.get("activation"))
        y = act.apply(code, z)
        return [y], (z, y, code)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        z, y, code = cache
        return [act.gradient(code, z, y, d_outputs[0])], {}


# -- Dropout family ------------------------------------------------------------
def _noise_shape(cfg, x_shape):
    ns = cfg.get("noise_shape")
    if ns is None:
        return x_shape
    # Keras fills None entries of noise_shape from the input's shape.
    return tuple(x_shape[i] if d is None else int(d) for i, d in enumerate(ns))


def _keep_mask(rate, shape, rng):
    """Inverted dropout: kept units are scaled by 1/(1-rate) so that the
    expectation is unchanged and inference is the identity."""
    if rate >= 1.0:
        return np.zeros(shape, dtype=np.float32)
    keep = get_rng(rng).random(shape, dtype=np.float32) >= np.float32(rate)
    return keep.astype(np.float32) * np.float32(1.0 / (1.0 - rate))


class _MaskKernel(LayerKernel):
    """Multiplies by a random mask in training, identity otherwise."""

    def mask(self, cfg, x_shape, rng):
        raise NotImplementedError

    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        if not training:
            return [x], None
        m = self.mask(cfg, x.shape, rng)
        if m is None:
            return [x], None
        return [x * m], m

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        dy = f32(d_outputs[0])
        return [dy if cache is None else dy * cache], {}


@register_kernel("Dropout")
class DropoutKernel(_MaskKernel):
    class_name = "Dropout"

    def mask(self, cfg, x_shape, rng):
        rate = float(cfg.get("rate") or 0.0)
        if rate <= 0.0:
            return None
        return _keep_mask(rate, _noise_shape(cfg, x_shape), rng)


@register_kernel("SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D")
class SpatialDropoutKernel(_MaskKernel):
    """Drops whole channels: noise shape (batch, 1, ..., 1, channels)
    (channels_last) or (batch, channels, 1, ..., 1) (channels_first)."""

    def mask(self, cfg, x_shape, rng):
        rate = float(cfg.get("rate") or 0.0)
        if rate <= 0.0:
            return None
        ones = (1,) * (len(x_shape) - 2)
        if cfg.get("data_format") == "channels_first":
            shape = (x_shape[0], x_shape[1]) + ones
        else:
            shape = (x_shape[0],) + ones + (x_shape[-1],)
        return _keep_mask(rate, shape, rng)


@register_kernel("GaussianDropout")
class GaussianDropoutKernel(_MaskKernel):
    """Multiplicative noise N(1, rate / (1 - rate))."""

    def mask(self, cfg, x_shape, rng):
        rate = float(cfg.get("rate") or 0.0)
        if not 0.0 < rate < 1.0:
            return None
        std = np.sqrt(rate / (1.0 - rate))
        return (1.0 + std * get_rng(rng).standard_normal(x_shape)).astype(np.float32)


@register_kernel("GaussianNoise")
class GaussianNoiseKernel(LayerKernel):
    """Additive N(0, stddev) noise in training; the gradient passes unchanged."""

    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        std = float(cfg.get("stddev") or 0.0)
        if not training or std <= 0.0:
            return [x], None
        noise = get_rng(rng).standard_normal(x.shape).astype(np.float32) * np.float32(std)
        return [x + noise], None

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        return [f32(d_outputs[0])], {}


@register_kernel("ActivityRegularization")
class IdentityKernel(LayerKernel):
    """Layers whose forward pass is the identity (their effect is a loss term
    the engine adds)."""

    def forward(self, cfg, params, inputs, training, rng):
        return [f32(inputs[0])], None

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        return [f32(d_outputs[0])], {}


# -- Masking ---------------------------------------------------------------------
@njit(cache=True, error_model="numpy")
def masking_forward(x, mask_value):
    n, k = x.shape
    keep = np.empty(n, dtype=np.float32)
    y = np.empty_like(x)
    for i in range(n):
        any_diff = False
        for j in range(k):
            if x[i, j] != mask_value:
                any_diff = True
                break
        keep[i] = 1.0 if any_diff else 0.0
        for j in range(k):
            y[i, j] = x[i, j] * keep[i]
    return y, keep


@register_kernel("Masking")
class MaskingKernel(LayerKernel):
    """Zeroes timesteps whose features all equal ``mask_value`` (Keras 3
    multiplies the input by its boolean mask).  The mask itself, which RNNs
    consume in Keras, is the engine's business."""

    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        k = x.shape[-1]
        y, keep = masking_forward(x.reshape(-1, k), np.float32(cfg.get("mask_value", 0.0)))
        return [y.reshape(x.shape)], keep

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        dy = f32(d_outputs[0])
        k = dy.shape[-1]
        return [(dy.reshape(-1, k) * cache[:, None]).reshape(dy.shape)], {}


# -- Embedding -------------------------------------------------------------------
@njit(cache=True, error_model="numpy")
def embedding_forward(ids, table):
    n = ids.size
    d = table.shape[1]
    v = table.shape[0]
    out = np.empty((n, d), dtype=np.float32)
    for i in range(n):
        r = ids[i]
        if r < 0 or r >= v:
            return out, i
        for j in range(d):
            out[i, j] = table[r, j]
    return out, -1


@njit(cache=True, error_model="numpy")
def embedding_backward(ids, dy, vocab):
    d = dy.shape[1]
    dtable = np.zeros((vocab, d), dtype=np.float32)
    for i in range(ids.size):
        r = ids[i]
        for j in range(d):
            dtable[r, j] += dy[i, j]
    return dtable


@register_kernel("Embedding")
class EmbeddingKernel(LayerKernel):
    """Rows of the ``embeddings`` table looked up by integer ids; the gradient
    scatters (adds) the output gradient back into the rows used."""

    def forward(self, cfg, params, inputs, training, rng):
        x = np.asarray(inputs[0])
        ids = np.ascontiguousarray(x, dtype=np.int64).reshape(-1)
        table = f32(params["embeddings"])
        out, bad = embedding_forward(ids, table)
        if bad >= 0:
            raise IndexError(
                f"Embedding: index {ids[bad]} is out of range for input_dim={table.shape[0]} "
                f"(valid ids are 0..{table.shape[0] - 1})"
            )
        return [out.reshape(x.shape + (table.shape[1],))], (ids, table.shape[0])

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        ids, vocab = cache
        dy = f32(d_outputs[0])
        dtable = embedding_backward(ids, dy.reshape(ids.size, -1), vocab)
        return [None], {"embeddings": dtable}
