"""A functional or Sequential model made only of catalog layers, run
straight through their kernels.

The general path runs every layer through ``Layer.__call__`` and
``_eager_call``, which decide at each call what kind of call it is: symbolic
or eager, masked, traced NumPy glue of a user's ``call()``, device arrays,
stateful carries, activity losses.  That is some 350 Python calls per layer
and step; on the MLP benchmark about a fifth of the main thread's time.  For
a graph whose every node is a plain catalog layer with nothing masked, the
answers never change, so they are taken once, here, and each step calls the
kernels in the graph's order.  Training records the same tape entries as
``_eager_call``, so ``training.backward`` and everything after it are the
general path's.  The numbers are the same bit for bit
(tests/runtime/test_graph_plan.py compares both paths).

What a plan does not cover goes the general way: ``plan_for`` gives None.
"""
from __future__ import annotations

from .context import STATE

# The mask makers: a masked graph's layers take their masks in _eager_call.
_MASK_MAKERS = frozenset({"Masking"})


class _Node:
    __slots__ = ("layer", "kernel", "ins", "outs", "int_ids", "frozen_bn")

    def __init__(self, node, layer):
        self.layer, self.kernel = layer, layer._kernel
        self.ins = [id(t) for t in node.inputs]
        self.outs = [id(t) for t in node.outputs]
        self.int_ids = layer.spec.class_name == "Embedding"
        self.frozen_bn = layer.spec.class_name == "BatchNormalization"


class GraphPlan:
    __slots__ = ("nodes", "inputs", "outputs")

    def __init__(self, nodes, inputs, outputs):
        self.nodes, self.inputs, self.outputs = nodes, inputs, outputs

    def run(self, arrays: list, training: bool, tape: list | None = None) -> list:
        """The model's outputs; with ``tape``, the kernels' caches are appended
        to it as ``_eager_call`` appends them."""
        from .layer import TapeEntry, _to_array, as_ids

        values = dict(zip(self.inputs, arrays))
        for n in self.nodes:
            layer, kernel = n.layer, n.kernel
            xs = [_to_array(values[i]) for i in n.ins]
            if n.int_ids:
                xs = as_ids(xs)
            shapes = [(None,) + a.shape[1:] for a in xs]
            if shapes != layer._last_shapes:  # new sizes (a shorter sequence): the general path's check
                layer._check_compatible(layer._rule_shapes(shapes))
                layer._last_shapes = shapes
            params = {name: v.value for name, v in layer._vars.items()}
            is_training = training and not (n.frozen_bn and not layer.trainable)
            outs, cache = kernel.forward(layer.cfg, params, xs, is_training, layer._layer_rng())
            if is_training:
                kernel.update_state(layer.cfg, params, cache)
            if tape is not None and not (len(outs) == 1 and len(xs) == 1 and outs[0] is xs[0]):
                tape.append(TapeEntry(layer, cache, xs, outs))
            for key, out in zip(n.outs, outs):
                values[key] = out
        return [values[key] for key in self.outputs]


def plan_for(model, arrays) -> GraphPlan | None:
    """The model's plan, or None for the general path."""
    if getattr(STATE, "user_tape", False) or getattr(STATE, "user_calls", 0):
        return None
    graph = getattr(model, "_graph", None)
    cached = model.__dict__.get("_graph_plan")
    if cached is None or cached[0] is not graph:
        plan = _make(graph)
        if plan is _NOT_YET:
            return None
        cached = model._graph_plan = (graph, plan)
    plan = cached[1]
    if plan is None or len(arrays) != len(plan.inputs):
        return None
    return plan


_NOT_YET = object()  # eligible so far, but a layer has not run yet (the first step builds and checks)


def _make(graph):
    from .. import device as _device
    from .layer import CatalogLayer, layer_class

    if graph is None or _device.current().is_cuda:
        return None
    layers = []
    for node in graph.nodes:
        layer = node.layer
        spec = getattr(layer, "spec", None)
        if not isinstance(layer, CatalogLayer) or spec is None or type(layer) is not layer_class(spec.class_name):
            return None  # a user's subclass (its own call()), a nested model
        cfg = layer.cfg
        if spec.class_name in _MASK_MAKERS or cfg.get("mask_zero") or getattr(spec, "call_params", None):
            return None
        if cfg.get("stateful") or cfg.get("activity_regularizer") is not None or getattr(layer, "_n_state_inputs", 0):
            return None
        structure = getattr(node, "input_structure", None)
        if node.call_kwargs or node.n_mask_inputs or isinstance(structure, dict) or \
                type(structure).__name__ == "Positional":
            return None
        layers.append(layer)
    if not layers:
        return None
    for layer in layers:
        if layer._kernel is None or layer._kernel_device != "cpu" or layer._last_shapes is None:
            return _NOT_YET
    nodes = [_Node(node, node.layer) for node in graph.nodes]
    return GraphPlan(nodes, [id(t) for t in graph.inputs], [id(t) for t in graph.outputs])
