/**
 * Tracks drawn on a canvas-2D overlay above the map: trails, course leaders, the dark drones'
 * magenta ring, the selection ring, MIL-STD-2525D symbols (milsymbol canvases cached per SIDC and
 * size, blitted with drawImage) and the DARK / RID SPOOF badges.
 *
 * The map (MapLibre) keeps only what is static — basemap, zones, coverage — and renders only
 * when the view moves: where WebGL is software-rendered (SwiftShader, no GPU) one map render of
 * thousands of symbols costs a few hundred milliseconds, a canvas-2D redraw of them a few.
 *
 * Positions are kept in Web Mercator (0‥1); the map gives an affine transform from Mercator to
 * screen pixels (exact without pitch), so a redraw projects 2,000 tracks with a few
 * multiplications each. Clicks are hit-tested against the last drawn positions through a grid.
 */
import type { TrackView } from '../types.js';
import { AFFILIATION_COLOUR } from '../format.js';
import { badgeCanvas, sidcOf, symbolCanvas } from './symbols.js';

/** Mercator → screen [CSS px]: x = a·mx + b·my + e, y = c·mx + d·my + f. */
export type Affine = readonly [a: number, b: number, c: number, d: number, e: number, f: number];

/** Where the overlay's positions come from: the map (or any other view). */
export interface Projector {
  /** The current Mercator → screen transform, or null when there is no view yet. */
  affine(): Affine | null;
  zoom(): number;
}

export const mercX = (lonDeg: number): number => (180 + lonDeg) / 360;
export const mercY = (latDeg: number): number => {
  const lat = Math.max(-85.051129, Math.min(85.051129, latDeg));
  return (180 - (180 / Math.PI) * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))) / 360;
};
export const lonOf = (mx: number): number => mx * 360 - 180;
export const latOf = (my: number): number => (360 / Math.PI) * Math.atan(Math.exp(((180 - my * 360) * Math.PI) / 180)) - 90;

/** Symbol size factor by zoom (as the map's icon-size used to be): 0.6 at z6, 0.85 at z11, 1 at z14. */
function zoomScale(z: number): number {
  if (z <= 6) return 0.6;
  if (z <= 11) return 0.6 + ((z - 6) / 5) * 0.25;
  if (z <= 14) return 0.85 + ((z - 11) / 3) * 0.15;
  return 1;
}

const DARK_R = 16;
const SELECTED_R = 21;
/** Extra reach of a click around a symbol [px] (as the map's 6-px query box). */
const SLOP = 6;
const CELL = 64;

interface Sprite {
  img: HTMLCanvasElement;
  /** Half size in CSS px. */
  hw: number;
  hh: number;
}

export class TrackOverlay {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private widthPx = 0;
  private heightPx = 0;

  // The picture, in draw order (least threatening first; dark drones and spoofs on top).
  private n = 0;
  private ids = new Int32Array(0);
  private mx = new Float64Array(0);
  private my = new Float64Array(0);
  /** Bits: 1 dark, 2 spoof, 4 bird. */
  private flags = new Uint8Array(0);
  private sidcIdx = new Uint16Array(0);
  private sidcs: string[] = [];
  /** Trails and leaders by colour: flat Mercator [x, y, …] per line. */
  private trails = new Map<string, Float64Array[]>();
  private leaders = new Map<string, Float64Array>();

  // The last drawing.
  private sx = new Float32Array(0);
  private sy = new Float32Array(0);
  private drawn = new Int32Array(0);
  private nDrawn = 0;
  private spriteHw = new Float32Array(0);
  private spriteHh = new Float32Array(0);
  private grid: Map<number, number[]> | null = null;
  private lastAffine: Affine | null = null;
  private lastW = 0;
  private lastH = 0;
  private dirty = true;

  private selected: number | null = null;
  private symbolScale = 1;
  /** Cost of the last draw (JavaScript only) [ms]. */
  lastDrawMs = 0;

  /**
   * `parent`: where the canvas goes (positioned at its top left); `sizer`: the element whose size
   * the canvas takes (the map's container).
   */
  constructor(parent: HTMLElement, private readonly sizer: HTMLElement, private readonly projector: Projector, private readonly dpr: number) {
    const c = document.createElement('canvas');
    c.className = 'track-overlay';
    c.setAttribute('data-testid', 'track-overlay');
    c.setAttribute('aria-hidden', 'true');
    parent.append(c);
    this.canvas = c;
    this.ctx = c.getContext('2d')!;
  }

