"""SC004 unreadable-file: The file cannot be read as Python source."""
from .. import Rule

RULE = Rule(
    code='SC004',
    name='unreadable-file',
    severity='error',
    title='The file cannot be read as Python source',
    what='A binary file, a file that is not UTF-8, or one that cannot be opened.',
    why='Nothing in it can be checked; the run exits with status 2.',
    example='# a .py file that holds compiled bytes',
    fix='Point shapecheck at source files, or exclude the file.',
)
