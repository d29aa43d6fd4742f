"""One training step on the CUDA target (the engine's ``_train_batch`` hands
over here when the device is "cuda").

The batch is uploaded once; the forward pass runs the CUDA LayerKernels with
the tape on, each output's loss gives its value and device gradient, the
reverse pass accumulates gradients with device adds, and the optimizer
updates the device copies of the variables.  Only the loss value (one float
per output) and the metric sums come back to the host.
"""
from __future__ import annotations

import math

import numpy as np

from ..engine.context import recording
from . import losses as closses
from . import metrics as cmetrics
from . import optimizers as coptim
from . import ops
from ._common import Like, dev, host, is_device


def upload_batch(xs):
    """Float inputs go to the device; integer ids stay on the host (the
    Embedding kernel checks their range there before uploading them)."""
    return [x if is_device(x) or np.asarray(x).dtype.kind != "f" else dev(x) for x in xs]


def backward(tape, grads: dict, squares: dict | None = None) -> dict:
    """The engine's reverse pass (engine/training.py), with gradient sums done
    on the device; ``squares`` collects an Embedding's per-row sums of squared
    lookup gradients (on the host) for the optimizers that square gradients."""
    param_grads: dict[int, object] = {}
    produced = {id(o) for entry in tape for o in entry.outputs}
    for entry in reversed(tape):
        d_outs = [grads.pop(id(o), None) for o in entry.outputs]
        if all(d is None for d in d_outs):
            continue
        d_outs = [None if d is None else dev(d) for d in d_outs]
        need_dx = any(id(x) in produced for x in entry.inputs)
        if squares is not None and getattr(getattr(entry.layer, "spec", None), "class_name", None) == "Embedding":
            from ..engine.training import _embedding_squares

            _embedding_squares(entry, None if d_outs[0] is None else host(d_outs[0]), squares)
        d_ins, d_params = entry.layer.backward(entry.cache, d_outs, need_dx)
        layer_vars = entry.layer._vars
        for name, g in (d_params or {}).items():
            var = layer_vars.get(name)
            if var is None or g is None:
                continue
            key = id(var)
            param_grads[key] = ops.add(param_grads[key], g) if key in param_grads else g
        for x, d in zip(entry.inputs, d_ins or []):
            if d is None:
                continue
            key = id(x)
            grads[key] = ops.add(grads[key], d) if key in grads else d
    return param_grads


def train_batch(model, xs, ys, sw=None):
    tape = []
    with recording(True, tape):
        outs = model._forward(upload_batch(xs), True)
    model._resolve(ys, [Like(o) if is_device(o) else o for o in outs])
    total = np.float32(0.0)
    grads = {}
    for i, (loss, y, o) in enumerate(zip(model._losses, ys, outs)):
        if loss is None or y is None:
            continue
        if sw is None and is_device(o) and closses.supported(loss):
            value, g = closses.value_and_grad(loss, y, o)
        else:  # sample weights or a custom loss: on the host, as on the CPU target
            value, g = loss.value_and_grad(y, host(o), sw)
            g = dev(g)
        track = getattr(model, "_track_output_loss", None)
        if track is not None:  # per-output losses in a multi-output model's logs
            track(i, value, tuple(o.shape)[0])
        w = model._lw[i]
        total = total + np.float32(w) * value
        if w != 1.0:
            g = ops.scale(g, w)
        key = id(o)
        grads[key] = ops.add(grads[key], g) if key in grads else g
    variables = model.trainable_weights
    # Regularizers read the weights on the host (their values sync back first).
    penalty, reg_grads = model._regularization(variables)
    total = total + penalty
    if math.isfinite(float(total)):
        squares = {} if getattr(model.optimizer, "_squares_gradient", False) else None
        pgrads = backward(tape, grads, squares)
        for key, g in reg_grads.items():
            g = dev(g)
            pgrads[key] = ops.add(pgrads[key], g) if key in pgrads else g
        coptim.apply(model.optimizer, [pgrads.get(id(v)) for v in variables], variables,
                     [squares.get(id(v)) for v in variables] if squares else None)
    for i, _, m in model._metrics:
        if ys[i] is not None:
            if is_device(outs[i]):
                cmetrics.update(m, ys[i], outs[i])
            else:
                m.update_state(ys[i], outs[i])
    return float(total), outs
