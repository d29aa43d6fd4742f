"""The Keras API as the interpreter sees it: imports, layers, tensors, models.

Layer configs are bound and checked with the shared catalog
(``shapecheck.layers``); applying a layer runs its spec's pure shape rule.
Models are recorded in construction order and turned into ``ModelReport``s
at the end, with the layer order and parameter counts Keras 3 reports.
"""
from __future__ import annotations

import re

import math
from typing import Any, Optional

import libcst as cst

from ..layers import get_spec
from ..layers.call_signatures import CALL_POSITIONAL
from ..layers.base import BUILT_AT_INIT, UNKNOWN, NestedLayer, ShapeFault, Weight, to_snake_case
from ..layers.shape import Sym, format_shape, is_known, dim_prod
from ..layers.merging import FUNCTIONAL_FORMS
from ..layers.preprocessing.lookup_depth import ADAPTED
from ..layers.preprocessing.normalization import ADAPTED_SHAPE
from ..layers.preprocessing.literal_vocab import learned_vocabulary
from . import applications, datasets, numpy_api, scalar_fold, shape_ops, sklearn_api, stdlib_api, tensor_ops, tf_data
from .modules import canonical_module, canonical_name
from .nested_model import ModelAsLayer
from .optimizer_state import optimizer_state
from .positions import Range
from .report import ArgInfo, CallEvent, LayerReport, ModelReport, Site
from .values import (
    ApiRef,
    ArgParserV,
    ArrayV,
    BoundMethod,
    DatasetV,
    ClassV,
    Const,
    DictV,
    ExternalV,
    FuncV,
    InstanceV,
    PartialV,
    LayerV,
    ListV,
    ModelV,
    ModuleV,
    Node,
    ObjectV,
    RangeV,
    SuperV,
    TensorV,
    TupleV,
    Unknown,
    Value,
)

# Layers whose call() takes `mask`: an incoming Keras mask becomes an input of their node.
MASK_CONSUMERS = frozenset({"LSTM", "GRU", "SimpleRNN", "RNN", "Bidirectional", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D",
                            "GlobalAveragePooling1D", "TimeDistributed"})
# Layers that pass their input's mask on unchanged (supports_masking).
MASK_PASSERS = frozenset({"Dense", "Dropout", "Activation", "BatchNormalization", "LayerNormalization", "SpatialDropout1D",
                          "GaussianNoise", "GaussianDropout", "TimeDistributed", "ReLU", "LeakyReLU", "ELU", "Softmax",
                          "Identity", "Rescaling", "UnitNormalization"})

# What Keras 3's keras.backend still exports (3.15); the Keras 2 functions are gone.
KERAS3_BACKEND_NAMES = frozenset({
    "backend", "clear_session", "epsilon", "floatx", "get_uid", "image_data_format", "is_float_dtype", "is_int_dtype",
    "is_keras_tensor", "result_type", "set_epsilon", "set_floatx", "set_image_data_format", "standardize_dtype",
})
# Keras 2 backend functions with a keras.ops function of the same name.
KERAS3_OPS_TWINS = frozenset({
    "sum", "mean", "max", "min", "prod", "std", "var", "square", "sqrt", "exp", "log", "abs", "expand_dims", "squeeze",
    "reshape", "transpose", "concatenate", "stack", "dot", "cast", "clip", "relu", "sigmoid", "tanh", "softmax",
    "softplus", "maximum", "minimum", "argmax", "argmin", "ones_like", "zeros_like", "tile", "one_hot",
})

# Model methods Keras 3 removed -> what to use instead.
KERAS3_REMOVED_METHODS = {
    "fit_generator": "use model.fit(generator, ...)",
    "evaluate_generator": "use model.evaluate(generator, ...)",
    "predict_generator": "use model.predict(generator, ...)",
    "predict_classes": "use np.argmax(model.predict(x), axis=-1) (or > 0.5 for one sigmoid unit)",
    "predict_proba": "use model.predict(x)",
}

# Names Keras 2 exported from keras.layers that Keras 3 no longer has.
KERAS2_REMOVED_LAYER_NAMES = {
    "merge": "use the merge layers (Concatenate, Add, ...) or keras.layers.concatenate(...)",
    "Merge": "use the merge layers (Concatenate, Add, ...)",
    "CuDNNLSTM": "use LSTM (Keras 3 picks the fast kernel itself)",
    "CuDNNGRU": "use GRU (Keras 3 picks the fast kernel itself)",
    "Highway": "no replacement in Keras 3",
    "MaxoutDense": "no replacement in Keras 3",
    "AtrousConvolution1D": "use Conv1D(dilation_rate=...)",
    "AtrousConvolution2D": "use Conv2D(dilation_rate=...)",
    "LocallyConnected1D": "no replacement in Keras 3",
    "LocallyConnected2D": "no replacement in Keras 3",
    "experimental": "its preprocessing layers are in keras.layers now: keras.layers.Rescaling, RandomFlip, Normalization, ...",
}

# Keras 2.2's lower-case optimizer aliases (keras.optimizers.adam) -> the class.
KERAS2_LOWERCASE_OPTIMIZERS = {
    "sgd": "SGD", "rmsprop": "RMSprop", "adagrad": "Adagrad", "adadelta": "Adadelta", "adam": "Adam",
    "adamax": "Adamax", "nadam": "Nadam",
}

# Keras 2 modules with no Keras 3 counterpart: prefix -> (what went, what to do).
KERAS2_REMOVED_MODULES = {
    "keras.layers.experimental": ("the experimental layers namespace (its preprocessing layers are in keras.layers now)",
                                  "use keras.layers.Rescaling, keras.layers.RandomFlip, keras.layers.Normalization, ..."),
    "keras.wrappers": ("the scikit-learn wrappers (KerasClassifier, KerasRegressor)",
                       "pip install scikeras and use `from scikeras.wrappers import KerasClassifier`"),
}


# Keras 3's keras.preprocessing kept only these names (3.15.1); the Keras 2
# utilities (ImageDataGenerator, Tokenizer, TimeseriesGenerator) live on only as
# tf.keras's legacy copies.
KERAS3_PREPROCESSING_NAMES = {
    "keras.preprocessing": frozenset({"image", "image_dataset_from_directory", "sequence", "text_dataset_from_directory",
                                      "timeseries_dataset_from_array"}),
    "keras.preprocessing.image": frozenset({"array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"}),
    "keras.preprocessing.sequence": frozenset({"pad_sequences"}),
}
KERAS2_PREPROCESSING_HINTS = {
    "ImageDataGenerator": "use keras.utils.image_dataset_from_directory and augmentation layers (layers.RandomFlip, ...); "
                          "tf.keras.preprocessing.image.ImageDataGenerator still exists as a legacy copy",
    "Tokenizer": "use a layers.TextVectorization layer (tf.keras.preprocessing.text.Tokenizer is a legacy copy)",
    "text": "use a layers.TextVectorization layer (tf.keras.preprocessing.text is a legacy copy)",
    "TimeseriesGenerator": "use keras.utils.timeseries_dataset_from_array",
}


def removed_keras_module(path: str) -> Optional[tuple[str, str]]:
    """(what Keras 3 removed, hint) for an import of a Keras 2 module that is gone
    (tf_keras, the Keras 2 package, still has them)."""
    for prefix in ("tensorflow.keras.", "keras."):
        if path.startswith(prefix) or path + "." == prefix:
            rest = "keras." + path[len(prefix):] if prefix != "keras." else path
            for gone, why in KERAS2_REMOVED_MODULES.items():
                if rest == gone or rest.startswith(gone + "."):
                    return why
    return None


MODEL_METHODS = {
    "add", "pop", "compile", "fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch",
    "summary", "build", "count_params", "get_layer", "save", "save_weights", "load_weights", "set_weights",
    "get_weights", "call", "to_json", "get_config",
    "reset_states", "compute_output_shape",
}
EVENT_METHODS = {"compile", "fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch", "summary"}

# Keras's parameter order for the model methods rules inspect.
METHOD_PARAMS = {
    "compile": ["optimizer", "loss", "loss_weights", "metrics", "weighted_metrics", "run_eagerly", "steps_per_execution", "jit_compile", "auto_scale_loss"],
    "fit": ["x", "y", "batch_size", "epochs", "verbose", "callbacks", "validation_split", "validation_data", "shuffle", "class_weight",
            "sample_weight", "initial_epoch", "steps_per_epoch", "validation_steps", "validation_batch_size", "validation_freq"],
    "evaluate": ["x", "y", "batch_size", "verbose", "sample_weight", "steps", "callbacks", "return_dict"],
    "predict": ["x", "batch_size", "verbose", "steps", "callbacks"],
    "train_on_batch": ["x", "y", "sample_weight", "class_weight", "return_dict"],
    "test_on_batch": ["x", "y", "sample_weight", "return_dict"],
    "predict_on_batch": ["x"],
    "summary": ["line_length", "positions", "print_fn", "expand_nested", "show_trainable", "layer_range"],
    "fit_generator": ["generator", "steps_per_epoch", "epochs"],
    "evaluate_generator": ["generator"],
    "predict_generator": ["generator"],
}

UNKNOWN_RANK = object()  # an input shape that was given but is unknown to us


DATA_EVENT_METHODS = ("fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch")


def _missing_call_arguments(call, n_args: int, kwargs: dict) -> list[str]:
    """call()'s required parameters (after self) that neither the positional
    arguments nor the keywords of a layer call give; none when call() takes
    *args / **kwargs or the call passes an unpacked sequence."""
    params = call.node.params
    if isinstance(params.star_arg, cst.Param) or isinstance(params.star_kwarg, cst.Param) or any(
            not isinstance(k, str) for k in kwargs):
        return []
    positional = (list(params.posonly_params) + list(params.params))[1:]
    missing = [p.name.value for i, p in enumerate(positional)
               if i >= n_args and p.default is None and p.name.value not in kwargs]
    missing += [p.name.value for p in params.kwonly_params if p.default is None and p.name.value not in kwargs]
    return missing


