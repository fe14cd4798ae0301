"""One table format for messages said by stable code in English and Persian: the estimation's caveats and the
web's validation and import messages both use it.

A table maps a code to a :class:`Phrase`: the English template the library writes its message from (None where
the producer writes its own English, as the importer does) and the Persian template an interface says it with.
Templates are :meth:`str.format` strings; English ones may carry format specs (``{num_estimate:,.0f}``) and the
``!r`` conversion, since they fix how a figure is written; Persian ones name the same parts, bare, and whoever
fills them decides how a figure, a name or a date is shown in Persian.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Phrase", "fill", "parts", "placeholders", "problems"]


@dataclass(frozen=True)
class Phrase:
    """One code's words: the English template (None when the producer writes the English) and the Persian one."""

    english: str | None
    persian: str


def parts(template: str) -> list[tuple[str, str, str | None]]:
    """The template's placeholders in order as (name, format spec, conversion), repeats included."""
    return [(name, spec or "", conversion) for _, name, spec, conversion in string.Formatter().parse(template)
            if name is not None]


def placeholders(template: str) -> set[str]:
    """The names a template needs filled."""
    return {name for name, _, _ in parts(template)}


def fill(template: str, values: Mapping[str, Any]) -> str:
    """The template with `values` filled in; raises KeyError naming a part `values` lacks."""
    missing = placeholders(template) - set(values)
    if missing:
        raise KeyError(f"no value for {sorted(missing)} in {template[:60]!r}")
    return template.format(**values)


def problems(table: Mapping[str, Phrase]) -> list[str]:
    """What is wrong with a table, one line per fault: a template that does not parse, a Persian template
    naming a part its English one lacks, an empty Persian template."""
    found = []
    for code, phrase in table.items():
        try:
            persian = placeholders(phrase.persian)
            english = None if phrase.english is None else placeholders(phrase.english)
        except ValueError as exc:
            found.append(f"{code}: a template does not parse ({exc})")
            continue
        if not phrase.persian.strip():
            found.append(f"{code}: no Persian words")
        if english is not None and not persian <= english:
            found.append(f"{code}: the Persian names {sorted(persian - english)}, which the English lacks")
        if any(spec or conversion for _, spec, conversion in parts(phrase.persian)):
            found.append(f"{code}: the Persian template formats a part itself (the caller shows it)")
    return found
