"""Each chart's spec carries the gathered rows; the base map has every province; SVG renders offline."""

from __future__ import annotations

import json

from tollbook.places import provinces
from tollbook.report import charts
from tollbook.report.basemap import LICENCE, decode_echarts_map, decode_ring, provinces_geojson

ROWS = [{"code": "IR-23", "name_en": "Tehran", "name_fa": "تهران", "count": 7, "id": "province.IR-23"},
        {"code": "IR-05", "name_en": "Kermanshah", "name_fa": "کرمانشاه", "count": 3, "id": "province.IR-05"}]


def _values(spec: dict) -> list[dict]:
    """Every inline data row of a spec (Altair puts them under `datasets`)."""
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def _encode(points: list[tuple[int, int]], offset: tuple[int, int]) -> str:
    """ECharts' ring encoding (the inverse of decode_ring), written here to test the decoder."""
    text, (px, py) = "", offset
    for x, y in points:
        dx, dy = x - px, y - py
        text += chr(((dx << 1) ^ (dx >> 31)) + 64) + chr(((dy << 1) ^ (dy >> 31)) + 64)
        px, py = x, y
    return text


def test_decoder_inverts_the_encoding() -> None:
    points = [(51 * 1024, 35 * 1024), (52 * 1024, 35 * 1024 + 512), (51 * 1024 + 100, 36 * 1024)]
    ring = decode_ring(_encode(points, (51 * 1024, 35 * 1024)), (51 * 1024, 35 * 1024))
    assert ring == [[51.0, 35.0], [52.0, 35.5], [51.098, 36.0], [51.0, 35.0]]


def test_decoder_reads_a_registered_map_and_names_provinces() -> None:
    geometry = {"type": "Polygon", "coordinates": [_encode([(0, 0), (10, 10)], (0, 0))], "encodeOffsets": [[0, 0]]}
    source = ("echarts.registerMap('x', " + json.dumps(
        {"features": [{"properties": {"name": "Tehran"}, "geometry": geometry}]}) + ");")
    feature = decode_echarts_map(source)["features"][0]
    assert feature["properties"] == {"code": "IR-23", "name": "Tehran"}


def test_shipped_base_map_covers_every_province_inside_iran() -> None:
    features = provinces_geojson()["features"]
    assert sorted(f["properties"]["code"] for f in features) == sorted(p.code for p in provinces())
    points = [p for f in features for poly in (f["geometry"]["coordinates"] if f["geometry"]["type"] ==
              "MultiPolygon" else [f["geometry"]["coordinates"]]) for ring in poly for p in ring]
    assert min(x for x, _ in points) >= 44 and max(x for x, _ in points) <= 63.5
    assert min(y for _, y in points) >= 25 and max(y for _, y in points) <= 40
    assert "ISC" in LICENCE


def test_map_joins_counts_to_provinces() -> None:
    spec = charts.province_map(ROWS, "en")
    by_code = {f["properties"]["code"]: f["properties"] for f in spec["datasets"]["provinces"]}
    assert len(by_code) == 31
    assert by_code["IR-23"]["count"] == 7 and by_code["IR-05"]["count"] == 3 and by_code["IR-01"]["count"] == 0
    assert charts.province_map(ROWS, "fa")["datasets"]["provinces"][0]["properties"]["name"]


def test_bars_carry_counts_and_ids_and_translate_labels() -> None:
    rows = [{"value": "gunshot_head", "count": 5, "id": "cause.gunshot_head"}]
    assert [(r["label"], r["count"], r["id"]) for r in _values(charts.bars(rows, "value", "t", "fa", "cause"))] \
        == [("شلیک به سر", 5, "cause.gunshot_head")]
    spec = charts.bars(ROWS, "name_en", "t", "fa")
    assert "replace(" in json.dumps(spec)  # axis numbers written in Persian digits
    assert "replace(" not in json.dumps(charts.bars(ROWS, "name_en", "t", "en"))


def test_claims_timeline_layers_claims_documented_and_interval() -> None:
    series = [{"date": "2019-11-19", "value": 200.0, "source": "NCRI", "id": "claim.k1", "figure": "200"}]
    documented = [{"date": "2019-11-16", "documented": 4}, {"date": "2019-11-17", "documented": 9}]
    spec = charts.claims_over_time(series, documented, {"estimate": 20, "lower": 15, "upper": 30}, "en")
    values = _values(spec)
    assert {"start": "2019-11-16", "end": "2019-11-19", "lower": 15, "upper": 30, "estimate": 20} in values
    assert any(v.get("id") == "claim.k1" and v["value"] == 200.0 for v in values)
    assert sum(1 for v in values if "documented" in v) == 2


def test_upset_bars_and_matrix() -> None:
    overlap = [{"lists": ["a", "b"], "count": 2, "id": "overlap.a+b"}, {"lists": ["a"], "count": 1, "id": "x"}]
    sizes = [{"list": "a", "count": 3, "id": "list.a"}, {"list": "b", "count": 2, "id": "list.b"}]
    values = _values(charts.upset(overlap, sizes, "en"))
    assert {"combo": 0, "count": 2, "id": "overlap.a+b"} in values
    assert {"combo": 1, "list": "b", "member": False} in values and {"combo": 0, "list": "b", "member": True} in values


def test_svg_is_offline_and_ids_are_prefixed() -> None:
    svg = charts.render_svg(charts.province_map(ROWS, "en"), "en-map")
    assert svg.startswith("<svg")
    assert "href=\"http" not in svg and "url(http" not in svg
    assert all(found.startswith("en-map-") for found in charts._ID_ATTR.findall(svg))
