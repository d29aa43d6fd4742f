"""SC001 syntax-error: The file is not valid Python."""
from .. import Rule

RULE = Rule(
    code='SC001',
    name='syntax-error',
    severity='error',
    title='The file is not valid Python',
    what='Source that libcst cannot parse.',
    why='Python would refuse to run the file, and shapecheck cannot see any model in it. The run exits with status 2.',
    example="""model = keras.Sequential([
    layers.Dense(10)
# missing closing bracket""",
    fix='Fix the syntax error at the reported line.',
)
