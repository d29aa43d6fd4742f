"""SC002 analysis-stopped: The analysis stopped at a limit."""
from .. import Rule

RULE = Rule(
    code='SC002',
    name='analysis-stopped',
    severity='info',
    title='The analysis stopped at a limit',
    what='A place where the analyzer gave up following the code: a loop with too many iterations, recursion, a file too large.',
    why='Models built past this point may be missing from the report or have unknown shapes; nothing is wrong with the code itself.',
    example="""for i in range(10**9):
    model.add(layers.Dense(4))""",
    fix='Nothing to fix; simplify the code if you want it checked.',
)
