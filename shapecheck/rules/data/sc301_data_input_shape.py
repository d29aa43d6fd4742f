"""SC301 data-input-shape: data that does not fit the model's input."""
from .. import Rule
from ..support.context import DATA_METHODS, diag, events_of
from ..support.data import input_shape_problems, stateful_batch_problem


def check(report, ctx):
    for ev in events_of(report, DATA_METHODS):
        if ev.model is None:
            continue
        problems = list(input_shape_problems(ev.model, ev.args.get("x")))
        for at, message, hint in problems:
            yield diag(RULE, [at, ev.args.get("x"), ev], f"{ev.method}(): {message}", hint=hint)
        if not problems:
            batch = stateful_batch_problem(ev.model, ev.method, ev.args.get("x"), ev.args.get("batch_size"))
            if batch:
                at, message, hint = batch
                yield diag(RULE, [at, ev.args.get("x"), ev], f"{ev.method}(): {message}", hint=hint)


RULE = Rule(
    code="SC301",
    name="data-input-shape",
    severity="error",
    title="Data shape does not match the model input",
    what="Arrays given to fit/evaluate/predict/train_on_batch whose shape (known from the code that made them) does not fit the model's Input.",
    why="Keras 3 raises at the call: `Input 0 of layer \"dense\" is incompatible with the layer: expected axis -1 of input shape to have value 4, but received input with shape (None, 5)` or `Invalid input shape`. Keras 3 adjusts one trailing axis of size 1 (data (n, 4, 1) fits Input((4,)); data (n,) fits Input((1,))), and so does this rule. A Sequential model without an input shape is built from the data and never reported. Also: batches of another size than the fixed batch of a stateful RNN (`keras.Input(batch_shape=(16, ...))` + `LSTM(stateful=True)`): every batch must have exactly that many samples, and fit/evaluate/predict use batch_size=32 unless told.",
    example="model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])\nmodel.predict(np.zeros((8, 5)))",
    fix="Reshape the data to the model's input shape, or change `keras.Input(shape=...)` to the data's feature shape.",
    check=check,
)