class KerasApi:
    def __init__(self, interp) -> None:
        self.it = interp
        self.sites: list[Site] = []

    # -- imports ------------------------------------------------------------
    def import_module(self, path: str, node, report: bool = True) -> Value:
        mod = self._import_module(path, node, report)
        if isinstance(mod, ModuleV) and path.startswith(("tensorflow.keras", "tensorflow.python.keras", "tf_keras")):
            mod.via_tf = True
        return mod

    def _import_module(self, path: str, node, report: bool = True) -> Value:
        if path.startswith("keras.preprocessing.") and path.count(".") == 2 and path.rsplit(".", 1)[1] not in \
                KERAS3_PREPROCESSING_NAMES["keras.preprocessing"]:
            # keras.preprocessing.text: gone from Keras 3 (tf.keras keeps a legacy copy)
            if report:
                leaf = path.rsplit(".", 1)[1]
                self.it.diag(node, "SC403", f"No module named '{path}': Keras 3 removed the Keras 2 preprocessing utilities",
                             hint=KERAS2_PREPROCESSING_HINTS.get(leaf, "use the Keras 3 preprocessing layers or keras.utils"))
            return ExternalV(path)
        gone = removed_keras_module(path)
        if gone is not None:
            if report:
                self.it.diag(node, "SC403", f"No module named '{path}': Keras 3 removed {gone[0]}", hint=gone[1])
            return ExternalV(path)
        canon, keras2 = canonical_module(path)
        if canon is None:
            top = path.split(".")[0]
            if top in ("keras", "tensorflow", "tf_keras"):
                # A Keras submodule we don't model: values from it are unknown.
                return ExternalV(path)
            return ExternalV(path)
        if keras2 and report:
            self.it.diag(
                node,
                "SC403",
                f"No module named '{path}' in Keras 3: this Keras 2 path was removed; import from '{canon}' instead",
                hint=f"use `from {canon} import ...`",
            )
        return ModuleV(canon)

    def getattr_module(self, mod: ModuleV, attr: str, node, quiet: bool = False) -> Optional[Value]:
        got = self._getattr_module(mod, attr, node, quiet)
        if isinstance(got, ModuleV) and (mod.via_tf or (mod.path == "tensorflow" and attr == "keras")):
            got.via_tf = True
        return got

    def _getattr_module(self, mod: ModuleV, attr: str, node, quiet: bool = False) -> Optional[Value]:
        path = f"{mod.path}.{attr}"
        if mod.path == "keras.backend" and not mod.via_tf and attr not in KERAS3_BACKEND_NAMES and not attr.startswith("_"):
            # Keras 3's keras.backend kept only a few utilities; tf.keras.backend still has the rest.
            if not quiet:
                self.it.diag(node, "SC403", f"module 'keras.backend' has no attribute '{attr}': Keras 3 removed the Keras 2 "
                             "backend functions",
                             hint=f"use keras.ops.{attr}(...)" if attr in KERAS3_OPS_TWINS else "use keras.ops or a Keras 3 layer")
        kept = KERAS3_PREPROCESSING_NAMES.get(mod.path)
        if kept is not None and not mod.via_tf and attr not in kept and not attr.startswith("_"):
            if not quiet:
                said = (f"module '{mod.path}' has no attribute '{attr}'" if isinstance(node, cst.Attribute)
                        else f"cannot import name '{attr}' from '{mod.path}'")
                self.it.diag(node, "SC403", f"{said}: Keras 3 removed it",
                             hint=KERAS2_PREPROCESSING_HINTS.get(attr, "use the Keras 3 preprocessing layers or keras.utils"))
            return Unknown(attr)
        if mod.path == "keras.optimizers" and attr in KERAS2_LOWERCASE_OPTIMIZERS:
            if not quiet:
                cls = KERAS2_LOWERCASE_OPTIMIZERS[attr]
                self.it.diag(node, "SC403", f"cannot import name '{attr}' from 'keras.optimizers': Keras 3 removed the "
                             f"Keras 2 lower-case alias; the class is `{cls}`",
                             hint=f"use keras.optimizers.{cls}(learning_rate=...)")
            return Unknown(attr)
        if mod.path == "keras.layers" and attr in KERAS2_REMOVED_LAYER_NAMES:
            if not quiet:
                said = (f"module 'keras.layers' has no attribute '{attr}'" if isinstance(node, cst.Attribute)
                        else f"cannot import name '{attr}' from 'keras.layers'")
                self.it.diag(node, "SC403", f"{said}: Keras 3 removed it", hint=KERAS2_REMOVED_LAYER_NAMES[attr])
            return Unknown(attr)
        canon, keras2 = canonical_module(path)
        if canon is not None and (canon == path or keras2 or path.startswith("tensorflow.keras")):
            return ModuleV(canon)
        if mod.path == "tensorflow" and attr == "keras":
            return ModuleV("keras")
        if mod.path == "numpy" and attr == "random":
            return ModuleV("numpy.random")
        if mod.path == "numpy" and attr == "newaxis":
            return Const(None)  # x[:, np.newaxis] is x[:, None]
        if mod.path == "keras" and attr in ("layers", "models", "optimizers", "losses", "metrics", "callbacks", "utils", "backend",
                                            "ops", "activations", "initializers", "regularizers", "constraints", "datasets",
                                            "preprocessing", "applications", "random", "saving"):
            return ModuleV(f"keras.{attr}")
        if mod.path == "tensorflow" and attr in ("math", "nn", "random", "linalg", "image"):
            return ModuleV(f"tensorflow.{attr}")
        return ApiRef(canonical_name(path))

    @staticmethod
    def builtin_layer(leaf: str) -> Optional[str]:
        """The catalog name of a built-in layer a user class may subclass."""
        spec = get_spec(leaf)
        if spec is None or spec.class_name in ("InputLayer", "Lambda"):
            return None
        return spec.class_name

    def is_model_class(self, ref: ApiRef) -> bool:
        return ref.path in ("keras.Model", "keras.Sequential")

    # -- attributes -------------------------------------------------------------
    def getattr(self, obj: Value, attr: str, node) -> Value:
        if isinstance(obj, ModuleV):
            return self.getattr_module(obj, attr, node)
        if isinstance(obj, ApiRef):
            return ApiRef(canonical_name(f"{obj.path}.{attr}"))
        if isinstance(obj, FuncV) and attr == "__name__" and not obj.is_lambda:
            return Const(obj.name)  # BUILDERS[fn.__name__] = fn in a registering decorator
        if isinstance(obj, TensorV):
            return self._tensor_attr(obj, attr)
        if isinstance(obj, ArrayV):
            return self._array_attr(obj, attr)
        if isinstance(obj, DatasetV):
            return BoundMethod(obj, attr)
        if isinstance(obj, ModelV):
            return self._model_attr(obj, attr, node)
        if isinstance(obj, LayerV):
            return self._layer_attr(obj, attr)
        if isinstance(obj, InstanceV):
            if attr in obj.attrs:
                return obj.attrs[attr]
            m = obj.cls.methods.get(attr)
            if m is not None:
                return _bound(m, obj, obj.cls)
            return _class_attr(obj.cls, attr)
        if isinstance(obj, ClassV):
            if attr == "__name__":
                return Const(obj.name)
            if attr in obj.methods:
                m = obj.methods[attr]
                return _bound(m, None, obj)
            return _class_attr(obj, attr)
        if isinstance(obj, (SuperV, ArgParserV)):
            return BoundMethod(obj, attr)
        if isinstance(obj, (DictV, ListV, TupleV, ObjectV, Const)):
            if isinstance(obj, ObjectV) and attr in obj.kwargs:
                return obj.kwargs[attr]
            return BoundMethod(obj, attr)
        if isinstance(obj, ExternalV):
            return ExternalV(f"{obj.path}.{attr}")
        return Unknown(attr)

    def _tensor_attr(self, t: TensorV, attr: str) -> Value:
        if attr == "shape":
            return _shape_value(t.shape, "tensor")
        if attr == "dtype":
            return Const(t.dtype)
        if attr == "ndim":
            return Const(len(t.shape)) if t.shape is not None else Unknown("ndim")
        return BoundMethod(t, attr)

    def _array_attr(self, a: ArrayV, attr: str) -> Value:
        if attr == "shape":
            return _shape_value(a.shape, "array")
        if attr == "T":
            return ArrayV(shape_ops.transpose(a.shape), a.dtype, a.min_value, a.max_value)
        if attr == "ndim":
            return Const(len(a.shape)) if a.shape is not None else Unknown("ndim")
        if attr == "size":
            n = dim_prod(a.shape) if a.shape is not None else None
            return Const(n) if is_known(n) else Unknown("size")
        if attr == "dtype":
            return Const(a.dtype)
        return BoundMethod(a, attr)

    def _model_attr(self, m: ModelV, attr: str, node) -> Value:
        if m.kind == "subclassed":
            if attr in m.self_attrs:
                return m.self_attrs[attr]
            # Keras wraps a subclass's build() (model.build runs it and marks
            # the model built); every other method the class defines is its own.
            if m.user_class is not None and attr in m.user_class.methods and attr != "build":
                fn = m.user_class.methods[attr]
                return FuncV(fn.node, fn.scope, fn.name, self_value=m)
        if attr == "layers":
            return ListV(list(self.model_layers(m)))
        if attr in ("input", "output") and m.kind == "sequential" and not (m.as_layer is not None and m.as_layer.calls):
            # Keras 3: a Sequential's .input/.output exist only once it was called on a tensor.
            self.it.diag(node, "SC122", f"The layer {m.keras_name} has never been called and thus has no defined {attr} "
                         "(Keras 3 Sequential models)", severity="error",
                         hint=f"use {'inputs' if attr == 'input' else 'outputs'}[0], or build the model with keras.Input and the functional API")
        if attr in ("output", "outputs") and getattr(m, "app", None) is not None and m.outputs and m.inputs \
                and all(o.node is None for o in m.outputs):
            # base.output of an application: the network applied to its own input,
            # so a model built on base.input / base.output is connected
            m.outputs = self._as_list(self.apply_model(m, [m.inputs[0]], {}, node, record_site=False))
        if attr in ("input", "output"):
            ts = m.inputs if attr == "input" else m.outputs
            if not ts:
                if attr == "input" and m.input_shape is not None:
                    return TensorV(m.input_shape)
                return Unknown(attr)
            return ts[0] if len(ts) == 1 else ListV(list(ts))
        if attr in ("inputs", "outputs"):
            return ListV(list(m.inputs if attr == "inputs" else m.outputs))
        if attr in ("input_shape", "output_shape") and m.kind == "sequential" and not m.built and not m.broken:
            self.it.diag(node, "SC122", f"Sequential model '{m.keras_name}' has no defined {attr.replace('_', ' ')} yet: "
                         "it is not built (no input shape is known)",
                         hint="give the first layer an input shape, or start with keras.Input(shape=...)", severity="error")
            return Unknown(attr)
        if attr in ("input_shape", "output_shape"):
            ts = m.inputs if attr == "input_shape" else m.outputs
            if len(ts) == 1:
                return _shape_value(ts[0].shape)
            if attr == "input_shape" and m.input_shape is not None:
                return _shape_value(m.input_shape)
            return Unknown(attr)
        if attr == "name":
            return Const(m.keras_name)
        if attr in MODEL_METHODS:
            return BoundMethod(m, attr)
        if attr in KERAS3_REMOVED_METHODS and m.kind != "subclassed":
            self.it.diag(node, "SC403", f"'{_model_class(m)}' object has no attribute '{attr}': Keras 3 removed it",
                         hint=KERAS3_REMOVED_METHODS[attr])
            return Unknown(attr)
        return Unknown(attr)

    def _layer_attr(self, layer: LayerV, attr: str) -> Value:
        if attr in ("output", "input"):
            if layer.input_tensor is not None:
                return layer.input_tensor
            if layer.calls:
                n = layer.calls[0]
                ts = n.outputs if attr == "output" else n.inputs
                return ts[0] if len(ts) == 1 else ListV(list(ts))
            return Unknown(attr)
        if attr in ("output_shape", "input_shape"):
            if layer.calls:
                n = layer.calls[0]
                ts = n.outputs if attr == "output_shape" else n.inputs
                return _shape_value(ts[0].shape) if len(ts) == 1 else ListV([_shape_value(t.shape) for t in ts])
            return Unknown(attr)
        if attr == "name":
            return Const(layer.name)
        if attr in layer.cfg and not attr.startswith("_"):
            v = layer.cfg[attr]
            return v if isinstance(v, Value) else (Const(v) if not (v is UNKNOWN) else Unknown(attr))
        if layer.user_class is not None and attr in layer.user_class.methods:
            fn = layer.user_class.methods[attr]
            return FuncV(fn.node, fn.scope, fn.name, self_value=layer)
        if layer.user_class is not None and attr in layer.cfg.get("__attrs__", {}):
            return layer.cfg["__attrs__"][attr]
        return BoundMethod(layer, attr)

    def set_attribute(self, obj: Value, attr: str, value: Value, node, rhs=None) -> None:
        if attr == "trainable" and isinstance(value, Const) and isinstance(value.value, bool):
            if isinstance(obj, ModelV):
                # Keras sets every layer the model holds (shared with other models too).
                _set_trainable(obj, value.value)
                return
            if isinstance(obj, LayerV):
                obj.base["trainable"] = value.value
                if obj.model is not None:
                    obj.model.frozen = not value.value
                return
        if isinstance(value, ModelV) and self._constructed_by(value, rhs):
            target = node.value if isinstance(node, cst.Attribute) else None
            base = target.value if isinstance(target, cst.Name) else "self"
            value.var_names.append((f"{base}.{attr}", False, True))
        if isinstance(obj, ModelV):
            obj.self_attrs[attr] = value
            if obj.kind == "subclassed":
                for layer in _layers_in(value, self):
                    if all(l is not layer for l in obj.layers):
                        obj.layers.append(layer)
        elif isinstance(obj, (InstanceV, ClassV)):
            obj.attrs[attr] = value  # a config class's attribute set later (CFG.rnn = "LSTM")
        elif isinstance(obj, ObjectV) and obj.path in stdlib_api.NAMESPACES:
            obj.kwargs[attr] = value  # args.epochs = 5 after parse_args()
        elif isinstance(obj, LayerV) and obj.user_class is not None:
            obj.cfg.setdefault("__attrs__", {})[attr] = value
            for layer in _layers_in(value, self):
                if all(l is not layer for l in obj.cfg.get("__sublayers__", [])):
                    obj.cfg.setdefault("__sublayers__", []).append(layer)

    # -- calls ------------------------------------------------------------------
    def call(self, func: Value, args: list, kwargs: dict, node: cst.Call, arg_nodes: dict) -> Value:
        if isinstance(func, ExternalV):
            got = sklearn_api.call_external(func.path, args, kwargs) or stdlib_api.call_external(func.path, args, kwargs)
            if got is not None:
                return got
            if func.path == "dataclasses.replace" and args and isinstance(args[0], InstanceV):
                return self.dataclass_replace(args[0], kwargs, node)
        if isinstance(func, (Unknown, ExternalV)):
            # A model handed to code we can't follow may be compiled or built there.
            for v in list(args) + list(kwargs.values()):
                if isinstance(v, ModelV):
                    v.escaped = True
        if isinstance(func, ApiRef):
            return self.call_api(func, args, kwargs, node, arg_nodes)
        if isinstance(func, LayerV):
            return self.apply_layer(func, args, kwargs, node)
        if isinstance(func, ModelV):
            return self.apply_model(func, args, kwargs, node)
        if isinstance(func, BoundMethod):
            return self.call_method(func.obj, func.name, args, kwargs, node, arg_nodes)
        if isinstance(func, (ObjectV,)):
            # a loss/metric object called on tensors
            return Unknown(func.leaf)
        return Unknown("call")

    def call_api(self, ref: ApiRef, args: list, kwargs: dict, node, arg_nodes) -> Value:
        path = ref.path
        leaf = ref.leaf
        if path.startswith("builtins."):
            return self.call_builtin(leaf, args, kwargs, node)
        if path == "functools.partial" and args:
            return PartialV(args[0], list(args[1:]), dict(kwargs))
        if path == "functools.reduce" and len(args) >= 2:
            # reduce(lambda acc, layer: layer(acc), layers, x): the calls made in order
            items = self.it.iterate(args[1], node)
            if items is None or len(items) > MAX_MAPPED_ITEMS:
                return Unknown("reduce")
            if len(args) > 2:
                acc = args[2]
            elif items:
                acc, items = items[0], items[1:]
            else:
                return Unknown("reduce")
            for item in items:
                acc = self.it.call(args[0], [acc, item], {}, node)
            return acc
        if path.startswith(("numpy.", "math.")) and path.count(".") == 1:
            # np.prod(x.shape[1:]), math.sqrt(64): numbers the script computes from known values
            folded = scalar_fold.fold(leaf, args, kwargs)
            if folded is not None:
                return folded
        if path.startswith("math."):
            return Unknown(leaf)
        if path.startswith("numpy."):
            first = args[0] if args and isinstance(args[0], ArrayV) else None
            return self._numpy_fault(numpy_api.call_numpy(leaf, path, args, kwargs), first, node)
        if path == "keras.Input":
            return self.make_input(args, kwargs, node)
        if path == "keras.layers.InputLayer":
            t = self.make_input(args, kwargs, node)
            return t.node.layer if isinstance(t, TensorV) and t.node is not None else t
        if path == "keras.Sequential":
            return self.make_sequential(args, kwargs, node)
        if path == "keras.Model":
            return self.make_functional(args, kwargs, node)
        if path in ("keras.utils.to_categorical", "keras.utils.np_utils.to_categorical"):
            return numpy_api.to_categorical(args, kwargs)
        if path.startswith("keras.datasets.") and leaf == "load_data":
            return datasets.load_data(path.split(".")[2], kwargs)
        if leaf == "pad_sequences" and path.startswith(("keras.utils", "keras.preprocessing")):
            return datasets.pad_sequences(args, kwargs)
        if path.startswith("keras.layers."):
            sub = path[len("keras.layers."):]
            form = FUNCTIONAL_FORMS.get(sub)
            if form is not None:
                # concatenate(inputs, axis=-1, **kw) == Concatenate(axis=axis, **kw)(inputs)
                inputs = args[0] if args else kwargs.get("inputs", Unknown("inputs"))
                ctor = {k: v for k, v in kwargs.items() if k != "inputs"}
                for (pname, default), value in zip(form.params.items(), args[1:]):
                    ctor[pname] = value
                for pname, default in form.params.items():
                    ctor.setdefault(pname, Const(default))
                layer = self.make_layer(form.class_name, [], ctor, node, arg_nodes)
                return self.apply_layer(layer, [inputs], {}, node)
            if "." not in sub:
                return self.make_layer(sub, args, kwargs, node, arg_nodes)
        if path in ("tensorflow.data.Dataset.from_tensor_slices", "tensorflow.data.Dataset.from_tensors"):
            return getattr(tf_data, leaf)(args, kwargs)
        if path in ("keras.utils.image_dataset_from_directory", "keras.preprocessing.image_dataset_from_directory",
                    "keras.utils.timeseries_dataset_from_array", "keras.preprocessing.timeseries_dataset_from_array"):
            return getattr(tf_data, leaf)(args, kwargs)
        if path.startswith(("keras.ops.", "keras.backend.", "tensorflow.", "keras.random.")):
            if path in ("keras.backend.variable", "keras.backend.constant", "tensorflow.Variable", "tensorflow.constant",
                        "tensorflow.convert_to_tensor", "keras.ops.convert_to_tensor", "keras.ops.array"):
                val = args[0] if args else kwargs.get("value", Unknown("value"))
                arr = numpy_api.literal_array(val)
                if isinstance(arr, ArrayV) and numpy_api.is_text_dtype(arr.dtype) and path.startswith(("tensorflow.", "keras.ops.")):
                    # a tf.string tensor, which fit/predict take as it is (only NumPy text arrays are refused)
                    return ArrayV(arr.shape, "string")
                return arr
            if path in ("keras.backend.image_data_format", "keras.config.image_data_format"):
                return Const("channels_last")  # Keras's default configuration
            if path == "keras.backend.backend":
                return Const("tensorflow")
            if path == "keras.backend.eval":
                return args[0] if args else Unknown("eval")
            if path.startswith("tensorflow.") and not self.it.lambda_depth and not self.it.symbolic_call_depth:
                operands = list(args) + list(kwargs.values())
                symbolic = [t for a in operands for t in (self._input_tensors(a) or []) if _from_keras_input(t)]
                if symbolic:
                    self.it.diag(
                        node, "SC403",
                        f"A KerasTensor cannot be used as input to a TensorFlow function ({path.replace('tensorflow', 'tf', 1)}): "
                        "Keras 3 functional models take only Keras layers and keras.ops on symbolic tensors",
                        hint=f"use keras.ops.{leaf}(...) if it exists, or wrap the call in a layers.Lambda(...)",
                    )
                    return TensorV(None)
            if path.startswith("tensorflow.image."):
                img = tensor_ops.image_op(leaf, args, kwargs)
                return img if img is not None else Unknown(leaf)
            if path == "keras.ops.image.extract_patches":
                img = tensor_ops.image_op(leaf, args, kwargs)
                x = args[0] if args else kwargs.get("images")
                if isinstance(img, TensorV) and isinstance(x, TensorV):
                    return self.op_node(leaf, [x], img, node)  # a named operation of the functional graph
                if img is not None:
                    return img
            eager = tensor_ops.eager_op(leaf, args, kwargs)
            if eager is not None:
                return eager
            out = tensor_ops.call_tensor_op(leaf, args, kwargs, random=path.startswith(("keras.random.", "tensorflow.random.")))
            err = getattr(out, "error", None)
            if err and not self.it.lambda_depth:
                # keras.ops.concatenate / tf.matmul on shapes that cannot agree: the op raises here
                # (inside a Lambda the Lambda reports it, as the layer's failure).
                merge = leaf in ("concatenate", "concat", "stack")
                said = err[len(leaf) + 2:] if err.startswith(leaf + ": ") else err
                self.it.diag(node, "SC102" if merge else "SC103", f"{path.replace('tensorflow', 'tf', 1)}: {said}",
                             hint=("the tensors must agree on every axis but the one they are joined on"
                                   if merge else "make the inner dimensions agree (check which way round the weight is)"))
            if path.startswith("keras.ops."):
                operands = list(args) + list(kwargs.values())
                flat = [t for a in operands for t in (self._input_tensors(a) or [])]
                return self.op_node(leaf, flat, out, node)
            return out
        if path == "keras.activations.get" and args:
            # activations.get("relu") is the function keras.activations.relu (None: linear)
            ident = args[0]
            if isinstance(ident, Const) and (ident.value is None or isinstance(ident.value, str)):
                return ApiRef(f"keras.activations.{ident.value or 'linear'}")
            if isinstance(ident, (ApiRef, FuncV)):
                return ident
            return Unknown("activation")
        if path.startswith("keras.activations.") and leaf not in ("get", "serialize", "deserialize") and args and isinstance(args[0], (TensorV, ArrayV)):
            # keras.activations.relu(x) & co. keep the shape
            x = args[0]
            if isinstance(x, ArrayV):
                return ArrayV(x.shape, x.dtype)
            if leaf == "linear":
                return x
            if leaf == "relu":  # an Operation class of keras.activations itself
                return self.op_node("re_lu", [x], TensorV(x.shape, x.dtype), node, class_name="ReLU")
            # the others call the keras.ops function (exponential is ops.exp)
            return self.op_node("exp" if leaf == "exponential" else leaf, [x], TensorV(x.shape, x.dtype), node)
        if path.startswith(("keras.optimizers.", "keras.losses.", "keras.metrics.", "keras.callbacks.", "keras.initializers.",
                            "keras.regularizers.", "keras.constraints.", "keras.activations.")):
            if leaf[:1].isupper():
                if path == "keras.callbacks.ModelCheckpoint":
                    self._check_save_path("ModelCheckpoint", args, kwargs, node, arg_nodes)
                return ObjectV(path, list(args), dict(kwargs), self.it.range_of(node))
            return Unknown(leaf)
        if path.startswith("keras.applications."):
            return self.make_application(leaf, args, kwargs, node)
        return Unknown(leaf)

    def call_builtin(self, name: str, args: list, kwargs: dict, node) -> Value:
        it = self.it
        if name == "range":
            nums = [a.value if isinstance(a, Const) and isinstance(a.value, int) and not isinstance(a.value, bool) else None for a in args]
            if nums and None not in nums and len(nums) <= 3:
                try:
                    r = range(*nums)
                except ValueError:
                    return Unknown("range")
                return RangeV(r.start, r.stop, r.step)
            return Unknown("range")
        if name == "len":
            a = args[0] if args else None
            if isinstance(a, (ListV, DictV)) and a.inexact:
                return Unknown("len")
            if isinstance(a, (TupleV, ListV)):
                return Const(len(a.items))
            if isinstance(a, RangeV):
                return Const(len(a))
            if isinstance(a, DictV):
                return Const(len(a.keys))
            if isinstance(a, Const) and isinstance(a.value, (str, tuple, bytes)):
                return Const(len(a.value))
            if isinstance(a, (ArrayV, TensorV)) and a.shape:
                d = a.shape[0]
                return Const(d) if is_known(d) else Unknown(str(d) if d is not None else "len")
            if isinstance(a, ModelV):
                return Const(len(self.model_layers(a)))
            return Unknown("len")
        if name in ("int", "float", "str", "bool", "abs", "round"):
            if args and isinstance(args[0], Const):
                try:
                    fn = {"int": int, "float": float, "str": str, "bool": bool, "abs": abs, "round": round}[name]
                    return Const(fn(*[a.value for a in args if isinstance(a, Const)]))
                except Exception:
                    return Unknown(name)
            return Unknown(name)
        if name in ("set", "frozenset"):
            # set("abc"): its distinct items (in first-seen order; sorted() or len() follows)
            items = it.iterate(args[0], node) if args else []
            if items is None or not all(isinstance(i, Const) for i in items):
                return Unknown(name)
            seen, out = set(), []
            for i in items:
                try:
                    if i.value in seen:
                        continue
                    seen.add(i.value)
                except TypeError:
                    return Unknown(name)
                out.append(i)
            return ListV(out)
        if name in ("chr", "ord", "hex", "bin", "oct", "divmod", "pow") and args and all(isinstance(a, Const) for a in args):
            try:
                got = {"chr": chr, "ord": ord, "hex": hex, "bin": bin, "oct": oct, "divmod": divmod, "pow": pow}[name](*[a.value for a in args])
            except Exception:
                return Unknown(name)
            if name == "pow" and isinstance(got, int) and got.bit_length() > 256:
                return Unknown(name)
            return TupleV([Const(g) for g in got]) if isinstance(got, tuple) else Const(got)
        if name in ("list", "tuple"):
            if not args:
                return ListV([]) if name == "list" else TupleV([])
            items = it.iterate(args[0], node)
            if items is None:
                return Unknown(name)
            return ListV(list(items)) if name == "list" else TupleV(list(items))
        if name in ("min", "max", "sum"):
            vals = args
            if len(args) == 1:
                items = it.iterate(args[0], node)
                vals = items if items is not None else [Unknown(name)]
            if vals and all(isinstance(v, Const) and isinstance(v.value, (int, float)) for v in vals):
                nums = [v.value for v in vals]
                return Const({"min": min, "max": max, "sum": sum}[name](nums))
            return Unknown(name)
        if name in ("map", "filter") and len(args) >= 2:
            # map(fn, xs) as the list it yields: fn called on each item, in order
            seqs = [it.iterate(a, node) for a in args[1:]]
            if any(q is None or len(q) > MAX_MAPPED_ITEMS for q in seqs):
                return Unknown(name)
            if name == "filter":
                kept = []
                for item in seqs[0]:
                    keep = item if isinstance(args[0], Const) and args[0].value is None else it.call(args[0], [item], {}, node)
                    if not isinstance(keep, Const):
                        return Unknown(name)
                    if keep.value:
                        kept.append(item)
                return ListV(kept)
            return ListV([it.call(args[0], list(group), {}, node) for group in zip(*seqs)])
        if name == "enumerate":
            items = it.iterate(args[0], node) if args else None
            start_v = args[1] if len(args) > 1 else kwargs.get("start", Const(0))
            if items is None or not (isinstance(start_v, Const) and isinstance(start_v.value, int)):
                return Unknown("enumerate")
            start = start_v.value
            return ListV([TupleV([Const(i + start), v]) for i, v in enumerate(items)])
        if name == "zip":
            seqs = [it.iterate(a, node) for a in args]
            if any(s is None for s in seqs):
                return Unknown("zip")
            return ListV([TupleV(list(t)) for t in zip(*seqs)])
        if name in ("reversed", "sorted"):
            items = it.iterate(args[0], node) if args else None
            if items is None:
                return Unknown(name)
            if name == "reversed":
                return ListV(list(reversed(items)))
            if all(isinstance(i, Const) for i in items):
                try:
                    return ListV([Const(v) for v in sorted(i.value for i in items)])
                except TypeError:
                    return Unknown(name)
            return Unknown(name)
        if name == "dict":
            d = DictV([], [])
            if args and isinstance(args[0], DictV):  # dict(other): a copy
                d.keys, d.values = list(args[0].keys), list(args[0].values)
            elif args:
                pairs = it.iterate(args[0], node)
                if pairs is None:
                    return Unknown("dict")
                for p in pairs:
                    kv = it.unpack(p, 2)
                    if kv is None or not isinstance(kv[0], Const):
                        return Unknown("dict")
                    d.keys.append(kv[0].value)
                    d.values.append(kv[1])
            for k, v in kwargs.items():
                d.keys.append(k)
                d.values.append(v)
            return d
        if name == "super":
            return SuperV(Unknown("self"), None)
        if name in ("print", "setattr", "delattr", "exec", "eval", "input", "open", "help", "vars", "globals", "locals", "id", "hash"):
            return Unknown(name)
        if name == "isinstance":
            return Unknown("bool")
        if name == "type" and len(args) == 1 and isinstance(args[0], InstanceV):
            return args[0].cls  # type(self).__name__ in a builder class
        if name in ("getattr",) and len(args) >= 2 and isinstance(args[1], Const) and isinstance(args[1].value, str):
            return self.getattr(args[0], args[1].value, node)
        return Unknown(name)

    def _numpy_fault(self, out: Value, arr: Optional[ArrayV], node) -> Value:
        """Report a NumPy call that raises for certain (x.reshape to a size that
        cannot hold x's elements) where it happens."""
        fault = getattr(out, "fault", None)
        if fault and not self.it.lambda_depth and not self.it.guarded_depth:
            code = getattr(out, "fault_code", None)
            if code is not None:
                self.it.diag(node, code, f"NumPy raises `{fault}`", hint=getattr(out, "fault_hint", None))
                return out
            shape = format_shape(arr.shape) if arr is not None and arr.shape is not None else "?"
            self.it.diag(node, "SC104", f"NumPy raises `ValueError: {fault}` (the array has shape {shape})",
                         hint="the target shape must hold the same number of elements: check the channel count "
                              "(1 for grayscale, 3 for RGB) and image size, or let one axis be -1")
        return out

    def call_method(self, obj: Value, name: str, args: list, kwargs: dict, node, arg_nodes) -> Value:
        if isinstance(obj, ModelV):
            return self.model_method(obj, name, args, kwargs, node, arg_nodes)
        if isinstance(obj, ArrayV):
            return self._numpy_fault(numpy_api.array_method(obj, name, args, kwargs), obj, node)
        if isinstance(obj, DatasetV):
            if name == "map" and obj.source is None:
                return self.dataset_map(obj, args[0] if args else kwargs.get("map_func"), node)
            return tf_data.dataset_method(obj, name, args, kwargs)
        if isinstance(obj, TensorV):
            return tensor_ops.call_tensor_op(name, [obj] + list(args), kwargs) if name not in ("numpy",) else ArrayV(obj.shape, obj.dtype)
        if isinstance(obj, ListV):
            if name in ("append", "extend", "insert", "add", "update") and self.it.inexact_depth:
                obj.inexact = True  # grown a number of times the analyzer does not know
            if name == "append" and args:
                obj.items.append(args[0])
            elif name == "extend" and args:
                items = self.it.iterate(args[0], node)
                if items is not None:
                    obj.items.extend(items)
                else:
                    obj.inexact = True
            elif name == "insert" and len(args) == 2 and isinstance(args[0], Const):
                obj.items.insert(args[0].value, args[1])
            elif name in ("add", "update") and args:  # a set (kept as a list of its distinct items)
                items = [args[0]] if name == "add" else self.it.iterate(args[0], node)
                if items is None:
                    obj.inexact = True
                else:
                    for item in items:
                        if not isinstance(item, Const):
                            obj.inexact = True
                        elif not any(isinstance(o, Const) and o.value == item.value for o in obj.items):
                            obj.items.append(item)
            elif name in ("remove", "discard", "popitem", "difference_update", "intersection_update"):
                obj.inexact = True
            elif name == "clear":
                obj.items.clear()
                obj.inexact = False
            elif name == "pop":
                if obj.items:
                    idx = args[0].value if args and isinstance(args[0], Const) else -1
                    try:
                        return obj.items.pop(idx)
                    except (IndexError, TypeError):
                        return Unknown("pop")
            elif name == "copy":
                return ListV(list(obj.items))
            elif name == "index":
                return Unknown("index")
            return Const(None)
        if isinstance(obj, DictV):
            if name == "get" and args and isinstance(args[0], Const):
                got = obj.get(args[0].value)
                return got if got is not None else (args[1] if len(args) > 1 else Const(None))
            if name == "items":
                return ListV([TupleV([Const(k), v]) for k, v in zip(obj.keys, obj.values)], obj.inexact)
            if name == "keys":
                return ListV([Const(k) for k in obj.keys], obj.inexact)
            if name == "values":
                return ListV(list(obj.values), obj.inexact)
            if name == "pop" and args and isinstance(args[0], Const):
                key = args[0].value
                if key in obj.keys:
                    i = obj.keys.index(key)
                    obj.keys.pop(i)
                    return obj.values.pop(i)
                return args[1] if len(args) > 1 else Unknown("pop")
            if name == "setdefault" and args and isinstance(args[0], Const):
                got = obj.get(args[0].value)
                if got is None:
                    got = args[1] if len(args) > 1 else Const(None)
                    obj.keys.append(args[0].value)
                    obj.values.append(got)
                    if self.it.inexact_depth:
                        obj.inexact = True
                return got
            if name == "copy":
                return DictV(list(obj.keys), list(obj.values), obj.inexact)
            if name == "update" and args and isinstance(args[0], DictV) and not args[0].inexact:
                for k, v in zip(args[0].keys, args[0].values):
                    if obj.get(k) is None:
                        obj.keys.append(k)
                        obj.values.append(v)
                        if self.it.inexact_depth:
                            obj.inexact = True
                    else:
                        obj.values[obj.keys.index(k)] = v
                return Const(None)
            if name == "clear":
                obj.keys.clear()
                obj.values.clear()
                obj.inexact = False
                return Const(None)
            if name in ("setdefault", "update", "popitem", "pop"):
                obj.inexact = True  # an unknown key or source: the contents are no longer known
            return Unknown(name)
        if isinstance(obj, Const) and isinstance(obj.value, str):
            if name in ("format", "join", "upper", "lower", "strip", "replace", "split", "startswith", "endswith"):
                try:
                    if all(isinstance(a, Const) for a in args):
                        return Const(getattr(obj.value, name)(*[a.value for a in args]))
                except Exception:
                    pass
            return Unknown("str")
        if isinstance(obj, ArgParserV):
            return stdlib_api.parser_method(obj, name, args, kwargs)
        if isinstance(obj, ObjectV):
            got = sklearn_api.transformer_method(obj, name, args)
            if got is not None:
                return got
        if isinstance(obj, SuperV):
            if name == "__init__" and isinstance(obj.instance, ModelV) and not obj.instance.keras_name:
                self.name_subclassed(obj.instance, kwargs)
            if (name == "__init__" and isinstance(obj.instance, ModelV) and obj.instance.kind == "subclassed"
                    and not obj.instance.built and self.functional_init_arguments(args, kwargs)):
                # super().__init__(inputs=..., outputs=...) in a subclass: a Functional model
                obj.instance.kind = "functional"
                self.init_functional(obj.instance, list(args), dict(kwargs), node)
                return Const(None)
            inst = obj.instance
            if isinstance(inst, LayerV) and inst.user_class is not None and inst.user_class.builtin:
                return self.builtin_super(inst, name, args, kwargs, node)
            return Const(None)  # super().__init__(...) and friends: nothing more to follow
        if isinstance(obj, LayerV):
            if name == "add_loss":
                obj.adds_loss = True  # type: ignore[attr-defined]  # a model holding it trains without compile(loss=)
                return Const(None)
            if name in ("get_weights", "count_params"):
                return Const(obj.param_count) if name == "count_params" and obj.param_count is not None else Unknown(name)
            if name == "adapt" and obj.spec is not None:
                vocab = None
                data = args[0] if args else kwargs.get("data")
                values = _literal_leaves(data)
                if values is not None and obj.spec.class_name in ("TextVectorization", "StringLookup", "IntegerLookup"):
                    vocab = learned_vocabulary(obj.spec.class_name, obj.cfg, values)
                if obj.spec.class_name == "Normalization" and isinstance(data, ArrayV) and data.shape is not None:
                    obj.cfg[ADAPTED_SHAPE] = tuple(data.shape)  # the statistics' sizes (checked when data flows)
                    if obj.built_inputs and obj.spec.data_fault(obj.cfg, list(obj.built_inputs)) is not None:
                        # already built: adapt() itself refuses data of other sizes
                        self.it.diag(node, "SC103", f"The layer was built with input_shape={format_shape(obj.built_inputs[0])}, "
                                     f"but adapt() is being called with data with an incompatible shape, "
                                     f"data.shape={format_shape(data.shape)}",
                                     hint="adapt the layer on the same columns the model is given (drop the target column first)")
                if vocab is not None and obj.cfg.get("vocabulary") is None:
                    obj.cfg["vocabulary"] = vocab  # literal data: the vocabulary adapt() learns is known
                    obj.cfg.pop(ADAPTED, None)
                else:
                    # sizes that follow from the data (a lookup's vocabulary) become unknowns from here on
                    obj.cfg[ADAPTED] = obj.name  # names the unknown sizes after this layer
                return Const(None)
            if name == "set_vocabulary" and obj.spec is not None and args:
                obj.cfg["vocabulary"] = _to_config(args[0])
                obj.cfg.pop(ADAPTED, None)
                return Const(None)
            if name in ("vocabulary_size", "get_vocabulary") and hasattr(obj.spec, "vocabulary_size"):
                size = obj.spec.vocabulary_size(obj.cfg)
                if not is_known(size):
                    return Unknown(str(size)) if name == "vocabulary_size" else Unknown("vocabulary")
                return Const(size) if name == "vocabulary_size" else ListV([Unknown("token") for _ in range(size)])
            if name in ("set_weights", "build"):
                if name == "build" and args:
                    shape = numpy_api.as_shape(args[0])
                    if shape is not None and obj.spec is not None and obj.weights is None:
                        self.output_shapes(obj, [shape], node)
                return Const(None)
            if name == "add_weight" and obj.user_class is not None:
                shape = numpy_api.as_shape(kwargs.get("shape", args[0] if args else Unknown("shape")))
                trainable = kwargs.get("trainable")
                w = Weight(f"w{len(obj.cfg.setdefault('__weights__', []))}", shape, not (isinstance(trainable, Const) and trainable.value is False))
                obj.cfg["__weights__"].append(w)
                return TensorV(shape)
            return Unknown(name)
        return Unknown(name)

    # -- layers -----------------------------------------------------------------
    def uid(self, prefix: str) -> str:
        n = self.it.uids.get(prefix, 0)
        self.it.uids[prefix] = n + 1
        return prefix if n == 0 else f"{prefix}_{n}"

    def make_layer(self, class_name: str, args: list, kwargs: dict, node, arg_nodes: dict) -> Value:
        spec = get_spec(class_name)
        site = self.it.range_of(node)
        if class_name == "Lambda":
            fn = args[0] if args else kwargs.get("function")
            if isinstance(fn, FuncV) and fn.late_bound:
                self.late_bound_lambda(fn, node)
        if spec is None:
            if not class_name[:1].isupper():
                return Unknown(class_name)
            name_v = kwargs.get("name")
            layer = LayerV(None, class_name, {}, {}, name_v.value if isinstance(name_v, Const) and isinstance(name_v.value, str) else self.uid(to_snake_case(class_name)), site)
            layer.unknown_reason = f"shapecheck does not know the layer keras.layers.{class_name}"
            return layer
        cfg_args = [_to_config(a) for a in args]
        cfg_kwargs = {k: _to_config(v) for k, v in kwargs.items()}
        bound = spec.bind(cfg_args, cfg_kwargs)
        name = bound.base.get("name")
        if isinstance(name, Sym) or name is UNKNOWN:
            name = "?"  # a name computed in a way we could not follow: not numbered by Keras either
        elif not isinstance(name, str):
            name = self.uid(spec.default_name())
        for prefix in spec.init_sublayers:
            self.uid(prefix)
        layer = LayerV(spec, spec.class_name, bound.cfg, bound.base, name, site, keras2=bound.keras2)
        if spec.class_name == "Lambda":
            fn = args[0] if args else kwargs.get("function")
            if isinstance(fn, FuncV):
                layer.func = fn
        if arg_nodes.get("__unknown_star__"):
            # *args / **kwargs we could not expand: which arguments were given is unknown
            bound.faults = [f for f in bound.faults if f.code != "SC402"]
        for fault in bound.faults:
            target = node
            if fault.arg is not None and fault.arg in arg_nodes:
                target = arg_nodes[fault.arg]
            self.it.diag(target, fault.code, fault.message, hint=fault.fix)
        try:
            spec.validate(bound.cfg)
        except ShapeFault as fault:
            target = arg_nodes.get(fault.arg, node) if fault.arg else node
            self.it.diag(target, fault.code, fault.message, hint=fault.fix)
        except (NotImplementedError, TypeError, ValueError, KeyError, IndexError, AttributeError, ZeroDivisionError) as err:
            # Junk arguments a spec's checks did not foresee (Permute([1, None])): as for output shapes.
            self.it.diag(node, "SC003", f"could not check the arguments of {spec.class_name}: {err}", severity="info")
        act = bound.cfg.get("activation")
        if isinstance(act, str):
            layer.cfg["__activation_site__"] = arg_nodes.get("activation")
        return layer

    def late_bound_lambda(self, fn: FuncV, node) -> None:
        """Defer the report to the end of the loop, when the value every copy
        will read at predict time (the loop's last) is known."""
        pending = self.it.pending_late
        if pending:
            pending[-1].append(fn)
        else:
            self.report_late_bound(fn, {})

    def report_late_bound(self, fn: FuncV, final: dict) -> None:
        names = ", ".join(f"`{n}`" for n in fn.late_bound)
        seen = ", ".join(f"`{n}` = {final[n]!r}" for n in fn.late_bound if n in final)
        what = f"sees {seen} (the loop's last value)" if seen else "sees the loop's last value"
        first = fn.late_bound[0]
        self.it.diag(
            fn.node,
            "SC514",
            f"this Lambda's function reads the loop variable {names} when it runs, not when it is made: "
            f"under Keras 3 every copy made in this loop {what} at predict/fit time",
            hint=f"bind it now: `lambda x, {first}={first}: ...` or pass it with Lambda(..., arguments={{'{first}': {first}}})",
        )

    def make_input(self, args: list, kwargs: dict, node, site: bool = True) -> Value:
        spec = get_spec("InputLayer")
        bound = spec.bind([_to_config(a) for a in args], {k: _to_config(v) for k, v in kwargs.items() if k != "tensor"})
        cfg = bound.cfg
        shape = cfg.get("shape")
        batch_shape = cfg.get("batch_shape")
        if is_known(shape):
            self.it.diag(node, "SC108", f"Cannot convert '{shape}' to a shape: Input(shape=...) takes a tuple",
                         hint=f"write shape=({shape},)")
        if shape is None and batch_shape is None:
            # Keras-2 spellings InputLayer still accepts through Layer's kwargs.
            if isinstance(bound.keras2.get("batch_input_shape"), tuple):
                batch_shape = bound.keras2["batch_input_shape"]
            elif isinstance(bound.base.get("input_shape"), tuple):
                shape = bound.base["input_shape"]
        batch_size = cfg.get("batch_size")
        if isinstance(batch_shape, tuple):
            full = tuple(_dim(d) for d in batch_shape)
        elif isinstance(shape, tuple):
            full = (batch_size if is_known(batch_size) else None,) + tuple(_dim(d) for d in shape)
        elif is_known(shape):
            full = (batch_size if is_known(batch_size) else None, shape)
        elif shape is UNKNOWN:
            full = None
        else:
            full = None
        name = cfg.get("name") if isinstance(cfg.get("name"), str) else self.uid("input_layer")
        layer = LayerV(spec, "InputLayer", cfg, bound.base, name, self.it.range_of(node))
        layer.weights = []
        dtype = cfg.get("dtype") if isinstance(cfg.get("dtype"), str) else "float32"
        t = TensorV(full, dtype, site=self.it.range_of(node))
        n = Node(layer, [], [t], self.it.range_of(node))
        t.node = n
        layer.calls.append(n)
        layer.input_tensor = t
        if site:
            self.add_site(node, "tensor", t.shape, None)
        return t

    def _input_tensors(self, value: Value) -> Optional[list]:
        if isinstance(value, (TensorV, ArrayV)):
            return [value]
        if isinstance(value, (ListV, TupleV)):
            out = []
            for v in value.items:
                got = self._input_tensors(v)
                if got is None:
                    return None
                out.extend(got)
            return out
        if isinstance(value, DictV):
            out = []
            # Keras flattens dicts in sorted key order (tree.flatten).
            pairs = sorted(zip(value.keys, value.values), key=lambda kv: str(kv[0]))
            for _k, v in pairs:
                got = self._input_tensors(v)
                if got is None:
                    return None
                out.extend(got)
            return out
        return None

    def apply_layer(self, layer: LayerV, args: list, kwargs: dict, node) -> Value:
        if layer.model is not None:
            return self.apply_model(layer.model, args, kwargs, node)
        first = args[0] if args else kwargs.get("inputs", kwargs.get("query", kwargs.get("x")))
        if first is None:
            return Unknown(layer.name)
        if isinstance(first, (Const, ApiRef, FuncV, ModuleV, LayerV, ClassV, ObjectV)) and not (
            isinstance(first, Const) and isinstance(first.value, (int, float))
        ):
            self.it.diag(node, "SC402", f"Only input tensors may be passed as positional arguments to a layer. "
                         f"Received: {_describe(first)}", hint="call the layer on a tensor, e.g. the result of keras.Input(...)")
            return Unknown(layer.name)
        spec = layer.spec
        if spec is not None and layer.user_class is None and self._too_many_positional(layer, args, node):
            return Unknown(layer.name)
        tensors = self._input_tensors(first)
        if spec is not None and spec.extra_call_inputs:
            for i, pname in enumerate(spec.extra_call_inputs):
                extra = args[1 + i] if len(args) > 1 + i else kwargs.get(pname)
                if extra is not None and tensors is not None:
                    more = self._input_tensors(extra)
                    if more is None:
                        tensors = None
                    else:
                        tensors.extend(more)
        if tensors is None:
            out = TensorV(None)
            n = self._record_node(layer, [], [out], node)
            n.opaque = True  # type: ignore[attr-defined]  # inputs unknown: lineage lost
            return out
        # On arrays, or on tensors computed from constants only (positions =
        # ops.arange(n)), Keras runs the layer eagerly: its output is data and
        # the layer joins no model's graph (its weights are still built).
        eager = any(isinstance(t, ArrayV) for t in tensors) or (
            bool(tensors) and all(tensor_ops.is_constant(t) for t in tensors))
        shapes = [t.shape for t in tensors]
        if layer.user_class is not None:
            return self.apply_user_layer(layer, tensors, node, args, kwargs)
        if spec is None:
            self.it.diag(node, "SC003", f"{layer.unknown_reason}: shapes after this call are unknown", severity="info")
            out = TensorV(None)
            self._record_node(layer, tensors, [out], node)
            return out
        # Keyword arguments of call() that change output shapes.
        extra_kwargs = {}
        for pname, default in spec.call_params.items():
            v = kwargs.get(pname)
            extra_kwargs[pname] = default if v is None else _to_config(v)
        out_shapes = self.output_shapes(layer, shapes, node, extra_kwargs, origins=tensors)
        if out_shapes is None:
            outs = [TensorV(None)]
        else:
            dtype = "float32"
            outs = [ArrayV(s, "float32") if eager else TensorV(s, dtype) for s in out_shapes]
        # Tensors passed by keyword (initial_state=, mask=, constants=) are
        # inputs of the node too: they connect the graph.
        extra_inputs = []
        for k, v in kwargs.items():
            if spec is not None and (k in spec.extra_call_inputs or k in ("inputs", "query")):
                continue
            extra_inputs.extend(t for t in (self._input_tensors(v) or []) if isinstance(t, TensorV))
        in_mask = getattr(tensors[0], "mask", None) if len(tensors) == 1 else None
        if in_mask is not None and spec.class_name in MASK_CONSUMERS and "mask" not in kwargs and not extra_inputs:
            # Keras passes the input's mask to call(mask=...) only when the
            # input is call()'s one tensor argument (not with initial_state=).
            extra_inputs.append(in_mask)
        self._record_node(layer, list(tensors) + extra_inputs, outs, node)
        if isinstance(kwargs.get("mask"), TensorV):
            in_mask = kwargs["mask"]  # an explicit mask= is the one Keras passes on
        self._propagate_mask(layer, tensors, outs, in_mask, node)
        self._note_runtime_fault(layer, shapes)
        label_shape = out_shapes[0] if out_shapes and len(out_shapes) == 1 else out_shapes
        self.add_site(node, "layer", label_shape, layer, origins=tensors)
        if out_shapes is not None and len(out_shapes) == 1 and not layer.cfg.get("return_state"):
            return outs[0]
        if out_shapes is None:
            return outs[0]
        # Attention layers return (output, scores) tuples; RNNs [output, *states].
        return TupleV(list(outs)) if extra_kwargs.get("return_attention_scores") else ListV(list(outs))

    def _too_many_positional(self, layer: LayerV, args: list, node) -> bool:
        """Keras binds a layer call to its call() signature: Concatenate()(a, b)
        has one positional slot (the list of inputs) and raises TypeError."""
        params = CALL_POSITIONAL.get(layer.spec.class_name, None)
        if params is None or len(args) <= len(params):
            return False
        hint = (f"pass the tensors as one list: {layer.spec.class_name}()([a, b])" if layer.spec.multi_input
                else f"{layer.spec.class_name}.call takes ({', '.join(params)}); pass other tensors by keyword")
        self.it.diag(node, "SC402", f"too many positional arguments: {layer.spec.class_name}.call() takes "
                     f"{len(params)} ({', '.join(params)}), the call gives {len(args)}", hint=hint)
        return True

    def _note_runtime_fault(self, layer: LayerV, shapes: list) -> None:
        """Faults Keras finds only when data flows (the graph builds fine):
        kept on the layer and reported at the first fit/predict/evaluate."""
        if layer.spec is not None and layer.user_class is None:
            found = layer.spec.data_fault(layer.cfg, shapes)
            if found is not None:
                layer.runtime_fault, layer.runtime_hint = found  # type: ignore[attr-defined]
                return
        if layer.class_name in ("Attention", "AdditiveAttention") and len(shapes) >= 2:
            q, v = shapes[0], shapes[1]
            k = shapes[2] if len(shapes) > 2 else v
            if q and k and is_known(q[-1]) and is_known(k[-1]) and q[-1] != k[-1]:
                layer.runtime_fault = (  # type: ignore[attr-defined]
                    f'{layer.class_name} "{layer.name}" scores the query against the key: their last dimensions must be '
                    f"equal, but are {q[-1]} (query {format_shape(q)}) and {k[-1]} (key {format_shape(k)}); the model "
                    "builds, and Keras raises when data flows")

    def _propagate_mask(self, layer: LayerV, tensors: list, outs: list, in_mask, node) -> None:
        """Keras masks: Embedding(mask_zero=True) and Masking make one from
        keras.ops (named graph operations); layers that support masking pass it on."""
        if not outs or not isinstance(outs[0], TensorV) or self.it.lambda_depth:
            return
        name = layer.class_name
        x = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], TensorV) else None
        if name == "Embedding" and layer.cfg.get("mask_zero") is True and x is not None:
            outs[0].mask = self.op_node("not_equal", [x], TensorV(x.shape, "bool"), node)  # type: ignore[attr-defined]
        elif name == "Masking" and x is not None and x.shape is not None:
            ne = self.op_node("not_equal", [x], TensorV(x.shape, "bool"), node)
            outs[0].mask = self.op_node("any", [ne], TensorV(tuple(x.shape[:-1]), "bool"), node)  # type: ignore[attr-defined]
        elif name == "Concatenate" and len(tensors) > 1 and any(getattr(t, "mask", None) is not None for t in tensors):
            outs[0].mask = self._concatenate_mask(layer, tensors, node)  # type: ignore[attr-defined]
        elif name in ("Attention", "AdditiveAttention") and tensors and getattr(tensors[0], "mask", None) is not None:
            q = tensors[0].mask  # the query's mask, as a tensor op
            outs[0].mask = self.op_node("convert_to_tensor", [q], TensorV(q.shape, "bool"), node)  # type: ignore[attr-defined]
        elif in_mask is not None:
            keeps = name in MASK_PASSERS or (name in MASK_CONSUMERS and layer.cfg.get("return_sequences") is True)
            if keeps and len(outs) >= 1:
                outs[0].mask = in_mask  # type: ignore[attr-defined]

    def _concatenate_mask(self, layer: LayerV, tensors: list, node) -> Optional[TensorV]:
        """Concatenate.compute_mask: each input's mask widened to the input's
        rank (ones where it has none), concatenated, reduced with any() — all
        keras.ops nodes of the graph."""
        masks = []
        for t in tensors:
            m = getattr(t, "mask", None)
            if t.shape is None:
                return None
            if m is None:
                masks.append(self.op_node("ones_like", [t], TensorV(t.shape, "bool"), node))
            elif m.shape is not None and len(m.shape) < len(t.shape):
                e = self.op_node("expand_dims", [m], TensorV(tuple(m.shape) + (1,), "bool"), node)
                z = self.op_node("zeros_like", [t], TensorV(t.shape, "bool"), node)
                try:
                    wide = shape_ops.broadcast(tuple(m.shape) + (1,), t.shape)
                except shape_ops.ShapeOpError:
                    wide = t.shape
                masks.append(self.op_node("logical_or", [e, z], TensorV(wide, "bool"), node))
            else:
                masks.append(m)
        axis = layer.cfg.get("axis", -1)
        try:
            cat = shape_ops.concatenate([m.shape for m in masks], axis if isinstance(axis, int) else -1)
        except (shape_ops.ShapeOpError, TypeError):
            cat = None
        c = self.op_node("concatenate", masks, TensorV(cat, "bool"), node)
        return self.op_node("any", [c], TensorV(tuple(cat[:-1]) if cat else None, "bool"), node)

    def output_shapes(self, layer: LayerV, shapes: list, node, extra: Optional[dict] = None,
                      origins: Optional[list] = None) -> Optional[list]:
        """Run the spec's shape rule (building the layer on first use).

        ``origins`` are the input tensors, so a fault can say where each
        input shape came from."""
        spec = layer.spec
        if any(s is None for s in shapes):
            if layer.weights is None and spec is not None and spec.class_name != "Lambda":
                # Some layers' weights don't depend on the input (Embedding):
                # keep them when the rule can tell without the input shape.
                try:
                    ws = list(spec.weights(layer.cfg, shapes))
                    if all(w.count is not None for w in ws):
                        layer.weights = ws
                        layer.built_inputs = shapes
                except Exception:
                    pass
            return None
        if spec.class_name == "Lambda":
            return self._lambda_shapes(layer, shapes, node)
        cfg = dict(layer.cfg)
        if extra:
            cfg.update(extra)
        try:
            if layer.built_inputs is None:
                if spec.class_name == "InputLayer":
                    return [shapes[0]]
                out = spec.output_shape(cfg, shapes)
                layer.weights = list(spec.weights(cfg, shapes))
                layer.built_inputs = shapes
                for prefix in spec.internal_sublayers:
                    self.uid(prefix)
            else:
                out = spec.output_shape(cfg, shapes)
                new_weights = list(spec.weights(cfg, shapes))
                if [w.shape for w in new_weights] != [w.shape for w in (layer.weights or [])] and all(
                    w.count is not None for w in new_weights
                ):
                    old = ", ".join(format_shape(s) for s in layer.built_inputs)
                    raise ShapeFault(
                        "SC110",
                        f"layer \"{layer.name}\" was built for input shape {old} and is called again on "
                        f"{', '.join(format_shape(s) for s in shapes)}: its weights {', '.join(format_shape(w.shape) for w in layer.weights or [])} cannot take it",
                    )
        except ShapeFault as fault:
            where = _origins_text(origins or [])
            self.it.diag(node, fault.code, f"{fault.message} (layer \"{layer.name}\", {layer.class_name}{where})", hint=fault.fix)
            return None
        except (NotImplementedError, TypeError, ValueError, KeyError, IndexError, AttributeError, ZeroDivisionError) as err:
            self.it.diag(node, "SC003", f"could not work out the output shape of {layer.class_name}: {err}", severity="info")
            return None
        if isinstance(out, list):
            return out
        return [out]

    def _lambda_shapes(self, layer: LayerV, shapes: list, node) -> Optional[list]:
        spec = layer.spec
        layer.weights = []
        layer.built_inputs = shapes
        source = spec.shape_source(layer.cfg) if hasattr(spec, "shape_source") else "function"
        if source == "output_shape":
            try:
                out = spec.output_shape(layer.cfg, shapes)
            except ShapeFault as fault:
                self.it.diag(node, fault.code, fault.message, hint=fault.fix)
                return None
            return out if isinstance(out, list) else [out]
        if source != "function":
            return None  # an output_shape function or an unknown value: not followed
        fn = layer.func
        if fn is None:
            return None
        arg = TensorV(shapes[0]) if len(shapes) == 1 else ListV([TensorV(s) for s in shapes])
        kwargs = {}
        arguments = layer.cfg.get("arguments")
        if isinstance(arguments, dict):
            kwargs = {k: (v if isinstance(v, Value) else Const(v)) for k, v in arguments.items()}
        saved = self.it.current_stmt
        self.it.lambda_depth += 1
        try:
            result = self.it.call_function(fn, [arg], kwargs, node)
        finally:
            self.it.lambda_depth -= 1
            self.it.current_stmt = saved
        if isinstance(result, TensorV):
            err = getattr(result, "error", None)
            if err:
                self.it.diag(node, "SC101", f"the Lambda's function fails on input shape {format_shape(shapes[0])}: {err}")
            return [result.shape]
        if isinstance(result, ArrayV):
            return [result.shape]
        if isinstance(result, (ListV, TupleV)) and all(isinstance(r, TensorV) for r in result.items):
            return [r.shape for r in result.items]
        return None

    def _record_node(self, layer: LayerV, inputs: list, outputs: list, node) -> Node:
        n = Node(layer, list(inputs), list(outputs), self.it.range_of(node), len(layer.calls))
        # A call made while Keras traces a subclassed model's call() on scratch
        # tensors leaves the layer no inbound node of its own.
        n.traced = bool(self.it.symbolic_call_depth)  # type: ignore[attr-defined]
        layer.calls.append(n)
        for i, t in enumerate(outputs):
            if isinstance(t, TensorV):
                t.node = n
                t.index = i
        return n

    def apply_user_layer(self, layer: LayerV, tensors: list, node, args: Optional[list] = None,
                         kwargs: Optional[dict] = None) -> Value:
        """A custom layer's call: its build() on the first call's input shape,
        then call() run over the arguments as given (x, encoder_outputs, mask=...)."""
        cls = layer.user_class
        args = list(args) if args is not None else [tensors[0] if len(tensors) == 1 else ListV(list(tensors))]
        kwargs = dict(kwargs or {})
        # Every tensor among the other arguments is an input of the node too.
        # Keras keeps a tensor passed twice (Cross()(x0, x0)) twice among them.
        more = [t for a in list(args[1:]) for t in (self._input_tensors(a) or []) if isinstance(t, (TensorV, ArrayV))]
        more += [t for a in kwargs.values() for t in (self._input_tensors(a) or [])
                 if isinstance(t, (TensorV, ArrayV)) and all(t is not u for u in tensors + more)]
        graph_inputs = list(tensors) + more
        shapes = [t.shape for t in tensors]
        if layer.built_inputs is None:
            layer.cfg.setdefault("__weights__", [])  # add_weight in __init__ made some already
            build = cls.methods.get("build")
            if build is not None:
                self.it.call_function(build, [layer, _shape_value(shapes[0]) if len(shapes) == 1 else ListV([_shape_value(s) for s in shapes])], {}, node)
            elif cls.builtin and layer.spec is not None:
                layer.cfg["__base_weights__"] = self._builtin_weights(layer, shapes)
            layer.built_inputs = shapes
        call = cls.methods.get("call")
        out: Value = TensorV(None)
        if call is None and cls.builtin and layer.spec is not None:
            got = self._builtin_output(layer, shapes)
            if got is not None:
                out = TensorV(got)
        if call is not None:
            missing = _missing_call_arguments(call, len(args), kwargs)
            if missing and not cls.builtin:
                # Keras 3 binds the call's arguments to call()'s signature before it fills in
                # training= and mask= from the context: a required `training` is not filled in.
                self.it.diag(node, "SC402", f"{cls.name}.call() is missing a required argument: '{missing[0]}' "
                             "(Keras 3 raises TypeError when the layer is called)",
                             hint=f"give it a default in call() ({missing[0]}=None) or pass it at this call")
            self.it.symbolic_call_depth += 1
            try:
                got = self.it.call_function(call, [layer] + args, kwargs, node)
            finally:
                self.it.symbolic_call_depth -= 1
            if isinstance(got, (TensorV, ArrayV)):
                out = TensorV(got.shape)
            elif isinstance(got, (TupleV, ListV)) and got.items and all(isinstance(t, (TensorV, ArrayV)) for t in got.items):
                # call() returning several tensors (a tuple of distances): one output each
                out = type(got)([TensorV(t.shape) for t in got.items])
        ws = list(layer.cfg.get("__base_weights__", [])) + list(layer.cfg.get("__weights__", []))
        for sub in layer.cfg.get("__sublayers__", []):
            got = _sublayer_weights(sub)
            ws.extend(got if got is not None else [Weight("?", None)])
        layer.weights = ws
        if isinstance(out, (TupleV, ListV)):
            self._record_node(layer, graph_inputs, list(out.items), node)
            self.add_site(node, "layer", [t.shape for t in out.items], layer)
            return out
        outs = [out] if isinstance(out, TensorV) else [TensorV(None)]
        self._record_node(layer, graph_inputs, outs, node)
        self.add_site(node, "layer", outs[0].shape, layer)
        return outs[0]

    def bind_builtin(self, layer: LayerV, args: list, kwargs: dict, node) -> None:
        """super().__init__(...) of a class that subclasses a built-in layer:
        the arguments configure the built-in underneath (the name stays the class's)."""
        spec = get_spec(layer.user_class.builtin)
        bound = spec.bind([_to_config(a) for a in args], {k: _to_config(v) for k, v in kwargs.items()})
        attrs = layer.cfg.get("__attrs__")
        layer.spec = spec
        layer.cfg = dict(bound.cfg)
        if attrs is not None:
            layer.cfg["__attrs__"] = attrs
        layer.base = dict(bound.base)
        name = bound.base.get("name")
        if isinstance(name, str):
            layer.name = name
        for fault in bound.faults:
            if fault.code != "SC402":  # unknown keywords may be the subclass's own
                self.it.diag(node, fault.code, fault.message, hint=fault.fix)

    def builtin_super(self, layer: LayerV, name: str, args: list, kwargs: dict, node) -> Value:
        if name == "__init__":
            self.bind_builtin(layer, args, kwargs, node)
            return Const(None)
        if layer.spec is None:
            return Unknown(name)
        first = args[0] if args else next(iter(kwargs.values()), None)
        if name == "build":
            shape = numpy_api.as_shape(first) if first is not None else None
            layer.cfg["__base_weights__"] = self._builtin_weights(layer, [shape]) if shape is not None else [Weight("?", None)]
            return Const(None)
        if name == "call":
            tensors = self._input_tensors(first) if first is not None else None
            if tensors and all(isinstance(t, (TensorV, ArrayV)) for t in tensors):
                got = self._builtin_output(layer, [t.shape for t in tensors])
                return TensorV(got)
            return TensorV(None)
        if name == "compute_output_shape":
            shape = numpy_api.as_shape(first) if first is not None else None
            got = self._builtin_output(layer, [shape]) if shape is not None else None
            return _shape_value(got) if got is not None else Unknown(name)
        return Unknown(name)

    @staticmethod
    def _builtin_cfg(layer: LayerV) -> dict:
        return {k: v for k, v in layer.cfg.items() if not k.startswith("__")}

    def _builtin_weights(self, layer: LayerV, shapes: list) -> list:
        try:
            return list(layer.spec.weights(self._builtin_cfg(layer), shapes))
        except Exception:  # a rule that cannot tell (an unknown config value): the count is unknown
            return [Weight("?", None)]

    def _builtin_output(self, layer: LayerV, shapes: list):
        if any(s is None for s in shapes):
            return None
        try:
            out = layer.spec.output_shape(self._builtin_cfg(layer), shapes)
        except Exception:
            return None
        if isinstance(out, list):
            return out[0] if len(out) == 1 else None
        return out

    def instantiate_user_class(self, cls: ClassV, args: list, kwargs: dict, node) -> Value:
        if cls.model_base:
            # Named when its __init__ reaches keras.Model.__init__ (super().__init__(name=...)).
            model = ModelV("subclassed", self.it.range_of(node), "")
            model.user_class = cls
            self.it.models.append(model)
            init = cls.methods.get("__init__")
            if init is None and self.functional_init_arguments(args, kwargs):
                # CustomModel(inputs, outputs): Keras makes it a Functional
                model.kind = "functional"
                self.name_subclassed(model, kwargs)
                return self.init_functional(model, list(args), dict(kwargs), node)
            if init is not None:
                self.it.call_function(init, [model] + list(args), dict(kwargs), node)
            if not model.keras_name:
                self.name_subclassed(model, kwargs if init is None else {})
            return model
        if cls.layer_base:
            name_v = kwargs.get("name")
            layer = LayerV(None, cls.name, {}, {}, name_v.value if isinstance(name_v, Const) and isinstance(name_v.value, str) else self.uid(to_snake_case(cls.name)), self.it.range_of(node))
            layer.user_class = cls
            init = cls.methods.get("__init__")
            if init is not None:
                self.it.call_function(init, [layer] + list(args), dict(kwargs), node)
            elif cls.builtin:
                self.bind_builtin(layer, args, kwargs, node)
            return layer
        inst = InstanceV(cls)
        init = cls.methods.get("__init__")
        if init is None and cls.fields is not None:
            self.init_fields(inst, cls, args, kwargs, node)
        elif init is not None:
            self.it.call_function(init, [inst] + list(args), dict(kwargs), node)
        return inst

    def dataclass_replace(self, inst: InstanceV, changes: dict, node) -> Value:
        """dataclasses.replace(cfg, **changes): a new instance made by the
        generated __init__ from the old field values and the changes."""
        cls = inst.cls
        if cls.fields is None or cls.methods.get("__init__") is not None:
            return Unknown("replace")
        given = {name: inst.attrs.get(name, Unknown(name)) for name, _, _ in cls.fields}
        given.update(changes)
        new = InstanceV(cls)
        self.init_fields(new, cls, [], given, node)
        return new

    def init_fields(self, inst: InstanceV, cls: ClassV, args: list, kwargs: dict, node) -> None:
        """The __init__ @dataclass (or NamedTuple) writes: each field from the
        arguments, else its default (a default_factory is called), then __post_init__."""
        for i, (fname, default, factory) in enumerate(cls.fields):
            if i < len(args):
                value = args[i]
            elif fname in kwargs:
                value = kwargs[fname]
            elif default is None:
                value = Unknown(fname)
            else:
                value = self.it.eval(default, cls.scope)
                if factory:
                    value = self.it.call(value, [], {}, node)
            inst.attrs[fname] = value
        post = cls.methods.get("__post_init__")
        if post is not None:
            self.it.call_function(post, [inst], {}, node)

    # -- models ---------------------------------------------------------------
    def new_model(self, kind: str, node, kwargs: dict) -> ModelV:
        m = ModelV(kind, self.it.range_of(node), "")
        name = kwargs.get("name")
        if isinstance(name, Const) and isinstance(name.value, str):
            m.keras_name = name.value
        else:
            m.keras_name = self.uid("sequential" if kind == "sequential" else "functional")
        self.it.models.append(m)
        return m

    def name_subclassed(self, m: ModelV, kwargs: dict) -> None:
        name = kwargs.get("name")
        if isinstance(name, Const) and isinstance(name.value, str):
            m.keras_name = name.value
        else:
            m.keras_name = self.uid(to_snake_case(m.user_class.name if m.user_class else "model"))

    def make_application(self, leaf: str, args: list, kwargs: dict, node) -> Value:
        """keras.applications.<Net>(...): a prebuilt functional model whose
        shapes and counts are known (its internal layers are not listed)."""
        if leaf == "preprocess_input" or leaf == "decode_predictions":
            x = args[0] if args else kwargs.get("x")
            if isinstance(x, TensorV) and leaf == "preprocess_input":
                module = self._app_module(node)
                if module in applications.TF_MODE_MODULES:
                    # x / 127.5 - 1: two keras.ops operations on the tensor
                    y = self.op_node("true_divide", [x], TensorV(x.shape), node)
                    return self.op_node("subtract", [y], TensorV(x.shape), node)
                return x  # other modes: same shape; their ops are not modelled
            if isinstance(x, ArrayV):
                return ArrayV(x.shape, "float32")
            return Unknown(leaf)

        def arg(name, i, default=None):
            v = kwargs.get(name, args[i] if i < len(args) else None)
            return default if v is None else _to_config(v)

        input_tensor = kwargs.get("input_tensor", args[2] if len(args) > 2 else None)
        input_shape = arg("input_shape", 3)
        if input_shape is None and isinstance(input_tensor, TensorV) and input_tensor.shape is not None:
            input_shape = tuple(input_tensor.shape[1:])  # Keras takes the size from input_tensor
        facts = applications.build(leaf, arg("include_top", 0, True), input_shape, arg("pooling", 4), arg("classes", 5, 1000))
        if facts is None:
            return Unknown(leaf)
        m = ModelV("functional", self.it.range_of(node), facts.name)
        self.it.models.append(m)
        m.app = facts  # type: ignore[attr-defined]
        m.context = f"keras.applications.{leaf}: internal layers not listed"
        inp = self.make_input([], {"batch_shape": TupleV([Const(d) if d is None or is_known(d) else Unknown(str(d)) for d in facts.input_shape])}, node,
                              site=False)  # the network's own Input: the call's value is the model, not this tensor
        m.inputs = [inp]
        out = TensorV(tuple(facts.output_shape))
        m.outputs = [out]
        m.built = True
        if isinstance(input_tensor, TensorV) and input_tensor.node is not None:
            # input_tensor=x: the network is built on x, so its .output lies in
            # the caller's graph (shown here as one row for the whole network)
            m.outputs = [self._as_list(self.apply_model(m, [input_tensor], {}, node, record_site=False))[0]]
        return m

    @staticmethod
    def _as_list(v: Value) -> list:
        return list(v.items) if isinstance(v, (ListV, TupleV)) else [v]

    def _app_module(self, node) -> str:
        """The keras.applications sub-module a call goes through (mobilenet_v2...)."""
        func = node.func if isinstance(node, cst.Call) else None
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute):
            return func.value.attr.value
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            return func.value.value
        return ""

    def sequential_built(self, m: ModelV) -> None:
        """Keras 3 rebuilds a Sequential's inner Functional graph whenever it
        gets built or changes while built; each rebuild takes a "functional"
        name, which shifts the names of functional models made after it."""
        if m.built and any(not (l.class_name == "InputLayer") for l in m.layers):
            self.uid("functional")

    def make_sequential(self, args: list, kwargs: dict, node) -> Value:
        m = self.new_model("sequential", node, kwargs)
        layers = args[0] if args else kwargs.get("layers")
        if isinstance(layers, (ListV, TupleV)):
            m.batching = True  # type: ignore[attr-defined]
            for item in layers.items:
                self.sequential_add(m, item, node)
            m.batching = False  # type: ignore[attr-defined]
            self.sequential_built(m)
        elif layers is not None and not (isinstance(layers, Const) and layers.value is None):
            m.broken = True
        return m

    def _first_layer_input_shape(self, layer: LayerV):
        base = layer.base
        if isinstance(layer.keras2.get("batch_input_shape"), tuple):  # Keras 2 (reported by bind)
            return tuple(_dim(d) for d in layer.keras2["batch_input_shape"])
        if isinstance(base.get("input_shape"), tuple):
            bs = base.get("batch_size")
            return (bs if is_known(bs) else None,) + tuple(_dim(d) for d in base["input_shape"])
        if base.get("input_shape") is not None and is_known(base.get("input_shape")):
            # `input_shape=(784)` is the int 784, not a tuple: Keras 3 refuses it
            self.it.diag(layer.site, "SC108", f"Cannot convert '{base['input_shape']}' to a shape: input_shape takes a tuple",
                         hint=f"write input_shape=({base['input_shape']},) — the comma makes the tuple")
            return (None, base["input_shape"])
        if base.get("input_dim") is not None:
            d = base["input_dim"]
            # Keras 3 Embedding keeps `input_length` only as a deprecated no-op.
            return (None, _dim(d))
        if base.get("input_dim") is UNKNOWN or isinstance(base.get("input_dim"), Sym):
            return (None, Sym(str(base.get("input_dim")) if isinstance(base.get("input_dim"), Sym) else "input_dim"))
        if base.get("input_shape") is UNKNOWN or isinstance(base.get("input_shape"), Sym):
            return UNKNOWN_RANK  # given, but not known to us: not even its rank
        return None

    def _seq_input(self, m: ModelV, shape, node=None) -> None:
        """Give a Sequential its InputLayer, as Keras does once the input
        shape is known (the layer takes an "input_layer" name)."""
        m.input_shape = shape
        m.built = True
        if not m.inputs:
            layer = LayerV(get_spec("InputLayer"), "InputLayer", {}, {}, self.uid("input_layer"), None)
            layer.weights = []
            t = TensorV(shape)
            n = Node(layer, [], [t], None)
            t.node = n
            layer.calls.append(n)
            layer.input_tensor = t
            m.inputs = [t]

    def sequential_add(self, m: ModelV, item: Value, node) -> None:
        if isinstance(item, TensorV) and item.node is not None and item.node.layer.class_name == "InputLayer":
            m.input_shape = item.shape
            m.input_layer = item.node.layer  # type: ignore[attr-defined]
            m.built = True
            m.inputs = [item]
            return
        if isinstance(item, LayerV) and item.class_name == "InputLayer" and item.input_tensor is not None:
            self.sequential_add(m, item.input_tensor, node)
            return
        if isinstance(item, ModelV):
            if not m.layers and m.input_shape is None and not m.built and item.built and item.inputs:
                self._seq_input(m, item.inputs[0].shape)
            item = self.model_as_layer(item)
        if not isinstance(item, LayerV):
            m.layers.append(LayerV(None, "Unknown", {}, {}, "?", self.it.range_of(node), unknown_reason="an unknown value was added"))
            self.it.diag(node, "SC003", "a value the analyzer cannot follow is added to this model: shapes after it are unknown", severity="info")
            m.broken = True
            return
        layer = item
        if not m.layers and m.input_shape is None and not m.built:
            shape = self._first_layer_input_shape(layer)
            if shape is UNKNOWN_RANK:
                self._seq_input(m, None)
            elif shape is not None:
                self._seq_input(m, shape)
        m.layers.append(layer)
        if m.built and not m.broken:
            self._propagate_sequential(m, node, only_last=True)
        if not getattr(m, "batching", False):
            self.sequential_built(m)

    def _propagate_sequential(self, m: ModelV, node, only_last: bool = False) -> None:
        """Apply the Sequential's layers in order to its input shape."""
        start = len(m.layers) - 1 if only_last else 0
        if only_last and start > 0 and getattr(m, "seq_outputs", None):
            prev = m.seq_outputs[-1]  # type: ignore[attr-defined]
        else:  # (also when the earlier layers were never propagated: an Input placed after them)
            prev = None
            m.seq_outputs = []  # type: ignore[attr-defined]
            start = 0
        if not m.inputs:
            self._seq_input(m, m.input_shape)
        x = prev if prev is not None else m.inputs[0]
        for layer in m.layers[start:]:
            if x.shape is None:
                m.seq_outputs.append(TensorV(None))  # type: ignore[attr-defined]
                x = TensorV(None)
                continue
            if layer.model is not None:
                out = self.apply_model(layer.model, [x], {}, node, record_site=False)
            elif layer.spec is None and layer.user_class is None:
                out = TensorV(None)
                self.it.diag(node, "SC003", f"{layer.unknown_reason or 'unknown layer'}: shapes after it are unknown", severity="info")
            else:
                # In Sequential([...]) each layer is reported where it is written.
                where = layer.site if getattr(m, "batching", False) and layer.site is not None else node
                out = self.apply_layer(layer, [x], {}, where)
            if not isinstance(out, TensorV):
                if isinstance(out, (ListV, TupleV)) and out.items and isinstance(out.items[0], TensorV):
                    # Sequential passes a multi-output layer's list on; Keras 3 raises later
                    out = out.items[0]
                else:
                    out = TensorV(None)
            if out.shape is None and x.shape is not None and layer.spec is not None:
                m.broken = True
            m.seq_outputs.append(out)  # type: ignore[attr-defined]
            x = out
        m.outputs = [x]

    def model_as_layer(self, m: ModelV) -> LayerV:
        if m.as_layer is None:
            # A Model subclass keeps its class name, even when built the functional way.
            layer = LayerV(None, m.user_class.name if m.user_class else ("Sequential" if m.kind == "sequential" else ("Functional" if m.kind == "functional" else "Model")),
                           {}, {}, m.keras_name, m.site)
            layer.model = m
            m.as_layer = layer
        return m.as_layer

    def make_functional(self, args: list, kwargs: dict, node) -> Value:
        for old, new in (("input", "inputs"), ("output", "outputs")):
            if old in kwargs and new not in kwargs:
                self.it.diag(node, "SC403", f"Unrecognized keyword arguments passed to Model: '{old}' (a Keras 1 spelling)",
                             hint=f"use {new}=")
                kwargs = dict(kwargs)
                kwargs[new] = kwargs.pop(old)
        m = self.new_model("functional", node, kwargs)
        return self.init_functional(m, args, kwargs, node)

    @staticmethod
    def functional_init_arguments(args: list, kwargs: dict) -> bool:
        """Keras's test for Model(inputs, outputs): a Model subclass called so
        becomes a Functional model."""
        return len(args) == 2 or (len(args) == 1 and "outputs" in kwargs) or ("inputs" in kwargs and "outputs" in kwargs)

    def init_functional(self, m: ModelV, args: list, kwargs: dict, node) -> ModelV:
        inputs_v = args[0] if args else kwargs.get("inputs")
        outputs_v = args[1] if len(args) > 1 else kwargs.get("outputs")
        ins = self._input_tensors(inputs_v) if inputs_v is not None else None
        outs = self._input_tensors(outputs_v) if outputs_v is not None else None
        if isinstance(inputs_v, DictV):
            m.input_names = sorted(str(k) for k in inputs_v.keys)
        if isinstance(outputs_v, DictV):
            m.output_names = sorted(str(k) for k in outputs_v.keys)
        if ins is None or outs is None or any(not isinstance(t, TensorV) for t in ins + outs):
            m.broken = True
            m.built = False
            if inputs_v is None or outputs_v is None:
                return m
            return m
        m.inputs = ins
        m.outputs = outs
        m.built = True
        m.layers = self._functional_layers(m, node)
        self._check_unique_names(getattr(m, "operations", m.layers), node)
        return m

    def _check_unique_names(self, layers: list, node) -> None:
        seen: dict[str, LayerV] = {}
        for layer in layers:
            if not layer.name or layer.name == "?":
                continue
            other = seen.get(layer.name)
            if other is not None and other is not layer:
                where = f" (line {other.site.line} and line {layer.site.line})" if other.site and layer.site else ""
                self.it.diag(node, "SC124", f'The name "{layer.name}" is used 2 times in the model{where}. '
                             "All operation names should be unique.",
                             hint="rename one of them, or drop the explicit name= and let Keras number it")
                return
            seen[layer.name] = layer

    def _functional_layers(self, m: ModelV, node) -> list:
        """Keras's graph map: layers ordered by depth (inputs first), ties by
        the order a depth-first walk from the outputs first meets them."""
        input_ids = {id(t) for t in m.inputs}
        finished: set[int] = set()
        in_progress: set[int] = set()
        nodes_in_decreasing_depth: list[Node] = []
        layer_index: dict[int, int] = {}
        layer_by_id: dict[int, LayerV] = {}
        missing: list[TensorV] = []

        opaque = False

        def visit(t: TensorV, depth_guard: int = 0) -> None:
            nonlocal opaque
            n = t.node
            if n is None:
                if not tensor_ops.is_constant(t):  # constants are captured data, not graph inputs
                    missing.append(t)
                return
            if getattr(n, "opaque", False):
                opaque = True
            if id(n) in finished:
                return
            if id(n) in in_progress or depth_guard > 5000:
                return
            lid = id(n.layer)
            if lid not in layer_index:
                layer_index[lid] = len(layer_index)
                layer_by_id[lid] = n.layer
            in_progress.add(id(n))
            if n.layer.class_name == "InputLayer" and id(t) not in input_ids and n.layer.input_tensor is t:
                missing.append(t)
            if id(t) not in input_ids and n.layer.class_name != "InputLayer":
                for parent in n.inputs:
                    if isinstance(parent, TensorV):
                        visit(parent, depth_guard + 1)
            finished.add(id(n))
            in_progress.discard(id(n))
            nodes_in_decreasing_depth.append(n)

        for t in m.outputs:
            visit(t)
        # Graph disconnected: an Input reached that is not among the model's inputs.
        for t in ([] if opaque else missing):
            if t.node is not None and t.node.layer.class_name == "InputLayer":
                self.it.diag(
                    node,
                    "SC120",
                    f"Graph disconnected: the outputs depend on input \"{t.node.layer.name}\" (shape {format_shape(t.shape)}"
                    f"{', line ' + str(t.node.site.line) if t.node.site else ''}) which is not among the model's inputs",
                    hint="add that Input to `inputs=`",
                )
            elif t.node is None:
                m.broken = True
        node_depth: dict[int, int] = {}
        layer_depth: dict[int, int] = {}
        for n in reversed(nodes_in_decreasing_depth):
            depth = node_depth.setdefault(id(n), 0)
            depth = max(depth, layer_depth.get(id(n.layer), 0))
            layer_depth[id(n.layer)] = depth
            node_depth[id(n)] = depth
            if n.layer.class_name == "InputLayer":
                continue
            for parent in n.inputs:
                if isinstance(parent, TensorV) and parent.node is not None and id(parent) not in input_ids:
                    pid = id(parent.node)
                    node_depth[pid] = max(depth + 1, node_depth.get(pid, 0))
                elif isinstance(parent, TensorV) and parent.node is not None:
                    pid = id(parent.node)
                    node_depth[pid] = max(depth + 1, node_depth.get(pid, 0))
        for t in m.inputs:
            if t.node is None:
                continue
            lid = id(t.node.layer)
            if lid not in layer_depth:
                layer_depth[lid] = 0
                layer_index[lid] = -1
                layer_by_id[lid] = t.node.layer
                if not opaque:
                    self.it.diag(node, "SC120", f"input \"{t.node.layer.name}\" is not connected to any of the model's outputs",
                                 severity="warning")
        # Keras prints a "Connected to" column unless the graph is a chain:
        # one node per depth, each with one input, no layer used twice.
        nodes_at: dict[int, list] = {}
        for n in nodes_in_decreasing_depth:
            nodes_at.setdefault(node_depth.get(id(n), 0), []).append(n)
        chain = all(len(v) == 1 and len(v[0].inputs) <= 1 for v in nodes_at.values())
        if chain:
            per_layer: dict[int, int] = {}
            for n in nodes_in_decreasing_depth:
                per_layer[id(n.layer)] = per_layer.get(id(n.layer), 0) + 1
            chain = all(c == 1 for c in per_layer.values())
        m.sequential_like = chain  # type: ignore[attr-defined]
        m.node_ids = {id(n) for n in nodes_in_decreasing_depth}  # type: ignore[attr-defined]
        by_depth: dict[int, list[int]] = {}
        for lid, d in layer_depth.items():
            by_depth.setdefault(d, []).append(lid)
        ordered = []
        for d in sorted(by_depth, reverse=True):
            ids = sorted(by_depth[d], key=lambda x: layer_index[x])
            ordered.extend(layer_by_id[i] for i in ids)
        m.operations = ordered  # type: ignore[attr-defined]
        ordered = [l for l in ordered if not l.is_operation]
        # An input tensor that is not itself an InputLayer output (a model
        # built on intermediate tensors): Keras makes no InputLayer row for it.
        return ordered

    def apply_model(self, m: ModelV, args: list, kwargs: dict, node, record_site: bool = True) -> Value:
        first = args[0] if args else kwargs.get("inputs")
        tensors = self._input_tensors(first) if first is not None else None
        layer = self.model_as_layer(m)
        if m.kind == "subclassed":
            return self.call_subclassed(m, first, node)
        if tensors is None:
            out = TensorV(None)
            self._record_node(layer, [], [out], node)
            return out
        if m.kind == "sequential" and not m.built:
            m.input_shape = tensors[0].shape
            m.built = True
            self._propagate_sequential(m, node)
            self.sequential_built(m)
        if not m.outputs:
            outs = [TensorV(None)]
        else:
            # Replace the model's own batch axis with the caller's.
            outs = []
            for o in m.outputs:
                s = o.shape
                if s is not None and tensors and tensors[0].shape is not None and s:
                    s = (tensors[0].shape[0],) + tuple(s[1:])
                outs.append(TensorV(s))
            self._check_model_inputs(m, tensors, node)
        self._record_node(layer, tensors, outs, node)
        if record_site:
            self.add_site(node, "layer", outs[0].shape if len(outs) == 1 else [o.shape for o in outs], layer)
        return outs[0] if len(outs) == 1 else ListV(outs)

    def _check_model_inputs(self, m: ModelV, tensors: list, node) -> None:
        expected = [t.shape for t in m.inputs] if m.inputs else ([m.input_shape] if m.input_shape is not None else [])
        if not expected or len(expected) != len(tensors):
            return
        for want, got in zip(expected, [t.shape for t in tensors]):
            if want is None or got is None:
                continue
            # Keras 3 functional models adjust the rank by one trailing axis of size 1:
            # (3,) feeds an input of (None, 1), (None, 5, 1) an input of (None, 5).
            if len(got) == len(want) - 1 and want and want[-1] == 1:
                want = want[:-1]
            elif len(got) == len(want) + 1 and got and got[-1] == 1:
                got = got[:-1]
            if len(want) != len(got) or any(is_known(a) and is_known(b) and a != b for a, b in zip(want[1:], got[1:])):
                self.it.diag(node, "SC101", f"model \"{m.keras_name}\" expects input shape {format_shape(want)} but is called on {format_shape(got)}")
                return

    def call_subclassed(self, m: ModelV, first: Value, node) -> Value:
        call = m.user_class.methods.get("call") if m.user_class else None
        if call is None:
            return TensorV(None)
        concrete = isinstance(first, ArrayV)
        if concrete:
            first = TensorV(first.shape)
        # Keras runs a subclassed call() on backend tensors: any TF op is fine there.
        self.it.symbolic_call_depth += 1
        try:
            result = self.it.call_function(call, [m, first], {}, node)
        finally:
            self.it.symbolic_call_depth -= 1
        ins = self._input_tensors(first)
        if not m.built and ins and all(isinstance(t, (TensorV, ArrayV)) for t in ins):
            m.built = True
            m.inputs = [t if isinstance(t, TensorV) else TensorV(t.shape) for t in ins]
            outs = self._input_tensors(result)
            m.outputs = [t for t in outs if isinstance(t, TensorV)] if outs else []
            # Built by a call on real data: Keras keeps the build shape but no
            # symbolic outputs (summary and model.outputs know none).
            m.eager_built = concrete  # type: ignore[attr-defined]
        return result

    def model_layers(self, m: ModelV) -> list:
        return list(m.layers)

    def model_method(self, m: ModelV, name: str, args: list, kwargs: dict, node, arg_nodes) -> Value:
        if name == "add_loss":
            m.adds_loss = True  # type: ignore[attr-defined]
            return Const(None)
        if name == "add":
            if m.kind != "sequential":
                return Const(None)
            item = args[0] if args else kwargs.get("layer", Unknown("layer"))
            stray = [k for k in kwargs if k not in ("layer", "rebuild")]
            if stray and m.user_class is None:
                # model.add(Dense(10), activation="softmax"): the keyword was meant for the layer.
                k = stray[0]
                self.it.diag(arg_nodes.get(k, node), "SC402", f"Sequential.add() got an unexpected keyword argument '{k}'",
                             hint=f"move {k}=... inside the layer's parentheses: model.add(Dense(..., {k}=...))")
            if _certainly_not_layer(item):
                self.it.diag(node, "SC402", f"Only instances of `keras.Layer` can be added to a Sequential model. "
                             f"Received: {_describe(item)}",
                             hint="wrap an activation function in layers.Activation(...)" if isinstance(item, ApiRef) else None)
                m.broken = True
                return Const(None)
            self.sequential_add(m, item, node)
            return Const(None)
        if name == "pop":
            if m.layers:
                m.layers.pop()
                if m.built and m.input_shape is not None:
                    self._propagate_sequential(m, node)
                self.sequential_built(m)
            return Const(None)
        if name == "build":
            shape = numpy_api.as_shape(args[0] if args else kwargs.get("input_shape", Unknown("input_shape")))
            if shape is not None:
                self.build_with_shape(m, shape, node)
            return Const(None)
        if name == "count_params" and m.kind == "sequential" and not m.built and not m.broken:
            self.it.diag(node, "SC122", f"You tried to call `count_params` on layer '{m.keras_name}', but the layer isn't built",
                         hint="build it first: model.build(input_shape), or give the first layer an input shape", severity="error")
            return Unknown("count_params")
        if name == "count_params":
            n = m.total_params()
            return Const(n) if n is not None else Unknown("count_params")
        if name == "get_layer":
            key = args[0] if args else kwargs.get("name", kwargs.get("index"))
            if isinstance(key, Const):
                for layer in self.model_layers(m):
                    if layer.name == key.value:
                        return layer
                if isinstance(key.value, int):
                    try:
                        return self.model_layers(m)[key.value]
                    except IndexError:
                        pass
            return Unknown("layer")
        if name in ("save", "save_weights"):
            self._check_save_path(name, args, kwargs, node, arg_nodes)
            return Const(None)
        if name in EVENT_METHODS:
            return self.model_event(m, name, args, kwargs, node, arg_nodes)
        if name == "call" and m.kind == "subclassed":
            return self.call_subclassed(m, args[0] if args else Unknown("x"), node)
        return Unknown(name)

    def _check_save_path(self, what: str, args: list, kwargs: dict, node, arg_nodes) -> None:
        """Keras 3 saves whole models only as .keras (or legacy .h5/.hdf5) files
        and weights only as .weights.h5: the Keras 2 defaults (a SavedModel
        directory, weights.h5, save_format="tf") raise ValueError (3.15.1)."""
        path = args[0] if args else kwargs.get("filepath")
        if not (isinstance(path, Const) and isinstance(path.value, str)):
            return
        at = arg_nodes.get(0) if args else arg_nodes.get("filepath")
        fp = path.value
        if what == "ModelCheckpoint":
            weights_only = kwargs.get("save_weights_only", args[3] if len(args) > 3 else None)
            if weights_only is not None and not (isinstance(weights_only, Const) and isinstance(weights_only.value, bool)):
                return
            if weights_only is not None and weights_only.value:
                ok, need = fp.endswith(".weights.h5"), "`.weights.h5` (Keras weights format)"
                said = "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided must end in " + need
            else:
                ok, need = fp.endswith((".keras", ".h5")), "`.keras` (Keras model format)"
                said = f"The filepath provided must end in {need}"
            hint = (f"name the file with that ending, e.g. {_with_ending(fp, '.weights.h5' if weights_only is not None and weights_only.value else '.keras')!r}")
        elif what == "save_weights":
            ok, said = fp.endswith(".weights.h5"), "The filename must end in `.weights.h5`"
            hint = f"use model.save_weights({_with_ending(fp, '.weights.h5')!r})"
        else:
            fmt_arg = kwargs.get("save_format")
            ok = fp.endswith((".keras", ".h5", ".hdf5"))
            said = ("Invalid filepath extension for saving. Please add either a `.keras` extension for the native Keras "
                    "format (recommended) or a `.h5` extension")
            if fmt_arg is not None and not ok:
                said = "The `save_format` argument is deprecated in Keras 3. " + said
            hint = (f"use model.save({_with_ending(fp, '.keras')!r}); a TensorFlow SavedModel directory is "
                    "model.export(...) in Keras 3")
        if not ok:
            self.it.diag(at if at is not None else node, "SC403",
                         f"{said}. Received: filepath={fp}: Keras 3 raises ValueError (Keras 2 accepted it)", hint=hint)

    def dataset_map(self, ds: DatasetV, fn, node) -> Value:
        """ds.map(fn): fn followed on one element (a tuple element is spread
        over fn's parameters, as tf.data does). A function that uses the
        program's layers or models is not followed: calling them on one sample
        would build them with a shape the model never sees."""
        if not isinstance(fn, FuncV) or ds.element is None or self._touches_keras_objects(fn):
            return Unknown("map")
        element = ds.element
        args = list(element.items) if isinstance(element, TupleV) else [element]
        if not all(isinstance(a, ArrayV) for a in args):
            return Unknown("map")
        params = fn.node.params
        positional = list(params.posonly_params) + list(params.params)
        required = [p for p in positional if p.default is None]
        if isinstance(params.star_arg, cst.Param) is False and not (len(required) <= len(args) <= len(positional)):
            return Unknown("map")  # tf.data would refuse the call: no shapes to claim
        args = [TensorV(a.shape, "float32" if a.dtype.startswith("float") else a.dtype) for a in args]
        out = self.it.quietly(lambda: self.it.call_function(fn, args, {}, node))
        mapped = _as_element(out)
        return DatasetV(mapped, ds.batched) if mapped is not None else Unknown("map")

    def _touches_keras_objects(self, fn: FuncV) -> bool:
        text = self.it._function_text(fn.node) if not fn.is_lambda else ""
        if fn.is_lambda:
            rng = self.it.range_of(fn.node)
            text = "\n".join(self.it.source_lines[rng.line - 1: rng.end_line]) if rng is not None else ""
        for word in set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)):
            v = fn.scope.lookup(word) if fn.scope is not None else None
            if isinstance(v, (LayerV, ModelV, InstanceV)):
                return True
        return False

    def pydataset_batch(self, inst: InstanceV, node) -> Optional[DatasetV]:
        """A keras.utils.PyDataset (or Keras 2 Sequence) given to fit/predict:
        its first batch, __getitem__(0), as the data one step sees. Followed
        with diagnostics muted (the method's own faults are not this call's)."""
        if not _subclasses_pydataset(inst.cls):
            return None
        getitem = _find_method(inst.cls, "__getitem__")
        if getitem is None:
            return None
        first = self.it.quietly(lambda: self.it.call_function(getitem, [inst, Const(0)], {}, node))
        if first is None or isinstance(first, Unknown) or (isinstance(first, Const) and first.value is None):
            return None
        return DatasetV(first, batched=True, source="pydataset")

    def build_with_shape(self, m: ModelV, shape: tuple, node) -> None:
        shape = tuple(shape)
        if m.kind == "sequential":
            if not m.built:
                m.input_shape = shape
                m.built = True
                self._propagate_sequential(m, node)
                self.sequential_built(m)
        elif m.kind == "subclassed" and not m.built:
            # Keras 3's Model.build on a subclass without its own build():
            # the model is marked built, its layers stay unbuilt.
            user_build = m.user_class.methods.get("build") if m.user_class else None
            if user_build is not None:
                self.it.call_function(user_build, [m, _shape_value(shape)], {}, node)
            m.built = True
            m.inputs = [TensorV(shape)]

    def model_event(self, m: ModelV, name: str, args: list, kwargs: dict, node, arg_nodes) -> Value:
        params = METHOD_PARAMS.get(name, [])
        if m.user_class is not None and any(k in m.user_class.methods for k in ("train_step", "test_step", "compute_loss")):
            # Custom training: what loss and labels mean is the class's business.
            m.escaped = True
            if name in ("fit", "evaluate", "train_on_batch", "test_on_batch"):
                return ObjectV("keras.callbacks.History") if name == "fit" else Unknown(name)
        if name in ("fit", "predict") and m.kind != "subclassed":
            for k in kwargs:
                if k not in params:
                    hint = "use epochs=" if k == "nb_epoch" else None
                    self.it.diag(arg_nodes.get(k, node), "SC402", f"{name}() got an unexpected keyword argument '{k}'", hint=hint)
        bound: dict[str, Value] = {}
        nodes: dict[str, Any] = {}
        for i, a in enumerate(args):
            if i < len(params):
                bound[params[i]] = a
                nodes[params[i]] = arg_nodes.get(i)
        for k, v in kwargs.items():
            bound[k] = v
            nodes[k] = arg_nodes.get(k)
        if isinstance(bound.get("x"), InstanceV) and name in DATA_EVENT_METHODS:
            batch = self.pydataset_batch(bound["x"], node)
            if batch is not None:
                bound["x"] = batch
        if isinstance(bound.get("x"), DatasetV) and name in DATA_EVENT_METHODS:
            ds = bound["x"]
            if ds.batched or m.built:  # Keras builds an unbuilt model from the first batch
                x_step, y_step = tf_data.as_fit_data(ds)
                bound["x"] = x_step
                if y_step is not None and bound.get("y") is None:
                    bound["y"] = y_step
                    nodes["y"] = nodes.get("x")
        # Fitting or predicting builds an unbuilt model from the data shape.
        if name in ("fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch") and not m.built:
            x = bound.get("x")
            xs = self._input_tensors(x) if x is not None else None
            if (xs and len(xs) == 1 and isinstance(xs[0], (ArrayV, TensorV)) and xs[0].shape is not None
                    and not numpy_api.is_text_dtype(xs[0].dtype)):  # Keras refuses those before building (SC306)
                shape = (None,) + tuple(xs[0].shape[1:])
                if m.kind == "subclassed" and isinstance(xs[0], ArrayV) and xs[0].shape:
                    # Keras builds a subclass on the first batch of real data:
                    # its layers record that batch size, and no symbolic call
                    # gives the model inputs/outputs of its own.
                    first = (self._first_batch(name, xs[0].shape[0], bound.get("batch_size"), bound.get("validation_split")),) + tuple(xs[0].shape[1:])
                    self.call_subclassed(m, ArrayV(first, xs[0].dtype), node)
                elif m.kind == "subclassed":
                    self.call_subclassed(m, TensorV(shape), node)
                else:
                    self.build_with_shape(m, shape, node)
            elif (m.kind == "subclassed" and isinstance(x, (ListV, TupleV)) and xs and len(xs) == len(x.items) > 1
                  and all(isinstance(t, ArrayV) and t.shape and not numpy_api.is_text_dtype(t.dtype) for t in xs)):
                # A subclass fed a list of arrays: call() gets the list, one first batch of each.
                batch = self._first_batch(name, xs[0].shape[0], bound.get("batch_size"), bound.get("validation_split"))
                first = type(x)([TensorV((batch,) + tuple(t.shape[1:])) for t in xs])
                was_built = m.built
                self.call_subclassed(m, first, node)
                if m.built and not was_built:
                    m.eager_built = True  # type: ignore[attr-defined]
            elif (x is not None and m.kind == "sequential" and not m.broken and m.layers
                  and not (isinstance(x, Const) and x.value is None) and not isinstance(x, (ModelV, LayerV))):
                # Data the analyzer cannot see (read from a file...): Keras builds
                # the model on it, with an input shape unknown here, not "unbuilt".
                self._seq_input(m, None)
                self._propagate_sequential(m, node)
                self.sequential_built(m)
        if name in ("fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch"):
            for layer in m.unique_layers():
                fault = getattr(layer, "runtime_fault", None)
                if fault:
                    self.it.diag(node, "SC103", f"{name}(): {fault}",
                                 hint=getattr(layer, "runtime_hint", None)
                                 or "project the query or the key to the same width (a Dense) before the attention")
                    break
        rng = self.it.range_of(node) or Range(1, 0, 1, 0)
        event = CallEvent(name, None, rng.line, rng.col, rng.end_line, rng.end_col)  # model filled in finish()
        event.model_value = m  # type: ignore[attr-defined]
        event.model_built = bool(m.built)  # the state at this call; the model may be built later
        event.args = {k: self.arg_info(v, nodes.get(k)) for k, v in bound.items()}
        if name == "compile":
            m.compiled = event
        else:
            event.compiled = m.compiled
            if name in ("fit", "fit_generator", "train_on_batch") and m.compiled is not None:
                m.optimizer_built_by = m.compiled  # type: ignore[attr-defined]  # the first step builds it
        self.it.report.events.append(event)
        if name == "fit" or name == "fit_generator":
            return ObjectV("keras.callbacks.History")
        if name in ("predict", "predict_on_batch"):
            if m.outputs and all(isinstance(o, TensorV) for o in m.outputs):
                x = bound.get("x")
                xs = self._input_tensors(x) if x is not None else None
                n = xs[0].shape[0] if xs and isinstance(xs[0], (ArrayV, TensorV)) and xs[0].shape else None
                outs = [ArrayV((n,) + tuple(o.shape[1:]) if o.shape else None, "float32") for o in m.outputs]
                return outs[0] if len(outs) == 1 else ListV(outs)
            return Unknown("predictions")
        return Unknown(name)

    @staticmethod
    def _first_batch(method: str, n, batch_size: Optional[Value], validation_split: Optional[Value] = None):
        """The batch size a subclassed model records when fit/evaluate/predict
        build it on n samples (Keras 3.15, measured): fit and evaluate trace a
        symbolic batch whose size is fixed only when batch_size divides the
        (training) samples, else None; predict builds on its first real batch;
        the *_on_batch methods take all n."""
        if method.endswith("_on_batch"):
            return n
        if batch_size is None or (isinstance(batch_size, Const) and batch_size.value is None):
            bs = 32
        elif isinstance(batch_size, Const) and isinstance(batch_size.value, int):
            bs = batch_size.value
        else:
            return Sym("batch_size")
        if not isinstance(n, int):
            return Sym("batch")
        if method == "predict":
            return min(n, bs)
        if method == "fit" and isinstance(validation_split, Const) and isinstance(validation_split.value, float):
            n = int(math.floor(n * (1.0 - validation_split.value)))
        return bs if n % bs == 0 else None

    def arg_info(self, v: Value, node, inherit: Optional[Range] = None) -> ArgInfo:
        rng = self.it.range_of(node.value if isinstance(node, cst.Arg) else node) if node is not None else inherit
        pos = dict(line=rng.line, col=rng.col, end_line=rng.end_line, end_col=rng.end_col) if rng else {}
        if isinstance(v, Const):
            return ArgInfo("const", value=v.value, **pos)
        if isinstance(v, ArrayV):
            info = ArgInfo("array", shape=v.shape, dtype=v.dtype, min_value=v.min_value, max_value=v.max_value,
                           origin=getattr(v, "origin", None), **pos)
            nc = getattr(v, "num_classes_arg", None)
            if nc is not None:
                info.kwargs["num_classes"] = self.arg_info(nc, None)
            return info
        if isinstance(v, TensorV):
            return ArgInfo("tensor", shape=v.shape, dtype=v.dtype, **pos)
        if isinstance(v, ModelV):
            return ArgInfo("model", **pos)
        if isinstance(v, ObjectV):
            info = ArgInfo("object", class_name=v.leaf, kwargs={k: self.arg_info(x, None) for k, x in v.kwargs.items()},
                           items=[self.arg_info(x, None) for x in v.args], **pos)
            if v.site is not None:
                # Constructor arguments are placed at the constructor call, where Keras raises for them.
                site = dict(line=v.site.line, col=v.site.col, end_line=v.site.end_line, end_col=v.site.end_col)
                for sub in list(info.kwargs.values()) + list(info.items):
                    if not sub.line:
                        sub.line, sub.col, sub.end_line, sub.end_col = site["line"], site["col"], site["end_line"], site["end_col"]
            return info
        if isinstance(v, (ListV, TupleV)):
            return ArgInfo("list" if isinstance(v, ListV) else "tuple", items=[self.arg_info(x, None) for x in v.items], **pos)
        if isinstance(v, DictV):
            return ArgInfo("dict", items={str(k): self.arg_info(x, None) for k, x in zip(v.keys, v.values)}, **pos)
        if isinstance(v, FuncV):
            return ArgInfo("function", value=v.name, **pos)
        if isinstance(v, ApiRef):
            return ArgInfo("function", value=v.leaf, class_name=v.path, **pos)
        return ArgInfo("unknown", **pos)

    # -- operators on tensors and arrays ---------------------------------------
    def op_node(self, op_name: str, operands: list, out: Value, node, named: bool = True,
                class_name: Optional[str] = None) -> Value:
        """Record a keras.ops operation on symbolic tensors (``x + y``,
        ``ops.mean(x)``) as a graph node: Keras names it from its counters
        (so a later ``layers.Add()`` is ``add_1``) but lists no layer for it.
        Inside a Lambda body the ops run in a scratch trace and take no name."""
        if self.it.lambda_depth or self.it.symbolic_call_depth or not isinstance(out, TensorV):
            return out  # inside Lambda bodies and layers' call(), Keras traces on scratch tensors
        tensors = [t for t in operands if isinstance(t, TensorV)]
        if not tensors:
            return out
        # keras.ops functions that forward to another op (ops.abs is ops.absolute)
        op_name = {"abs": "absolute", "conj": "conjugate"}.get(op_name, op_name)
        class_name = class_name or "".join(part.capitalize() for part in op_name.split("_"))
        op = LayerV(None, class_name, {}, {}, self.uid(op_name) if named else op_name, self.it.range_of(node), is_operation=True)
        op.weights = []
        self._record_node(op, tensors, [out], node)
        return out

    def binop(self, op: str, left: Value, right: Value, node) -> Value:
        out = self._binop(op, left, right, node)
        if isinstance(out, TensorV) and (isinstance(left, TensorV) or isinstance(right, TensorV)):
            return self.op_node(_OP_NAMES.get(op, op.lower()), [left, right], out, node)
        return out

    def _binop(self, op: str, left: Value, right: Value, node) -> Value:
        if op == "MatrixMultiply":
            a, b = tensor_ops.shape_of(left), tensor_ops.shape_of(right)
            if a == "?" or b == "?":
                return Unknown("matmul")
            try:
                s = shape_ops.matmul(a, b)
            except shape_ops.ShapeOpError:
                return Unknown("matmul")
            return TensorV(s) if isinstance(left, TensorV) or isinstance(right, TensorV) else ArrayV(s)
        if isinstance(left, (TensorV, ArrayV)) or isinstance(right, (TensorV, ArrayV)):
            a, b = tensor_ops.shape_of(left), tensor_ops.shape_of(right)
            if isinstance(left, (ListV, TupleV)):
                arr = numpy_api.literal_array(left)
                a = arr.shape if isinstance(arr, ArrayV) else "?"
            if isinstance(right, (ListV, TupleV)):
                arr = numpy_api.literal_array(right)
                b = arr.shape if isinstance(arr, ArrayV) else "?"
            try:
                s = shape_ops.broadcast(a, b) if a != "?" and b != "?" else None
            except shape_ops.ShapeOpError as err:
                # x + y on shapes that don't broadcast: Keras (or NumPy) raises here
                if not self.it.lambda_depth:
                    self.it.diag(node, "SC103", f"{_OP_SYMBOLS.get(op, op)}: {err}",
                                 hint="make the shapes agree (a Dense to the same width, a Reshape) before combining them")
                out = TensorV(None)
                out.error = str(err)  # type: ignore[attr-defined]
                return out
            if isinstance(left, TensorV) or isinstance(right, TensorV):
                return TensorV(s, left.dtype if isinstance(left, TensorV) else right.dtype)
            base = left if isinstance(left, ArrayV) else right
            lo, hi = _range_after(op, left, right)
            dtype = base.dtype
            if op == "Divide" or (isinstance(right, Const) and isinstance(right.value, float)) or (isinstance(left, Const) and isinstance(left.value, float)):
                dtype = "float64"
            return ArrayV(s, dtype, lo, hi)
        return Unknown("?")

    def compare_arrays(self, left: Value, right: Value, op: str = "") -> Value:
        """x > 0.5 on a NumPy array: a bool array of the broadcast shape.  Its
        values are known only where the operands' ranges decide the comparison
        (the ranges rules read are attained values, not mere bounds)."""
        lo = hi = _decided_compare(op, left, right)
        shapes = []
        for side in (left, right):
            if isinstance(side, (ListV, TupleV)):
                side = numpy_api.literal_array(side)
            if isinstance(side, ArrayV):
                shapes.append(side.shape)
            elif isinstance(side, Const) and isinstance(side.value, (int, float, bool, str)):
                shapes.append(())
            else:
                return ArrayV(None, "bool", lo, hi)
        if any(s is None for s in shapes):
            return ArrayV(None, "bool", lo, hi)
        try:
            return ArrayV(shape_ops.broadcast(shapes[0], shapes[1]), "bool", lo, hi)
        except shape_ops.ShapeOpError:
            return Unknown("bool")

    def subscript(self, obj: Value, index: list, node) -> Value:
        if isinstance(obj, (TensorV, ArrayV)):
            idx = []
            for i in index:
                if isinstance(i, tuple) and i and i[0] == "slice":
                    parts = [x.value if isinstance(x, Const) and (x.value is None or isinstance(x.value, int)) else "?" for x in i[1:]]
                    idx.append(slice(*parts))
                elif isinstance(i, TupleV):
                    for j in i.items:
                        idx.append(_index_item(j))
                else:
                    idx.append(_index_item(i))
            if (isinstance(obj, ArrayV) and obj.shape and len(index) == 1 and isinstance(index[0], ArrayV)
                    and index[0].shape is not None and str(index[0].dtype or "").startswith(("int", "uint"))):
                # NumPy integer-array indexing of the first axis: np.eye(5)[labels] -> labels.shape + (5,)
                return ArrayV(tuple(index[0].shape) + tuple(obj.shape[1:]), obj.dtype, obj.min_value, obj.max_value)
            if any(isinstance(i, str) and i == "array" for i in idx):
                return type(obj)(None) if isinstance(obj, TensorV) else ArrayV(None, obj.dtype)
            if isinstance(obj, ArrayV) and any(isinstance(i, str) and i == "?" for i in idx):
                # data indexed by a value we cannot follow (an int or an index array?): no guessed shape
                return ArrayV(None, obj.dtype)
            try:
                s = shape_ops.index_shape(obj.shape, idx)
            except shape_ops.ShapeOpError as err:
                out = TensorV(None)
                out.error = str(err)  # type: ignore[attr-defined]
                return out if isinstance(obj, TensorV) else Unknown("index")
            if isinstance(obj, TensorV):
                return self.op_node("get_item", [obj], TensorV(s, obj.dtype), node)
            if s == ():
                return Unknown("scalar")
            return ArrayV(s, obj.dtype, obj.min_value, obj.max_value)
        if isinstance(obj, ModelV):
            return Unknown("?")
        return Unknown("?")

    def unpack(self, value: Value, n: int) -> Optional[list]:
        if isinstance(value, ArrayV) and value.shape and is_known(value.shape[0]) and value.shape[0] <= 10_000:
            return [ArrayV(tuple(value.shape[1:]), value.dtype, value.min_value, value.max_value) for _ in range(value.shape[0])]
        if isinstance(value, TensorV) and value.shape and is_known(value.shape[0]) and value.shape[0] <= 10_000:
            return [TensorV(tuple(value.shape[1:]), value.dtype) for _ in range(value.shape[0])]
        if isinstance(value, DictV):
            return [Const(k) for k in value.keys]
        return None

    # -- bindings and sites -------------------------------------------------------
    def _constructed_by(self, m: ModelV, rhs) -> bool:
        """Is `rhs` the call that made the model (`x = keras.Model(...)`, not
        `x = build()` nor a loop variable)?"""
        return rhs is not None and m.site is not None and self.it.range_of(rhs) == m.site

    def on_bind(self, target: cst.Name, name: str, value: Value, scope, rhs) -> None:
        # Keras's summary names a model after the module variable holding it at the
        # end, else after the target of the statement that constructed it; a local
        # name it merely passes through (`m = member(i)`, a loop variable) is neither.
        if isinstance(value, ModelV) and (scope.kind == "module" or self._constructed_by(value, rhs)):
            value.var_names.append((name, scope.kind == "module", self._constructed_by(value, rhs)))
        elif isinstance(value, ArrayV) and rhs is not None and isinstance(rhs, cst.Call) and value.shape is not None:
            self.add_site(target, "array", value.shape, None, after=rhs)

    def add_site(self, node, kind: str, shape, layer: Optional[LayerV], after=None, origins=None) -> None:
        rng = self.it.range_of(after if after is not None else node)
        if rng is None:
            return
        if isinstance(shape, list):
            shape_text = "[" + ", ".join(format_shape(s) for s in shape) + "]"
        else:
            shape_text = format_shape(shape)
        label = f"→ {shape_text}"
        detail = ""
        if layer is not None:
            count = layer.param_count
            if count is not None and count:
                label += f" · {count:,} params"
            detail = _param_formula(layer)
        elif kind == "array":
            label = shape_text
        origin = _origins_text(origins or []).lstrip("; ")
        self.sites.append(Site(rng.line, rng.col, rng.end_line, rng.end_col, kind, label, detail, origin=origin))

    # -- the end: reports ---------------------------------------------------------
    def finish(self) -> None:
        it = self.it
        reports = {}
        for m in it.models:
            rep = self.model_report(m)
            reports[id(m)] = rep
            if m.app is None:  # a keras.applications net is built inside Keras, not by the script
                it.report.models.append(rep)
        for ev in it.report.events:
            mv = getattr(ev, "model_value", None)
            if mv is not None:
                ev.model = reports.get(id(mv))
        it.report.sites.extend(self.sites)

    def model_report(self, m: ModelV) -> ModelReport:
        names = m.var_names
        # Keras's rule (tests/oracle/README.md): the first module variable still holding
        # the model when the program ends, else the target of the statement that made it.
        holders = {n for n, is_module, _ in names if is_module and self.it.globals.vars.get(n) is m}
        module_names = [n for n in self.it.globals.vars if n in holders]
        built_as = [n for n, _, constructed in names if constructed]
        var = module_names[0] if module_names else (built_as[0] if built_as else "")
        site = m.site or Range(1, 0, 1, 0)
        layers = []
        built = m.built and not (m.kind == "subclassed" and not m.built)
        seq_outs = getattr(m, "seq_outputs", [])
        all_ops = getattr(m, "operations", None)
        layer_list = self.model_layers(m)
        reports_by_id = {}
        for i, layer in enumerate(all_ops if all_ops and m.kind == "functional" else layer_list):
            out_shape: Any = None
            from_model = False
            if m.kind == "sequential":
                if m.built and i < len(seq_outs):
                    out_shape = seq_outs[i].shape
            elif layer.input_tensor is not None:
                out_shape = layer.input_tensor.shape
            elif (m.kind == "subclassed" and layer.user_class is not None and not layer.user_class.builtin
                  and _find_method(layer.user_class, "compute_output_shape") is None
                  and layer.calls and all(getattr(c, "traced", False) for c in layer.calls)):
                # Called only inside the subclassed model's call(): no node, so Keras
                # asks compute_output_shape, which a custom layer without one cannot answer ("?").
                out_shape = None
            elif layer.calls and not (m.kind == "subclassed" and layer.class_name in BUILT_AT_INIT
                                      and all(getattr(c, "traced", False) for c in layer.calls)):
                # Keras shows a subclassed model's layer shape from the shapes
                # its build() recorded; layers built at construction (Dropout,
                # Activation...) never run build, so Keras shows "?" -- unless
                # the program also called them on real symbolic tensors
                # (keras.Model(x, self.call(x))), which gives them a node.
                node = self._node_in_model(layer, m)
                if m.kind == "subclassed" and layer.class_name in BUILT_AT_INIT:
                    node = [c for c in layer.calls if not getattr(c, "traced", False)][-1]
                outs = node.outputs
                out_shape = outs[0].shape if len(outs) == 1 else [o.shape for o in outs]
            elif layer.built_inputs and layer.spec is not None and layer.class_name not in BUILT_AT_INIT:
                # built by layer.build(shape) but never called: Keras shows the
                # shape its compute_output_shape gives for the build shape
                try:
                    got = layer.spec.output_shape(layer.cfg, layer.built_inputs)
                    out_shape = got if not isinstance(got, list) or len(got) != 1 else got[0]
                except Exception:
                    out_shape = None
            elif layer.model is not None and layer.model.kind != "subclassed" and layer.model.built and layer.model.outputs:
                # A built Sequential/Functional held but never called: Keras
                # prints its own output_shape (a list when it has several outputs).
                shapes = [t.shape for t in layer.model.outputs]
                out_shape = shapes[0] if len(shapes) == 1 else shapes
                from_model = True
            lsite = layer.site or site
            params = layer.param_count if (layer.weights is not None or layer.model is not None) else None
            trainable = layer.trainable_count if params is not None else None
            if params is None and _weightless(layer):
                params, trainable = 0, 0
            if layer.class_name == "InputLayer":
                params, trainable = 0, 0
            # Built, but its weights depend on a shape the analyzer does not know.
            params_unknown = params is None and built and (layer.weights is not None or bool(layer.calls) or m.kind == "sequential")
            layers.append(
                LayerReport(
                    name=layer.name,
                    class_name=layer.class_name,
                    line=lsite.line,
                    col=lsite.col + 1,
                    end_line=lsite.end_line,
                    end_col=lsite.end_col + 1,
                    output_shape=out_shape,
                    params=params,
                    trainable_params=trainable,
                    activation=layer.spec.activation(layer.cfg) if layer.spec is not None else None,
                    # Keras 2 keywords Keras 3 still swallows (Embedding's input_length) go along for the rules.
                    config={**{k: v for k, v in layer.cfg.items() if not k.startswith("__")},
                            **{k: v for k, v in (getattr(layer, "keras2", None) or {}).items() if k == "input_length"}},
                    input_shapes=list(layer.built_inputs or []),
                    connected_to=self._connections(layer, m),
                    shape_from_model=from_model,
                    params_unknown=params_unknown,
                )
            )
            if layer.model is not None and layer.model.app is not None:
                layers[-1].line = None  # made inside keras.applications, not on a line of the script
            reports_by_id[id(layer)] = layers[-1]
        operations = []
        if all_ops and m.kind == "functional":
            operations = layers
            layers = [reports_by_id[id(l)] for l in layer_list if id(l) in reports_by_id]
        # A layer never built (weights None, never called) holds no weights
        # yet and adds 0, as Keras counts; a count unknown to us (a Sym
        # dimension) makes the total unknown.
        # In a built Sequential every layer was applied: a missing count is unknown.
        unknown = any(l.params is None and (layer.weights is not None or layer.calls or m.kind == "sequential")
                      for l, layer in zip(layers, self.model_layers(m)))
        if m.frozen:
            # model.trainable = False freezes every layer it holds
            for l in layers:
                if l.params is not None:
                    l.trainable_params = 0
        if built and not unknown:
            total = sum(l.params or 0 for l in layers)
            trainable = sum(l.trainable_params or 0 for l in layers)
            non_trainable = total - trainable
        else:
            total = trainable = non_trainable = None
        if m.app is not None:
            total, trainable = m.total_params(), m.trainable_params()
            non_trainable = total - trainable if total is not None and trainable is not None else None
        if not built:
            total = trainable = non_trainable = None
        inputs = [t.shape for t in m.inputs] if m.inputs else ([m.input_shape] if m.input_shape is not None else [])
        outputs = [t.shape for t in m.outputs] if m.outputs and not getattr(m, "eager_built", False) else []
        opt_count = opt_bytes = None
        if built and m.compiled is not None and getattr(m, "optimizer_built_by", None) is m.compiled:
            opt = m.compiled.args.get("optimizer") or ArgInfo("const", value="rmsprop")  # compile()'s default
            opt_count, opt_bytes = optimizer_state(opt, trainable)
        return ModelReport(
            name=var,
            line=site.line,
            col=site.col + 1,
            end_line=site.end_line,
            end_col=site.end_col + 1,
            kind=m.kind,
            built=bool(built),
            inputs=inputs if built else [],
            outputs=outputs if built else [],
            layers=layers,
            total_params=total,
            trainable_params=trainable,
            non_trainable_params=non_trainable,
            keras_name=m.keras_name,
            context=m.context,
            sequential_like=getattr(m, "sequential_like", True),
            operations=operations,
            escaped=m.escaped,
            weight_bytes=m.weight_bytes() if built else (None, None),
            optimizer_params=opt_count,
            optimizer_bytes=opt_bytes,
            call_outputs=[t.shape for t in m.outputs] if built and m.outputs and getattr(m, "eager_built", False) else [],
            adds_loss=self._adds_loss(m, set()),
        )

    def _adds_loss(self, m: ModelV, seen: set) -> bool:
        """Does the model, or a layer or model inside it, call add_loss()? Keras 3 then
        trains on those losses without a loss in compile()."""
        if id(m) in seen:
            return False
        seen.add(id(m))
        if getattr(m, "adds_loss", False) or self._class_adds_loss(m.user_class):
            return True
        for layer in self.model_layers(m):
            if getattr(layer, "adds_loss", False) or self._class_adds_loss(layer.user_class):
                return True
            if layer.model is not None and self._adds_loss(layer.model, seen):
                return True
        return False

    def _class_adds_loss(self, cls) -> bool:
        # A class of the program whose methods call add_loss: a subclassed model whose
        # call() the analyzer never ran (built by fit on a dict) still trains on those losses.
        if cls is None or getattr(cls, "builtin", False):
            return False
        return any("add_loss(" in self.it._function_text(fn.node) for fn in cls.methods.values()
                   if isinstance(fn, FuncV) and not fn.is_lambda)

    def _node_in_model(self, layer: LayerV, m: ModelV) -> Node:
        # Keras shows a shared layer's shape from its last call, even one in another model.
        return layer.calls[-1]

    def _connections(self, layer: LayerV, m: ModelV) -> list[str]:
        if m.kind != "functional" or not layer.calls:
            return []
        in_model = getattr(m, "node_ids", None)
        out = []
        for n in layer.calls:
            if in_model is not None and id(n) not in in_model:
                continue
            for t in n.inputs:
                if isinstance(t, TensorV) and t.node is not None:
                    out.append(f"{t.node.layer.name}[{t.node.index}][{t.index}]")
        return out


