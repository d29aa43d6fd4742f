"""What each served module holds.

Every entry of ``MODULES`` maps a module name to a function filling a fresh
module object.  ``keras.*``, ``tensorflow.keras.*`` and the Keras 2 paths
(``keras.layers.core``, ``keras.layers.embeddings``, ...) are filled from the
same functions, so a class is the same object whichever path imported it.
"""
from __future__ import annotations

import types

import numpy as np

KERAS_VERSION = "3.15.1"
TF_VERSION = "2.21.0"

# Keras 2 module paths that held layers; all serve the whole layer namespace.
KERAS2_LAYER_MODULES = (
    "core", "embeddings", "convolutional", "recurrent", "pooling", "merge", "merging", "normalization",
    "advanced_activations", "wrappers", "noise", "local", "convolutional_recurrent", "dense_attention",
    "attention", "rnn", "reshaping", "activation", "regularization", "preprocessing",
)


def _export(mod, obj, names):
    for n in names:
        setattr(mod, n, getattr(obj, n))


def fill_layers(mod):
    from ..engine import Input, InputLayer, Lambda, Layer, layer_class

    mod.Input = Input
    mod.InputLayer = InputLayer
    mod.Lambda = Lambda
    mod.Layer = Layer

    def __getattr__(name):
        if name.startswith("__"):
            raise AttributeError(name)
        cls = layer_class(name)
        if cls is None:
            raise AttributeError(f"module '{mod.__name__}' has no attribute '{name}' "
                                 "(this layer is not in the shapecheck runtime's catalog)")
        setattr(mod, name, cls)
        return cls

    mod.__getattr__ = __getattr__
    mod.__path__ = []  # a package: Keras 2 sub-paths import below it
    # Keras's functional merge helpers: add([a, b]) == Add()([a, b]).
    for fn_name, cls_name in (("add", "Add"), ("subtract", "Subtract"), ("multiply", "Multiply"),
                              ("average", "Average"), ("maximum", "Maximum"), ("minimum", "Minimum"),
                              ("concatenate", "Concatenate"), ("dot", "Dot")):
        setattr(mod, fn_name, _merge_function(fn_name, cls_name))
    from ...layers import CATALOG

    # `from keras.layers import *`: every layer kind of the catalog.
    mod.__all__ = sorted(set(CATALOG) | {"Input", "InputLayer", "Lambda", "Layer", "add", "subtract", "multiply",
                                         "average", "maximum", "minimum", "concatenate", "dot"})


def _merge_function(fn_name, cls_name):
    def merge(inputs, *args, **kwargs):
        from ..engine import layer_class

        return layer_class(cls_name)(*args, **kwargs)(inputs)

    merge.__name__ = fn_name
    return merge


def fill_models(mod):
    from ..engine import Model, Sequential

    mod.Model = Model
    mod.Sequential = Sequential

    from ..engine.saving import load_model, save_model

    mod.load_model = load_model
    mod.save_model = lambda model, filepath, overwrite=True, **kw: save_model(model, filepath, overwrite)

    def clone_model(model, input_tensors=None, clone_function=None, **kwargs):
        """The same architecture with new weights: rebuilt from the model's config, as Keras does
        for Sequential and functional models (a subclassed model or custom clone_function is not)."""
        if input_tensors is not None or clone_function is not None or kwargs or \
                (type(model) is not Sequential and getattr(model, "_graph", None) is None):
            raise NotImplementedError("keras.models.clone_model is supported by the shapecheck runtime for "
                                      "Sequential and functional models without input_tensors/clone_function")
        return type(model).from_config(model.get_config())

    mod.clone_model = clone_model


def _register_serializable(package="Custom", name=None):
    """Keras's decorator: the runtime keeps classes in memory, so it only returns them."""
    def deco(obj):
        return obj

    return deco


def fill_saving(mod):
    from ..engine.saving import load_model, save_model

    mod.load_model = load_model
    mod.save_model = lambda model, filepath, overwrite=True, **kw: save_model(model, filepath, overwrite)
    mod.register_keras_serializable = _register_serializable
    mod.get_custom_objects = lambda: {}
    mod.custom_object_scope = _NullScope
    mod.CustomObjectScope = _NullScope


