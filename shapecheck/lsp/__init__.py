"""The `shapecheck lsp` language server (pygls 2).

``server.py`` holds the protocol handlers, each a few lines; the work they ask
for lives in small modules beside it: ``conversions`` (positions and LSP
types), ``settings`` (client and project settings), ``scheduler`` (analysis
off the event loop), ``views`` (hints, hovers, lenses, symbols) and
``actions`` (quick fixes and suppressions).

Notebooks (issue 8) plug in at two seams: an `Analysis` keyed by the notebook's
URI whose source is the joined code cells (``shapecheck.notebook``), and one
`views.View` per cell built from that cell's text and the report items whose
``cell`` matches; everything in ``views``/``actions`` already skips items that
carry a cell, so plain files are unaffected.
"""
