"""Layers: the Keras-like objects user code creates and calls.

``Layer`` is the base (also for users' own ``keras.layers.Layer`` subclasses);
``CatalogLayer`` is a layer described by a catalog spec (configs, output
shapes, weight shapes) and computed by the kernel registered under its class
name; ``Lambda`` runs a Python function; ``InputLayer`` / ``Input`` make the
placeholders of the functional API.

A call on symbolic tensors adds a Node to the graph; a call on arrays computes
(and, during a training step, records itself on the tape for backward).
"""
from __future__ import annotations

import importlib
import pkgutil

import numpy as np

from ...layers import ShapeFault, get_spec, to_snake_case
from .. import device as _device
from .. import initializers
from ..random import global_rng
from . import autodiff as _autodiff
from . import eager as _eager
from . import masking as _masking
from .context import STATE, reserve_name, unique_name
from .tensor import KerasTensor, Node, flatten, format_shape, is_symbolic
from .variable import Variable

_KERNELS_LOADED = False


def load_kernels() -> None:
    """Import every kernel family module so that they register themselves."""
    global _KERNELS_LOADED
    if _KERNELS_LOADED:
        return
    _KERNELS_LOADED = True
    from .. import kernels

    for mod in pkgutil.iter_modules(kernels.__path__):
        if mod.name != "base" and not mod.name.startswith("_"):
            importlib.import_module(f"{kernels.__name__}.{mod.name}")


# The Keras 3 layers that mark themselves built in __init__ (Layer._build_at_init,
# or Reshape's own `self.built = True`); every other layer, weights or not
# (Flatten, Lambda, Rescaling, UpSampling, the merges...), stays unbuilt until its
# first call, and summary() shows it as "0 (unbuilt)" until then.
BUILT_AT_INIT = frozenset({
    "Activation", "ActivityRegularization", "AlphaDropout", "GaussianDropout", "GaussianNoise", "Dropout",
    "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "Identity", "Masking", "Reshape", "ELU",
    "LeakyReLU", "ReLU", "Softmax", "ThresholdedReLU", "UnitNormalization", "InputLayer",
    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
    "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
})


def kernel_for(class_name: str, device: str = "cpu"):
    from ..kernels import get_kernel

    load_kernels()
    if device == "cuda":
        from ..cuda.layers import kernel

        return kernel(class_name)
    return get_kernel(class_name)


def _host_tree(out):
    if isinstance(out, (list, tuple)):
        return type(out)(_host_tree(o) for o in out)
    if isinstance(out, dict):
        return {k: _host_tree(v) for k, v in out.items()}
    return np.asarray(out) if _on_device(out) else out


def _on_device(x) -> bool:
    """A CUDA device array (the CUDA target keeps activations on the GPU)."""
    return bool(getattr(x, "__cuda_ndarray__", False))


def _to_array(x, dtype=None) -> np.ndarray:
    a = np.asarray(x)
    if dtype is not None:
        return a if a.dtype == dtype else a.astype(dtype)
    if a.dtype.kind in "iubUSO":  # ints, bools, and the strings the text/lookup layers take
        return a
    return a if a.dtype == np.float32 else a.astype(np.float32)


class _CallCache:
    """A kernel cache with the per-call config its backward needs."""

    __slots__ = ("cfg", "cache")

    def __init__(self, cfg, cache):
        self.cfg, self.cache = cfg, cache


class TapeEntry:
    __slots__ = ("layer", "cache", "inputs", "outputs")

    def __init__(self, layer, cache, inputs, outputs):
        self.layer, self.cache, self.inputs, self.outputs = layer, cache, inputs, outputs


