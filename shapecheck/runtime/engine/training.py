"""compile / fit / evaluate / predict and the back-propagation they need.

A training step runs the model with the tape on (each layer call appends its
kernel cache), asks each output's loss for its value and gradient, walks the
tape backwards through the kernels' ``backward`` and hands the parameter
gradients to the optimizer.  Loss and metric values over an epoch are
sample-weighted means, as Keras 3 reports them.
"""
from __future__ import annotations

import math
import sys

import numpy as np

from .. import callbacks as callbacks_module
from .. import data as _data
from .. import device as _device
from .. import losses as losses_module
from .. import metrics as metrics_module
from .. import optimizers as optimizers_module
from . import autodiff as _autodiff
from . import graph_plan, inference, observe
from . import masking as _masking
from .context import STATE, recording
from .progbar import Progbar


class StopOnNonFinite(Exception):
    pass


def _embedding_squares(entry, d_out, squares: dict) -> None:
    """Sum of the squares of each looked-up row's gradient, per embedding row:
    what Keras's optimizers square for an Embedding's sparse gradient."""
    var = entry.layer._vars.get("embeddings")
    if var is None or d_out is None:
        return
    from ..optimizer_kernels import row_squares

    ids = np.asarray(entry.inputs[0]).reshape(-1).astype(np.int64)
    d = np.ascontiguousarray(d_out, dtype=np.float32).reshape(len(ids), -1)
    rows = var.value.shape[0]
    if ids.size and (ids.min() < 0 or ids.max() >= rows):
        return  # out-of-range ids: the Embedding kernel reports them
    sq = row_squares(ids, d, rows).reshape(var.value.shape)
    key = id(var)
    squares[key] = squares[key] + sq if key in squares else sq


def backward(tape, grads: dict, squares: dict | None = None) -> dict:
    """Reverse-mode pass over the tape. ``grads`` maps id(array) -> gradient of
    the loss with respect to that array; returns id(Variable) -> gradient.
    ``squares``, when given, collects per-row sums of squared gradients of
    Embedding lookups (see optimizers.Optimizer.apply)."""
    param_grads: dict[int, np.ndarray] = {}
    # Arrays some layer produced: only those need an input gradient (the first
    # layer's input is data, and its dx is a whole wasted matrix product).
    produced = {id(o) for entry in tape for o in entry.outputs}
    for entry in reversed(tape):
        d_outs = [grads.pop(id(o), None) for o in entry.outputs]
        if all(d is None for d in d_outs):
            continue
        need_dx = any(id(x) in produced for x in entry.inputs)
        if squares is not None and getattr(getattr(entry.layer, "spec", None), "class_name", None) == "Embedding":
            _embedding_squares(entry, d_outs[0], squares)
        d_ins, d_params = entry.layer.backward(entry.cache, d_outs, need_dx)
        layer_vars = entry.layer._vars
        for name, g in (d_params or {}).items():
            var = layer_vars.get(name)
            if var is None or g is None:
                continue
            key = id(var)
            if key in param_grads:
                param_grads[key] = param_grads[key] + g
            else:
                param_grads[key] = g
        for x, d in zip(entry.inputs, d_ins or []):
            if d is None:
                continue
            key = id(x)
            if key in grads:
                grads[key] = grads[key] + d
            else:
                grads[key] = d
    return param_grads


def _as_list(data):
    if data is None:
        return None
    if isinstance(data, (list, tuple)):
        return [np.asarray(d) for d in data]
    if isinstance(data, dict):
        return data
    return [np.asarray(data)]


def _raw(data) -> list:
    """The data as given, for the run report (before any conversion can fail)."""
    if data is None:
        return []
    if isinstance(data, dict):
        return [data[k] for k in sorted(data)]
    if isinstance(data, (list, tuple)) and data and all(hasattr(d, "shape") for d in data):
        return list(data)
    return [data]


def _event_data(x, y, batch_size):
    """The data for the run report.  Batches streamed from a generator or dataset
    are reported as one batch (the first), the shape the analyzer predicts for them;
    arrays as given."""
    xs, ys = _raw(x), _raw(y)
    if batch_size:
        xs = [a[:batch_size] if hasattr(a, "shape") and np.ndim(a) else a for a in xs]
        ys = [a[:batch_size] if hasattr(a, "shape") and np.ndim(a) else a for a in ys]
    return xs, ys


def _adjust_ranks(arrays, inputs):
    """Data one size-1 axis short of an Input (or with one extra size-1 last
    axis) gets it added (or dropped), as Keras's functional models do
    (``_adjust_input_rank``): (n,) text for a (None, 1) string Input."""
    out = []
    for a, t in zip(arrays, inputs):
        want = tuple(t.shape)
        if a.ndim == len(want) - 1 and want and want[-1] == 1:
            a = a[..., np.newaxis]
        elif a.ndim == len(want) + 1 and a.ndim and a.shape[-1] == 1:
            a = a[..., 0]
        out.append(a)
    return out


def _n_samples(arrays, what):
    sizes = {len(a) for a in arrays}
    if len(sizes) > 1:
        raise ValueError(f"Data cardinality is ambiguous. Make sure all arrays in `{what}` contain the same number "
                         f"of samples. Sizes: {[len(a) for a in arrays]}")
    return sizes.pop() if sizes else 0


