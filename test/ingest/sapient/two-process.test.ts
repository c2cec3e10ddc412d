import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LocalFrame } from '../../../src/geo/enu.js';
import type { SapientDetection } from '../../../src/ingest/sapient/convert.js';
import { SapientServer } from '../../../src/ingest/sapient/server.js';
import { describeStandards, protoDir, repoRoot } from './helpers.js';

/**
 * Two processes: a simulated sensor node (fixtures/sensor-node.mjs, a separate Node process that
 * encodes with protobufjs over the official .proto files) registers over TCP with our fusion
 * node on 127.0.0.1 (ephemeral port), gets its RegistrationAck, reports its position, and sends
 * DetectionReports of a drone flying a straight line: a radar node in range-bearing, a camera
 * node in latitude/longitude. The server must turn every report into a Detection at the right
 * WGS84 position, and — when the sector bridge exists — the radar Detections into one confirmed
 * track.
 */

const here = dirname(fileURLToPath(import.meta.url));
const RADAR = '3f2b8c1e-5d6a-4e7f-9a0b-1c2d3e4f5a6b';
const CAMERA = '7e8f9a0b-1c2d-4e3f-8a5b-6c7d8e9f0a1b';
const SITE = { latDeg: 26.1, lonDeg: -98.26, heightAboveEllipsoidM: 20 };
const T0 = Date.parse('2025-11-14T04:00:00Z');
const N = 30;
const iso = (ms: number) => new Date(ms).toISOString();
const frame = LocalFrame.fromDegrees(SITE);
/** The drone: straight and level-ish, 12 m/s east, 3 m/s south, climbing 0.5 m/s. */
const truth = (t: number): [number, number, number] => [-800 + 12 * t, 1500 - 3 * t, 120 + 0.5 * t];
const DEG = 180 / Math.PI;

function registration(nodeId: string, nodeType: string): Record<string, unknown> {
  const latLng = { locationUnits: 'LOCATION_COORDINATE_SYSTEM_LAT_LNG_DEG_M', locationDatum: 'LOCATION_DATUM_WGS84_E' };
  return {
    timestamp: iso(T0 - 5000), nodeId,
    registration: {
      nodeDefinition: [{ nodeType }],
      icdVersion: 'BSI Flex 335 v2.0',
      name: `simulated ${nodeType}`,
      capabilities: [{ category: 'Sensor', type: 'Detection' }],
      statusDefinition: { statusInterval: { units: 'TIME_UNITS_SECONDS', value: 5 }, locationDefinition: latLng },
      modeDefinition: [{
        modeName: 'Default', modeType: 'MODE_TYPE_PERMANENT', settleTime: { units: 'TIME_UNITS_SECONDS', value: 1 },
        task: { regionDefinition: { regionType: ['REGION_TYPE_AREA_OF_INTEREST'], regionArea: [latLng] } },
      }],
      configData: [{ manufacturer: 'Test', model: nodeType }],
    },
  };
}

function status(nodeId: string): Record<string, unknown> {
  return {
    timestamp: iso(T0 - 4000), nodeId,
    statusReport: {
      reportId: nodeId === RADAR ? '01JCRS0000000000000000000A' : '01JCRS0000000000000000000B', system: 'SYSTEM_OK', info: 'INFO_NEW', mode: 'Default',
      nodeLocation: { x: SITE.lonDeg, y: SITE.latDeg, z: SITE.heightAboveEllipsoidM, coordinateSystem: 'LOCATION_COORDINATE_SYSTEM_LAT_LNG_DEG_M', datum: 'LOCATION_DATUM_WGS84_E' },
    },
  };
}

const reportId = (i: number) => `01JCRS${String(i).padStart(20, '0')}`;

function scriptReports(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < N; i++) {
    const [e, n, u] = truth(i);
    out.push({
      timestamp: iso(T0 + i * 1000), nodeId: RADAR,
      detectionReport: {
        reportId: reportId(i), objectId: '01JCRS0000RADARTRACK000001',
        rangeBearing: {
          azimuth: ((Math.atan2(e, n) * DEG) + 360) % 360, elevation: Math.atan2(u, Math.hypot(e, n)) * DEG, range: Math.hypot(e, n, u),
          azimuthError: 0.3, elevationError: 0.5, rangeError: 4,
          coordinateSystem: 'RANGE_BEARING_COORDINATE_SYSTEM_DEGREES_M', datum: 'RANGE_BEARING_DATUM_TRUE',
        },
        classification: [{ type: 'Air Vehicle', confidence: 0.9, subClass: [{ type: 'UAV Rotary Wing', confidence: 0.8, level: 1 }] }],
        enuVelocity: { eastRate: 12, northRate: -3, upRate: 0.5 },
      },
    });
    if (i % 5 === 0) {
      const g = frame.enuToGeodetic(e, n, u, new Float64Array(3));
      out.push({
        timestamp: iso(T0 + i * 1000), nodeId: CAMERA,
        detectionReport: {
          reportId: reportId(1000 + i), objectId: '01JCRS0000CAMERATRACK00001',
          location: { x: g[1], y: g[0], z: g[2], xError: 8, yError: 8, zError: 15, coordinateSystem: 'LOCATION_COORDINATE_SYSTEM_LAT_LNG_DEG_M', datum: 'LOCATION_DATUM_WGS84_E' },
          classification: [{ type: 'Air Vehicle', confidence: 0.7, subClass: [{ type: 'UAV Rotary Wing', confidence: 0.7, level: 1 }] }],
        },
      });
    }
  }
  return out;
}

