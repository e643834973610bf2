"""``python -m helix_lsp``: the same entry point as the ``helix-lsp`` command."""

from helix_lsp.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
