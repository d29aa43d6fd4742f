"""SC005 unused-suppression: a shapecheck ignore comment that suppresses nothing."""
from .. import Rule

RULE = Rule(
    code="SC005",
    name="unused-suppression",
    severity="error",
    title="A suppression comment that suppresses nothing",
    what="A `# shapecheck: ignore[...]` comment (or a bare `# shapecheck: ignore`) on a line with no matching diagnostic. Reported only with `--warn-unused-ignores`.",
    why="Stale suppressions hide the next real fault on that line and mislead readers about what is wrong there.",
    example="model.add(layers.Dense(10))  # shapecheck: ignore[SC102]",
    fix="Remove the comment, or narrow it to the codes that are reported on that line.",
)
