#!/usr/bin/env python3
"""Build ``src/p2c/dashboard/data/world.json``, the world map's geometry, from Natural Earth.

The geometry comes from the npm package ``world-atlas`` (Natural Earth 4.1.0 admin-0 countries as
TopoJSON, ISO 3166-1 numeric ids). Install it into a throw-away folder, never into the repository::

    mkdir -p /tmp/wa && cd /tmp/wa && npm install world-atlas@2.0.2
    python scripts/build_world_map.py --atlas /tmp/wa/node_modules/world-atlas

What the script does (standard library only; see docs/data-sources.md, "World map"):

1. decodes the TopoJSON arcs of ``countries-50m.json`` (delta-encoded, quantised) to longitude and
   latitude;
2. projects them with the Equal Earth projection (Šavrič, Patterson & Jenny, 2018) into a viewBox
   1000 units wide;
3. simplifies every *arc* once (Douglas-Peucker), so that two neighbours sharing a border keep
   sharing exactly the same line — no gaps, no slivers;
4. assembles each country's rings, drops islands smaller than ``--min-area`` square units, and
   draws a country whose whole area is below ``--marker-area`` as a circle marker at its centroid
   (small island states stay visible and clickable);
5. gives ISO 3166-1 entries that Natural Earth folds into another country their own geometry
   (French overseas departments, Svalbard and Jan Mayen, Caribbean Netherlands, Tokelau,
   Christmas and Cocos Islands), and a marker to a few that the 1:50m file lacks (from the 1:10m file, or from
   coordinates given below);
6. drops Antarctica, and writes paths rounded to 0.1 unit with relative coordinates.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

Point = tuple[float, float]
Ring = list[Point]

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "src" / "p2c" / "dashboard" / "data" / "world.json"

WIDTH = 1000.0
PAD = 4.0  # viewBox units kept free around the land
ANTARCTICA = "010"

# Polygons Natural Earth keeps inside another admin-0 country, given back to their own ISO entry.
# (from id, to id, (west, south, east, north)): a polygon whose first vertex lies in the box moves.
SPLITS: list[tuple[str, str, tuple[float, float, float, float]]] = [
    ("250", "254", (-55.0, 2.0, -51.0, 6.0)),  # France -> French Guiana
    ("250", "312", (-62.0, 15.8, -60.9, 16.6)),  # France -> Guadeloupe
    ("250", "474", (-61.3, 14.3, -60.7, 14.95)),  # France -> Martinique
    ("250", "638", (55.0, -21.5, 56.0, -20.8)),  # France -> Réunion
    ("250", "175", (44.9, -13.1, 45.4, -12.5)),  # France -> Mayotte
    ("578", "744", (-10.0, 70.5, -7.0, 71.5)),  # Norway -> Svalbard and Jan Mayen (Jan Mayen)
    ("578", "744", (10.0, 74.0, 35.0, 81.5)),  # Norway -> Svalbard and Jan Mayen (Svalbard)
    ("528", "535", (-68.5, 11.9, -68.0, 12.4)),  # Netherlands -> Bonaire, Sint Eustatius and Saba
    ("528", "535", (-63.3, 17.4, -62.9, 17.7)),  # (Saba, Sint Eustatius)
    ("554", "772", (-173.0, -10.0, -171.0, -8.0)),  # New Zealand -> Tokelau
    ("Indian Ocean Ter.", "162", (105.0, -10.7, 106.2, -10.3)),  # Christmas Island
    ("Indian Ocean Ter.", "166", (96.7, -12.3, 97.0, -11.8)),  # Cocos (Keeling) Islands
]
# ISO entries with no polygon in the 1:50m file: a marker at their centroid in the 1:10m file...
FROM_10M = ["798", "292"]  # Tuvalu, Gibraltar
# ... or at these coordinates (longitude, latitude), where Natural Earth has no separate feature.
COORDINATES: dict[str, Point] = {
    "074": (3.36, -54.42),  # Bouvet Island (only in the 1:10m file, as part of Norway)
}
# United States Minor Outlying Islands (581): scattered atolls across the Pacific with no single
# place to put a marker; left without geometry.

# --- Equal Earth projection -------------------------------------------------------------------
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float) -> Point:
    """Project degrees to Equal Earth (unit sphere); y grows northwards."""
    lam = math.radians(lon)
    theta = math.asin(M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


SCALE = WIDTH / (2 * equal_earth(180.0, 0.0)[0])


def to_view(lon: float, lat: float) -> Point:
    x, y = equal_earth(lon, lat)
    return WIDTH / 2 + x * SCALE, -y * SCALE  # y shifted later, once the top of the land is known


# --- TopoJSON -----------------------------------------------------------------------------------
def decode_arcs(topology: dict) -> list[list[Point]]:
    """Absolute longitude/latitude of every arc (undoing delta encoding and quantisation).

    world-atlas keeps polygons whole across the antimeridian (Russia's Chukotka, Fiji); where an
    arc crosses it, the crossing point is inserted twice, at longitude 180 and -180, so that the
    projected rings can be cut there (see ``split_at_antimeridian``).
    """
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points: list[Point] = []
        for dx, dy in arc:
            x += dx
            y += dy
            lon, lat = x * sx + tx, y * sy + ty
            if points and abs(lon - points[-1][0]) > 180:
                lon0, lat0 = points[-1]
                edge = 180.0 if lon0 > 0 else -180.0
                unwrapped = lon + 360 if lon0 > 0 else lon - 360
                t = (edge - lon0) / (unwrapped - lon0) if unwrapped != lon0 else 0.0
                crossing = lat0 + t * (lat - lat0)
                points.extend([(edge, crossing), (-edge, crossing)])
            points.append((lon, lat))
        arcs.append(points)
    return arcs


def polygons_of(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def key_of(geometry: dict) -> str:
    return geometry.get("id") or geometry["properties"]["name"]


# --- geometry helpers ---------------------------------------------------------------------------
def douglas_peucker(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Simplify an open line, keeping both ends (works for closed loops too)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    tol2 = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        worst, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if seg2 == 0:
                d2 = (px - ax) ** 2 + (py - ay) ** 2
            else:
                cross = dx * (py - ay) - dy * (px - ax)
                d2 = cross * cross / seg2
            if d2 > worst:
                worst, index = d2, i
        if index > 0 and worst > tol2:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_arc(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, keeping the antimeridian crossings (consecutive points half a map apart)."""
    cuts = [i for i in range(1, len(points)) if abs(points[i][0] - points[i - 1][0]) > WIDTH / 2]
    if not cuts:
        return douglas_peucker(points, tolerance)
    out: list[Point] = []
    start = 0
    for cut in [*cuts, len(points)]:
        out.extend(douglas_peucker(points[start:cut], tolerance))
        start = cut
    return out


def split_at_antimeridian(ring: Ring) -> list[Ring]:
    """Cut a projected ring where it jumps across the map; pieces on each side join into one ring."""
    jumps = [i for i in range(1, len(ring)) if abs(ring[i][0] - ring[i - 1][0]) > WIDTH / 2]
    if abs(ring[0][0] - ring[-1][0]) > WIDTH / 2:
        jumps.append(len(ring))
    if not jumps:
        return [ring]
    sides: dict[bool, Ring] = {True: [], False: []}
    # Rotate so that the ring starts just after a jump: every piece then lies on one side.
    start = jumps[0] % len(ring)
    rotated = ring[start:] + ring[:start]
    piece: Ring = [rotated[0]]
    for p in rotated[1:]:
        if abs(p[0] - piece[-1][0]) > WIDTH / 2:
            sides[piece[0][0] > WIDTH / 2].extend(piece)
            piece = []
        piece.append(p)
    sides[piece[0][0] > WIDTH / 2].extend(piece)
    return [sides[True], sides[False]]


def ring_from_arcs(indexes: Iterable[int], arcs: list[list[Point]]) -> Ring:
    ring: Ring = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def signed_area(ring: Ring) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)) / 2


