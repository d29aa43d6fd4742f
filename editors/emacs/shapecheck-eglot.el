;;; shapecheck-eglot.el --- shapecheck language server for Eglot  -*- lexical-binding: t; -*-

;;; Commentary:
;; Load this file (or copy the form below into your init file) to run
;; `shapecheck lsp' for Python buffers with Eglot.  Eglot runs one server per
;; major mode, so this replaces pylsp/pyright in Python buffers; use
;; shapecheck-lsp-mode.el (lsp-mode add-on server) to keep both.

;;; Code:

(require 'eglot)

(defgroup shapecheck nil
  "Static shape checking for Keras model code."
  :group 'tools)

(defcustom shapecheck-command '("shapecheck" "lsp")
  "Command line that starts the shapecheck language server."
  :type '(repeat string)
  :group 'shapecheck)

(defcustom shapecheck-settings '(:shapecheck (:inlayHints t :codeLens t))
  "Settings sent as initializationOptions and answered to workspace/configuration."
  :type 'sexp
  :group 'shapecheck)

(defclass shapecheck-eglot-server (eglot-lsp-server) ()
  :documentation "The shapecheck language server.")

(cl-defmethod eglot-initialization-options ((_server shapecheck-eglot-server))
  shapecheck-settings)

(add-to-list 'eglot-server-programs
             `((python-mode python-ts-mode) . (shapecheck-eglot-server . ,(lambda (&optional _interactive) shapecheck-command))))

;; Answer workspace/configuration from the same settings.
(setq-default eglot-workspace-configuration shapecheck-settings)

(provide 'shapecheck-eglot)
;;; shapecheck-eglot.el ends here