  setSelected(id: number | null): void {
    if (id === this.selected) return;
    this.selected = id;
    this.dirty = true;
  }

  setSymbolScale(k: number): void {
    if (k === this.symbolScale) return;
    this.symbolScale = k;
    this.dirty = true;
  }

  /**
   * A new picture. `lined`: the tracks that get a course leader (and whose trails are drawn);
   * `trails`, when given, replaces the drawn trails (flat [lon, lat, …] per track).
   */
  setTracks(tracks: readonly TrackView[], lined: readonly TrackView[], leaders: boolean, trails?: ReadonlyMap<number, number[]>): void {
    const order = tracks.slice().sort((p, q) => rank(p) - rank(q));
    const n = order.length;
    if (this.ids.length < n) {
      const cap = Math.max(n, Math.ceil(this.ids.length * 1.5), 64);
      this.ids = new Int32Array(cap);
      this.mx = new Float64Array(cap);
      this.my = new Float64Array(cap);
      this.flags = new Uint8Array(cap);
      this.sidcIdx = new Uint16Array(cap);
      this.sx = new Float32Array(cap);
      this.sy = new Float32Array(cap);
      this.drawn = new Int32Array(cap);
      this.spriteHw = new Float32Array(cap);
      this.spriteHh = new Float32Array(cap);
    }
    const sidcIndex = new Map<string, number>();
    const sidcs: string[] = [];
    for (let i = 0; i < n; i++) {
      const t = order[i];
      this.ids[i] = t.trackId;
      this.mx[i] = mercX(t.lonDeg);
      this.my[i] = mercY(t.latDeg);
      this.flags[i] = (t.dark ? 1 : 0) | (t.spoof ? 2 : 0) | (t.classification.cls === 'bird' ? 4 : 0);
      const sidc = sidcOf(t);
      let k = sidcIndex.get(sidc);
      if (k === undefined) {
        k = sidcs.length;
        sidcs.push(sidc);
        sidcIndex.set(sidc, k);
      }
      this.sidcIdx[i] = k;
    }
    this.n = n;
    this.sidcs = sidcs;

    if (trails) {
      const byColour = new Map<string, Float64Array[]>();
      for (const t of lined) {
        const flat = trails.get(t.trackId);
        if (!flat || flat.length < 4) continue;
        const m = new Float64Array(flat.length);
        for (let i = 0; i < flat.length; i += 2) {
          m[i] = mercX(flat[i]);
          m[i + 1] = mercY(flat[i + 1]);
        }
        const colour = colourOf(t);
        let list = byColour.get(colour);
        if (!list) byColour.set(colour, (list = []));
        list.push(m);
      }
      this.trails = byColour;
    }

    const lead = new Map<string, number[]>();
    if (leaders) {
      for (const t of lined) {
        if (t.speedMps <= 1) continue;
        // Where it will be in 30 s on its present course (display only: a flat offset is enough).
        const d = Math.min(t.speedMps * 30, 3000);
        const c = (t.courseDeg * Math.PI) / 180;
        const lat2 = t.latDeg + (d * Math.cos(c)) / 111_320;
        const lon2 = t.lonDeg + (d * Math.sin(c)) / (111_320 * Math.cos((t.latDeg * Math.PI) / 180));
        const colour = colourOf(t);
        let list = lead.get(colour);
        if (!list) lead.set(colour, (list = []));
        list.push(mercX(t.lonDeg), mercY(t.latDeg), mercX(lon2), mercY(lat2));
      }
    }
    this.leaders = new Map([...lead].map(([k, v]) => [k, Float64Array.from(v)]));
    this.dirty = true;
  }

  /** Redraws when the picture or the view changed since the last drawing; true when it drew. */
  draw(): boolean {
    const A = this.projector.affine();
    const w = this.sizer.clientWidth;
    const h = this.sizer.clientHeight;
    if (!A || !w || !h) return false;
    if (!this.dirty && w === this.lastW && h === this.lastH && sameAffine(A, this.lastAffine)) return false;
    const t0 = performance.now();
    this.lastAffine = A;
    this.lastW = w;
    this.lastH = h;
    this.dirty = false;
    this.grid = null;
    const dpr = this.dpr;
    const W = Math.round(w * dpr);
    const H = Math.round(h * dpr);
    const c = this.canvas;
    if (W !== this.widthPx || H !== this.heightPx) {
      c.width = this.widthPx = W;
      c.height = this.heightPx = H;
      c.style.width = `${w}px`;
      c.style.height = `${h}px`;
    }
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, W, H);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const [a, b, cc, d, e, f] = A;

