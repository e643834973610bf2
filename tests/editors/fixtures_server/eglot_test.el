;;; eglot_test.el --- stock eglot against helix-lsp, no helix code -*- lexical-binding: t -*-
;; Emacs 28 + Debian's eglot 1.9 with nothing but `eglot-server-programs'
;; naming the server. The test runs `emacs --batch -Q -l eglot_test.el' and
;; reads what happened from HELIX_TEST_OUT (one JSON object per line).

(dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path dir))
(require 'eglot)
(require 'json)

(defvar helix-out (getenv "HELIX_TEST_OUT"))
(defvar helix-root (file-name-as-directory (getenv "HELIX_TEST_ROOT")))

(defun helix-report (kind value)
  (with-temp-buffer
    (insert (json-encode (list (cons "kind" kind) (cons "value" value))) "\n")
    (append-to-file (point-min) (point-max) helix-out)))

(defun helix-command (server command &optional args)
  (condition-case err
      (jsonrpc-request server :workspace/executeCommand
                       (list :command command
                             :arguments (if args (vector args) [])))
    (jsonrpc-error (list :error (format "%S" err)))))

;; What a user would write: which program serves python-mode.
(setq eglot-server-programs
      `((python-mode . (,(getenv "HELIX_TEST_PYTHON") "-m" "helix_lsp"
                        "--db" ,(getenv "HELIX_TEST_DB")))))
;; The folder is the project (as a folder opened in any editor).
(add-hook 'project-find-functions (lambda (_dir) (cons 'transient helix-root)))

(condition-case err
    (progn
      (find-file (getenv "HELIX_TEST_FILE"))
      (python-mode)
      (setq eglot-sync-connect 20)
      (apply #'eglot (eglot--guess-contact))
      (let ((deadline (+ (float-time) 20)))
        (while (and (not (eglot-current-server)) (< (float-time) deadline))
          (accept-process-output nil 0.1)))
      (let ((server (eglot-current-server)))
        (unless server (error "eglot did not connect"))
        (helix-report "create" (helix-command server "helix.session.create"
                                              (list :name "emacs-task" :start t)))
        ;; move point and let eglot ask about it the way its idle timer would
        (goto-char (point-min))
        (forward-line 11)
        (forward-char 4)
        (run-hook-with-args 'eldoc-documentation-functions #'ignore)
        (accept-process-output nil 0.5)
        (helix-report "get" (helix-command server "helix.session.get"))
        (eglot-shutdown server)))
  (error (helix-report "fatal" (format "%S" err))))
(kill-emacs 0)
