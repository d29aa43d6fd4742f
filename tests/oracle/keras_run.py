"""Run one fixture program under real Keras 3 and describe every model it builds.

Run with the oracle interpreter (it imports TensorFlow), one fixture per process:

    /work/oracle-venv/bin/python tests/oracle/keras_run.py FIXTURE.py OUT.json [--keras2-shims]

OUT.json receives ``{"models": [...], "summaries": [...]}``: ``models`` in the
schema of ``shapecheck summary --format json`` and ``summaries`` the text of
``model.summary()`` for each model, in the same order.

How the facts are collected (see tests/oracle/README.md for the why):
  * ``Layer.__init__`` is wrapped, so every layer and model is seen when it is
    created; the creating source position is read from the Python frames
    (3.11's ``co_positions`` give the column of the call expression).
  * ``Layer.__call__`` is wrapped to see the first symbolic call of a
    subclassed model (its inputs and outputs are not otherwise known to Keras).
  * Keras 2 module paths (``keras.layers.embeddings``...) are aliased to
    ``keras.layers`` before the fixture runs; ``--keras2-shims`` also accepts
    the Keras 2 ``weights=`` constructor argument and puts the Keras 2 backend
    functions (``K.variable``...) back on ``keras.backend`` (only the seed
    examples use these).
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import io
import json
import math
import os
import sys
import types
import warnings

QUIET_ENV = {
    "KERAS_BACKEND": "tensorflow",
    "CUDA_VISIBLE_DEVICES": "-1",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "PYTHONHASHSEED": "0",
    # model.summary() sizes its table from the terminal width (88 or 108
    # columns when the terminal is wide enough); pin it so output does not
    # depend on where the oracle runs.
    "COLUMNS": "120",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
}

# Keras 2 module paths that Keras 3 removed; each is served by keras.layers.
KERAS2_LAYER_MODULES = (
    "core",
    "embeddings",
    "convolutional",
    "pooling",
    "recurrent",
    "merge",
    "normalization",
    "wrappers",
    "advanced_activations",
    "noise",
)

_ME = os.path.abspath(__file__)


def install_keras2_aliases():
    import keras

    public = {k: v for k, v in vars(keras.layers).items() if not k.startswith("_")}
    for short in KERAS2_LAYER_MODULES:
        name = f"keras.layers.{short}"
        mod = types.ModuleType(name, f"Keras 2 path {name}, aliased to keras.layers by the oracle")
        mod.__dict__.update(public)
        mod.__all__ = sorted(k for k in public if not isinstance(public[k], types.ModuleType))
        sys.modules[name] = mod
        setattr(keras.layers, short, mod)


def install_keras2_backend():
    """Keras 2 backend functions (K.variable, K.eval, K.sum...) that Keras 3's
    keras.backend dropped; Keras 3 keeps them as its legacy backend."""
    import keras
    from keras.src.legacy import backend as legacy

    for k, v in vars(legacy).items():
        if not k.startswith("_") and not hasattr(keras.backend, k):
            setattr(keras.backend, k, v)


class Recorder:
    """Everything the hooks learn while the fixture runs."""

    def __init__(self, fixture: str, keras2_shims: bool):
        self.fixture = fixture
        self.keras2_shims = keras2_shims
        self.layer_sites: dict[int, tuple] = {}  # id(layer) -> (line, col)
        self.keep: list = []  # keeps recorded objects alive so ids stay unique
        self.models: list = []  # (model, (line, col)) in construction order
        self.first_call: dict[int, tuple] = {}  # id(subclassed model) -> (inputs, outputs)
        self.pending_weights: dict[int, list] = {}
        self._positions: dict = {}

    def position(self, frame) -> tuple:
        code = frame.f_code
        table = self._positions.get(code)
        if table is None:
            table = self._positions[code] = list(code.co_positions())
        line, _end_line, col, _end_col = table[frame.f_lasti // 2]
        if line is None:
            line = frame.f_lineno
        return (line, (col or 0) + 1)

    def site(self, obj, model: bool):
        """Where ``obj`` is being constructed, skipping frames of its own constructors.

        For a model, the first frame outside its constructors must be in the
        fixture; otherwise Keras built it internally (Sequential keeps a
        Functional of its own), and it is not a model of the program.
        """
        frame = sys._getframe(2)
        while frame is not None:
            if frame.f_code.co_filename == _ME or _holds(frame.f_locals, obj):
                frame = frame.f_back
                continue
            if frame.f_code.co_filename == self.fixture:
                return self.position(frame)
            if model:
                return None
            frame = frame.f_back
        return None


def _holds(local_vars: dict, obj) -> bool:
    for v in local_vars.values():
        if v is obj:
            return True
        if isinstance(v, (tuple, list)) and any(x is obj for x in v):
            return True
    return False


def install_hooks(rec: Recorder):
    from keras.src import backend
    from keras.src import tree
    from keras.src.layers.layer import Layer
    from keras.src.models.model import Model

    original_init = Layer.__init__
    original_call = Layer.__call__

    def init_hook(self, *args, **kwargs):
        if rec.keras2_shims and "weights" in kwargs:
            rec.pending_weights[id(self)] = kwargs.pop("weights")
        first = id(self) not in rec.layer_sites
        if first:
            rec.layer_sites[id(self)] = None
            rec.keep.append(self)
            is_model = isinstance(self, Model)
            site = rec.site(self, is_model)
            rec.layer_sites[id(self)] = site
            if is_model and site is not None:
                rec.models.append((self, site))
        return original_init(self, *args, **kwargs)

    def call_hook(self, *args, **kwargs):
        out = original_call(self, *args, **kwargs)
        if id(self) in rec.pending_weights and self.built:
            self.set_weights(list(rec.pending_weights.pop(id(self))))
        if isinstance(self, Model) and model_kind(self) == "subclassed" and id(self) not in rec.first_call:
            flat_in = [t for t in tree.flatten((args, kwargs)) if isinstance(t, backend.KerasTensor)]
            if flat_in:
                flat_out = tree.flatten(out)
                rec.first_call[id(self)] = (
                    [shape_json(t.shape) for t in flat_in],
                    [shape_json(t.shape) for t in flat_out],
                )
        return out

    Layer.__init__ = init_hook
    Layer.__call__ = call_hook


def model_kind(model) -> str:
    from keras.src.models.functional import Functional
    from keras.src.models.sequential import Sequential

    if isinstance(model, Sequential):
        return "sequential"
    if isinstance(model, Functional):
        return "functional"
    return "subclassed"


def shape_json(shape):
    return [None if d is None else int(d) for d in shape]


def layer_output_shape(layer):
    """The output shape Keras's summary prints for a layer, as JSON.

    Mirrors ``keras.src.utils.summary_utils.format_layer_shape``: the outputs
    of the layer's *last* inbound node, else what its recorded build shapes
    give, else unknown (None).
    """
    from keras.src import tree

    if not layer._inbound_nodes and not layer._build_shapes_dict:
        return None
    if layer._inbound_nodes:
        outputs = layer._inbound_nodes[-1].output_tensors
        shapes = [shape_json(t.shape) for t in tree.flatten(outputs)]
    else:
        try:
            if hasattr(layer, "output_shape"):
                # A functional model with several outputs has a list of shapes here.
                shapes = [shape_json(s) for s in _flat_shapes(layer.output_shape)]
            else:
                outputs = layer.compute_output_shape(**layer._build_shapes_dict)
                shapes = [shape_json(s) for s in _flat_shapes(outputs)]
        except NotImplementedError:
            return None
    return shapes[0] if len(shapes) == 1 else shapes


def _flat_shapes(structure):
    """Flatten a nested structure of shape tuples into a list of shapes."""
    if isinstance(structure, (tuple, list)) and all(d is None or isinstance(d, int) for d in structure):
        return [tuple(structure)]
    if isinstance(structure, dict):
        structure = list(structure.values())
    out = []
    for s in structure:
        out.extend(_flat_shapes(s))
    return out


def count(weights) -> int:
    return int(sum(math.prod(w.shape) for w in weights))


def describe_layer(layer, rec: Recorder) -> dict:
    site = rec.layer_sites.get(id(layer))
    built = bool(getattr(layer, "built", False))
    return {
        "name": layer.name,
        "class": type(layer).__name__,
        "line": site[0] if site else None,
        "output_shape": layer_output_shape(layer),
        "params": count(layer.weights) if built else None,
        "trainable_params": count(layer.trainable_weights) if built else None,
    }


def describe_model(model, site, name, rec: Recorder) -> dict:
    kind = model_kind(model)
    built = bool(model.built)
    if kind == "subclassed":
        inputs, outputs = rec.first_call.get(id(model), (None, []))
        if inputs is None:
            shapes = model._build_shapes_dict or {}
            inputs = [shape_json(s) for s in _flat_shapes(list(shapes.values()))] if shapes else []
    elif built:
        inputs = [shape_json(t.shape) for t in model.inputs]
        outputs = [shape_json(t.shape) for t in model.outputs]
    else:
        inputs, outputs = [], []
    trainable = count(model.trainable_weights) if built else None
    non_trainable = count(model.non_trainable_weights) if built else None
    return {
        "name": name,
        "line": site[0],
        "col": site[1],
        "kind": kind,
        "built": built,
        "inputs": inputs,
        "outputs": outputs,
        "layers": [describe_layer(l, rec) for l in model.layers],
        "total_params": trainable + non_trainable if built else None,
        "trainable_params": trainable,
        "non_trainable_params": non_trainable,
    }


def assignment_targets(source: str) -> dict:
    """(line, col) of each call expression -> the source text of the variable
    its statement assigns to, for models no module variable holds at the end."""
    tree_ = ast.parse(source)
    targets = {}
    for node in ast.walk(tree_):
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            if isinstance(target, (ast.Tuple, ast.List)):
                continue
            text = ast.unparse(target)
            if node.value is None:
                continue
            for sub in ast.walk(node.value):
                if isinstance(sub, ast.Call):
                    targets.setdefault((sub.lineno, sub.col_offset + 1), text)
    return targets


def model_names(rec: Recorder, module_globals: dict, source: str) -> list:
    targets = assignment_targets(source)
    names = []
    for model, site in rec.models:
        held = [k for k, v in module_globals.items() if v is model and not k.startswith("__")]
        names.append(held[0] if held else targets.get(site, ""))
    return names


def summary_text(model) -> str:
    chunks = []
    model.summary(print_fn=lambda text, *a, **k: chunks.append(text))
    return "".join(chunks)


def run(fixture: str, keras2_shims: bool = False) -> dict:
    for k, v in QUIET_ENV.items():
        os.environ[k] = v
    warnings.simplefilter("ignore")
    fixture = os.path.abspath(fixture)
    import keras  # noqa: F401  (after the environment is set)

    install_keras2_aliases()
    if keras2_shims:
        install_keras2_backend()
    rec = Recorder(fixture, keras2_shims)
    install_hooks(rec)
    with open(fixture, encoding="utf-8") as fh:
        source = fh.read()
    code = compile(source, fixture, "exec")
    module_globals = {"__name__": "__main__", "__file__": fixture, "__builtins__": builtins}
    sys.argv = [fixture]
    sys.path.insert(0, os.path.dirname(fixture))
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code, module_globals)
    names = model_names(rec, module_globals, source)
    models, summaries = [], []
    for (model, site), name in zip(rec.models, names):
        models.append(describe_model(model, site, name, rec))
        summaries.append(summary_text(model))
    return {"models": models, "summaries": summaries}


def main(argv: list) -> int:
    fixture, out = argv[1], argv[2]
    keras2_shims = "--keras2-shims" in argv[3:]
    result = run(fixture, keras2_shims)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(result, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