    // Trails, then course leaders: one path per colour.
    ctx.lineJoin = 'round';
    if (this.trails.size) {
      ctx.globalAlpha = 0.55;
      ctx.lineWidth = 1.5;
      for (const [colour, lines] of this.trails) {
        ctx.beginPath();
        for (const m of lines) {
          for (let i = 0; i < m.length; i += 2) {
            const x = a * m[i] + b * m[i + 1] + e;
            const y = cc * m[i] + d * m[i + 1] + f;
            if (i === 0) ctx.moveTo(x, y);
            else ctx.lineTo(x, y);
          }
        }
        ctx.strokeStyle = colour;
        ctx.stroke();
      }
    }
    if (this.leaders.size) {
      ctx.globalAlpha = 0.8;
      ctx.lineWidth = 1.2;
      for (const [colour, m] of this.leaders) {
        ctx.beginPath();
        for (let i = 0; i < m.length; i += 4) {
          ctx.moveTo(a * m[i] + b * m[i + 1] + e, cc * m[i] + d * m[i + 1] + f);
          ctx.lineTo(a * m[i + 2] + b * m[i + 3] + e, cc * m[i + 2] + d * m[i + 3] + f);
        }
        ctx.strokeStyle = colour;
        ctx.stroke();
      }
    }
    ctx.globalAlpha = 1;

    // Project and cull.
    const k = zoomScale(this.projector.zoom()) * this.symbolScale;
    const sprites = this.sidcs.map((s) => sprite(s, k, dpr));
    const margin = 40;
    let nd = 0;
    let nDark = 0;
    let sel = -1;
    for (let i = 0; i < this.n; i++) {
      const x = a * this.mx[i] + b * this.my[i] + e;
      const y = cc * this.mx[i] + d * this.my[i] + f;
      if (x < -margin || y < -margin || x > w + margin || y > h + margin) continue;
      this.sx[nd] = x;
      this.sy[nd] = y;
      this.drawn[nd] = i;
      const sp = sprites[this.sidcIdx[i]];
      this.spriteHw[nd] = sp.hw;
      this.spriteHh[nd] = sp.hh;
      if (this.flags[i] & 1) nDark++;
      if (this.ids[i] === this.selected) sel = nd;
      nd++;
    }
    this.nDrawn = nd;

    // Dark drones' ring (under the symbols, as before), and the selection ring.
    if (nDark) {
      ctx.beginPath();
      for (let j = 0; j < nd; j++) {
        if (!(this.flags[this.drawn[j]] & 1)) continue;
        ctx.moveTo(this.sx[j] + DARK_R, this.sy[j]);
        ctx.arc(this.sx[j], this.sy[j], DARK_R, 0, 2 * Math.PI);
      }
      ctx.fillStyle = 'rgba(255,0,255,0.12)';
      ctx.fill();
      ctx.lineWidth = 2.5;
      ctx.strokeStyle = '#ff00ff';
      ctx.stroke();
    }
    if (sel >= 0) {
      ctx.beginPath();
      ctx.arc(this.sx[sel], this.sy[sel], SELECTED_R, 0, 2 * Math.PI);
      ctx.fillStyle = 'rgba(255,255,255,0.08)';
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#ffffff';
      ctx.stroke();
    }

    // Symbols, blitted at whole device pixels (no resampling), in device pixels.
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    let alpha = 1;
    for (let j = 0; j < nd; j++) {
      const i = this.drawn[j];
      const want = this.flags[i] & 4 ? 0.55 : 1;
      if (want !== alpha) ctx.globalAlpha = alpha = want;
      const sp = sprites[this.sidcIdx[i]];
      ctx.drawImage(sp.img, Math.round((this.sx[j] - sp.hw) * dpr), Math.round((this.sy[j] - sp.hh) * dpr));
    }
    ctx.globalAlpha = 1;
    // The selected track once more, on top of its neighbours.
    if (sel >= 0) {
      const sp = sprites[this.sidcIdx[this.drawn[sel]]];
      ctx.drawImage(sp.img, Math.round((this.sx[sel] - sp.hw) * dpr), Math.round((this.sy[sel] - sp.hh) * dpr));
    }