def centroid(rings: Sequence[Ring]) -> tuple[Point, float]:
    """Area-weighted centroid and absolute area of a polygon's rings (holes subtract)."""
    total = cx = cy = 0.0
    for index, ring in enumerate(rings):
        a = signed_area(ring)
        if a == 0:
            continue
        # Holes are wound opposite to the exterior; weigh them with the opposite sign of the exterior.
        sign = 1.0 if index == 0 or (a > 0) == (signed_area(rings[0]) > 0) else -1.0
        ring_cx = ring_cy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            f = x0 * y1 - x1 * y0
            ring_cx += (x0 + x1) * f
            ring_cy += (y0 + y1) * f
        total += sign * abs(a)
        cx += sign * abs(a) * ring_cx / (6 * a)
        cy += sign * abs(a) * ring_cy / (6 * a)
    if total <= 0:
        xs, ys = [p[0] for p in rings[0]], [p[1] for p in rings[0]]
        return ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2), 0.0
    return (cx / total, cy / total), total


def fmt(tenths: int) -> str:
    """A coordinate in tenths of a unit, shortest form: 12.5 -> '12.5', 0.5 -> '.5', 3.0 -> '3'."""
    sign = "-" if tenths < 0 else ""
    whole, frac = divmod(abs(tenths), 10)
    if frac == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{frac}"