# -- helpers -----------------------------------------------------------------------
def _literal_leaves(v: Value, depth: int = 0) -> Optional[list]:
    """The constants of a literal (nested) list/tuple, in order; None if any is not one."""
    if isinstance(v, Const) and isinstance(v.value, (str, int)) and not isinstance(v.value, bool):
        return [v.value]
    if isinstance(v, (ListV, TupleV)) and depth < 3:
        out: list = []
        for item in v.items:
            got = _literal_leaves(item, depth + 1)
            if got is None:
                return None
            out.extend(got)
        return out
    return None


# map()/reduce() over longer sequences than this are not followed (data, not layers).
MAX_MAPPED_ITEMS = 256


def _to_config(v: Value) -> Any:
    """Analyzer value -> a plain config value for the catalog (constants,
    tuples, NestedLayer; UNKNOWN or Sym when not known)."""
    if isinstance(v, Const):
        return v.value
    if isinstance(v, (TupleV, ListV)):
        return tuple(_to_config(i) for i in v.items)
    if isinstance(v, DictV):
        return {k: _to_config(x) for k, x in zip(v.keys, v.values)}
    if isinstance(v, LayerV) and v.spec is not None:
        return NestedLayer(v.spec, v.cfg, v.base)
    if isinstance(v, (ModelV, LayerV)) and (v if isinstance(v, ModelV) else v.model) is not None:
        # TimeDistributed(encoder): the model answers for its own shapes and weights
        return NestedLayer(ModelAsLayer(v if isinstance(v, ModelV) else v.model, _sublayer_weights), {}, {})
    if isinstance(v, Unknown):
        return Sym(v.name) if v.name and v.name != "?" else UNKNOWN
    if isinstance(v, ArrayV):
        return v  # weights=(W, b) arrays: kept for the Keras-2 check
    if isinstance(v, (FuncV, ApiRef, ObjectV)):
        return v.leaf if isinstance(v, (ApiRef, ObjectV)) else v
    return UNKNOWN


