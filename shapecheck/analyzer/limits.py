"""The size bound on what the analyzer reads of one file.

libcst parses and indexes about 7,000 short lines (or 150 kB of code) per CPU second here, and Python's own parser
needs gigabytes for a 10-million-element literal; editors re-analyze on every
keystroke.  So a file is read up to MAX_SOURCE_LINES lines / MAX_SOURCE_CHARS
characters, cut before a top-level statement so that what is kept still
parses; the rest is reported (SC002 info) instead of analyzed.  Models built
before the cut are reported as usual.
"""
from __future__ import annotations

MAX_SOURCE_LINES = 8_000
MAX_SOURCE_CHARS = 300_000

# A line that starts one of these at column 0 continues the statement above.
_CONTINUATIONS = ("else", "elif", "except", "finally", "case", ")", "]", "}", "@")


def _starts_statement(line: str) -> bool:
    if not line or line[0] in " \t\f\r\n#\\":
        return False
    return not line.startswith(_CONTINUATIONS)


def needs_cut(source: str) -> bool:
    return len(source) > MAX_SOURCE_CHARS or source.count("\n") >= MAX_SOURCE_LINES


def cut_source(lines: list[str], limit: int) -> tuple[str, int]:
    """The text of lines[:k] for the largest k <= limit (0-based, counted in
    lines, and within MAX_SOURCE_CHARS) where line k starts a top-level
    statement and line k-1 is no decorator; and k+1, the 1-based line of the cut."""
    k = min(limit, len(lines), MAX_SOURCE_LINES)
    size = 0
    for i in range(k):
        size += len(lines[i])
        if size > MAX_SOURCE_CHARS:
            k = i
            break
    if k >= len(lines):
        return "".join(lines), len(lines) + 1
    while k > 0 and not (_starts_statement(lines[k]) and not lines[k - 1].startswith("@")):
        k -= 1
    return "".join(lines[:k]), k + 1


def stopped_message(cut_line: int, total_lines: int, total_chars: int) -> str:
    if total_chars > MAX_SOURCE_CHARS and total_lines < MAX_SOURCE_LINES:
        why = f"the file has {total_chars:,} characters (limit {MAX_SOURCE_CHARS:,})"
    else:
        why = f"the file has {total_lines:,} lines (limit {MAX_SOURCE_LINES:,} lines, {MAX_SOURCE_CHARS:,} characters)"
    return f"analysis stopped at line {cut_line:,}: {why}; the rest is not analyzed"


def is_cut_artifact(message: str) -> bool:
    """A syntax error that a cut inside a statement would cause."""
    return any(s in message for s in ("never closed", "unterminated", "unexpected EOF", "expected an indented block"))


def line_count(source: str) -> int:
    return source.count("\n") + (0 if source.endswith("\n") or not source else 1)


# -- constant folding ----------------------------------------------------------
MAX_CONST_LEN = 100_000  # characters / items of a folded str, bytes or tuple
MAX_CONST_BITS = 100_000  # bits of a folded int
MAX_DICT_KEYS = 1_000  # keys a dict filled by subscript assignment keeps

_SEQUENCES = (str, bytes, tuple, list)


def fold_too_big(op: str, a, b) -> bool:
    """Would folding the constant `a op b` build a huge value?  Python would
    spend seconds and gigabytes on `1 << 10**10` or `"ab" * 10**9`."""
    try:
        if op == "Add" and isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES):
            return len(a) + len(b) > MAX_CONST_LEN
        if op == "Multiply":
            if isinstance(a, int) and isinstance(b, _SEQUENCES):
                a, b = b, a
            if isinstance(a, _SEQUENCES) and isinstance(b, int):
                return len(a) * max(b, 0) > MAX_CONST_LEN
            if isinstance(a, int) and isinstance(b, int):
                return a.bit_length() + b.bit_length() > MAX_CONST_BITS
        if op == "LeftShift" and isinstance(a, int) and isinstance(b, int):
            return a.bit_length() + b > MAX_CONST_BITS
        if op == "Power" and isinstance(a, int) and isinstance(b, int) and b > 0:
            return a.bit_length() * b > MAX_CONST_BITS
        if op == "Modulo" and isinstance(a, (str, bytes)):
            # "%10000000000d" % 1: a width or precision of six digits or more
            digits = 0
            for ch in (a if isinstance(a, str) else a.decode("latin-1")):
                digits = digits + 1 if ch.isdigit() else 0
                if digits >= 6:
                    return True
    except Exception:
        return True
    return False
