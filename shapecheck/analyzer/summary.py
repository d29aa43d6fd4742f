"""Text rendering of models in the layout of Keras 3's ``model.summary()``.

Keras 3 draws the table with rich: 88 columns wide for chain-like models
(column widths 38/29/17 including padding), 108 with a "Connected to" column
(31/27/17/28); cells wrap at spaces.  Counts are unknown ("?") only where a
dimension is unknown to the analyzer.
"""
from __future__ import annotations

from ..layers.shape import format_dim
from .report import FileReport, ModelReport

CHAIN_WIDTHS = (38, 29, 17)
GRAPH_WIDTHS = (31, 27, 17, 28)


def format_size(n_params, bytes_per_param: int = 4, nbytes=None) -> str:
    """Keras's readable memory size: 25,461 float32 params -> '99.46 KB'."""
    if n_params is None:
        return "unknown size"
    size = float(nbytes if nbytes is not None else n_params * bytes_per_param)
    units = ["B", "KB", "MB", "GB", "TB", "PB"]
    i = 0
    while size >= 1024 and i < len(units) - 1:
        size /= 1024
        i += 1
    return f"{size:.2f} {units[i]}"


def _count(n) -> str:
    return "?" if n is None else f"{n:,}"


def _table_shape(shape) -> str:
    """Keras's summary table joins the dims itself: a rank-1 shape is "(None)",
    not Python's "(None,)"."""
    if shape is None:
        return "?"
    return "(" + ", ".join(format_dim(d) for d in shape) + ")"


def _shape_text(shape) -> str:
    if isinstance(shape, list):
        return "[" + ", ".join(_table_shape(s) for s in shape) + "]"
    return _table_shape(shape)


def _wrap(text: str, width: int) -> list[str]:
    """Fold like rich: at spaces when possible, hard-split overlong words."""
    if len(text) <= width:
        return [text]
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if len(word) > width:
            word = word[: width - 1] + "…"  # rich cuts an overlong word with an ellipsis
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def render_model(model: ModelReport) -> str:
    graph = model.kind == "functional" and not model.sequential_like
    widths = GRAPH_WIDTHS if graph else CHAIN_WIDTHS
    headers = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if graph else [])
    rows = []
    # Keras's summary lists every operation of a functional graph (an `x + y`
    # shows as "add (Add)"), while model.layers holds only the layers.
    for layer in (model.operations or model.layers):
        if layer.params is None and layer.params_unknown:
            params = "?"
        elif layer.params is None and (not model.built or layer.output_shape is None):
            params = "0 (unbuilt)"
        else:
            params = _count(layer.params)
        if layer.output_shape is None:
            shape = "?"
        elif isinstance(layer.output_shape, list) and layer.shape_from_model:
            shape = "(" + ", ".join(_table_shape(s) for s in layer.output_shape) + ")"
        else:
            shape = _shape_text(layer.output_shape)
        row = [f"{layer.name} ({layer.class_name})", shape, params]
        if graph:
            row.append(", ".join(layer.connected_to) if layer.connected_to else "-")
        rows.append(row)

    def rule(left: str, mid: str, right: str, fill: str) -> str:
        return left + mid.join(fill * w for w in widths) + right

    def cells(values: list[str], sep: str) -> list[str]:
        wrapped = [_wrap(v, w - 2) for v, w in zip(values, widths)]
        height = max(len(c) for c in wrapped)
        out = []
        for i in range(height):
            parts = []
            for col, (lines, w) in enumerate(zip(wrapped, widths)):
                text = lines[i] if i < len(lines) else ""
                parts.append(" " + (text.rjust(w - 2) if col == 2 else text.ljust(w - 2)) + " ")
            out.append(sep + sep.join(parts) + sep)
        return out

    out = [f'Model: "{model.keras_name or model.name}"']
    out.append(rule("┏", "┳", "┓", "━"))
    out.extend(cells(headers, "┃"))
    out.append(rule("┡", "╇", "┩", "━"))
    for i, r in enumerate(rows):
        out.extend(cells(r, "│"))
        if i != len(rows) - 1:
            out.append(rule("├", "┼", "┤", "─"))
    out.append(rule("└", "┴", "┘", "─"))
    total, trainable, frozen = model.total_params, model.trainable_params, model.non_trainable_params
    if model.built:
        all_b, train_b = model.weight_bytes
    else:
        # Keras counts the weights that exist: those of the sub-layers and
        # sub-models already built (an unbuilt model holding built encoders).
        total = sum(l.params or 0 for l in model.layers)
        trainable = sum(l.trainable_params or 0 for l in model.layers)
        frozen = total - trainable
        all_b, train_b = 4 * total, 4 * trainable
    frozen_b = all_b - train_b if all_b is not None and train_b is not None else None
    opt, opt_b = model.optimizer_params, model.optimizer_bytes
    if opt is not None and total is not None:
        # A fit built the optimizer: Keras counts its variables in the total.
        total_shown = total + opt
        total_b = all_b + opt_b if all_b is not None and opt_b is not None else None
    else:
        total_shown, total_b = total, all_b
    out.append(f" Total params: {_count(total_shown)} ({format_size(total_shown, nbytes=total_b)})")
    out.append(f" Trainable params: {_count(trainable)} ({format_size(trainable, nbytes=train_b)})")
    out.append(f" Non-trainable params: {_count(frozen)} ({format_size(frozen, nbytes=frozen_b)})")
    if opt is not None:
        out.append(f" Optimizer params: {_count(opt)} ({format_size(opt, nbytes=opt_b)})")
    return "\n".join(out) + "\n"


def render_file(report: FileReport) -> str:
    parts = []
    for model in report.models:
        where = f"{report.path}:{model.line}" if model.cell is None else f"{report.path}:cell {model.cell}:{model.line}"
        head = f"{where}: {model.name or 'model'}"  # made in `return keras.Model(...)`: no variable names it
        if model.context:
            head += f"  ({model.context})"
        if not model.built:
            head += "  (not built: no input shape is known yet, as Keras reports it)"
        parts.append(head + "\n" + render_model(model))
    for d in report.diagnostics:
        if d.code in ("SC001", "SC004"):
            where = f"{d.line}:{d.col}" if getattr(d, "cell", None) is None else f"cell {d.cell}:{d.line}:{d.col}"
            parts.append(f"{report.path}:{where}: {d.code} {d.message}\n")
    if not parts:
        parts.append(f"{report.path}: no models found\n")
    return "\n".join(parts) + "\n"
