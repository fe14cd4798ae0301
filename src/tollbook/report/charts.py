"""The report's charts as Vega-Lite specs built with Altair (pure functions of the gathered rows), rendered
offline to SVG by vl-convert: no JavaScript and no network in the published page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from tollbook.report.basemap import provinces_geojson
from tollbook.report.i18n import TEXT, label

WIDTH = 560
FONT = "DejaVu Sans, Vazirmatn, Tahoma, sans-serif"
def _digits_expr() -> str:
    """A Vega expression writing an axis label's digits and thousands separators the Persian way."""
    expr = "datum.label"
    for d in range(10):
        expr = f"replace({expr}, /{d}/g, '{chr(0x06F0 + d)}')"
    return f"replace({expr}, /,/g, '\u066c')"  # the Arabic thousands separator


def _label_digits(lang: str) -> dict[str, str]:
    """Keyword arguments giving an axis or legend Persian digits in Persian."""
    return {"labelExpr": _digits_expr()} if lang == "fa" else {}


def axis(lang: str, title: str | None = None, **kwargs: Any) -> alt.Axis:
    """An axis whose numbers are written in the report's language."""
    return alt.Axis(title=title, **kwargs, **_label_digits(lang))


def _finish(chart: alt.TopLevelMixin, lang: str, datasets: dict[str, Any] | None = None) -> dict[str, Any]:
    """The chart's spec with the report's font, its named datasets inlined, and no schema reference (the spec
    was validated by Altair as it was built, so it is not validated again here)."""
    spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict(validate=False)
    if datasets:
        spec.setdefault("datasets", {}).update(datasets)
    spec.pop("$schema", None)
    spec["usermeta"] = {"lang": lang}
    return spec


