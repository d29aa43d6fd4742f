"""`shapecheck lsp`: the language server, on stdio (default) or TCP for debugging."""
from __future__ import annotations

import logging
import os
import sys


def add_arguments(parser):
    parser.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP socket instead (for debugging)")
    parser.add_argument("--log-file", metavar="PATH", help="write the server's log here (default: stderr)")
    parser.add_argument(
        "--log-level", default="WARNING", choices=("DEBUG", "INFO", "WARNING", "ERROR"), help="default: WARNING"
    )


def _parse_hostport(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not (0 < int(port) < 65536):
        raise ValueError(f"--tcp expects HOST:PORT (e.g. 127.0.0.1:2087), got {text!r}")
    return host or "127.0.0.1", int(port)


def _protect_stdout():
    """Keep the protocol stream to ourselves: fd 1 is handed to pygls as a private
    copy, and everything else that writes to stdout (a print in a library, a C
    extension) lands on stderr instead of corrupting the stream."""
    sys.stdout.flush()
    protocol_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(protocol_fd, "wb")


def run(args) -> int:
    address = None
    if args.tcp:
        try:
            address = _parse_hostport(args.tcp)
        except ValueError as err:
            print(f"shapecheck lsp: {err}", file=sys.stderr)
            return 2
    try:
        handler = logging.FileHandler(args.log_file) if args.log_file else logging.StreamHandler(sys.stderr)
    except OSError as err:
        print(f"shapecheck lsp: cannot write the log file {args.log_file}: {err.strerror or err}", file=sys.stderr)
        return 2
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
    logging.basicConfig(level=getattr(logging, args.log_level), handlers=[handler], force=True)
    if address is None:
        protocol_out = _protect_stdout()
    from ..lsp.server import SERVER

    if address is not None:
        print(f"shapecheck lsp: listening on {address[0]}:{address[1]}", file=sys.stderr)
        SERVER.start_tcp(*address)
    else:
        SERVER.start_io(sys.stdin.buffer, protocol_out)
    # LSP: `exit` without a prior `shutdown` ends with code 1 (pygls swallows its SystemExit).
    return 0 if getattr(SERVER.protocol, "_shutdown", False) else 1
