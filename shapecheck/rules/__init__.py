"""Diagnostic codes: one module per code, holding its severity, its documentation
and, for rules that run after the analyzer, the check itself.

Layout (as ruff does it): ``shapecheck/rules/<family>/scNNN_<slug>.py`` defines
``RULE = Rule(...)``.  The families:

  analysis/  SC0xx  the analysis itself (syntax errors, limits, suppressions)
  shape/     SC1xx  shape and layer faults Keras raises while building the model
  compile/   SC2xx  compile(): losses, optimizers, metrics, activations
  data/      SC3xx  data given to fit/evaluate/predict/train_on_batch
  python/    SC4xx  plain Python faults and API misuse
  design/    SC5xx  design faults Keras accepts silently (warnings)

A rule's ``check`` is a pure function ``(FileReport, RuleContext) -> iterable of
Diagnostic``; rules the analyzer emits itself (``check is None``) are here for
their severity and documentation.  ``shapecheck explain`` and ``docs/rules.md``
read the same ``Rule`` objects.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable, Optional

FAMILIES = {
    "analysis": ("SC0", "The analysis itself"),
    "shape": ("SC1", "Shape and layer faults Keras raises"),
    "compile": ("SC2", "compile(): losses, optimizers, metrics, activations"),
    "data": ("SC3", "Data given to fit / evaluate / predict"),
    "python": ("SC4", "Python faults and API misuse"),
    "design": ("SC5", "Design faults Keras accepts silently"),
}

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str  # kebab-case slug
    severity: str  # default severity: "error" | "warning" | "info"
    title: str
    what: str = ""  # what it finds
    why: str = ""  # why it matters (and what real Keras 3 does)
    example: str = ""  # a short program that triggers it
    fix: str = ""  # what to write instead
    check: Optional[Callable] = field(default=None, compare=False)  # (report, ctx) -> diagnostics
    family: str = ""

    @property
    def emitted_by(self) -> str:
        return "rules" if self.check is not None else "analyzer"


RULES: dict[str, Rule] = {}
_BY_NAME: dict[str, Rule] = {}


def _register(r: Rule) -> Rule:
    if r.code in RULES:
        raise RuntimeError(f"rule {r.code} defined twice")
    if r.severity not in SEVERITIES:
        raise RuntimeError(f"rule {r.code}: bad severity {r.severity!r}")
    RULES[r.code] = r
    _BY_NAME[r.name] = r
    return r


def _load() -> None:
    """Import every ``<family>/scNNN_*.py`` module and register its RULE."""
    for family in FAMILIES:
        pkg = importlib.import_module(f"{__name__}.{family}")
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
            if not info.name.startswith("sc"):
                continue
            mod = importlib.import_module(f"{pkg.__name__}.{info.name}")
            r = getattr(mod, "RULE", None)
            if r is None:
                raise RuntimeError(f"{mod.__name__} defines no RULE")
            expected = f"sc{r.code[2:]}_{r.name.replace('-', '_')}"
            if info.name != expected:
                raise RuntimeError(f"{mod.__name__}: module should be named {expected}")
            if not r.family:
                object.__setattr__(r, "family", family)
            _register(r)


def get_rule(code_or_name: str) -> Optional[Rule]:
    key = code_or_name.strip()
    return RULES.get(key.upper()) or _BY_NAME.get(key.lower())


def severity_of(code: str) -> str:
    r = RULES.get(code)
    return r.severity if r else "error"


def post_rules() -> list[Rule]:
    """The rules that run after the analyzer, in code order."""
    return [r for _, r in sorted(RULES.items()) if r.check is not None]


_load()
