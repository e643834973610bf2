"""Typed parameters of the workspace commands.

Every ``helix.session.*`` command takes ``arguments`` that are empty or one
object of named parameters. This module is the single place where those
objects are checked: unknown keys, missing required keys and wrong JSON types
are refused here with an ``invalid_argument`` error before any handler runs,
so nothing is written for a refused command (the error reply itself comes
from :mod:`helix_lsp.server.errors`, like every other refusal).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import attrs
import cattrs
import cattrs.gen
from cattrs.errors import BaseValidationError, ForbiddenExtraKeysError

from helix_lsp.server.errors import short
from helix_lsp.session import InvalidArgumentError

T = TypeVar("T")

# -- parameter classes ---------------------------------------------------------


@attrs.frozen
class Target:
    """Commands that act on one session: ``session`` (id or name) or the current one."""

    session: str | None = None
    project: str | None = None


@attrs.frozen
class Create:
    name: str
    mode: str = "building"
    project: str | None = None
    description: str | None = None
    tags: list[str] | None = None
    metadata: dict[str, str] | None = None
    context: dict[str, str] | None = None
    start: bool = False


@attrs.frozen
class Fail:
    reason: str
    session: str | None = None
    project: str | None = None


@attrs.frozen
class SetMode:
    mode: str
    session: str | None = None
    project: str | None = None


@attrs.frozen
class Tag:
    tag: str
    session: str | None = None
    project: str | None = None


@attrs.frozen
class KeyValue:
    """``value`` null removes the key."""

    key: str
    value: str | None
    session: str | None = None
    project: str | None = None


@attrs.frozen
class Project:
    project: str | None = None


StrOrList = str | list[str] | None


@attrs.frozen
class StatsQuery:
    project: str | None = None
    owner: str | None = None


@attrs.frozen
class ListQuery:
    status: StrOrList = None
    mode: StrOrList = None
    project: str | None = None
    tag: str | None = None
    query: str | None = None
    limit: int = 50
    offset: int = 0
    owner: str | None = None


@attrs.frozen
class Delete:
    session: str


@attrs.frozen
class Export:
    session: str | None = None
    project: str | None = None
    all: bool = False


@attrs.frozen
class Import:
    snapshot: dict[str, Any]


@attrs.frozen
class Trim:
    keep: int
    project: str | None = None


@attrs.frozen
class Report:
    """``helix.session.report``: a range (``from``/``to`` or ``since``), zone, rendering."""

    from_: str | None = attrs.field(default=None, alias="from_")
    to: str | None = None
    since: str | None = None
    project: str | None = None
    owner: str | None = None
    tz: str | None = None
    render: str | None = None
    width: int | None = None
    nonce: str | None = None


# -- strict conversion ---------------------------------------------------------

_JSON_NAMES = {str: "a string", int: "an integer", bool: "true or false"}


class _WrongType(TypeError):
    def __init__(self, expected: str, value: object) -> None:
        super().__init__(expected)
        self.expected = expected
        self.value = value


def _exact(kind: type) -> Callable[[object, object], object]:
    def hook(value: object, _: object) -> object:
        if type(value) is not kind:  # bool is not an int, "5" is not 5
            raise _WrongType(_JSON_NAMES[kind], value)
        return value

    return hook


def _str_list(value: object, _: object) -> list[str]:
    if not isinstance(value, list) or not all(type(v) is str for v in value):
        raise _WrongType("a list of strings", value)
    return list(value)


def _str_dict(value: object, _: object) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        type(k) is str and type(v) is str for k, v in value.items()
    ):
        raise _WrongType("an object of string values", value)
    return dict(value)


def _any_dict(value: object, _: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _WrongType("an object", value)
    return value


def _str_or_list(value: object, _: object) -> str | list[str] | None:
    if value is None or type(value) is str:
        return value
    return _str_list(value, None)


def _is(expected: object) -> Callable[[object], bool]:
    return lambda seen: bool(seen == expected)


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    for simple in (str, int, bool):
        conv.register_structure_hook(simple, _exact(simple))
    exact: dict[object, Callable[[object, object], object]] = {
        list[str]: _str_list,
        dict[str, str]: _str_dict,
        dict[str, Any]: _any_dict,
        StrOrList: _str_or_list,
    }
    for generic, hook in exact.items():
        conv.register_structure_hook_func(_is(generic), hook)
    conv.register_structure_hook(  # JSON's "from" is a keyword in Python
        Report,
        cattrs.gen.make_dict_structure_fn(
            Report, conv, _cattrs_forbid_extra_keys=True,
            from_=cattrs.gen.override(rename="from"),
        ),
    )
    return conv


_CONVERTER = _make_converter()


def _describe(exc: BaseException, command: str) -> str:
    """One sentence for the first problem cattrs found."""
    path = ""
    while isinstance(exc, BaseValidationError) and exc.exceptions:
        sub = exc.exceptions[0]
        for note in getattr(sub, "__notes__", []):
            if getattr(note, "name", None) is not None and not path:
                path = str(note.name)
        exc = sub
    if isinstance(exc, ForbiddenExtraKeysError):
        names = ", ".join(repr(n) for n in sorted(exc.extra_fields))
        return f"{command} has no parameter {names}."
    if isinstance(exc, KeyError):
        return f"{command} needs the parameter '{path or exc.args[0]}'."
    if isinstance(exc, _WrongType):
        return f"{command}: '{path}' must be {exc.expected}, not {short(exc.value)}."
    return f"{command}: invalid parameter '{path}': {short(exc)}."


def parse_arguments(command: str, arguments: object, cls: type[T]) -> T:
    """Check ``workspace/executeCommand`` arguments and build ``cls`` from them.

    ``arguments`` may be absent, empty, ``[null]`` or ``[{...}]``; anything
    else raises :class:`InvalidArgumentError` naming the problem.
    """
    if not isinstance(arguments, list | tuple):
        if arguments is not None:
            raise InvalidArgumentError(f"{command}: 'arguments' must be a list.")
        arguments = []
    if len(arguments) == 0:
        obj: Any = {}
    elif len(arguments) == 1 and (arguments[0] is None or isinstance(arguments[0], dict)):
        obj = arguments[0] or {}
    else:
        raise InvalidArgumentError(
            f"{command} takes one object of named parameters, e.g. [{{\"session\": \"my-task\"}}]."
        )
    if isinstance(obj, dict):  # null means "not given" where there is a default
        for field in attrs.fields(cast(Any, cls)):
            if field.default is not attrs.NOTHING and obj.get(field.name, 0) is None:
                obj = {k: v for k, v in obj.items() if k != field.name}
    try:
        return _CONVERTER.structure(obj, cls)
    except Exception as exc:
        raise InvalidArgumentError(_describe(exc, command)) from exc
