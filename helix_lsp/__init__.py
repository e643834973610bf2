"""helix-lsp: session management for developers, delivered as a language server.

The session core (``helix_lsp.session``) is a plain library; the language
server (``helix_lsp.server``) and the command line (``helix_lsp.cli``) are
thin faces on top of it.

``helix_lsp.__version__`` is the installed distribution's version (one
source: ``pyproject.toml``), read on first use so that start-up paths that
never print it do not pay for ``importlib.metadata``.
"""

from __future__ import annotations

#: What ``__version__`` is when the package runs from a checkout that was never installed.
UNINSTALLED_VERSION = "0+unknown"


def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("helix-lsp")
    except PackageNotFoundError:
        return UNINSTALLED_VERSION


def __getattr__(name: str) -> str:
    if name == "__version__":
        value = _installed_version()
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
