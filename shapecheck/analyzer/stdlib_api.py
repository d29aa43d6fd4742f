"""The standard-library objects model-building scripts keep their settings in.

- ``argparse``: a parser's options and what ``parse_args()`` returns for a run
  given no options on its command line (each option's default, the value
  ``store_true``/``store_false``/``store_const`` give when absent). Options a
  run must give (positionals, ``required=True``) and argument lists we cannot
  read stay named unknowns.
- ``types.SimpleNamespace(**settings)``: an object whose attributes are its
  keyword arguments.
- ``json.loads("...")`` of a string the script spells out: the settings it
  holds (a string read from a file stays unknown).
- ``copy.deepcopy`` / ``copy.copy`` of plain settings (numbers, strings, lists,
  tuples, dicts): an independent copy, so editing it leaves the original alone.
- ``dataclasses.replace(cfg, **changes)``: handled by the interpreter, which
  knows the dataclass's fields (see ``KerasApi.dataclass_replace``).
"""
from __future__ import annotations

import json
from typing import Optional

from .values import ArgParserV, Const, DictV, ListV, ObjectV, TupleV, Unknown, Value

NAMESPACE = "argparse.Namespace"
# Objects whose attributes are plain settings a script may also assign.
NAMESPACES = (NAMESPACE, "types.SimpleNamespace")


def _text(v: Value) -> Optional[str]:
    return v.value if isinstance(v, Const) and isinstance(v.value, str) else None


def _dest(flags: list, kwargs: dict) -> Optional[str]:
    """The attribute name argparse stores an option under."""
    dest = _text(kwargs.get("dest", Const(None)))
    if dest:
        return dest
    names = [_text(f) for f in flags]
    if not names or any(n is None for n in names):
        return None
    longs = [n for n in names if n.startswith("--")]
    shorts = [n for n in names if n.startswith("-") and not n.startswith("--")]
    chosen = longs[0][2:] if longs else shorts[0][1:] if shorts else names[0]
    return chosen.replace("-", "_")


def _default(flags: list, kwargs: dict, dest: str) -> Value:
    """The value parse_args() gives `dest` when the command line does not name it."""
    positional = all(_text(f) is not None and not _text(f).startswith("-") for f in flags)
    required = kwargs.get("required")
    if (positional and _text(kwargs.get("nargs", Const(None))) not in ("?", "*")) or (
            isinstance(required, Const) and required.value is True):
        return Unknown(dest)  # the run must give it: not known before it runs
    action = _text(kwargs.get("action", Const(None)))
    if "default" in kwargs:
        default = kwargs["default"]
        convert = kwargs.get("type")
        if isinstance(default, Const) and isinstance(default.value, str) and convert is not None:
            # argparse converts a string default with type=; ints and floats from literals only
            leaf = getattr(convert, "leaf", None)
            try:
                if leaf in ("int", "float"):
                    return Const({"int": int, "float": float}[leaf](default.value))
            except ValueError:
                return Unknown(dest)
            return Unknown(dest)
        return default
    if action == "store_true":
        return Const(False)
    if action == "store_false":
        return Const(True)
    if action == "count":
        return Const(None)
    return Const(None)


def parser_method(parser: ArgParserV, name: str, args: list, kwargs: dict) -> Value:
    if name == "add_argument":
        dest = _dest(list(args), kwargs)
        if dest is None:
            parser.opaque = True  # an option whose name we cannot read
        else:
            parser.options[dest] = _default(list(args), kwargs, dest)
        return Const(None)
    if name in ("add_argument_group", "add_mutually_exclusive_group"):
        return parser  # a group's options land in the parser's namespace
    if name == "set_defaults":
        parser.options.update(kwargs)
        return Const(None)
    if name in ("parse_args", "parse_known_args"):
        argv = args[0] if args else kwargs.get("args")
        if argv is not None and not (isinstance(argv, (ListV, TupleV)) and not argv.items):
            return Unknown("args")  # options given in the program: not read here
        if parser.opaque:
            return Unknown("args")
        ns = ObjectV(NAMESPACE, [], dict(parser.options))
        return TupleV([ns, ListV([])]) if name == "parse_known_args" else ns
    return Unknown(name)


def _from_json(obj) -> Value:
    if isinstance(obj, dict):
        return DictV(list(obj), [_from_json(v) for v in obj.values()])
    if isinstance(obj, list):
        return ListV([_from_json(v) for v in obj])
    return Const(obj)


def _copied(v: Value, deep: bool, depth: int = 0) -> Optional[Value]:
    """A copy of plain settings; None when something in it is not plain data."""
    if isinstance(v, Const):
        return v
    if depth > 50:
        return None
    inner = (lambda x: _copied(x, deep, depth + 1)) if deep else (lambda x: x)
    if isinstance(v, (ListV, TupleV)):
        items = [inner(i) for i in v.items]
        if any(i is None for i in items):
            return None
        return ListV(items, v.inexact) if isinstance(v, ListV) else TupleV(items)
    if isinstance(v, DictV):
        values = [inner(i) for i in v.values]
        if any(i is None for i in values):
            return None
        return DictV(list(v.keys), values, v.inexact)
    return None


def call_external(path: str, args: list, kwargs: dict) -> Optional[Value]:
    """What a standard-library call returns, or None when we don't model it."""
    if path == "json.loads" and len(args) == 1:
        text = args[0]
        if isinstance(text, Const) and isinstance(text.value, str):
            try:
                return _from_json(json.loads(text.value))
            except ValueError:
                return Unknown("json")
        return Unknown("json")
    if path in ("copy.deepcopy", "copy.copy") and len(args) == 1:
        return _copied(args[0], deep=path == "copy.deepcopy") or Unknown("copy")
    if path == "argparse.ArgumentParser":
        return ArgParserV()
    if path == "types.SimpleNamespace" and not args:
        return ObjectV("types.SimpleNamespace", [], dict(kwargs))
    return None
