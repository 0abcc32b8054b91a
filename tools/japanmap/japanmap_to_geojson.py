#!/usr/bin/env python3
"""Convert japanmap 0.6.0's ``japan.json`` into a GeoJSON FeatureCollection of the 47 prefectures.

Run once; the output is committed as ``crates/ishi-server/assets/japan-prefectures.geojson``.
Standard library only and deterministic: the same input always gives byte-identical output.

Usage:
    python3 tools/japanmap/japanmap_to_geojson.py japanmap-0.6.0-py3-none-any.whl OUT.geojson
    python3 tools/japanmap/japanmap_to_geojson.py path/to/japan.json OUT.geojson

Source format (read from japanmap's own ``get_data`` / ``pref_points``):
    ``[qp, qo]`` where
    - ``qp[i] = [[lon, lat], n]``: shared boundary point ``i`` (``n`` = how many areas use it);
    - ``qo[k]`` (k = prefecture code - 1) = list of ``[adjacent_code, [point indices...]]`` arcs,
      ``adjacent_code`` 0 meaning the sea. The arcs are listed in ring order and each arc's last
      index is repeated as the next arc's first index. ``pref_points`` simply concatenates every
      arc's points and the SVG path closes the ring with ``Z``; we do the same, dropping the
      repeated joints. japanmap keeps only the area containing the prefectural office
      (県庁所在地を含むエリア), so there is exactly one ring per prefecture and outlying islands
      (Sado, Tsushima, the Nansei islands beyond Okinawa Island, ...) are not in the source.
    ``get_data(move_hokkaido=False, move_okinawa=False)`` is used: true geographic positions.
"""

import json
import sys
import zipfile

# Official names (都道府県名) in JIS X 0401 code order, as in japanmap's ``pref_names``.
PREF_NAMES = (
    "北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 "
    "群馬県 埼玉県 千葉県 東京都 神奈川県 新潟県 富山県 石川県 福井県 山梨県 "
    "長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 大阪府 兵庫県 奈良県 "
    "和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 "
    "福岡県 佐賀県 長崎県 熊本県 大分県 宮崎県 鹿児島県 沖縄県"
).split()
assert len(PREF_NAMES) == 47

DECIMALS = 3


def load_source(path):
    if path.endswith(".whl") or path.endswith(".zip"):
        with zipfile.ZipFile(path) as zf:
            return json.loads(zf.read("japanmap/japan.json"))
    with open(path, "rb") as fp:
        return json.load(fp)


def signed_area(ring):
    # Shoelace over a closed ring; positive means counter-clockwise in lon/lat axes.
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2


def ring_for(qp, arcs):
    indices = []
    for _, ls in arcs:
        for i in ls:
            # Joints between arcs are stored twice; keep one.
            if not indices or indices[-1] != i:
                indices.append(i)
    ring = []
    for i in indices:
        lon, lat = qp[i][0]
        pt = [round(lon, DECIMALS), round(lat, DECIMALS)]
        # Rounding to 1/1000 degree can merge neighbouring points; a ring must not repeat a vertex in a row.
        if not ring or ring[-1] != pt:
            ring.append(pt)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    if len(ring) < 3:
        raise ValueError("degenerate ring")
    ring.append(list(ring[0]))
    # RFC 7946 §3.1.6: exterior rings are counter-clockwise.
    if signed_area(ring) < 0:
        ring.reverse()
    return ring


def convert(data):
    qp, qo = data
    if len(qo) != 47:
        raise ValueError(f"expected 47 prefectures, got {len(qo)}")
    features = []
    for k, arcs in enumerate(qo):
        ring = ring_for(qp, arcs)
        features.append(
            {
                "type": "Feature",
                "properties": {"code": f"{k + 1:02d}", "name": PREF_NAMES[k]},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def dump(fc):
    # One feature per line keeps diffs readable while staying compact.
    lines = ['{"type":"FeatureCollection","features":[']
    for n, f in enumerate(fc["features"]):
        sep = "," if n + 1 < len(fc["features"]) else ""
        lines.append(json.dumps(f, ensure_ascii=False, separators=(",", ":")) + sep)
    lines.append("]}")
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    fc = convert(load_source(argv[1]))
    with open(argv[2], "w", encoding="utf-8", newline="\n") as fp:
        fp.write(dump(fc))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
