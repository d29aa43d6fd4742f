"""`shapecheck explain` (being built: see the issue tracker)."""
import sys


def add_arguments(parser):
    parser.add_argument("rest", nargs="*")


def run(args):
    print("shapecheck explain: not available yet", file=sys.stderr)
    return 2
