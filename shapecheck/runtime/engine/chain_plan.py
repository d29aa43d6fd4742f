"""A model that is a plain chain of catalog layers, run straight through
their kernels.

The general path runs a training step through every layer's ``__call__``
(symbolic or eager, masks, traced glue, device arrays, stateful carries) and
a tape of entries walked back by ``training.backward``: some 350 Python calls
per layer and step.  For the commonest model -- a Sequential or functional
chain of catalog layers, one input, one output, nothing masked -- almost all
of that is decided once per model.  Here it is decided once: each step calls
``kernel.forward`` and ``kernel.backward`` in a loop (the MLP benchmark's
step spent about a fifth of its main-thread time in that glue).

The kernels, their configs and their order are the same as the general
path's, so the numbers are the same bit for bit (tests/runtime/test_chain_plan.py
compares both).  Anything the plan does not cover is the general path's: a
model or input shape it was not made for gets ``None`` from ``plan_for``.
"""
from __future__ import annotations

import numpy as np

from .context import STATE

# Layers the plan leaves to the general path: Embedding (token ids, and the
# optimizers' per-row squares of its sparse gradient), the mask makers.
_EXCLUDED = frozenset({"Embedding", "Masking"})


class _Step:
    __slots__ = ("layer", "kernel", "skip_dx", "frozen_bn")

    def __init__(self, layer, kernel, skip_dx):
        self.layer, self.kernel, self.skip_dx = layer, kernel, skip_dx
        self.frozen_bn = layer.spec.class_name == "BatchNormalization"


class ChainPlan:
    __slots__ = ("steps", "in_shape", "in_dtype")

    def __init__(self, steps, in_shape, in_dtype):
        self.steps, self.in_shape, self.in_dtype = steps, in_shape, in_dtype

    def accepts(self, x) -> bool:
        return isinstance(x, np.ndarray) and x.shape[1:] == self.in_shape and x.dtype == self.in_dtype

    def forward(self, x, training: bool, caches: list | None = None):
        """The chain's output; with ``caches`` (a list), what backward needs is appended to it."""
        for step in self.steps:
            layer, kernel = step.layer, step.kernel
            params = {n: v.value for n, v in layer._vars.items()}
            is_training = training and not (step.frozen_bn and not layer.trainable)
            outs, cache = kernel.forward(layer.cfg, params, [x], is_training, layer._layer_rng())
            if is_training:
                kernel.update_state(layer.cfg, params, cache)
            y = outs[0]
            if caches is not None:
                caches.append((params, cache, x, y))
            x = y
        return x

    def backward(self, caches: list, d_out) -> dict:
        """id(Variable) -> gradient, from the output's gradient."""
        grads: dict[int, np.ndarray] = {}
        d = d_out
        for i in range(len(self.steps) - 1, -1, -1):
            params, cache, x, y = caches[i]
            if y is x:  # an identity call (Dropout at rate 0, a linear Activation): nothing to do
                continue
            step = self.steps[i]
            layer, kernel = step.layer, step.kernel
            if i == 0 and step.skip_dx:  # the first layer's input is data: no input gradient
                d_ins, d_params = kernel.backward(layer.cfg, params, cache, [d], input_grads=False)
            else:
                d_ins, d_params = kernel.backward(layer.cfg, params, cache, [d])
            if d_params:
                layer_vars = layer._vars
                for name, g in d_params.items():
                    var = layer_vars.get(name)
                    if var is None or g is None:
                        continue
                    key = id(var)
                    grads[key] = grads[key] + g if key in grads else g
            d = d_ins[0] if d_ins else None
            if d is None:
                break
        return grads


def plan_for(model, arrays) -> ChainPlan | None:
    """The model's chain plan for these input arrays, or None for the general path."""
    if len(arrays) != 1 or getattr(STATE, "user_tape", False) or getattr(STATE, "user_calls", 0):
        return None
    graph = getattr(model, "_graph", None)
    cached = model.__dict__.get("_chain_plan")
    if cached is None or cached[0] is not graph:
        plan = _make(graph)
        if plan is _NOT_YET:
            return None
        cached = model._chain_plan = (graph, plan)
    plan = cached[1]
    if plan is None or not plan.accepts(arrays[0]):
        return None
    return plan


_NOT_YET = object()  # eligible so far, but a layer has not run yet (the first step builds and checks)


def _make(graph):
    from .. import device as _device
    from .layer import CatalogLayer, _takes_input_grads, layer_class

    if graph is None or len(graph.inputs) != 1 or len(graph.outputs) != 1 or _device.current().is_cuda:
        return None
    steps = []
    current = graph.inputs[0]
    for node in graph.nodes:
        layer = node.layer
        spec = getattr(layer, "spec", None)
        if not isinstance(layer, CatalogLayer) or spec is None or type(layer) is not layer_class(spec.class_name):
            return None  # a user's subclass (its own call()), a nested model
        if spec.class_name in _EXCLUDED or getattr(spec, "call_params", None):
            return None
        cfg = layer.cfg
        if cfg.get("stateful") or cfg.get("activity_regularizer") is not None or cfg.get("mask_zero"):
            return None
        if node.call_kwargs or node.n_mask_inputs or len(node.inputs) != 1 or len(node.outputs) != 1:
            return None
        if node.inputs[0] is not current or isinstance(getattr(node, "input_structure", None), (list, tuple, dict)):
            return None
        steps.append(layer)
        current = node.outputs[0]
    if not steps or current is not graph.outputs[0]:
        return None
    for layer in steps:
        if layer._kernel is None or layer._kernel_device != "cpu" or layer._last_shapes is None:
            return _NOT_YET
    first = steps[0]._last_shapes
    if len(first) != 1:
        return None
    return ChainPlan([_Step(layer, layer._kernel, _takes_input_grads(layer._kernel)) for layer in steps],
                     tuple(first[0][1:]), np.dtype(np.float32))
