"""Diagnostics: the analyzer's findings as plain data."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True)
class TextEdit:
    """Replace [line:col, end_line:end_col) (1-based lines, 0-based columns) with text."""

    line: int
    col: int
    end_line: int
    end_col: int
    text: str


@dataclass(frozen=True)
class Fix:
    title: str
    edits: tuple[TextEdit, ...] = ()


@dataclass
class Diagnostic:
    line: int  # 1-based
    col: int  # 1-based in JSON/text output (we store 1-based)
    end_line: int
    end_col: int
    severity: str  # "error" | "warning" | "info"
    code: str
    message: str
    hint: Optional[str] = None  # a one-line fix hint in words
    fix: Optional[Fix] = None  # a machine-applicable edit, when there is one
    cell: Optional[int] = None  # notebooks: 1-based cell index
    related: list[tuple[int, int, str]] = field(default_factory=list)  # (line, col, note)

    def to_json(self) -> dict:
        d = {
            "line": self.line,
            "col": self.col,
            "end_line": self.end_line,
            "end_col": self.end_col,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }
        if self.hint:
            d["hint"] = self.hint
        if self.cell is not None:
            d["cell"] = self.cell
        return d