class _NullScope:
    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def fill_optimizers(mod):
    from .. import optimizers as o

    from .. import schedules

    _export(mod, o, ["Optimizer", "SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax", "Nadam", "Lion",
                     "get"])
    mod.schedules = types.SimpleNamespace(**{n: getattr(schedules, n) for n in (
        "LearningRateSchedule", "ExponentialDecay", "InverseTimeDecay", "PiecewiseConstantDecay", "CosineDecay",
        "PolynomialDecay")})
    mod.legacy = mod  # keras.optimizers.legacy.Adam (Keras 2.11+ spelling)
    mod.__path__ = []
    _not_provided(mod)


def fill_losses(mod):
    from .. import losses as l

    _export(mod, l, ["Loss", "MeanSquaredError", "MeanAbsoluteError", "BinaryCrossentropy",
                     "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "mean_squared_error",
                     "mean_absolute_error", "binary_crossentropy", "categorical_crossentropy",
                     "sparse_categorical_crossentropy", "mse", "mae", "MSE", "MAE", "get", "Huber", "LogCosh",
                     "MeanSquaredLogarithmicError", "MeanAbsolutePercentageError", "KLDivergence", "Poisson", "Hinge",
                     "SquaredHinge", "CosineSimilarity", "huber", "log_cosh", "logcosh", "mean_squared_logarithmic_error",
                     "mean_absolute_percentage_error", "kl_divergence", "poisson", "hinge", "squared_hinge",
                     "cosine_similarity", "mape", "MAPE", "msle", "MSLE", "kld", "KLD"])
    _not_provided(mod)


def fill_metrics(mod):
    from .. import metrics as m

    _export(mod, m, ["Metric", "Mean", "MeanMetricWrapper", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy",
                     "SparseCategoricalAccuracy", "MeanSquaredError", "MeanAbsoluteError", "binary_accuracy",
                     "categorical_accuracy", "sparse_categorical_accuracy", "mean_squared_error",
                     "mean_absolute_error", "mse", "mae", "binary_crossentropy", "categorical_crossentropy",
                     "sparse_categorical_crossentropy", "AUC", "Precision", "Recall", "TruePositives",
                     "FalsePositives", "TrueNegatives", "FalseNegatives", "RootMeanSquaredError",
                     "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "Sum", "top_k_categorical_accuracy",
                     "sparse_top_k_categorical_accuracy", "cosine_similarity", *m.LOSS_MEAN_CLASSES])
    _not_provided(mod)


def fill_callbacks(mod):
    from .. import callbacks as c

    _export(mod, c, ["Callback", "History", "EarlyStopping", "ModelCheckpoint", "LearningRateScheduler",
                     "TerminateOnNaN", "LambdaCallback", "ReduceLROnPlateau", "CSVLogger", "ProgbarLogger",
                     "TensorBoard", "RemoteMonitor", "BackupAndRestore"])
    _not_provided(mod)


def fill_utils(mod):
    from .. import utils as u

    _export(mod, u, ["to_categorical", "set_random_seed", "normalize", "pad_sequences", "PyDataset", "Sequence",
                     "timeseries_dataset_from_array"])

    def plot_model(model, to_file="model.png", **kwargs):
        print(f"(shapecheck runtime: plot_model skipped, {to_file} not written)")

    mod.plot_model = plot_model
    mod.register_keras_serializable = _register_serializable
    mod.get_custom_objects = lambda: {}
    mod.custom_object_scope = _NullScope
    mod.CustomObjectScope = _NullScope
    mod.__path__ = []
    _not_provided(mod)


def fill_utils_np(mod):
    from .. import utils as u

    mod.to_categorical = u.to_categorical
    mod.normalize = u.normalize


def fill_sequence(mod):
    from .. import utils as u

    mod.pad_sequences = u.pad_sequences


def fill_preprocessing(mod):
    mod.__path__ = []


# Backend functions that build or read variables stay as they are; the rest
# also work on symbolic tensors (they become Lambda layers).
_NOT_OPS = {"variable", "eval", "get_value", "set_value", "floatx", "set_floatx", "epsilon", "set_epsilon",
            "backend", "image_data_format", "clear_session", "int_shape", "ndim", "dtype", "zeros", "ones",
            "Variable", "annotations", "np", "shape"}


