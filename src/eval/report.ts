/**
 * Self-contained HTML report of one tracker run: trajectories over the area, GOSPA and its parts
 * over time, and a table against Stone Soup's recorded best. No scripts, no external resources:
 * inline CSS and inline SVG only, so the file can be attached to a CI run or mailed around and
 * still open anywhere. Must stay legible for 1000 targets: hair-line strokes, and trajectories
 * and series are decimated to a fixed point budget (the SVG stays a few MB at most).
 *
 * Every piece of caller text goes through `escapeHtml`; numbers are formatted here.
 */
import type { RunEvaluation } from './evaluate.js';
import type { Area } from './scenario-types.js';

/** A trajectory as the scenario truth and the tracker output file store it: rows [t, x, y, ...]. */
export interface Trajectory {
  id: number;
  states: ReadonlyArray<ReadonlyArray<number>>;
}

/** Stone Soup's recorded figures for the same scenario (see `stoneSoupReference`). */
export interface StoneSoupReference {
  /** configuration with the best mean GOSPA */
  config: string;
  gospa: number;
  localisation?: number;
  missed?: number;
  false?: number;
  ospa?: number;
  tracks?: number;
  measurements?: number;
  wallSeconds?: number;
  measPerSecond?: number;
  /** fastest configuration and its throughput, when different from the best */
  fastestConfig?: string;
  fastestMeasPerSecond?: number;
}

export interface ReportInput {
  /** page title (default "Centinela — <scenario>") */
  title?: string;
  scenarioName: string;
  /** tracker/configuration description shown under the title */
  tracker?: string;
  /** surveillance area; the data extent is used when absent */
  area?: Area;
  truth: ReadonlyArray<Trajectory>;
  tracks: ReadonlyArray<Trajectory>;
  evaluation: RunEvaluation;
  /** time of scan 0 and scan interval, for the time axis (default 0 and 1 s) */
  t0?: number;
  scanInterval?: number;
  /** number of tracks to report (default: distinct track ids in the evaluation) */
  numTracks?: number;
  measurements?: number;
  /** seconds spent inside the tracker's per-scan step */
  wallSeconds?: number;
  stoneSoup?: StoneSoupReference;
}

/** Minimal view of ../shared/scenarios/stonesoup-results.json. */
export interface StoneSoupResults {
  scenarios: Record<
    string,
    {
      configs: Record<
        string,
        {
          measPerSecond: number;
          wallSeconds: number;
          gospa: { mean: number; localisation: number; missed: number; false: number };
          ospa: number;
          tracks: number;
          measurements: number;
        }
      >;
      best: { config: string; gospaMean: number };
      fastest: { config: string; measPerSecond: number };
    }
  >;
}

/** Extracts the best-GOSPA configuration's figures for one scenario, or undefined if absent. */
export function stoneSoupReference(results: StoneSoupResults, scenarioName: string): StoneSoupReference | undefined {
  const s = results.scenarios?.[scenarioName];
  if (!s) return undefined;
  const cfg = s.configs[s.best.config];
  if (!cfg) return { config: s.best.config, gospa: s.best.gospaMean };
  return {
    config: s.best.config,
    gospa: cfg.gospa.mean,
    localisation: cfg.gospa.localisation,
    missed: cfg.gospa.missed,
    false: cfg.gospa.false,
    ospa: cfg.ospa,
    tracks: cfg.tracks,
    measurements: cfg.measurements,
    wallSeconds: cfg.wallSeconds,
    measPerSecond: cfg.measPerSecond,
    fastestConfig: s.fastest.config,
    fastestMeasPerSecond: s.fastest.measPerSecond,
  };
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ESC[ch]);
}
const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// ---------------------------------------------------------------------------------------------
// Formatting

function fmt(x: number | undefined, digits = 2): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  const s = x.toFixed(digits);
  // Group thousands in the integer part (1,234,567.89) — big numbers are unreadable otherwise.
  const [int, frac] = s.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** Compact tick label: no trailing zeros, thousands grouped. */
function tickLabel(v: number, step: number): string {
  const digits = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return fmt(v, digits);
}

