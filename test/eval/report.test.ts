import { describe, it, expect } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateRun, rawOracleFromScenario, truthPerScanFromScenario, type LabelledPoint } from '../../src/eval/evaluate.js';
import { escapeHtml, renderReport, stoneSoupReference, type StoneSoupResults, type Trajectory } from '../../src/eval/report.js';
import type { Scenario } from '../../src/eval/scenario-types.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Two crossing straight-line truths, tracked with a little offset; one track is re-born. */
function smallRun() {
  const K = 30;
  const truthPerScan: LabelledPoint[][] = [];
  const estPerScan: LabelledPoint[][] = [];
  for (let k = 0; k < K; k++) {
    truthPerScan.push([
      { id: 1, x: -300 + 20 * k, y: 0 },
      { id: 2, x: 0, y: -300 + 20 * k },
    ]);
    const e: LabelledPoint[] = [{ id: 100, x: -300 + 20 * k + 3, y: 2 }];
    if (k >= 3 && k !== 15) e.push({ id: k < 15 ? 200 : 201, x: 1, y: -300 + 20 * k - 4 });
    estPerScan.push(e);
  }
  const toTraj = (perScan: LabelledPoint[][]): Trajectory[] => {
    const m = new Map<number, number[][]>();
    perScan.forEach((s, k) => s.forEach((p) => (m.get(p.id) ?? m.set(p.id, []).get(p.id)!).push([k, p.x, p.y, 0, 0])));
    return [...m].map(([id, states]) => ({ id, states }));
  };
  return { truthPerScan, estPerScan, truth: toTraj(truthPerScan), tracks: toTraj(estPerScan) };
}

describe('renderReport', () => {
  it('renders a self-contained page with the SVGs and the table, escaping caller text', () => {
    const run = smallRun();
    const evaluation = evaluateRun(run.truthPerScan, run.estPerScan);
    const evil = '<script>alert("x")</script> & \'co\'';
    const html = renderReport({
      scenarioName: evil,
      tracker: `gnn ${evil}`,
      truth: run.truth,
      tracks: run.tracks,
      evaluation,
      measurements: 1234,
      wallSeconds: 0.5,
      stoneSoup: { config: `gnn_kd${evil}`, gospa: 14.4125, localisation: 100, missed: 50, false: 20, ospa: 6, tracks: 12, measPerSecond: 1344 },
    });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('</html>');
    expect(html).not.toContain('<script');
    expect(html).toContain(escapeHtml(evil));
    expect(escapeHtml(evil)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;');
    // No external resources: no http(s) URLs, no <link>/<img>/@import.
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<link|<img|@import|<iframe/i);
    // Trajectory plot + 4 charts (GOSPA, OSPA, parts, cardinality).
    expect((html.match(/<svg /g) ?? []).length).toBe(5);
    expect((html.match(/<\/svg>/g) ?? []).length).toBe(5);
    expect(html).toContain('<table>');
    expect(html).toContain('Mean GOSPA');
    expect(html).toContain('ID switches');
    expect(html).toContain('Fragmentations');
    expect(html).toContain('Measurements per second');
    expect(html).toContain('2,468'); // 1234 / 0.5 s, grouped
    expect(html).toContain('x (east) [m]');
    expect(html).toContain('track 201');
    expect(html).toContain('1,344'); // Stone Soup column
    // Balanced basic tags as a cheap well-formedness check.
    for (const tag of ['table', 'tr', 'figure', 'main', 'g', 'text', 'title', 'svg']) {
      const open = (html.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length;
      const close = (html.match(new RegExp(`</${tag}>`, 'g')) ?? []).length;
      expect(close, tag).toBe(open);
    }
  });

  it('renders without Stone Soup, timing or tracks, and on an empty run', () => {
    const html = renderReport({ scenarioName: 'empty', truth: [], tracks: [], evaluation: evaluateRun([], []) });
    expect(html).toContain('<svg ');
    expect(html).not.toContain('Stone Soup best');
    expect(html).not.toContain('NaN');
  });

  // Renders a real report (the raw_oracle "tracker" on `small`); set CENTINELA_REPORT_OUT=<dir>
  // to keep the HTML for eyeballing.
  it('renders the small scenario (raw oracle as tracks) when the scenarios are present', (ctx) => {
    const dir = process.env.CENTINELA_SCENARIOS ?? resolve(here, '../../../shared/scenarios');
    if (!existsSync(resolve(dir, 'small.json'))) ctx.skip(`scenarios not found at ${dir}`);
    const sc = JSON.parse(readFileSync(resolve(dir, 'small.json'), 'utf8')) as Scenario;
    const results = JSON.parse(readFileSync(resolve(dir, 'stonesoup-results.json'), 'utf8')) as StoneSoupResults;
    const est = rawOracleFromScenario(sc);
    const evaluation = evaluateRun(truthPerScanFromScenario(sc), est);
    const byId = new Map<number, number[][]>();
    est.forEach((s, k) => s.forEach((p) => (byId.get(p.id) ?? byId.set(p.id, []).get(p.id)!).push([sc.t0 + k * sc.scan_interval, p.x, p.y])));
    const ss = stoneSoupReference(results, 'small');
    expect(ss?.config).toBe('gnn_kd');
    const html = renderReport({
      scenarioName: sc.name,
      tracker: 'raw_oracle (measurements labelled by truth; reference floor)',
      area: sc.area,
      truth: sc.truth,
      tracks: [...byId].map(([id, states]) => ({ id, states })),
      evaluation,
      t0: sc.t0,
      scanInterval: sc.scan_interval,
      measurements: sc.stats?.num_measurements,
      wallSeconds: 1,
      stoneSoup: ss,
    });
    expect(html).toContain('18.442'); // mean GOSPA of the raw oracle
    expect(html.length).toBeLessThan(2_000_000);
    const out = process.env.CENTINELA_REPORT_OUT;
    if (out) {
      mkdirSync(out, { recursive: true });
      writeFileSync(resolve(out, 'report-small-raw-oracle.html'), html);
    }
  });
});
