"""SC302 label-shape: labels that do not fit what the loss needs for the output."""
from .. import Rule
from ..support.context import TRAINING_METHODS, diag, events_of
from ..support.data import label_problems, missing_labels_problem


def check(report, ctx):
    for ev in events_of(report, TRAINING_METHODS):
        if ev.model is None:
            continue
        if ev.method in ("fit", "evaluate") and ev.compiled is not None:
            missing = missing_labels_problem(ev.method, ev.args.get("x"), ev.args.get("y"))
            if missing:
                at, message, hint = missing
                yield diag(RULE, [ev, at], message, hint=hint)
                continue
        for at, message, hint in label_problems(ev.model, ev.compiled, ev.args.get("y")):
            yield diag(RULE, [at, ev.args.get("y"), ev], f"{ev.method}(): {message}", hint=hint)


RULE = Rule(
    code="SC302",
    name="label-shape",
    severity="error",
    title="Labels do not match what the loss needs for this output",
    what="fit/evaluate on arrays with no labels at all, or labels given to fit/evaluate/train_on_batch that the compiled loss cannot pair with the model output: integer labels with categorical_crossentropy, one-hot labels with sparse_categorical_crossentropy, a one-hot width (`to_categorical(num_classes=)`) different from the output's units, sparse class ids outside [0, units), element-wise losses whose shapes do not broadcast, one label array for a model with several outputs that each have a loss.",
    why="Keras 3 raises at the first training step: `None values not supported` (no labels), `Arguments target and output must have the same shape. Received: target.shape=(None, 4), output.shape=(None, 3)`, `Argument output must have rank (ndim) target.ndim - 1`, `y_true and y_pred have different structures` (one array for several outputs), or (TensorFlow CPU) `Received a label value of 5 which is outside the valid range of [0, 3)`. Keras first squeezes or expands one trailing size-1 axis (labels (n,) fit a (None, 1) output), and so does this rule.",
    example="model.add(layers.Dense(3, activation='softmax'))\nmodel.compile(loss='categorical_crossentropy', optimizer='adam')\nmodel.fit(x, np.random.randint(0, 3, size=(100,)))",
    fix="Match labels to the loss: one-hot labels as wide as the output for categorical_crossentropy (`keras.utils.to_categorical(y, num_classes=units)`), integer ids in [0, units) for sparse_categorical_crossentropy.",
    check=check,
)