/** ~count "nice" ticks (1, 2, 5 × 10^k) covering [lo, hi]. */
function niceTicks(lo: number, hi: number, count: number): { ticks: number[]; step: number } {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return { ticks, step };
}

/** Deterministic, well-spread colour per track id (golden-angle hue). */
function trackColour(id: number): string {
  const h = (((id * 137.508) % 360) + 360) % 360;
  return `hsl(${h.toFixed(1)} 72% 40%)`;
}

const r1 = (v: number): string => (Math.round(v * 10) / 10).toString();

// ---------------------------------------------------------------------------------------------
// Trajectory plot

const TRUTH_POINT_BUDGET = 60_000;
const TRACK_POINT_BUDGET = 60_000;
/** points closer than this (px) to the previous kept point are dropped */
const MIN_PX = 1.5;

function extent(trajs: ReadonlyArray<Trajectory>[]): Area | undefined {
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  for (const list of trajs) {
    for (const tr of list) {
      for (const s of tr.states) {
        if (!Number.isFinite(s[1]) || !Number.isFinite(s[2])) continue;
        if (s[1] < xmin) xmin = s[1];
        if (s[1] > xmax) xmax = s[1];
        if (s[2] < ymin) ymin = s[2];
        if (s[2] > ymax) ymax = s[2];
      }
    }
  }
  if (!(xmax >= xmin)) return undefined;
  const pad = Math.max(xmax - xmin, ymax - ymin, 1) * 0.03;
  return { xmin: xmin - pad, xmax: xmax + pad, ymin: ymin - pad, ymax: ymax + pad };
}

/**
 * Splits a trajectory into drawable polylines in pixel coordinates: breaks where the time step
 * exceeds 1.5 scans (a track that was not reported for a while should not be drawn as a straight
 * jump), and drops points closer than `minPx` pixels to the last kept one — invisible detail that
 * would only bloat the file (20 km at ~800 px is 25 m per pixel, about one scan of motion).
 * Every `stride`-th point is considered at all, as a hard cap on the total point count.
 */
