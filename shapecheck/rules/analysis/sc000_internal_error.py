"""SC000 internal-error: shapecheck itself failed on this file."""
from .. import Rule

RULE = Rule(
    code='SC000',
    name='internal-error',
    severity='error',
    title='shapecheck itself failed on this file',
    what='An unexpected exception inside shapecheck while analysing the file.',
    why='Nothing in the file was checked, so a clean result would be a false promise; the run exits with status 2.',
    example='# any file that makes the analyzer raise',
    fix='Report the file and the message to the shapecheck maintainers; exclude the file meanwhile with `exclude = ["path"]` in `[tool.shapecheck]`.',
)
