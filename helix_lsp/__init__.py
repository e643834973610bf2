"""helix-lsp: session management for developers, delivered as a language server.

The session core (``helix_lsp.session``) is a plain library; the language
server (``helix_lsp.server``) and the command line (``helix_lsp.cli``) are
thin faces on top of it.
"""

__version__ = "0.1.0"
