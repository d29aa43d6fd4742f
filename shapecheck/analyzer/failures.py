"""How a bug inside the analyzer surfaces: one SC002 info diagnostic, never an exception.

The analyzer is called on arbitrary code by editors and CI; an unexpected
exception must not cost the caller the results gathered before it, nor take a
language server down.  ``internal_error`` builds the diagnostic that stands in
for the failure; ``options["internal_errors"] == "raise"`` re-raises instead
(the robustness sweep uses it to print the traceback).
"""
from __future__ import annotations

import traceback

from ..diagnostics import Diagnostic

INTERNAL_ERROR_PREFIX = "analysis stopped: internal error"


def reraise(options) -> bool:
    return bool(options) and options.get("internal_errors") == "raise"


def internal_error(err: BaseException, line: int = 1) -> Diagnostic:
    """SC002 info at `line` naming the exception and where in shapecheck it was raised."""
    frames = traceback.extract_tb(err.__traceback__) if err.__traceback__ else []
    ours = [f for f in frames if "shapecheck" in f.filename.replace("\\", "/")]
    frame = (ours or frames)[-1] if frames else None
    where = f" [{frame.filename.replace(chr(92), '/').rsplit('/', 1)[-1]}:{frame.lineno}]" if frame else ""
    detail = str(err)
    if len(detail) > 200:
        detail = detail[:200] + "..."
    line = max(1, int(line or 1))
    return Diagnostic(
        line, 1, line, 2, "info", "SC002",
        f"{INTERNAL_ERROR_PREFIX} ({type(err).__name__}: {detail}) at line {line}{where}",
        hint="results after this point are missing; please report this file to the shapecheck maintainers",
    )


def is_internal_error(d: Diagnostic) -> bool:
    return d.code in ("SC000",) or (d.code == "SC002" and d.message.startswith(INTERNAL_ERROR_PREFIX))


def as_sc000(d: Diagnostic) -> Diagnostic:
    """The same failure as `shapecheck check` reports it: SC000 error (exit status 2),
    because a clean result past that line would be a false promise."""
    detail = d.message[len(INTERNAL_ERROR_PREFIX):].strip()
    if detail.startswith("(") and ") at line" in detail:
        exc, _, rest = detail[1:].partition(") at line")
        detail = f"{exc} at line{rest}"
    return Diagnostic(d.line, d.col, d.end_line, d.end_col, "error", "SC000",
                      f"shapecheck failed in the analyzer: {detail}; results after it are missing",
                      hint="please report this file to the shapecheck maintainers")
