"""pygls's protocol, hardened against clients that break the protocol.

- A request whose params do not fit the LSP types: pygls raises while decoding
  it and only logs, so the client waits forever; JSON-RPC says to answer
  -32602 Invalid params.
- didChange for a document that was never opened: pygls raises KeyError and
  pops "Error in server" up in the editor; it is logged and ignored instead.
"""
from __future__ import annotations

import logging
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

log = logging.getLogger(__name__)


class ShapecheckProtocol(LanguageServerProtocol):
    def structure_message(self, data):
        try:
            return super().structure_message(data)
        except JsonRpcException as err:
            if isinstance(data, dict) and "method" in data and data.get("id") is not None:
                self._send_response(data["id"], error=err.to_response_error())
            raise

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        uri = params.text_document.uri
        if unquote(uri) not in self.workspace.text_documents:
            log.warning("didChange for %s, which is not open: ignored", uri)
            return
        yield from super().lsp_text_document__did_change(params)
