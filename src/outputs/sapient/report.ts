/**
 * Track snapshots → SAPIENT messages, for a Centinela fusion node reporting to a higher one:
 * the Registration of a fusion node, DetectionReports of fused tracks, StatusReports.
 *
 * Class probabilities map back onto the standard taxonomy, the inverse of the ingest mapping
 * (src/ingest/sapient/convert.ts):
 *   rotary-drone     → Air Vehicle / UAV Rotary Wing
 *   fixed-wing-drone → Air Vehicle / UAV Fixed Wing
 *   manned-aircraft  → Air Vehicle / Manned Rotary Wing and Manned Fixed Wing, half each
 *                      (a fused track rarely knows which; the halves sum back on ingest)
 *   bird             → Animal / Bird
 *   ground-vehicle   → Land Vehicle
 *   unknown          → Unknown
 * Air Vehicle carries the sum of its sub-classes.
 */
import { ENUM, envelope } from '../../ingest/sapient/messages.js';
import { ICD_VERSION, type ProtoObject } from '../../ingest/sapient/schema.js';
import type { GeodeticPosition } from '../../ingest/sapient/convert.js';
import type { ObjectClass } from '../../model/detection.js';
import type { TrackSnapshot } from './track.js';

/** Probabilities below this are left out of a report. */
const MIN_REPORTED = 1e-3;

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/** SAPIENT float fields are float32: round so the JSON form reads cleanly. */
function f32(x: number): number {
  return Math.fround(x);
}

export function classificationFor(p: Partial<Record<ObjectClass, number>> | undefined): ProtoObject[] {
  if (!p) return [];
  const get = (c: ObjectClass) => clamp01(p[c] ?? 0);
  const out: { conf: number; entry: ProtoObject }[] = [];
  const rotary = get('rotary-drone'), fixed = get('fixed-wing-drone'), manned = get('manned-aircraft');
  const air = Math.min(1, rotary + fixed + manned);
  if (air >= MIN_REPORTED) {
    const subs: ProtoObject[] = [];
    const sub = (type: string, c: number) => {
      if (c >= MIN_REPORTED) subs.push({ type, confidence: f32(c), level: 1 });
    };
    sub('UAV Rotary Wing', rotary);
    sub('UAV Fixed Wing', fixed);
    sub('Manned Rotary Wing', manned / 2);
    sub('Manned Fixed Wing', manned / 2);
    subs.sort((a, b) => (b.confidence as number) - (a.confidence as number));
    out.push({ conf: air, entry: { type: 'Air Vehicle', confidence: f32(air), ...(subs.length ? { sub_class: subs } : {}) } });
  }
  const bird = get('bird');
  if (bird >= MIN_REPORTED) out.push({ conf: bird, entry: { type: 'Animal', confidence: f32(bird), sub_class: [{ type: 'Bird', confidence: f32(bird), level: 1 }] } });
  const ground = get('ground-vehicle');
  if (ground >= MIN_REPORTED) out.push({ conf: ground, entry: { type: 'Land Vehicle', confidence: f32(ground) } });
  const unknown = get('unknown');
  if (unknown >= MIN_REPORTED) out.push({ conf: unknown, entry: { type: 'Unknown', confidence: f32(unknown) } });
  return out.sort((a, b) => b.conf - a.conf).map((e) => e.entry);
}

export interface FusionNodeDescription {
  nodeId: string;
  name: string;
  shortName: string;
  statusIntervalMs: number;
  softwareVersion: string;
}

