"""SC304 validation-data: validation_data that does not fit the model."""
from .. import Rule
from ..support.context import diag, events_of, fmt
from ..support.data import input_count_problem, input_shape_problems, label_problems, sample_count_problem


def check(report, ctx):
    for ev in events_of(report, ("fit",)):
        val = ev.args.get("validation_data")
        if ev.model is not None and val is not None and val.kind in ("array", "tensor") and ev.compiled is not None:
            # Keras unpacks a lone array as (x_val, None, None): no labels
            yield diag(RULE, [val, ev], f"validation_data is a single array of shape {fmt(val.shape)}: Keras 3 "
                                  "reads it as x_val with no labels and raises `None values not supported`",
                       hint="pass validation_data=(x_val, y_val)")
            continue
        if ev.model is None or val is None or val.kind not in ("tuple", "list") or not isinstance(val.items, list):
            continue
        if len(val.items) not in (2, 3):
            yield diag(RULE, [val, ev], f"validation_data has {len(val.items)} items: Keras expects (x_val, y_val) "
                                  "or (x_val, y_val, sample_weight)", hint="pass validation_data=(x_val, y_val)")
            continue
        xv, yv = val.items[0], val.items[1]
        problems = []
        count = input_count_problem(ev.model, xv)
        if count:
            problems.append(count)
        else:
            problems.extend(input_shape_problems(ev.model, xv))
        problems.extend(label_problems(ev.model, ev.compiled, yv))
        n = sample_count_problem(xv, yv)
        if n:
            problems.append(n)
        for at, message, hint in problems:
            yield diag(RULE, [at, val, ev], f"fit(validation_data=...): {message}", hint=hint)


RULE = Rule(
    code="SC304",
    name="validation-data",
    severity="error",
    title="validation_data does not match the model",
    what="`fit(validation_data=(x_val, y_val))` whose arrays fail the checks of SC301/SC302/SC303/SC305, or a tuple of the wrong length.",
    why="Keras 3 runs validation at the end of the first epoch and raises there, after a whole epoch of training has been spent: the same messages as for the training data.",
    example="model.fit(x_train, y_train, validation_data=(x_test[:, :5], y_test))",
    fix="Prepare validation data exactly as the training data.",
    check=check,
)