class Layer:
    """Base layer: name, weights, build-on-first-call, symbolic and eager calls."""

    def __init__(self, *, name=None, dtype=None, trainable=True, input_shape=None, input_dim=None,
                 batch_input_shape=None, batch_size=None, autocast=True, **kwargs):
        kwargs.pop("input_length", None)  # Keras 2 spelling; the shape comes from the data
        kwargs.pop("weights", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}")
        if name is None:
            name = unique_name(self._default_name())
        else:
            reserve_name(name)
        self.name = name
        self.dtype = dtype or "float32"
        self._trainable = trainable
        self.built = False
        self._vars: dict[str, Variable] = {}
        self._input_hint = _batch_input_shape(input_shape, input_dim, batch_input_shape, batch_size)
        self._inbound_nodes: list[Node] = []
        self._build_shapes = None
        self._pending_weights = None

    def _default_name(self) -> str:
        return to_snake_case(type(self).__name__)

    # -- weights ---------------------------------------------------------
    def add_weight(self, shape=None, initializer="glorot_uniform", dtype=None, trainable=True, name=None, **kwargs):
        constraint = kwargs.pop("constraint", None)
        if name is None:
            name = f"variable_{len(self._vars)}" if self._vars else "variable"
        init = initializers.get(initializer if initializer is not None else "glorot_uniform")
        value = init(tuple(shape or ()), dtype="float32")
        var = Variable(value, name=name, trainable=trainable, path=f"{self.name}/{name}")
        self._vars[name] = var
        if constraint is not None:
            from .. import constraints

            constraints.attach(var.value, constraint)
        return var

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for sub in self._sublayers():
            sub.trainable = value

    def _sublayers(self) -> list["Layer"]:
        out = []
        for v in vars(self).values():
            if isinstance(v, Layer):
                out.append(v)
            elif isinstance(v, (list, tuple)):
                out.extend(x for x in v if isinstance(x, Layer))
        return out

    def _all_vars(self) -> list[Variable]:
        # Keras's order (Layer.weights, get_weights, set_weights): the layer's own
        # trainable variables, its own non-trainable ones, then each sublayer's.
        own = list(self._vars.values())
        out = [v for v in own if v.trainable] + [v for v in own if not v.trainable]
        seen = {id(v) for v in out}
        for sub in self._sublayers():
            for v in sub._all_vars():
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    @property
    def weights(self) -> list[Variable]:
        return self._all_vars()

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return []
        own = [v for v in self._vars.values() if v.trainable]
        for sub in self._sublayers():
            own.extend(v for v in sub.trainable_weights if all(v is not o for o in own))
        return own

    @property
    def non_trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return self._all_vars()
        own = [v for v in self._vars.values() if not v.trainable]
        for sub in self._sublayers():
            own.extend(v for v in sub.non_trainable_weights if all(v is not o for o in own))
        return own

    @property
    def variables(self):
        return self._all_vars()

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    def non_trainable_variables(self):
        return self.non_trainable_weights

    def get_weights(self) -> list[np.ndarray]:
        return [v.value.copy() for v in self._all_vars()]

    def set_weights(self, weights) -> None:
        params = self._all_vars()
        weights = list(weights)
        if len(weights) != len(params):
            raise ValueError(
                f"You called `set_weights(weights)` on layer '{self.name}' with a weight list of length "
                f"{len(weights)}, but the layer was expecting {len(params)} weights."
            )
        for var, w in zip(params, weights):
            w = np.asarray(w)
            if tuple(w.shape) != var.shape:
                raise ValueError(
                    f"Layer {self.name} weight shape {var.shape} is not compatible with provided weight shape "
                    f"{tuple(w.shape)}."
                )
        for var, w in zip(params, weights):
            var.value[...] = np.asarray(w, dtype=var.value.dtype)

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't built. "
                "You can build it manually via: `layer.build(input_shape)`."
            )
        return int(sum(v.value.size for v in self._all_vars()))

    # -- building ------------------------------------------------------------
    def build(self, input_shape) -> None:
        self.built = True

    def _maybe_build(self, shapes: list) -> None:
        if self.built:
            return
        arg = shapes[0] if len(shapes) == 1 else shapes
        self.build(arg)
        self.built = True
        self._build_shapes = [tuple(s) for s in shapes]
        if self._pending_weights is not None:
            pending, self._pending_weights = self._pending_weights, None
            self.set_weights(pending)

    # -- calls ---------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if not args:
            # the first input given by keyword: layer(inputs=x), attention(query=q, value=v)
            key = next((k for k in ("inputs", "query", "x", "input") if k in kwargs), None)
            if key is None:
                raise ValueError(f"Layer {self.name} was called without an input.")
            args = (kwargs.pop(key),)
        inputs = args[0]
        if args[1:] or kwargs:
            inputs, kwargs = self._extra_inputs(inputs, list(args[1:]), kwargs)
        training = kwargs.pop("training", None)
        mask = kwargs.pop("mask", None)
        if is_symbolic(inputs):
            # Keras 3 keeps no `training=` of a symbolic call: when the model runs,
            # the mode of the model's own call (fit: True) reaches every layer.
            return self._symbolic_call(inputs, kwargs)
        inputs = _eager.plain(inputs)
        traced = _autodiff.any_traced(inputs if isinstance(inputs, (list, tuple)) else [inputs])
        if traced and not self._traces_call():
            inputs = _autodiff.to_layer_inputs(inputs)  # kernels and graphs take the raw arrays (linked by identity)
        elif not traced and STATE.tape is not None and self._traces_call():
            inputs = _autodiff.wrap(inputs)  # record the NumPy glue of a custom call() for backward
        if mask is None and _masking.active():
            mask = _masking.lookup(_autodiff.unwrap(inputs))
        self._call_mask = mask
        if mask is not None and not isinstance(self, CatalogLayer) and _masking.call_takes_mask(self) and \
                not hasattr(self, "_graph"):
            kwargs = {**kwargs, "mask": mask}  # a user layer whose call() takes the mask gets it, as in Keras
        if getattr(self, "_positional_call", False) and isinstance(inputs, (list, tuple)) and \
                not isinstance(inputs, Positional):
            inputs = Positional(inputs)  # the conversions above rebuilt the tuple
        if STATE.depth == 0 and getattr(STATE, "added_losses", None) is None:
            self._clear_losses()  # Keras keeps the losses of the outermost call only
        # On the CUDA target layers pass device arrays to each other; a call
        # from user code (depth 0) gets NumPy arrays back.
        STATE.depth += 1
        try:
            out = self._eager_call(inputs, kwargs, training)
        finally:
            STATE.depth -= 1
            self._call_mask = None
        if isinstance(out, _autodiff.Traced) or (isinstance(out, (list, tuple)) and _autodiff.any_traced(out)):
            out = _autodiff.unwrap(out)
        if mask is not None or _masking.makes_mask(self):
            self._set_output_masks(_autodiff.unwrap(inputs), mask, out)
        if STATE.depth == 0 and _device.current().is_cuda:
            out = _host_tree(out)
        if traced or (STATE.depth == 0 and STATE.tape is not None and getattr(STATE, "user_tape", False)) or (
                STATE.tape is not None and getattr(STATE, "user_calls", 0) and (self._vars or hasattr(self, "_graph"))):
            # (the last case: a layer with weights called inside a user's call() on untraced
            # data -- token ids, ops.arange positions -- whose output the call's NumPy glue
            # must still carry the gradient back to)
            out = _autodiff.wrap(out)  # a GradientTape block: what the user computes next is recorded
        elif STATE.depth == 0 and not isinstance(self, InputLayer):
            from .eager import as_eager

            out = as_eager(out)  # model(x).numpy(), as on TensorFlow (plain() gives the array back)
        return out

    _call_mask = None

    def add_loss(self, loss):
        """A loss term computed inside call() (Keras adds it to the training loss);
        a traced value brings its gradient."""
        if is_symbolic(loss):
            raise NotImplementedError("add_loss() on a symbolic tensor of a functional model is not supported by "
                                      "the shapecheck runtime; call self.add_loss() inside a layer's call()")
        added = getattr(STATE, "added_losses", None)
        if added is not None:  # inside a fit/evaluate step, which adds it to the loss
            added.append(loss)
        own = self.__dict__.setdefault("_own_losses", [])
        own.append(loss)
        del own[:-16]  # only the latest call's terms matter (kept bounded)

    @property
    def losses(self):
        """Keras 3's order: the add_loss()/activity terms of the latest call (this layer's,
        then its sublayers'), then the penalty of each regularized trainable weight."""
        out = [np.float32(l.value) if isinstance(l, ActivityLoss) else l for l in self._call_losses()]
        for layer, var, reg in self._weight_regularizers():
            if var.trainable and layer.trainable:
                out.append(np.float32(reg(var.value)))
        return out

    def _clear_losses(self):
        if self.__dict__.get("_own_losses"):
            self._own_losses.clear()
        for sub in self._sublayers():
            sub._clear_losses()

    def _call_losses(self):
        out = list(self.__dict__.get("_own_losses", []))
        for sub in self._sublayers():
            out.extend(sub._call_losses())
        return out

    def _weight_regularizers(self):
        from .. import regularizers

        found, seen = [], set()

        def visit(layer):
            if id(layer) in seen:
                return
            seen.add(id(layer))
            for key, value in (getattr(layer, "cfg", None) or {}).items():
                if key.endswith("_regularizer") and key != "activity_regularizer" and value is not None:
                    name = _REGULARIZED_WEIGHT.get(key, key[: -len("_regularizer")])
                    var = layer._vars.get(name)
                    if var is not None:
                        found.append((layer, var, regularizers.get(value)))
            for sub in layer._sublayers():
                visit(sub)

        visit(self)
        order = {id(v): i for i, v in enumerate(self._all_vars())}
        return sorted(found, key=lambda t: order.get(id(t[1]), 0))

    def _traces_call(self) -> bool:
        """A user's call() (a Layer subclass or a subclassed Model) runs on traced arrays while training."""
        return type(self).call is not Layer.call and not isinstance(self, (CatalogLayer, Lambda, InputLayer)) and \
            getattr(self, "_graph", None) is None

    def _set_output_masks(self, inputs, mask, out):
        """Attach the masks of this call's outputs (Keras's _set_mask_metadata)."""
        outs = out if isinstance(out, (list, tuple)) else [out]
        if all(_masking.get(o) is not None for o in outs):
            return  # computed inside (a nested model's graph)
        if hasattr(self, "_graph"):
            return
        if isinstance(self, CatalogLayer):
            masks = _masking.catalog_output_masks(self.spec.class_name, self.cfg, inputs, mask, len(outs))
        else:
            m = _masking.custom_output_mask(self, inputs, mask)
            masks = list(m) if isinstance(m, (list, tuple)) else [m] + [None] * (len(outs) - 1)
        for o, m in zip(outs, masks):
            if m is not None and _masking.get(o) is None:
                _masking.register(o, m)

    def compute_mask(self, inputs, previous_mask=None):
        return previous_mask if getattr(self, "supports_masking", False) else None

    def _extra_inputs(self, inputs, args, kwargs):
        if args:
            if isinstance(self, (CatalogLayer, Lambda)) or hasattr(self, "_graph") or \
                    not all(_is_tensor_like(a) for a in args):
                raise TypeError(f"{type(self).__name__}.call() got unexpected positional arguments")
            # a user layer's call(x0, x): several positional tensors, each an input of the node
            self._positional_call = True
            return Positional([inputs, *args]), kwargs
        return inputs, kwargs

    def _symbolic_call(self, inputs, call_kwargs):
        flat = flatten(inputs)
        shapes = [t.shape for t in flat]
        self._maybe_build(shapes[:1] if isinstance(inputs, Positional) else shapes)  # build() sees the first
        out_shapes, out_dtypes = self._symbolic_outputs(inputs, flat, call_kwargs)
        outs = [KerasTensor(s, d) for s, d in zip(out_shapes, out_dtypes)]
        node = Node(self, flat, outs, call_kwargs)
        node.input_structure = inputs
        self._inbound_nodes.append(node)
        from . import symbolic_masks

        symbolic_masks.wire(self, node, flat, outs)
        return outs[0] if len(outs) == 1 and not self._returns_list else outs

    _returns_list = False

    def _symbolic_outputs(self, inputs, flat, call_kwargs):
        """Output shapes of a generic layer: run ``call`` on zeros (batch 1,
        unknown sizes 1).  Where an input has an unknown size besides the
        batch (a sequence of any length), ``call`` runs a second time with
        those sizes 2: an output size that follows them is unknown too, as in
        Keras's symbolic call -- (None, None, 32), not the probe's (None, 1, 32).
        Sublayers called inside note their shapes the same way."""
        outs = self._probe_call(inputs, call_kwargs, 1)
        self._returns_list = isinstance(outs, (list, tuple))
        outs = outs if isinstance(outs, (list, tuple)) else [outs]
        shapes = [(None,) + tuple(np.shape(o))[1:] for o in outs]
        dtypes = [_dtype_name(np.asarray(o)) for o in outs]
        if any(d is None for t in flat for d in tuple(getattr(t, "shape", ()))[1:]):
            was = getattr(STATE, "probe_merge", False)
            STATE.probe_merge = True
            try:
                again = self._probe_call(inputs, call_kwargs, 2)
            except Exception:  # noqa: BLE001 -- a call that only works at size 1 keeps the first shapes
                again = None
            finally:
                STATE.probe_merge = was
            if again is not None:
                again = again if isinstance(again, (list, tuple)) else [again]
                if len(again) == len(shapes):
                    shapes = [_merge_dims(s, (None,) + tuple(np.shape(o))[1:]) for s, o in zip(shapes, again)]
        return shapes, dtypes

    def _probe_call(self, inputs, call_kwargs, unknown_size):
        probe = _probe(inputs, unknown_size)
        was, STATE.probing = getattr(STATE, "probing", False), True
        try:
            with _no_tape():
                return self.call(*probe, **call_kwargs) if isinstance(probe, Positional) else \
                    self.call(probe, **call_kwargs)
        finally:
            STATE.probing = was

    def _eager_call(self, inputs, call_kwargs, training):
        if isinstance(inputs, _autodiff.Traced):
            arrays = [inputs]
            first_shapes = [(None,) + inputs.shape[1:]]
            call_in = inputs
        elif isinstance(inputs, (list, tuple)) and _autodiff.any_traced(inputs):
            arrays = list(inputs)
            first_shapes = [(None,) + tuple(np.shape(_autodiff.unwrap(a)))[1:] for a in arrays]
            call_in = arrays
            if isinstance(inputs, Positional):
                first_shapes = first_shapes[:1]
        elif isinstance(inputs, (list, tuple)):
            arrays = [_to_array(x) for x in inputs]
            first_shapes = [(None,) + a.shape[1:] for a in arrays]
            call_in = arrays
            if isinstance(inputs, Positional):
                first_shapes = first_shapes[:1]  # call(x0, x): build() sees the first tensor's shape
        else:
            arrays = [_to_array(inputs)]
            first_shapes = [(None,) + arrays[0].shape[1:]]
            call_in = arrays[0]
        self._maybe_build(first_shapes)
        prev = STATE.training
        if training is not None:
            STATE.training = bool(training)
        try:
            if "training" not in call_kwargs and _masking.call_takes(self, "training"):
                # Keras fills a call()'s `training` argument from the context (True inside fit)
                call_kwargs = {**call_kwargs, "training": STATE.training}
            STATE.user_calls = getattr(STATE, "user_calls", 0) + 1
            try:
                out = self.call(*call_in, **call_kwargs) if isinstance(inputs, Positional) else \
                    self.call(call_in, **call_kwargs)
            finally:
                STATE.user_calls -= 1
        finally:
            STATE.training = prev
        self._note_eager_shapes(out)
        return out

    def _note_eager_shapes(self, out):
        outs = out if isinstance(out, (list, tuple)) else [out]
        shapes = [(None,) + tuple(np.shape(o))[1:] for o in outs]
        before = getattr(self, "_eager_output_shapes", None)
        if getattr(STATE, "probe_merge", False) and before is not None and len(before) == len(shapes):
            shapes = [_merge_dims(a, b) for a, b in zip(before, shapes)]  # (see _symbolic_outputs)
        self._eager_output_shapes = shapes

    def call(self, inputs, **kwargs):
        raise NotImplementedError(f"Layer {type(self).__name__} does not implement call()")

    def compute_output_shape(self, input_shape):
        # Keras's base Layer has no general rule either: a subclass that is
        # asked for its output shape must say it.
        raise NotImplementedError(
            f"Layer {type(self).__name__} does not have a `compute_output_shape` method implemented. "
            "Should implement `def compute_output_shape(self, input_shape)`."
        )

    # -- graph access ------------------------------------------------------------
    def _node_attr(self, attr, what):
        if not self._inbound_nodes:
            raise AttributeError(f"The layer {self.name} has never been called and thus has no defined {what}.")
        ts = getattr(self._inbound_nodes[0], attr)
        return ts[0] if len(ts) == 1 else list(ts)

    @property
    def input(self):
        return self._node_attr("inputs", "input")

    @property
    def output(self):
        return self._node_attr("outputs", "output")

    def get_config(self) -> dict:
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _batch_input_shape(input_shape, input_dim, batch_input_shape, batch_size):
    if batch_input_shape is not None:
        return tuple(batch_input_shape)
    if input_shape is not None:
        if isinstance(input_shape, int):
            input_shape = (input_shape,)
        return (batch_size,) + tuple(input_shape)
    if input_dim is not None:
        return (batch_size, input_dim)
    return None


