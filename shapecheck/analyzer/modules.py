"""Which import paths name which library module, in one canonical spelling.

``tensorflow.keras.layers``, ``tf.keras.layers`` and ``keras.layers`` are one
module to the analyzer: ``keras.layers``.  Keras 2 module paths that Keras 3
removed (``keras.layers.embeddings``...) map to their Keras 3 home and are
reported, since a Keras 3 import of them fails.
"""
from __future__ import annotations

from typing import Optional

# Modules we model, by canonical path.
KNOWN_MODULES = {
    "keras",
    "keras.layers",
    "keras.models",
    "keras.optimizers",
    "keras.optimizers.schedules",
    "keras.losses",
    "keras.metrics",
    "keras.callbacks",
    "keras.utils",
    "keras.backend",
    "keras.ops",
    "keras.activations",
    "keras.initializers",
    "keras.regularizers",
    "keras.constraints",
    "keras.datasets",
    "keras.preprocessing",
    "keras.applications",
    "keras.random",
    "keras.saving",
    "tensorflow",
    "tensorflow.math",
    "tensorflow.nn",
    "tensorflow.random",
    "tensorflow.linalg",
    "tensorflow.image",
    "numpy",
    "numpy.random",
    "numpy.linalg",
    "numpy.lib",
    "numpy.lib.stride_tricks",
    "functools",
    "math",
}

# Keras 2 module paths Keras 3 removed -> their Keras 3 module.
KERAS2_MODULES = {
    "keras.layers.core": "keras.layers",
    "keras.layers.embeddings": "keras.layers",
    "keras.layers.convolutional": "keras.layers",
    "keras.layers.convolutional_recurrent": "keras.layers",
    "keras.layers.recurrent": "keras.layers",
    "keras.layers.merge": "keras.layers",
    "keras.layers.merging": "keras.layers",
    "keras.layers.normalization": "keras.layers",
    "keras.layers.pooling": "keras.layers",
    "keras.layers.wrappers": "keras.layers",
    "keras.layers.advanced_activations": "keras.layers",
    "keras.layers.noise": "keras.layers",
    "keras.layers.local": "keras.layers",
    "keras.layers.cudnn_recurrent": "keras.layers",
    "keras.engine": "keras.models",
    "keras.engine.topology": "keras.layers",
    "keras.engine.training": "keras.models",
    "keras.engine.sequential": "keras.models",
    "keras.engine.input_layer": "keras.layers",
    "keras.utils.np_utils": "keras.utils",
    "keras.utils.vis_utils": "keras.utils",
    "keras.utils.generic_utils": "keras.utils",
    "keras.utils.data_utils": "keras.utils",
    "keras.utils.layer_utils": "keras.utils",
    "keras.utils.io_utils": "keras.utils",
    "keras.utils.conv_utils": "keras.utils",
    "keras.utils.tf_utils": "keras.utils",
    "keras.utils.all_utils": "keras.utils",
    "keras.wrappers": "keras.layers",
}

# Names Keras 3 exports in more than one module, in one canonical spelling.
CANONICAL_NAMES = {
    "keras.models.Sequential": "keras.Sequential",
    "keras.Sequential": "keras.Sequential",
    "keras.models.Model": "keras.Model",
    "keras.Model": "keras.Model",
    "keras.models.Functional": "keras.Model",
    "keras.layers.Input": "keras.Input",
    "keras.Input": "keras.Input",
    "keras.models.load_model": "keras.models.load_model",
    "keras.utils.to_categorical": "keras.utils.to_categorical",
    "keras.layers.Layer": "keras.layers.Layer",
    "keras.Layer": "keras.layers.Layer",
}


def canonical_module(path: str) -> tuple[Optional[str], bool]:
    """(canonical module path or None if not modelled, is_keras2_only)."""
    if path.startswith("tensorflow.python.keras"):
        path = "keras" + path[len("tensorflow.python.keras"):]
    elif path.startswith("tensorflow.keras"):
        path = "keras" + path[len("tensorflow.keras"):]
    elif path.startswith("tf_keras"):
        path = "keras" + path[len("tf_keras"):]
    if path.startswith("keras.src."):
        path = "keras." + path[len("keras.src."):]
    if path in KERAS2_MODULES:
        return KERAS2_MODULES[path], True
    if path in KNOWN_MODULES:
        return path, False
    if path.startswith(("keras.applications", "keras.datasets", "keras.preprocessing")):
        # keras.datasets.mnist is a module; keras.datasets.mnist.load_data and
        # keras.applications.MobileNetV2 are not
        leaf = path.rsplit(".", 1)[-1]
        return (path, False) if path.count(".") <= 2 and not leaf[:1].isupper() else (None, False)
    if path.startswith("keras.utils."):
        return "keras.utils", False
    if path.startswith("keras.optimizers") or path.startswith("keras.utils"):
        return path.rsplit(".", 1)[0] if path.count(".") > 1 else path, False
    return None, False


def canonical_name(path: str) -> str:
    return CANONICAL_NAMES.get(path, path)
