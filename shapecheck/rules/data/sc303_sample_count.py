"""SC303 sample-count: x and y with different numbers of samples."""
from .. import Rule
from ..support.context import diag, events_of
from ..support.data import sample_count_problem


def check(report, ctx):
    for ev in events_of(report, ("fit", "evaluate", "train_on_batch", "test_on_batch")):
        problem = sample_count_problem(ev.args.get("x"), ev.args.get("y"), ev.args.get("sample_weight"))
        if problem:
            at, message, hint = problem
            yield diag(RULE, [at, ev.args.get("y"), ev], f"{ev.method}(): {message}", hint=hint)


RULE = Rule(
    code="SC303",
    name="sample-count",
    severity="error",
    title="x and y have different numbers of samples",
    what="Arrays given together to fit/evaluate/train_on_batch (x, y, sample_weight) whose first (sample) dimensions differ.",
    why="Keras 3 raises `ValueError: Data cardinality is ambiguous. Make sure all arrays contain the same number of samples. 'x' sizes: 8 'y' sizes: 7` (train_on_batch fails on the shape mismatch instead).",
    example="model.fit(np.zeros((100, 4)), np.zeros((90, 1)))",
    fix="Slice x and y the same way; check the train/test split.",
    check=check,
)
