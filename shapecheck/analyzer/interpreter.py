"""A small abstract interpreter over the libcst tree of a Keras script.

It walks the module's statements in order, evaluating expressions to the
abstract values of ``values.py``: constants and containers as Python would,
Keras layers, tensors and models symbolically, NumPy arrays by shape.  It
never imports or runs the checked code.  Library knowledge lives in
``keras_api.py`` (layers, models, compile/fit), ``numpy_api.py`` (data
shapes) and ``tensor_ops.py`` (keras.ops / backend / tf functions).

Work is bounded (loop iterations, call depth, total steps) so that any input
finishes quickly; hitting a bound yields an SC002 info diagnostic and the
results gathered so far.
"""
from __future__ import annotations

import builtins
import operator
import re
from typing import Any, Optional

import libcst as cst

from ..diagnostics import Diagnostic
from ..rules import severity_of
from . import limits
from .failures import internal_error, reraise
from .positions import Range
from .report import FileReport
from .values import (
    ApiRef,
    ArrayV,
    BoundMethod,
    ClassV,
    Const,
    DatasetV,
    DictV,
    ExternalV,
    FuncV,
    InstanceV,
    LayerV,
    ListV,
    ModelV,
    PartialV,
    ModuleV,
    RangeV,
    SuperV,
    TensorV,
    TupleV,
    Unknown,
    Value,
)

_YIELD = re.compile(r"\byield\b")

MAX_STEPS = 200_000
MAX_LOOP_ITERATIONS = 2_000
MAX_CALL_DEPTH = 24
MAX_LITERAL_ITEMS = 10_000

BUILTIN_NAMES = frozenset(dir(builtins)) | {
    "__file__", "__name__", "__doc__", "__builtins__", "__spec__", "__loader__", "__package__",
    # IPython / notebook globals
    "get_ipython", "display", "In", "Out", "exit", "quit",
}


