"""``model.summary()`` in Keras 3's table layout."""
from __future__ import annotations

from .layer import InputLayer
from .tensor import format_shape as _tuple_shape


def format_shape(shape) -> str:
    """A shape as Keras's summary prints it: "(None)" for a rank-1 shape, no tuple comma."""
    if len(shape) == 1:
        return "(" + ("None" if shape[0] is None else str(shape[0])) + ")"
    return _tuple_shape(shape)


def readable_size(n_params: int, bytes_per_param: int = 4, extra_bytes: int = 0) -> str:
    size = float(n_params * bytes_per_param + extra_bytes)
    units = ["B", "KB", "MB", "GB", "TB"]
    i = 0
    while size >= 1024 and i < len(units) - 1:
        size /= 1024
        i += 1
    return f"{size:.2f} {units[i]}"


def _shape_of(layer, subclassed=False):
    nodes = layer._inbound_nodes
    spec = getattr(layer, "spec", None)
    if subclassed and spec is not None and not hasattr(layer, "_graph"):
        # Inside a subclassed model Keras records no nodes: it shows the output shape
        # computed from the shape the layer was built with (batch size included), and
        # "?" for a layer that never ran build() (one built in __init__, e.g. pooling).
        from .layer import BUILT_AT_INIT

        built_with = getattr(layer, "_real_build_shapes", None) or layer._build_shapes
        if spec.class_name in BUILT_AT_INIT or not built_with:
            return "?"
        try:
            out = spec.output_shape(layer.cfg, [tuple(s) for s in built_with])
        except Exception:
            return "?"
        shapes = out if isinstance(out, list) else [out]
    elif subclassed and getattr(layer, "_graph", None) is not None:
        # a functional / Sequential model held by a subclassed model: its outputs' shapes
        # (several as a tuple, the way Keras prints compute_output_shape's result)
        shapes = [t.shape for t in layer._graph.outputs]
        if len(shapes) > 1:
            return "(" + ", ".join(format_shape(s) for s in shapes) + ")"
    elif nodes:
        outs = nodes[-1].outputs
        shapes = [t.shape for t in outs]
    elif getattr(layer, "_eager_output_shapes", None):
        shapes = layer._eager_output_shapes  # a layer only ever called on arrays (subclassed models)
    elif getattr(layer, "spec", None) is not None and layer._build_shapes:
        # Built but never called (a model's own build()): Keras shows the shape
        # computed from the build input shape.
        try:
            out = layer.spec.output_shape(layer.cfg, [tuple(s) for s in layer._build_shapes])
        except Exception:
            return "?"
        shapes = out if isinstance(out, list) else [out]
    else:
        return "?"
    if len(shapes) == 1:
        return format_shape(shapes[0])
    return "[" + ", ".join(format_shape(s) for s in shapes) + "]"


def _params(layer):
    if not layer.built:
        return "0 (unbuilt)"
    return f"{sum(v.value.size for v in layer._all_vars()):,}"


def _type_name(layer) -> str:
    name = type(layer).__name__
    if name == "Model" and getattr(layer, "_graph", None) is not None:
        return "Functional"  # Keras 3's class for Model(inputs, outputs)
    return name


def _connections(layer, graph) -> str:
    """Keras's "Connected to": every input of every call of the layer inside
    this model, as producer[node index][tensor index]."""
    nodes = [n for n in graph.nodes if n.layer is layer] if graph is not None else []
    conns = []
    for node in nodes:
        for t in node.inputs:
            if t.node is not None:
                idx = next((i for i, n in enumerate(t.node.layer._inbound_nodes) if n is t.node), 0)
                conns.append(f"{t.node.layer.name}[{idx}][{t.index}]")
    return ", ".join(conns) if conns else "-"


def _sequential_like(model) -> bool:
    """Keras prints a "Connected to" column unless the graph is a plain chain."""
    from .model import Sequential

    graph = model._graph
    if graph is None or isinstance(model, Sequential):
        return True
    # Keras's rule (summary_utils.print_summary): at most one node at each depth of
    # the graph, taking at most one tensor, and no layer with two of those nodes.
    # (A model whose outputs are a chain's intermediate layers is still a chain.)
    nodes = []
    for depth in sorted(graph.nodes_by_depth):
        level = graph.nodes_by_depth[depth]
        if len(level) > 1 or (len(level) == 1 and len(level[0].inputs) > 1):
            return False
        nodes.extend(level)
    in_chain = {id(n) for n in nodes}
    for layer in graph.layers:
        if sum(1 for n in layer._inbound_nodes if id(n) in in_chain) > 1:
            return False
    return True


def _wrap(text: str, width: int) -> list[str]:
    lines, cur = [], ""
    for word in text.split(" "):
        if len(word) > width:
            word = word[: width - 1] + "…"
        if not cur:
            cur = word
        elif len(cur) + 1 + len(word) <= width:
            cur += " " + word
        else:
            lines.append(cur)
            cur = word
    lines.append(cur)
    return lines


