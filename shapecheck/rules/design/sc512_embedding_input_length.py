"""SC512 embedding-input-length: Embedding input_length disagreeing with the data."""
from .. import Rule
from ..support.context import DATA_METHODS, array_shape, diag, events_of
from ...layers.shape import is_known
from .sc511_embedding_index_range import _input_embeddings


def check(report, ctx):
    for ev in events_of(report, DATA_METHODS):
        shape = array_shape(ev.args.get("x"))
        if ev.model is None or shape is None or len(shape) < 2 or not is_known(shape[1]):
            continue
        for layer in _input_embeddings(ev.model):
            length = (layer.config or {}).get("input_length")
            if not is_known(length) or length == shape[1]:
                continue
            yield diag(
                RULE, layer,
                f"{layer.name} says input_length={length}, but the sequences passed to {ev.method}() at line {ev.line} "
                f"have length {shape[1]}: Keras 3 ignores input_length, so the model silently runs on length {shape[1]}",
                hint=f"remove input_length= (Keras 3 ignores it) and pad the sequences to the length you mean",
            )


RULE = Rule(
    code="SC512",
    name="embedding-input-length",
    severity="warning",
    title="Embedding input_length disagreeing with the data",
    what="`Embedding(..., input_length=n)` fed by the model input with sequences of another length.",
    why="Keras 3 accepts `input_length` only for compatibility and ignores it: nothing checks that the data has that length, and layers after the Embedding (Flatten + Dense) are sized by the real data or the Input. A disagreement means the padding or the model is not what the author thinks.",
    example="model = keras.Sequential([keras.Input((20,)), layers.Embedding(1000, 8, input_length=10)])\nmodel.predict(np.zeros((4, 20), dtype='int32'))",
    fix="Drop `input_length=` and state the length once, in `keras.Input(shape=(n,))`; pad sequences to that length.",
    check=check,
)
