"""`shapecheck check` on notebooks: the rule pipeline on the joined code cells.

The pipeline (``checking.check_source``) runs on the program a top-to-bottom
run would see, so a model defined in cell 2 is checked where cell 4 uses it
and suppression comments work on the joined lines (they stay on the same
line as the code they silence).  Only then are positions mapped to cells.
"""
from __future__ import annotations

import json
from typing import Optional

from .notebook import NotebookError, analyze_notebook, load_notebook


def check_notebook(text: str, path: str, config=None, *, warn_unused_ignores: bool = False):
    """A FileReport for a .ipynb text: final diagnostics, each with its cell."""
    from .checking import SEVERITY_ORDER, check_source

    def pipeline(source: str, _path: str):
        # Not a .ipynb path: check_source must treat the joined text as Python.
        return check_source(source, path + "#cells", config, warn_unused_ignores=warn_unused_ignores)

    report = analyze_notebook(text, path, analyze=pipeline)
    report.path = path
    report.diagnostics.sort(key=lambda d: (d.cell or 0, d.line, d.col, SEVERITY_ORDER.get(d.severity, 3), d.code))
    return report


def cell_lines(text: Optional[str]) -> dict[int, list[str]]:
    """Cell index -> the cell's source lines (for carets under a cell's own text)."""
    if text is None:
        return {}
    try:
        nb = load_notebook(text)
    except NotebookError:
        return {}
    return {c.index: c.source.split("\n") for c in nb.cells}


def json_lines(text: Optional[str]) -> dict[tuple[int, int], int]:
    """(cell, line in cell) -> the line of the .ipynb file that holds that source line.

    For tools that only know the file (GitHub annotations).  A cell's source
    is a list of strings, one per line, as Jupyter writes it, or one string
    (then all its lines sit on the file line where the string starts)."""
    out: dict[tuple[int, int], int] = {}
    if not text:
        return out
    try:
        _scan(text, out)
    except (IndexError, ValueError):
        return {}
    return out


def _scan(text: str, out: dict) -> None:
    # A small JSON walker that knows the path of every value and the file line it starts on.
    line = 1
    i = 0
    n = len(text)
    stack: list = []  # [kind, key-or-index] per open container: ["obj", key] / ["arr", index]

    def path_is_source():
        # ... cells[i] . source [k]  or  cells[i] . source
        keys = [s[1] for s in stack]
        if len(keys) >= 3 and keys[0] == "cells" and isinstance(keys[1], int) and keys[2] == "source":
            return keys[1] + 1, keys[3] if len(keys) == 4 else None
        return None

    expect_key = False
    cell_lines: dict[int, int] = {}  # cell -> source lines seen so far
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif c in " \t\r,:":
            if c == "," and stack:
                if stack[-1][0] == "arr":
                    stack[-1][1] += 1
                else:
                    expect_key = True
            i += 1
        elif c == "{":
            stack.append(["obj", None])
            expect_key = True
            i += 1
        elif c == "[":
            stack.append(["arr", 0])
            i += 1
        elif c in "}]":
            stack.pop()
            expect_key = False
            i += 1
        elif c == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            raw = text[i:j + 1]
            if expect_key and stack and stack[-1][0] == "obj":
                stack[-1][1] = json.loads(raw)
                expect_key = False
            else:
                where = path_is_source()
                if where is not None:
                    cell = where[0]
                    cur = cell_lines.get(cell, 1)  # the cell line this piece continues
                    value = json.loads(raw)
                    out.setdefault((cell, cur), line)
                    for k, ch in enumerate(value):
                        if ch == "\n":
                            cur += 1
                            if k + 1 < len(value):
                                out.setdefault((cell, cur), line)
                    cell_lines[cell] = cur
            line += raw.count("\n")  # (never: JSON strings hold no raw newlines)
            i = j + 1
        else:  # numbers, true, false, null
            j = i
            while j < n and text[j] not in ",}]\n \t\r":
                j += 1
            i = j