def _dim(d):
    if d is None or is_known(d) or isinstance(d, Sym):
        return d
    return Sym("?")


def _value_range(v: Value):
    if isinstance(v, ArrayV) and v.min_value is not None and v.max_value is not None:
        return v.min_value, v.max_value
    if isinstance(v, Const) and isinstance(v.value, (int, float)) and not isinstance(v.value, bool):
        return v.value, v.value
    return None


def _decided_compare(op: str, left: Value, right: Value) -> Optional[int]:
    """1 or 0 when every element of `left op right` is True / False, else None."""
    a, b = _value_range(left), _value_range(right)
    if a is None or b is None:
        return None
    (alo, ahi), (blo, bhi) = a, b
    rules = {
        "GreaterThan": (alo > bhi, ahi <= blo), "GreaterThanEqual": (alo >= bhi, ahi < blo),
        "LessThan": (ahi < blo, alo >= bhi), "LessThanEqual": (ahi <= blo, alo > bhi),
    }
    if op not in rules:
        return None
    always, never = rules[op]
    return 1 if always else 0 if never else None


def _shape_value(shape, of: Optional[str] = None) -> Value:
    if shape is None:
        return Unknown("shape")
    return TupleV([Const(d) if d is None or is_known(d) else Unknown(str(d)) for d in shape], shape_of=of)


