"""SC003 unknown-value: The analyzer could not follow this value."""
from .. import Rule

RULE = Rule(
    code='SC003',
    name='unknown-value',
    severity='info',
    title='The analyzer could not follow this value',
    what='A value the analyzer cannot know statically: a call into an unknown library, data read from disk, an unknown layer class.',
    why='Shapes that depend on it become symbolic (named) dimensions, and checks that need them stay silent rather than guess.',
    example="""x = pd.read_csv('data.csv').values
model.fit(x, y)""",
    fix='Nothing to fix. Annotating shapes with constants (`N_FEATURES = 20`) lets more checks run.',
)
