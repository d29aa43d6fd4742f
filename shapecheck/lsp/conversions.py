"""Positions between the analyzer (1-based lines, code-point columns) and LSP.

LSP columns count code units of the negotiated encoding: UTF-16 unless the
client offered something else (Helix asks for UTF-8).  A line like
``x = "é🙂"; model.add(Dense(4))`` puts the Dense call at different columns in
each, so every range we send goes through `Positions`.
"""
from __future__ import annotations

import re
from typing import Optional, Sequence

from lsprotocol import types

from ..diagnostics import Diagnostic, TextEdit

SOURCE = "shapecheck"

_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(source: str) -> list[str]:
    """Lines as LSP and libcst count them (str.splitlines also breaks at \x0c, \u2028...)."""
    return _LINE_BREAK.split(source)


def _units(text: str, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    # UTF-16: one unit per code point, two for those beyond the BMP.
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class Positions:
    """Converts positions for one version of a document's text."""

    def __init__(self, lines: Sequence[str], encoding: str = types.PositionEncodingKind.Utf16):
        self.lines = lines
        self.encoding = str(encoding)

    @classmethod
    def of_source(cls, source: str, encoding: str = types.PositionEncodingKind.Utf16) -> "Positions":
        return cls(split_lines(source), encoding)

    def _line(self, line0: int) -> str:
        return self.lines[line0] if 0 <= line0 < len(self.lines) else ""

    def position(self, line: int, col: int) -> types.Position:
        """1-based line, 0-based code-point column -> LSP position."""
        line0 = max(0, line - 1)
        text = self._line(line0)
        col = max(0, min(col, len(text)))
        if self.encoding == types.PositionEncodingKind.Utf32 or text.isascii():
            return types.Position(line0, col)
        return types.Position(line0, _units(text[:col], self.encoding))

    def range(self, line: int, col: int, end_line: int, end_col: int) -> types.Range:
        start = self.position(line, col)
        if end_line < line or (end_line == line and end_col < col):
            end_line, end_col = line, col
        return types.Range(start, self.position(end_line, end_col))

    def from_lsp(self, pos: types.Position) -> tuple[int, int]:
        """LSP position -> (1-based line, 0-based code-point column)."""
        text = self._line(pos.line)
        if self.encoding == types.PositionEncodingKind.Utf32 or text.isascii():
            return pos.line + 1, min(pos.character, len(text))
        units = 0
        for i, ch in enumerate(text):
            if units >= pos.character:
                return pos.line + 1, i
            units += _units(ch, self.encoding)
        return pos.line + 1, len(text)


def diagnostic_range(d: Diagnostic, positions: Positions) -> types.Range:
    # Diagnostics carry 1-based columns on both ends.
    return positions.range(d.line, d.col - 1, d.end_line, d.end_col - 1)


def to_lsp_diagnostic(d: Diagnostic, positions: Positions, uri: Optional[str] = None) -> types.Diagnostic:
    message = d.message
    if d.hint:
        message += f"\nhint: {d.hint}"
    related = None
    if d.related and uri:
        related = [
            types.DiagnosticRelatedInformation(
                types.Location(uri, positions.range(line, max(0, col - 1), line, max(0, col - 1))), note
            )
            for line, col, note in d.related
        ]
    return types.Diagnostic(
        range=diagnostic_range(d, positions),
        message=message,
        severity=_SEVERITY.get(d.severity, types.DiagnosticSeverity.Error),
        code=d.code,
        source=SOURCE,
        related_information=related,
    )


def to_lsp_edit(edit: TextEdit, positions: Positions) -> types.TextEdit:
    # Fix edits use 1-based lines and 0-based columns, like sites.
    return types.TextEdit(positions.range(edit.line, edit.col, edit.end_line, edit.end_col), edit.text)


def contains(rng: tuple[int, int, int, int], line: int, col: int) -> bool:
    """Whether (line, col) lies in [start, end] of a (line, col, end_line, end_col) range."""
    l0, c0, l1, c1 = rng
    if line < l0 or line > l1:
        return False
    if line == l0 and col < c0:
        return False
    if line == l1 and col > c1:
        return False
    return True
