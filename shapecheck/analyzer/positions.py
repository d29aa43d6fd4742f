"""Source positions for the few libcst nodes the analyzer reports on.

libcst's PositionProvider records a range for every node of the module and
costs more than the parse itself (~45 ms for 300 lines).  The analyzer needs
ranges only for calls, names and a handful of other nodes, so this module runs
one plain code generation pass, notes the token index where each interesting
node starts and ends, and turns those indices into line/column pairs in a
single sweep over the tokens afterwards.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator, Optional

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


class _MarkingState(CodegenState):
    """Code generation that remembers token indices instead of positions."""

    __slots__ = ("marks", "_open")

    def __init__(self, default_indent: str, default_newline: str) -> None:
        super().__init__(default_indent=default_indent, default_newline=default_newline)
        self.marks: dict[int, tuple[cst.CSTNode, int, int]] = {}
        self._open: list[int] = []

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._open.append(len(self.tokens))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._open.pop()
        if type(node) in _TRACKED_TYPES and id(node) not in self.marks:
            self.marks[id(node)] = (node, start, len(self.tokens))

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: Optional[cst.CSTNode] = None,
        end_node: Optional[cst.CSTNode] = None,
    ) -> Iterator[None]:
        # Syntactic positions skip the whitespace a node owns; we record the
        # token span of the syntactic part, which is what users see selected.
        start = len(self.tokens)
        yield
        if type(node) in _TRACKED_TYPES:
            self.marks[id(node)] = (node, start, len(self.tokens))


class PositionIndex:
    """Maps tracked nodes to `Range`s, computed once for the whole module."""

    def __init__(self, module: cst.Module) -> None:
        state = _MarkingState(module.default_indent, module.default_newline)
        module._codegen(state)
        tokens = state.tokens
        # Cumulative (line, col) at each token boundary, computed only where a
        # mark needs it: sort the wanted indices and sweep once.
        wanted = set()
        for _node, s, e in state.marks.values():
            wanted.add(s)
            wanted.add(e)
        order = sorted(wanted)
        at: dict[int, tuple[int, int]] = {}
        line, col, idx = 1, 0, 0
        for target in order:
            while idx < target:
                tok = tokens[idx]
                nl = tok.count("\n")
                if nl:
                    line += nl
                    col = len(tok) - tok.rfind("\n") - 1
                else:
                    col += len(tok)
                idx += 1
            at[target] = (line, col)
        # Whitespace tokens at the start of a span belong to the node's owned
        # whitespace only for non-syntactic records; skip leading blanks.
        self._ranges: dict[int, Range] = {}
        self._nodes = state.marks  # keep nodes alive so ids stay valid
        for key, (_node, s, e) in state.marks.items():
            s2 = s
            while s2 < e and tokens[s2].strip() == "":
                s2 += 1
            if s2 != s:
                # recompute start after skipping pure-whitespace tokens
                l0, c0 = at[s]
                for tok in tokens[s:s2]:
                    nl = tok.count("\n")
                    if nl:
                        l0 += nl
                        c0 = len(tok) - tok.rfind("\n") - 1
                    else:
                        c0 += len(tok)
                sl, sc = l0, c0
            else:
                sl, sc = at[s]
            el, ec = at[e]
            self._ranges[key] = Range(sl, sc, el, ec)

    def get(self, node: cst.CSTNode) -> Optional[Range]:
        return self._ranges.get(id(node))