def _index_item(v: Value):
    if isinstance(v, Const):
        if v.value is None or v.value is Ellipsis or (isinstance(v.value, int) and not isinstance(v.value, bool)):
            return v.value
    if isinstance(v, (ArrayV, TensorV, ListV)):
        return "array"
    return "?"


_OP_SYMBOLS = {"Add": "x + y", "Subtract": "x - y", "Multiply": "x * y", "Divide": "x / y", "FloorDivide": "x // y",
               "Modulo": "x % y", "Power": "x ** y"}

# Keras op names of Python operators on KerasTensors.
_OP_NAMES = {
    "Add": "add", "Subtract": "subtract", "Multiply": "multiply", "Divide": "true_divide",
    "FloorDivide": "floor_divide", "Modulo": "mod", "Power": "power", "MatrixMultiply": "matmul",
}


def _with_ending(fp: str, ending: str) -> str:
    base = fp
    for old in (".weights.h5", ".hdf5", ".h5", ".keras", ".tf", ".ckpt"):
        if base.endswith(old):
            base = base[: -len(old)]
            break
    return base.rstrip("/") + ending


def _as_element(v: Value) -> Optional[Value]:
    """What a map function returned, as a dataset element of arrays (None when unknown)."""
    if isinstance(v, TensorV):
        return ArrayV(v.shape, v.dtype) if v.shape is not None else None
    if isinstance(v, ArrayV):
        return v if v.shape is not None else None
    if isinstance(v, TupleV):
        items = [_as_element(i) for i in v.items]
        return TupleV(items) if all(i is not None for i in items) else None
    if isinstance(v, DictV):
        vals = [_as_element(i) for i in v.values]
        return DictV(list(v.keys), vals) if all(i is not None for i in vals) else None
    return None


