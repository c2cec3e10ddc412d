import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { loadSiteFile, parseSiteFile, SiteFileError } from '../../src/service/site-file.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'centinela-site-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BASE = `
name: test-site
sector:
  origin: { latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 10 }
sensors:
  - { id: radar-1, kind: radar, position: { latDeg: 26.1, lonDeg: -98.26, heightAboveEllipsoidM: 25 }, measuresRangeRate: false }
  - { id: adsb-1, kind: adsb, position: { latDeg: 26.12, lonDeg: -98.24, heightAboveEllipsoidM: 20 } }
  - { id: rid-1, kind: remoteid, position: { latDeg: 26.1, lonDeg: -98.25, heightAboveEllipsoidM: 15 } }
`;

/** Parses BASE + extra YAML as a file in the temp dir; returns the error's issues (or [] when it loads). */
function issuesOf(extra: string, base = BASE): string[] {
  try {
    parseSiteFile(base + extra, join(dir, 'site.yaml'));
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(SiteFileError);
    expect((err as SiteFileError).message.startsWith('site.yaml: ')).toBe(true);
    return (err as SiteFileError).issues;
  }
}

describe('site file', () => {
  it('loads examples/site.yaml (Hidalgo, loopback feeds) into a Site the pipeline runs', () => {
    const f = loadSiteFile(join(root, 'examples', 'site.yaml'));
    expect(f.site.name).toBe('hidalgo');
    expect(f.site.origin).toEqual({ latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 10 });
    expect(f.site.region).toEqual({ xmin: -8000, xmax: 9000, ymin: -6000, ymax: 8000 });
    expect(f.site.sensors.map((s) => s.id)).toContain('radar-hidalgo');
    expect(f.site.zones.features.map((z) => z.properties.kind)).toEqual(['border', 'protected-site', 'protected-site', 'protected-site', 'protected-site']);
    expect(f.sources.map((s) => [s.id, s.kind])).toEqual([['sapient', 'sapient'], ['adsb', 'adsb-beast'], ['remoteid', 'remoteid-tcp'], ['blue-force', 'cot-tcp']]);
    expect(f.sinks.map((s) => [s.id, s.kind])).toEqual([['tak', 'tak-tcp'], ['sapient-up', 'sapient']]);
    for (const s of [...f.sources, ...f.sinks]) if ('host' in s) expect(s.host).toBe('127.0.0.1');
    const sapient = f.sources[0];
    expect(sapient.kind === 'sapient' && sapient.nodes).toHaveLength(5);
    // The pipeline accepts it as it is (zones parse in its frame, sensors build).
    const p = new Pipeline(f.site, null);
    expect(p.fusion.specs).toHaveLength(f.site.sensors.length);
  });

  it('fills defaults: ids, ports, region none, everyMs, TAK uid prefix left to the sink', () => {
    const f = parseSiteFile(`${BASE}
sources:
  - { kind: adsb-sbs, host: 127.0.0.1, sensor: adsb-1 }
  - { kind: sapient, nodes: [{ nodeId: 3F2B8C1E-5D6A-4E7F-9A0B-1C2D3E4F5A6B, sensor: radar-1 }] }
sinks:
  - { kind: tak-multicast }
`, join(dir, 'site.yaml'));
    expect(f.site.region).toBeNull();
    expect(f.site.zones).toEqual({ type: 'FeatureCollection', features: [] });
    expect(f.sources[0]).toMatchObject({ id: 'adsb-sbs-0', port: 30003 });
    expect(f.sources[1]).toMatchObject({ id: 'sapient-1', host: '127.0.0.1', port: 5020, rangeBearingAs: 'polar' });
    expect(f.sinks[0]).toMatchObject({ id: 'tak-multicast-0', group: '239.2.3.1', port: 6969, ttl: 1, everyMs: 1000, encoding: 'xml' });
  });

  it('makes the sensors SAPIENT nodes feed report-driven (reportIntervalS, default 1 s), and no others', () => {
    const base = BASE.replace('measuresRangeRate: false }', 'measuresRangeRate: false }\n  - { id: cam-1, kind: eoir, position: { latDeg: 26.1, lonDeg: -98.26, heightAboveEllipsoidM: 25 }, reportIntervalS: 0.5 }');
    const f = parseSiteFile(`${base}
sources:
  - { kind: sapient, nodes: [{ nodeId: 3F2B8C1E-5D6A-4E7F-9A0B-1C2D3E4F5A6B, sensor: radar-1 }, { nodeId: 9a1d4e2f-6b3c-4d5e-8f7a-2b3c4d5e6f70, sensor: cam-1 }] }
`, join(dir, 'site.yaml'));
    const interval = (id: string) => f.site.sensors.find((c) => c.id === id)?.reportIntervalS;
    expect([interval('radar-1'), interval('cam-1'), interval('adsb-1'), interval('rid-1')]).toEqual([1, 0.5, undefined, undefined]);
    const p = new Pipeline(f.site, null);
    expect(p.fusion.specs.map((s) => [s.id, s.reportIntervalMs])).toEqual([['radar-1', 1000], ['cam-1', 500], ['adsb-1', 1000], ['rid-1', 1000]]);
    expect(issuesOf('', BASE.replace('measuresRangeRate: false }', 'measuresRangeRate: false, reportIntervalS: 0 }'))[0]).toMatch(/^sensors\[0\]\.reportIntervalS: /);
  });

  it('reads TLS files and Remote ID file paths relative to the site file', () => {
    writeFileSync(join(dir, 'cert.pem'), 'CERT');
    writeFileSync(join(dir, 'key.pem'), 'KEY');
    writeFileSync(join(dir, 'frames.hex'), '');
    const f = parseSiteFile(`${BASE}
sources:
  - { kind: remoteid-file, path: frames.hex, sensor: rid-1 }
sinks:
  - { kind: tak-tcp, host: 127.0.0.1, port: 8089, tls: { cert: cert.pem, key: key.pem } }
`, join(dir, 'site.yaml'));
    expect(f.sources[0]).toMatchObject({ kind: 'remoteid-file', path: join(dir, 'frames.hex'), follow: true });
    const tak = f.sinks[0];
    expect(tak.kind === 'tak-tcp' && tak.tls?.cert?.toString()).toBe('CERT');
    expect(tak.kind === 'tak-tcp' && tak.tls?.rejectUnauthorized).toBe(true);
  });

  const cases: [string, string, RegExp][] = [
    ['a sensor field out of range', '', /^sensors\[0\]\.maxRangeM: /],
    ['an unknown field', '', /^sector\.origin: unknown field "alt"$/],
    ['an unknown source kind', '\nsources:\n  - { kind: adsb-avr, host: h, sensor: adsb-1 }', /^sources\[0\](\.kind)?: unknown kind \(one of: sapient, adsb-beast, adsb-sbs, remoteid-tcp, remoteid-file, cot-multicast, cot-tcp\)$/],
    ['an undeclared sensor', '\nsources:\n  - { kind: adsb-beast, host: 127.0.0.1, sensor: nope }', /^sources\[0\]\.sensor: no sensor "nope" among sensors \(radar-1, adsb-1, rid-1\)$/],
    ['a sensor of the wrong kind', '\nsources:\n  - { kind: remoteid-tcp, host: 127.0.0.1, port: 4242, sensor: radar-1 }', /^sources\[0\]\.sensor: sensor "radar-1" is a radar sensor; this source needs one of kind remoteid$/],
    ['one sensor fed twice', '\nsources:\n  - { kind: adsb-beast, host: a, sensor: adsb-1 }\n  - { kind: adsb-sbs, host: a, sensor: adsb-1 }', /^sources\[1\]\.sensor: sensor "adsb-1" is already fed by sources\[0\]\.sensor/],
    ['a node id that is not a UUID', '\nsources:\n  - { kind: sapient, nodes: [{ nodeId: radar, sensor: radar-1 }] }', /^sources\[0\]\.nodes\[0\]\.nodeId: not a UUID$/],
    ['a port out of range', '\nsources:\n  - { kind: adsb-beast, host: a, port: 70000, sensor: adsb-1 }', /^sources\[0\]\.port: /],
    ['a multicast group that is not one', '\nsinks:\n  - { kind: tak-multicast, group: 10.0.0.1 }', /^sinks\[0\]\.group: not an IPv4 multicast address/],
    ['a TLS file that is missing', '\nsinks:\n  - { kind: tak-tcp, host: a, tls: { cert: missing.pem, key: missing.key } }', /^sinks\[0\]\.tls\.cert: cannot read .*missing\.pem: ENOENT$/],
    ['a missing zones file', '\nzones: nowhere.geojson', /^zones: cannot read .*nowhere\.geojson: ENOENT$/],
    ['a duplicate adapter id', '\nsinks:\n  - { kind: tak-multicast, id: out }\n  - { kind: tak-tcp, id: out, host: a }', /^sinks\[1\]\.id: duplicate adapter id "out"$/],
  ];
  for (const [what, extra, want] of cases) {
    it(`names the field: ${what}`, () => {
      let base = BASE;
      if (what === 'a sensor field out of range') base = BASE.replace('measuresRangeRate: false', 'measuresRangeRate: false, maxRangeM: -5');
      if (what === 'an unknown field') base = BASE.replace('heightAboveEllipsoidM: 10 }', 'heightAboveEllipsoidM: 10, alt: 3 }');
      const issues = issuesOf(extra, base);
      expect(issues.some((i) => want.test(i)), `${JSON.stringify(issues)} should match ${want}`).toBe(true);
    });
  }

  it('names the feature of a zones file that is wrong, and reports YAML syntax errors with their line', () => {
    writeFileSync(join(dir, 'bad-zones.geojson'), JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [-98.25, 26.1] }, properties: { kind: 'protected-site', name: 'Bridge' } }],
    }));
    expect(issuesOf('\nzones: bad-zones.geojson')).toEqual([expect.stringMatching(/^zones: .*bad-zones\.geojson: features\[0\] \(Bridge\): a Point zone needs properties\.radiusM > 0$/)]);
    const yaml = issuesOf('\nsinks: [ { kind: tak-tcp');
    expect(yaml.length).toBeGreaterThan(0);
    for (const i of yaml) expect(i).toMatch(/^YAML line 10, column \d+: /);
  });

  it('reports every problem at once, and a missing site file by name', () => {
    const issues = issuesOf('\nsources:\n  - { kind: adsb-beast, host: a, sensor: nope }\n  - { kind: remoteid-tcp, host: a, port: 1, sensor: adsb-1 }');
    expect(issues).toHaveLength(2);
    expect(() => loadSiteFile(join(dir, 'absent.yaml'))).toThrow(/absent\.yaml: cannot read the site file: ENOENT/);
  });
});