def bars(rows: Sequence[dict[str, Any]], category: str, title: str, lang: str, group: str | None = None,
         horizontal: bool = True) -> dict[str, Any]:
    """A bar chart of persons per category value (category labels translated when `group` names a vocabulary)."""
    text = TEXT[lang]
    frame = pd.DataFrame([{"label": label(lang, group, str(r[category])) if group else str(r[category]),
                           "count": r["count"], "id": r["id"]} for r in rows], columns=["label", "count", "id"])
    order = list(frame["label"]) if len(frame) else []
    cat = alt.Y if horizontal else alt.X
    num = alt.X if horizontal else alt.Y
    chart = alt.Chart(frame, title=title, width=WIDTH if not horizontal else 420).mark_bar(color="#7a1f1f").encode(
        cat("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        num("count:Q", title=text["count"], axis=axis(lang, text["count"])),
        tooltip=["label:N", "count:Q", "id:N"],
    )
    return _finish(chart, lang)


def day_bars(rows: Sequence[dict[str, Any]], labels: Sequence[str], lang: str) -> dict[str, Any]:
    """Documented deaths per day (dated days only), with dates as the language writes them."""
    frame = pd.DataFrame([{"day": text, "count": r["count"], "id": r["id"]}
                          for r, text in zip(rows, labels, strict=True) if r["date"] != "unknown"],
                         columns=["day", "count", "id"])
    text = TEXT[lang]
    chart = alt.Chart(frame, title=text["by_day"], width=WIDTH).mark_bar(color="#7a1f1f").encode(
        alt.X("day:N", sort=None, title=text["date"], axis=alt.Axis(labelAngle=-60)),
        alt.Y("count:Q", axis=axis(lang, text["count"])),
        tooltip=["day:N", "count:Q", "id:N"],
    )
    return _finish(chart, lang)


def province_map(rows: Sequence[dict[str, Any]], lang: str) -> dict[str, Any]:
    """A choropleth of documented deaths on the shipped base map of Iran's provinces."""
    counts = {r["code"]: r["count"] for r in rows}
    names = {r["code"]: r["name_fa" if lang == "fa" else "name_en"] for r in rows}
    features = []
    for feature in provinces_geojson()["features"]:
        code = feature["properties"]["code"]
        props = {"code": code, "name": names.get(code, feature["properties"]["name"]), "count": counts.get(code, 0)}
        features.append({**feature, "properties": props})
    text = TEXT[lang]
    data = alt.NamedData(name="provinces")
    chart = alt.Chart(data, title=text["map"], width=WIDTH, height=460).mark_geoshape(
        stroke="white", strokeWidth=0.7).encode(
        alt.Color("properties.count:Q", title=text["count"], scale=alt.Scale(scheme="reds"),
                  legend=alt.Legend(**_label_digits(lang))),
        tooltip=[alt.Tooltip("properties.name:N", title=text["province"]),
                 alt.Tooltip("properties.count:Q", title=text["count"])],
    ).project("mercator")
    return _finish(chart, lang, {"provinces": features})  # inlined after building: Altair walks it slowly


def claims_over_time(series: Sequence[dict[str, Any]], documented: Sequence[dict[str, Any]],
                     total: dict[str, Any] | None, lang: str) -> dict[str, Any]:
    """Each source's claims (points joined by lines) against the documented count and the estimate's interval."""
    text = TEXT[lang]
    claims = pd.DataFrame([{"date": r["date"], "value": r["value"], "source": r["source"], "id": r["id"],
                            "figure": r["figure"]} for r in series])
    dates = [r["date"] for r in series] + [r["date"] for r in documented]
    x_axis = axis(lang, text["date"], format="%Y-%m-%d", labelAngle=-40)
    layers = []
    if total is not None and dates:
        band = pd.DataFrame([{"start": min(dates), "end": max(dates), "lower": total["lower"],
                              "upper": total["upper"], "estimate": total["estimate"]}])
        layers.append(alt.Chart(band).mark_rect(opacity=0.18, color="#1f4e7a").encode(
            alt.X("start:T", axis=x_axis), alt.X2("end:T"), alt.Y("lower:Q"), alt.Y2("upper:Q"),
            tooltip=["estimate:Q", "lower:Q", "upper:Q"]))
    if documented:
        frame = pd.DataFrame(documented).assign(series=text["documented"])
        layers.append(alt.Chart(frame).mark_line(interpolate="step-after", color="black", strokeWidth=2).encode(
            alt.X("date:T", axis=x_axis), alt.Y("documented:Q", axis=axis(lang, text["count"])),
            tooltip=["date:T", "documented:Q"]))
    if len(claims):
        base = alt.Chart(claims).encode(alt.X("date:T", axis=x_axis), alt.Y("value:Q", axis=axis(lang, text["count"])),
                                        alt.Color("source:N", title=text["source"]),
                                        tooltip=["source:N", "date:T", "figure:N", "id:N"])
        layers += [base.mark_line(strokeDash=[4, 3], opacity=0.6), base.mark_point(filled=True, size=50)]
    if not layers:
        layers.append(alt.Chart(pd.DataFrame([{"x": 0}])).mark_text(text=text["none"]).encode(x="x:Q"))
    chart = alt.layer(*layers).properties(title=text["claims_over_time"], width=WIDTH, height=320)
    return _finish(chart, lang)


def upset(overlap: Sequence[dict[str, Any]], sizes: Sequence[dict[str, Any]], lang: str) -> dict[str, Any]:
    """An UpSet-style chart: bars for each exact combination of lists, a dot matrix naming the combination."""
    text = TEXT[lang]
    lists = [s["list"] for s in sizes]
    combos = [{"combo": i, "count": r["count"], "id": r["id"]} for i, r in enumerate(overlap)]
    dots = [{"combo": i, "list": name, "member": name in r["lists"]}
            for i, r in enumerate(overlap) for name in lists]
    x = alt.X("combo:O", axis=None, title=None)
    bars_frame = pd.DataFrame(combos, columns=["combo", "count", "id"])
    dots_frame = pd.DataFrame(dots, columns=["combo", "list", "member"])
    top = alt.Chart(bars_frame, width=WIDTH, height=220).mark_bar(color="#333").encode(
        x, alt.Y("count:Q", axis=axis(lang, text["count"])), tooltip=["count:Q", "id:N"])
    matrix = alt.Chart(dots_frame, width=WIDTH, height=22 * max(len(lists), 1)).mark_circle(size=90).encode(
        x, alt.Y("list:N", sort=lists, title=None),
        alt.Color("member:N", scale=alt.Scale(domain=[True, False], range=["#111", "#ddd"]), legend=None))
    return _finish(alt.vconcat(top, matrix, spacing=4).properties(title=text["overlap"]), lang)


def strata_intervals(strata: Sequence[dict[str, Any]], names: dict[str, str], lang: str) -> dict[str, Any]:
    """Each stratum's estimate with its 95% interval (rule) and its documented count (tick)."""
    text = TEXT[lang]
    frame = pd.DataFrame([{"stratum": names.get(s["key"], s["key"]), "estimate": s["estimate"],
                           "lower": s["lower"], "upper": s["upper"], "observed": s["observed"]}
                          for s in strata if s["key"] != "total" and s["estimate"] is not None])
    if frame.empty:
        frame = pd.DataFrame(columns=["stratum", "estimate", "lower", "upper", "observed"])
    y = alt.Y("stratum:N", sort=None, title=None, axis=alt.Axis(labelLimit=240))
    base = alt.Chart(frame, width=420)
    chart = alt.layer(
        base.mark_rule(color="#1f4e7a", strokeWidth=3).encode(y, alt.X("lower:Q", axis=axis(lang, text["count"])),
                                                             alt.X2("upper:Q")),
        base.mark_point(filled=True, color="#1f4e7a", size=60).encode(y, alt.X("estimate:Q"),
                                                                     tooltip=["stratum:N", "estimate:Q", "lower:Q",
                                                                              "upper:Q"]),
        base.mark_tick(color="black", thickness=2).encode(y, alt.X("observed:Q"), tooltip=["stratum:N", "observed:Q"]),
    ).properties(title=text["estimates"])
    return _finish(chart, lang)


_ID_ATTR = re.compile(r'\bid="([^"]+)"')


def render_svg(spec: dict[str, Any], prefix: str) -> str:
    """The chart as inline SVG, its internal ids prefixed so several charts can share one page."""
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec)
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    for found in set(_ID_ATTR.findall(svg)):
        svg = svg.replace(f'id="{found}"', f'id="{prefix}-{found}"').replace(f"#{found})", f"#{prefix}-{found})")
    return svg


def by_claimant(rows: Sequence[dict[str, Any]], group: str, title: str, lang: str) -> dict[str, Any]:
    """Stacked bars: for each asserter, the documented persons it classifies, by value."""
    text = TEXT[lang]
    frame = pd.DataFrame([{"asserter": r["asserter"], "value": label(lang, group, r["value"]), "count": r["count"],
                           "id": r["id"]} for r in rows], columns=["asserter", "value", "count", "id"])
    chart = alt.Chart(frame, title=title, width=420).mark_bar().encode(
        alt.Y("asserter:N", title=None, axis=alt.Axis(labelLimit=220)),
        alt.X("count:Q", axis=axis(lang, text["count"])),
        alt.Color("value:N", title=None),
        tooltip=["asserter:N", "value:N", "count:Q", "id:N"],
    )
    return _finish(chart, lang)