def _subclasses_pydataset(cls: ClassV, depth: int = 0) -> bool:
    for base in cls.bases:
        if isinstance(base, ApiRef) and base.path.rsplit(".", 1)[-1] in ("PyDataset", "Sequence"):
            return True
        if isinstance(base, ClassV) and depth < 8 and _subclasses_pydataset(base, depth + 1):
            return True
    return False


def _class_attr(cls: ClassV, attr: str, depth: int = 0) -> Value:
    """A class attribute, looked up along the bases (a subclass inherits `input_shape = ...`)."""
    if attr in cls.attrs:
        return cls.attrs[attr]
    if depth < 20:
        for base in cls.bases:
            if isinstance(base, ClassV):
                found = _class_attr(base, attr, depth + 1)
                if not isinstance(found, Unknown):
                    return found
    return Unknown(attr)


def _method_kind(fn: FuncV) -> str:
    """'static', 'class' or 'instance', from the method's decorators."""
    for d in getattr(fn.node, "decorators", ()):
        expr = d.decorator
        leaf = expr.value if isinstance(expr, cst.Name) else expr.attr.value if isinstance(expr, cst.Attribute) else ""
        if leaf == "staticmethod":
            return "static"
        if leaf == "classmethod":
            return "class"
    return "instance"


def _bound(m: FuncV, instance: Optional[Value], cls: ClassV) -> FuncV:
    """A method as `obj.name` or `Class.name` gives it: a staticmethod unbound, a
    classmethod bound to the class, an instance method bound to the instance (or
    plain, looked up on the class)."""
    kind = _method_kind(m)
    if kind == "static":
        return m
    if kind == "class":
        return FuncV(m.node, m.scope, m.name, self_value=cls)
    return FuncV(m.node, m.scope, m.name, self_value=instance) if instance is not None else m