class Positional(tuple):
    """The tensors of a call given as several positional arguments (layer(x0, x))."""


def _is_tensor_like(a) -> bool:
    from .tensor import KerasTensor

    return isinstance(a, (KerasTensor, np.ndarray, _autodiff.Traced)) or hasattr(a, "__array__")


def _merge_dims(a: tuple, b: tuple) -> tuple:
    """Two probes' shapes of one output: the sizes that differ are unknown."""
    if len(a) != len(b):
        return a
    return tuple(x if x == y else None for x, y in zip(a, b))


def _probe(inputs, unknown_size=1):
    """Zeros shaped like the symbolic inputs (batch axis 1, unknown axes ``unknown_size``)."""
    def one(t):
        dims = tuple(t.shape)
        shape = tuple((1 if i == 0 else unknown_size) if d is None else d for i, d in enumerate(dims))
        return np.zeros(shape, dtype=np.dtype(t.dtype) if t.dtype != "string" else object)

    if isinstance(inputs, (list, tuple)):
        return type(inputs)(one(t) for t in inputs)
    if isinstance(inputs, dict):
        return {k: one(t) for k, t in inputs.items()}
    return one(inputs)


def as_ids(arrays: list) -> list:
    """An Embedding's inputs as integer ids (float data holding ids is cast, as Keras casts it)."""
    return [a if a.dtype.kind in "iu" else a.astype(np.int32) for a in arrays]


