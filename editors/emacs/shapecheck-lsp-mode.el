;;; shapecheck-lsp-mode.el --- shapecheck as an lsp-mode add-on server  -*- lexical-binding: t; -*-

;;; Commentary:
;; Registers `shapecheck lsp' as an add-on server: it runs next to your usual
;; Python server (pylsp, pyright, ...) in the same buffer.

;;; Code:

(require 'lsp-mode)

(defgroup shapecheck-lsp nil
  "shapecheck language server for lsp-mode."
  :group 'lsp-mode)

(defcustom shapecheck-lsp-command '("shapecheck" "lsp")
  "Command line that starts the shapecheck language server."
  :type '(repeat string)
  :group 'shapecheck-lsp)

(defcustom shapecheck-lsp-inlay-hints t
  "Show each layer's output shape and parameter count as an inlay hint."
  :type 'boolean
  :group 'shapecheck-lsp)

(lsp-register-custom-settings
 '(("shapecheck.inlayHints" shapecheck-lsp-inlay-hints t)))

(lsp-register-client
 (make-lsp-client
  :new-connection (lsp-stdio-connection (lambda () shapecheck-lsp-command))
  :activation-fn (lsp-activate-on "python")
  :server-id 'shapecheck
  :add-on? t
  :priority -2
  :initialized-fn (lambda (workspace)
                    (with-lsp-workspace workspace
                      (lsp--set-configuration (lsp-configuration-section "shapecheck"))))))

(provide 'shapecheck-lsp-mode)
;;; shapecheck-lsp-mode.el ends here
