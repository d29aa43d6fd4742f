"""`shapecheck` command line: a thin dispatcher to shapecheck.commands.*.

Each sub-command lives in its own module and is imported only when used, so
`shapecheck lsp` never pays for numba and `shapecheck summary` never for pygls.
Exit codes: 0 success / no errors, 1 errors found, 2 usage or internal problems.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__

COMMANDS = {
    "summary": "Print each model's layers, output shapes and parameter counts.",
    "check": "Report shape faults and design faults in Python files and notebooks.",
    "explain": "Print the documentation of a diagnostic code.",
    "lsp": "Run the language server (stdio by default).",
    "run": "Run a Keras script on the shapecheck runtime and confirm the analyzer.",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors exit 2 with one clear line
        self.print_usage(sys.stderr)
        print(f"shapecheck: error: {message}", file=sys.stderr)
        sys.exit(2)


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    """The full parser, or (with `selected`) one whose only complete sub-command is that
    one, so `shapecheck lsp` does not import the analyzer before answering `initialize`."""
    parser = _Parser(prog="shapecheck", description="Static shape checker for Keras model code.")
    parser.add_argument("--version", action="version", version=f"shapecheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, help_text in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if selected is None or name == selected:
            mod = importlib.import_module(f"shapecheck.commands.{name}")
            mod.add_arguments(p)
            p.set_defaults(_module=mod)
    return parser


def _selected_command(argv: list[str]) -> str | None:
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in COMMANDS else None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(_selected_command(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args._module.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