def _dtype_name(a: np.ndarray) -> str:
    return str(a.dtype) if a.dtype.kind in "iubf" else "float32"


class _no_tape:
    def __enter__(self):
        self.prev = STATE.tape, STATE.training
        STATE.tape, STATE.training = None, False

    def __exit__(self, *exc):
        STATE.tape, STATE.training = self.prev


# -- layers described by the catalog ------------------------------------------------
# Where a weight's initializer comes from when the spec has no ``<name>_initializer``.
_DEFAULT_INIT = {"bias": "zeros", "beta": "zeros", "gamma": "ones", "moving_mean": "zeros",
                 "moving_variance": "ones", "embeddings": "uniform", "recurrent_kernel": "orthogonal"}
# Constructor arguments whose name is not "<weight>_initializer".
_REGULARIZED_WEIGHT = {"recurrent_regularizer": "recurrent_kernel", "depthwise_regularizer": "depthwise_kernel",
                       "pointwise_regularizer": "pointwise_kernel"}
_CONSTRAINT_ARG = {"recurrent_kernel": "recurrent_constraint", "depthwise_kernel": "depthwise_constraint",
                   "pointwise_kernel": "pointwise_constraint"}
_INIT_ARG = {"recurrent_kernel": "recurrent_initializer", "depthwise_kernel": "depthwise_initializer",
             "pointwise_kernel": "pointwise_initializer"}


