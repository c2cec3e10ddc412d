/** A small inline SVG line chart (altitude, speed over time). */
import { h, svg } from '../dom.js';

export function sparkline(label: string, times: number[], values: number[], fmt: (v: number) => string, colour: string, testId: string): HTMLElement {
  const W = 300;
  const H = 44;
  const box = h('div', { class: 'spark', 'data-testid': testId });
  const finite = values.filter(Number.isFinite);
  if (times.length < 2 || finite.length < 2) {
    box.append(h('div', { class: 'spark-head' }, h('span', null, label), h('span', { class: 'muted' }, 'no history yet')));
    return box;
  }
  const t0 = times[0];
  const t1 = times[times.length - 1] || t0 + 1;
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (hi - lo < 1e-6) {
    hi += 1;
    lo -= 1;
  }
  const pts: string[] = [];
  for (let i = 0; i < times.length; i++) {
    if (!Number.isFinite(values[i])) continue;
    const x = ((times[i] - t0) / (t1 - t0 || 1)) * (W - 2) + 1;
    const y = H - 2 - ((values[i] - lo) / (hi - lo)) * (H - 4);
    pts.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  }
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', class: 'spark-svg', role: 'img', 'aria-label': `${label} over time` });
  chart.append(svg('polyline', { points: pts.join(' '), fill: 'none', stroke: colour, 'stroke-width': 1.5, 'vector-effect': 'non-scaling-stroke' }));
  const last = finite[finite.length - 1];
  box.append(
    h('div', { class: 'spark-head' }, h('span', null, label), h('b', null, fmt(last)), h('span', { class: 'muted small' }, `${fmt(lo)} – ${fmt(hi)}`)),
    chart,
  );
  return box;
}
