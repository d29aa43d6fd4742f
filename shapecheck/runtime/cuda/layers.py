"""CUDA LayerKernels: the same contract as the CPU kernels (kernels/base.py),
registered under device="cuda".  Inputs, outputs, caches and gradients are
device arrays; a host array given as input is uploaded once (the batch).

Layers without a CUDA kernel of their own run their CPU kernel through
``HostFallback``: inputs, parameters and gradients cross the bus for that
layer only, and the rest of the model stays on the device.
"""
from __future__ import annotations

import numpy as np
from numba import cuda

from ..kernels import activations as act_codes
from ..kernels import get_kernel
from ..kernels.base import KERNELS, LayerKernel, register_kernel
from ..kernels.core import DropoutKernel as CpuDropout
from . import activations as act
from . import ops
from ._common import dev, empty, grid, host, is_device, mark_array_written, reshape, zeros
from .blas import colsum, gemm


def _param(params, name):
    p = params[name]
    return p if is_device(p) else dev(p)


def _bias(cfg, params):
    if cfg.get("use_bias", True) is False or "bias" not in params:
        return None
    return _param(params, "bias")


# -- Dense ----------------------------------------------------------------------------
@register_kernel("Dense", device="cuda")
class DenseKernel(LayerKernel):
    class_name = "Dense"

    def forward(self, cfg, params, inputs, training, rng):
        x = dev(inputs[0])
        w = _param(params, "kernel")
        b = _bias(cfg, params)
        x2 = reshape(x, (-1, tuple(x.shape)[-1]))
        z = gemm(x2, w, bias=b)
        code = act_codes.activation_code(cfg.get("activation"))
        y = act.apply(code, z)
        out_shape = tuple(x.shape[:-1]) + (w.shape[1],)
        return [reshape(y, out_shape)], (x2, z, y, code, tuple(x.shape), b is not None)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        x2, z, y, code, in_shape, with_bias = cache
        w = _param(params, "kernel")
        dz = act.gradient(code, z, y, reshape(dev(d_outputs[0]), z.shape))
        grads = {"kernel": gemm(x2, dz, ta=True)}
        if with_bias:
            grads["bias"] = colsum(dz)
        dx = reshape(gemm(dz, w, tb=True), in_shape) if input_grads else None
        return [dx], grads


# -- Activation ---------------------------------------------------------------------------
@register_kernel("Activation", device="cuda")
class ActivationKernel(LayerKernel):
    class_name = "Activation"

    def forward(self, cfg, params, inputs, training, rng):
        z = dev(inputs[0])
        code = act_codes.activation_code(cfg.get("activation"))
        y = act.apply(code, z)
        return [y], (z, y, code)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        z, y, code = cache
        return [act.gradient(code, z, y, dev(d_outputs[0]))], {}


# -- Dropout --------------------------------------------------------------------------------
@register_kernel("Dropout", device="cuda")
class DropoutKernel(LayerKernel):
    """The keep mask is drawn from the layer's host generator exactly as on the
    CPU (same seed, same mask) and uploaded: one float per unit per batch."""

    class_name = "Dropout"
    _cpu = CpuDropout()

    def forward(self, cfg, params, inputs, training, rng):
        x = dev(inputs[0])
        if not training:
            return [x], None
        m = self._cpu.mask(cfg, tuple(x.shape), rng)
        if m is None:
            return [x], None
        if m.shape != tuple(x.shape):  # a broadcast noise_shape
            m = np.ascontiguousarray(np.broadcast_to(m, tuple(x.shape)), dtype=np.float32)
        md = dev(m)
        return [ops.mul(x, md)], md

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        dy = dev(d_outputs[0])
        return [dy if cache is None else ops.mul(dy, cache)], {}


# -- Flatten / Reshape --------------------------------------------------------------------------
@register_kernel("Flatten", device="cuda")
class FlattenKernel(LayerKernel):
    class_name = "Flatten"

    def forward(self, cfg, params, inputs, training, rng):
        x = dev(inputs[0])
        if cfg.get("data_format") == "channels_first" and x.ndim > 2:
            return _FALLBACK_FLATTEN.forward(cfg, params, [x], training, rng)
        return [reshape(x, (x.shape[0], -1))], ("view", tuple(x.shape))

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        if cache[0] != "view":
            return _FALLBACK_FLATTEN.backward(cfg, params, cache, d_outputs, input_grads)
        return [reshape(dev(d_outputs[0]), cache[1])], {}


@register_kernel("Reshape", device="cuda")
class ReshapeKernel(LayerKernel):
    class_name = "Reshape"

    def forward(self, cfg, params, inputs, training, rng):
        x = dev(inputs[0])
        target = (x.shape[0],) + tuple(int(d) for d in cfg["target_shape"])
        return [reshape(x, target)], tuple(x.shape)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        return [reshape(dev(d_outputs[0]), cache)], {}