function segments(
  tr: Trajectory,
  stride: number,
  maxGap: number,
  X: (x: number) => number,
  Y: (y: number) => number,
  minPx: number,
): number[][][] {
  const out: number[][][] = [];
  let cur: number[][] = [];
  const st = tr.states;
  const min2 = minPx * minPx;
  for (let k = 0; k < st.length; k++) {
    const s = st[k];
    if (!Number.isFinite(s[1]) || !Number.isFinite(s[2])) continue;
    if (cur.length > 0 && k > 0 && s[0] - st[k - 1][0] > maxGap) {
      out.push(cur);
      cur = [];
    }
    const last = k === st.length - 1 || st[k + 1][0] - s[0] > maxGap;
    const px = X(s[1]);
    const py = Y(s[2]);
    if (cur.length === 0) {
      cur.push([px, py]);
      continue;
    }
    if (!last && k % stride !== 0) continue;
    const prev = cur[cur.length - 1];
    const d2 = (px - prev[0]) ** 2 + (py - prev[1]) ** 2;
    if (d2 >= min2) cur.push([px, py]);
    else if (last) {
      // Keep the true end point (and at least two points, so a short segment is still a line).
      if (cur.length === 1) cur.push([px, py]);
      else cur[cur.length - 1] = [px, py];
    }
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** SVG path data for polylines; a lone point becomes a zero-length stroke (a dot with round caps). */
function pathData(segs: number[][][]): string {
  let d = '';
  for (const seg of segs) {
    d += `M${r1(seg[0][0])} ${r1(seg[0][1])}`;
    if (seg.length === 1) d += 'h0';
    for (let k = 1; k < seg.length; k++) d += `${k === 1 ? 'L' : ' '}${r1(seg[k][0])} ${r1(seg[k][1])}`;
  }
  return d;
}

function trajectoryPlot(input: ReportInput): string {
  const area = input.area ?? extent([input.truth, input.tracks]) ?? { xmin: 0, xmax: 1, ymin: 0, ymax: 1 };
  const ml = 72;
  const mr = 16;
  const mt = 14;
  const mb = 46;
  const maxW = 820;
  const maxH = 820;
  const dx = area.xmax - area.xmin || 1;
  const dy = area.ymax - area.ymin || 1;
  // Equal aspect: one scale for both axes, so turns look like turns.
  const scale = Math.min((maxW - ml - mr) / dx, (maxH - mt - mb) / dy);
  const pw = dx * scale;
  const ph = dy * scale;
  const W = Math.ceil(pw + ml + mr);
  const H = Math.ceil(ph + mt + mb);
  const X = (x: number): number => ml + (x - area.xmin) * scale;
  const Y = (y: number): number => mt + (area.ymax - y) * scale;
  const maxGap = 1.5 * (input.scanInterval ?? 1);

  const parts: string[] = [];
  parts.push(`<svg class="traj" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="truth and track trajectories">`);
  parts.push(`<rect x="${r1(ml)}" y="${r1(mt)}" width="${r1(pw)}" height="${r1(ph)}" class="plotbg"/>`);

  // Axes with ticks in metres (same step on both axes to underline the equal scaling).
  const { ticks: xt, step } = niceTicks(area.xmin, area.xmax, Math.max(3, Math.round(pw / 110)));
  const yt: number[] = [];
  for (let v = Math.ceil(area.ymin / step - 1e-9) * step; v <= area.ymax + step * 1e-9; v += step) yt.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  for (const v of xt) {
    parts.push(`<line x1="${r1(X(v))}" y1="${r1(mt)}" x2="${r1(X(v))}" y2="${r1(mt + ph)}" class="grid"/>`);
    parts.push(`<text x="${r1(X(v))}" y="${r1(mt + ph + 16)}" class="tick" text-anchor="middle">${tickLabel(v, step)}</text>`);
  }
  for (const v of yt) {
    parts.push(`<line x1="${r1(ml)}" y1="${r1(Y(v))}" x2="${r1(ml + pw)}" y2="${r1(Y(v))}" class="grid"/>`);
    parts.push(`<text x="${r1(ml - 6)}" y="${r1(Y(v) + 4)}" class="tick" text-anchor="end">${tickLabel(v, step)}</text>`);
  }
  parts.push(`<text x="${r1(ml + pw / 2)}" y="${r1(H - 8)}" class="axlabel" text-anchor="middle">x (east) [m]</text>`);
  parts.push(
    `<text x="14" y="${r1(mt + ph / 2)}" class="axlabel" text-anchor="middle" transform="rotate(-90 14 ${r1(mt + ph / 2)})">y (north) [m]</text>`,
  );

  // Clip to the plot so a track wandering off the area does not paint over the axes.
  parts.push(`<clipPath id="plotclip"><rect x="${r1(ml)}" y="${r1(mt)}" width="${r1(pw)}" height="${r1(ph)}"/></clipPath>`);
  parts.push('<g clip-path="url(#plotclip)">');

  // One <path> per trajectory (gaps become separate "M" subpaths) with one <title> for hovering:
  // per-segment elements would cost more bytes than the coordinates for fragmented output.
  const totalTruth = input.truth.reduce((a, t) => a + t.states.length, 0);
  const truthStride = Math.max(1, Math.ceil(totalTruth / TRUTH_POINT_BUDGET));
  parts.push('<g class="truth">');
  for (const tr of input.truth) {
    const d = pathData(segments(tr, truthStride, maxGap, X, Y, MIN_PX));
    if (d) parts.push(`<path d="${d}"><title>truth ${escapeHtml(String(tr.id))}</title></path>`);
  }
  parts.push('</g>');

  const totalTrack = input.tracks.reduce((a, t) => a + t.states.length, 0);
  const trackStride = Math.max(1, Math.ceil(totalTrack / TRACK_POINT_BUDGET));
  parts.push('<g class="tracks">');
  for (const tr of input.tracks) {
    const d = pathData(segments(tr, trackStride, maxGap, X, Y, MIN_PX));
    if (!d) continue;
    const col = trackColour(tr.id);
    // A dot where the track was first reported shows where (re)initiation happened.
    const first = tr.states.find((s) => Number.isFinite(s[1]) && Number.isFinite(s[2]))!;
    parts.push(
      `<g stroke="${col}" fill="${col}"><title>track ${escapeHtml(String(tr.id))}</title><path d="${d}"/><circle cx="${r1(X(first[1]))}" cy="${r1(Y(first[2]))}" r="1.6"/></g>`,
    );
  }
  parts.push('</g></g>');
  parts.push(`<rect x="${r1(ml)}" y="${r1(mt)}" width="${r1(pw)}" height="${r1(ph)}" class="frame"/>`);
  parts.push('</svg>');
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Time-series charts

interface Series {
  name: string;
  colour: string;
  values: ReadonlyArray<number>;
  dash?: boolean;
}

interface RefLine {
  value: number;
  label: string;
  colour: string;
}

/**
 * Min/max bucketing to at most ~2 points per pixel column: unlike striding it keeps spikes
 * (a burst of false tracks must stay visible however long the run).
 */
function decimate(xs: ReadonlyArray<number>, ys: ReadonlyArray<number>, buckets: number): [number, number][] {
  const n = Math.min(xs.length, ys.length);
  const out: [number, number][] = [];
  if (n <= 2 * buckets) {
    for (let i = 0; i < n; i++) if (Number.isFinite(ys[i])) out.push([xs[i], ys[i]]);
    return out;
  }
  const per = n / buckets;
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor(b * per);
    const hi = Math.min(n, Math.floor((b + 1) * per));
    let iMin = -1;
    let iMax = -1;
    for (let i = lo; i < hi; i++) {
      if (!Number.isFinite(ys[i])) continue;
      if (iMin < 0 || ys[i] < ys[iMin]) iMin = i;
      if (iMax < 0 || ys[i] > ys[iMax]) iMax = i;
    }
    if (iMin < 0) continue;
    const [a, c] = iMin <= iMax ? [iMin, iMax] : [iMax, iMin];
    out.push([xs[a], ys[a]]);
    if (c !== a) out.push([xs[c], ys[c]]);
  }
  return out;
}

function lineChart(title: string, yLabel: string, times: ReadonlyArray<number>, series: Series[], refs: RefLine[] = []): string {
  const W = 820;
  const H = 260;
  const ml = 72;
  const mr = 16;
  const mt = 34;
  const mb = 42;
  const pw = W - ml - mr;
  const ph = H - mt - mb;
  const t0 = times.length ? times[0] : 0;
  const t1 = times.length > 1 ? times[times.length - 1] : t0 + 1;
  let ymax = 0;
  for (const s of series) for (const v of s.values) if (Number.isFinite(v) && v > ymax) ymax = v;
  for (const r of refs) if (Number.isFinite(r.value) && r.value > ymax) ymax = r.value;
  if (ymax <= 0) ymax = 1;
  // Top of the y axis on a tick just above the data, so the highest gridline is labelled.
  const { step: ys } = niceTicks(0, ymax, 5);
  const ytop = Math.ceil((ymax * 1.02) / ys) * ys;
  const yt: number[] = [];
  for (let v = 0; v <= ytop + ys * 1e-9; v += ys) yt.push(v);
  const { ticks: xt, step: xs } = niceTicks(t0, t1, 8);
  const X = (t: number): number => ml + ((t - t0) / (t1 - t0 || 1)) * pw;
  const Y = (v: number): number => mt + ph - (v / ytop) * ph;

  const p: string[] = [];
  p.push(`<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(title)}">`);
  p.push(`<rect x="${ml}" y="${mt}" width="${pw}" height="${ph}" class="plotbg"/>`);
  for (const v of yt) {
    if (v > ytop + 1e-9) continue;
    p.push(`<line x1="${ml}" y1="${r1(Y(v))}" x2="${ml + pw}" y2="${r1(Y(v))}" class="grid"/>`);
    p.push(`<text x="${ml - 6}" y="${r1(Y(v) + 4)}" class="tick" text-anchor="end">${tickLabel(v, ys)}</text>`);
  }
  for (const v of xt) {
    if (v < t0 - 1e-9 || v > t1 + 1e-9) continue;
    p.push(`<line x1="${r1(X(v))}" y1="${mt}" x2="${r1(X(v))}" y2="${mt + ph}" class="grid"/>`);
    p.push(`<text x="${r1(X(v))}" y="${mt + ph + 16}" class="tick" text-anchor="middle">${tickLabel(v, xs)}</text>`);
  }
  p.push(`<text x="${ml + pw / 2}" y="${H - 6}" class="axlabel" text-anchor="middle">time [s]</text>`);
  p.push(`<text x="14" y="${mt + ph / 2}" class="axlabel" text-anchor="middle" transform="rotate(-90 14 ${mt + ph / 2})">${escapeHtml(yLabel)}</text>`);
  p.push(`<text x="${ml}" y="20" class="ctitle">${escapeHtml(title)}</text>`);

  for (const r of refs) {
    if (!Number.isFinite(r.value)) continue;
    p.push(`<line x1="${ml}" y1="${r1(Y(r.value))}" x2="${ml + pw}" y2="${r1(Y(r.value))}" stroke="${r.colour}" class="ref"/>`);
  }
  for (const s of series) {
    const pts = decimate(times, s.values, pw).map(([t, v]) => `${r1(X(t))},${r1(Y(v))}`);
    if (pts.length === 0) continue;
    p.push(`<polyline points="${pts.join(' ')}" stroke="${s.colour}" class="series${s.dash ? ' dash' : ''}"/>`);
  }
  p.push(`<rect x="${ml}" y="${mt}" width="${pw}" height="${ph}" class="frame"/>`);

  // Legend along the top right, right-aligned so it never covers the title.
  const items = [
    ...series.map((s) => ({ label: s.name, colour: s.colour, dash: !!s.dash, ref: false })),
    ...refs.map((r) => ({ label: r.label, colour: r.colour, dash: true, ref: true })),
  ];
  let lx = ml + pw;
  for (let k = items.length - 1; k >= 0; k--) {
    const it = items[k];
    // No text measurement without a browser: ~7 px per 11 px-font character is a safe overestimate.
    const w = 36 + it.label.length * 7;
    lx -= w;
    const cls = it.ref ? 'ref' : `series${it.dash ? ' dash' : ''}`;
    p.push(`<line x1="${r1(lx)}" y1="16" x2="${r1(lx + 18)}" y2="16" stroke="${it.colour}" class="${cls}"/>`);
    p.push(`<text x="${r1(lx + 22)}" y="20" class="legend">${escapeHtml(it.label)}</text>`);
  }
  p.push('</svg>');
  return p.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Page

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; background: #f4f5f7; color: #1d232b; }
main { max-width: 880px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 22px; margin: 4px 0 2px; }
h2 { font-size: 16px; margin: 28px 0 8px; }
.sub { color: #5b6573; margin: 0 0 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0; }
.card { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 8px 14px; min-width: 150px; }
.card .v { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .k { color: #5b6573; font-size: 12px; }
.better { color: #1a7f37; } .worse { color: #b42318; }
table { border-collapse: collapse; background: #fff; border: 1px solid #dde1e6; width: 100%; }
th, td { padding: 5px 10px; border-bottom: 1px solid #eceef1; text-align: right; font-variant-numeric: tabular-nums; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #eef0f3; font-weight: 600; }
td.unit { color: #5b6573; text-align: left; }
figure { margin: 0 0 10px; background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 8px; overflow-x: auto; }
figcaption { color: #5b6573; font-size: 12px; margin-top: 4px; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font: 11px system-ui, sans-serif; fill: #39424e; }
svg .axlabel { font-size: 12px; fill: #1d232b; }
svg .ctitle { font-size: 13px; font-weight: 600; fill: #1d232b; }
svg .legend { font-size: 11px; }
svg .plotbg { fill: #fbfbfc; }
svg .frame { fill: none; stroke: #9aa3ae; stroke-width: 1; }
svg .grid { stroke: #e3e6ea; stroke-width: 1; }
svg .truth path { fill: none; stroke: #8a8f96; stroke-opacity: .55; stroke-width: 1.6; stroke-linejoin: round; stroke-linecap: round; }
svg .tracks path { fill: none; stroke-width: .8; stroke-opacity: .9; stroke-linejoin: round; stroke-linecap: round; }
svg .tracks circle { stroke: none; }
svg .series { fill: none; stroke-width: 1.3; stroke-linejoin: round; }
svg .series.dash { stroke-dasharray: 4 3; }
svg .ref { stroke-width: 1.2; stroke-dasharray: 6 4; }
.note { color: #5b6573; font-size: 12px; }
`;

/** Renders the report page. Pure: same input, same string. */
export function renderReport(input: ReportInput): string {
  const ev = input.evaluation;
  const ss = input.stoneSoup;
  const title = input.title ?? `Centinela — ${input.scenarioName}`;
  const dt = input.scanInterval ?? 1;
  const t0 = input.t0 ?? 0;
  const times = ev.perScan.gospa.map((_, k) => t0 + k * dt);
  const numTracks = input.numTracks ?? ev.numTrackIds;
  const mps = input.measurements !== undefined && input.wallSeconds !== undefined && input.wallSeconds > 0 ? input.measurements / input.wallSeconds : undefined;
  const cp = `${fmt(ev.c, 0)} m`;

  // Table rows: [label, unit, ours, stone soup, lower-is-better?]
  type Row = [string, string, number | undefined, number | undefined, boolean | undefined, number];
  const rows: Row[] = [
    ['Mean GOSPA', 'm', ev.mean.gospa, ss?.gospa, true, 3],
    ['  localisation', 'm²', ev.mean.localisation, ss?.localisation, true, 1],
    ['  missed', 'm²', ev.mean.missed, ss?.missed, true, 1],
    ['  false', 'm²', ev.mean.false, ss?.false, true, 1],
    ['Mean OSPA', 'm', ev.mean.ospa, ss?.ospa, true, 3],
    ['Tracks (distinct ids)', '', numTracks, ss?.tracks, undefined, 0],
    ['ID switches', '', ev.idSwitches, undefined, true, 0],
    ['Fragmentations', '', ev.fragmentations, undefined, true, 0],
    ['Mean truths / scan', '', ev.mean.nTruth, undefined, undefined, 2],
    ['Mean reported tracks / scan', '', ev.mean.nEst, undefined, undefined, 2],
    ['Measurements', '', input.measurements, ss?.measurements, undefined, 0],
    ['Wall time in tracker', 's', input.wallSeconds, ss?.wallSeconds, true, 2],
    ['Measurements per second', '1/s', mps, ss?.measPerSecond, false, 0],
  ];
  const tableRows = rows
    .map(([label, unit, ours, theirs, lowerBetter, digits]) => {
      let delta = '';
      if (ours !== undefined && theirs !== undefined && lowerBetter !== undefined && Number.isFinite(ours) && Number.isFinite(theirs) && theirs !== 0) {
        const rel = (ours - theirs) / Math.abs(theirs);
        const good = lowerBetter ? rel < 0 : rel > 0;
        delta = `<span class="${rel === 0 ? '' : good ? 'better' : 'worse'}">${rel >= 0 ? '+' : '−'}${fmt(Math.abs(rel) * 100, 1)} %</span>`;
      }
      const indent = label.startsWith('  ') ? ' style="padding-left:24px"' : '';
      return `<tr><td${indent}>${escapeHtml(label.trim())}</td><td class="unit">${escapeHtml(unit)}</td><td>${fmt(ours, digits)}</td>${
        ss ? `<td>${fmt(theirs, digits)}</td><td>${delta}</td>` : ''
      }</tr>`;
    })
    .join('\n');

  const gospaDelta =
    ss && Number.isFinite(ss.gospa) && ss.gospa > 0
      ? (() => {
          const rel = (ev.mean.gospa - ss.gospa) / ss.gospa;
          return `<div class="k ${rel <= 0 ? 'better' : 'worse'}">${rel <= 0 ? '−' : '+'}${fmt(Math.abs(rel) * 100, 1)} % vs Stone Soup ${fmt(ss.gospa, 3)}</div>`;
        })()
      : '';
  const cards = [
    `<div class="card"><div class="k">mean GOSPA</div><div class="v">${fmt(ev.mean.gospa, 3)} m</div>${gospaDelta}</div>`,
    `<div class="card"><div class="k">mean OSPA</div><div class="v">${fmt(ev.mean.ospa, 3)} m</div></div>`,
    `<div class="card"><div class="k">tracks / ID switches / fragmentations</div><div class="v">${fmt(numTracks, 0)} / ${fmt(ev.idSwitches, 0)} / ${fmt(ev.fragmentations, 0)}</div></div>`,
    mps !== undefined ? `<div class="card"><div class="k">measurements per second</div><div class="v">${fmt(mps, 0)}</div></div>` : '',
  ].join('\n');

  const ssRef: RefLine[] = ss && Number.isFinite(ss.gospa) ? [{ value: ss.gospa, label: `Stone Soup mean (${ss.config})`, colour: '#b42318' }] : [];
  // GOSPA grows with the number of targets while OSPA is bounded by c, so they get separate charts.
  const gospaChart = lineChart('GOSPA per scan', 'GOSPA [m]', times, [{ name: 'GOSPA', colour: '#1f4e8c', values: ev.perScan.gospa }], ssRef);
  const ospaRef: RefLine[] =
    ss?.ospa !== undefined && Number.isFinite(ss.ospa) ? [{ value: ss.ospa, label: `Stone Soup mean (${ss.config})`, colour: '#b42318' }] : [];
  const ospaChart = lineChart('OSPA per scan', 'OSPA [m]', times, [{ name: 'OSPA', colour: '#6b8e23', values: ev.perScan.ospa }], ospaRef);
  const partsChart = lineChart('GOSPA parts per scan (unrooted)', 'part [m²]', times, [
    { name: 'localisation', colour: '#1f4e8c', values: ev.perScan.localisation },
    { name: 'missed', colour: '#d97706', values: ev.perScan.missed },
    { name: 'false', colour: '#b42318', values: ev.perScan.false },
  ]);
  const cardChart = lineChart('Cardinality per scan', 'count', times, [
    { name: 'truths', colour: '#8a8f96', values: ev.perScan.nTruth },
    { name: 'reported tracks', colour: '#1f4e8c', values: ev.perScan.nEst },
  ]);

  const ssHead = ss ? `<th>Stone Soup best (${escapeHtml(ss.config)})</th><th>Δ</th>` : '';
  const fastestNote =
    ss?.fastestConfig && ss.fastestConfig !== ss.config && ss.fastestMeasPerSecond !== undefined
      ? `<p class="note">Stone Soup's fastest configuration (${escapeHtml(ss.fastestConfig)}) processed ${fmt(ss.fastestMeasPerSecond, 0)} measurements/s.</p>`
      : '';

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p class="sub">Scenario <b>${escapeHtml(input.scenarioName)}</b> · ${fmt(ev.numScans, 0)} scans${input.tracker ? ` · ${escapeHtml(input.tracker)}` : ''}</p>
<div class="cards">
${cards}
</div>

<h2>Trajectories</h2>
<figure>
${trajectoryPlot(input)}
<figcaption>Truth in grey (${fmt(input.truth.length, 0)} targets); reported (online) track positions coloured per track id (${fmt(input.tracks.length, 0)} tracks), a dot where each track was first reported. Equal scale on both axes. Hover a line for its id.</figcaption>
</figure>

<h2>Metrics over time</h2>
<figure>
${gospaChart}
</figure>
<figure>
${ospaChart}
<figcaption>OSPA normalises by the larger cardinality and is bounded by c = ${cp}; a missed target and a far-off estimate cost the same.</figcaption>
</figure>
<figure>
${partsChart}
<figcaption>GOSPA² = localisation + missed + false. Missed and false cost c²/2 = ${fmt((ev.c ** ev.p) / 2, 0)} m² per object.</figcaption>
</figure>
<figure>
${cardChart}
</figure>

<h2>Summary</h2>
<table>
<thead><tr><th>Metric</th><th></th><th>This run</th>${ssHead}</tr></thead>
<tbody>
${tableRows}
</tbody>
</table>
${fastestNote}
<p class="note">Per scan GOSPA (p = ${fmt(ev.p, 0)}, c = ${cp}, α = 2, no switching term) and OSPA (p = ${fmt(ev.p, 0)}, c = ${cp}) on (x, y), averaged over all scans; parts unrooted. Only confirmed tracks reported at each scan are scored. ID switches and fragmentations are counted on the per-scan GOSPA assignment (pairs closer than c); Stone Soup's recorded results do not include them. Measurements per second = measurements ÷ time inside the tracker's per-scan step.</p>
</main>
</body>
</html>
`;
}