def _wrap_ops(mod, source):
    from ..engine.eager import eager_results
    from ..engine.tensor import symbolic_aware

    for name in dir(source):
        if name.startswith("_") or name in ("annotations", "np"):
            continue
        obj = getattr(source, name)
        if callable(obj) and not isinstance(obj, type) and name not in _NOT_OPS:
            obj = symbolic_aware(eager_results(obj), name)
        setattr(mod, name, obj)


def fill_backend(mod):
    from .. import backend as b

    _wrap_ops(mod, b)


def fill_ops(mod):
    from .. import ops as o
    from ..engine.tensor import symbolic_aware

    _wrap_ops(mod, o)

    def __getattr__(name):
        from ..engine.eager import eager_results

        fn = symbolic_aware(eager_results(o.__getattr__(name)), name)
        setattr(mod, name, fn)
        return fn

    mod.__getattr__ = __getattr__
    mod.nn = mod.numpy = mod.core = mod  # keras.ops.nn.sigmoid, keras.ops.numpy.mean: the same functions


def fill_activations(mod):
    from .. import activations as a

    for name, fn in a.ALL.items():
        setattr(mod, name, fn)
    mod.get = a.get
    mod.serialize = a.serialize


def fill_initializers(mod):
    from .. import initializers as i

    for name, cls in i.ALL.items():
        setattr(mod, name, cls)
    mod.Initializer = i.Initializer
    mod.get = i.get


def fill_regularizers(mod):
    from .. import regularizers as r

    _export(mod, r, ["Regularizer", "L1L2", "L1", "L2", "l1", "l2", "l1_l2", "get"])


def fill_constraints(mod):
    from .. import constraints as c

    _export(mod, c, ["Constraint", "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm", "get"])
    mod.max_norm, mod.non_neg, mod.unit_norm, mod.min_max_norm = c.MaxNorm, c.NonNeg, c.UnitNorm, c.MinMaxNorm


def fill_random(mod):
    from .. import random as r

    for name in ("SeedGenerator", "normal", "uniform", "truncated_normal", "randint", "dropout", "shuffle",
                 "categorical"):
        setattr(mod, name, getattr(r, name))


def _not_provided(mod):
    """Attributes a served module lacks fail with a message naming the runtime (a
    script using keras.applications or keras.losses.CTC stops on one clear line)."""
    def __getattr__(name):
        if name.startswith("__"):
            raise AttributeError(name)
        what = "pretrained application models are not" if name == "applications" else "it is not"
        raise AttributeError(f"{mod.__name__}.{name} is not provided by the shapecheck runtime ({what} "
                             "implemented there)")

    if not hasattr(mod, "__getattr__"):
        mod.__getattr__ = __getattr__


def fill_keras(mod):
    import importlib

    from ..engine import Input, Model, Sequential

    mod.__version__ = KERAS_VERSION
    mod.Input = Input
    mod.Model = Model
    mod.Sequential = Sequential
    mod.__path__ = []
    base = mod.__name__
    for sub in ("layers", "models", "optimizers", "losses", "metrics", "callbacks", "utils", "backend", "ops",
                "activations", "initializers", "regularizers", "constraints", "preprocessing", "saving", "random"):
        setattr(mod, sub, importlib.import_module(f"{base}.{sub}"))
    _not_provided(mod)


