"""Merging layers: Concatenate, Add, Subtract, Multiply, Average, Maximum,
Minimum, Dot.

The element-wise merges broadcast as Keras 3's ``Merge.call`` does: inputs of
lower rank first get size-1 axes inserted after the batch axis, then numpy
broadcasting applies; backward sums each gradient back over the axes its
input was broadcast along.
"""
from __future__ import annotations

import numpy as np

from ._linalg import batch_matmul
from ._util import f32
from .base import LayerKernel, register_kernel


def _align(xs):
    rank = max(x.ndim for x in xs)
    out = []
    for x in xs:
        while x.ndim < rank:
            x = np.expand_dims(x, 1)
        out.append(x)
    return out


def _unbroadcast(g, shape, orig_shape):
    """Sum g down to ``shape`` (the aligned input shape), then reshape to the
    input's own shape."""
    g = np.asarray(g)
    axes = tuple(i for i, (gs, s) in enumerate(zip(g.shape, shape)) if s == 1 and gs != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return np.ascontiguousarray(g.reshape(orig_shape), dtype=np.float32)


class _ElementwiseKernel(LayerKernel):
    def combine(self, xs):
        raise NotImplementedError

    def grads(self, xs, y, dy):
        raise NotImplementedError

    def forward(self, cfg, params, inputs, training, rng):
        orig = [f32(x) for x in inputs]
        xs = _align(orig)
        y = self.combine(xs)
        return [np.ascontiguousarray(y, dtype=np.float32)], (xs, [x.shape for x in orig], y)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        xs, shapes, y = cache
        dy = f32(d_outputs[0])
        gs = self.grads(xs, y, dy)
        return [_unbroadcast(g, x.shape, s) for g, x, s in zip(gs, xs, shapes)], {}


@register_kernel("Add")
class AddKernel(_ElementwiseKernel):
    def combine(self, xs):
        y = xs[0]
        for x in xs[1:]:
            y = y + x
        return y

    def grads(self, xs, y, dy):
        return [dy] * len(xs)


@register_kernel("Subtract")
class SubtractKernel(_ElementwiseKernel):
    def combine(self, xs):
        if len(xs) != 2:
            raise ValueError(f"A `Subtract` layer should be called on exactly 2 inputs. Received: {len(xs)} inputs")
        return xs[0] - xs[1]

    def grads(self, xs, y, dy):
        return [dy, -dy]


@register_kernel("Multiply")
class MultiplyKernel(_ElementwiseKernel):
    def combine(self, xs):
        y = xs[0]
        for x in xs[1:]:
            y = y * x
        return y

    def grads(self, xs, y, dy):
        out = []
        for i in range(len(xs)):
            g = dy
            for j, x in enumerate(xs):
                if j != i:
                    g = g * x
            out.append(g)
        return out


@register_kernel("Average")
class AverageKernel(_ElementwiseKernel):
    def combine(self, xs):
        y = xs[0]
        for x in xs[1:]:
            y = y + x
        return y / np.float32(len(xs))

    def grads(self, xs, y, dy):
        return [dy / np.float32(len(xs))] * len(xs)


class _ExtremeKernel(_ElementwiseKernel):
    """Maximum / Minimum: the gradient goes to the input that won (the first
    one on ties)."""

    pick = staticmethod(np.maximum)

    def combine(self, xs):
        y = xs[0]
        for x in xs[1:]:
            y = self.pick(y, x)
        return y

    def grads(self, xs, y, dy):
        taken = np.zeros(np.broadcast_shapes(*[x.shape for x in xs]), dtype=bool)
        out = []
        for x in xs:
            win = (x == y) & ~taken
            taken |= win
            out.append(np.where(win, dy, np.float32(0.0)))
        return out


@register_kernel("Maximum")
class MaximumKernel(_ExtremeKernel):
    pick = staticmethod(np.maximum)


@register_kernel("Minimum")
class MinimumKernel(_ExtremeKernel):
    pick = staticmethod(np.minimum)


@register_kernel("Concatenate")
class ConcatenateKernel(LayerKernel):
    def forward(self, cfg, params, inputs, training, rng):
        xs = [f32(x) for x in inputs]
        axis = int(cfg.get("axis", -1)) % xs[0].ndim
        sizes = [x.shape[axis] for x in xs]
        return [np.concatenate(xs, axis=axis)], (axis, sizes)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        axis, sizes = cache
        cuts = np.cumsum(sizes)[:-1]
        return [np.ascontiguousarray(g) for g in np.split(f32(d_outputs[0]), cuts, axis=axis)], {}


def _l2_normalize(x, axis):
    """Keras's ops.normalize(order=2): x * min(rsqrt(sum(x^2)), 1e12)."""
    ss = np.maximum((x.astype(np.float64) ** 2).sum(axis=axis, keepdims=True), 1e-24)
    inv = (1.0 / np.sqrt(ss)).astype(np.float32)
    return x * inv, inv


def _l2_normalize_backward(y, inv, dy, axis):
    return (inv * (dy - y * (dy * y).sum(axis=axis, keepdims=True))).astype(np.float32)


@register_kernel("Dot")
class DotKernel(LayerKernel):
    """Keras's ``batch_dot`` of two inputs over ``axes`` (non-batch axes,
    1-based as Keras counts them, negative allowed); ``normalize`` first
    L2-normalises both along those axes.  A rank-1 result gets a trailing
    axis of 1, as Keras returns (batch, 1)."""

    def _axes(self, cfg, xs):
        axes = cfg.get("axes")
        if isinstance(axes, int):
            axes = (axes, axes)
        return [a % x.ndim for a, x in zip(axes, xs)]

    def forward(self, cfg, params, inputs, training, rng):
        xs = [f32(x) for x in inputs]
        if len(xs) != 2:
            raise ValueError(f"A `Dot` layer should be called on exactly 2 inputs. Received: {len(xs)} inputs")
        ax, ay = self._axes(cfg, xs)
        norms = None
        if cfg.get("normalize"):
            (xs[0], nx), (xs[1], ny) = _l2_normalize(xs[0], ax), _l2_normalize(xs[1], ay)
            norms = (nx, ny)
        x, y = xs
        # x -> (B, P, K) with the contracted axis last; y -> (B, K, Q).
        xm = np.moveaxis(x, ax, -1)
        ym = np.moveaxis(y, ay, 1)
        b, k = x.shape[0], x.shape[ax]
        x3 = np.ascontiguousarray(xm).reshape(b, -1, k)
        y3 = np.ascontiguousarray(ym).reshape(b, k, -1)
        out = batch_matmul(x3, y3)
        shape = (b,) + xm.shape[1:-1] + ym.shape[2:]
        if len(shape) == 1:
            shape = (b, 1)
        cache = (x3, y3, xm.shape, ym.shape, ax, ay, xs, norms)
        return [out.reshape(shape)], cache

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        x3, y3, xm_shape, ym_shape, ax, ay, xs, norms = cache
        d3 = f32(d_outputs[0]).reshape(x3.shape[0], x3.shape[1], y3.shape[2])
        dx3 = batch_matmul(d3, np.ascontiguousarray(y3.transpose(0, 2, 1)))
        dy3 = batch_matmul(np.ascontiguousarray(x3.transpose(0, 2, 1)), d3)
        dx = np.moveaxis(dx3.reshape(xm_shape), -1, ax)
        dy = np.moveaxis(dy3.reshape(ym_shape), 1, ay)
        if norms is not None:
            dx = _l2_normalize_backward(xs[0], norms[0], dx, ax)
            dy = _l2_normalize_backward(xs[1], norms[1], dy, ay)
        return [np.ascontiguousarray(dx, dtype=np.float32), np.ascontiguousarray(dy, dtype=np.float32)], {}
