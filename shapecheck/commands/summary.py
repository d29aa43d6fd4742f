"""`shapecheck summary FILE...`: every model a file builds, as Keras would print it."""
from __future__ import annotations

import json
import sys

from ..analyzer import analyze
from ..analyzer.report import FileReport, reports_to_json
from ..notebook import analyze_notebook, is_notebook_path
from .files import iter_paths, read_source


def add_arguments(parser):
    parser.add_argument("paths", nargs="+", metavar="FILE", help="Python files, notebooks or directories")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args) -> int:
    from ..analyzer.summary import render_file

    reports: list[FileReport] = []
    status = 0
    for path, problem in iter_paths(args.paths):
        if problem:
            print(f"shapecheck: {problem}", file=sys.stderr)
            status = 2
            continue
        src = read_source(path)
        if src.error:
            print(f"shapecheck: {src.error}", file=sys.stderr)
            status = 2
            continue
        if is_notebook_path(path):
            report = analyze_notebook(src.text, path)
        else:
            report = analyze(src.text, path)
        reports.append(report)
        if report.syntax_error:
            status = 2
    if args.format == "json":
        json.dump(reports_to_json(reports), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for report in reports:
            sys.stdout.write(render_file(report))
    return status