# Column widths Keras 3 draws on a terminal of 120 columns (88 / 108 wide).
_WIDTHS_CHAIN = [38, 29, 17]
_WIDTHS_GRAPH = [31, 27, 17, 28]


def column_widths(branching: bool, columns: int | None = None) -> list[int]:
    """The widths (padding included, borders not) of Keras 3's summary table on
    a terminal ``columns`` wide (default: the terminal's, as Keras asks
    shutil -- $COLUMNS, else 80 when the output is not a terminal).

    Keras sizes the table min(88, columns - 4) wide (108 with a "Connected to"
    column), cuts it at fixed fractions, and rich, finding the padded columns
    too wide for the table, takes the excess from each column in turn
    (round(excess / columns left), Python's rounding)."""
    import shutil

    if columns is None:
        columns = shutil.get_terminal_size().columns
    default, positions = (108, (0.3, 0.56, 0.74, 1.0)) if branching else (88, (0.45, 0.80, 1.0))
    length = min(default, columns - 4)
    widths, current = [], 0
    for pos in positions:
        w = int(pos * length) - current
        if w < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(w + 2)  # rich adds one space of padding on each side
        current += w
    excess = sum(widths) - (length - (len(widths) + 1))  # the table's borders come out of its width
    left = len(widths)
    out = []
    for w in widths:
        cut = min(w, round(excess / left)) if excess > 0 else 0
        out.append(w - cut)
        excess -= cut
        left -= 1
    return out


def render(model) -> str:
    graph = getattr(model, "_graph", None)
    layers = graph.layers if graph is not None and type(model).__name__ != "Sequential" else model.layers
    branching = not _sequential_like(model)
    headers = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if branching else [])
    rows = []
    from .model import Sequential

    subclassed = getattr(model, "_graph", None) is None and not isinstance(model, Sequential)
    for layer in layers:
        row = [f"{layer.name} ({_type_name(layer)})", _shape_of(layer, subclassed),
               _params(layer) if not isinstance(layer, InputLayer) else "0"]
        if branching:
            row.append(_connections(layer, model._graph))
        rows.append(row)
    widths = column_widths(branching)

    def line(left, mid, right, fill):
        return left + mid.join(fill * w for w in widths) + right

    def cells(values, sep):
        # Long cells wrap at spaces; a word wider than its column ends in "…".
        wrapped = [_wrap(v, widths[i] - 2) for i, v in enumerate(values)]
        height = max(len(w) for w in wrapped)
        lines = []
        for k in range(height):
            out = []
            for i, w in enumerate(wrapped):
                v = w[k] if k < len(w) else ""
                width = widths[i] - 2
                out.append(" " + (v.rjust(width) if i == 2 else v.ljust(width)) + " ")
            lines.append(sep + sep.join(out) + sep)
        return "\n".join(lines)

    out = [f'Model: "{model.name}"', line("┏", "┳", "┓", "━"), cells(headers, "┃"), line("┡", "╇", "┩", "━")]
    for i, r in enumerate(rows):
        out.append(cells(r, "│"))
        if i < len(rows) - 1:
            out.append(line("├", "┼", "┤", "─"))
    out.append(line("└", "┴", "┘", "─"))
    if True:  # Keras prints the totals of whatever is built, even for an unbuilt model
        total = sum(v.value.size for v in model._all_vars())
        trainable = sum(v.value.size for v in model.trainable_weights)
        opt = getattr(model, "optimizer", None)
        # Once built (at the first step) Keras counts the optimizer's variables
        # too: its slots plus `iterations` and `learning_rate`.
        opt_params = 2 + sum(v.size for v in opt.variables) if opt is not None and opt.iterations else 0
        # `iterations` is an int64: 4 bytes more than a float32.
        extra = 4 if opt_params else 0
        # A weight Keras keeps in another dtype (Normalization's int64 count) takes its own size.
        wide = sum(v.value.size * (getattr(v, "summary_itemsize", 4) - 4) for v in model._all_vars())
        wide_trainable = sum(v.value.size * (getattr(v, "summary_itemsize", 4) - 4) for v in model.trainable_weights)
        out.append(f" Total params: {total + opt_params:,} "
                   f"({readable_size(total + opt_params, extra_bytes=extra + wide)})")
        out.append(f" Trainable params: {trainable:,} ({readable_size(trainable, extra_bytes=wide_trainable)})")
        out.append(f" Non-trainable params: {total - trainable:,} "
                   f"({readable_size(total - trainable, extra_bytes=wide - wide_trainable)})")
        if opt_params:
            out.append(f" Optimizer params: {opt_params:,} ({readable_size(opt_params, extra_bytes=extra)})")
    return "\n".join(out)
