import { describe, expect, it } from 'vitest';
import { formatRfc3339, parseRfc3339, sapientFromJson, sapientToJson } from '../../../src/ingest/sapient/json.js';
import { encodeSapientMessage } from '../../../src/ingest/sapient/schema.js';
import { parseSapientJson } from '../../../src/ingest/sapient/validate.js';

const NODE = 'a8654cdf-4328-47de-81fa-c495589e30c8';

describe('proto3 JSON', () => {
  it('parses RFC 3339 times with any fraction and offset, within 0001–9999', () => {
    expect(parseRfc3339('2023-07-07T12:44:17.027638700Z')).toEqual({ seconds: 1688733857, nanos: 27638700 });
    expect(parseRfc3339('2023-07-07T14:44:17+02:00')).toEqual({ seconds: 1688733857, nanos: 0 });
    expect(parseRfc3339('0001-01-01T00:00:00Z')).toEqual({ seconds: -62135596800, nanos: 0 });
    for (const bad of ['AAA', '2023-02-29T00:00:00Z', '2023-07-07 12:44:17Z', '2023-07-07T24:00:00Z', '2023-07-07T12:44:17.0000000001Z', '2023-07-07T12:44:17']) {
      expect(parseRfc3339(bad), bad).toBeNull();
    }
  });

  it('prints times with 0, 3, 6 or 9 fraction digits', () => {
    expect(formatRfc3339(1688733857, 27638700)).toBe('2023-07-07T12:44:17.027638700Z');
    expect(formatRfc3339(1688733857, 27000000)).toBe('2023-07-07T12:44:17.027Z');
    expect(formatRfc3339(1688733857, 0)).toBe('2023-07-07T12:44:17Z');
    expect(formatRfc3339(-62135596800, 0)).toBe('0001-01-01T00:00:00Z');
  });

  it('accepts numbers as strings, enums as numbers, proto names as keys; drops implicit defaults', () => {
    const r = sapientFromJson({
      timestamp: '2023-07-07T12:44:17Z', node_id: NODE,
      statusReport: { reportId: '01GGYFBAV4EEPB1398MKQ47E6E', system: 1, info: 'INFO_NEW', mode: 'm', power: { level: '42', source: 'POWERSOURCE_UNSPECIFIED', status: 'POWERSTATUS_OK' } },
    });
    expect(r.violations).toEqual([]);
    const power = (r.message.status_report as Record<string, unknown>).power as Record<string, unknown>;
    expect(power).toEqual({ level: 42, status: 1 }); // source = 0 has implicit presence: not set
  });

  it('reports wrong types, unknown names, duplicates and two oneof members, all at once', () => {
    const r = sapientFromJson({
      timestamp: '2023-07-07T12:44:17Z', nodeId: NODE, node_id: NODE, bogus: 1,
      registrationAck: { acceptance: 'yes' },
      error: { packet: '!!!' },
      alertAck: { alertAckStatus: 'ALERT_ACK_STATUS_MAYBE' },
    });
    const rules = r.violations.map((v) => `${v.rule} ${v.path}`);
    expect(rules).toEqual([
      'json_type node_id',
      'json_unknown_field bogus',
      'json_type registration_ack.acceptance',
      'oneof_exclusive error',
      'oneof_exclusive alert_ack',
    ]);
  });

  it('rejects what is not a JSON object', () => {
    expect(parseSapientJson('[1,2]').violations[0].rule).toBe('json_syntax');
    expect(parseSapientJson('{').violations[0].rule).toBe('json_syntax');
    expect(parseSapientJson('{}').violations.map((v) => v.rule)).toEqual(['is_mandatory', 'is_mandatory', 'oneof_mandatory']);
  });

  it('prints what it parses (floats as float32 shortest, bytes base64, enums by name)', () => {
    const json = {
      timestamp: '2023-07-07T12:44:17.027Z', nodeId: NODE,
      error: { packet: 'VGhpcyBpcyBhIHRlc3Qu', errorMessage: ['x'] },
    };
    const r = sapientFromJson(json);
    expect(sapientToJson(r.message)).toEqual(json);
    const d = sapientFromJson({
      timestamp: '2023-07-07T12:44:17Z', nodeId: NODE,
      detectionReport: { reportId: '01GGYFBAXGDG7AGAHRZ6XSNY12', objectId: '01GGYFBAXH4VYRQYEX7S3XGK3H', detectionConfidence: 0.99, location: { x: 1, y: 2, coordinateSystem: 'LOCATION_COORDINATE_SYSTEM_LAT_LNG_DEG_M', datum: 'LOCATION_DATUM_WGS84_E' } },
    });
    const bytes = encodeSapientMessage(d.message);
    expect(bytes.length).toBeGreaterThan(0);
    const out = sapientToJson(d.message) as { detectionReport: { detectionConfidence: number; location: { datum: string } } };
    expect(out.detectionReport.detectionConfidence).toBe(0.99);
    expect(out.detectionReport.location.datum).toBe('LOCATION_DATUM_WGS84_E');
  });
});
