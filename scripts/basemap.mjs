#!/usr/bin/env node
/**
 * Builds the operator map's offline basemap: one small JSON file (basemap.json) the web UI
 * loads from its own server, so the map needs no tile, glyph, sprite or font from the internet.
 *
 * Sources (all devDependencies, read at build time only):
 *   - world-atlas countries-10m / countries-50m (Natural Earth, public domain): land polygons,
 *     international boundaries. 10 m detail for the countries of North and Central America,
 *     50 m for the rest of the world (only seen zoomed far out).
 *   - us-atlas states-10m (US Census Bureau cartographic boundaries, public domain): the
 *     boundaries between US states and their names.
 *   - scenarios/geography/rio-grande-border.geojson (© OpenStreetMap contributors, ODbL; see
 *     scenarios/geography/NOTICE.md): the US–Mexico boundary along the Rio Grande between
 *     Reynosa and Hidalgo/McAllen at ~10 m resolution. There the river *is* the border, so the
 *     UI draws this line as the river (neither atlas carries rivers).
 *
 * Natural Earth's US–Mexico boundary is split at El Paso: west of it the land border, east of it
 * the Rio Grande to the Gulf, which the UI also draws as river at low zoom.
 *
 * Used by web/vite.config.ts (a plugin emits the file into dist/web/). By hand:
 *   node scripts/basemap.mjs [outFile]   (default: dist/web/basemap.json)
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const topojson = require('topojson-client');

/** Countries drawn at 10 m detail (ISO 3166 numeric): United States, Mexico, Guatemala, Belize. */
const DETAIL_IDS = new Set(['840', '484', '320', '084']);
/** Countries whose bounding box meets this box (and spans < 100° of longitude) get 50 m; the rest 110 m. */
const NEAR_BOX = [-170, 5, -50, 75];
/** Longitude of El Paso / Ciudad Juárez: east of it the US–Mexico boundary follows the Rio Grande. */
const RIO_GRANDE_WEST_LON = -106.53;
const US = '840';
const MX = '484';

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** Rounds coordinates (4 decimals ≈ 11 m, finer than 1:10 M data) to keep the file small. */
function roundCoords(c, digits) {
  if (typeof c[0] === 'number') {
    const f = 10 ** digits;
    return [Math.round(c[0] * f) / f, Math.round(c[1] * f) / f];
  }
  return c.map((x) => roundCoords(x, digits));
}

function dedupeLine(line) {
  const out = [];
  for (const p of line) {
    const q = out[out.length - 1];
    if (!q || q[0] !== p[0] || q[1] !== p[1]) out.push(p);
  }
  return out;
}

function geomBbox(geometry) {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      if (c[0] < w) w = c[0];
      if (c[0] > e) e = c[0];
      if (c[1] < s) s = c[1];
      if (c[1] > n) n = c[1];
    } else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return [w, s, e, n];
}

const intersects = (a, b) => a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1];

function ringArea(ring) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return a / 2;
}

/** A label point: the centroid of the largest outer ring (good enough for states and countries). */
function labelPoint(geometry) {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let best = null;
  let bestArea = 0;
  for (const p of polys) {
    const a = Math.abs(ringArea(p[0]));
    if (a > bestArea) {
      bestArea = a;
      best = p[0];
    }
  }
  if (!best) return null;
  let cx = 0, cy = 0, A = 0;
  for (let i = 0, j = best.length - 1; i < best.length; j = i++) {
    const f = best[j][0] * best[i][1] - best[i][0] * best[j][1];
    cx += (best[j][0] + best[i][0]) * f;
    cy += (best[j][1] + best[i][1]) * f;
    A += f;
  }
  if (A === 0) return best[0];
  return [Math.round((cx / (3 * A)) * 1e3) / 1e3, Math.round((cy / (3 * A)) * 1e3) / 1e3];
}

const tintOf = (id) => (id === US ? 'us' : id === MX ? 'mx' : 'other');

