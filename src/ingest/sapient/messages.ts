/**
 * Builders for the messages a fusion node sends (acks, errors, tasks, status), shared by the
 * server (src/ingest/sapient) and the client (src/outputs/sapient). Every builder returns a
 * message that passes `validateSapientMessage`; the tests check that.
 */
import { frame } from './framing.js';
import { isUuid, type UlidFactory } from './ids.js';
import { msToTimestamp } from './json.js';
import { ICD_VERSION, encodeSapientMessage, enumInfo, type ProtoObject } from './schema.js';

export const ENUM = {
  TaskStatus: enumInfo.get('TaskAck.TaskStatus')!.values,
  AlertAckStatus: enumInfo.get('AlertAck.AlertAckStatus')!.values,
  Control: enumInfo.get('Task.Control')!.values,
  System: enumInfo.get('StatusReport.System')!.values,
  Info: enumInfo.get('StatusReport.Info')!.values,
  NodeType: enumInfo.get('Registration.NodeType')!.values,
  TimeUnits: enumInfo.get('Registration.TimeUnits')!.values,
  ModeType: enumInfo.get('Registration.ModeType')!.values,
  ScanType: enumInfo.get('Registration.ScanType')!.values,
  TrackingType: enumInfo.get('Registration.TrackingType')!.values,
  RegionType: enumInfo.get('Registration.RegionType')!.values,
  CommandType: enumInfo.get('Registration.CommandType')!.values,
  ConfidenceDefinition: enumInfo.get('Registration.ConfidenceDefinition')!.values,
  LocationCoordinateSystem: enumInfo.get('LocationCoordinateSystem')!.values,
  LocationDatum: enumInfo.get('LocationDatum')!.values,
  SpeedUnits: enumInfo.get('SpeedUnits')!.values,
  RangeBearingCoordinateSystem: enumInfo.get('RangeBearingCoordinateSystem')!.values,
  RangeBearingDatum: enumInfo.get('RangeBearingDatum')!.values,
} as const;

/** The envelope of every message: timestamp, our node id, the addressee when it has a UUID. */
export function envelope(nowMs: number, nodeId: string, destinationId: string | null | undefined, content: Record<string, ProtoObject>): ProtoObject {
  return {
    timestamp: msToTimestamp(nowMs),
    node_id: nodeId,
    ...(destinationId && isUuid(destinationId) ? { destination_id: destinationId } : {}),
    ...content,
  };
}

export function registrationAck(nowMs: number, nodeId: string, to: string, accepted: boolean, reasons: string[] = []): ProtoObject {
  return envelope(nowMs, nodeId, to, { registration_ack: { acceptance: accepted, ...(reasons.length ? { ack_response_reason: reasons } : {}) } });
}

/** At most this many lines go into one Error (a message can break hundreds of rules). */
const MAX_ERROR_LINES = 16;

export function errorMessage(nowMs: number, nodeId: string, to: string | null | undefined, packet: Uint8Array, lines: string[]): ProtoObject {
  const shown = lines.slice(0, MAX_ERROR_LINES);
  if (lines.length > MAX_ERROR_LINES) shown.push(`… and ${lines.length - MAX_ERROR_LINES} more`);
  return envelope(nowMs, nodeId, to, { error: { packet, error_message: shown.length ? shown : ['error'] } });
}

export function alertAck(nowMs: number, nodeId: string, to: string, alertId: string, status: number, reasons: string[] = []): ProtoObject {
  return envelope(nowMs, nodeId, to, { alert_ack: { alert_id: alertId, alert_ack_status: status, ...(reasons.length ? { reason: reasons } : {}) } });
}

export function taskAck(nowMs: number, nodeId: string, to: string, taskId: string, status: number, reasons: string[] = []): ProtoObject {
  return envelope(nowMs, nodeId, to, { task_ack: { task_id: taskId, task_status: status, ...(reasons.length ? { reason: reasons } : {}) } });
}

/** The basic requests every SAPIENT node is expected to understand (`Task.Command.request`). */
export const BASIC_REQUESTS = ['Registration', 'Status', 'Start', 'Stop', 'Reset'] as const;
export type BasicRequest = (typeof BASIC_REQUESTS)[number];

export function requestTask(nowMs: number, nodeId: string, to: string, ids: UlidFactory, request: BasicRequest | string, name?: string): ProtoObject {
  return envelope(nowMs, nodeId, to, {
    task: {
      task_id: ids.next(nowMs),
      task_name: name ?? `Request ${request}`,
      control: ENUM.Control.CONTROL_START,
      command: { request },
    },
  });
}

export { ICD_VERSION };

/** Serialized and framed, ready for the socket. */
export function framed(msg: ProtoObject): Uint8Array {
  return frame(encodeSapientMessage(msg));
}