def fill_tensorflow(mod):
    import importlib

    from .. import activations as a
    from ..engine.tensor import symbolic_aware
    from ..engine.variable import Variable
    from ..random import set_random_seed

    mod.__version__ = TF_VERSION
    mod.__path__ = []
    mod.keras = importlib.import_module("tensorflow.keras")
    mod.initializers = importlib.import_module("tensorflow.keras.initializers")  # tf.initializers.zeros()...
    for name in ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"):
        setattr(mod, name, name)
    mod.constant = lambda value, dtype=None, shape=None, name=None: _tensor(value, dtype, shape)
    mod.convert_to_tensor = lambda value, dtype=None, **k: _tensor(value, dtype, None)
    mod.Variable = lambda initial_value, trainable=True, name=None, dtype=None, **k: Variable(
        initial_value, name=name, trainable=trainable, dtype=dtype)
    def _reduction(fn):
        def reduce(x, axis=None, keepdims=False, name=None):
            x = x if type(x).__name__ == "Traced" else np.asarray(x)
            return fn(x, axis=tuple(axis) if isinstance(axis, list) else axis, keepdims=keepdims)

        return symbolic_aware(reduce, fn.__name__)

    mod.reduce_sum, mod.reduce_mean = _reduction(np.sum), _reduction(np.mean)
    mod.reduce_max, mod.reduce_min = _reduction(np.max), _reduction(np.min)
    mod.matmul = np.matmul
    mod.reshape = lambda x, shape: np.reshape(x, shape)
    mod.concat = lambda values, axis: np.concatenate(values, axis=axis)
    mod.stack = lambda values, axis=0: np.stack(values, axis=axis)
    mod.expand_dims = lambda x, axis: np.expand_dims(x, axis)
    mod.squeeze = lambda x, axis=None: np.squeeze(x, axis)
    mod.transpose = lambda x, perm=None: np.transpose(x, perm)

    def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
        mode = str(mode).lower()
        paddings = np.asarray(paddings).tolist()
        if mode == "constant":
            return np.pad(tensor, paddings, mode="constant", constant_values=constant_values)
        return np.pad(tensor, paddings, mode={"reflect": "reflect", "symmetric": "symmetric"}[mode])

    mod.pad = symbolic_aware(pad, "pad")
    mod.cast = lambda x, dtype: np.asarray(x).astype(dtype)
    mod.shape = lambda x: np.array(np.shape(x), dtype=np.int32)
    mod.square, mod.sqrt, mod.exp, mod.abs, mod.maximum, mod.minimum = (np.square, np.sqrt, np.exp, np.abs,
                                                                        np.maximum, np.minimum)
    mod.add, mod.multiply, mod.subtract = np.add, np.multiply, np.subtract
    mod.ones, mod.zeros, mod.ones_like, mod.zeros_like = np.ones, np.zeros, np.ones_like, np.zeros_like
    mod.argmax = lambda x, axis=None: np.argmax(x, axis=axis)
    mod.random = types.SimpleNamespace(set_seed=set_random_seed,
                                       normal=lambda shape, mean=0.0, stddev=1.0, **k: np.random.normal(
                                           mean, stddev, shape).astype(np.float32),
                                       uniform=lambda shape, minval=0.0, maxval=1.0, **k: np.random.uniform(
                                           minval, maxval, shape).astype(np.float32))
    mod.nn = types.SimpleNamespace(softmax=lambda x, axis=-1: a.softmax(x, axis), relu=a.relu, sigmoid=a.sigmoid,
                                   tanh=a.tanh, elu=a.elu, selu=a.selu, softplus=a.softplus,
                                   log_softmax=lambda x, axis=-1: a.log_softmax(x, axis))
    mod.math = types.SimpleNamespace(reduce_sum=mod.reduce_sum, reduce_mean=mod.reduce_mean, log=np.log,
                                     exp=np.exp, sqrt=np.sqrt, square=np.square, abs=np.abs, sigmoid=a.sigmoid,
                                     tanh=np.tanh, maximum=np.maximum, minimum=np.minimum, argmax=np.argmax)
    _fill_tf_ops(mod)
    _eager_namespace(mod, ("GradientTape", "Variable", "Tensor", "TensorShape", "function", "is_tensor", "keras"))
    _eager_namespace(mod.nn, ())
    _eager_namespace(mod.math, ())
    _eager_namespace(mod.random, ("set_seed",))
    from .. import data as _data

    from ..engine.gradient_tape import GradientTape

    mod.GradientTape = GradientTape
    mod.data = types.SimpleNamespace(Dataset=_data.Dataset, AUTOTUNE=_data.AUTOTUNE, Options=_data.Options,
                                     experimental=types.SimpleNamespace(AUTOTUNE=_data.AUTOTUNE))
    mod.config = types.SimpleNamespace(list_physical_devices=lambda kind=None: [],
                                       experimental=types.SimpleNamespace(
                                           list_physical_devices=lambda kind=None: []))


def _eager_namespace(ns, skip):
    """tf functions hand back arrays with .numpy(), as TensorFlow's eager tensors have."""
    from ..engine.eager import eager_results

    for name, fn in list(vars(ns).items()):
        if name.startswith("_") or name in skip or isinstance(fn, (type, str, types.ModuleType)) or not callable(fn):
            continue
        setattr(ns, name, eager_results(fn))