def _nested_cfgs(cfg: dict) -> list:
    from ...layers import NestedLayer

    out = []
    for v in cfg.values():
        if isinstance(v, NestedLayer):
            out.append(v.cfg)
        elif isinstance(v, (list, tuple)):
            out.extend(x.cfg for x in v if isinstance(x, NestedLayer))
    return out


def _as_nested(value):
    """A runtime layer passed to a wrapper (Bidirectional(LSTM(8))) becomes the
    catalog's NestedLayer, which wrapper specs and kernels understand."""
    from ...layers import NestedLayer

    if isinstance(value, CatalogLayer):
        return NestedLayer(value.spec, value.cfg, {"name": value.name})
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, CatalogLayer) for v in value):
        return [NestedLayer(v.spec, v.cfg, {"name": v.name}) for v in value]
    return value


class CatalogLayer(Layer):
    """A layer whose config, shapes and weights come from a catalog spec."""

    spec = None  # set on each generated subclass

    def __init__(self, *args, **kwargs):
        spec = self.spec
        bound = spec.bind(list(args), dict(kwargs))
        for fault in bound.faults:
            if fault.code == "SC403":
                continue  # Keras 2 keywords we still honour (weights=, input_length=)
            raise _type_or_value_error(fault)
        self.cfg = bound.cfg
        for key, value in list(self.cfg.items()):
            self.cfg[key] = _as_nested(value)
        if spec.class_name == "TextVectorization":
            unique_name("string_lookup")  # Keras makes its inner StringLookup in __init__ (name counters)
        if isinstance(self.cfg.get("padding"), str):
            self.cfg["padding"] = self.cfg["padding"].lower()  # Keras's standardize_padding: "SAME" is "same"
        try:
            spec.validate(self.cfg)
        except ShapeFault as fault:
            raise ValueError(fault.message) from None
        base = dict(bound.base)
        if bound.keras2.get("batch_input_shape") is not None:
            base["batch_input_shape"] = bound.keras2["batch_input_shape"]  # Keras 2 spelling we honour
        super().__init__(**base)
        if "weights" in bound.keras2 and bound.keras2["weights"] is not None:
            self._pending_weights = list(bound.keras2["weights"])
        self.input_length = bound.keras2.get("input_length")
        for key, value in self.cfg.items():
            if not hasattr(type(self), key) and not key.startswith("_"):
                self.__dict__.setdefault(key, value)
        self._kernel = None
        self._rng = None
        if spec.class_name in BUILT_AT_INIT:
            self.built = True

    def _default_name(self) -> str:
        if _CLASSES.get(self.spec.class_name) is not type(self):
            return to_snake_case(type(self).__name__)  # a user's subclass: Keras names it after its own class
        return self.spec.default_name()

    @property
    def _returns_list(self):
        return False

    def _extra_inputs(self, inputs, args, kwargs):
        states = kwargs.pop("initial_state", None)
        if states is not None:
            # Recurrent layers: the kernels take initial states as extra inputs;
            # the shape rule sees only the sequence.
            states = list(states) if isinstance(states, (list, tuple)) else [states]
            self._n_state_inputs = len(states)
            return [inputs, *states], kwargs
        extra = list(self.spec.extra_call_inputs)
        more = []
        for i, a in enumerate(args):
            if i < len(extra):
                more.append(a)
        for name in extra[len(args):]:
            if name in kwargs:
                more.append(kwargs.pop(name))
        if more:
            inputs = [inputs, *more]
            self._call_arity = len(inputs)
        return inputs, kwargs

    # build from the spec's weight list
    def build(self, input_shape) -> None:
        shapes = self._shape_list(input_shape)
        if self._vars:  # built already (user code may call build() itself)
            return
        self._build_shapes = shapes
        for prefix in getattr(self.spec, "internal_sublayers", ()):
            unique_name(prefix)  # Keras's inner layers take numbers from the same counters
        try:
            # The shape rule first: it raises the fault Keras raises in build().
            self.spec.output_shape(self.cfg, shapes)
            weights = self.spec.weights(self.cfg, shapes)
        except ShapeFault as fault:
            raise ValueError(self._fault_message(fault)) from None
        for w in weights:
            if any(not isinstance(d, int) for d in w.shape):
                raise ValueError(
                    f"Layer {self.name} cannot create weight '{w.name}' of shape {format_shape(w.shape)} from "
                    f"input shape {format_shape(shapes[0])}: the dimensions must be known."
                )
            base = w.name.rsplit("/", 1)[-1]  # wrappers name weights "forward/kernel"
            init_key = _INIT_ARG.get(base, f"{base}_initializer")
            ident = self.cfg.get(init_key)
            for nested in _nested_cfgs(self.cfg) if ident is None else ():
                ident = nested.get(init_key)
                if ident is not None:
                    break
            if ident is None:
                ident = _DEFAULT_INIT.get(base, "glorot_uniform")
            var = self.add_weight(w.shape, ident, trainable=w.trainable, name=w.name)
            var.summary_itemsize = np.dtype(w.dtype).itemsize  # kept float32 for the kernels; sized as Keras's dtype
            constraint = self.cfg.get(_CONSTRAINT_ARG.get(base, f"{base}_constraint"))
            if constraint is not None:
                from .. import constraints

                constraints.attach(var.value, constraint)  # applied after each optimizer step
            if base == "bias" and self._unit_forget_bias(w):
                # LSTM(unit_forget_bias=True): the forget gate's bias starts at 1.
                units = w.shape[0] // 4
                var.value[units:2 * units] = 1.0
        self.built = True

    def _unit_forget_bias(self, w) -> bool:
        cfgs = [self.cfg] + _nested_cfgs(self.cfg)
        return any(c.get("unit_forget_bias") is True and "recurrent_activation" in c and
                   len(w.shape) == 1 and w.shape[0] % 4 == 0 and c.get("units") == w.shape[0] // 4 for c in cfgs)

    _n_state_inputs = 0

    def _rule_shapes(self, shapes: list) -> list:
        return shapes[:len(shapes) - self._n_state_inputs] if self._n_state_inputs else shapes

    def _shape_list(self, input_shape):
        if self._n_state_inputs and isinstance(input_shape, list):
            return [tuple(s) for s in input_shape[:len(input_shape) - self._n_state_inputs]]
        if isinstance(input_shape, list) and (self.spec.multi_input or getattr(self, "_call_arity", 1) > 1):
            return [tuple(s) for s in input_shape]
        if isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (tuple, list)):
            return [tuple(s) for s in input_shape]
        return [tuple(input_shape)]

    def _fault_message(self, fault: ShapeFault) -> str:
        return f"Exception encountered when calling {type(self).__name__}.call().\n\n{fault.message}"

    def _check_compatible(self, shapes: list) -> None:
        """A built layer called on inputs whose weights would differ: Keras's
        input-spec error, naming the layer and both shapes."""
        try:
            wanted = self.spec.weights(self.cfg, shapes)
        except ShapeFault as fault:
            raise ValueError(self._fault_message(fault)) from None
        for w in wanted:
            have = self._vars.get(w.name)
            if have is not None and have.shape != tuple(w.shape):
                built = self._build_shapes[0] if self._build_shapes else None
                got = shapes[0]
                if built is not None and len(built) == len(got) and built[-1] != got[-1]:
                    raise ValueError(
                        f'Input 0 of layer "{self.name}" is incompatible with the layer: expected axis -1 of '
                        f"input shape to have value {built[-1]}, but received input with shape {format_shape(got)}"
                    )
                raise ValueError(
                    f'Input 0 of layer "{self.name}" is incompatible with the layer: expected shape='
                    f"{format_shape(built) if built else '?'}, found shape={format_shape(got)}"
                )

    def compute_output_shape(self, input_shape):
        """The catalog's shape rule for this layer's configuration (a list for a layer
        with several outputs, as Keras returns)."""
        shapes = self._shape_list(input_shape)
        try:
            out = self.spec.output_shape(self.cfg, shapes)
        except ShapeFault as fault:
            raise ValueError(self._fault_message(fault)) from None
        return tuple(tuple(o) for o in out) if isinstance(out, list) else tuple(out)

    def _symbolic_outputs(self, inputs, flat, call_kwargs):
        shapes = self._rule_shapes([t.shape for t in flat])
        self._check_compatible(shapes)
        try:
            out = self.spec.output_shape(self._call_cfg(call_kwargs), shapes)
        except ShapeFault as fault:
            raise ValueError(self._fault_message(fault)) from None
        outs = out if isinstance(out, list) else [out]
        dtypes = ["float32"] * len(outs)
        return [tuple(s) for s in outs], dtypes

    def _symbolic_call(self, inputs, call_kwargs):
        result = super()._symbolic_call(inputs, call_kwargs)
        return result

    def _eager_call(self, inputs, call_kwargs, training):
        if isinstance(inputs, (list, tuple)) and inputs and all(isinstance(v, (str, bytes, int, float))
                                                                 for v in inputs):
            inputs = np.asarray(inputs)  # a plain list of values (strings, ids) is one input, as in Keras
        many = isinstance(inputs, (list, tuple))
        arrays = [x if _on_device(x) else _to_array(x) for x in (inputs if many else [inputs])]
        if self.spec.class_name == "Embedding":
            arrays = as_ids(arrays)
        shapes = [(None,) + a.shape[1:] for a in arrays]
        if not self.built:
            # A user's own call on arrays: Keras builds with its batch size too (fit builds
            # symbolically first, with None; a probe's batch of 1 is ours, not the data's)
            if getattr(STATE, "engine_forward", False):
                batch = getattr(STATE, "build_batch", None)
                self._real_build_shapes = [(batch,) + tuple(a.shape[1:]) for a in arrays]
            elif not getattr(STATE, "probing", False):
                self._real_build_shapes = [tuple(a.shape) for a in arrays]
            self._maybe_build(shapes)
        elif shapes != self._last_shapes:
            self._check_compatible(self._rule_shapes(shapes))
        self._last_shapes = shapes
        dev = _device.current().name
        kernel = self._kernel if self._kernel_device == dev else None
        kernel = kernel or kernel_for(self.spec.class_name, dev)
        if kernel is None:
            raise NotImplementedError(
                f"The shapecheck runtime has no CPU kernel for layer {self.spec.class_name} yet "
                f"(layer '{self.name}')."
            )
        self._kernel, self._kernel_device = kernel, dev
        is_training = STATE.training if training is None else bool(training)
        if is_training and not self.trainable and self.spec.class_name == "BatchNormalization":
            is_training = False  # Keras 3: a frozen BatchNormalization normalizes with its moving statistics
        params = self._params()
        cfg = self._call_cfg(call_kwargs)
        carried = None
        if cfg.get("stateful") and self.spec.class_name in _STATE_COUNT and len(arrays) == 1:
            # A stateful RNN starts from the states the previous batch ended in.
            n_states = _STATE_COUNT[self.spec.class_name]
            carried = getattr(self, "_rnn_states", None)
            batch = arrays[0].shape[0]
            if carried is None or carried[0].shape[0] != batch:
                carried = [np.zeros((batch, int(cfg["units"])), np.float32) for _ in range(n_states)]
            arrays = arrays + list(carried)
            cfg = {**cfg, "return_state": True}
        adapter = None
        if self._call_mask is not None and dev == "cpu":
            adapter = _masking.consumer(self.spec.class_name, cfg)
        if adapter is not None:
            mask = self._call_mask
            outs, cache = adapter.forward(cfg, params, arrays, is_training, self._layer_rng(),
                                          mask[0] if isinstance(mask, (list, tuple)) else mask)
            cache = _masking.MaskedCall(adapter, cache)
        else:
            outs, cache = kernel.forward(cfg, params, arrays, is_training, self._layer_rng())
        if is_training and adapter is None:
            kernel.update_state(cfg, params, cache)
        tape = STATE.tape
        if tape is not None:
            # recorded in inference mode too (a call with training=False inside fit, or
            # under a GradientTape): gradients still flow through it, as in Keras
            if cfg is not self.cfg:
                cache = _CallCache(cfg, cache)
            # A kernel that hands back its input unchanged (Dropout at rate 0,
            # a linear Activation) needs no backward: gradients flow through.
            if not (len(outs) == 1 and len(arrays) == 1 and outs[0] is arrays[0]):
                tape.append(TapeEntry(self, cache, arrays, outs))
        if carried is not None:
            n_states = len(carried)
            self._rnn_states = [np.array(o, dtype=np.float32, copy=True) for o in outs[-n_states:]]
            if not self.cfg.get("return_state"):
                outs = outs[:1]
        if not self._inbound_nodes and (self._eager_output_shapes is None or getattr(STATE, "probe_merge", False)):
            self._note_eager_shapes(outs)
        if self.cfg.get("activity_regularizer") is not None and dev == "cpu":
            self._activity_losses(outs)
        if len(outs) == 1:
            return outs[0]
        return list(outs)

    def _activity_losses(self, outs):
        """Keras 3 adds activity_regularizer(output) / batch size as a loss of each call."""
        from .. import regularizers

        reg = regularizers.get(self.cfg["activity_regularizer"])
        for o in outs:
            o_host = np.asarray(o)
            scale = np.float32(1.0 / o_host.shape[0]) if o_host.ndim and o_host.shape[0] else np.float32(1.0)
            g = reg.gradient(o_host) if hasattr(reg, "gradient") else None
            self.add_loss(ActivityLoss(np.float32(reg(o_host)) * scale, o, None if g is None else g * scale))

    def reset_states(self, states=None):
        """A stateful RNN's states back to zeros (or to the given arrays)."""
        self._rnn_states = None if states is None else [np.asarray(s, np.float32) for s in (
            states if isinstance(states, (list, tuple)) else [states])]

    reset_state = reset_states

    def __getattr__(self, name):
        # Keras exposes a layer's weights as attributes: dense.kernel, embedding.embeddings.
        vars_ = self.__dict__.get("_vars")
        if vars_ and name in vars_:
            return vars_[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    _last_shapes = None
    _eager_output_shapes = None
    _kernel_device = "cpu"

    def _params(self) -> dict:
        """name -> array for the kernels: host arrays, or device copies on the CUDA target."""
        if self._kernel_device == "cuda":
            from ..cuda._common import layer_params

            return layer_params(self._vars)
        return {n: v.value for n, v in self._vars.items()}

    def _layer_rng(self):
        seed = self.cfg.get("seed")
        if seed is None:
            return global_rng()
        if self._rng is None:
            self._rng = np.random.default_rng(int(seed))
        return self._rng

    def backward(self, cache, d_outputs, need_input_grads=True):
        params = self._params()
        kernel = self._kernel
        cfg = self.cfg
        if isinstance(cache, _CallCache):
            cfg, cache = cache.cfg, cache.cache
        if isinstance(cache, _masking.MaskedCall):
            return cache.adapter.backward(cfg, params, cache.cache, d_outputs, need_input_grads)
        if not need_input_grads and _takes_input_grads(kernel):
            return kernel.backward(cfg, params, cache, d_outputs, input_grads=False)
        return kernel.backward(cfg, params, cache, d_outputs)

    def _call_cfg(self, call_kwargs) -> dict:
        """The config plus the call's shape-changing keywords (``call_params``:
        MultiHeadAttention's return_attention_scores), as the spec expects."""
        params = getattr(self.spec, "call_params", None)
        if not params:
            return self.cfg
        return {**self.cfg, **{k: call_kwargs.get(k, d) for k, d in params.items()}}

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({k: v for k, v in self.cfg.items()})
        return cfg


_STATE_COUNT = {"LSTM": 2, "GRU": 1, "SimpleRNN": 1}

_INPUT_GRADS_KW: dict[type, bool] = {}


def _takes_input_grads(kernel) -> bool:
    """Whether a kernel's backward accepts ``input_grads=`` (an optional
    extension of the contract that lets it skip the input gradient)."""
    cls = type(kernel)
    known = _INPUT_GRADS_KW.get(cls)
    if known is None:
        import inspect

        known = "input_grads" in inspect.signature(kernel.backward).parameters
        _INPUT_GRADS_KW[cls] = known
    return known


def _type_or_value_error(fault: ShapeFault) -> Exception:
    msg = fault.message
    if "positional" in msg or "multiple values" in msg or "missing required" in msg:
        return TypeError(msg)
    return ValueError(msg)


_CLASSES: dict[str, type] = {}


def layer_class(name: str):
    """The runtime class for a catalog layer kind (``Dense``, ``Conv2D``...)."""
    cls = _CLASSES.get(name)
    if cls is not None:
        return cls
    if name in _SPECIAL:
        return _SPECIAL[name]
    spec = get_spec(name)
    if spec is None:
        return None
    if spec.class_name in _SPECIAL:
        return _SPECIAL[spec.class_name]
    cls = _CLASSES.get(spec.class_name)
    if cls is None:
        attrs = {"spec": spec, "__module__": "keras.layers", "__qualname__": spec.class_name}
        from .adapt import ADAPTERS, LAYER_METHODS

        if spec.class_name in ADAPTERS:
            attrs["adapt"] = ADAPTERS[spec.class_name]
        attrs.update(LAYER_METHODS.get(spec.class_name, {}))
        cls = type(spec.class_name, (CatalogLayer,), attrs)
        _CLASSES[spec.class_name] = cls
    _CLASSES[name] = cls
    return cls


class ActivityLoss:
    """An activity regularizer's term: its value (what np.sum() of it gives) and the
    gradient it sends back into the output array it was computed from."""

    def __init__(self, value, output, gradient):
        self.value, self.output, self.gradient = value, output, gradient

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.value, dtype=dtype)

    def __float__(self):
        return float(self.value)