describeStandards('SAPIENT two-process: a sensor node process and the fusion node', () => {
  let server: SapientServer;
  const got: SapientDetection[] = [];
  let child: { code: number | null; lines: Record<string, unknown>[]; stderr: string };

  beforeAll(async () => {
    server = await SapientServer.start({ port: 0, onDetection: (d) => got.push(d) });
    const dir = mkdtempSync(join(tmpdir(), 'centinela-sapient-'));
    const scriptFile = join(dir, 'script.json');
    const reports = scriptReports();
    writeFileSync(scriptFile, JSON.stringify({
      nodes: [{ registration: registration(RADAR, 'NODE_TYPE_RADAR'), status: status(RADAR) }, { registration: registration(CAMERA, 'NODE_TYPE_CAMERA'), status: status(CAMERA) }],
      reports, gapMs: 1,
    }));
    child = await new Promise((resolve, reject) => {
      const p = spawn(process.execPath, [join(here, 'fixtures', 'sensor-node.mjs'), String(server.port), protoDir, scriptFile], { cwd: repoRoot });
      let out = '', err = '';
      p.stdout.on('data', (c) => (out += c));
      p.stderr.on('data', (c) => (err += c));
      p.on('error', reject);
      p.on('close', (code) => resolve({ code, stderr: err, lines: out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) }));
    });
    const deadline = Date.now() + 5000;
    while (server.metrics().total.received < 4 + reports.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  it('registers both nodes and hears no Error back', () => {
    expect(child.code, child.stderr).toBe(0);
    const acks = child.lines.filter((l) => l.event === 'registration_ack');
    expect(acks).toEqual([
      { event: 'registration_ack', nodeId: RADAR, accepted: true, from: server.nodeId },
      { event: 'registration_ack', nodeId: CAMERA, accepted: true, from: server.nodeId },
    ]);
    expect(child.lines.filter((l) => l.event === 'reply')).toEqual([]);
    const m = server.metrics();
    expect(m.total).toMatchObject({ received: 4 + N + N / 5, accepted: 4 + N + N / 5, rejected: {} });
    expect(server.node(RADAR)).toMatchObject({ registered: false, sensorKind: 'radar', positionSource: 'status' }); // disconnected now
  });

  it('turns every range-bearing report into a Detection at the right WGS84 position', () => {
    const radar = got.filter((d) => d.nodeId === RADAR);
    expect(radar).toHaveLength(N);
    radar.forEach((d, i) => {
      expect(d.detection.sensorId).toBe(`sapient:${RADAR}`);
      expect(d.detection.timeMs).toBe(T0 + i * 1000);
      expect(d.detection.measurement.kind).toBe('polar');
      const p = d.position!;
      const enu = frame.geodeticToEnu(p.latDeg, p.lonDeg, p.heightAboveEllipsoidM, new Float64Array(3));
      const [e, n, u] = truth(i);
      expect(Math.hypot(enu[0] - e, enu[1] - n, enu[2] - u)).toBeLessThan(1e-6);
      expect(d.velocityEnuMps).toEqual([12, -3, 0.5]);
      expect(d.detection.evidence?.classLabel?.label).toBe('rotary-drone');
      expect(d.detection.evidence?.classLabel?.confidence).toBeCloseTo(0.8, 6);
    });
  });

  it('turns every latitude/longitude report into a position Detection (x = longitude, y = latitude)', () => {
    const cam = got.filter((d) => d.nodeId === CAMERA);
    expect(cam).toHaveLength(N / 5);
    cam.forEach((d, k) => {
      const g = frame.enuToGeodetic(...truth(5 * k), new Float64Array(3));
      expect(d.detection.measurement).toMatchObject({ kind: 'position', latDeg: g[0], lonDeg: g[1] });
      if (d.detection.measurement.kind === 'position') {
        expect(d.detection.measurement.heightAboveEllipsoidM).toBeCloseTo(g[2], 9);
        expect(d.detection.measurement.covarianceEnu).toEqual([64, 0, 0, 0, 64, 0, 0, 0, 225]);
      }
    });
  });

  const haveSector = existsSync(join(repoRoot, 'src', 'fusion', 'sector.ts'));
  it.runIf(haveSector)('feeds the radar Detections through the sector bridge into one confirmed track', async () => {
    const { SectorFusion } = await import('../../../src/fusion/sector.js');
    const { sensorConfigSchema } = await import('../../../src/sim/sensor-models.js');
    const radarConfig = sensorConfigSchema.parse({
      id: `sapient:${RADAR}`, kind: 'radar', position: SITE, measuresRangeRate: false,
      sigmaRangeM: 4, sigmaAzimuthDeg: 0.3, sigmaElevationDeg: 0.5,
    });
    const fusion = new SectorFusion(frame, [radarConfig], { validate: true });
    for (const d of got.filter((x) => x.nodeId === RADAR)) expect(fusion.push(d.detection)).toBe(true);
    fusion.flush();
    const tracks = fusion.reported();
    expect(tracks).toHaveLength(1);
    expect(tracks[0].status).toBe('confirmed');
    const [x, y] = [tracks[0].estimator.x[0], tracks[0].estimator.x[1]];
    const [e, n] = truth(N - 1);
    expect(Math.hypot(x - e, y - n)).toBeLessThan(25);
  });
});
