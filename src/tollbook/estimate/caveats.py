"""Caveats and warnings as the estimation writes them: a stable code and its parameters, the English written from
the code's template (:mod:`.caveat_words`), as the importer's issues carry a code and params.

A :class:`Caveat` is the English sentence itself (a ``str``, so printing, JSON and old callers see the words) that
also knows its code and parameters; saved estimates keep both (:func:`saved`, :func:`restored`), and the report
says each caveat in Persian from its code.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from typing import Any

from tollbook.estimate.caveat_words import CAVEATS
from tollbook.phrases import parts, placeholders

__all__ = ["Caveat", "english", "reason_of", "restored", "saved", "saved_lines", "shown"]

NESTED = ("reason", "reasons", "checks")  # parts that hold caveats (one, or several joined by "; ")


class Caveat(str):
    """One caveat: its English words (the string), its ``code`` and its ``params`` (figures as numbers, names,
    nested caveats)."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, **params: Any) -> Caveat:
        return cls.of(code, params, english(code, params))

    @classmethod
    def of(cls, code: str, params: Mapping[str, Any], text: str) -> Caveat:
        """A caveat with its words given (a saved one keeps the words it was saved with)."""
        made = str.__new__(cls, text)
        made.code, made.params = code, dict(params)
        return made

    def __reduce__(self) -> tuple:
        return Caveat.of, (self.code, self.params, str(self))


class _Part:
    """A template part's value with its name, so the formatter can write it by kind."""

    def __init__(self, name: str, value: Any) -> None:
        self.name, self.value = name, value


class _English(string.Formatter):
    """Fills an English template: names joined by ", ", nested caveats by "; ", named figures as "name value"."""

    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> _Part:
        return _Part(str(key), kwargs[str(key)])

    def convert_field(self, value: _Part, conversion: str | None) -> _Part:
        return value if conversion is None else _Part(value.name, super().convert_field(value.value, conversion))

    def format_field(self, value: _Part, format_spec: str) -> str:
        return written(value.name, value.value, format_spec)


def written(name: str, value: Any, spec: str = "") -> str:
    """One part as the English writes it."""
    if isinstance(value, Mapping):
        return ", ".join(f"{key} {format(figure, spec)}" for key, figure in value.items())
    if isinstance(value, list | tuple):
        if name in NESTED:
            return "; ".join(str(item) for item in value)
        return ", ".join(str(item) for item in value) or "none"
    return format(value, spec)


def english(code: str, params: Mapping[str, Any]) -> str:
    """The English words of a code with its parameters; KeyError for a code with no template or a part missing."""
    template = CAVEATS[code].english
    missing = placeholders(template) - set(params)
    if missing:
        raise KeyError(f"caveat {code!r} needs {sorted(missing)}")
    return _English().format(template, **params)


def shown(caveat: Caveat) -> dict[str, str]:
    """Each non-nested part as the English shows it (figures at the precision written, names joined, no quotes)."""
    specs = {name: spec for name, spec, _ in parts(CAVEATS[caveat.code].english)}
    return {name: written(name, value, specs.get(name, "")) for name, value in caveat.params.items()
            if name not in NESTED}


def reason_of(exc: Exception) -> str:
    """The reason an estimator refused, as a caveat when it raised one, else its message."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, Caveat) else str(exc)


def saved(value: Any) -> Any:
    """A caveat (or part) as JSON-ready data: {"code", "params"} for a caveat, lists for tuples."""
    if isinstance(value, Caveat):
        return {"code": value.code, "params": {name: saved(part) for name, part in value.params.items()}}
    if isinstance(value, Mapping):
        return {str(key): saved(part) for key, part in value.items()}
    if isinstance(value, list | tuple):
        return [saved(part) for part in value]
    if hasattr(value, "item"):  # a NumPy scalar
        return value.item()
    return value


class _Unrebuilt(Exception):
    """A saved caveat this version cannot write again."""


def restored(data: Any, text: str | None = None) -> Caveat | None:
    """A saved caveat ({"code", "params"}) as a Caveat again, its words rebuilt from its template; None when this
    version cannot write the words saved with it (`text`) again: a code it does not know, a template that has
    changed, or a figure JSON could not keep (NaN)."""
    try:
        caveat = _restored(data)
    except _Unrebuilt:
        return None
    if not isinstance(caveat, Caveat) or (text is not None and str(caveat) != text):
        return None
    return caveat


def _restored(data: Any) -> Any:
    if isinstance(data, Mapping) and set(data) == {"code", "params"}:
        params = {name: _restored(part) for name, part in data["params"].items()}
        try:
            return Caveat.of(data["code"], params, english(data["code"], params))
        except (KeyError, ValueError, TypeError, IndexError) as exc:
            raise _Unrebuilt(data["code"]) from exc
    if isinstance(data, Mapping):
        return {key: _restored(part) for key, part in data.items()}
    if isinstance(data, list):
        return tuple(_restored(part) for part in data)
    return data


def saved_lines(data: dict, key: str) -> tuple[str, ...]:
    """A saved result's warnings (or plain-language lines, `key`) as caveats again where their codes were saved
    and this version writes the same words from them; other lines (results saved before caveats had codes) stay
    words."""
    codes = (data.get("coded") or {}).get(key) or []
    return tuple((restored(codes[i], text) if i < len(codes) and codes[i] else None) or text
                 for i, text in enumerate(data.get(key) or []))
