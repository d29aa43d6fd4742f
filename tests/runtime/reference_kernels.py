"""Plain-NumPy kernels, used by the engine tests only where the numba kernel
for a layer kind is not (yet) registered.  They follow the kernel contract in
shapecheck/runtime/kernels/base.py and are deliberately simple."""
from __future__ import annotations

import numpy as np

from shapecheck.runtime import activations as A
from shapecheck.runtime.kernels import LayerKernel


def _act_fwd(name, x):
    fn = A.get(name)
    return fn(x)


def _act_bwd(name, x, y, dy):
    name = A.serialize(A.get(name)) if name is not None else "linear"
    if name == "linear":
        return dy
    if name == "relu":
        return dy * (x > 0)
    if name == "sigmoid":
        return dy * y * (1 - y)
    if name == "tanh":
        return dy * (1 - y * y)
    if name == "softmax":
        return y * (dy - np.sum(dy * y, axis=-1, keepdims=True))
    # Finite differences for the rest (tests only).
    eps = 1e-3
    return dy * (A.get(name)(x + eps) - A.get(name)(x - eps)) / (2 * eps)


class Dense(LayerKernel):
    class_name = "Dense"

    def forward(self, cfg, params, inputs, training, rng):
        x = inputs[0]
        z = x @ params["kernel"]
        if "bias" in params:
            z = z + params["bias"]
        y = _act_fwd(cfg.get("activation"), z).astype(np.float32)
        return [y], (x, z, y)

    def backward(self, cfg, params, cache, d_outputs):
        x, z, y = cache
        dz = _act_bwd(cfg.get("activation"), z, y, d_outputs[0]).astype(np.float32)
        x2 = x.reshape(-1, x.shape[-1])
        dz2 = dz.reshape(-1, dz.shape[-1])
        grads = {"kernel": x2.T @ dz2}
        if "bias" in params:
            grads["bias"] = dz2.sum(axis=0)
        return [dz @ params["kernel"].T], grads


class Activation(LayerKernel):
    class_name = "Activation"

    def forward(self, cfg, params, inputs, training, rng):
        x = inputs[0]
        y = _act_fwd(cfg["activation"], x).astype(np.float32)
        return [y], (x, y)

    def backward(self, cfg, params, cache, d_outputs):
        x, y = cache
        return [_act_bwd(cfg["activation"], x, y, d_outputs[0]).astype(np.float32)], {}


class Dropout(LayerKernel):
    class_name = "Dropout"

    def forward(self, cfg, params, inputs, training, rng):
        x = inputs[0]
        rate = cfg["rate"]
        if not training or rate == 0:
            return [x], None
        keep = (rng.random(x.shape) >= rate).astype(np.float32) / (1 - rate)
        return [x * keep], keep

    def backward(self, cfg, params, cache, d_outputs):
        return [d_outputs[0] if cache is None else d_outputs[0] * cache], {}


class Flatten(LayerKernel):
    class_name = "Flatten"

    def forward(self, cfg, params, inputs, training, rng):
        x = inputs[0]
        return [x.reshape(x.shape[0], -1)], x.shape

    def backward(self, cfg, params, cache, d_outputs):
        return [d_outputs[0].reshape(cache)], {}


class Embedding(LayerKernel):
    class_name = "Embedding"

    def forward(self, cfg, params, inputs, training, rng):
        ids = inputs[0].astype(np.int64)
        return [params["embeddings"][ids]], ids

    def backward(self, cfg, params, cache, d_outputs):
        g = np.zeros_like(params["embeddings"])
        np.add.at(g, cache, d_outputs[0])
        return [None], {"embeddings": g}


class Concatenate(LayerKernel):
    class_name = "Concatenate"

    def forward(self, cfg, params, inputs, training, rng):
        axis = cfg.get("axis", -1)
        return [np.concatenate(inputs, axis=axis)], [x.shape[axis] for x in inputs]

    def backward(self, cfg, params, cache, d_outputs):
        axis = cfg.get("axis", -1)
        return list(np.split(d_outputs[0], np.cumsum(cache)[:-1], axis=axis)), {}


class Add(LayerKernel):
    class_name = "Add"

    def forward(self, cfg, params, inputs, training, rng):
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return [out], len(inputs)

    def backward(self, cfg, params, cache, d_outputs):
        return [d_outputs[0]] * cache, {}


class Average(LayerKernel):
    class_name = "Average"

    def forward(self, cfg, params, inputs, training, rng):
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return [out / np.float32(len(inputs))], len(inputs)

    def backward(self, cfg, params, cache, d_outputs):
        return [d_outputs[0] / np.float32(cache)] * cache, {}


ALL = [Dense, Activation, Dropout, Flatten, Embedding, Concatenate, Add, Average]


def install_missing() -> list[str]:
    """Register a reference kernel for each layer kind that has none."""
    from shapecheck.runtime.engine.layer import load_kernels
    from shapecheck.runtime.kernels import KERNELS, get_kernel

    load_kernels()
    added = []
    for cls in ALL:
        if get_kernel(cls.class_name) is None:
            KERNELS[(cls.class_name, "cpu")] = cls()
            added.append(cls.class_name)
    return added
