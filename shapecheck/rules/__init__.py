"""Diagnostic codes: one place per code with its severity and documentation.

The analyzer emits diagnostics by code; this registry gives each code its
default severity, a short title and its documentation page (what it finds, why
it matters, an example, the fix), read by `shapecheck explain` and
`docs/rules.md`.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    name: str  # kebab-case slug
    severity: str  # default severity: "error" | "warning" | "info"
    title: str
    what: str = ""
    why: str = ""
    example: str = ""
    fix: str = ""


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, severity: str, title: str, **doc: str) -> Rule:
    r = Rule(code, name, severity, title, **doc)
    if code in RULES:
        raise RuntimeError(f"rule {code} defined twice")
    RULES[code] = r
    return r


def severity_of(code: str) -> str:
    r = RULES.get(code)
    return r.severity if r else "error"


# Codes used by the analyzer core.  The families:
#   SC0xx  the analysis itself (syntax errors, limits, where knowledge stopped)
#   SC1xx  shape and layer faults Keras raises while building the model
#   SC2xx  compile(): losses, optimizers, metrics, activations
#   SC3xx  data given to fit/evaluate/predict
#   SC4xx  plain Python faults and API misuse (undefined names, bad keywords, Keras 2 spellings)
#   SC5xx  design faults Keras accepts silently (warnings)
from . import catalog  # noqa: E402,F401  (registers the rules)
