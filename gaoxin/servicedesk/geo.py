"""Grid boundaries (GeoJSON) drawn as SVG by the server: no tile server, no map library.

Longitude and latitude are projected onto the SVG box with an equirectangular projection
centred on the zone (x = lon · cos(mid latitude), y = −lat), which at a zone's scale (a few
kilometres) is indistinguishable from what a map service shows. Everything is scaled to a box
`WIDTH` units wide with a margin; the height follows the zone's shape. Pure functions: no
Django, easy to test."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

WIDTH = 1000.0
MARGIN = 12.0

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class Shape:
    key: str
    paths: str  # SVG path data (one closed sub-path per ring)
    label_x: float
    label_y: float
    size: float  # the smaller side of the shape's box, for the label's font size


@dataclass(frozen=True)
class Drawing:
    width: float
    height: float
    shapes: list[Shape]
    missing: list[str]  # keys without a usable boundary


def rings(geometry: Any) -> list[Ring]:
    """The outer rings of a GeoJSON Polygon or MultiPolygon as (lon, lat) lists; [] for
    anything else or for malformed coordinates (a boundary typed by hand may be wrong)."""
    if not isinstance(geometry, dict):
        return []
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon" and isinstance(coordinates, list):
        polygons = coordinates
    else:
        return []
    out: list[Ring] = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return []
        ring = _ring(polygon[0])
        if ring is None:
            return []
        out.append(ring)
    return out


def _ring(points: Any) -> Ring | None:
    if not isinstance(points, list) or len(points) < 3:
        return None
    ring: Ring = []
    for point in points:
        if not isinstance(point, list | tuple) or len(point) < 2:
            return None
        lon, lat = point[0], point[1]
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lon, lat)):
            return None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return None
        ring.append((float(lon), float(lat)))
    return ring


def draw(items: Iterable[tuple[str, Any]]) -> Drawing:
    """Project every (key, geometry) into one SVG box."""
    found: list[tuple[str, list[Ring]]] = []
    missing: list[str] = []
    for key, geometry in items:
        shape = rings(geometry)
        (found.append((key, shape)) if shape else missing.append(key))
    if not found:
        return Drawing(WIDTH, WIDTH / 2, [], missing)
    points = [p for _key, shape in found for ring in shape for p in ring]
    mid = math.radians((min(p[1] for p in points) + max(p[1] for p in points)) / 2)
    squeeze = math.cos(mid)
    west = min(p[0] for p in points) * squeeze
    east = max(p[0] for p in points) * squeeze
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    span_x, span_y = max(east - west, 1e-9), max(north - south, 1e-9)
    scale = (WIDTH - 2 * MARGIN) / span_x
    if span_y * scale > WIDTH * 1.5 - 2 * MARGIN:  # a tall zone: at most 1.5 times as high
        scale = (WIDTH * 1.5 - 2 * MARGIN) / span_y
    height = span_y * scale + 2 * MARGIN

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return MARGIN + (lon * squeeze - west) * scale, MARGIN + (north - lat) * scale

    shapes = []
    for key, shape in found:
        projected = [[xy(lon, lat) for lon, lat in ring] for ring in shape]
        shapes.append(_shape(key, projected))
    return Drawing(WIDTH, round(height, 1), shapes, missing)


def _shape(key: str, projected: Sequence[Sequence[tuple[float, float]]]) -> Shape:
    paths = " ".join(
        "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + " Z" for ring in projected
    )
    largest = max(projected, key=lambda ring: abs(_area(ring)))
    cx, cy = _centroid(largest)
    xs, ys = [x for x, _y in largest], [y for _x, y in largest]
    return Shape(
        key=key,
        paths=paths,
        label_x=round(cx, 1),
        label_y=round(cy, 1),
        size=round(min(max(xs) - min(xs), max(ys) - min(ys)), 1),
    )


def _area(ring: Sequence[tuple[float, float]]) -> float:
    return (
        sum(
            x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True)
        )
        / 2
    )


def _centroid(ring: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """The polygon's centroid (where its label goes); the vertices' mean if it has no area."""
    area = _area(ring)
    if abs(area) < 1e-9:
        return sum(x for x, _ in ring) / len(ring), sum(y for _, y in ring) / len(ring)
    pairs = zip(ring, [*ring[1:], ring[0]], strict=True)
    cx = cy = 0.0
    for (x0, y0), (x1, y1) in pairs:
        cross = x0 * y1 - x1 * y0
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return cx / (6 * area), cy / (6 * area)
