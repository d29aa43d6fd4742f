"""What a rule check gets besides the report, and the helpers every check shares:
turning report objects into diagnostic ranges, and reading the loss, the output
layers and the data of a call.

Position conventions of the report: ``ArgInfo``, ``CallEvent`` and
``LayerReport`` carry 1-based lines and 0-based columns (libcst's); a
``Diagnostic`` has 1-based lines and columns.  ``span`` converts, in one place.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from ...diagnostics import Diagnostic, Fix, TextEdit
from ...layers.shape import format_shape, is_known
from .names import canonical_loss

DEFAULT_OPTIONS = {
    # SC513: a Dense after Flatten with more parameters than this is reported
    "large-dense-params": 10_000_000,
}

TRAINING_METHODS = ("fit", "evaluate", "train_on_batch", "test_on_batch")
DATA_METHODS = ("fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch")

# Layers that pass their input's values through unchanged (or scaled), so the
# activation that reaches the output is the one before them.
PASS_THROUGH = frozenset({
    "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
    "GaussianDropout", "AlphaDropout", "Flatten", "Reshape", "Permute", "RepeatVector",
})
# Layer classes that are themselves an activation.
ACTIVATION_LAYERS = {"Softmax": "softmax", "ReLU": "relu", "LeakyReLU": "leaky_relu", "ELU": "elu", "PReLU": "prelu"}


@dataclass
class RuleContext:
    options: dict = field(default_factory=lambda: dict(DEFAULT_OPTIONS))
    source_lines: list = field(default_factory=list)  # the checked text, for machine-applicable fixes

    def option(self, name: str) -> Any:
        return self.options.get(name, DEFAULT_OPTIONS.get(name))

    def find_text(self, obj, text: str) -> Optional[tuple[int, int, int]]:
        """(line, col0, end_col0) of the first ``text`` inside a report object's range."""
        if not self.source_lines or not has_place(obj):
            return None
        line, col, end_line, end_col = span(obj)  # 1-based
        for ln in range(line, min(end_line, len(self.source_lines)) + 1):
            row = self.source_lines[ln - 1]
            lo = col - 1 if ln == line else 0
            hi = end_col - 1 if ln == end_line else len(row)
            at = row.find(text, lo, max(lo, hi))
            if at != -1:
                return ln, at, at + len(text)
        return None

    def replace_string_fix(self, obj, old: str, new: str) -> Optional[Fix]:
        """A fix that rewrites the string literal ``old`` (either quote) inside ``obj`` to ``new``."""
        for q in ('"', "'"):
            found = self.find_text(obj, f"{q}{old}{q}")
            if found:
                ln, c0, c1 = found
                return Fix(f"Replace {old!r} with {new!r}", (TextEdit(ln, c0, ln, c1, f"{q}{new}{q}"),))
        return None

    def rename_keyword_fix(self, obj, old: str, new: str) -> Optional[Fix]:
        import re

        if not self.source_lines or not has_place(obj):
            return None
        line, col, end_line, end_col = span(obj)
        for ln in range(line, min(end_line, len(self.source_lines)) + 1):
            row = self.source_lines[ln - 1]
            lo = col - 1 if ln == line else 0
            hi = end_col - 1 if ln == end_line else len(row)
            m = re.compile(rf"\b{re.escape(old)}\s*=").search(row, lo, max(lo, hi))
            if m:
                return Fix(f"Rename {old}= to {new}=", (TextEdit(ln, m.start(), ln, m.start() + len(old), new),))
        return None


def _one_based_cols(obj) -> bool:
    # LayerReport and ModelReport columns are 1-based (as in the JSON schema);
    # ArgInfo and CallEvent columns are libcst's 0-based ones.
    return type(obj).__name__ in ("LayerReport", "ModelReport")


def has_place(obj) -> bool:
    return obj is not None and (getattr(obj, "line", 0) or 0) > 0


def span(obj) -> tuple[int, int, int, int]:
    """(line, col, end_line, end_col), 1-based, end exclusive, of a report object."""
    shift = 0 if _one_based_cols(obj) else 1
    line = max(1, getattr(obj, "line", 1) or 1)
    col = max(1, (getattr(obj, "col", 0) or 0) + shift)
    end_line = getattr(obj, "end_line", 0) or line
    end_col = getattr(obj, "end_col", 0)
    end_col = end_col + shift if end_col else col + 1
    if end_line < line or (end_line == line and end_col <= col):
        end_line, end_col = line, col + 1
    return line, col, end_line, end_col