    // Badges: DARK (magenta) or RID SPOOF (yellow), right of the symbol.
    if (nDark || this.hasSpoof(nd)) {
      const dark = badgeCanvas('DARK', '#ff00ff', '#fff', dpr);
      const spoof = badgeCanvas('RID SPOOF', '#ffd600', '#000', dpr);
      for (let j = 0; j < nd; j++) {
        const fl = this.flags[this.drawn[j]];
        if (!(fl & 3)) continue;
        const img = fl & 2 ? spoof : dark;
        ctx.drawImage(img, Math.round((this.sx[j] + 14) * dpr), Math.round((this.sy[j] - 12) * dpr - img.height / 2));
      }
    }
    this.lastDrawMs = performance.now() - t0;
    return true;
  }

  private hasSpoof(nd: number): boolean {
    for (let j = 0; j < nd; j++) if (this.flags[this.drawn[j]] & 2) return true;
    return false;
  }

  /** The track drawn topmost at a point of the map [CSS px], or null. */
  hit(x: number, y: number): number | null {
    if (!this.grid) this.grid = this.buildGrid();
    const cx = Math.floor(x / CELL);
    const cy = Math.floor(y / CELL);
    // The topmost drawn wins: the selected track, then the latest in draw order.
    let best = -1;
    let bestRank = -1;
    for (let gx = cx - 1; gx <= cx + 1; gx++) {
      for (let gy = cy - 1; gy <= cy + 1; gy++) {
        const cell = this.grid.get(key(gx, gy));
        if (!cell) continue;
        for (const j of cell) {
          const i = this.drawn[j];
          const r = this.ids[i] === this.selected ? this.nDrawn : j;
          if (r <= bestRank) continue;
          const dx = Math.abs(x - this.sx[j]);
          const dy = Math.abs(y - this.sy[j]);
          const onSymbol = dx <= this.spriteHw[j] + SLOP && dy <= this.spriteHh[j] + SLOP;
          const onRing = this.flags[i] & 1 && dx * dx + dy * dy <= (DARK_R + SLOP) ** 2;
          if (onSymbol || onRing) {
            best = j;
            bestRank = r;
          }
        }
      }
    }
    return best >= 0 ? this.ids[this.drawn[best]] : null;
  }

  private buildGrid(): Map<number, number[]> {
    const g = new Map<number, number[]>();
    for (let j = 0; j < this.nDrawn; j++) {
      const k = key(Math.floor(this.sx[j] / CELL), Math.floor(this.sy[j] / CELL));
      const cell = g.get(k);
      if (cell) cell.push(j);
      else g.set(k, [j]);
    }
    return g;
  }
}

/** Draw order: threat, with dark drones and Remote ID spoofs above everything else. */
const rank = (t: TrackView): number => t.threat.score + (t.dark ? 2000 : 0) + (t.spoof ? 1000 : 0);

const colourOf = (t: TrackView): string => AFFILIATION_COLOUR[t.affiliation] ?? AFFILIATION_COLOUR.unknown;

const key = (gx: number, gy: number): number => (gx + 4096) * 8192 + (gy + 4096);

function sameAffine(p: Affine, q: Affine | null): boolean {
  if (!q) return false;
  for (let i = 0; i < 6; i++) if (Math.abs(p[i] - q[i]) > 1e-9 * Math.max(1, Math.abs(p[i]))) return false;
  return true;
}

const sprites = new Map<string, Sprite>();

/** A symbol at a size factor (quantised to 5 %, so a zoom animation draws a handful of sizes). */
function sprite(sidc: string, k: number, dpr: number): Sprite {
  const q = Math.max(1, Math.round(k * 20)) / 20;
  const id = `${sidc}@${q}@${dpr}`;
  let s = sprites.get(id);
  if (!s) {
    const img = symbolCanvas(sidc, q * dpr);
    s = { img, hw: img.width / 2 / dpr, hh: img.height / 2 / dpr };
    sprites.set(id, s);
  }
  return s;
}