# -- Lambda ----------------------------------------------------------------------------
class Lambda(Layer):
    """Runs its Python function on every call (Keras 3): a closure reads its free
    variables when the model runs, not when the layer was made."""

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda expects a callable, got {type(function).__name__}")
        self.function = function
        self._output_shape = output_shape
        self.arguments = arguments or {}

    def call(self, inputs, **kwargs):
        return self.function(inputs, **self.arguments)

    def _symbolic_outputs(self, inputs, flat, call_kwargs):
        if self._output_shape is not None and not callable(self._output_shape):
            shape = tuple(self._output_shape)
            return [(None,) + shape], ["float32"]
        return super()._symbolic_outputs(inputs, flat, call_kwargs)

    def _traces_call(self) -> bool:
        # Trained through its recorded NumPy/keras.ops glue, like a user's call(), unless
        # an earlier call found an operation the tape does not record.
        return not self.__dict__.get("_untraceable", False)

    def _eager_call(self, inputs, call_kwargs, training):
        if STATE.tape is not None and _autodiff.any_traced(inputs if isinstance(inputs, (list, tuple)) else [inputs]):
            out = super()._eager_call(inputs, call_kwargs, training)
            outs = out if isinstance(out, (list, tuple)) else [out]
            if all(isinstance(o, _autodiff.Traced) for o in outs):
                return out
            self._untraceable = True  # fall back to the numerical gradient below
            inputs = _autodiff.to_layer_inputs(inputs)
        out = super()._eager_call(inputs, call_kwargs, training)
        if STATE.tape is not None and STATE.training:
            self._call_many = isinstance(inputs, (list, tuple))
            ins = [np.asarray(x) for x in (inputs if self._call_many else [inputs])]
            outs = out if isinstance(out, (list, tuple)) else [out]
            STATE.tape.append(TapeEntry(self, ins, ins, list(outs)))
        return out

    # Finite differences cost two calls of the function per input feature.
    MAX_FD_FEATURES = 4096

    def backward(self, cache, d_outputs, need_input_grads=True):
        """The Lambda's input gradient by central differences in float64, one
        feature position at a time for the whole batch at once.  That needs the
        function to treat samples independently, which is checked first."""
        if not need_input_grads:
            # Nothing upstream learns (a preprocessing Lambda on the data): a
            # Lambda has no weights, so there is nothing to differentiate.
            return [None] * max(len(d_outputs), 1), {}
        inputs = cache
        many = self._call_many

        def f(xs):
            out = self.function(xs if many else xs[0], **self.arguments)
            outs = out if isinstance(out, (list, tuple)) else [out]
            return [np.asarray(o, dtype=np.float64) for o in outs]

        xs = [np.asarray(x, dtype=np.float64) for x in inputs]
        base = f(xs)
        batch = xs[0].shape[0]
        if batch > 1:
            probe = [x.copy() for x in xs]
            for p in probe:
                if p.dtype.kind == "f":
                    p[0] += 0.5 + np.abs(p[0])
            moved = f(probe)
            if any(not np.array_equal(m[1:], b[1:]) for m, b in zip(moved, base)):
                raise NotImplementedError(
                    f"Training through Lambda layer '{self.name}' is not supported by the shapecheck runtime: its "
                    "function mixes samples of the batch, so its gradient cannot be taken numerically."
                )
        d_ins = []
        for k, x in enumerate(xs):
            if np.asarray(inputs[k]).dtype.kind not in "f":
                d_ins.append(None)
                continue
            features = int(np.prod(x.shape[1:], dtype=np.int64))
            if features > self.MAX_FD_FEATURES:
                raise NotImplementedError(
                    f"Training through Lambda layer '{self.name}' is not supported by the shapecheck runtime for "
                    f"inputs of {features} features (its gradient is taken numerically, up to "
                    f"{self.MAX_FD_FEATURES})."
                )
            grad = np.zeros((batch, features))
            flat = x.reshape(batch, features)
            eps = 1e-6 * np.maximum(1.0, np.abs(flat))
            for j in range(features):
                plus = [xx.copy() for xx in xs]
                minus = [xx.copy() for xx in xs]
                plus[k].reshape(batch, features)[:, j] += eps[:, j]
                minus[k].reshape(batch, features)[:, j] -= eps[:, j]
                for d, op, om in zip(d_outputs, f(plus), f(minus)):
                    if d is None:
                        continue
                    slope = (op - om) / (2 * eps[:, j].reshape((batch,) + (1,) * (op.ndim - 1)))
                    grad[:, j] += np.sum((np.asarray(d, np.float64) * slope).reshape(batch, -1), axis=1)
            d_ins.append(grad.reshape(x.shape).astype(np.float32))
        return d_ins, {}