def diag(rule, at, message: str, *, hint: Optional[str] = None, cell=None, related=(), fix=None) -> Diagnostic:
    """A diagnostic of ``rule`` at ``at`` — one report object, or a list of them
    tried in order (nested arguments may carry no position of their own)."""
    candidates = at if isinstance(at, (list, tuple)) else [at]
    place = next((c for c in candidates if has_place(c)), candidates[-1])
    line, col, end_line, end_col = span(place)
    return Diagnostic(
        line, col, end_line, end_col, rule.severity, rule.code, message,
        hint=hint, fix=fix, cell=cell if cell is not None else getattr(place, "cell", None), related=list(related),
    )


def fmt(shape) -> str:
    return format_shape(tuple(shape)) if shape is not None else "?"


# -- reading ArgInfo ----------------------------------------------------------
def const(arg) -> Any:
    """The Python constant an ArgInfo holds, or None."""
    return arg.value if arg is not None and arg.kind == "const" else None


def kwarg_const(arg, name: str) -> Any:
    if arg is None or not arg.kwargs:
        return None
    return const(arg.kwargs.get(name))


def array_shape(arg) -> Optional[tuple]:
    """The full shape of array/tensor data, when its rank is known."""
    if arg is None or arg.kind not in ("array", "tensor") or arg.shape is None:
        return None
    return tuple(arg.shape)


def sample_count(arg) -> Optional[int]:
    shape = array_shape(arg)
    if shape and is_known(shape[0]):
        return shape[0]
    return None


def data_items(arg) -> Optional[list]:
    """The arrays of a list/tuple argument (multi-input data), or [arg]."""
    if arg is None:
        return None
    if arg.kind in ("list", "tuple") and isinstance(arg.items, list):
        return list(arg.items)
    return [arg]


def dotted_tail(name: Any) -> str:
    return str(name).rsplit(".", 1)[-1]


@dataclass
class LossInfo:
    name: Optional[str]  # the canonical loss function, None when unknown to Keras
    spelled: str  # as written
    from_logits: Optional[bool]
    arg: Any  # the ArgInfo


def loss_info(arg) -> Optional[LossInfo]:
    """What one loss argument (string, loss object or loss function) stands for."""
    if arg is None:
        return None
    if arg.kind == "const" and isinstance(arg.value, str):
        return LossInfo(canonical_loss(arg.value), arg.value, False, arg)
    if arg.kind == "object" and arg.class_name:
        fl = kwarg_const(arg, "from_logits")
        return LossInfo(canonical_loss(dotted_tail(arg.class_name)), arg.class_name, bool(fl) if fl is not None else False, arg)
    if arg.kind == "function" and arg.value:
        return LossInfo(canonical_loss(dotted_tail(arg.value)), str(arg.value), False, arg)
    return None


def compile_of(event):
    """The compile() call in force at a fit/evaluate (the event itself for compile)."""
    return event if event.method == "compile" else event.compiled


def losses_per_output(model, compile_event) -> list[Optional[LossInfo]]:
    """One LossInfo (or None) per model output, from compile(loss=...)."""
    n = max(1, len(outputs_of(model)))
    if compile_event is None:
        return [None] * n
    arg = compile_event.args.get("loss")
    if arg is None:
        return [None] * n
    if arg.kind in ("list", "tuple") and isinstance(arg.items, list):
        items = [loss_info(a) for a in arg.items]
        return (items + [None] * n)[:n] if len(items) == n else [None] * n
    if arg.kind == "dict" and isinstance(arg.items, dict):
        outs = output_layers(model)
        return [loss_info(arg.items.get(l.name)) if l is not None else None for l in outs]
    one = loss_info(arg)
    return [one] * n


# -- walking models -----------------------------------------------------------
def _base_name(ref: str) -> str:
    """A 'connected_to' entry names a layer, perhaps as ``dense[0][0]``."""
    return str(ref).split("[", 1)[0].strip()


def layer_by_name(model, name: str):
    for layer in model.layers:
        if layer.name == name:
            return layer
    return None


def outputs_of(model) -> list:
    """A model's output shapes: its symbolic outputs, or for a subclassed model
    built by a call on real data, what that call returned."""
    return list(model.outputs or []) or list(getattr(model, "call_outputs", None) or [])


