"""Parsing a source text into libcst statements, one top-level chunk at a time.

libcst's parser is the largest single cost of an analysis (~25 ms for 300
lines).  Editors re-analyze on every keystroke, and an edit touches one
top-level statement: so the text is cut at top-level statement boundaries
(found with the C-speed ``ast`` parser), each chunk is parsed by libcst on
its own, and parsed chunks are kept in a bounded cache keyed by their text.
Ranges are indexed per (chunk text, first line), so an edit that adds a line
re-indexes the chunks below it but re-parses only the one that changed.
"""
from __future__ import annotations

import ast
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from .positions import PositionIndex, Range

_CACHE_LIMIT = 4096
_parsed: "OrderedDict[tuple[str, int], cst.Module]" = OrderedDict()
# Ranges are keyed by node identity, so an index belongs to one parsed module
# object: the key includes the module's id (an evicted and re-parsed chunk
# gets a fresh index), and the entry keeps the module alive.
_indexed: "OrderedDict[tuple[int, int], tuple[cst.Module, PositionIndex]]" = OrderedDict()


def _cached(cache: OrderedDict, key, make):
    got = cache.get(key)
    if got is not None:
        cache.move_to_end(key)
        return got
    got = make()
    cache[key] = got
    if len(cache) > _CACHE_LIMIT:
        cache.popitem(last=False)
    return got


def clear_cache() -> None:
    _parsed.clear()
    _indexed.clear()


@dataclass
class ParsedSource:
    body: list  # top-level libcst statements, in order
    bound_names: set
    _ranges: dict

    def range_of(self, node) -> Optional[Range]:
        return self._ranges.get(id(node))


def _chunk_spans(tree: ast.Module, n_lines: int) -> list[tuple[int, int]]:
    """0-based [start, end) line spans covering the file, one per group of
    top-level statements that share no line with another group."""
    spans: list[list[int]] = []
    for stmt in tree.body:
        first = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])]) - 1
        last = (stmt.end_lineno or stmt.lineno)
        if spans and first < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], last)
        else:
            spans.append([first, last])
    out = []
    prev_end = 0
    for first, last in spans:
        out.append((prev_end, last))
        prev_end = last
    if prev_end < n_lines:
        if out:
            out[-1] = (out[-1][0], n_lines)
        else:
            out.append((0, n_lines))
    return out


class SourceSyntaxError(Exception):
    """Invalid Python: 1-based line, 1-based column, and Python's own message."""

    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.col = col
        self.message = message


def parse_source(source: str) -> ParsedSource:
    """Parse into statements; raises SourceSyntaxError for invalid code."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except SyntaxError as err:
        # CPython's message and position are the ones users know ("'(' was
        # never closed"); libcst's parser names tokens instead.
        raise SourceSyntaxError(max(1, err.lineno or 1), max(1, err.offset or 1), err.msg) from None
    except (ValueError, MemoryError):
        raise SourceSyntaxError(1, 1, "source cannot be parsed (null bytes or too large)") from None
    except RecursionError:
        raise SourceSyntaxError(1, 1, "the code is nested too deeply to parse") from None
    try:
        return _parse_chunks(source, tree)
    except cst.ParserSyntaxError as err:
        msg = err.message.strip().splitlines()[0] if err.message else "invalid syntax"
        raise SourceSyntaxError(max(1, err.raw_line), max(1, err.raw_column + 1), msg) from None


def _parse_chunks(source: str, tree) -> ParsedSource:
    lines = source.splitlines(keepends=True)
    if tree is None:
        module = cst.parse_module(source)
        index = PositionIndex(module)
        return ParsedSource(list(module.body), index.bound_names, index._ranges)
    body: list = []
    bound: set = set()
    ranges: dict = {}
    seen: dict[str, int] = {}
    for start, end in _chunk_spans(tree, len(lines)):
        text = "".join(lines[start:end])
        if not text.strip():
            continue
        # Identical chunks (the same line twice) need distinct node objects:
        # ranges are keyed by node identity.  The k-th copy has its own key.
        copy = seen.get(text, 0)
        seen[text] = copy + 1
        try:
            module = _cached(_parsed, (text, copy), lambda: cst.parse_module(text))
        except cst.ParserSyntaxError:
            # A chunk libcst refuses on its own (rare): parse the whole text.
            module = cst.parse_module(source)
            index = PositionIndex(module)
            return ParsedSource(list(module.body), index.bound_names, index._ranges)
        _, index = _cached(_indexed, (id(module), start), lambda: (module, PositionIndex(module, start)))
        body.extend(module.body)
        bound |= index.bound_names
        ranges.update(index._ranges)
    return ParsedSource(body, bound, ranges)
