"""`--format sarif`: SARIF 2.1.0 (OASIS), one run, every rule in the driver.

Validated in the test suite against the official OASIS JSON schema
(tests/check/data/sarif-schema-2.1.0.json).
"""
from __future__ import annotations

import json
import os
from urllib.parse import quote

from .. import __version__
from ..rules import RULES

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _rule_descriptor(rule) -> dict:
    full = " ".join(p for p in (rule.what, rule.why) if p)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": full or rule.title},
        "help": {
            "text": f"{rule.what}\n\nFix: {rule.fix}" if rule.fix else rule.what or rule.title,
            "markdown": _help_markdown(rule),
        },
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": [rule.family] if rule.family else []},
    }


def _help_markdown(rule) -> str:
    parts = [f"**{rule.code} {rule.name}**: {rule.title}"]
    if rule.what:
        parts.append(rule.what)
    if rule.example:
        parts.append("```python\n" + rule.example + "\n```")
    if rule.fix:
        parts.append("Fix: " + rule.fix)
    return "\n\n".join(parts)


def _uri(path: str) -> str:
    rel = os.path.relpath(path) if os.path.isabs(path) else path
    rel = rel.replace(os.sep, "/")
    if rel.startswith("../"):
        return "file://" + quote(os.path.abspath(path).replace(os.sep, "/"))
    return quote(rel)


def to_sarif(results) -> dict:
    codes = sorted(RULES)
    index = {c: i for i, c in enumerate(codes)}
    sarif_results = []
    artifacts = []
    for r in results:
        uri = _uri(r.path)
        artifacts.append({"location": {"uri": uri, "uriBaseId": "%SRCROOT%"}})
        for d in r.diagnostics:
            region = {"startLine": d.line, "startColumn": d.col}
            if d.end_line:
                region["endLine"] = max(d.line, d.end_line)
            if d.end_col and (d.end_line == d.line or not d.end_line):
                region["endColumn"] = max(d.col + 1, d.end_col)
            elif d.end_col:
                region["endColumn"] = max(1, d.end_col)
            text = d.message + (f" (hint: {d.hint})" if d.hint else "")
            res = {
                "ruleId": d.code,
                "level": _LEVEL.get(d.severity, "warning"),
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                        "region": region,
                    }
                }],
            }
            if d.code in index:
                res["ruleIndex"] = index[d.code]
            if d.cell is not None:
                # Lines count within the cell (as Jupyter shows them), not in the JSON file.
                region["properties"] = {"cell": d.cell}
                res["properties"] = {"cell": d.cell}
                res["message"]["text"] = f"cell {d.cell}, line {d.line}: {text}"
            sarif_results.append(res)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "shapecheck",
                "version": __version__,
                "rules": [_rule_descriptor(RULES[c]) for c in codes],
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": _root_uri()}},
            "artifacts": artifacts,
            "results": sarif_results,
            "columnKind": "unicodeCodePoints",
        }],
    }


def _root_uri() -> str:
    root = os.getcwd().replace(os.sep, "/")
    return "file://" + quote(root if root.endswith("/") else root + "/")


def render(results, options) -> str:
    return json.dumps(to_sarif(results), indent=2) + "\n"