def real_layers(model) -> list:
    return [l for l in model.layers if l.class_name != "InputLayer"]


def previous_layer(model, layer):
    """The layer whose output feeds ``layer`` (the first input), or None."""
    if layer.connected_to:
        return layer_by_name(model, _base_name(layer.connected_to[0]))
    if model.kind == "sequential":
        layers = model.layers
        for i, l in enumerate(layers):
            if l is layer:
                return layers[i - 1] if i > 0 else None
    return None


def consumers(model, layer) -> list:
    """The layers that take ``layer``'s output as an input."""
    if model.kind == "sequential" and not any(l.connected_to for l in model.layers):
        layers = model.layers
        for i, l in enumerate(layers):
            if l is layer:
                return [layers[i + 1]] if i + 1 < len(layers) else []
        return []
    return [l for l in model.layers if any(_base_name(r) == layer.name for r in l.connected_to)]


def output_layers(model) -> list:
    """The layer producing each model output, aligned with ``model.outputs``."""
    n = len(outputs_of(model))
    layers = real_layers(model)
    if not layers or n == 0:
        return [None] * n
    if model.kind == "sequential" or n == 1 and not any(l.connected_to for l in layers):
        return [layers[-1]] + [None] * (n - 1)
    fed = {_base_name(r) for l in layers for r in l.connected_to}
    terminal = [l for l in layers if l.name not in fed]
    if len(terminal) == n:
        # order them by matching output shapes where that is unambiguous
        out = []
        pool = list(terminal)
        for shape in outputs_of(model):
            match = [l for l in pool if _same_shape(l.output_shape, shape)]
            pick = match[0] if match else None
            if pick is not None:
                pool.remove(pick)
            out.append(pick)
        return out
    if n == 1:
        return [layers[-1]]
    return [None] * n


def _same_shape(a, b) -> bool:
    try:
        return tuple(a) == tuple(b)
    except TypeError:
        return False


def layer_activation(layer) -> Optional[str]:
    """The activation a layer applies last: a name, "linear", or None (unknown)."""
    if layer is None:
        return None
    if layer.class_name in ACTIVATION_LAYERS:
        return ACTIVATION_LAYERS[layer.class_name]
    if layer.activation:
        return "linear" if layer.activation == "linear" else layer.activation
    cfg = layer.config or {}
    if "activation" in cfg:
        act = cfg["activation"]
        if act is None or act == "linear":
            return "linear"
        if isinstance(act, str):
            return act
    return None


def output_activation(model, layer, _depth: int = 0) -> Optional[str]:
    """The activation that produces a model output, looking through Dropout & co."""
    if layer is None or _depth > 16:
        return None
    if layer.class_name in PASS_THROUGH:
        return output_activation(model, previous_layer(model, layer), _depth + 1)
    return layer_activation(layer)


def last_dim(shape) -> Any:
    try:
        return shape[-1] if shape else None
    except (TypeError, IndexError):
        return None


def events_of(report, methods: Iterable[str]):
    wanted = set(methods)
    return [e for e in report.events if e.method in wanted]


@dataclass
class OutputLoss:
    """One model output at one compile(): what produces it and what loss it gets."""

    event: Any  # the compile CallEvent
    model: Any
    index: int
    layer: Any  # LayerReport or None
    shape: Any
    units: Any
    activation: Optional[str]  # "linear", a name, or None when unknown
    loss: Optional[LossInfo]

    @property
    def where(self) -> str:
        name = self.layer.name if self.layer is not None else f"output {self.index}"
        line = f" (line {self.layer.line})" if self.layer is not None and self.layer.line else ""
        return f"{name}{line}"

    @property
    def at(self):
        """Where to report: the loss argument when it has a place, else compile()."""
        return [self.loss.arg if self.loss is not None else None, self.event.args.get("loss"), self.event]


def output_losses(report) -> list[OutputLoss]:
    out = []
    for ev in events_of(report, ("compile",)):
        model = ev.model
        if model is None or not outputs_of(model):
            continue
        layers = output_layers(model)
        for i, (shape, loss) in enumerate(zip(outputs_of(model), losses_per_output(model, ev))):
            layer = layers[i] if i < len(layers) else None
            out.append(OutputLoss(ev, model, i, layer, shape, last_dim(shape), output_activation(model, layer), loss))
    return out
