"""Code actions: each diagnostic's machine-applicable fix, and "suppress on this line".

Edits are computed against the exact text that was analyzed; the server only
offers them when that text is what the editor holds now.
"""
from __future__ import annotations

import io
import tokenize
from typing import Optional

from lsprotocol import types

from ..diagnostics import Diagnostic
from .conversions import Positions, split_lines, to_lsp_diagnostic, to_lsp_edit
from .views import SUPPRESSION


def _string_lines(source: str) -> set[int]:
    """1-based lines that end inside a multi-line string (a comment there would become text)."""
    inside: set[int] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.STRING and tok.end[0] > tok.start[0]:
                inside.update(range(tok.start[0], tok.end[0]))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return inside


def suppression_edit(lines: list[str], line: int, code: str, string_lines: set[int]) -> Optional[tuple[int, int, str]]:
    """(line, col, text) inserting `code` into that line's suppression comment, or None when it can't go there."""
    if not (1 <= line <= len(lines)) or line in string_lines:
        return None
    text = lines[line - 1]
    m = SUPPRESSION.search(text)
    if m:
        codes = [c.strip() for c in m.group(1).split(",") if c.strip()]
        if code in codes:
            return None
        return line, m.end(1), (", " if codes else "") + code
    end = len(text.rstrip())
    return line, end, f"  # shapecheck: ignore[{code}]"


QUICKFIX = types.CodeActionKind.QuickFix.value


def _covers(requested: str, kind: str) -> bool:
    """LSP kinds are hierarchical: asking for "quickfix" (or "") includes "quickfix.x"."""
    return requested == "" or kind == requested or kind.startswith(requested + ".")


def _overlaps(d: Diagnostic, first: int, last: int) -> bool:
    return d.line <= last and d.end_line >= first


def code_actions(
    diagnostics: list[Diagnostic], source: str, uri: str, positions: Positions, requested: types.Range, only=None
) -> list[types.CodeAction]:
    if only and not any(_covers(getattr(k, "value", k), QUICKFIX) for k in only):
        return []
    first, last = requested.start.line + 1, requested.end.line + 1
    lines = split_lines(source)
    string_lines: Optional[set[int]] = None
    actions: list[types.CodeAction] = []
    for d in diagnostics:
        if d.cell is not None or not _overlaps(d, first, last):
            continue
        lsp_diag = to_lsp_diagnostic(d, positions, uri)
        if d.fix is not None and d.fix.edits:
            actions.append(
                types.CodeAction(
                    title=d.fix.title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[lsp_diag],
                    is_preferred=True,
                    edit=types.WorkspaceEdit(changes={uri: [to_lsp_edit(e, positions) for e in d.fix.edits]}),
                )
            )
        if d.code == "SC001":
            continue  # a syntax error cannot be suppressed
        if string_lines is None:
            string_lines = _string_lines(source)
        ins = suppression_edit(lines, d.line, d.code, string_lines)
        if ins is None:
            continue
        line, col, text = ins
        pos = positions.position(line, col)
        actions.append(
            types.CodeAction(
                title=f"Suppress {d.code} on this line",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[lsp_diag],
                edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(types.Range(pos, pos), text)]}),
            )
        )
    return actions