/** Places along the border worth a name on an otherwise label-free map (city centres, approximate). */
const PLACES = [
  ['San Diego', 32.7157, -117.1611, 'US'], ['Tijuana', 32.5149, -117.0382, 'MX'],
  ['Calexico', 32.6789, -115.4989, 'US'], ['Mexicali', 32.6245, -115.4523, 'MX'],
  ['Nogales', 31.3404, -110.9343, 'US'], ['Nogales', 31.3086, -110.9458, 'MX'],
  ['El Paso', 31.7619, -106.485, 'US'], ['Ciudad Juárez', 31.6904, -106.4245, 'MX'],
  ['Del Rio', 29.3627, -100.8968, 'US'], ['Ciudad Acuña', 29.3232, -100.9522, 'MX'],
  ['Eagle Pass', 28.7091, -100.4995, 'US'], ['Piedras Negras', 28.7, -100.5231, 'MX'],
  ['Laredo', 27.5306, -99.4803, 'US'], ['Nuevo Laredo', 27.4763, -99.5164, 'MX'],
  ['McAllen', 26.2034, -98.23, 'US'], ['Reynosa', 26.0508, -98.2979, 'MX'],
  ['Hidalgo', 26.1003, -98.2631, 'US'], ['Pharr', 26.1948, -98.1836, 'US'],
  ['Mission', 26.2159, -98.3253, 'US'], ['Brownsville', 25.9017, -97.4975, 'US'],
  ['Matamoros', 25.869, -97.5027, 'MX'],
];

