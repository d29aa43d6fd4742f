"""SC305 input-count: a multi-input model fed the wrong number of arrays."""
from .. import Rule
from ..support.context import DATA_METHODS, diag, events_of
from ..support.data import input_count_problem, input_names_problem


def check(report, ctx):
    for ev in events_of(report, DATA_METHODS):
        if ev.model is None:
            continue
        problem = input_count_problem(ev.model, ev.args.get("x")) or input_names_problem(ev.model, ev.args.get("x"))
        if problem:
            at, message, hint = problem
            yield diag(RULE, [at, ev.args.get("x"), ev], f"{ev.method}(): {message}", hint=hint)


RULE = Rule(
    code="SC305",
    name="input-count",
    severity="error",
    title="The model is fed the wrong number of arrays",
    what="A functional model with several Inputs given one array, or a list of another length, at fit/evaluate/predict; or a dict of arrays whose keys miss the name of an Input (`keras.Input(shape, name=...)`).",
    why="Keras 3 raises `Layer \"functional\" expects 2 input(s) ..., but it received 1 input tensors`, or for a dict `Missing data for input \"numeric\". You passed a data dictionary with keys [...]`. (A Sequential model given a list of arrays is accepted by Keras 3 and not reported.)",
    example="model = keras.Model([a, b], out)\nmodel.predict(np.zeros((8, 4)))",
    fix="Pass one array per Input, as a list in the order of `Model(inputs=[...])` or a dict keyed by Input names.",
    check=check,
)
