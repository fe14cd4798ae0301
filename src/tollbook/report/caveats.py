"""The estimation's plain-language caveats and warnings in English and Persian, by their stable codes.

The estimation saves each caveat with its code and parameters (:mod:`tollbook.estimate.caveats`) beside its
English words, and both languages' templates sit with the code (:mod:`tollbook.estimate.caveat_words`): the report
writes each language from its template and every figure a caveat quotes is a traceable number. Estimates saved
before caveats had codes hold only the words: each is read back into a code and its parts by matching the English
templates, and a sentence no template matches keeps code "unknown" and is shown as written, marked untranslated,
rather than lost.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache

from markupsafe import Markup, escape

from tollbook.estimate import caveats as coded
from tollbook.estimate.caveat_words import CAVEATS
from tollbook.phrases import fill
from tollbook.report.i18n import digits
from tollbook.report.numbers import NumberBook, number_id

UNKNOWN = "unknown"
_UNKNOWN_FA = "هشداری از برآوردگر که این نسخه از Tollbook ترجمه‌اش را ندارد؛ متن انگلیسی: «{text}»"
_FIGURE_NAMES_FA = {"ess_bulk": "ESS حجمی", "ess_tail": "ESS دنباله"}
_GROUPS = {"num": r"-?\d[\d,]*(?:\.\d+)?", "reasons": r".+", "reason": r".+", "checks": r".+"}
_NESTED = coded.NESTED  # one nested caveat, or several joined by "; "


@dataclass(frozen=True)
class Caveat:
    """One sentence of the estimation: its code, what it carries (figures as written, names, nested caveats),
    the English sentence as saved, and the report ids of its figures."""

    code: str
    text: str
    params: dict[str, str] = field(default_factory=dict)
    nested: dict[str, tuple[Caveat, ...]] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)


def _group(name: str) -> str:
    return _GROUPS.get(name, _GROUPS.get(name.split("_")[0], r".+?"))


@cache
def bare(code: str) -> str:
    """A code's English template with each part bare (``{name}``): its format spec dropped, its ``!r`` written as
    the quotes it adds."""
    pieces = []
    for literal, name, _spec, conversion in string.Formatter().parse(CAVEATS[code].english):
        pieces.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is not None:
            pieces.append(f"'{{{name}}}'" if conversion == "r" else f"{{{name}}}")
    return "".join(pieces)


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each code's English template as a regular expression (literal text escaped, parts as groups, a part named
    twice the same words both times)."""
    compiled = []
    for code in CAVEATS:
        parts, seen = [], set()
        for literal, name, _spec, _conversion in string.Formatter().parse(bare(code)):
            parts.append(re.escape(literal))
            if name is not None:
                parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>{_group(name)})")
                seen.add(name)
        compiled.append((code, re.compile("".join(parts), re.DOTALL)))
    return tuple(compiled)


def from_coded(caveat: str) -> Caveat:
    """The report's reading of an estimation caveat: its parts as the English writes them, nested ones read in
    turn; words without a code are matched against the templates."""
    if not isinstance(caveat, coded.Caveat):
        return classify(str(caveat))
    nested = {name: tuple(from_coded(inner) for inner in (value if isinstance(value, tuple) else (value,)))
              for name, value in caveat.params.items() if name in _NESTED}
    return Caveat(caveat.code, str(caveat), coded.shown(caveat), nested)


def relabelled(caveat: Caveat, relabel: Callable[[str], str]) -> Caveat:
    """The caveat with `relabel` applied to its words and to every part (nested ones too): public mode's list
    labels."""
    nested = {name: tuple(relabelled(inner, relabel) for inner in inners) for name, inners in caveat.nested.items()}
    return Caveat(caveat.code, relabel(caveat.text), {name: relabel(value) for name, value in caveat.params.items()},
                  nested, caveat.ids)


def classify(text: str) -> Caveat:
    """A saved sentence read back into its code and parts by its English template; code "unknown" when none
    matches (the fallback for estimates saved with words only)."""
    for code, pattern in _patterns():
        found = pattern.fullmatch(text)
        if found is None:
            continue
        groups = found.groupdict()
        params = {k: v for k, v in groups.items() if k not in _NESTED}
        nested = {k: (classify(v),) if k == "reason" else split_reasons(v) for k, v in groups.items()
                  if k in _NESTED}
        return Caveat(code, text, params, nested)
    return Caveat(UNKNOWN, text)


def split_reasons(text: str) -> tuple[Caveat, ...]:
    """The reasons of a "Do not rely on it" line ("; "-joined): the shortest run of pieces a rule knows is one
    reason (a reason may itself hold "; "; a longer run could let a name swallow the next reason); a piece that
    starts no known run stands alone."""
    pieces, found, start = text.split("; "), [], 0
    while start < len(pieces):
        runs = (classify("; ".join(pieces[start:end])) for end in range(start + 1, len(pieces) + 1))
        caveat, size = next(((c, i + 1) for i, c in enumerate(runs) if c.code != UNKNOWN),
                            (classify(pieces[start]), 1))
        found.append(caveat)
        start += size
    return tuple(found)


