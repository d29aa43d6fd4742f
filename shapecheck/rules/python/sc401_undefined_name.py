"""SC401 undefined-name: A name is used but never defined."""
from .. import Rule

RULE = Rule(
    code='SC401',
    name='undefined-name',
    severity='error',
    title='A name is used but never defined',
    what="A name read in model code that no assignment, import, parameter or builtin defines (the seeds' merge example uses `win_size` from an earlier notebook cell).",
    why='Python raises `NameError` on that line and the script stops before the model exists.',
    example='rows = [layers.Lambda(lambda x: x[:, i])(inputs) for i in range(win_size)]',
    fix='Define the name before use (`win_size = 4`) or import it.',
)