# -- Embedding --------------------------------------------------------------------------------------
@cuda.jit
def _gather_rows(ids, table, out):
    d = table.shape[1]
    for i in range(cuda.grid(1), ids.size * d, cuda.gridsize(1)):
        r = i // d
        out[r, i - r * d] = table[ids[r], i - r * d]


@cuda.jit
def _scatter_add_rows(ids, dy, dtable):
    # Ids repeat within a batch: atomics make the concurrent adds to one row safe.
    d = dy.shape[1]
    for i in range(cuda.grid(1), ids.size * d, cuda.gridsize(1)):
        r = i // d
        j = i - r * d
        cuda.atomic.add(dtable, (ids[r], j), dy[r, j])


@register_kernel("Embedding", device="cuda")
class EmbeddingKernel(LayerKernel):
    class_name = "Embedding"

    def forward(self, cfg, params, inputs, training, rng):
        raw = inputs[0]
        shape = tuple(raw.shape)
        table = _param(params, "embeddings")
        vocab = table.shape[0]
        ids_h = np.ascontiguousarray(host(raw), dtype=np.int32).reshape(-1)
        if ids_h.size:
            lo, hi = int(ids_h.min()), int(ids_h.max())
            if lo < 0 or hi >= vocab:
                bad = hi if hi >= vocab else lo
                raise IndexError(f"Embedding: index {bad} is out of range for input_dim={vocab} "
                                 f"(valid ids are 0..{vocab - 1})")
        ids = dev(ids_h, np.int32)
        out = empty((ids_h.size, table.shape[1]))
        if out.size:
            _gather_rows[grid(out.size)](ids, table, out)
        return [reshape(out, shape + (table.shape[1],))], (ids, vocab)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        ids, vocab = cache
        dy = dev(d_outputs[0])
        d = tuple(dy.shape)[-1]
        dtable = zeros((vocab, d))
        if ids.size:
            _scatter_add_rows[grid(ids.size * d)](ids, reshape(dy, (ids.size, d)), dtable)
        return [None], {"embeddings": dtable}


# -- Merges ---------------------------------------------------------------------------------------------
class _MergeKernel(LayerKernel):
    """Element-wise merges of same-shape inputs on the device; inputs that
    broadcast (different ranks or size-1 axes) take the CPU kernel."""

    def _cpu(self):
        return HostFallback(get_kernel(self.class_name, "cpu"))

    def forward(self, cfg, params, inputs, training, rng):
        xs = [dev(x) for x in inputs]
        if len({tuple(x.shape) for x in xs}) > 1:
            outs, cache = self._cpu().forward(cfg, params, xs, training, rng)
            return outs, ("cpu", cache)
        y = self.combine(xs)
        return [y], ("gpu", xs, y)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        if cache[0] == "cpu":
            return self._cpu().backward(cfg, params, cache[1], d_outputs, input_grads)
        _, xs, y = cache
        return self.grads(xs, y, dev(d_outputs[0])), {}


@register_kernel("Add", device="cuda")
class AddKernel(_MergeKernel):
    class_name = "Add"

    def combine(self, xs):
        y = xs[0]
        for x in xs[1:]:
            y = ops.add(y, x)
        return y if len(xs) > 1 else ops.scale(y, 1.0)

    def grads(self, xs, y, dy):
        return [dy] * len(xs)


@register_kernel("Subtract", device="cuda")
class SubtractKernel(_MergeKernel):
    class_name = "Subtract"

    def combine(self, xs):
        if len(xs) != 2:
            raise ValueError(f"A `Subtract` layer should be called on exactly 2 inputs. Received: {len(xs)} inputs")
        return ops.sub(xs[0], xs[1])

    def grads(self, xs, y, dy):
        return [dy, ops.neg(dy)]


@register_kernel("Multiply", device="cuda")
class MultiplyKernel(_MergeKernel):
    class_name = "Multiply"

    def combine(self, xs):
        y = xs[0]
        for x in xs[1:]:
            y = ops.mul(y, x)
        return y

    def grads(self, xs, y, dy):
        out = []
        for i in range(len(xs)):
            g = dy
            for j, x in enumerate(xs):
                if j != i:
                    g = ops.mul(g, x)
            out.append(g)
        return out


@register_kernel("Average", device="cuda")
class AverageKernel(_MergeKernel):
    class_name = "Average"

    def combine(self, xs):
        y = xs[0]
        for x in xs[1:]:
            y = ops.add(y, x)
        return ops.scale(y, 1.0 / len(xs))

    def grads(self, xs, y, dy):
        return [ops.scale(dy, 1.0 / len(xs))] * len(xs)


