"""SC510 batch-larger-than-data: batch_size above the number of samples."""
from .. import Rule
from ..support.context import const, diag, events_of, sample_count


def check(report, ctx):
    for ev in events_of(report, ("fit", "evaluate", "predict")):
        bs_arg = ev.args.get("batch_size")
        bs = const(bs_arg)
        if isinstance(bs, bool) or not isinstance(bs, int):
            continue
        n = sample_count(ev.args.get("x"))
        if n is None or bs <= n:
            continue
        yield diag(
            RULE, [bs_arg, ev],
            f"{ev.method}(batch_size={bs}) on {n} samples: every epoch is a single batch of {n}, "
            + ("one weight update per epoch" if ev.method == "fit" else "the batch size has no effect"),
            hint=f"use a batch_size below {n} (e.g. 32), or leave it out",
        )


RULE = Rule(
    code="SC510",
    name="batch-larger-than-data",
    severity="warning",
    title="Batch size larger than the data",
    what="fit/evaluate/predict with a constant `batch_size` above the number of samples in x.",
    why="Keras 3 accepts it and uses one short batch, so fit() makes a single gradient step per epoch: training is far slower than the author expects. Often batch_size and epochs are swapped.",
    example="model.fit(np.zeros((50, 4)), np.zeros((50, 1)), batch_size=128, epochs=10)",
    fix="Use a batch size well below the number of samples (32 is Keras's default).",
    check=check,
)