export function buildBasemap() {
  const c10 = readJson(require.resolve('world-atlas/countries-10m.json'));
  const c50 = readJson(require.resolve('world-atlas/countries-50m.json'));
  const c110 = readJson(require.resolve('world-atlas/countries-110m.json'));
  const states = readJson(require.resolve('us-atlas/states-10m.json'));
  const river = readJson(join(root, 'scenarios', 'geography', 'rio-grande-border.geojson'));

  // ── land: countries, 10 m at the border, 50 m for their neighbours, 110 m for the world ──
  const detailed = topojson.feature(c10, c10.objects.countries).features.filter((f) => f.geometry && DETAIL_IDS.has(f.id));
  const isNear = (f) => {
    const b = geomBbox(f.geometry);
    return b[2] - b[0] < 100 && intersects(b, NEAR_BOX);
  };
  const near = topojson.feature(c50, c50.objects.countries).features.filter((f) => f.geometry && !DETAIL_IDS.has(f.id) && isNear(f));
  const nearIds = new Set(near.map((f) => f.id));
  const world = topojson.feature(c110, c110.objects.countries).features.filter((f) => f.geometry && !DETAIL_IDS.has(f.id) && !nearIds.has(f.id));
  const countries = {
    type: 'FeatureCollection',
    features: [...world.map((f) => [f, 2]), ...near.map((f) => [f, 3]), ...detailed.map((f) => [f, 4])].map(([f, digits]) => ({
      type: 'Feature',
      properties: { name: f.properties?.name ?? '', tint: tintOf(f.id) },
      geometry: { type: f.geometry.type, coordinates: roundCoords(f.geometry.coordinates, digits) },
    })),
  };

  // ── boundaries ──
  const lines = [];
  const pushLines = (geom, kind, digits) => {
    const parts = geom.type === 'LineString' ? [geom.coordinates] : geom.coordinates;
    for (const part of parts) {
      const line = dedupeLine(roundCoords(part, digits));
      if (line.length >= 2) lines.push({ type: 'Feature', properties: { kind }, geometry: { type: 'LineString', coordinates: line } });
    }
  };
  // International boundaries other than US–Mexico, each at the detail of the finer side.
  const isUsMx = (a, b) => (a.id === US && b.id === MX) || (a.id === MX && b.id === US);
  pushLines(topojson.mesh(c10, c10.objects.countries, (a, b) => a !== b && !isUsMx(a, b) && (DETAIL_IDS.has(a.id) || DETAIL_IDS.has(b.id))), 'country', 4);
  const nearOnly = (a, b) => !DETAIL_IDS.has(a.id) && !DETAIL_IDS.has(b.id) && (nearIds.has(a.id) || nearIds.has(b.id));
  pushLines(topojson.mesh(c50, c50.objects.countries, (a, b) => a !== b && nearOnly(a, b)), 'country', 3);
  const farOnly = (a, b) => !DETAIL_IDS.has(a.id) && !DETAIL_IDS.has(b.id) && !nearIds.has(a.id) && !nearIds.has(b.id);
  pushLines(topojson.mesh(c110, c110.objects.countries, (a, b) => a !== b && farOnly(a, b)), 'country', 2);
  // US–Mexico: split at El Paso into the land border and the Rio Grande. Where the detailed
  // extract exists the coarse river is cut out and joined to the extract's ends instead.
  const detail = (river.features ?? [river]).find((f) => f.geometry?.type === 'LineString')?.geometry.coordinates ?? [];
  const dWest = detail.length ? detail.reduce((a, p) => (p[0] < a[0] ? p : a)) : null;
  const dEast = detail.length ? detail.reduce((a, p) => (p[0] > a[0] ? p : a)) : null;
  const kindOf = (p) => (dWest && p[0] > dWest[0] && p[0] < dEast[0] ? 'skip' : p[0] >= RIO_GRANDE_WEST_LON ? 'usmx-river' : 'usmx-land');
  const nearestEnd = (p) => (Math.abs(p[0] - dWest[0]) < Math.abs(p[0] - dEast[0]) ? dWest : dEast);
  const usmx = topojson.mesh(c10, c10.objects.countries, isUsMx);
  for (const part of usmx.coordinates) {
    let cur = [];
    let curKind = null;
    const flush = () => {
      if (curKind && curKind !== 'skip') pushLines({ type: 'LineString', coordinates: cur }, curKind, 4);
    };
    for (const p of part) {
      const kind = kindOf(p);
      if (curKind !== null && kind !== curKind) {
        if (kind === 'skip') {
          cur.push(nearestEnd(p)); // into the extract's span: end at its nearer end
          flush();
          cur = [];
        } else if (curKind === 'skip') {
          cur = [nearestEnd(p), p]; // out of it: start from its nearer end
        } else {
          cur.push(p);
          flush();
          cur = [p];
        }
      } else if (kind !== 'skip') cur.push(p);
      curKind = kind;
    }
    flush();
  }

  // Between US states (interior only: the outer outline comes from Natural Earth).
  pushLines(topojson.mesh(states, states.objects.states, (a, b) => a !== b), 'state', 4);

  // ── the detailed Rio Grande (the border line of the built-in sector) ──
  const riverFeatures = (river.features ?? [river]).filter((f) => f.geometry?.type === 'LineString').map((f) => ({
    type: 'Feature',
    properties: { name: 'Rio Grande / Río Bravo', source: f.properties?.source ?? '', attribution: f.properties?.attribution ?? '' },
    geometry: f.geometry,
  }));

  // ── labels (drawn as HTML by the UI: no glyphs) ──
  const labels = [
    { text: 'UNITED STATES', lon: -99.0, lat: 37.5, kind: 'country', minZoom: 3, maxZoom: 6 },
    { text: 'MÉXICO', lon: -102.5, lat: 23.8, kind: 'country', minZoom: 3, maxZoom: 6 },
  ];
  for (const f of topojson.feature(states, states.objects.states).features) {
    const p = labelPoint(f.geometry);
    if (p) labels.push({ text: f.properties.name, lon: p[0], lat: p[1], kind: 'state', minZoom: 5, maxZoom: 8 });
  }
  for (const [text, lat, lon, side] of PLACES) labels.push({ text, lon, lat, kind: 'place', side, minZoom: 8, maxZoom: 13 });

  const attribution = [
    'Natural Earth (public domain)',
    'US Census Bureau (us-atlas)',
    'Rio Grande © OpenStreetMap contributors, ODbL',
  ];
  return {
    version: 1,
    attribution,
    countries,
    lines: { type: 'FeatureCollection', features: lines },
    river: { type: 'FeatureCollection', features: riverFeatures },
    labels,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? join(root, 'dist', 'web', 'basemap.json'));
  const t0 = Date.now();
  const json = JSON.stringify(buildBasemap());
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, json);
  process.stdout.write(`${out}: ${(json.length / 1024).toFixed(0)} KiB in ${Date.now() - t0} ms\n`);
}