# -- Input ---------------------------------------------------------------------------------
class InputLayer(Layer):
    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 input_tensor=None, optional=False, name=None, **kwargs):
        if "input_shape" in kwargs and shape is None:
            shape = kwargs.pop("input_shape")
        if kwargs.get("batch_input_shape") is not None and batch_shape is None:
            batch_shape = kwargs.pop("batch_input_shape")  # Keras 2 spelling
        super().__init__(name=name or unique_name("input_layer"), dtype=dtype or "float32")
        if batch_shape is None:
            if shape is None:
                raise ValueError("You must pass a `shape` argument.")
            if isinstance(shape, int):
                shape = (shape,)
            batch_shape = (batch_size,) + tuple(shape)
        self.batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self.built = True
        self.output_tensor = KerasTensor(self.batch_shape, self.dtype)
        node = Node(self, [], [self.output_tensor])
        self._inbound_nodes.append(node)

    def _default_name(self):
        return "input_layer"

    def get_config(self) -> dict:
        return {"batch_shape": list(self.batch_shape), "dtype": self.dtype, "sparse": False, "name": self.name}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None, tensor=None,
          optional=False):
    """``keras.Input``: a symbolic tensor produced by a new InputLayer."""
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, batch_shape=batch_shape, name=name)
    return layer.output_tensor


_SPECIAL: dict[str, type] = {"Lambda": Lambda, "InputLayer": InputLayer}
