"""The `shapecheck lsp` language server (pygls 2).

``server.py`` holds the protocol handlers, each a few lines; the work they ask
for lives in small modules beside it: ``conversions`` (positions and LSP
types), ``settings`` (client and project settings), ``scheduler`` (analysis
off the event loop), ``views`` (hints, hovers, lenses, symbols) and
``actions`` (quick fixes and suppressions).
"""