def path_data(rings: Iterable[Ring]) -> str:
    """SVG path data: absolute moveto, then one relative lineto list per ring, closed."""
    out = []
    px = py = 0
    first = True
    for ring in rings:
        q = [(round(x * 10), round(y * 10)) for x, y in ring]
        dedup = [q[0]]
        for p in q[1:]:
            if p != dedup[-1]:
                dedup.append(p)
        if len(dedup) > 1 and dedup[-1] == dedup[0]:
            dedup.pop()
        if len(dedup) < 3:
            continue
        x0, y0 = dedup[0]
        # Relative moveto after the first ring (shorter), absolute for the first.
        out.append(("M" if first else "m") + _pair(x0 - (0 if first else px), y0 - (0 if first else py)))
        first = False
        parts = []
        cx, cy = x0, y0
        for x, y in dedup[1:]:
            parts.append(_pair(x - cx, y - cy))
            cx, cy = x, y
        out.append("l" + _join(parts) + "z")
        px, py = x0, y0  # after z the current point is the ring's start
    return "".join(out)


def _pair(dx: int, dy: int) -> str:
    a, b = fmt(dx), fmt(dy)
    return a + ("" if b.startswith("-") else " ") + b


def _join(parts: list[str]) -> str:
    s = parts[0]
    for p in parts[1:]:
        s += p if p.startswith("-") else " " + p
    return s