class Trainer:
    def __init__(self):
        self.optimizer = None
        self.compiled = False
        self.stop_training = False
        self._loss_spec = None
        self._metric_spec = None
        self._losses = None
        self._metrics = None
        self.history = None

    # -- compile --------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", auto_scale_loss=True, **kwargs):
        self.optimizer = optimizers_module.get(optimizer)
        self._loss_spec = loss
        self._loss_weights = loss_weights
        self._metric_spec = metrics
        self._weighted_spec = weighted_metrics  # metrics that see the sample weights
        self._losses = None  # resolved at the first batch, from the data's shapes
        self._metrics = None
        self.compiled = True

    @property
    def metrics_names(self):
        names = ["loss"]
        if self._metric_spec or getattr(self, "_weighted_spec", None):
            names.append("compile_metrics")
        if self._losses is not None and len(self._losses) > 1:
            names.extend(f"{n}_loss" for n in self._out_names())
        return names

    def _out_names(self):
        names = getattr(self, "_output_names", None) or getattr(self, "_call_output_names", None)
        if not names and self._graph is not None:
            names = [t.node.layer.name for t in self._graph.outputs]
        return names or ["output_0"]

    def _per_output(self, spec, n_out, what):
        names = self._out_names()
        if isinstance(spec, dict):
            return [spec.get(name) for name in names]
        if isinstance(spec, (list, tuple)) and what == "loss":
            if len(spec) != n_out:
                raise ValueError(f"For a model with {n_out} outputs, `loss` should be a single loss or a list of "
                                 f"{n_out} losses. Received: loss={spec}")
            return list(spec)
        return [spec] * n_out

    def _resolve(self, ys, outs):
        if self._losses is not None:
            return
        n = len(outs)
        loss_specs = self._per_output(self._loss_spec, n, "loss")
        self._losses = []
        for spec, y, o in zip(loss_specs, ys, outs):
            self._losses.append(None if spec is None else losses_module.get(spec, np.shape(y), np.shape(o)))
        if self._loss_weights is None:
            self._lw = [1.0] * n
        elif isinstance(self._loss_weights, dict):
            self._lw = [self._loss_weights.get(name, 1.0) for name in self._out_names()]
        else:
            self._lw = list(self._loss_weights)
        self._metrics = []  # (output index, display name, Metric)
        for metric_specs, weighted in ((self._metric_spec, False), (getattr(self, "_weighted_spec", None), True)):
            if metric_specs:
                self._add_compiled_metrics(metric_specs, weighted, ys, outs)

    def _add_compiled_metrics(self, metric_specs, weighted, ys, outs):
        n = len(outs)
        if metric_specs:
            names = self._out_names()
            if isinstance(metric_specs, dict):
                per = [metric_specs.get(name) for name in names]
            elif n > 1 and isinstance(metric_specs, (list, tuple)) and len(metric_specs) == n and all(
                    isinstance(m, (list, tuple)) or m is None for m in metric_specs):
                per = list(metric_specs)
            else:
                per = [metric_specs] * n
            for i, ms in enumerate(per):
                if ms is None:
                    continue
                for m in (ms if isinstance(ms, (list, tuple)) else [ms]):
                    obj = metrics_module.get(m, np.shape(ys[i]), np.shape(outs[i]))
                    obj._weighted = weighted
                    label = self._metric_label(obj.name, None if n == 1 else names[i], weighted)
                    self._metrics.append((i, label, obj))

    def _metric_label(self, name, output, weighted):
        """Keras's CompileMetrics.result names: a repeated name gets _1, _2...; a weighted
        metric named like an unweighted one becomes weighted_<name> (then _1...)."""
        taken = {label for _, label, _ in self._metrics}
        label = name if output is None else f"{output}_{name}"
        if label not in taken:
            return label
        base = label
        if weighted:
            base = f"weighted_{name}" if output is None else f"{output}_weighted_{name}"
            if base not in taken:
                return base
        k = 1
        while f"{base}_{k}" in taken:
            k += 1
        return f"{base}_{k}"

    # -- the custom-step API (train_step overrides, Keras 3 and Keras 2 spellings) ----------------
    @property
    def metrics(self):
        """The loss tracker and compiled metrics (after the first batch), then the
        Metric objects the model holds as attributes, as Keras 3 orders them."""
        out = []
        if self.compiled:
            out.append(self._get_loss_tracker())
            out.extend(m for _, _, m in self._metrics or [])
        for v in vars(self).values():
            if isinstance(v, metrics_module.Metric) and all(v is not o for o in out):
                out.append(v)
        return out

    def _get_loss_tracker(self):
        tracker = self.__dict__.get("_loss_tracker")
        if tracker is None:
            tracker = metrics_module.Mean(name="loss")
            object.__setattr__(self, "_loss_tracker", tracker)
        return tracker

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self):
        out = {}
        for m in self.metrics:
            out[m.name] = m.result()
        labels = {id(m): label for _, label, m in self._metrics or []}
        return {labels.get(id(m), m.name): m.result() for m in self.metrics}

    def _split_data(self, data):
        if isinstance(data, tuple):
            x = data[0]
            y = data[1] if len(data) > 1 else None
            sw = data[2] if len(data) > 2 else None
            return x, y, sw
        return data, None, None

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        from . import autodiff

        outs = list(y_pred) if isinstance(y_pred, (list, tuple)) else [y_pred]
        n_out = len(outs)
        ys = self._prepare_y(y, n_out) if y is not None else [None] * n_out
        self._resolve(ys, [autodiff.unwrap(o) for o in outs])
        total = None
        for i, (loss, yt, o) in enumerate(zip(self._losses, ys, outs)):
            if loss is None or yt is None:
                continue
            value = loss(yt, o, sample_weight=sample_weight)
            w = self._lw[i]
            value = value * np.float32(w) if w != 1.0 else value
            total = value if total is None else total + value
        penalty, reg_grads = self._regularization(self.trainable_weights)
        if reg_grads:
            keys = list(reg_grads)
            by_id = {id(v): v for v in self.trainable_weights}
            raws = [by_id[k].value for k in keys]
            term = autodiff.record(np.asarray(penalty, dtype=np.float32), raws,
                                   lambda g: [reg_grads[k] * np.float32(g) for k in keys])
            total = term if total is None else total + term
        if total is None:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        return total

    @property
    def compiled_loss(self):
        model = self

        class _CompiledLoss:
            def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
                return model.compute_loss(y=y_true, y_pred=y_pred, sample_weight=sample_weight)

        return _CompiledLoss()

    @property
    def compiled_metrics(self):
        model = self

        class _CompiledMetrics:
            def update_state(self, y_true, y_pred, sample_weight=None):
                model._update_compiled_metrics(y_true, y_pred)

            @property
            def metrics(self):
                return [m for _, _, m in model._metrics or []]

        return _CompiledMetrics()

    def _update_compiled_metrics(self, y, y_pred):
        from . import autodiff

        outs = [autodiff.unwrap(o) for o in (y_pred if isinstance(y_pred, (list, tuple)) else [y_pred])]
        ys = self._prepare_y(y, len(outs)) if y is not None else [None] * len(outs)
        self._resolve(ys, outs)
        self._update_metrics(ys, outs)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        self._update_compiled_metrics(y, y_pred)
        return self.get_metrics_result()

    def train_step(self, data):
        """Keras 3's default step, for overrides that call super().train_step()."""
        from .gradient_tape import GradientTape

        x, y, sw = self._split_data(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sw)
        n = len(x[0] if isinstance(x, (list, tuple)) else next(iter(x.values())) if isinstance(x, dict) else x)
        self._get_loss_tracker().update_state(np.asarray(loss), sample_weight=n)
        variables = self.trainable_variables
        grads = tape.gradient(loss, variables)
        self.optimizer.apply_gradients(zip(grads, variables))
        return self.compute_metrics(x, y, y_pred, sw)

    def _custom_step(self) -> bool:
        return type(self).train_step is not Trainer.train_step

    def _custom_test_step(self) -> bool:
        return getattr(type(self), "test_step", None) is not getattr(Trainer, "test_step", None)

    def _run_train_step(self, bx, by, bsw, step_fn=None):
        x = bx[0] if len(bx) == 1 else list(bx)
        if by is None or all(a is None for a in by):
            data = x  # Keras hands train_step the inputs alone when there are no targets
        else:
            y = by[0] if len(by) == 1 else list(by)
            data = (x, y) if bsw is None else (x, y, bsw)
        result = (step_fn or self.train_step)(data) or {}
        from . import autodiff

        logs = {}
        for k, v in (result.items() if isinstance(result, dict) else []):
            if isinstance(v, dict):
                for k2, v2 in v.items():
                    logs[k2] = float(np.asarray(autodiff.unwrap(v2)))
            else:
                logs[k] = float(np.asarray(autodiff.unwrap(v)))
        return logs

    # -- data -------------------------------------------------------------------
    def _prepare_x(self, x):
        if x is None:
            raise ValueError("Expected `x` to be a NumPy array, received None.")
        if isinstance(x, dict):
            self._ensure_graph_from_dict(x)
            names = [t.node.layer.name for t in self._graph.inputs]
            missing = [n for n in names if n not in x]
            if missing:
                raise ValueError(f"Missing data for input(s) {missing}. Expected keys: {names}")
            arrays = [np.asarray(x[n]) for n in names]
        elif isinstance(x, (list, tuple)) and not all(hasattr(e, "shape") for e in x) and (
                self._graph is None or len(self._graph.inputs) == 1):
            arrays = [np.asarray(x)]  # nested Python lists: one array for a one-input model
        else:
            arrays = _as_list(x)
        arrays = [a if a.dtype.kind in "iubfUSO" else a.astype(np.float32) for a in arrays]
        ensure = getattr(self, "_ensure_built_for", None)
        if ensure is not None:
            ensure(arrays)
        if self._graph is None:
            if not self.built:
                self.build(arrays[0].shape if len(arrays) == 1 else [a.shape for a in arrays])
            return arrays
        arrays = _adjust_ranks(self._cast_inputs(arrays), self._graph.inputs)
        shapes = [(None,) + a.shape[1:] for a in arrays]
        try:
            self._check_input_shapes(shapes)
        except ValueError:
            # Name the batch shape the layer would receive, as Keras does.
            self._check_input_shapes([a.shape for a in arrays])
            raise
        return arrays

    def _ensure_graph_from_dict(self, x):
        pass

    def _n_outputs(self, y) -> int:
        """How many outputs the targets are for: a graph's outputs; for a subclassed
        model, what its call() returned last (a dict or list of outputs), else a dict
        of targets names its outputs itself."""
        if self._graph is not None:
            return len(self._graph.outputs)
        seen = getattr(self, "_call_output_names", None)
        if seen:
            return len(seen)
        if isinstance(y, dict):
            self._call_output_names = sorted(y)
            self._output_names = self._call_output_names
            return len(y)
        return 1

    def _flatten_call_output(self, out) -> list:
        """A subclassed call() may return a dict (flattened by sorted key, as Keras's tree
        does; the keys name the outputs in logs and predict's result) or a list/tuple."""
        if isinstance(out, dict):
            keys = sorted(out)
            self._call_output_names = keys
            self._output_names = keys
            self._output_structure = {k: None for k in keys}
            return [out[k] for k in keys]
        if isinstance(out, (list, tuple)):
            if len(out) > 1:
                self._call_output_names = [f"output_{i}" for i in range(len(out))]
            return list(out)
        return [out]

    def _prepare_y(self, y, n_out):
        if y is None:
            return None
        if isinstance(y, dict):
            names = self._out_names()
            return [None if y.get(n) is None else _floatx(y[n]) for n in names]
        ys = _as_list(y)
        if len(ys) != n_out and n_out == 1:
            ys = [np.asarray(y)]
        if len(ys) != n_out:
            raise ValueError(f"The model has {n_out} outputs but `y` has {len(ys)} arrays.")
        return [None if a is None else _floatx(a) for a in ys]

    def _forward(self, arrays, training):
        _masking.clear()  # masks of the previous batch's arrays
        if STATE.tape is None and not _device.current().is_cuda:
            plan = graph_plan.plan_for(self, arrays)
            if plan is not None:
                return plan.run(arrays, training)
        STATE.depth += 1  # layer calls inside fit/predict are engine calls (device arrays stay put)
        engine, STATE.engine_forward = getattr(STATE, "engine_forward", False), True
        try:
            if self._graph is not None:
                with _training(training):
                    outs = self._graph.run(arrays)
            else:
                x = arrays[0] if len(arrays) == 1 else arrays
                if training and STATE.tape is not None:
                    x = _autodiff.wrap(x)  # the model's own call(): its NumPy glue is recorded for backward
                kw = {"training": training} if _masking.call_takes(self, "training") else {}
                STATE.user_calls = getattr(STATE, "user_calls", 0) + 1  # layers in it link their outputs (layer.py)
                try:
                    with _training(training):
                        out = _autodiff.unwrap(self.call(x, **kw))
                finally:
                    STATE.user_calls -= 1
                outs = self._flatten_call_output(out)
        finally:
            STATE.depth -= 1
            STATE.engine_forward = engine
        if not training and _device.current().is_cuda:
            # Predictions leave the GPU once per batch (evaluate/predict use them on the host).
            outs = [np.asarray(o) for o in outs]
        return outs

    # -- one step --------------------------------------------------------------------
    def _train_batch(self, xs, ys, sw=None):
        if _device.current().is_cuda:
            from ..cuda.train import train_batch

            return train_batch(self, xs, ys, sw)
        tape = []
        plan = graph_plan.plan_for(self, xs)
        if plan is not None:  # catalog layers only: straight through the kernels
            _masking.clear()
            outs, added = plan.run(xs, True, tape), ()
        else:
            STATE.added_losses = []
            try:
                with recording(True, tape):
                    outs = self._forward(xs, True)
            finally:
                added, STATE.added_losses = STATE.added_losses, None
        self._resolve(ys, outs)
        total = np.float32(0.0)
        grads = {}
        for term in added:  # self.add_loss() inside call(): its value, and its gradient when traced
            raw = _autodiff.unwrap(term)
            total = total + np.float32(np.sum(raw))
            if isinstance(term, _autodiff.Traced):
                seed = np.ones_like(raw, dtype=np.float32)
                grads[id(raw)] = grads[id(raw)] + seed if id(raw) in grads else seed
            elif getattr(term, "gradient", None) is not None:  # an activity regularizer's term (layer.ActivityLoss)
                key = id(term.output)
                grads[key] = grads[key] + term.gradient if key in grads else term.gradient
        for i, (loss, y, o) in enumerate(zip(self._losses, ys, outs)):
            if loss is None or y is None:
                continue
            value, g = loss.value_and_grad(y, o, _loss_weight(o, sw))
            self._track_output_loss(i, value, len(o))
            w = self._lw[i]
            total = total + np.float32(w) * value
            if w != 1.0:
                g = g * np.float32(w)
            key = id(o)
            grads[key] = grads[key] + g if key in grads else g
        variables = self.trainable_weights
        penalty, reg_grads = self._regularization(variables)
        total = total + penalty
        if np.isfinite(total):
            squares = {} if getattr(self.optimizer, "_squares_gradient", False) else None
            pgrads = backward(tape, grads, squares)
            if grads:
                # weights a custom call() used directly: the gradient reached their value arrays
                for v in variables:
                    g = grads.get(id(v.value))
                    if g is not None:
                        pgrads[id(v)] = pgrads[id(v)] + g if id(v) in pgrads else g
            for key, g in reg_grads.items():
                pgrads[key] = pgrads[key] + g if key in pgrads else g
            sq_list = None
            if squares:
                # a weight that also got a dense gradient (shared with a glue op) is squared densely
                sq_list = [squares.get(id(v)) if id(v.value) not in grads else None for v in variables]
            self.optimizer.apply([pgrads.get(id(v)) for v in variables], [v.value for v in variables],
                                 [v.path for v in variables], squares=sq_list)
        self._update_metrics(ys, outs, sw)
        return float(total), outs

    def _update_metrics(self, ys, outs, sw=None):
        for i, _, m in self._metrics:
            if ys[i] is not None:
                mask = _masking.get(outs[i]) if _masking.active() else None
                w = sw if sw is not None and getattr(m, "_weighted", False) else None  # weighted_metrics only
                if mask is None:
                    m.update_state(ys[i], outs[i]) if w is None else m.update_state(ys[i], outs[i], sample_weight=w)
                else:  # Keras weighs a masked output's metric values by the mask
                    m.update_state(ys[i], outs[i], sample_weight=_masking.metric_weights(mask, w))

    def _regularization(self, variables):
        """Keras adds each ``*_regularizer`` penalty to the training loss."""
        penalty = np.float32(0.0)
        grads = {}
        layers = self._regularized_layers()
        if not layers:
            return penalty, grads
        trainable = {id(v) for v in variables}
        from .. import regularizers

        for layer, weight_name, ident in layers:
            var = layer._vars.get(weight_name)
            if var is None:
                continue
            reg = regularizers.get(ident)
            penalty = penalty + np.float32(reg(var.value))
            if id(var) in trainable and hasattr(reg, "gradient"):
                g = reg.gradient(var.value)
                if g is not None:
                    grads[id(var)] = grads[id(var)] + g if id(var) in grads else g
        return penalty, grads

    def _regularized_layers(self):
        cached = getattr(self, "_reg_cache", None)
        if cached is not None and cached[0] == len(self.layers):
            return cached[1]
        found = []

        def visit(layer):
            cfg = getattr(layer, "cfg", None) or {}
            for key, value in cfg.items():
                if key.endswith("_regularizer") and key != "activity_regularizer" and value is not None:
                    name = {"recurrent_regularizer": "recurrent_kernel", "depthwise_regularizer": "depthwise_kernel",
                            "pointwise_regularizer": "pointwise_kernel"}.get(key, key[: -len("_regularizer")])
                    found.append((layer, name, value))
            for sub in layer._sublayers():
                visit(sub)

        for layer in self.layers:
            visit(layer)
        self._reg_cache = (len(self.layers), found)
        return found

    def _test_batch(self, xs, ys, sw=None):
        STATE.added_losses = []
        try:
            outs = self._forward(xs, False)
        finally:
            added, STATE.added_losses = STATE.added_losses, None
        self._resolve(ys, outs)
        total = float(sum(np.sum(_autodiff.unwrap(t)) for t in added))
        for i, (loss, y, o) in enumerate(zip(self._losses, ys, outs)):
            if loss is None or y is None:
                continue
            value = float(loss(y, o, sample_weight=_loss_weight(o, sw)))
            self._track_output_loss(i, value, len(o))
            total += self._lw[i] * value
        total += float(self._regularization([])[0])
        self._update_metrics(ys, outs, sw)
        return total

    def _sample_weights(self, ys, n, sample_weight, class_weight):
        """Per-sample weights from ``sample_weight`` or a ``class_weight`` dict."""
        if sample_weight is not None:
            sw = np.asarray(sample_weight, dtype=np.float32)
            if sw.ndim != 2 or sw.shape[0] != n:  # (samples, timesteps): temporal weights stay 2-D
                sw = sw.reshape(-1)
            if len(sw) != n:
                raise ValueError(f"sample_weight has {len(sw)} values but the data has {n} samples.")
            return sw
        if class_weight:
            y = ys[0]
            labels = np.argmax(y, axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else np.asarray(y).reshape(len(y))
            labels = np.round(labels).astype(np.int64)
            return np.array([class_weight.get(int(c), 1.0) for c in labels], dtype=np.float32)
        return None

    def _flat_results(self, logs):
        """evaluate()'s list: the loss, each output's loss, then the metrics (Keras 3's order)."""
        # Keras 3's _flatten_metrics_in_order: the loss, the compiled metrics by
        # their own names, the per-output losses; then whatever is left, by name.
        # A name listed twice (a weighted metric named like an unweighted one) gives its
        # value twice, as Keras's does; the weighted one's own log key then comes by name.
        order = ["loss"] + [m.name for _, _, m in self._metrics or []] + [f"{n}_loss" for n in self._out_names()]
        out = [logs[name] for name in order if name in logs]
        out.extend(logs[k] for k in sorted(logs) if k not in set(order))
        return out

    def _require_compiled(self, what):
        if not self.compiled:
            raise RuntimeError(f"You must call `compile()` before using the model ({what}).")

    def _track_output_loss(self, i, value, n):
        """Per-output losses, logged as "<output>_loss" when a model has several.  Keras 3
        (TensorFlow) averages them over batches, each batch counting once -- its trackers
        are weighted by a batch size that is unknown inside the traced step -- while the
        total "loss" is weighted by batch size (measured: 32 + 16 samples give the mean
        of the two batch values, not 2:1)."""
        trackers = getattr(self, "_out_losses", None)
        if trackers is None or len(trackers) != len(self._losses):
            trackers = self._out_losses = [[0.0, 0] for _ in self._losses]
        trackers[i][0] += float(value)
        trackers[i][1] += 1

    def _output_loss_logs(self) -> dict:
        trackers = getattr(self, "_out_losses", None)
        if not trackers or len(trackers) < 2:
            return {}
        names = self._out_names()
        return {f"{names[i]}_loss": t[0] / t[1] for i, t in enumerate(trackers) if t[1]}

    def _logs(self, loss_mean):
        logs = self._output_loss_logs()
        for _, label, m in self._metrics or []:
            logs[label] = float(m.result())
        logs["loss"] = float(loss_mean)
        return dict(sorted(logs.items()))  # Keras 3 lists logs by name

    def _reset_metrics(self):
        for _, _, m in self._metrics or []:
            m.reset_state()
        self._out_losses = None

    # -- fit ---------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1):
        self._require_compiled("fit")
        x_in = x
        stride = 0  # a generator's epochs take successive batches (below)
        if _data.is_generator(x):
            if y is not None:
                raise ValueError("`y` argument is not supported when using a Python generator as input.")
            # Keras draws steps_per_epoch batches per epoch from the one generator.
            n_take = None if steps_per_epoch is None else steps_per_epoch * max(epochs - initial_epoch, 1)
            x, y, sample_weight, batch_size = _data.join_batches(_data.take_batches(x, n_take))
            stride, shuffle = (steps_per_epoch or 0), False
        elif _data.is_pipeline(x):
            if y is not None:
                raise ValueError("`y` argument is not supported when using a dataset as input.")
            user_shuffle = shuffle
            x, y, sw, batch_size, shuffle = _data.materialize(x)
            if not shuffle and user_shuffle and _data.is_batched_by_index(x_in):
                shuffle = "batch"  # Keras shuffles a PyDataset's batch order
            sample_weight = sample_weight if sample_weight is not None else sw
        if validation_data is not None and _data.is_pipeline(validation_data):
            vx, vy, vsw, vbs, _ = _data.materialize(validation_data)
            validation_data, validation_batch_size = (vx, vy), validation_batch_size or vbs
        streamed = x is not x_in  # batches from a generator, PyDataset or dataset, joined above
        observe.data_event("fit", self, *_event_data(x, y, batch_size if streamed else None))
        xs = self._prepare_x(x)
        n_out = self._n_outputs(y)
        ys = self._prepare_y(y, n_out)
        custom = self._custom_step()
        if ys is None and custom:
            ys = [None] * n_out
        if ys is None:
            raise ValueError("fit() needs targets `y` for a model compiled with a loss.")
        n = _n_samples(xs, "x")
        ny = _n_samples([a for a in ys if a is not None], "y") if any(a is not None for a in ys) else n
        if n != ny:
            raise ValueError(
                "Data cardinality is ambiguous. Make sure all arrays contain the same number of samples.\n"
                f"'x' sizes: {', '.join(str(len(a)) for a in xs)}\n'y' sizes: {', '.join(str(len(a)) for a in ys if a is not None)}"
            )
        sw_all = self._sample_weights(ys, n, sample_weight, class_weight)
        val_sw = None  # Keras weighs the validation pass by the user's sample weights (never class_weight)
        if validation_data is None and validation_split:
            split = int(math.floor(n * (1.0 - validation_split)))
            sw_all = None if sw_all is None else sw_all[:split]
            if sample_weight is not None and not isinstance(sample_weight, dict):
                val_sw = np.asarray(sample_weight, np.float32)[split:]
            validation_data = ([a[split:] for a in xs], [None if a is None else a[split:] for a in ys])
            xs = [a[:split] for a in xs]
            ys = [None if a is None else a[:split] for a in ys]
            n = split
            val_prepared = True
        else:
            val_prepared = False
        if validation_data is not None and not val_prepared:
            vx, vy = validation_data[0], validation_data[1] if len(validation_data) > 1 else None  # (x,): no targets
            if len(validation_data) > 2 and validation_data[2] is not None:
                val_sw = np.asarray(validation_data[2], np.float32)
            validation_data = (self._prepare_x(vx), self._prepare_y(vy, n_out))
        batch_size = batch_size or 32
        steps = steps_per_epoch or max(1, math.ceil(n / batch_size))
        # Arrays with steps_per_epoch: Keras keeps its iterator over the batches from one
        # epoch to the next and starts a new pass (reshuffled) only once all were used.
        n_batches, carry, pos = max(1, math.ceil(n / batch_size)), bool(steps_per_epoch) and not stride, 0
        order = np.arange(n)
        endless = _data.is_pipeline(x_in) and hasattr(x_in, "cardinality") and int(x_in.cardinality()) < 0
        verbose = 1 if verbose == "auto" else int(verbose)
        history = callbacks_module.History()
        cbs = list(callbacks or []) + [history]
        params = {"verbose": verbose, "epochs": epochs, "steps": steps}
        for cb in cbs:
            cb.set_model(self)
            cb.set_params(params)
        self.stop_training = False
        # Keras (TensorFlow) builds an unbuilt model on the data's batch shape: the batch
        # size when every batch is full, else None (what a subclassed model's summary shows).
        STATE.build_batch = batch_size if n % batch_size == 0 and not steps_per_epoch else None
        for cb in cbs:
            cb.on_train_begin({})
        epoch_logs = {}
        for epoch in range(initial_epoch, epochs):
            self._reset_metrics()
            if custom:
                self.reset_metrics()
            for cb in cbs:
                cb.on_epoch_begin(epoch, {})
            if verbose:
                print(f"Epoch {epoch + 1}/{epochs}")
                sys.stdout.flush()
            bar = Progbar(steps, verbose=verbose) if verbose else None
            if carry and pos:
                pass  # the pass over the data goes on where the last epoch stopped
            elif shuffle == "batch":  # whole batches in a new order (Keras: shuffle="batch", PyDatasets)
                blocks = [np.arange(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]
                order = np.concatenate([blocks[j] for j in np.random.permutation(len(blocks))]) if blocks \
                    else np.arange(n)
                if n % batch_size:  # keep the short batch whole: it goes last
                    short = len(blocks[-1])
                    order = np.concatenate([order[order < n - short], np.arange(n - short, n)])
            else:
                order = np.random.permutation(n) if shuffle else np.arange(n)
            seen, loss_sum = 0, 0.0
            logs = {}
            for step in range(steps):
                if carry:
                    if pos >= n_batches and not endless:
                        break  # Keras: the input ran out of data before steps_per_epoch
                    idx = order[(pos % n_batches) * batch_size:(pos % n_batches + 1) * batch_size]
                    pos += 1
                else:
                    idx = order[(((epoch - initial_epoch) * stride + step) * batch_size) % max(n, 1):][:batch_size]
                if len(idx) == 0:
                    break
                for cb in cbs:
                    cb.on_train_batch_begin(step, {})
                bx = [a[idx] for a in xs]
                by = [None if a is None else a[idx] for a in ys]
                if custom:
                    logs = self._run_train_step(bx, by, None if sw_all is None else sw_all[idx])
                    loss = logs.get("loss", 0.0)
                    seen += len(idx)
                else:
                    loss, _ = self._train_batch(bx, by, None if sw_all is None else sw_all[idx])
                    seen += len(idx)
                    loss_sum += loss * len(idx)
                    logs = self._logs(loss_sum / seen)
                if not math.isfinite(loss):
                    logs["loss"] = loss
                for cb in cbs:
                    cb.on_train_batch_end(step, dict(logs))
                if bar is not None:
                    bar.update(step + 1, list(logs.items()), finalize=False)
                if not math.isfinite(loss):
                    if not self.stop_training:
                        print(f"\nEpoch {epoch + 1}, batch {step + 1}/{steps}: the loss became {loss}; "
                              "training stopped (the weights were not updated by this batch).", file=sys.stderr)
                    self.stop_training = True
                if self.stop_training:
                    break
            epoch_logs = dict(logs)
            if carry and pos >= n_batches and not endless:
                pos = 0  # the data is used up: the next epoch starts a new pass (a new order)
            if validation_data is not None and not self.stop_training and (epoch + 1) % validation_freq == 0:
                for cb in cbs:
                    cb.on_test_begin({})
                val = self._evaluate_arrays(validation_data[0], validation_data[1], validation_batch_size or batch_size,
                                            cbs, val_sw)
                for cb in cbs:
                    cb.on_test_end(dict(val))
                for k, v in val.items():
                    epoch_logs[f"val_{k}"] = v
            if bar is not None:
                bar.update(steps if not self.stop_training else max(step + 1, 1), list(epoch_logs.items()),
                           finalize=True)
            # Keras hands the callbacks one copy of the epoch's logs: what one adds
            # (ReduceLROnPlateau's learning_rate) the later ones and History see, but
            # on_train_end gets the logs as training made them.
            shared_logs = dict(epoch_logs)
            for cb in cbs:
                cb.on_epoch_end(epoch, shared_logs)
            if self.stop_training:
                break
        for cb in cbs:
            cb.on_train_end(dict(epoch_logs))
        history.params = params
        self.history = history
        return history

    def _evaluate_custom(self, xs, ys, batch_size, sw_all=None, bar=None, cbs=()):
        """evaluate() through an overridden test_step(): the metrics reset, then each
        batch's step; the logs are what the last step returned (as Keras 3 does)."""
        n = _n_samples(xs, "x")
        self.reset_metrics()
        logs = {}
        for step, start in enumerate(range(0, n, batch_size)):
            for cb in cbs:
                cb.on_test_batch_begin(step, {})
            bx = [a[start:start + batch_size] for a in xs]
            by = None if ys is None else [None if a is None else a[start:start + batch_size] for a in ys]
            bsw = None if sw_all is None else sw_all[start:start + batch_size]
            logs = self._run_train_step(bx, by, bsw, step_fn=self.test_step)
            for cb in cbs:
                cb.on_test_batch_end(step, dict(logs))
            if bar is not None:
                bar.update(step + 1, list(logs.items()))
        return logs

    def _evaluate_arrays(self, xs, ys, batch_size, cbs=(), sw=None):
        """fit()'s validation pass: Keras runs it through evaluate() with fit's callbacks,
        so their test-batch hooks see each validation batch."""
        if self._custom_test_step():
            return self._evaluate_custom(xs, ys, batch_size, sw, cbs=cbs)
        n = _n_samples(xs, "x")
        metrics_before = [m._snapshot() for _, _, m in self._metrics or []]
        losses_before = getattr(self, "_out_losses", None)
        self._reset_metrics()
        loss_sum, seen = 0.0, 0
        for step, start in enumerate(range(0, n, batch_size)):
            for cb in cbs:
                cb.on_test_batch_begin(step, {})
            bx = [a[start:start + batch_size] for a in xs]
            by = [None if a is None else a[start:start + batch_size] for a in ys]
            loss = self._test_batch(bx, by, None if sw is None else sw[start:start + batch_size])
            loss_sum += loss * len(bx[0])
            seen += len(bx[0])
            for cb in cbs:
                cb.on_test_batch_end(step, self._logs(loss_sum / seen))
        out = self._logs(loss_sum / max(seen, 1))
        for (_, _, m), state in zip(self._metrics or [], metrics_before):
            m._restore(state)
        self._out_losses = losses_before
        return out

    # -- evaluate / predict -------------------------------------------------------------------
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False, **kwargs):
        self._require_compiled("evaluate")
        x_in = x
        if _data.is_generator(x):
            x, y, sample_weight, batch_size = _data.join_batches(_data.take_batches(x, steps))
        elif _data.is_pipeline(x):
            x, y, sw, batch_size, _ = _data.materialize(x)
            sample_weight = sample_weight if sample_weight is not None else sw
        observe.data_event("evaluate", self, *_event_data(x, y, batch_size if x is not x_in else None))
        xs = self._prepare_x(x)
        n_out = self._n_outputs(y)
        ys = self._prepare_y(y, n_out)
        batch_size = batch_size or 32
        n = _n_samples(xs, "x")
        steps = max(1, math.ceil(n / batch_size))
        verbose = 1 if verbose == "auto" else int(verbose)
        self._reset_metrics()
        sw_all = self._sample_weights(ys, n, sample_weight, None) if ys is not None else None
        bar = Progbar(steps, verbose=verbose) if verbose else None
        cbs = _callback_list(self, callbacks, verbose, steps)
        for cb in cbs:
            cb.on_test_begin({})
        if self._custom_test_step():
            logs = self._evaluate_custom(xs, ys, batch_size, sw_all, bar, cbs)
            for cb in cbs:
                cb.on_test_end(dict(logs))
            if return_dict:
                return logs
            names = [getattr(m, "name", None) for m in self.metrics]  # Keras's _flatten_metrics_in_order
            flat = [logs[k] for k in names if k in logs] + [logs[k] for k in sorted(logs) if k not in names]
            return flat[0] if len(flat) == 1 else flat
        loss_sum, seen = 0.0, 0
        logs = {}
        for step in range(steps):
            for cb in cbs:
                cb.on_test_batch_begin(step, {})
            s = step * batch_size
            bx = [a[s:s + batch_size] for a in xs]
            by = [None if a is None else a[s:s + batch_size] for a in ys]
            loss = self._test_batch(bx, by, None if sw_all is None else sw_all[s:s + batch_size])
            loss_sum += loss * len(bx[0])
            seen += len(bx[0])
            logs = self._logs(loss_sum / seen)
            for cb in cbs:
                cb.on_test_batch_end(step, dict(logs))
            if bar is not None:
                bar.update(step + 1, list(logs.items()))
        for cb in cbs:
            cb.on_test_end(dict(logs))
        if return_dict:
            return logs
        if not self._metrics and not self._output_loss_logs():
            return logs["loss"]
        return self._flat_results(logs)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        x_in = x
        if _data.is_generator(x):
            x, _, _, batch_size = _data.join_batches(_data.take_batches(x, steps))
        elif _data.is_pipeline(x):
            x, _, _, batch_size, _ = _data.materialize(x)
        observe.data_event("predict", self, _event_data(x, None, batch_size if x is not x_in else None)[0])
        xs = self._prepare_x(x)
        batch_size = batch_size or 32
        n = _n_samples(xs, "x")
        steps = max(1, math.ceil(n / batch_size))
        verbose = 1 if verbose == "auto" else int(verbose)
        bar = Progbar(steps, verbose=verbose) if verbose else None
        cbs = _callback_list(self, callbacks, verbose, steps)
        for cb in cbs:
            cb.on_predict_begin({})
        chunks = None
        step, per_block = 0, 1
        while step < steps:
            s = step * batch_size
            for cb in cbs:
                cb.on_predict_batch_begin(step, {})
            outs = self._forward([a[s:s + batch_size * per_block] for a in xs], False)
            step = min(steps, step + per_block)
            if chunks is None:
                chunks = [[] for _ in outs]
                # After the first batch the layers know their shapes: later batches may
                # run several at a time (engine/inference.py) -- not when callbacks
                # want to see each batch's outputs.
                if not cbs:
                    per_block = inference.batches_per_block(self, batch_size, _device.current().is_cuda)
            for c, o in zip(chunks, outs):
                c.append(np.asarray(o))
            for cb in cbs:
                cb.on_predict_batch_end(step - 1, {"outputs": self._structure_outputs([c[-1] for c in chunks])})
            if bar is not None:
                bar.update(step)
        for cb in cbs:
            cb.on_predict_end({})
        results = [np.concatenate(c, axis=0) if len(c) > 1 else c[0] for c in chunks]
        return self._structure_outputs(results)

    def _structure_outputs(self, results):
        struct = getattr(self, "_output_structure", None)
        if len(results) == 1 and not isinstance(struct, dict):
            return results[0]  # Keras 3 unwraps a one-output list here too
        if isinstance(struct, dict):
            return dict(zip(sorted(struct), results))
        return results

    def predict_on_batch(self, x):
        observe.data_event("predict_on_batch", self, _raw(x))
        xs = self._prepare_x(x)
        return self._structure_outputs([np.asarray(o) for o in self._forward(xs, False)])

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        self._require_compiled("train_on_batch")
        observe.data_event("train_on_batch", self, _raw(x), _raw(y))
        xs = self._prepare_x(x)
        n_out = self._n_outputs(y)
        ys = self._prepare_y(y, n_out)
        self._reset_metrics()
        loss, _ = self._train_batch(xs, ys, self._sample_weights(ys, len(xs[0]), sample_weight, class_weight))
        logs = self._logs(loss)
        if return_dict:
            return logs
        if not self._metrics and not self._output_loss_logs():
            return logs["loss"]
        return self._flat_results(logs)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._require_compiled("test_on_batch")
        xs = self._prepare_x(x)
        n_out = self._n_outputs(y)
        ys = self._prepare_y(y, n_out)
        self._reset_metrics()
        loss = self._test_batch(xs, ys)
        logs = self._logs(loss)
        if return_dict:
            return logs
        if not self._metrics and not self._output_loss_logs():
            return logs["loss"]
        return self._flat_results(logs)


def _floatx(a):
    """Keras's data adapters hand float64 targets (to_categorical's one-hot rows,
    np.random draws) to the model as float32."""
    a = np.asarray(a)
    return a.astype(np.float32) if a.dtype == np.float64 else a


def _callback_list(model, callbacks, verbose, steps) -> list:
    """evaluate()/predict()'s own callbacks, set up as Keras 3 sets them: this model,
    params for one epoch of `steps` batches."""
    cbs = list(callbacks or [])
    for cb in cbs:
        cb.set_model(model)
        cb.set_params({"verbose": verbose, "epochs": 1, "steps": steps})
    return cbs


def _loss_weight(output, sample_weight):
    """The sample weights of one output's loss, with its Keras mask folded in."""
    if not _masking.active():
        return sample_weight
    mask = _masking.get(output)
    if mask is None:
        return sample_weight
    shape = mask.shape if np.ndim(output) == mask.ndim + 1 else np.shape(output)[:-1]
    return _masking.loss_weights(mask, sample_weight, shape)


class _training:
    def __init__(self, flag):
        self.flag = flag

    def __enter__(self):
        self.prev = STATE.training
        STATE.training = self.flag

    def __exit__(self, *exc):
        STATE.training = self.prev