def _fill_tf_ops(mod):
    """More of TensorFlow's array functions, as NumPy (so a traced value in a
    custom call() or loss keeps recording its gradient)."""
    from .. import activations as a
    from ..engine.tensor import symbolic_aware

    def one_hot(indices, depth, on_value=1.0, off_value=0.0, axis=-1, dtype="float32", name=None):
        idx = np.asarray(indices).astype(np.int64)
        out = np.where(np.arange(depth) == idx[..., None], on_value, off_value).astype(dtype)
        return np.moveaxis(out, -1, axis) if axis != -1 else out

    def where(condition, x=None, y=None, name=None):
        if x is None:
            return np.argwhere(np.asarray(condition))
        return np.where(np.asarray(condition), x, y)

    def softmax_ce_with_logits(labels=None, logits=None, axis=-1, name=None):
        return -np.sum(np.asarray(labels, np.float32) * a.log_softmax(logits, axis=axis), axis=axis)

    def sparse_softmax_ce_with_logits(labels=None, logits=None, name=None):
        lab = np.asarray(labels).astype(np.int64)
        depth = np.shape(logits)[-1]
        onehot = (np.arange(depth) == lab[..., None]).astype(np.float32)
        return -np.sum(onehot * a.log_softmax(logits, axis=-1), axis=-1)

    def sigmoid_ce_with_logits(labels=None, logits=None, name=None):
        z = np.asarray(labels, np.float32)
        return np.maximum(logits, 0.0) - logits * z + np.log1p(np.exp(-np.abs(logits)))

    def l2_normalize(x, axis=None, epsilon=1e-12, name=None):
        return x / np.sqrt(np.maximum(np.sum(x * x, axis=axis, keepdims=True), epsilon))

    def _reduce(fn):
        def reduce(x, axis=None, keepdims=False, name=None):
            x = x if type(x).__name__ == "Traced" else np.asarray(x)
            return fn(x, axis=tuple(axis) if isinstance(axis, list) else axis, keepdims=keepdims)

        return symbolic_aware(reduce, fn.__name__)

    def split(value, num_or_size_splits, axis=0, num=None, name=None):
        if isinstance(num_or_size_splits, int):
            return np.split(value, num_or_size_splits, axis=axis)
        return np.split(value, np.cumsum(num_or_size_splits)[:-1], axis=axis)

    plain = {
        "one_hot": one_hot, "where": where, "clip_by_value": lambda t, lo, hi, name=None: np.clip(t, lo, hi),
        "log": np.log, "pow": np.power, "sigmoid": a.sigmoid, "tanh": np.tanh, "sign": np.sign, "round": np.round,
        "floor": np.floor, "ceil": np.ceil, "equal": np.equal, "not_equal": np.not_equal, "greater": np.greater,
        "greater_equal": np.greater_equal, "less": np.less, "less_equal": np.less_equal,
        "logical_and": np.logical_and, "logical_or": np.logical_or, "logical_not": np.logical_not,
        "range": lambda start, limit=None, delta=1, dtype=None, name=None: np.arange(
            start, limit, delta, dtype=dtype) if limit is not None else np.arange(start, dtype=dtype),
        "linspace": lambda start, stop, num, name=None, axis=0: np.linspace(start, stop, num, dtype=np.float32),
        "fill": lambda dims, value, name=None: np.full(dims, value, dtype=np.float32 if isinstance(value, float)
                                                       else None),
        "eye": lambda n, m=None, dtype="float32", **k: np.eye(n, m, dtype=dtype),
        "gather": lambda params, indices, axis=None, batch_dims=0, name=None: np.take(
            params, np.asarray(indices), axis=axis or 0),
        "tile": lambda x, multiples, name=None: np.tile(x, multiples),
        "split": split,
        "unstack": lambda value, num=None, axis=0, name=None: [np.take(value, i, axis=axis) for i in range(
            np.shape(value)[axis])],
        "identity": lambda x, name=None: x,
        "stop_gradient": lambda x, name=None: np.asarray(x),
        "size": lambda x, out_type=None, name=None: np.int32(np.size(x)),
        "rank": lambda x, name=None: np.int32(np.ndim(x)),
        "cumsum": lambda x, axis=0, exclusive=False, reverse=False, name=None: np.cumsum(x, axis=axis),
        "divide": np.true_divide, "negative": np.negative, "sin": np.sin, "cos": np.cos,
    }
    for name, fn in plain.items():
        setattr(mod, name, fn)
    mod.reduce_any = _reduce(np.any)
    mod.reduce_all = _reduce(np.all)
    mod.reduce_prod = _reduce(np.prod)
    mod.reduce_std = _reduce(np.std)
    mod.reduce_variance = _reduce(np.var)
    mod.Tensor = np.ndarray
    mod.TensorShape = tuple
    mod.is_tensor = lambda x: isinstance(x, np.ndarray) or type(x).__name__ == "Traced"
    mod.function = lambda func=None, **k: func if func is not None else (lambda f: f)  # runs eagerly
    nn = mod.nn
    nn.softmax_cross_entropy_with_logits = softmax_ce_with_logits
    nn.sparse_softmax_cross_entropy_with_logits = sparse_softmax_ce_with_logits
    nn.sigmoid_cross_entropy_with_logits = sigmoid_ce_with_logits
    nn.l2_normalize = l2_normalize
    nn.leaky_relu = lambda features, alpha=0.2, name=None: a.leaky_relu(features, alpha)
    nn.relu6 = a.relu6
    nn.silu = nn.swish = a.silu
    nn.gelu = lambda features, approximate=False, name=None: a.gelu(features, approximate)
    m = mod.math
    for name in ("pow", "sign", "round", "floor", "ceil", "equal", "not_equal", "greater", "less",
                 "logical_and", "logical_or", "logical_not", "divide", "negative", "sin", "cos", "cumsum"):
        setattr(m, name, getattr(mod, name))
    m.log1p = np.log1p
    m.reduce_max, m.reduce_min = mod.reduce_max, mod.reduce_min
    m.reduce_std, m.reduce_variance, m.reduce_prod = mod.reduce_std, mod.reduce_variance, mod.reduce_prod
    m.reduce_any, m.reduce_all = mod.reduce_any, mod.reduce_all
    m.softplus = a.softplus
    m.squared_difference = lambda x, y, name=None: np.square(np.subtract(x, y))
    m.l2_normalize = l2_normalize
    m.add, m.subtract, m.multiply = np.add, np.subtract, np.multiply
    m.argmin = lambda x, axis=None: np.argmin(x, axis=axis)
    m.is_nan, m.is_finite = np.isnan, np.isfinite


