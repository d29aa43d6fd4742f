"""`shapecheck explain CODE`: the documentation page of a diagnostic code."""
from __future__ import annotations

import sys


def add_arguments(parser):
    parser.add_argument("code", nargs="?", metavar="CODE", help="a code (SC102) or a rule name (merge-shapes)")
    parser.add_argument("--list", action="store_true", help="list every code with its title")
    parser.add_argument("--format", choices=("text", "markdown"), default="text")


def run(args) -> int:
    from ..rules import RULES, get_rule
    from ..rules.docs import page_markdown, page_text
    from ..rules.support.names import did_you_mean

    if args.list or not args.code:
        for code in sorted(RULES):
            r = RULES[code]
            print(f"{code}  {r.severity:<7}  {r.name:<34} {r.title}")
        return 0
    rule = get_rule(args.code)
    if rule is None:
        guess = did_you_mean(args.code.upper(), list(RULES)) or did_you_mean(args.code, [r.name for r in RULES.values()])
        msg = f"shapecheck: unknown code {args.code!r}"
        if guess:
            msg += f"; did you mean {guess}?"
        print(msg + " (`shapecheck explain --list` shows every code)", file=sys.stderr)
        return 2
    sys.stdout.write(page_markdown(rule) + "\n" if args.format == "markdown" else page_text(rule))
    return 0