/** The Registration of a Centinela fusion node (valid under every rule of the standard). */
export function fusionNodeRegistration(nowMs: number, d: FusionNodeDescription, destinationId?: string): ProtoObject {
  const latLng = { location_units: ENUM.LocationCoordinateSystem.LOCATION_COORDINATE_SYSTEM_LAT_LNG_DEG_M, location_datum: ENUM.LocationDatum.LOCATION_DATUM_WGS84_E };
  const seconds = (ms: number) => ({ units: ENUM.TimeUnits.TIME_UNITS_SECONDS, value: f32(ms / 1000) });
  const sub = (type: string) => ({ type, units: 'probability 0-1', level: 1 });
  return envelope(nowMs, d.nodeId, destinationId, {
    registration: {
      node_definition: [{ node_type: ENUM.NodeType.NODE_TYPE_FUSION_NODE, node_sub_type: ['Counter-UAS multi-sensor tracker'] }],
      icd_version: ICD_VERSION,
      name: d.name,
      short_name: d.shortName,
      capabilities: [{ category: 'Fusion', type: 'Multi-sensor multi-target tracks', value: 'radar, acoustic, EO/IR, RF, Remote ID, ADS-B' }],
      status_definition: { status_interval: seconds(d.statusIntervalMs), location_definition: latLng },
      mode_definition: [{
        mode_name: 'Default',
        mode_type: ENUM.ModeType.MODE_TYPE_PERMANENT,
        mode_description: 'Fused tracks of every contributing sensor',
        settle_time: seconds(0),
        scan_type: ENUM.ScanType.SCAN_TYPE_FIXED,
        tracking_type: ENUM.TrackingType.TRACKING_TYPE_TRACK,
        detection_definition: [{
          location_type: latLng,
          detection_class_definition: [{
            confidence_definition: ENUM.ConfidenceDefinition.CONFIDENCE_DEFINITION_MULTI_CLASS,
            class_definition: [
              { type: 'Air Vehicle', units: 'probability 0-1', sub_class: [sub('UAV Rotary Wing'), sub('UAV Fixed Wing'), sub('Manned Rotary Wing'), sub('Manned Fixed Wing')] },
              { type: 'Animal', units: 'probability 0-1', sub_class: [sub('Bird')] },
              { type: 'Land Vehicle', units: 'probability 0-1' },
              { type: 'Unknown', units: 'probability 0-1' },
            ],
          }],
          velocity_type: {
            enu_velocity_units: { east_north_rate_units: ENUM.SpeedUnits.SPEED_UNITS_MS, up_rate_units: ENUM.SpeedUnits.SPEED_UNITS_MS },
            location_datum: ENUM.LocationDatum.LOCATION_DATUM_WGS84_E,
          },
        }],
        task: {
          concurrent_tasks: 1,
          region_definition: { region_type: [ENUM.RegionType.REGION_TYPE_AREA_OF_INTEREST], region_area: [latLng] },
          command: [{ units: 'Registration, Status, Start, Stop, Reset', completion_time: seconds(1000), type: ENUM.CommandType.COMMAND_TYPE_REQUEST }],
        },
      }],
      config_data: [{ manufacturer: 'Centinela (open source)', model: 'Centinela fusion node', software_version: d.softwareVersion }],
    },
  });
}

/** A fused track as a DetectionReport (location in WGS84 degrees, height above the ellipsoid). */
export function trackReport(t: TrackSnapshot, nodeId: string, destinationId: string | undefined, reportId: string, objectId: string): ProtoObject {
  const report: ProtoObject = {
    report_id: reportId,
    object_id: objectId,
    ...(t.status ? { state: t.status } : {}),
    location: {
      x: t.lonDeg,
      y: t.latDeg,
      z: t.heightAboveEllipsoidM,
      ...(t.positionSigmaM ? { x_error: t.positionSigmaM[0], y_error: t.positionSigmaM[1], z_error: t.positionSigmaM[2] } : {}),
      coordinate_system: ENUM.LocationCoordinateSystem.LOCATION_COORDINATE_SYSTEM_LAT_LNG_DEG_M,
      datum: ENUM.LocationDatum.LOCATION_DATUM_WGS84_E,
    },
  };
  if (t.existence !== undefined && Number.isFinite(t.existence)) report.detection_confidence = f32(clamp01(t.existence));
  const cls = classificationFor(t.classProbabilities);
  if (cls.length) report.classification = cls;
  if (t.velocityEnuMps && t.velocityEnuMps.every(Number.isFinite)) {
    const [e, n, u] = t.velocityEnuMps;
    report.enu_velocity = {
      east_rate: e, north_rate: n, up_rate: u,
      ...(t.velocitySigmaMps ? { east_rate_error: t.velocitySigmaMps[0], north_rate_error: t.velocitySigmaMps[1], up_rate_error: t.velocitySigmaMps[2] } : {}),
    };
  }
  return envelope(t.timeMs, nodeId, destinationId, { detection_report: report });
}

export function statusReport(nowMs: number, nodeId: string, destinationId: string | undefined, reportId: string, opts: { first: boolean; goodbye?: boolean; location?: GeodeticPosition; mode?: string }): ProtoObject {
  return envelope(nowMs, nodeId, destinationId, {
    status_report: {
      report_id: reportId,
      system: opts.goodbye ? ENUM.System.SYSTEM_GOODBYE : ENUM.System.SYSTEM_OK,
      info: opts.first ? ENUM.Info.INFO_NEW : ENUM.Info.INFO_UNCHANGED,
      mode: opts.mode ?? 'Default',
      ...(opts.location
        ? {
            node_location: {
              x: opts.location.lonDeg, y: opts.location.latDeg, z: opts.location.heightAboveEllipsoidM,
              coordinate_system: ENUM.LocationCoordinateSystem.LOCATION_COORDINATE_SYSTEM_LAT_LNG_DEG_M,
              datum: ENUM.LocationDatum.LOCATION_DATUM_WGS84_E,
            },
          }
        : {}),
    },
  });
}
