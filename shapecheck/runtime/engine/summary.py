"""``model.summary()`` in Keras 3's table layout."""
from __future__ import annotations

from .layer import InputLayer
from .tensor import format_shape


def readable_size(n_params: int, bytes_per_param: int = 4) -> str:
    size = float(n_params * bytes_per_param)
    units = ["B", "KB", "MB", "GB", "TB"]
    i = 0
    while size >= 1024 and i < len(units) - 1:
        size /= 1024
        i += 1
    return f"{size:.2f} {units[i]}"


def _shape_of(layer):
    nodes = layer._inbound_nodes
    if not nodes:
        return "?"
    outs = nodes[-1].outputs
    if len(outs) == 1:
        return format_shape(outs[0].shape)
    return "[" + ", ".join(format_shape(t.shape) for t in outs) + "]"


def _params(layer):
    if not layer.built:
        return "0 (unbuilt)"
    return f"{sum(v.value.size for v in layer._all_vars()):,}"


def render(model) -> str:
    from .model import Sequential

    layers = model.layers
    graph = model._graph
    branching = False
    if graph is not None and not isinstance(model, Sequential):
        branching = len(graph.inputs) > 1 or any(len(n.inputs) > 1 for n in graph.nodes) or len(graph.outputs) > 1
    headers = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if branching else [])
    rows = []
    for layer in layers:
        row = [f"{layer.name} ({type(layer).__name__})", _shape_of(layer), _params(layer) if not isinstance(layer, InputLayer) else "0"]
        if branching:
            node = layer._inbound_nodes[-1] if layer._inbound_nodes else None
            conns = []
            for t in (node.inputs if node else []):
                if t.node is not None:
                    conns.append(f"{t.node.layer.name}[0][{t.index}]")
            row.append(", ".join(conns) if conns else "-")
        rows.append(row)
    widths = [max([len(headers[i])] + [len(r[i]) for r in rows]) + 2 for i in range(len(headers))]
    widths[0] = max(widths[0], 33)
    widths[1] = max(widths[1], 24)
    widths[2] = max(widths[2], 15)

    def line(left, mid, right):
        return left + mid.join("━" * w for w in widths) + right

    def cells(values, sep):
        out = []
        for i, v in enumerate(values):
            w = widths[i] - 2
            out.append(" " + (v.rjust(w) if i == 2 else v.ljust(w)) + " ")
        return sep + sep.join(out) + sep

    out = [f'Model: "{model.name}"', line("┏", "┳", "┓"), cells(headers, "┃"), line("┡", "╇", "┩")]
    for i, r in enumerate(rows):
        out.append(cells(r, "│"))
        if branching and i < len(rows) - 1:
            out.append("├" + "┼".join("─" * w for w in widths) + "┤")
    out.append("└" + "┴".join("─" * w for w in widths) + "┘")
    if model.built:
        total = sum(v.value.size for v in model._all_vars())
        trainable = sum(v.value.size for v in model.trainable_weights)
        out.append(f" Total params: {total:,} ({readable_size(total)})")
        out.append(f" Trainable params: {trainable:,} ({readable_size(trainable)})")
        out.append(f" Non-trainable params: {total - trainable:,} ({readable_size(total - trainable)})")
    return "\n".join(out)
