"""The one mapping from a refusal to a JSON-RPC error, used by every reply.

A refused command, a request whose parameters do not fit its method and a
request the server cannot serve yet all answer with the same shape: ``code``
(-32602 for a bad or missing argument or an unknown session, -32803 for an
invalid transition, a conflict, a forbidden change or a storage failure),
``message`` (one sentence a person understands) and ``data.kind``.
"""

from __future__ import annotations

import reprlib
from typing import Any

from pygls.exceptions import JsonRpcException

from helix_lsp.session import InvalidArgumentError, SessionError

INVALID_PARAMS = -32602
REQUEST_FAILED = -32803
INTERNAL_ERROR = -32603
METHOD_NOT_FOUND = -32601
SERVER_NOT_INITIALIZED = -32002

#: ``SessionError.kind`` -> JSON-RPC error code
CODES: dict[str, int] = {
    "invalid_argument": INVALID_PARAMS,
    "not_found": INVALID_PARAMS,
    "invalid_transition": REQUEST_FAILED,
    "conflict": REQUEST_FAILED,
    "forbidden": REQUEST_FAILED,
    "storage": REQUEST_FAILED,
}


def short(value: object, limit: int = 60) -> str:
    """A bounded ``repr`` for messages and logs (values may be huge or deeply nested)."""
    shortener = reprlib.Repr()
    shortener.maxlevel, shortener.maxstring, shortener.maxother = 2, limit, limit
    try:
        text = shortener.repr(value)
    except RecursionError:
        text = f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sentence(message: str, limit: int = 400) -> str:
    """One line, bounded, ending like a sentence."""
    text = " ".join(message.split()) or "the command was refused."
    if len(text) > limit:
        text = text[: limit - 2].rstrip() + "…."
    return text if text.endswith((".", "?", "!")) else text + "."


def error_payload(exc: BaseException) -> dict[str, Any]:
    """The JSON-RPC ``error`` object for anything a request handler raised."""
    if isinstance(exc, SessionError):
        kind = exc.kind if exc.kind in CODES else "invalid_argument"
        return {"code": CODES[kind], "message": sentence(str(exc)), "data": {"kind": kind}}
    if isinstance(exc, JsonRpcException):
        data = exc.data if isinstance(exc.data, dict) else {"kind": "invalid_argument"}
        return {"code": exc.code, "message": sentence(str(exc.message)), "data": data}
    return {
        "code": INTERNAL_ERROR,
        "message": sentence(f"internal error ({type(exc).__name__}): {short(exc, 200)}"),
        "data": {"kind": "internal"},
    }


def not_initialized() -> JsonRpcException:
    """What a command gets before ``initialize``."""
    return JsonRpcException(
        "the server is not initialized yet.", SERVER_NOT_INITIALIZED,
        {"kind": "invalid_transition"},
    )


def forbidden(message: str) -> JsonRpcException:
    """What a client gets that may not use this server (another user, no token)."""
    return JsonRpcException(message, REQUEST_FAILED, {"kind": "forbidden"})


def unknown_command(name: object) -> InvalidArgumentError:
    return InvalidArgumentError(
        f"unknown command {short(name)}; helix-lsp's commands start with 'helix.session.'."
    )


def unfit_parameters(method: object) -> InvalidArgumentError:
    """A request whose parameters do not fit its method."""
    return InvalidArgumentError(f"the parameters do not fit {short(method, 80)}.")