class StopAnalysis(Exception):
    def __init__(self, reason: str, node: Optional[cst.CSTNode] = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.node = node


class _Return(Exception):
    def __init__(self, value: Value) -> None:
        self.value = value


class _Break(Exception):
    pass


class _Yielded(Exception):
    """The first value a generator function yields (see Interpreter.first_yield)."""

    def __init__(self, value: Value) -> None:
        self.value = value


class _Continue(Exception):
    pass


class Scope:
    """Name bindings of a module, function or class body."""

    __slots__ = ("vars", "parent", "module", "kind", "globals_decl")

    def __init__(self, parent: Optional["Scope"], kind: str) -> None:
        self.vars: dict[str, Value] = {}
        self.parent = parent
        self.module: "Scope" = parent.module if parent is not None else self
        self.kind = kind
        self.globals_decl: set[str] = set()

    def lookup(self, name: str) -> Optional[Value]:
        s: Optional[Scope] = self
        while s is not None:
            if s.kind == "class" and s is not self:
                s = s.parent  # class bodies are not visible from methods
                continue
            v = s.vars.get(name)
            if v is not None:
                return v
            s = s.parent
        return None

    def assign(self, name: str, value: Value) -> None:
        if name in self.globals_decl:
            self.module.vars[name] = value
        else:
            self.vars[name] = value


def _collect_target(t: cst.CSTNode, names: set[str]) -> None:
    if isinstance(t, cst.Name):
        names.add(t.value)
    elif isinstance(t, (cst.Tuple, cst.List)):
        for el in t.elements:
            _collect_target(el.value, names)
    elif isinstance(t, cst.StarredElement):
        _collect_target(t.value, names)


_ELEMENTWISE_COMPARE = frozenset({"LessThan", "LessThanEqual", "GreaterThan", "GreaterThanEqual", "Equal", "NotEqual"})


# Methods that grow or change a list, set (kept as a ListV) or dict in place.
_MUTATORS = frozenset({"append", "extend", "insert", "add", "update", "setdefault", "__setitem__"})


def _dotted(node: cst.CSTNode) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return _dotted(node.value) + "." + node.attr.value
    return ""


class Interpreter:
    def __init__(self, parsed, source: str, report: FileReport, options: dict) -> None:
        self.parsed = parsed
        self.source = source
        self.report = report
        self.options = options
        self.steps = 0
        self.call_depth = 0
        self.globals = Scope(None, "module")
        self.bound_names = parsed.bound_names
        self.star_modules: list[Value] = []  # from X import * of modelled modules
        self.opaque_star = False  # a star import from a module we don't model
        self.models: list[ModelV] = []
        self.uids: dict[str, int] = {}
        self.undefined_reported: set[str] = set()
        self.diag_keys: set[tuple] = set()
        self.loop_vars: list[set[str]] = []  # names rebound by enclosing loops/comprehensions
        self.pending_late: list[list] = []  # late-bound Lambdas per enclosing loop
        self.lambda_depth = 0  # > 0 while a Lambda layer's function is followed
        # > 0 inside a try body or a branch whose condition is undecidable: a
        # Python exception there may be handled or never happen
        self.guarded_depth = 0
        # > 0 while following code whose repetitions the analyzer does not
        # know (a loop of unknown length run once, an undecidable branch):
        # containers that grow there are marked inexact (values.ListV).
        self.inexact_depth = 0
        self.source_lines = source.splitlines()
        self._generator_cache: dict[int, bool] = {}
        self.undecided_breaks = 0  # breaks taken on conditions the analyzer could not decide
        self.symbolic_call_depth = 0  # > 0 inside a custom layer's or subclassed model's call()
        self.yield_depth = -1  # the call depth whose `yield` ends a first_yield run
        self.current_stmt: Optional[cst.CSTNode] = None
        self.called_functions: set[int] = set()
        self.defined_functions: list[FuncV] = []
        # functions a decorator the program defines was applied to, by decorator
        self.decorated_by: dict[int, list[FuncV]] = {}
        self.in_default_pass = False
        self.cell_of_line = options.get("cell_of_line")
        from . import keras_api

        self.keras = keras_api.KerasApi(self)

    # -- diagnostics -------------------------------------------------------
    def range_of(self, node) -> Optional[Range]:
        """A libcst node's range (a Range passes through unchanged)."""
        if node is None:
            return None
        if isinstance(node, Range):
            return node
        return self.parsed.range_of(node)

    def diag(
        self,
        node_or_range: Any,
        code: str,
        message: str,
        *,
        severity: Optional[str] = None,
        hint: Optional[str] = None,
        fix=None,
    ) -> None:
        rng = node_or_range if isinstance(node_or_range, Range) else self.range_of(node_or_range)
        if rng is None and self.current_stmt is not None:
            rng = self.range_of(self.current_stmt)
        if rng is None:
            rng = Range(1, 0, 1, 0)
        key = (rng.line, rng.col, code, message)
        if key in self.diag_keys:
            return
        self.diag_keys.add(key)
        self.report.diagnostics.append(
            Diagnostic(
                rng.line,
                rng.col + 1,
                rng.end_line,
                rng.end_col + 1,
                severity or severity_of(code),
                code,
                message,
                hint=hint,
                fix=fix,
            )
        )

    def tick(self, node: Optional[cst.CSTNode] = None) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise StopAnalysis(f"analysis stopped: more than {MAX_STEPS:,} evaluation steps", node)

    # -- entry ---------------------------------------------------------------
    def run(self) -> None:
        try:
            self.exec_block(self.parsed.body, self.globals)
            self.analyze_uncalled_functions()
        except StopAnalysis as stop:
            self.diag(stop.node or self.current_stmt, "SC002", stop.reason, severity="info")
        except (_Return, _Break, _Continue) as stray:
            # libcst parses `return` outside a function and `break`/`continue` outside a
            # loop; Python refuses to compile the file.
            what = {_Return: "'return' outside function", _Break: "'break' outside loop",
                    _Continue: "'continue' not properly in loop"}[type(stray)]
            self.diag(getattr(self, "last_line", None) or self.current_stmt, "SC001", f"Syntax error: {what}")
        except RecursionError:
            self.diag(self.current_stmt, "SC002", "analysis stopped: the code is nested too deeply", severity="info")
        except Exception as err:  # a bug in the analyzer: keep what was gathered before it
            if reraise(self.options):
                raise
            rng = self.range_of(self.current_stmt)
            self.report.diagnostics.append(internal_error(err, rng.line if rng is not None else 1))
        self.keras.finish()

    def decorate(self, fn: FuncV, stmt: cst.FunctionDef, scope: Scope) -> Value:
        """The value a decorated `def` binds. Decorators the program defines run
        (innermost first), so `@register("cnn")` fills its registry; a library's
        decorator (tf.function, lru_cache...) leaves the function as it is."""
        value: Value = fn
        for d in reversed(stmt.decorators):
            deco = self.eval(d.decorator, scope)
            if not isinstance(deco, (FuncV, PartialV)):
                continue
            self.decorated_by.setdefault(id(deco.node if isinstance(deco, FuncV) else deco), []).append(fn)
            out = self.call(deco, [value], {}, d.decorator)
            if isinstance(out, (FuncV, PartialV)):
                value = out
        return value

    def _registry_used(self, fn: FuncV) -> bool:
        """Was another function put away by the same decorator called? Then the
        program picks its builder from that registry, and this one was not picked."""
        for group in self.decorated_by.values():
            if any(g is fn for g in group):
                return any(g is not fn and (g.called or id(g.node) in self.called_functions) for g in group)
        return False

    def analyze_uncalled_functions(self) -> None:
        """Functions that build models but are never called are analyzed once
        with their defaults (parameters without one become named unknowns)."""
        self.in_default_pass = True
        for fn in list(self.defined_functions):
            if fn.called or id(fn.node) in self.called_functions:
                continue
            if self._registry_used(fn):
                continue
            if not self._builds_model(fn.node):
                continue
            before = len(self.models)
            try:
                self.call_function(fn, [], {}, None, defaults_pass=True)
            except (_Return, _Break, _Continue):
                pass
            for m in self.models[before:]:
                m.context = f"{fn.name}() with its defaults (never called)"

    def _function_text(self, fn: cst.FunctionDef) -> str:
        rng = self.range_of(fn)
        if rng is None:
            return ""
        return "\n".join(self.source_lines[rng.line - 1: rng.end_line])

    def _is_generator(self, fn: cst.FunctionDef) -> bool:
        """Does the function contain `yield`? (a cheap look at its text; a
        nested function's yield errs on the side of not running the body)"""
        key = id(fn)
        got = self._generator_cache.get(key)
        if got is None:
            got = self._generator_cache[key] = bool(_YIELD.search(self._function_text(fn)))
        return got

    def _builds_model(self, fn: cst.FunctionDef) -> bool:
        """Does the function's text mention model building? (cheap: no tree walk)"""
        text = self._function_text(fn)
        return any(word in text for word in ("Sequential", "Model", "Input", ".add("))

    # -- statements ----------------------------------------------------------
    def exec_block(self, body, scope: Scope) -> None:
        for stmt in body:
            self.exec_stmt(stmt, scope)

    def exec_stmt(self, stmt: cst.CSTNode, scope: Scope) -> None:
        self.tick(stmt)
        prev = self.current_stmt
        if scope.kind == "module" or self.current_stmt is None:
            self.current_stmt = stmt
        try:
            if isinstance(stmt, cst.SimpleStatementLine):
                self.last_line = stmt
                for small in stmt.body:
                    self.current_stmt = small if scope.kind == "module" else self.current_stmt
                    self.exec_small(small, scope)
            elif isinstance(stmt, cst.FunctionDef):
                fn = FuncV(stmt, scope, stmt.name.value)
                self.defined_functions.append(fn)
                scope.assign(stmt.name.value, self.decorate(fn, stmt, scope))
            elif isinstance(stmt, cst.ClassDef):
                self.exec_classdef(stmt, scope)
            elif isinstance(stmt, cst.If):
                self.exec_if(stmt, scope)
            elif isinstance(stmt, cst.For):
                self.exec_for(stmt, scope)
            elif isinstance(stmt, cst.While):
                self.exec_while(stmt, scope)
            elif isinstance(stmt, cst.With):
                for item in stmt.items:
                    v = self.eval(item.item, scope)
                    if item.asname is not None:
                        self.bind(item.asname.name, Unknown(_dotted(item.asname.name) or "?"), scope)
                self.exec_block(stmt.body.body, scope)
            elif isinstance(stmt, cst.Try):
                self.guarded_depth += 1
                try:
                    self.exec_block(stmt.body.body, scope)
                finally:
                    self.guarded_depth -= 1
                if stmt.orelse is not None:
                    self.exec_block(stmt.orelse.body.body, scope)
                if stmt.finalbody is not None:
                    self.exec_block(stmt.finalbody.body.body, scope)
            elif isinstance(stmt, (cst.TryStar,)):
                self.exec_block(stmt.body.body, scope)
            elif isinstance(stmt, cst.Match):
                pass
        finally:
            if scope.kind == "module":
                self.current_stmt = prev if prev is not None and scope.kind != "module" else self.current_stmt

    def exec_small(self, small: cst.CSTNode, scope: Scope) -> None:
        if isinstance(small, cst.Expr):
            self.eval(small.value, scope)
        elif isinstance(small, cst.Assign):
            value = self.eval(small.value, scope)
            for target in small.targets:
                self.bind(target.target, value, scope, rhs=small.value)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                value = self.eval(small.value, scope)
                self.bind(small.target, value, scope, rhs=small.value)
        elif isinstance(small, cst.AugAssign):
            cur = self.eval(small.target, scope)
            rhs = self.eval(small.value, scope)
            op = type(small.operator).__name__.replace("Assign", "")
            value = self.binop(op, cur, rhs, small)
            self.bind(small.target, value, scope)
        elif isinstance(small, cst.Import):
            for alias in small.names:
                full = _dotted(alias.name)
                if alias.asname is not None:
                    self.bind(alias.asname.name, self.keras.import_module(full, alias.name), scope)
                else:
                    top = full.split(".")[0]
                    scope.assign(top, self.keras.import_module(top, alias.name, report=False))
                    if full != top:
                        self.keras.import_module(full, alias.name)  # report Keras-2-only paths
        elif isinstance(small, cst.ImportFrom):
            self.exec_import_from(small, scope)
        elif isinstance(small, cst.Return):
            raise _Return(self.eval(small.value, scope) if small.value is not None else Const(None))
        elif isinstance(small, cst.Break):
            raise _Break()
        elif isinstance(small, cst.Continue):
            raise _Continue()
        elif isinstance(small, cst.Global):
            for n in small.names:
                scope.globals_decl.add(n.name.value)
        elif isinstance(small, cst.Del):
            pass
        elif isinstance(small, (cst.Pass, cst.Nonlocal, cst.Assert, cst.Raise)):
            pass

    def exec_import_from(self, node: cst.ImportFrom, scope: Scope) -> None:
        if node.relative:
            # relative imports: names from the user's own package, unknown here
            if not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    name = alias.asname.name if alias.asname is not None else alias.name
                    self.bind(name, ExternalV(_dotted(alias.name)), scope)
            else:
                self.opaque_star = True
            return
        modname = _dotted(node.module) if node.module is not None else ""
        # Faults point at what is wrong: the module path, or the imported name.
        mod = self.keras.import_module(modname, node.module if node.module is not None else node)
        if isinstance(node.names, cst.ImportStar):
            if isinstance(mod, ModuleV):
                self.star_modules.append(mod)
            else:
                self.opaque_star = True
            return
        for alias in node.names:
            attr = _dotted(alias.name)
            value = self.keras.getattr_module(mod, attr, alias.name) if isinstance(mod, ModuleV) else ExternalV(f"{modname}.{attr}")
            target = alias.asname.name if alias.asname is not None else alias.name
            self.bind(target, value, scope)

    def exec_classdef(self, node: cst.ClassDef, scope: Scope) -> None:
        bases = [self.eval(a.value, scope) for a in node.bases]
        cls = ClassV(node, scope, node.name.value, bases)
        for b in bases:
            if isinstance(b, ApiRef) and self.keras.is_model_class(b):
                cls.model_base = True
            elif isinstance(b, ApiRef) and b.leaf == "Layer":
                cls.layer_base = True
            elif isinstance(b, ApiRef) and b.path.startswith("keras.layers.") and self.keras.builtin_layer(b.leaf):
                # class ScaledDense(layers.Dense): the built-in's config, build and call underneath
                cls.layer_base = True
                cls.builtin = self.keras.builtin_layer(b.leaf)
            elif isinstance(b, ClassV):
                cls.model_base |= b.model_base
                cls.layer_base |= b.layer_base
                cls.builtin = cls.builtin or b.builtin
                cls.methods.update({k: v for k, v in b.methods.items() if k not in cls.methods})
        if any(_decorator_leaf(d.decorator) == "dataclass" for d in node.decorators) or any(
            isinstance(b, ApiRef) and b.leaf == "NamedTuple" for b in bases
        ):
            inherited = [f for b in bases if isinstance(b, ClassV) and b.fields for f in b.fields]
            cls.fields = _merge_fields(inherited, _class_fields(node))
        body_scope = Scope(scope, "class")
        for stmt in node.body.body:
            if isinstance(stmt, cst.FunctionDef):
                fn = FuncV(stmt, scope, stmt.name.value)
                cls.methods[stmt.name.value] = fn
            else:
                try:
                    self.exec_stmt(stmt, body_scope)
                except (_Return, _Break, _Continue):
                    pass
        cls.attrs.update(body_scope.vars)
        scope.assign(node.name.value, cls)

    def exec_if(self, node: cst.If, scope: Scope) -> None:
        test = self.truth(self.eval(node.test, scope))
        if test is True:
            self.exec_block(node.body.body, scope)
        elif test is False:
            if isinstance(node.orelse, cst.If):
                self.exec_if(node.orelse, scope)
            elif node.orelse is not None:
                self.exec_block(node.orelse.body.body, scope)
        else:
            # Undecidable: follow both branches; names they bind differently
            # become unknown afterwards.
            # A branch that leaves the loop pass (continue / break) does not reach the
            # code after the if: that code runs on the other branch's state. Only when
            # both branches leave does the pass end here.
            before = dict(scope.vars)
            self.guarded_depth += 1
            self.inexact_depth += 1
            body_left = else_left = None
            try:
                try:
                    self.exec_block(node.body.body, scope)
                except (_Break, _Continue) as jump:
                    body_left = jump
                after_body = dict(scope.vars)
                scope.vars.clear()
                scope.vars.update(before)
                try:
                    if isinstance(node.orelse, cst.If):
                        self.exec_if(node.orelse, scope)
                    elif node.orelse is not None:
                        self.exec_block(node.orelse.body.body, scope)
                except (_Break, _Continue) as jump:
                    else_left = jump
            finally:
                self.guarded_depth -= 1
                self.inexact_depth -= 1
            if body_left is not None and else_left is not None:
                raise body_left
            if body_left is not None or else_left is not None:
                if isinstance(body_left, _Break) or isinstance(else_left, _Break):
                    self.undecided_breaks += 1  # a while loop cannot count its passes any more
                if else_left is not None:
                    scope.vars.clear()
                    scope.vars.update(after_body)
                # The rest of this pass may or may not run: what it adds to containers
                # is a sample (the loop restores the depth when the pass ends).
                self.inexact_depth += 1
                return
            after_else = scope.vars
            merged = {}
            for name in set(after_body) | set(after_else):
                a, b = after_body.get(name), after_else.get(name)
                if a is b:
                    merged[name] = a
                elif a is None:
                    merged[name] = b if name not in before else Unknown(name)
                elif b is None:
                    merged[name] = a if name not in before else Unknown(name)
                else:
                    merged[name] = _join(a, b, name)
            scope.vars.clear()
            scope.vars.update(merged)

    def iterate(self, value: Value, node: cst.CSTNode) -> Optional[list]:
        """The items a for loop would see, or None when unknowable."""
        if isinstance(value, RangeV):
            if len(value) > MAX_LOOP_ITERATIONS:
                raise StopAnalysis(f"analysis stopped: loop over {len(value):,} items is longer than {MAX_LOOP_ITERATIONS:,}", node)
            return value.items()
        if isinstance(value, (ListV, DictV)) and value.inexact:
            return None
        if isinstance(value, (ListV, TupleV)):
            return list(value.items)
        if isinstance(value, DictV):
            return [Const(k) for k in value.keys]
        if isinstance(value, Const) and isinstance(value.value, str):
            return [Const(c) for c in value.value]
        if isinstance(value, Const) and isinstance(value.value, (list, tuple)):  # "a b".split()
            return [Const(v) for v in value.value]
        if isinstance(value, ModelV):
            return list(value.layers)
        return None

    def exec_for(self, node: cst.For, scope: Scope) -> None:
        iterable = self.eval(node.iter, scope)
        items = self.iterate(iterable, node)
        names: set[str] = set()
        _collect_target(node.target, names)
        self.loop_vars.append(names)
        self.pending_late.append([])
        try:
            if items is None:
                # One pass with the loop variable unknown: enough to see what
                # the body builds, without pretending to know how often.
                self.bind(node.target, Unknown(_dotted(node.target) or "item"), scope)
                depth = self.inexact_depth
                self.inexact_depth += 1
                try:
                    self.exec_block(node.body.body, scope)
                except (_Break, _Continue):
                    pass
                finally:
                    self.inexact_depth = depth
                return
            broke = False
            depth = self.inexact_depth
            for item in items:
                self.tick(node)
                self.bind(node.target, item, scope)
                try:
                    self.exec_block(node.body.body, scope)
                except _Break:
                    broke = True
                    break
                except _Continue:
                    continue
                finally:
                    self.inexact_depth = depth  # an undecidable continue/break raised it for one pass
            if not broke and node.orelse is not None:
                self.exec_block(node.orelse.body.body, scope)
        finally:
            self.loop_vars.pop()
            self._flush_late(scope)

    def exec_while(self, node: cst.While, scope: Scope) -> None:
        count = 0
        while True:
            self.tick(node)
            test = self.truth(self.eval(node.test, scope))
            if test is False:
                break
            depth = self.inexact_depth
            if test is None:
                # Unknown condition: run the body once to see what it builds.
                self.inexact_depth += 1
                try:
                    self.exec_block(node.body.body, scope)
                except (_Break, _Continue):
                    pass
                finally:
                    self.inexact_depth = depth
                return
            count += 1
            if count > MAX_LOOP_ITERATIONS:
                raise StopAnalysis(f"analysis stopped: while loop ran more than {MAX_LOOP_ITERATIONS:,} times", node)
            breaks = self.undecided_breaks
            try:
                self.exec_block(node.body.body, scope)
            except _Break:
                return
            except _Continue:
                continue
            finally:
                self.inexact_depth = depth  # an undecidable continue/break raised it for one pass
            if self.undecided_breaks > breaks:
                # `while True:` left by `if not ret: break` on data the analyzer cannot see:
                # the pass just followed stands for all of them (its containers are inexact).
                return

    def _flush_late(self, scope: Scope) -> None:
        pending = self.pending_late.pop()
        for fn in pending:
            final = {}
            for name in fn.late_bound:
                v = scope.lookup(name)
                if isinstance(v, Const):
                    final[name] = v.value
            if self.pending_late and not final:
                self.pending_late[-1].append(fn)  # an outer loop may know it
            else:
                self.keras.report_late_bound(fn, final)

    # -- binding ---------------------------------------------------------------
    def bind(self, target: cst.CSTNode, value: Value, scope: Scope, rhs: Optional[cst.CSTNode] = None) -> None:
        if isinstance(target, cst.Name):
            scope.assign(target.value, value)
            self.keras.on_bind(target, target.value, value, scope, rhs)
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = target.elements
            items = self.unpack(value, len(elements))
            star_index = next((i for i, e in enumerate(elements) if isinstance(e, cst.StarredElement)), None)
            if star_index is not None:
                if items is None or len(items) < len(elements) - 1:
                    for el in elements:
                        self.bind(el.value, Unknown("?"), scope)
                    return
                n_after = len(elements) - star_index - 1
                head = items[:star_index]
                mid = items[star_index: len(items) - n_after]
                tail = items[len(items) - n_after:]
                for el, v in zip(elements[:star_index], head):
                    self.bind(el.value, v, scope)
                self.bind(elements[star_index].value, ListV(list(mid)), scope)
                for el, v in zip(elements[star_index + 1:], tail):
                    self.bind(el.value, v, scope)
                return
            if items is None or len(items) != len(elements):
                for el in elements:
                    self.bind(el.value, Unknown(_dotted(el.value) or "?"), scope)
                return
            for el, v in zip(elements, items):
                self.bind(el.value, v, scope)
        elif isinstance(target, cst.Attribute):
            obj = self.eval(target.value, scope)
            self.keras.set_attribute(obj, target.attr.value, value, target, rhs)
        elif isinstance(target, cst.Subscript):
            obj = self.eval(target.value, scope)
            if isinstance(obj, ArrayV):
                self._assign_into_array(obj, target, value, scope)
            if isinstance(obj, DictV):
                sl = target.slice[0].slice if len(target.slice) == 1 else None
                if isinstance(sl, cst.Index):
                    key = self.eval(sl.value, scope)
                    if not isinstance(key, Const):
                        obj.inexact = True  # a key the analyzer cannot name: new or not, unknown
                    else:
                        try:
                            obj.values[obj.keys.index(key.value)] = value
                        except ValueError:
                            if self.inexact_depth:
                                obj.inexact = True
                            # Past MAX_DICT_KEYS a loop-filled dict stops growing (later reads are unknown):
                            # every lookup scans the keys.
                            if len(obj.keys) < limits.MAX_DICT_KEYS:
                                obj.keys.append(key.value)
                                obj.values.append(value)
                            else:
                                obj.inexact = True
        elif isinstance(target, cst.StarredElement):
            self.bind(target.value, value, scope)

    def _assign_into_array(self, arr: ArrayV, target: cst.Subscript, value: Value, scope: Scope) -> None:
        """x[...] = v changes values in place; the shape stays. The range stays
        a fact only where it is certain: ``y[0] = 3`` puts a 3 in y (so a max
        below 3 becomes 3), while ``y[y == 9] = 1`` may remove the old extremes
        and may select nothing. Distinct values are forgotten either way."""
        arr.values = None
        lo = hi = None
        if isinstance(value, Const) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
            lo = hi = value.value
        one_element = (len(target.slice) >= 1 and all(isinstance(e.slice, cst.Index) for e in target.slice)
                       and all(isinstance(self.eval(e.slice.value, scope), Const) for e in target.slice))
        if lo is None or not one_element or arr.min_value is None or arr.max_value is None:
            arr.min_value = arr.max_value = None
            return
        # One element set to a known number: it is there now, the old extreme may be gone.
        arr.max_value = hi if hi >= arr.max_value else None
        arr.min_value = lo if lo <= arr.min_value else None

    def unpack(self, value: Value, n: int) -> Optional[list]:
        if isinstance(value, (TupleV, ListV)):
            return list(value.items)
        if isinstance(value, RangeV):
            return value.items()
        return self.keras.unpack(value, n)

    # -- expressions ------------------------------------------------------------
    def eval(self, node: cst.CSTNode, scope: Scope) -> Value:
        self.tick(node)
        method = getattr(self, "eval_" + type(node).__name__, None)
        if method is None:
            return Unknown("?")
        return method(node, scope)

    def eval_Integer(self, node, scope):
        try:
            return Const(int(node.value.replace("_", ""), 0))
        except ValueError:
            return Const(int(node.value.replace("_", "").lstrip("0") or "0"))

    def eval_Float(self, node, scope):
        return Const(float(node.value.replace("_", "")))

    def eval_Imaginary(self, node, scope):
        return Const(complex(node.value.replace("_", "")))

    def eval_SimpleString(self, node, scope):
        text = node.value
        # Plain quoted text (no prefix, no escapes): no need for libcst's
        # evaluated_value, which runs ast.literal_eval (a compile) per string.
        if "\\" not in text and text[:1] in "'\"":
            q = 3 if text[:3] in ('"""', "'''") else 1
            return Const(text[q:-q])
        try:
            return Const(node.evaluated_value)
        except Exception:
            return Unknown("str")

    def eval_ConcatenatedString(self, node, scope):
        left = self.eval(node.left, scope)
        right = self.eval(node.right, scope)
        if isinstance(left, Const) and isinstance(right, Const) and type(left.value) is type(right.value):
            return Const(left.value + right.value)
        return Unknown("str")

    def eval_FormattedString(self, node, scope):
        out = []
        known = True
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                out.append(part.value)
                continue
            value = self.eval(part.expression, scope)
            spec = ""
            if part.format_spec:
                if all(isinstance(p, cst.FormattedStringText) for p in part.format_spec):
                    spec = "".join(p.value for p in part.format_spec)
                else:
                    known = False
            if not isinstance(value, Const) or not known:
                known = False
                continue
            try:
                v = value.value
                if part.conversion == "r":
                    v = repr(v)
                elif part.conversion == "s":
                    v = str(v)
                elif part.conversion == "a":
                    v = ascii(v)
                out.append(format(v, spec))
            except Exception:
                known = False
        if known and isinstance(node.start, str) and "b" not in node.start.lower():
            text = "".join(out)
            if "r" not in node.start.lower():
                try:
                    text = text.encode("latin-1", "backslashreplace").decode("unicode_escape")
                except Exception:
                    pass
            return Const(text)
        return Unknown("str")

    def eval_Ellipsis(self, node, scope):
        return Const(Ellipsis)

    def eval_Name(self, node: cst.Name, scope: Scope) -> Value:
        name = node.value
        if name in ("True", "False", "None"):
            return Const({"True": True, "False": False, "None": None}[name])
        v = scope.lookup(name)
        if v is not None:
            return v
        for mod in reversed(self.star_modules):
            got = self.keras.getattr_module(mod, name, node, quiet=True)
            if got is not None and not isinstance(got, Unknown):
                return got
        if name in BUILTIN_NAMES:
            return ApiRef("builtins." + name)
        if name not in self.bound_names and not self.opaque_star and name not in self.undefined_reported:
            self.undefined_reported.add(name)
            self.diag(node, "SC401", f"name '{name}' is not defined", hint=f"define `{name}` before this line")
        return Unknown(name)

    def eval_Attribute(self, node: cst.Attribute, scope: Scope) -> Value:
        obj = self.eval(node.value, scope)
        return self.keras.getattr(obj, node.attr.value, node)

    def eval_Tuple(self, node, scope):
        items = self._elements(node.elements, scope, node)
        return TupleV(items) if items is not None else Unknown("tuple")

    def eval_List(self, node, scope):
        items = self._elements(node.elements, scope, node)
        return ListV(items) if items is not None else Unknown("list")

    def eval_Set(self, node, scope):
        self._elements(node.elements, scope, node)
        return Unknown("set")

    def _too_big(self, n: int, node) -> bool:
        """A literal too large to follow item by item: its value is unknown,
        and the analysis goes on past it."""
        if n <= MAX_LITERAL_ITEMS:
            return False
        self.diag(node, "SC002", f"analysis stopped at a literal with {n:,} items (limit {MAX_LITERAL_ITEMS:,}): its value is "
                  "unknown; the rest of the file is analyzed", severity="info")
        return True

    def _elements(self, elements, scope, node) -> Optional[list]:
        if self._too_big(len(elements), node):
            return None
        out = []
        for el in elements:
            if isinstance(el, cst.StarredElement):
                v = self.eval(el.value, scope)
                items = self.unpack(v, -1)
                if items is None:
                    # (None, *x.shape[2:]) with x unknown: not even the length is known
                    return None
                out.extend(items)
            else:
                out.append(self.eval(el.value, scope))
        return out

    def eval_Dict(self, node, scope):
        d = DictV([], [])
        if self._too_big(len(node.elements), node):
            return Unknown("dict")
        for el in node.elements:
            if isinstance(el, cst.DictElement):
                k = self.eval(el.key, scope)
                v = self.eval(el.value, scope)
                d.keys.append(k.value if isinstance(k, Const) else object())
                d.values.append(v)
            elif isinstance(el, cst.StarredDictElement):
                # {**a, **b}: a later key replaces an earlier one, in place
                src = self.eval(el.value, scope)
                if not isinstance(src, DictV):
                    return Unknown("dict")
                for k, v in zip(src.keys, src.values):
                    if k in d.keys:
                        d.values[d.keys.index(k)] = v
                    else:
                        d.keys.append(k)
                        d.values.append(v)
        return d

    def eval_Lambda(self, node: cst.Lambda, scope: Scope) -> Value:
        late = self._late_bound_names(node, scope)
        return FuncV(node, scope, "<lambda>", is_lambda=True, late_bound=tuple(sorted(late)))

    def _late_bound_names(self, node: cst.Lambda, scope: Scope) -> set[str]:
        """Loop variables the lambda body reads but does not bind itself."""
        loop_names = set().union(*self.loop_vars) if self.loop_vars else set()
        if not loop_names:
            return set()
        params = {p.name.value for p in node.params.params}
        used: set[str] = set()

        class V(cst.CSTVisitor):
            def visit_Name(self, n: cst.Name) -> None:
                used.add(n.value)

        node.body.visit(V())
        return (used & loop_names) - params

    def eval_IfExp(self, node, scope):
        t = self.truth(self.eval(node.test, scope))
        if t is True:
            return self.eval(node.body, scope)
        if t is False:
            return self.eval(node.orelse, scope)
        a = self.eval(node.body, scope)
        b = self.eval(node.orelse, scope)
        return _join(a, b, "?")

    def eval_NamedExpr(self, node, scope):
        v = self.eval(node.value, scope)
        self.bind(node.target, v, scope)
        return v

    def eval_Await(self, node, scope):
        return Unknown("?")

    def eval_Yield(self, node, scope):
        if self.call_depth == self.yield_depth and node.value is not None and not isinstance(node.value, cst.From):
            raise _Yielded(self.eval(node.value, scope))
        return Unknown("?")

    def eval_GeneratorExp(self, node, scope):
        items = self._comprehension(node, scope)
        return ListV(items) if items is not None else Unknown("generator")

    def eval_ListComp(self, node, scope):
        items = self._comprehension(node, scope)
        return ListV(items) if items is not None else Unknown("list")

    def eval_SetComp(self, node, scope):
        self._comprehension(node, scope)
        return Unknown("set")

    def eval_DictComp(self, node, scope):
        inner = Scope(scope, "function")
        out = DictV([], [])
        ok = self._run_comp(node.for_in, inner, lambda s: (out.keys.append(_const_or_obj(self.eval(node.key, s))), out.values.append(self.eval(node.value, s))))
        return out if ok else Unknown("dict")

    def _comprehension(self, node, scope) -> Optional[list]:
        inner = Scope(scope, "function")
        out: list = []
        ok = self._run_comp(node.for_in, inner, lambda s: out.append(self.eval(node.elt, s)))
        return out if ok else None

    def _run_comp(self, comp: cst.CompFor, scope: Scope, emit) -> bool:
        iterable = self.eval(comp.iter, scope)
        items = self.iterate(iterable, comp)
        names: set[str] = set()
        _collect_target(comp.target, names)
        self.loop_vars.append(names)
        self.pending_late.append([])
        try:
            if items is None:
                self.bind(comp.target, Unknown(_dotted(comp.target) or "item"), scope)
                if comp.inner_for_in is not None:
                    self._run_comp(comp.inner_for_in, scope, emit)
                else:
                    emit(scope)
                return False
            ok = True
            for item in items:
                self.tick(comp)
                self.bind(comp.target, item, scope)
                keep = True
                for cond in comp.ifs:
                    t = self.truth(self.eval(cond.test, scope))
                    if t is False:
                        keep = False
                        break
                    if t is None:
                        ok = False
                if not keep:
                    continue
                if comp.inner_for_in is not None:
                    ok = self._run_comp(comp.inner_for_in, scope, emit) and ok
                else:
                    emit(scope)
            return ok
        finally:
            self.loop_vars.pop()
            self._flush_late(scope)

    def eval_UnaryOperation(self, node, scope):
        v = self.eval(node.expression, scope)
        op = type(node.operator).__name__
        if isinstance(v, Const):
            try:
                if op == "Minus":
                    return Const(-v.value)
                if op == "Plus":
                    return Const(+v.value)
                if op == "Not":
                    return Const(not v.value)
                if op == "BitInvert":
                    return Const(~v.value)
            except Exception:
                return Unknown("?")
        if op == "Not":
            t = self.truth(v)
            return Const(not t) if t is not None else Unknown("bool")
        if op == "Minus" and isinstance(v, (TensorV, ArrayV)):
            return v
        return Unknown("?")

    def eval_BooleanOperation(self, node, scope):
        left = self.eval(node.left, scope)
        t = self.truth(left)
        is_and = isinstance(node.operator, cst.And)
        if t is None:
            self.eval(node.right, scope)
            return Unknown("bool")
        if is_and:
            return self.eval(node.right, scope) if t else left
        return left if t else self.eval(node.right, scope)

    def eval_Comparison(self, node, scope):
        left = self.eval(node.left, scope)
        if len(node.comparisons) == 1 and type(node.comparisons[0].operator).__name__ in _ELEMENTWISE_COMPARE:
            right = self.eval(node.comparisons[0].comparator, scope)
            if isinstance(left, ArrayV) or isinstance(right, ArrayV):
                # NumPy compares element-wise: a bool array of the broadcast shape
                return self.keras.compare_arrays(left, right, type(node.comparisons[0].operator).__name__)
            result = _compare(type(node.comparisons[0].operator).__name__, left, right)
            return Const(result) if result is not None else Unknown("bool")
        result: Optional[bool] = True
        for target in node.comparisons:
            right = self.eval(target.comparator, scope)
            r = _compare(type(target.operator).__name__, left, right)
            if r is None:
                result = None
            elif r is False and result is not None:
                result = False
            left = right
        return Const(result) if result is not None else Unknown("bool")

    def eval_BinaryOperation(self, node, scope):
        left = self.eval(node.left, scope)
        right = self.eval(node.right, scope)
        return self.binop(type(node.operator).__name__, left, right, node)

    def binop(self, op: str, left: Value, right: Value, node) -> Value:
        if isinstance(left, Const) and isinstance(right, Const):
            fn = _BINOPS.get(op)
            if fn is None:
                return Unknown("?")
            if limits.fold_too_big(op, left.value, right.value):
                return Unknown("?")  # 1 << 10**10, "ab" * 10**9: seconds of CPU and gigabytes
            try:
                if op == "Power" and isinstance(right.value, int) and abs(right.value) > 64:
                    return Unknown("?")
                if op == "Multiply" and isinstance(left.value, str) and isinstance(right.value, int) and right.value > 100_000:
                    return Unknown("str")
                return Const(fn(left.value, right.value))
            except Exception:
                return Unknown("?")
        if (op == "Modulo" and isinstance(left, Const) and isinstance(left.value, str) and isinstance(right, TupleV)
                and all(isinstance(i, Const) for i in right.items) and len(right.items) <= 64):
            # "block_%d_%s" % (i, name): printf-style formatting of known values
            try:
                return Const(left.value % tuple(i.value for i in right.items))
            except Exception:
                return Unknown("str")
        if isinstance(left, (TupleV, ListV)) and isinstance(right, (TupleV, ListV)) and op == "Add":
            if len(left.items) + len(right.items) > MAX_LITERAL_ITEMS:
                return Unknown("list")  # x = x + x in a loop doubles each time
            return type(left)(list(left.items) + list(right.items))
        if isinstance(left, (TupleV, ListV)) and isinstance(right, Const) and op == "Multiply" and isinstance(right.value, int):
            if len(left.items) * max(right.value, 0) > MAX_LITERAL_ITEMS:
                raise StopAnalysis("analysis stopped: list repetition too large", node)
            return type(left)(list(left.items) * max(right.value, 0))
        if isinstance(right, (TupleV, ListV)) and isinstance(left, Const) and op == "Multiply" and isinstance(left.value, int):
            return self.binop(op, right, left, node)
        return self.keras.binop(op, left, right, node)

    def eval_Subscript(self, node: cst.Subscript, scope: Scope) -> Value:
        obj = self.eval(node.value, scope)
        index = []
        for el in node.slice:
            sl = el.slice
            if isinstance(sl, cst.Index):
                index.append(self.eval(sl.value, scope))
            else:
                lo = self.eval(sl.lower, scope) if sl.lower is not None else Const(None)
                hi = self.eval(sl.upper, scope) if sl.upper is not None else Const(None)
                st = self.eval(sl.step, scope) if sl.step is not None else Const(None)
                index.append(("slice", lo, hi, st))
        return self.subscript(obj, index, node)

    def subscript(self, obj: Value, index: list, node) -> Value:
        if len(index) == 1 and not isinstance(index[0], tuple):
            key = index[0]
            if isinstance(obj, (TupleV, ListV)) and isinstance(key, Const) and isinstance(key.value, int):
                try:
                    return obj.items[key.value]
                except IndexError:
                    if isinstance(obj, TupleV) and obj.shape_of and not self.lambda_depth and not self.guarded_depth:
                        self._shape_index_fault(obj, key.value, node)
                    return Unknown("?")
            if isinstance(obj, DictV) and isinstance(key, Const):
                got = obj.get(key.value)
                return got if got is not None else Unknown("?")
            if isinstance(obj, Const) and isinstance(obj.value, (str, tuple)) and isinstance(key, Const):
                try:
                    return Const(obj.value[key.value])
                except Exception:
                    return Unknown("?")
        if len(index) == 1 and isinstance(index[0], tuple) and isinstance(obj, (TupleV, ListV, Const)):
            _, lo, hi, st = index[0]
            bounds = [x.value if isinstance(x, Const) else "?" for x in (lo, hi, st)]
            if "?" not in bounds:
                try:
                    s = slice(*bounds)
                    if isinstance(obj, Const):
                        return Const(obj.value[s])
                    return type(obj)(list(obj.items[s]))
                except Exception:
                    return Unknown("?")
        return self.keras.subscript(obj, index, node)

    def _shape_index_fault(self, shape: TupleV, index: int, node) -> None:
        """x.shape[i] past the rank of x: Python raises IndexError here."""
        dims = tuple(i.value if isinstance(i, Const) else "?" for i in shape.items)
        text = "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"
        rng = self.range_of(node)
        expr = "shape[...]"
        if rng is not None and rng.line == rng.end_line and 0 < rng.line <= len(self.source_lines):
            expr = self.source_lines[rng.line - 1][rng.col:rng.end_col] or expr
        rank = len(dims)
        self.diag(node, "SC404",
                  f"{expr}: the {shape.shape_of} has shape {text}, {rank} ax{'is' if rank == 1 else 'es'} "
                  f"(indices 0..{rank - 1}), so index {index} raises `IndexError: tuple index out of range`",
                  hint=(f"the data has rank {rank}: reshape it first (e.g. X.reshape(X.shape[0], X.shape[1], 1) for an "
                        f"RNN/Conv1D), or read only the axes it has"))

    def eval_Call(self, node: cst.Call, scope: Scope) -> Value:
        func = self.eval(node.func, scope)
        args: list[Value] = []
        kwargs: dict[str, Value] = {}
        arg_nodes: dict[Any, cst.Arg] = {}
        for a in node.args:
            if a.star == "*":
                v = self.eval(a.value, scope)
                items = self.unpack(v, -1)
                if items is None:
                    args.append(Unknown("*args"))
                    arg_nodes["__unknown_star__"] = True  # how many arguments: unknown
                else:
                    args.extend(items)
            elif a.star == "**":
                v = self.eval(a.value, scope)
                if isinstance(v, DictV):
                    for k, val in zip(v.keys, v.values):
                        if isinstance(k, str):
                            kwargs[k] = val
                else:
                    arg_nodes["__unknown_star__"] = True
            elif a.keyword is not None:
                kwargs[a.keyword.value] = self.eval(a.value, scope)
                arg_nodes[a.keyword.value] = a
            else:
                arg_nodes[len(args)] = a
                args.append(self.eval(a.value, scope))
        return self.call(func, args, kwargs, node, arg_nodes=arg_nodes, scope=scope)

    def call(self, func: Value, args: list, kwargs: dict, node, arg_nodes=None, scope=None) -> Value:
        if isinstance(func, FuncV):
            if func.self_value is not None:
                args = [func.self_value] + list(args)
            return self.call_function(func, args, kwargs, node)
        if isinstance(func, ClassV):
            return self.keras.instantiate_user_class(func, args, kwargs, node)
        if isinstance(func, PartialV):
            return self.call(func.func, list(func.args) + list(args), {**func.kwargs, **kwargs}, node, scope=scope)
        if isinstance(func, ApiRef) and func.path == "builtins.super" and scope is not None:
            return SuperV(scope.lookup("self") or Unknown("self"), None)
        if isinstance(func, BoundMethod) and isinstance(func.obj, InstanceV):
            m = func.obj.cls.methods.get(func.name)
            if m is not None:
                return self.call_function(m, [func.obj] + list(args), kwargs, node)
        if isinstance(func, (Unknown, ExternalV)) or (isinstance(func, BoundMethod) and isinstance(func.obj, (Unknown, ExternalV))):
            # Code we cannot follow (pandas' .apply, a callback API) handed a container's
            # own mutator (vocab.update, rows.append) will call it an unknown number of times.
            for a in list(args) + list(kwargs.values()):
                if isinstance(a, BoundMethod) and isinstance(a.obj, (ListV, DictV)) and a.name in _MUTATORS:
                    a.obj.inexact = True
        return self.keras.call(func, args, kwargs, node, arg_nodes or {})

    def call_function(self, fn: FuncV, args: list, kwargs: dict, node, defaults_pass: bool = False) -> Value:
        fn.called = fn.called or not defaults_pass
        if not defaults_pass:
            self.called_functions.add(id(fn.node))
        if self.call_depth >= MAX_CALL_DEPTH:
            self.diag(node, "SC002", f"analysis stopped at call depth {MAX_CALL_DEPTH}: {fn.name}() is not followed deeper; its result is unknown",
                      severity="info")
            return Unknown(fn.name)
        if not fn.is_lambda and self._is_generator(fn.node):
            # Calling a generator function runs none of its body; what it will
            # yield matters when the generator feeds fit/predict.
            return self.generator_value(fn, list(args), dict(kwargs), node)
        scope = self._bind_params(fn, args, kwargs)
        self.call_depth += 1
        saved_loops = self.loop_vars
        self.loop_vars = []
        try:
            if fn.is_lambda:
                return self.eval(fn.node.body, scope)
            self.exec_block(_body_statements(fn.node), scope)
            return Const(None)
        except _Return as r:
            return r.value
        except (_Break, _Continue):
            return Unknown(fn.name)
        finally:
            self.call_depth -= 1
            self.loop_vars = saved_loops

    def generator_value(self, fn: FuncV, args: list, kwargs: dict, node) -> Value:
        """A generator object as data: the structure of its first yield, taken as
        one batch (Keras treats every yielded element as a batch). The body runs
        up to that yield with diagnostics muted: Python runs it only when the
        generator is consumed, which the analyzer cannot promise."""
        first = self.quietly(lambda: self.first_yield(fn, args, kwargs))
        if first is None or isinstance(first, Unknown):
            return Unknown(fn.name + "()")
        return DatasetV(first, batched=True, source="generator")

    def first_yield(self, fn: FuncV, args: list, kwargs: dict) -> Optional[Value]:
        scope = self._bind_params(fn, args, kwargs)
        saved = (self.yield_depth, self.loop_vars)
        self.call_depth += 1
        self.yield_depth = self.call_depth
        self.loop_vars = []
        try:
            self.exec_block(_body_statements(fn.node), scope)
        except _Yielded as y:
            return y.value
        except (_Return, _Break, _Continue):
            return None
        finally:
            self.call_depth -= 1
            self.yield_depth, self.loop_vars = saved
        return None

    def quietly(self, run):
        """run() with the diagnostics it would add dropped (code that may never run)."""
        mark = len(self.report.diagnostics)
        keys = set(self.diag_keys)
        try:
            return run()
        finally:
            del self.report.diagnostics[mark:]
            self.diag_keys = keys

    def _bind_params(self, fn: FuncV, args: list, kwargs: dict) -> Scope:
        scope = Scope(fn.scope, "function")
        params = fn.node.params
        positional = list(params.posonly_params) + list(params.params)
        for i, p in enumerate(positional):
            pname = p.name.value
            if i < len(args):
                scope.vars[pname] = args[i]
            elif pname in kwargs:
                scope.vars[pname] = kwargs.pop(pname)
            elif p.default is not None:
                scope.vars[pname] = self.eval(p.default, fn.scope)
            else:
                scope.vars[pname] = Unknown(pname)
        extra = args[len(positional):]
        if isinstance(params.star_arg, cst.Param):
            scope.vars[params.star_arg.name.value] = TupleV(list(extra))
        for p in params.kwonly_params:
            pname = p.name.value
            if pname in kwargs:
                scope.vars[pname] = kwargs.pop(pname)
            elif p.default is not None:
                scope.vars[pname] = self.eval(p.default, fn.scope)
            else:
                scope.vars[pname] = Unknown(pname)
        if isinstance(params.star_kwarg, cst.Param):
            scope.vars[params.star_kwarg.name.value] = DictV(list(kwargs), list(kwargs.values()))
        return scope

    # -- helpers ----------------------------------------------------------------
    def truth(self, v: Value) -> Optional[bool]:
        if isinstance(v, Const):
            try:
                return bool(v.value)
            except Exception:
                return None
        if isinstance(v, (TupleV, ListV)):
            return bool(v.items)
        if isinstance(v, DictV):
            return bool(v.keys)
        if isinstance(v, (LayerV, ModelV, FuncV, ClassV, ApiRef, ModuleV)):
            return True
        return None


def _decorator_leaf(d: cst.CSTNode) -> str:
    """`dataclass` for @dataclass, @dataclasses.dataclass and @dataclass(frozen=True)."""
    if isinstance(d, cst.Call):
        d = d.func
    if isinstance(d, cst.Attribute):
        return d.attr.value
    return d.value if isinstance(d, cst.Name) else ""


def _class_fields(node: cst.ClassDef) -> list:
    """The annotated class attributes a dataclass's __init__ takes, with
    their defaults; `field(default=...)` / `field(default_factory=...)` read through."""
    out = []
    for stmt in node.body.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if not (isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name)):
                continue
            ann = small.annotation.annotation
            if isinstance(ann, (cst.Name, cst.Attribute)) and _decorator_leaf(ann) == "ClassVar":
                continue
            if isinstance(ann, cst.Subscript) and _decorator_leaf(ann.value) == "ClassVar":
                continue
            default, factory = small.value, False
            if isinstance(default, cst.Call) and _decorator_leaf(default.func) == "field":
                default = None
                for arg in small.value.args:
                    if arg.keyword is not None and arg.keyword.value == "default":
                        default = arg.value
                    elif arg.keyword is not None and arg.keyword.value == "default_factory":
                        default, factory = arg.value, True
            out.append((small.target.value, default, factory))
    return out


