"""Text rendering of models, in the layout of Keras 3's ``model.summary()``."""
from __future__ import annotations

from ..layers.shape import format_shape
from .report import FileReport, ModelReport


def format_size(n_params, bytes_per_param: int = 4) -> str:
    """Keras's ``readable_memory_size``: 25,461 float32 params -> '99.46 KB'."""
    if n_params is None:
        return "unknown"
    size = float(n_params * bytes_per_param)
    units = ["B", "KB", "MB", "GB", "TB", "PB"]
    i = 0
    while size >= 1024 and i < len(units) - 1:
        size /= 1024
        i += 1
    return f"{size:.2f} {units[i]}"


def _count(n) -> str:
    return "?" if n is None else f"{n:,}"


def _shape_text(shape) -> str:
    if isinstance(shape, list):
        return "[" + ", ".join(format_shape(s) for s in shape) + "]"
    return format_shape(shape)


def render_model(model: ModelReport) -> str:
    show_connections = model.kind == "functional" and _is_branching(model)
    headers = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if show_connections else [])
    rows = []
    for layer in model.layers:
        row = [f"{layer.name} ({layer.class_name})", _shape_text(layer.output_shape), _count(layer.params)]
        if show_connections:
            row.append(", ".join(layer.connected_to) if layer.connected_to else "-")
        rows.append(row)
    widths = [max([len(headers[i])] + [len(r[i]) for r in rows]) + 2 for i in range(len(headers))]
    widths[0] = max(widths[0], 33)
    widths[1] = max(widths[1], 24)
    widths[2] = max(widths[2], 15)

    def line(left, mid, right, fill):
        return left + mid.join(fill * w for w in widths) + right

    def cells(values, sep):
        out = []
        for i, v in enumerate(values):
            w = widths[i] - 2
            out.append(" " + (v.rjust(w) if i == 2 else v.ljust(w)) + " ")
        return sep + sep.join(out) + sep

    out = [f'Model: "{model.keras_name or model.name}"']
    out.append(line("┏", "┳", "┓", "━"))
    out.append(cells(headers, "┃"))
    out.append(line("┡", "╇", "┩", "━"))
    for i, r in enumerate(rows):
        out.append(cells(r, "│"))
        if i != len(rows) - 1:
            out.append(line("├", "┼", "┤", "─"))
    out.append(line("└", "┴", "┘", "─"))
    out.append(f" Total params: {_count(model.total_params)} ({format_size(model.total_params)})")
    out.append(f" Trainable params: {_count(model.trainable_params)} ({format_size(model.trainable_params)})")
    out.append(f" Non-trainable params: {_count(model.non_trainable_params)} ({format_size(model.non_trainable_params)})")
    return "\n".join(out) + "\n"


def _is_branching(model: ModelReport) -> bool:
    return any(len(l.connected_to) > 1 for l in model.layers) or len(model.inputs) > 1 or len(model.outputs) > 1


def render_file(report: FileReport) -> str:
    parts = []
    for model in report.models:
        where = f"line {model.line}" if model.cell is None else f"cell {model.cell}, line {model.line}"
        head = f"{report.path}:{model.line}: {model.name}"
        if model.context:
            head += f"  [{model.context}]"
        if not model.built:
            parts.append(f"{head}\n  model not built: no input shape is known ({where})\n")
            continue
        parts.append(head + "\n" + render_model(model))
    for d in report.diagnostics:
        if d.severity == "error" and d.code in ("SC001", "SC004"):
            parts.append(f"{report.path}:{d.line}:{d.col}: {d.code} {d.message}\n")
    if not parts:
        parts.append(f"{report.path}: no models found\n")
    return "\n".join(parts) + "\n"
