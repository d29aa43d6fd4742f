"""SC514 late-bound-lambda: A Lambda reads a loop variable late-bound."""
from .. import Rule

RULE = Rule(
    code='SC514',
    name='late-bound-lambda',
    severity='warning',
    title='A Lambda reads a loop variable late-bound',
    what='`Lambda(lambda x: x[:, i, :])` created in a loop or comprehension, where the function body reads the loop variable `i` instead of binding it.',
    why="Python closures look the variable up when the function runs. Keras 3 runs Lambda functions again at predict time, long after the loop ended, so every copy sees the last value of `i`: the rows built in the seeds' merge example all come out as the last row. Keras builds the model without complaint.",
    example="""rows = [layers.Lambda(lambda x: x[:, i, :])(inputs) for i in range(4)]
# at predict time every Lambda reads row 3""",
    fix="Bind the value when the function is made: `lambda x, i=i: x[:, i, :]`, or pass it explicitly with `layers.Lambda(lambda x, i: x[:, i, :], arguments={'i': i})`.",
)