# --- main ---------------------------------------------------------------------------------------
def build(atlas: Path, tolerance: float, min_area: float, marker_area: float) -> dict:
    topology = json.loads((atlas / "countries-50m.json").read_text(encoding="utf-8"))
    lonlat_arcs = decode_arcs(topology)
    projected = [[to_view(lon, lat) for lon, lat in arc] for arc in lonlat_arcs]
    simplified = [simplify_arc(arc, tolerance) for arc in projected]

    # Country -> list of polygons, each a list of arc-index rings; apply the splits.
    features: dict[str, list[list[list[int]]]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        features.setdefault(key_of(geometry), []).extend(polygons_of(geometry))
    for source, target, (west, south, east, north) in SPLITS:
        moved: list[list[list[int]]] = []
        kept: list[list[list[int]]] = []
        for polygon in features.get(source, []):
            first_arc = polygon[0][0]
            lon, lat = lonlat_arcs[first_arc if first_arc >= 0 else ~first_arc][0]
            (moved if west <= lon <= east and south <= lat <= north else kept).append(polygon)
        if not moved:
            raise SystemExit(f"split {source} -> {target}: no polygon found in the box")
        features[source] = kept
        features.setdefault(target, []).extend(moved)

    countries: dict[str, dict] = {}
    for key, polygons in sorted(features.items()):
        if key == ANTARCTICA or not key.isdigit():
            continue  # Antarctica; the features Natural Earth gives no ISO code (handled below)
        shapes = []
        for polygon in polygons:
            rings = [part for r in polygon for part in split_at_antimeridian(ring_from_arcs(r, simplified))]
            # Unsimplified rings give true areas and centroids.
            full = [part for r in polygon for part in split_at_antimeridian(ring_from_arcs(r, projected))]
            if len(full) > len(polygon):  # cut by the antimeridian: measure each part alone
                for part, simple in zip(full, rings, strict=True):
                    (cx, cy), area = centroid([part])
                    shapes.append((area, (cx, cy), [simple]))
                continue
            (cx, cy), area = centroid(full)
            shapes.append((area, (cx, cy), rings))
        shapes.sort(key=lambda s: -s[0])
        total = sum(s[0] for s in shapes)
        cx, cy = shapes[0][1]  # centroid of the largest polygon: a marker lands on land
        entry: dict = {"cx": cx, "cy": cy}
        if total >= marker_area:
            # Drop small islands, but never a country's largest polygon.
            kept_rings = [
                ring for i, (area, _, rings) in enumerate(shapes) if i == 0 or area >= min_area for ring in rings
            ]
            entry["d"] = kept_rings
        countries[key] = entry

    # Features without an ISO code, drawn as plain land (no link, no value).
    other = []
    for key, polygons in sorted(features.items()):
        if key.isdigit() or not polygons:
            continue
        rings = [ring_from_arcs(r, simplified) for polygon in polygons for r in polygon]
        other.append((key, rings))

    # Markers for ISO entries missing from the 1:50m file.
    ten = json.loads((atlas / "countries-10m.json").read_text(encoding="utf-8"))
    ten_arcs = decode_arcs(ten)
    ten_projected = [[to_view(lon, lat) for lon, lat in arc] for arc in ten_arcs]
    for geometry in ten["objects"]["countries"]["geometries"]:
        if geometry.get("id") in FROM_10M and geometry["id"] not in countries:
            best = max(
                (centroid([ring_from_arcs(r, ten_projected) for r in polygon]) for polygon in polygons_of(geometry)),
                key=lambda c: c[1],
            )
            countries[geometry["id"]] = {"cx": best[0][0], "cy": best[0][1]}
    for key, (lon, lat) in COORDINATES.items():
        x, y = to_view(lon, lat)
        countries.setdefault(key, {"cx": x, "cy": y})

    # Crop the viewBox to the land (plus markers), shifting y so the top edge is at PAD.
    ys = [p[1] for c in countries.values() for ring in c.get("d", []) for p in ring]
    ys += [c["cy"] for c in countries.values()]
    top, bottom = min(ys) - PAD, max(ys) + PAD
    height = math.ceil(bottom - top)

    def shift(ring: Ring) -> Ring:
        return [(x, y - top) for x, y in ring]

    out_countries = {}
    for key, c in sorted(countries.items()):
        item: dict = {}
        if c.get("d"):
            item["d"] = path_data(shift(r) for r in c["d"])
        item["cx"] = round(c["cx"], 1)
        item["cy"] = round(c["cy"] - top, 1)
        out_countries[key] = item
    return {
        "viewBox": f"0 0 {int(WIDTH)} {height}",
        "projection": "Equal Earth",
        "source": "Natural Earth 4.1.0 admin-0 countries 1:50m (1:10m for Tuvalu and Gibraltar), "
        "via the npm package world-atlas 2.0.2",
        "licence": "Natural Earth: public domain; world-atlas: ISC (c) Michael Bostock",
        "notes": "Antarctica omitted. Countries without 'd' are drawn as a marker at (cx, cy).",
        "countries": out_countries,
        "other": {name: path_data(shift(r) for r in rings) for name, rings in other},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--atlas", type=Path, required=True, help="the installed world-atlas package (…/node_modules/world-atlas)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--tolerance", type=float, default=0.7, help="Douglas-Peucker tolerance (viewBox units)")
    parser.add_argument("--min-area", type=float, default=0.5, help="drop islands smaller than this (units²)")
    parser.add_argument(
        "--marker-area", type=float, default=3.5, help="draw countries smaller than this (units²) as a marker"
    )
    args = parser.parse_args()
    data = build(args.atlas, args.tolerance, args.min_area, args.marker_area)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode("utf-8")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(raw + b"\n")
    shapes = sum(1 for c in data["countries"].values() if "d" in c)
    markers = len(data["countries"]) - shapes
    print(
        f"wrote {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}: "
        f"{len(data['countries'])} countries ({shapes} shapes, {markers} markers), "
        f"{len(raw):,} bytes, {len(gzip.compress(raw, 9)):,} gzipped"
    )


if __name__ == "__main__":
    main()