class _ExtremeKernel(_MergeKernel):
    take_max = True

    def combine(self, xs):
        y = xs[0]
        for x in xs[1:]:
            y = ops.extreme(y, x, self.take_max)
        return y

    def grads(self, xs, y, dy):
        taken = zeros(tuple(y.shape))
        return [ops.winner_grad(x, y, dy, taken) for x in xs]  # first input wins ties, as on the CPU


@register_kernel("Maximum", device="cuda")
class MaximumKernel(_ExtremeKernel):
    class_name = "Maximum"
    take_max = True


@register_kernel("Minimum", device="cuda")
class MinimumKernel(_ExtremeKernel):
    class_name = "Minimum"
    take_max = False


@register_kernel("Concatenate", device="cuda")
class ConcatenateKernel(LayerKernel):
    """Along any axis: each input is an (outer, size*inner) block of columns of
    the (outer, total*inner) output."""

    class_name = "Concatenate"

    def forward(self, cfg, params, inputs, training, rng):
        xs = [dev(x) for x in inputs]
        axis = int(cfg.get("axis", -1)) % xs[0].ndim
        shape = list(xs[0].shape)
        for x in xs[1:]:
            s = list(x.shape)
            if len(s) != len(shape) or any(a != b for i, (a, b) in enumerate(zip(s, shape)) if i != axis):
                raise ValueError(
                    "A `Concatenate` layer requires inputs with matching shapes except for the concatenation "
                    f"axis. Received: input_shape={[tuple(v.shape) for v in xs]}")
        outer = int(np.prod(shape[:axis], dtype=np.int64))
        inner = int(np.prod(shape[axis + 1:], dtype=np.int64))
        sizes = [int(x.shape[axis]) for x in xs]
        shape[axis] = sum(sizes)
        y = empty(tuple(shape))
        y2 = reshape(y, (outer, sum(sizes) * inner))
        off = 0
        for x, s in zip(xs, sizes):
            ops.put_cols(reshape(x, (outer, s * inner)), y2, off)
            off += s * inner
        return [y], (outer, inner, sizes, [tuple(x.shape) for x in xs])

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        outer, inner, sizes, shapes = cache
        dy = dev(d_outputs[0])
        d2 = reshape(dy, (outer, sum(sizes) * inner))
        out, off = [], 0
        for s, shape in zip(sizes, shapes):
            g = empty(shape)
            ops.take_cols(d2, reshape(g, (outer, s * inner)), off)
            off += s * inner
            out.append(g)
        return out, {}


# -- everything else: the CPU kernel, with transfers ---------------------------------------------
def _to_host_list(xs):
    return [None if x is None else host(x) for x in xs]


def _to_dev_list(xs):
    return [None if x is None else (x if x.dtype.kind not in "f" else dev(x)) for x in xs]


class HostFallback(LayerKernel):
    """Runs a CPU kernel for a layer that has no CUDA kernel yet: inputs and
    parameters come to the host, outputs and gradients go back to the device.
    ``update_state`` (BatchNorm's moving statistics) writes the changed host
    parameters back into their device arrays."""

    def __init__(self, cpu_kernel: LayerKernel):
        self.cpu = cpu_kernel
        self.class_name = cpu_kernel.class_name

    @staticmethod
    def _host_params(params):
        return {k: host(v) for k, v in params.items()}

    def forward(self, cfg, params, inputs, training, rng):
        hp = self._host_params(params)
        outs, cache = self.cpu.forward(cfg, hp, _to_host_list(inputs), training, rng)
        return _to_dev_list(outs), (cache, hp)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        inner, hp = cache
        d_in, d_params = self.cpu.backward(cfg, hp, inner, _to_host_list(d_outputs), input_grads)
        return _to_dev_list(d_in or []), {k: None if g is None else dev(g) for k, g in (d_params or {}).items()}

    def update_state(self, cfg, params, cache) -> None:
        inner, hp = cache
        self.cpu.update_state(cfg, hp, inner)
        for k, v in params.items():
            if is_device(v):
                v.copy_to_device(np.ascontiguousarray(hp[k], dtype=np.float32))
                mark_array_written(v)


_FALLBACK_FLATTEN = None


def kernel(class_name: str):
    """The CUDA kernel for a layer kind, or its CPU kernel behind HostFallback."""
    from . import conv, normalization, recurrent  # noqa: F401  (the other families register themselves)

    k = KERNELS.get((class_name, "cuda"))
    if k is not None:
        return k
    cpu = get_kernel(class_name, "cpu")
    if cpu is None:
        return None
    k = HostFallback(cpu)
    KERNELS[(class_name, "cuda")] = k
    return k


def _init():
    global _FALLBACK_FLATTEN
    from ..kernels.reshaping import FlattenKernel as CpuFlatten

    _FALLBACK_FLATTEN = HostFallback(CpuFlatten())


_init()
