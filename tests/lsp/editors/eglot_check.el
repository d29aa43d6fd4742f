;;; eglot_check.el --- headless Emacs: open a file with the shipped Eglot config, print diagnostics  -*- lexical-binding: t; -*-
;; Environment: SHAPECHECK_REPO, SHAPECHECK_CMD (JSON list), SHAPECHECK_FILE, SHAPECHECK_OUT, SHAPECHECK_WANT.
(require 'json)
(require 'package)
(package-initialize)
(require 'flymake)
(load (expand-file-name "editors/emacs/shapecheck-eglot.el" (getenv "SHAPECHECK_REPO")) nil t)
(setq shapecheck-command (append (json-read-from-string (getenv "SHAPECHECK_CMD")) nil))
;; A temporary directory is no VC project; let Eglot treat it as one.
(add-hook 'project-find-functions (lambda (dir) (cons 'transient dir)))
(setq eglot-sync-connect 10)

(defun shapecheck--diagnostics ()
  (mapcar (lambda (d)
            (let ((beg (flymake-diagnostic-beg d)))
              (list (cons 'line (line-number-at-pos beg))
                    (cons 'col (save-excursion (goto-char beg) (current-column)))
                    (cons 'type (format "%s" (flymake-diagnostic-type d)))
                    (cons 'message (flymake-diagnostic-text d)))))
          (flymake-diagnostics)))

(let ((want (string-to-number (or (getenv "SHAPECHECK_WANT") "1")))
      (deadline (+ (float-time) 20))
      (result nil))
  (condition-case err
      (progn
        (find-file (getenv "SHAPECHECK_FILE"))
        (python-mode)
        (apply #'eglot (eglot--guess-contact))
        (while (and (< (length (flymake-diagnostics)) want) (< (float-time) deadline))
          (accept-process-output nil 0.05))
        (setq result `((ok . ,(>= (length (flymake-diagnostics)) want))
                       (server . ,(and (eglot-current-server) t))
                       (diagnostics . ,(vconcat (shapecheck--diagnostics)))))
        (ignore-errors (eglot-shutdown (eglot-current-server))))
    (error (setq result `((ok . :json-false) (error . ,(format "%S" err)) (diagnostics . [])))))
  (with-temp-file (getenv "SHAPECHECK_OUT")
    (insert (json-encode result)))
  (kill-emacs 0))
