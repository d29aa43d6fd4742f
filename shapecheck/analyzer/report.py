"""What an analysis returns: models, their layers, diagnostics, and sites.

``FileReport.to_json()`` is the schema `summary --format json` and
`check --format json` print; tools and tests depend on it (version 1).
``sites`` carry what the language server shows (inlay hints, hovers) and are
not part of the JSON schema.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from ..diagnostics import Diagnostic
from ..layers.shape import Shape, shape_to_json

SCHEMA_VERSION = 1


@dataclass
class LayerReport:
    name: str
    class_name: str
    line: int
    col: int
    output_shape: Any  # Shape, or list[Shape] for several outputs
    params: Optional[int]
    trainable_params: Optional[int]
    end_line: int = 0
    end_col: int = 0
    cell: Optional[int] = None
    weights: list = field(default_factory=list)  # [(name, shape, trainable)]
    connected_to: list[str] = field(default_factory=list)  # functional models
    activation: Optional[str] = None
    # Not in the JSON schema; for rules and the language server:
    config: dict = field(default_factory=dict)  # the bound constructor config
    input_shapes: list = field(default_factory=list)  # shapes of the inputs it was called on
    # The shape is a held model's own output_shape (never called): Keras prints
    # several outputs as a tuple "((None, 2), (None, 2))", not a list.
    shape_from_model: bool = False
    # Built, with a parameter count the analyzer cannot know (shown "?", not "0 (unbuilt)").
    params_unknown: bool = False

    def to_json(self) -> dict:
        multi = isinstance(self.output_shape, list)
        d = {
            "name": self.name,
            "class": self.class_name,
            "line": self.line,
            "output_shape": [shape_to_json(s) for s in self.output_shape] if multi else shape_to_json(self.output_shape),
            "params": self.params,
            "trainable_params": self.trainable_params,
        }
        if self.cell is not None:
            d["cell"] = self.cell
        return d


@dataclass
class ModelReport:
    name: str  # the variable the model is bound to
    line: int
    col: int
    kind: str  # "sequential" | "functional" | "subclassed"
    built: bool
    inputs: list[Shape]
    outputs: list[Shape]
    layers: list[LayerReport]
    total_params: Optional[int]
    trainable_params: Optional[int]
    non_trainable_params: Optional[int]
    keras_name: str = ""  # "sequential", "functional_1", ...
    end_line: int = 0
    end_col: int = 0
    cell: Optional[int] = None
    context: str = ""  # e.g. "build_model(n=10) at line 30"
    sequential_like: bool = True  # Keras's summary omits "Connected to" for chains
    operations: list = field(default_factory=list)  # layers and keras.ops nodes, for the summary table
    escaped: bool = False  # passed to code the analyzer could not follow (it may be compiled there)
    weight_bytes: tuple = (None, None)  # (all, trainable) bytes of the weights, for the summary's sizes
    # Variables of the optimizer once a fit built it (summary adds them to Total), and their bytes.
    optimizer_params: Optional[int] = None
    optimizer_bytes: Optional[int] = None
    # Not in the JSON schema: what call() returned on the first batch of real
    # data for a subclassed model built that way (Keras keeps no symbolic
    # outputs then, so ``outputs`` is empty); rules pair labels with these.
    call_outputs: list = field(default_factory=list)
    # Not in the JSON schema: a layer (or the model) calls add_loss(), so fit() needs no compile(loss=).
    adds_loss: bool = False

    def to_json(self) -> dict:
        d = {
            "name": self.name,
            "line": self.line,
            "col": self.col,
            "kind": self.kind,
            "built": self.built,
            "inputs": [shape_to_json(s) for s in self.inputs],
            "outputs": [shape_to_json(s) for s in self.outputs],
            "layers": [l.to_json() for l in self.layers],
            "total_params": self.total_params,
            "trainable_params": self.trainable_params,
            "non_trainable_params": self.non_trainable_params,
        }
        if self.cell is not None:
            d["cell"] = self.cell
        return d


@dataclass
class Site:
    """A place in the source the editor can annotate (inlay hint / hover)."""

    line: int  # 1-based
    col: int  # 0-based
    end_line: int
    end_col: int
    kind: str  # "layer" | "tensor" | "model" | "array"
    label: str  # short text for an inlay hint: "(None, 64) · 6,464 params"
    detail: str = ""  # markdown for hover: the parameter formula
    cell: Optional[int] = None
    origin: str = ""  # where the input shape(s) came from: "input (None, 784) from line 5 (flatten)"


@dataclass
class ArgInfo:
    """What the analyzer knows about one argument at a call the rules inspect.

    ``kind`` is one of "const" (``value`` holds a Python constant: str, int,
    float, bool, None, tuple), "array" (NumPy data: ``shape``, ``dtype``,
    and ``max_value``/``min_value`` when known), "tensor" (``shape``), "model",
    "object" (an instance of a known class: ``class_name`` and ``kwargs``),
    "function" (a Python callable, ``value`` is its name), "list"/"tuple"/"dict"
    (``items``: list of ArgInfo, or dict str -> ArgInfo) or "unknown".
    """

    kind: str
    line: int = 0  # 1-based
    col: int = 0  # 0-based
    end_line: int = 0
    end_col: int = 0
    value: Any = None
    shape: Any = None
    dtype: Optional[str] = None
    min_value: Optional[float] = None
    max_value: Optional[float] = None
    class_name: Optional[str] = None
    kwargs: dict = field(default_factory=dict)  # str -> ArgInfo
    items: Any = None
    origin: Optional[str] = None  # "unbatched dataset": data a tf.data pipeline yields one sample at a time


@dataclass
class CallEvent:
    """A method call on a model that rules inspect: compile, fit, evaluate,
    predict, train_on_batch, test_on_batch, predict_on_batch, summary.

    ``args`` maps Keras's parameter names (positional arguments already bound:
    fit(x, y, batch_size, epochs, ...), compile(optimizer, loss, metrics, ...))
    to what is known of each.
    """

    method: str
    model: "ModelReport"
    line: int
    col: int
    end_line: int
    end_col: int
    args: dict = field(default_factory=dict)  # str -> ArgInfo
    compiled: Optional["CallEvent"] = None  # the compile() in force at a fit/evaluate
    cell: Optional[int] = None
    model_built: Optional[bool] = None  # was the model built when this call ran (None: not known)


@dataclass
class FileReport:
    path: str
    models: list[ModelReport] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    events: list[CallEvent] = field(default_factory=list)
    syntax_error: bool = False

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "models": [m.to_json() for m in self.models],
            "diagnostics": [d.to_json() for d in self.diagnostics],
        }


def reports_to_json(reports: list[FileReport]) -> dict:
    return {"version": SCHEMA_VERSION, "files": [r.to_json() for r in reports]}
