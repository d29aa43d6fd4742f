"""Source positions for the few libcst nodes the analyzer reports on.

libcst's PositionProvider records a range for every node of the module and
costs more than the parse itself (~45 ms for 300 lines).  The analyzer needs
ranges only for calls, names and a handful of other nodes, so this module runs
one plain code generation pass, notes the token index where each interesting
node starts and ends, and turns those indices into line/column pairs in a
single sweep over the tokens afterwards.
"""
from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from dataclasses import dataclass
from typing import Optional

import libcst as cst
from libcst._nodes.internal import CodegenState


@dataclass(frozen=True, slots=True)
class Range:
    """A 1-based line, 0-based column range (end exclusive), as libcst reports."""

    line: int
    col: int
    end_line: int
    end_col: int


_TRACKED = (
    cst.Call,
    cst.Name,
    cst.Attribute,
    cst.Subscript,
    cst.Lambda,
    cst.SimpleString,
    cst.Integer,
    cst.Float,
    cst.Arg,
    cst.Comment,
    cst.Assign,
    cst.AnnAssign,
    cst.AugAssign,
    cst.Expr,
    cst.FunctionDef,
    cst.ClassDef,
    cst.Return,
    cst.Import,
    cst.ImportFrom,
    cst.For,
    cst.If,
    cst.While,
    cst.With,
    cst.Tuple,
    cst.List,
    cst.Dict,
    cst.BinaryOperation,
    cst.UnaryOperation,
    cst.Comparison,
    cst.ListComp,
    cst.SimpleStatementLine,
)
# Exact type lookups: libcst node classes use ABCMeta, whose isinstance is slow.
_TRACKED_TYPES = frozenset(_TRACKED)


def _target_names(t: cst.CSTNode, names: set) -> None:
    if type(t) is cst.Name:
        names.add(t.value)
    elif type(t) in (cst.Tuple, cst.List):
        for el in t.elements:
            _target_names(el.value, names)
    elif type(t) is cst.StarredElement:
        _target_names(t.value, names)


def _binds(node: cst.CSTNode, names: set) -> None:
    """Add the names a binding construct binds (for undefined-name checks)."""
    t = type(node)
    if t in (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor, cst.NamedExpr):
        _target_names(node.target, names)
    elif t is cst.Param:
        names.add(node.name.value)
    elif t in (cst.FunctionDef, cst.ClassDef):
        names.add(node.name.value)
    elif t is cst.AsName:
        _target_names(node.name, names)
    elif t is cst.ImportAlias:
        if node.asname is None:
            n = node.name
            while type(n) is cst.Attribute:
                n = n.value
            if type(n) is cst.Name:
                names.add(n.value)
            # `from m import a` binds the leaf too; the parent ImportFrom has no
            # asname, and the dotted case only occurs for `import a.b`.
            if type(node.name) is cst.Name:
                names.add(node.name.value)
    elif t is cst.ImportStar:
        names.add("*")
    elif t in (cst.Global, cst.Nonlocal):
        for n in node.names:
            names.add(n.name.value)
    elif t in (cst.MatchAs, cst.MatchStar):
        if node.name is not None:
            names.add(node.name.value)


_BINDERS = frozenset(
    {
        cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor, cst.NamedExpr, cst.Param,
        cst.FunctionDef, cst.ClassDef, cst.AsName, cst.ImportAlias, cst.ImportStar, cst.Global, cst.Nonlocal,
        cst.MatchAs, cst.MatchStar,
    }
)


class _NoRecord:
    """A do-nothing context manager, shared: ranges come from before/after hooks."""

    __slots__ = ()

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


_NO_RECORD = _NoRecord()


class _MarkingState(CodegenState):
    """Code generation that remembers token indices instead of positions,
    and, on the way, every name the module binds anywhere."""

    __slots__ = ("marks", "_open", "bound")

    def __init__(self, default_indent: str, default_newline: str) -> None:
        super().__init__(default_indent=default_indent, default_newline=default_newline)
        self.marks: dict[int, tuple[cst.CSTNode, int, int]] = {}
        self._open: list[int] = []
        self.bound: set[str] = set()

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._open.append(len(self.tokens))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._open.pop()
        t = type(node)
        if t in _TRACKED_TYPES:
            self.marks[id(node)] = (node, start, len(self.tokens))
        if t in _BINDERS:
            _binds(node, self.bound)

    def record_syntactic_position(self, node, *, start_node=None, end_node=None):
        return _NO_RECORD


class PositionIndex:
    """Maps tracked nodes to `Range`s, computed once for the whole module.

    A node's range is the span of the tokens it generated, less the blank
    tokens (owned whitespace, newlines) at either end.
    """

    def __init__(self, module: cst.Module, line_offset: int = 0) -> None:
        state = _MarkingState(module.default_indent, module.default_newline)
        module._codegen(state)
        self.bound_names = state.bound
        tokens = state.tokens
        cum = [0]
        cum.extend(accumulate(map(len, tokens)))
        code = "".join(tokens)
        line_starts = [0]
        find = code.find
        i = find("\n")
        while i != -1:
            line_starts.append(i + 1)
            i = find("\n", i + 1)
        blank = [not tok or tok.isspace() for tok in tokens]
        self._ranges: dict[int, Range] = {}
        self._nodes = state.marks  # keep nodes alive so ids stay valid
        ranges = self._ranges
        n_tokens = len(tokens)
        for key, (node, s, e) in state.marks.items():
            # Without a final newline, Module's codegen pops the newline token
            # after the last statement recorded its end past it.
            e = min(e, n_tokens)
            s = min(s, e)
            while s < e and blank[s]:
                s += 1
            while e > s and blank[e - 1]:
                e -= 1
            if type(node) is cst.Arg and e > s and tokens[e - 1] == ",":
                # an argument owns its trailing comma; users don't select it
                e -= 1
                while e > s and blank[e - 1]:
                    e -= 1
            so, eo = cum[s], cum[e]
            sl = bisect_right(line_starts, so) - 1
            el = bisect_right(line_starts, eo) - 1
            ranges[key] = Range(sl + 1 + line_offset, so - line_starts[sl], el + 1 + line_offset, eo - line_starts[el])

    def get(self, node: cst.CSTNode) -> Optional[Range]:
        return self._ranges.get(id(node))
