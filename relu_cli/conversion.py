"""Option values converted without pydantic, through one Typer internal when it is there, by Typer when not.

Typer 0.29 converts the text of every parameter with a pydantic ``TypeAdapter`` that it builds when the
parameter is first processed, given on the command line or not. Importing pydantic and building the
adapters of one command takes about 100 ms: more than everything else ``relu-cli relu -1 2`` does, and more
than all of ``--help`` or a completion request. Typer's public API has no way around it: ``parser=`` and
every annotation but a plain flag go through an adapter.

relu-cli's parameters are simple (strings, lists of strings, flags, str enums, ints with a lower bound,
and values that a ``parser=`` function makes), so :func:`convert_plainly` gives each of them a converter
of its own, with Typer's checks and Click's messages. To do so it fills the slot where a Typer parameter
keeps its converter, ``_runtime_param``, with a subclass of Typer's ``RuntimeParam``. This module is the
only place where relu-cli reaches into Typer: it first checks that the internals are there and look as it
expects, and a parameter it cannot vouch for is left to Typer. So a Typer without them costs start-up
time, never a crash (tests run both ways).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any, get_args, get_origin

import typer

try:  # Typer's internal base class of converters (see above)
    from typer._coercion import RuntimeParam
except ImportError:  # pragma: no cover - depends on the Typer installed
    RuntimeParam = None  # type: ignore[assignment,misc]


def _usable(base: Any) -> bool:
    """Whether ``base`` is the converter class this module knows: one abstract method to fill in."""
    return isinstance(base, type) and getattr(base, "__abstractmethods__", None) == frozenset(
        {"_coerce_value"}
    )


#: Whether this Typer has the internals :func:`convert_plainly` uses; when False it does nothing.
AVAILABLE = _usable(RuntimeParam)

Converter = Callable[[Any], Any]


def convert_plainly(params: Iterable[Any]) -> None:
    """Give each parameter of ``params`` that Typer has not built a converter for yet a plain one, when
    this Typer lets it and the parameter's type is one :func:`_converter` knows; leave the rest to Typer."""
    if not AVAILABLE:
        return
    for param in params:
        if getattr(param, "_runtime_param", False) is not None:
            continue  # not a Typer parameter, or its converter is already made
        descriptor = getattr(param, "type_descriptor", None)
        info = getattr(descriptor, "parameter_info", None)
        convert = _converter(getattr(descriptor, "annotation", None), info)
        if convert is None:
            continue
        try:
            param._runtime_param = _PlainConversion(info, descriptor.annotation, convert)  # type: ignore[union-attr]
        except TypeError:  # pragma: no cover - a RuntimeParam with other fields: Typer converts
            return


def _converter(annotation: Any, info: Any) -> Converter | None:
    """A function from the parsed text to the parameter's value, or None when Typer should convert it."""
    if info is None or getattr(info, "max", None) is not None or getattr(info, "clamp", False):
        return None
    parser = getattr(info, "parser", None)
    origin = get_origin(annotation)
    if origin in (list, tuple):
        items = get_args(annotation)
        if origin is list and len(items) == 1 and items[0] is str and parser is None:
            return lambda value: [str(item) for item in value]
        if origin is tuple and items and parser is not None:
            return lambda value: tuple(parser(item) for item in value)
        return None
    if parser is not None:
        return parser  # type: ignore[no-any-return]
    if annotation is str:
        return str
    if annotation is bool:
        return bool
    if annotation is int:
        low = getattr(info, "min", None)
        return lambda value: _integer(value, low)
    if (
        isinstance(annotation, type)
        and issubclass(annotation, Enum)
        and getattr(info, "case_sensitive", False)
    ):
        return lambda value: _choice(value, annotation)
    return None


def _integer(value: Any, low: float | None) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise typer.BadParameter(f"{value!r} is not a valid integer.") from None
    if low is not None and number < low:
        raise typer.BadParameter(f"{number} is not in the range x>={low}.")
    return number


def _choice(value: Any, choices: type[Enum]) -> Enum:
    for choice in choices:
        if value is choice or value == choice.value:
            return choice
    listed = ", ".join(repr(choice.value) for choice in choices)
    raise typer.BadParameter(f"{value!r} is not one of {listed}.")


if AVAILABLE:

    class _PlainConversion(RuntimeParam):
        """Typer's converter slot, filled with ``convert``. Typer's own ``coerce`` still handles a missing
        value and checks a list's shape before calling :meth:`_coerce_value`; errors are
        :class:`typer.BadParameter`, which Click names the parameter in."""

        def __init__(self, parameter_info: Any, annotation: Any, convert: Converter) -> None:
            super().__init__(parameter_info, annotation)
            object.__setattr__(self, "convert", convert)  # RuntimeParam is a frozen dataclass

        def _coerce_value(self, value: Any, *_: Any, **__: Any) -> Any:  # (value, param, ctx) in 0.29
            return self.convert(value)  # type: ignore[attr-defined]
