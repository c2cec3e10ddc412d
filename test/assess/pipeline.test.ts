import { describe, expect, it } from 'vitest';
import { Assessor } from '../../src/assess/assessor.js';
import { AssessedSector, assessSensorsFrom } from '../../src/assess/pipeline.js';
import { opsJson, runOpsScenario, summarizeOps } from '../../src/cli/ops.js';
import { zonesOf } from '../../src/pipeline/site.js';
import { SectorFusion } from '../../src/fusion/sector.js';
import { LocalFrame } from '../../src/geo/enu.js';
import type { Detection } from '../../src/model/detection.js';
import { loadSimScenario } from '../../src/sim/scenario.js';
import { sensorConfigSchema, type SensorConfig } from '../../src/sim/sensor-models.js';

const origin = { latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 10 };
const frame = LocalFrame.fromDegrees(origin);
const configs: SensorConfig[] = [
  { id: 'radar', kind: 'radar', position: { latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 25 }, sigmaRangeM: 5, sigmaAzimuthDeg: 0.5, sigmaElevationDeg: 0.7 },
  { id: 'rf', kind: 'rf', position: { latDeg: 26.092, lonDeg: -98.25, heightAboveEllipsoidM: 12 } },
].map((c) => sensorConfigSchema.parse(c));
const T0 = Date.parse('2025-11-14T04:00:00Z');
const DEG = Math.PI / 180;

describe('fusion → assessment', () => {
  it('carries each detection\'s evidence to the track it went to', () => {
    const fusion = new SectorFusion(frame, configs);
    const sensors = assessSensorsFrom(configs, frame);
    expect(sensors.map((s) => s.kind)).toEqual(['radar', 'rf']);
    expect(sensors[1].halfPdRangeM).toBeGreaterThan(0);
    const scenario = loadSimScenario('border-night');
    const assessor = new Assessor({ zones: zonesOf(scenario, frame), sensors, frame });
    const pipe = new AssessedSector(fusion, assessor, { assessEveryMs: 500 });
    const radarPos = frame.geodeticToEnu(26.09, -98.25, 25, new Float64Array(3));
    const rfPos = frame.geodeticToEnu(26.092, -98.25, 12, new Float64Array(3));
    const sigma = { rangeM: 5, azimuthRad: 0.5 * DEG, elevationRad: 0.7 * DEG, rangeRateMps: 0.3 };
    for (let k = 0; k < 60; k++) {
      const x = -1500 + 12 * k, y = 800, z = 50;
      const dx = x - radarPos[0], dy = y - radarPos[1], dz = z - radarPos[2];
      const r = Math.hypot(dx, dy, dz);
      const plot: Detection = {
        sensorId: 'radar', timeMs: T0 + k * 1000,
        measurement: { kind: 'polar', rangeM: r, azimuthRad: Math.atan2(dx, dy), elevationRad: Math.atan2(dz, Math.hypot(dx, dy)), rangeRateMps: (dx * 12) / r, sigma },
        evidence: { classLabel: { label: 'rotary-drone', confidence: 0.85 } },
      };
      expect(pipe.push(plot)).toBe(true);
      const az = Math.atan2(x - rfPos[0], y - rfPos[1]);
      pipe.push({ sensorId: 'rf', timeMs: T0 + k * 1000 + 300, measurement: { kind: 'bearing', azimuthRad: (az + 2 * Math.PI) % (2 * Math.PI), sigma: { azimuthRad: 3 * DEG } }, evidence: { rf: { protocol: 'ExpressLRS 900', frequencyMHz: 915, emitterId: 'rf-1' } } });
    }
    pipe.flush();
    const reported = assessor.assessments();
    expect(reported).toHaveLength(1);
    const a = reported[0];
    expect(a.classification.cls).toBe('rotary-drone');
    expect(a.classification.reasons.some((r) => r.startsWith('radar labels:'))).toBe(true);
    expect(a.identities.rf).toBe('rf-1');
    expect(a.dark).toBe(false);
  });
});

describe('the operational benchmark', () => {
  it('runs the whole chain on a simulator scenario, deterministically, and reports the issue\'s keys', () => {
    const scenario = loadSimScenario('border-night');
    const a = runOpsScenario(scenario, { seed: 1, durationS: 240, now: () => 0 });
    const b = runOpsScenario(scenario, { seed: 1, durationS: 240, now: () => 0 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const j = opsJson(summarizeOps([a]));
    for (const k of ['crossingsAlerted', 'timeToAlertP50', 'timeToAlertP95', 'darkPrecision', 'darkRecall', 'dropErrorMedian', 'launchErrorMedian', 'falseAlertsPer24h', 'droneVsBirdAccuracy', 'mannedAlertedAsDrone', 'gospa']) {
      expect(j).toHaveProperty(k);
    }
    expect(a.mannedAlertedAsDrone).toBe(0);
    expect(a.gospaScans).toBeGreaterThan(200);
    expect(j.gospa).toBeGreaterThan(0);
  });
});
