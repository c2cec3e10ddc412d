/**
 * MIL-STD-2525D symbols for tracks, drawn by milsymbol once per SIDC and size and cached: the
 * track overlay (trackOverlay.ts) blits them onto its canvas, never one DOM element per track.
 *
 * SIDC (20 digits): version 10 · context 0 (reality) · standard identity · symbol set ·
 * status (0 present, 1 planned/anticipated: dashed frame, used for coasting tracks) · 0 · 00 ·
 * entity (6) · modifiers 0000.
 */
import { ms } from 'milsymbol/src/milsymbol.js';
import air from 'milsymbol/src/numbersidc/sidc/air.js';
import type { TrackView } from '../types.js';

// Only what the UI draws: milsymbol's 2525D air set, and of the land-equipment set (whose icon
// parts weigh 360 kB) just the utility vehicle, its path copied from milsymbol's ground parts.
ms.addIcons([
  air,
  {
    type: 'number',
    iconParts: (icn: Record<string, unknown>) => {
      icn['CENTINELA.UTILITY VEHICLE'] = { type: 'path', fill: false, d: 'm 70,65 c 0,15 60,15 60,0 l 0,65 -60,0 z' };
    },
    icons: (sId: Record<string, unknown>, _m1: unknown, _m2: unknown, _bbox: unknown, symbolSet: string, icn: Record<string, unknown>) => {
      if (symbolSet === '15') sId['140100'] = [icn['CENTINELA.UTILITY VEHICLE']];
    },
  },
]);

const IDENTITY: Record<string, string> = { friend: '3', neutral: '4', unknown: '1', suspect: '5', hostile: '6' };

/** Symbol set and entity per class. */
const ENTITY: Record<string, [string, string]> = {
  'rotary-drone': ['01', '110400'], // air · vertical-takeoff UAV
  'fixed-wing-drone': ['01', '110300'], // air · unmanned aerial vehicle
  'manned-aircraft': ['01', '120000'], // air · civilian aircraft
  bird: ['01', '000000'], // air track, no icon (told apart by a faded symbol)
  unknown: ['01', '000000'],
  'ground-vehicle': ['15', '140100'], // land equipment · utility vehicle
};

export function sidcOf(t: Pick<TrackView, 'affiliation' | 'status' | 'classification'>): string {
  const si = IDENTITY[t.affiliation] ?? '1';
  const [set, entity] = ENTITY[t.classification.cls] ?? ENTITY.unknown;
  const status = t.status === 'coasting' ? '1' : '0';
  return `100${si}${set}${status}000${entity}0000`;
}

/**
 * A CoT type's 2525D symbol code (the atoms after "a-": affiliation, then battle dimension): a
 * friendly ground team "a-f-G-U-C" is a friendly land unit. Function atoms beyond the dimension
 * are not mapped (the frame and colour are what an operator reads at a glance).
 */
export function sidcOfCotType(type: string): string {
  const atoms = type.split('-');
  const identity = { p: '0', u: '1', a: '2', f: '3', n: '4', s: '5', h: '6', j: '6', k: '6' }[atoms[1] ?? ''] ?? '1';
  const set = { A: '01', P: '05', G: '10', S: '30', U: '35' }[atoms[2] ?? ''] ?? '10';
  return `100${identity}${set}0000000000000000`;
}

export const SYMBOL_SIZE = 22;

const cache = new Map<string, HTMLCanvasElement>();

/** The symbol, centred on its anchor, drawn at `scale` (device pixel ratio). */
export function symbolCanvas(sidc: string, scale = 1): HTMLCanvasElement {
  const key = `${sidc}@${scale}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const sym = new ms.Symbol(sidc, { size: SYMBOL_SIZE * scale, civilianColor: false, outlineWidth: 2 * scale, outlineColor: 'rgba(0,0,0,0.85)', strokeWidth: 3 });
  const src = sym.asCanvas();
  const a = sym.getAnchor();
  // Pad so the anchor is the canvas centre (the map centres icons on the point).
  const halfW = Math.ceil(Math.max(a.x, src.width - a.x));
  const halfH = Math.ceil(Math.max(a.y, src.height - a.y));
  const out = document.createElement('canvas');
  out.width = halfW * 2;
  out.height = halfH * 2;
  out.getContext('2d')!.drawImage(src, halfW - a.x, halfH - a.y);
  cache.set(key, out);
  return out;
}

const badges = new Map<string, HTMLCanvasElement>();

/** A small badge with text, drawn on a canvas once per text and scale. */
export function badgeCanvas(text: string, bg: string, fg: string, scale: number): HTMLCanvasElement {
  const id = `${text}@${bg}@${fg}@${scale}`;
  const hit = badges.get(id);
  if (hit) return hit;
  const c = document.createElement('canvas');
  const ctx = c.getContext('2d')!;
  const font = `bold ${10 * scale}px system-ui, sans-serif`;
  ctx.font = font;
  const w = Math.ceil(ctx.measureText(text).width + 8 * scale);
  const hgt = Math.ceil(14 * scale);
  c.width = w;
  c.height = hgt;
  ctx.fillStyle = bg;
  ctx.strokeStyle = 'rgba(0,0,0,0.8)';
  ctx.lineWidth = scale;
  ctx.beginPath();
  ctx.roundRect(0.5 * scale, 0.5 * scale, w - scale, hgt - scale, 3 * scale);
  ctx.fill();
  ctx.stroke();
  ctx.font = font;
  ctx.fillStyle = fg;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, w / 2, hgt / 2 + 0.5 * scale);
  badges.set(id, c);
  return c;
}

/** Diagonal hatching for no-fly areas (a fill-pattern image). */
export function hatchImage(colour: string, scale: number): ImageData {
  const s = Math.round(12 * scale);
  const c = document.createElement('canvas');
  c.width = s;
  c.height = s;
  const ctx = c.getContext('2d', { willReadFrequently: true })!;
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1.5 * scale;
  ctx.beginPath();
  ctx.moveTo(0, s);
  ctx.lineTo(s, 0);
  ctx.moveTo(-s / 2, s / 2);
  ctx.lineTo(s / 2, -s / 2);
  ctx.moveTo(s / 2, s * 1.5);
  ctx.lineTo(s * 1.5, s / 2);
  ctx.stroke();
  return ctx.getImageData(0, 0, s, s);
}