def _find_method(cls: ClassV, name: str, depth: int = 0) -> Optional[FuncV]:
    fn = cls.methods.get(name)
    if isinstance(fn, FuncV):
        return fn
    for base in cls.bases:
        if isinstance(base, ClassV) and depth < 8:
            got = _find_method(base, name, depth + 1)
            if got is not None:
                return got
    return None


def _origins_text(tensors: list) -> str:
    """'; input (None, 4) from line 7 (dense)' — where each input shape came from."""
    parts = []
    for t in tensors:
        n = getattr(t, "node", None)
        if n is None or n.site is None or not isinstance(t, TensorV):
            continue
        parts.append(f"{format_shape(t.shape)} from line {n.site.line} ({n.layer.name})")
    if not parts:
        return ""
    return ("; input " if len(parts) == 1 else "; inputs ") + ", ".join(parts)


def _certainly_not_layer(v: Value) -> bool:
    """Values Keras's Sequential.add certainly refuses (not unknowns)."""
    if isinstance(v, (Const, FuncV, ArrayV, RangeV, DictV, ModuleV)):
        return True
    if isinstance(v, ApiRef):
        return v.leaf[:1].islower()  # a function such as keras.activations.relu
    if isinstance(v, TensorV):
        return not (v.node is not None and v.node.layer.class_name == "InputLayer")
    return False


