"""SC511 embedding-index-range: Embedding input_dim not above the largest index."""
from .. import Rule
from ..support.context import DATA_METHODS, diag, events_of, previous_layer, real_layers
from ...layers.shape import is_known


def _input_embeddings(model):
    """Embedding layers fed directly by the (single) model input."""
    layers = real_layers(model)
    if not layers or len(model.inputs or []) != 1:
        return []
    out = []
    for layer in layers:
        if layer.class_name != "Embedding":
            continue
        prev = previous_layer(model, layer)
        if prev is None or prev.class_name == "InputLayer":
            out.append(layer)
    return out


def check(report, ctx):
    for ev in events_of(report, DATA_METHODS):
        x = ev.args.get("x")
        if ev.model is None or x is None or x.kind != "array" or x.max_value is None:
            continue
        for layer in _input_embeddings(ev.model):
            dim = (layer.config or {}).get("input_dim")
            if not is_known(dim) or x.max_value < dim:
                continue
            yield diag(
                RULE, layer,
                f"{layer.name} has input_dim={dim} (indices 0..{dim - 1}), but the data passed to {ev.method}() at line "
                f"{ev.line} holds index {int(x.max_value)}: TensorFlow on CPU raises `indices ... is not in [0, {dim})`, "
                "on GPU the lookup silently returns zeros",
                hint=f"set input_dim to at least {int(x.max_value) + 1} (vocabulary size + 1 with padding index 0)",
            )


RULE = Rule(
    code="SC511",
    name="embedding-index-range",
    severity="warning",
    title="Embedding input_dim not above the largest index in the data",
    what="An Embedding fed by the model input whose `input_dim` is less than or equal to the largest token id in data whose values are known (e.g. `np.random.randint(0, 1000, ...)` into `Embedding(500, ...)`).",
    why="Valid ids are 0..input_dim-1. Keras builds the model; what happens at the lookup depends on the device: TensorFlow on CPU raises `InvalidArgumentError: indices[..] = 999 is not in [0, 500)`, on GPU out-of-range ids silently map to zero vectors.",
    example="model = keras.Sequential([keras.Input((10,)), layers.Embedding(500, 8)])\nmodel.predict(np.random.randint(0, 1000, size=(4, 10)))",
    fix="Set `input_dim` to the vocabulary size (largest id + 1).",
    check=check,
)
