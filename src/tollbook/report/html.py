"""The report as one self-contained HTML page per language: Jinja2 templates, inline CSS, inline SVG charts,
no script and no link to anything outside the file."""

from __future__ import annotations

import html
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from tollbook.report import charts
from tollbook.report.basemap import LICENCE
from tollbook.report.caveats import Caveat
from tollbook.report.caveats import render as render_caveat
from tollbook.report.gather import ReportData
from tollbook.report.i18n import TEXT, digits, figure_label, fmt_date, fmt_number, label, partial_date, short_date
from tollbook.report.numbers import NumberBook

FILE_NAMES = {"en": "index.html", "fa": "index.fa.html"}


def environment() -> Environment:
    """The Jinja2 environment of the report templates: every value escaped (the templates end in .j2, which
    select_autoescape would not escape), strict about undefined names."""
    return Environment(loader=PackageLoader("tollbook.report", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def number_markup(book: NumberBook, lang: str):  # noqa: ANN201 - a template function
    """A template function `n(id)`: the number, written for the language, carrying its id on hover and a link
    to its footnote."""
    def n(id_: str, decimals: int | None = None) -> Markup:
        number = book[id_]
        text = fmt_number(number.value, lang, decimals, number.grouped)
        title = html.escape(f"[{id_}] {number.how}", quote=True)
        return Markup(f'<a class="n" href="#fn-{html.escape(id_)}" title="{title}" data-id="{html.escape(id_)}">'
                      f"{html.escape(text)}</a>")
    return n


def stratum_names(data: ReportData, lang: str) -> dict[str, str]:
    """Names of estimation strata in a language: provinces by name, the total and the pooled thin strata."""
    name_key = "name_fa" if lang == "fa" else "name_en"
    total = TEXT[lang]["total" if data.estimates.get("stratified_by") else "population"]
    return {r["code"]: r[name_key] for r in data.provinces} | {"total": total, "pooled": TEXT[lang]["pooled"]}


def chart_specs(data: ReportData, lang: str) -> dict[str, dict[str, Any]]:
    """Every chart of the report as a Vega-Lite spec for one language."""
    name_key = "name_fa" if lang == "fa" else "name_en"
    names = stratum_names(data, lang)
    dated = [r for r in data.days if r.get("precision") == "day"]  # a month- or year-only date is on no day
    text = TEXT[lang]
    specs = {
        "timeline": charts.claims_over_time(data.claims["series"], data.documented_by_day,
                                            data.estimates["total"], lang),
        "days": charts.day_bars(dated, [short_date(r["date"], lang) for r in dated], lang),
        "map": charts.province_map(data.provinces, lang),
        "provinces": charts.bars(data.provinces, name_key, text["by_province"], lang),
        "cause": charts.bars(data.causes, "value", text["cause"], lang, "cause"),
        "perpetrator": charts.bars(data.perpetrators, "value", text["perpetrator"], lang, "perpetrator"),
        "verification": charts.bars(data.verification, "level", text["verification"], lang, "verification"),
        "overlap": charts.upset(data.overlap, data.list_sizes, lang),
    }
    for key, rows, group in (("roles", data.roles, "role"), ("forces", data.forces, "perpetrator")):
        if rows:
            specs[key] = charts.by_claimant(rows, group, text[f"{key}_by_claimant"], lang)
    if data.estimates["available"]:
        specs["strata"] = charts.strata_intervals(data.estimates["strata"], names, lang)
    return specs


def render_charts(specs: dict[str, dict[str, dict[str, Any]]]) -> dict[str, dict[str, Markup]]:
    """Specs by language and key rendered to inline SVG, several at a time (the renderer frees the GIL)."""
    jobs = [(lang, key, spec) for lang, by_key in specs.items() for key, spec in by_key.items()]
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        svgs = pool.map(lambda job: charts.render_svg(job[2], f"{job[0]}-{job[1]}"), jobs)
        out: dict[str, dict[str, Markup]] = {lang: {} for lang in specs}
        for (lang, key, _spec), svg in zip(jobs, svgs, strict=True):
            out[lang][key] = Markup(svg)
    return out


def shown_value(book: NumberBook, lang: str):  # noqa: ANN201 - a template function
    """A template function showing a setting: a registered number through `n`, anything else as text."""
    n = number_markup(book, lang)

    def show(value: Any) -> Any:
        return n(value["id"]) if isinstance(value, dict) and "id" in value else value
    return show


def caveat_markup(data: ReportData, lang: str):  # noqa: ANN201 - a template function
    """A template function writing an estimation caveat in the language, its figures as traceable numbers."""
    n = number_markup(data.book, lang)
    names = stratum_names(data, lang)
    raw = {s["stratum"]: names.get(s["key"], s["stratum"]) for s in data.estimates["strata"]}

    def write(caveat: Caveat) -> Markup:
        return render_caveat(caveat, lang, n, raw)
    return write


def row_label(lang: str, name_key: str):  # noqa: ANN201 - a template function
    """A template function naming a data-table row: a date in both calendars, a province, a vocabulary value."""
    def name(row: dict[str, Any], group: str) -> str:
        if group == "date":
            return fmt_date(row["date"], lang) if row.get("precision") in ("day", None) else partial_date(
                row["date"], lang)
        if group == "province":
            return row[name_key]
        return label(lang, group, str(row.get("value", row.get("level"))))
    return name


def render_page(data: ReportData, lang: str, public: bool, note: str | None = None,
                svgs: dict[str, Markup] | None = None) -> str:
    """One language's page as HTML text (`svgs`: its charts already rendered, else rendered here)."""
    name_key = "name_fa" if lang == "fa" else "name_en"
    context: dict[str, Any] = {
        "lang": lang, "t": TEXT[lang], "d": data, "public": public, "note": note,
        "n": number_markup(data.book, lang),
        "svg": svgs if svgs is not None else render_charts({lang: chart_specs(data, lang)})[lang],
        "date": lambda value: fmt_date(value, lang), "short_date": lambda value: short_date(value, lang),
        "label": lambda group, value: label(lang, group, value),
        "caveat": caveat_markup(data, lang), "figure_label": lambda name: figure_label(name, lang),
        "digits": lambda value: digits(str(value), lang),
        "num": lambda value, decimals=None: fmt_number(value, lang, decimals),
        "show": shown_value(data.book, lang),
        "province_names": {r["code"]: r[name_key] for r in data.provinces},
        "stratum_names": stratum_names(data, lang),
        "other_lang": "fa" if lang == "en" else "en", "file_names": FILE_NAMES,
        "basemap_licence": TEXT[lang].get("basemap", LICENCE),
        "not_available": data.not_available, "row_label": row_label(lang, name_key),
    }
    return environment().get_template("report.html.j2").render(**context)