def _candidates(caveat: Caveat, key: str) -> dict[str, str]:
    """Report numbers a caveat's figures may be: the dependence table's odds ratio, the chains' R-hat and ESS."""
    params = caveat.params
    if caveat.code.startswith("dependence."):
        return {"num_ratio": number_id("dependence", key, f"{params['list_a']}+{params['list_b']}", "odds_ratio")}
    if caveat.code == "lcmcr.iterations":
        return {"num_suggested": number_id("diagnostic", key, "suggested_iterations")}
    if caveat.code in ("predictive.margin", "predictive.pair"):
        lists = "+".join(params[name] for name in ("list_a", "list_b") if name in params)
        base = ("check", key, caveat.code.split(".")[1], lists)
        return {"num_observed": number_id(*base)} | {f"num_{part}": number_id(*base, part)
                                                       for part in ("median", "lo", "hi")}
    if caveat.code.startswith("convergence.") and params.get("text_what") == "N":
        found = {"num_rhat": number_id("diagnostic", key, "rhat")}
        for figure in params.get("figures", "").split(", "):
            name = figure.split(" ")[0]
            found[f"figures.{name}"] = number_id("diagnostic", key, name)
        return found
    return {}


def _figures(caveat: Caveat) -> dict[str, str]:
    """The figures a caveat quotes, by name: its num_* parameters, and each "name value" of an ESS list."""
    found = {name: value for name, value in caveat.params.items() if name.startswith("num_")}
    for figure in caveat.params.get("figures", "").split(", "):
        if " " in figure:
            name, value = figure.split(" ", 1)
            found[f"figures.{name}"] = value
    return found


def _same(book: NumberBook, id_: str | None, value: str) -> bool:
    """Whether the report number `id_` exists and is `value` at the precision the sentence quotes it."""
    if id_ is None or id_ not in book or book[id_].value is None:
        return False
    return round(float(book[id_].value), _decimals(value)) == float(value.replace(",", ""))


def register(book: NumberBook, caveat: Caveat, key: str, known: Mapping[str, str] | None = None) -> Caveat:
    """The caveat with each figure it quotes tied to the report number it is (`known`, e.g. the stratum's
    estimate, or the dependence table's ratio) when that agrees, else registered in the book as quoted; nested
    caveats too."""
    candidates = _candidates(caveat, key) | dict(known or {})
    ids = {}
    for name, value in _figures(caveat).items():
        if _same(book, candidates.get(name), value):
            ids[name] = candidates[name]
            continue
        what = name.removeprefix("num_")
        ids[name] = book.add(number_id("caveat", key, caveat.code, what), float(value.replace(",", "")),
                             f"{what} as quoted by the estimation's caveat {caveat.code!r} (stratum {key})").id
    nested = {part: tuple(register(book, inner, key) for inner in inners) for part, inners in caveat.nested.items()}
    return Caveat(caveat.code, caveat.text, caveat.params, nested, ids)


def _decimals(value: str) -> int:
    return len(value.split(".")[1]) if "." in value else 0


def _names(value: str) -> Markup:
    return Markup(", ").join(Markup("<bdi>{}</bdi>").format(name) for name in value.split(", "))


def render(caveat: Caveat, lang: str, n: Callable[..., Markup], strata: Mapping[str, str] | None = None) -> Markup:
    """The caveat in a language as HTML: its figures through `n` (number, id on hover), names isolated for
    right-to-left text, strata named in Persian by `strata` (raw stratum -> name)."""
    strata = strata or {}
    if caveat.code == UNKNOWN:
        text = escape(caveat.text)
        return text if lang == "en" else Markup(_UNKNOWN_FA).format(text=Markup('<bdi lang="en">{}</bdi>').format(text))
    values: dict[str, Markup | str] = {}
    for name, value in caveat.params.items():
        if name in caveat.ids:
            values[name] = n(caveat.ids[name], _decimals(value))
        elif name.startswith("names_") and value == "none":
            values[name] = "هیچ" if lang == "fa" else value
        elif name.startswith(("list_", "names_")):
            values[name] = _names(value)
        elif name == "figures":
            values[name] = _render_figures(caveat, lang, n)
        elif name == "stratum" and lang == "fa":
            values[name] = strata.get(value, value)
        else:
            values[name] = digits(value, lang) if name in ("text_p", "text_n") else value
    joiner = Markup("; ") if lang == "en" else Markup("؛ ")
    for part, inners in caveat.nested.items():
        values[part] = joiner.join(render(inner, lang, n, strata) for inner in inners)
    template = bare(caveat.code) if lang == "en" else CAVEATS[caveat.code].persian
    return fill(Markup(escape(template)), values)


def _render_figures(caveat: Caveat, lang: str, n: Callable[..., Markup]) -> Markup:
    """An ESS list ("ess_bulk 350, ess_tail 300") with each figure through `n`, names in the language."""
    shown = []
    for figure in caveat.params["figures"].split(", "):
        name, _, value = figure.partition(" ")
        word = _FIGURE_NAMES_FA.get(name, name) if lang == "fa" else name
        id_ = caveat.ids.get(f"figures.{name}")
        shown.append(Markup("{} {}").format(word, n(id_, _decimals(value)) if id_ else digits(value, lang)))
    return (Markup(", ") if lang == "en" else Markup("، ")).join(shown)


def untranslated(caveat: Caveat) -> list[str]:
    """The sentences (this one or nested ones) no template knows."""
    own = [caveat.text] if caveat.code == UNKNOWN else []
    return own + [text for inners in caveat.nested.values() for inner in inners for text in untranslated(inner)]