def _from_keras_input(t: Value) -> bool:
    """Is this tensor surely a KerasTensor, i.e. computed from a keras.Input?
    A layer or model called on data (an array, a tf.random tensor, a batch drawn
    from a dataset, a value the analyzer cannot know) runs eagerly in Keras 3 and
    returns a backend tensor that every TensorFlow function accepts. The answer
    is cached on each node: graphs are walked once however many ops read them."""
    if not isinstance(t, TensorV) or t.node is None:
        return False
    stack, seen, pending = [t.node], set(), []
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        got = getattr(n, "from_input", None)
        if got is not None:
            if got:
                return _mark(pending, True)
            continue
        pending.append(n)
        if getattr(n, "opaque", False):  # called on values the analyzer could not follow
            continue
        if not n.inputs:
            if n.layer is not None and n.layer.class_name == "InputLayer":
                return _mark(pending, True)
            continue
        stack.extend(i.node for i in n.inputs if isinstance(i, TensorV) and i.node is not None)
    return _mark(pending, False)


def _mark(nodes: list, value: bool) -> bool:
    # Only a full walk proves "no"; a "yes" holds for the nodes on the path walked so far
    # only in part, so it is cached on the first node alone (the one asked about).
    if value:
        if nodes:
            nodes[0].from_input = True  # type: ignore[attr-defined]
    else:
        for n in nodes:
            n.from_input = False  # type: ignore[attr-defined]
    return value


def _describe(v: Value) -> str:
    if isinstance(v, ApiRef):
        return f"<function {v.leaf}>"
    if isinstance(v, Const):
        return f"{v.value!r} (of type {type(v.value).__name__})"
    if isinstance(v, FuncV):
        return f"<function {v.name}>"
    return type(v).__name__.replace("V", "").lower()


def _model_class(m: ModelV) -> str:
    return {"sequential": "Sequential", "functional": "Functional"}.get(m.kind, m.user_class.name if m.user_class else "Model")


def _set_trainable(m: ModelV, flag: bool, depth: int = 0) -> None:
    m.frozen = not flag
    if depth > 20:
        return
    for layer in m.unique_layers():
        if layer.model is not None:
            _set_trainable(layer.model, flag, depth + 1)
        elif not layer.is_operation:
            layer.base["trainable"] = flag


def _sublayer_weights(sub: LayerV, depth: int = 0) -> Optional[list]:
    """The weights a layer held by a custom layer contributes to it: its own
    weights, a held model's layers' weights, nothing when Keras never built it
    (a known layer the custom call() never used); None when unknown."""
    if sub.model is not None and depth < 20:
        out = []
        for inner in sub.model.unique_layers():
            got = _sublayer_weights(inner, depth + 1)
            if got is None:
                return None
            out.extend(got if not sub.model.frozen else [Weight(w.name, w.shape, False, w.dtype) for w in got])
        return out
    if sub.weights is not None:
        return list(sub.weights)
    if not sub.calls and (sub.spec is not None or sub.class_name == "InputLayer"):
        return []
    return None


def _weightless(layer: LayerV) -> bool:
    """A layer Keras counts as built from construction (Dropout, Activation...)."""
    return layer.spec is not None and layer.model is None and layer.spec.class_name in BUILT_AT_INIT


def _layers_in(value: Value, api: Optional["KerasApi"] = None) -> list:
    if isinstance(value, LayerV):
        return [value]
    if isinstance(value, ModelV):
        return [api.model_as_layer(value)] if api is not None else []
    if isinstance(value, (ListV, TupleV)):
        out = []
        for v in value.items:
            out.extend(_layers_in(v, api))
        return out
    return []


def _range_after(op: str, left: Value, right: Value):
    if isinstance(left, ArrayV) and isinstance(right, ArrayV):
        # interval arithmetic: a bound on the values (exact unless both sides come from the same data)
        if None in (left.min_value, left.max_value, right.min_value, right.max_value):
            return None, None
        a, b, c, d = left.min_value, left.max_value, right.min_value, right.max_value
        if op == "Add":
            return a + c, b + d
        if op == "Subtract":
            return a - d, b - c
        if op == "Multiply":
            vals = (a * c, a * d, b * c, b * d)
            return min(vals), max(vals)
        return None, None
    arr = left if isinstance(left, ArrayV) else right
    other = right if arr is left else left
    if not isinstance(other, Const) or not isinstance(other.value, (int, float)) or arr.min_value is None or arr.max_value is None:
        return None, None
    c = other.value
    lo, hi = arr.min_value, arr.max_value
    try:
        if op == "Add":
            return lo + c, hi + c
        if op == "Subtract":
            return (lo - c, hi - c) if arr is left else (c - hi, c - lo)
        if op == "Multiply":
            vals = (lo * c, hi * c)
            return min(vals), max(vals)
        if op == "Divide" and arr is left and c:
            vals = (lo / c, hi / c)
            return min(vals), max(vals)
    except Exception:
        pass
    return None, None


def _param_formula(layer: LayerV) -> str:
    if layer.weights is None:
        return ""
    parts = []
    for w in layer.weights:
        if w.shape is None:
            return ""
        dims = [str(d) for d in w.shape]
        parts.append("×".join(dims) if dims else "1")
    total = layer.param_count
    if not parts or total is None:
        return ""
    return f"{' + '.join(parts)} = {total:,}"
