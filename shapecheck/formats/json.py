"""`--format json`: the schema of `summary --format json` (version 1), with the
diagnostics of each file (and their hints)."""
from __future__ import annotations

import json

from ..analyzer.report import SCHEMA_VERSION


def results_to_json(results) -> dict:
    files = []
    for r in results:
        files.append({
            "path": r.path,
            "models": r.models,
            "diagnostics": [d.to_json() for d in r.diagnostics],
        })
    return {"version": SCHEMA_VERSION, "files": files}


def render(results, options) -> str:
    return json.dumps(results_to_json(results), indent=2) + "\n"
