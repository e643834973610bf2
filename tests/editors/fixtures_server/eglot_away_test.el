;;; eglot_away_test.el --- stock eglot closed without pausing, then started again -*- lexical-binding: t -*-
;; Emacs 28 + Debian's eglot 1.9, no helix code.  HELIX_TEST_PHASE:
;; "work": start a session and work at a.py:15 (point reaches the server
;; through eglot's own eldoc highlight request), then stop: the test lets
;; Emacs exit, or kill -9s it and its server.
;; "return": Emacs opens b.py at line 7 (as save-place would), connects, and
;; answers the server's offer through eglot's own handler, which asks with
;; `completing-read' (captured here: it returns HELIX_TEST_ANSWER's action).

(dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path dir))
(require 'eglot)
(require 'json)

(defvar helix-out (getenv "HELIX_TEST_OUT"))
(defvar helix-root (file-name-as-directory (getenv "HELIX_TEST_ROOT")))
(defvar helix-answer (or (getenv "HELIX_TEST_ANSWER") "Resume at"))

(defun helix-report (kind value)
  (with-temp-buffer
    (insert (json-encode (list (cons "kind" kind) (cons "value" value))) "\n")
    (append-to-file (point-min) (point-max) helix-out)))

(defun helix-store ()
  (with-temp-buffer
    (call-process (getenv "HELIX_TEST_PYTHON") nil t nil "-m" "helix_lsp" "session" "show"
                  "fix-login" "--json" "--db" (getenv "HELIX_TEST_DB"))
    (goto-char (point-min))
    (condition-case nil (json-read) (error (buffer-string)))))

(defun helix-here ()
  "The file and line the user sees: the selected window's buffer and point."
  (with-current-buffer (window-buffer (selected-window))
    (list (cons "file" (file-name-nondirectory (or buffer-file-name "")))
          (cons "line" (line-number-at-pos (window-point (selected-window)))))))

(defun helix-now-ms () (truncate (* 1000 (float-time))))

(defun helix-wait (seconds)
  (let ((deadline (+ (float-time) seconds)))
    (while (< (float-time) deadline) (accept-process-output nil 0.05))))

(defun helix-command (server command &optional args)
  (condition-case err
      (jsonrpc-request server :workspace/executeCommand
                       (list :command command :arguments (if args (vector args) [])))
    (jsonrpc-error (list :error (format "%S" err)))))

(defun helix-point-at (line col)
  "Moves point as the user would and lets eglot ask about it (its idle eldoc call)."
  (goto-char (point-min))
  (forward-line (1- line))
  (forward-char col)
  (run-hook-with-args 'eldoc-documentation-functions #'ignore)
  (accept-process-output nil 0.3))

;; How eglot 1.9 asks: `completing-read' over the action titles.  While the
;; question is open, eglot's eldoc asks about point in b.py (line 7, where
;; the file was restored): the request reaches the server before the answer.
(advice-add 'completing-read :override
            (lambda (prompt collection &rest _)
              (let ((titles (mapcar (lambda (c) (if (consp c) (car c) c)) collection)))
                (with-current-buffer (find-buffer-visiting (expand-file-name "b.py" helix-root))
                  (run-hook-with-args 'eldoc-documentation-functions #'ignore))
                (helix-report "offer" (list (cons "prompt" prompt) (cons "items" (vconcat titles))
                                            (cons "store" (helix-store)) (cons "at" (helix-here))))
                (or (seq-find (lambda (title) (string-prefix-p helix-answer title)) titles) ""))))

(setq eglot-server-programs
      `((python-mode . (,(getenv "HELIX_TEST_PYTHON") "-m" "helix_lsp"
                        "--db" ,(getenv "HELIX_TEST_DB")))))
(setq-default eglot-workspace-configuration nil)
(add-hook 'project-find-functions (lambda (_dir) (cons 'transient helix-root)))
;; HELIX_TEST_SHOW_DOCUMENT: the few lines a user of eglot 1.9 adds to an
;; init file so that "Resume at" opens the file (newer eglot has them).
(when (getenv "HELIX_TEST_SHOW_DOCUMENT")
  (cl-defmethod eglot-client-capabilities :around (_server)
    (append (cl-call-next-method) '(:window (:showDocument (:support t)))))
  (cl-defmethod eglot-handle-request
    (_server (_method (eql window/showDocument)) &key uri selection &allow-other-keys)
    (find-file (url-unhex-string (url-filename (url-generic-parse-url uri))))
    (when selection
      (goto-char (point-min))
      (forward-line (plist-get (plist-get selection :start) :line)))
    '(:success t)))

;; the idle limit, as a user would set any initialization option
(cl-defmethod eglot-initialization-options (_server)
  (list :idleMinutes (string-to-number (getenv "HELIX_TEST_IDLE_MINUTES"))))

(defun helix-connect (file line)
  (find-file (expand-file-name file helix-root))
  (python-mode)
  (goto-char (point-min))
  (forward-line (1- line))
  (setq eglot-sync-connect 20)
  (apply #'eglot (eglot--guess-contact))
  (let ((deadline (+ (float-time) 20)))
    (while (and (not (eglot-current-server)) (< (float-time) deadline))
      (accept-process-output nil 0.1)))
  (or (eglot-current-server) (error "eglot did not connect")))

(condition-case err
    (if (equal (getenv "HELIX_TEST_PHASE") "work")
        (let ((server (helix-connect "b.py" 1)))
          (helix-report "create" (helix-command server "helix.session.create"
                                                (list :name "fix-login" :start t)))
          (helix-report "started" (helix-store))
          (helix-point-at 7 0)
          (find-file (expand-file-name "a.py" helix-root))
          (python-mode)
          (eglot-ensure)
          (helix-wait 0.5)
          (helix-point-at 15 4)
          (helix-report "last_move_ms" (helix-now-ms))
          (helix-wait 1.5)                  ; the coalesced write lands
          (helix-report "before_exit" (helix-store))
          (helix-report "saved" t)
          (if (equal (getenv "HELIX_TEST_EXIT") "kill")
              (helix-wait 120)
            (eglot-shutdown server)))
      ;; b.py comes back at line 7 (save-place), then the server starts
      (let ((server (helix-connect "b.py" 7)))
        (helix-report "opened_at" (helix-here))
        ;; the offer comes and is answered; then the server resumes
        (let ((deadline (+ (float-time) 10)))
          (while (and (< (float-time) deadline)
                      (not (equal (alist-get 'status (helix-store)) "active")))
            (helix-wait 0.2)))
        (helix-wait 0.5)
        (helix-report "after" (helix-here))
        (helix-report "store" (helix-store))
        (eglot-shutdown server)))
  (error (helix-report "fatal" (format "%S" err))))
(kill-emacs 0)