def _merge_fields(inherited: list, own: list) -> list:
    names = [f[0] for f in own]
    return [f for f in inherited if f[0] not in names] + own


def _body_statements(fn: cst.FunctionDef):
    body = fn.body
    if isinstance(body, cst.IndentedBlock):
        return body.body
    return [body]  # a one-line def: SimpleStatementSuite


def _const_or_obj(v: Value):
    return v.value if isinstance(v, Const) else object()


def _join(a: Value, b: Value, name: str) -> Value:
    if isinstance(a, Const) and isinstance(b, Const) and a.value == b.value and type(a.value) is type(b.value):
        return a
    return Unknown(name)


def _compare(op: str, a: Value, b: Value) -> Optional[bool]:
    if op in ("Is", "IsNot"):
        if isinstance(a, Const) and isinstance(b, Const) and (a.value is None or b.value is None):
            r = a.value is b.value
            return r if op == "Is" else not r
        if isinstance(b, Const) and b.value is None and isinstance(a, (LayerV, ModelV, TensorV, ArrayV, TupleV, ListV, DictV)):
            return op == "IsNot"
        return None
    if isinstance(a, Const) and isinstance(b, Const):
        fn = _CMPOPS.get(op)
        if fn is None:
            return None
        try:
            return bool(fn(a.value, b.value))
        except Exception:
            return None
    if op in ("In", "NotIn") and isinstance(b, (TupleV, ListV)) and isinstance(a, Const):
        if all(isinstance(x, Const) for x in b.items):
            r = any(x.value == a.value for x in b.items)
            return r if op == "In" else not r
        return None
    if op in ("In", "NotIn") and isinstance(b, DictV) and isinstance(a, Const):
        r = a.value in b.keys
        return r if op == "In" else not r
    return None


_BINOPS = {
    "Add": operator.add,
    "Subtract": operator.sub,
    "Multiply": operator.mul,
    "Divide": operator.truediv,
    "FloorDivide": operator.floordiv,
    "Modulo": operator.mod,
    "Power": operator.pow,
    "LeftShift": operator.lshift,
    "RightShift": operator.rshift,
    "BitOr": operator.or_,
    "BitAnd": operator.and_,
    "BitXor": operator.xor,
}

_CMPOPS = {
    "Equal": operator.eq,
    "NotEqual": operator.ne,
    "LessThan": operator.lt,
    "LessThanEqual": operator.le,
    "GreaterThan": operator.gt,
    "GreaterThanEqual": operator.ge,
    "In": lambda a, b: operator.contains(b, a),
    "NotIn": lambda a, b: not operator.contains(b, a),
}


def interpret(parsed, source: str, report: FileReport, options: dict) -> None:
    """Run the abstract interpreter over a ``source.ParsedSource``."""
    Interpreter(parsed, source, report, options).run()