def _tensor(value, dtype, shape):
    a = np.asarray(value, dtype=dtype)
    if dtype is None and a.dtype == np.float64:
        a = a.astype(np.float32)
    return np.broadcast_to(a, shape).copy() if shape is not None else a


def _keras_tree(prefix: str) -> dict:
    tree = {
        prefix: fill_keras,
        f"{prefix}.layers": fill_layers,
        f"{prefix}.models": fill_models,
        f"{prefix}.optimizers": fill_optimizers,
        f"{prefix}.optimizers.legacy": fill_optimizers,
        f"{prefix}.losses": fill_losses,
        f"{prefix}.metrics": fill_metrics,
        f"{prefix}.callbacks": fill_callbacks,
        f"{prefix}.utils": fill_utils,
        f"{prefix}.utils.np_utils": fill_utils_np,
        f"{prefix}.backend": fill_backend,
        f"{prefix}.ops": fill_ops,
        f"{prefix}.activations": fill_activations,
        f"{prefix}.initializers": fill_initializers,
        f"{prefix}.regularizers": fill_regularizers,
        f"{prefix}.constraints": fill_constraints,
        f"{prefix}.preprocessing": fill_preprocessing,
        f"{prefix}.saving": fill_saving,
        f"{prefix}.random": fill_random,
        f"{prefix}.preprocessing.sequence": fill_sequence,
    }
    for sub in KERAS2_LAYER_MODULES:
        tree[f"{prefix}.layers.{sub}"] = fill_layers
    return tree


MODULES: dict = {}
MODULES.update(_keras_tree("keras"))
MODULES.update(_keras_tree("tensorflow.keras"))
MODULES.update(_keras_tree("tf_keras"))
MODULES["tensorflow"] = fill_tensorflow
