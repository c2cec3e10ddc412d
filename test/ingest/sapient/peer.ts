/** A bare SAPIENT peer for tests: raw TCP, our framing, decoded replies. */
import { connect, type Socket } from 'node:net';
import { FrameDecoder, frame } from '../../../src/ingest/sapient/framing.js';
import { UlidFactory } from '../../../src/ingest/sapient/ids.js';
import { msToTimestamp } from '../../../src/ingest/sapient/json.js';
import { decodeSapientMessage, encodeSapientMessage, type ProtoObject } from '../../../src/ingest/sapient/schema.js';
import { fusionNodeRegistration } from '../../../src/outputs/sapient/report.js';

export class Peer {
  readonly replies: ProtoObject[] = [];
  private readonly decoder = new FrameDecoder();
  private waiters: (() => void)[] = [];
  closed = false;
  readonly closedPromise: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (c: Buffer) => {
      this.decoder.push(c, (e) => {
        if (e.kind === 'frame') this.replies.push(decodeSapientMessage(e.payload.slice()));
      });
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
    this.closedPromise = new Promise((resolve) => socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
      resolve();
    }));
  }

  static connect(port: number): Promise<Peer> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new Peer(s)));
      s.once('error', reject);
    });
  }

  send(msg: ProtoObject): void {
    this.socket.write(frame(encodeSapientMessage(msg)));
  }

  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Waits until `n` replies have arrived (or the connection closed, or the timeout). */
  async waitReplies(n: number, timeoutMs = 3000): Promise<ProtoObject[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length < n && !this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.replies;
  }

  close(): void {
    this.socket.destroy();
  }
}

export const T0 = Date.parse('2025-11-14T04:00:00Z');
export const SITE = { latDeg: 26.1, lonDeg: -98.26, heightAboveEllipsoidM: 20 };
const ids = new UlidFactory();
export const ulid = (): string => ids.next(T0);

/** A valid Registration of a radar node (our fusion-node template with the node type changed). */
export function radarRegistration(nodeId: string, icd?: string): ProtoObject {
  const m = fusionNodeRegistration(T0, { nodeId, name: 'test radar', shortName: 'R1', statusIntervalMs: 1000, softwareVersion: 't' });
  const reg = m.registration as ProtoObject;
  reg.node_definition = [{ node_type: 2 }]; // NODE_TYPE_RADAR
  if (icd !== undefined) reg.icd_version = icd;
  return m;
}

export function statusWithLocation(nodeId: string, pos = SITE, system = 1): ProtoObject {
  return {
    timestamp: msToTimestamp(T0), node_id: nodeId,
    status_report: {
      report_id: ulid(), system, info: 1, mode: 'Default',
      node_location: { x: pos.lonDeg, y: pos.latDeg, z: pos.heightAboveEllipsoidM, coordinate_system: 1, datum: 1 },
    },
  };
}

export function rangeBearingReport(nodeId: string, timeMs: number, azDeg: number, elDeg: number, rangeM: number, objectId: string): ProtoObject {
  return {
    timestamp: msToTimestamp(timeMs), node_id: nodeId,
    detection_report: {
      report_id: ulid(), object_id: objectId,
      range_bearing: { azimuth: azDeg, elevation: elDeg, range: rangeM, azimuth_error: 0.5, elevation_error: 0.5, range_error: 5, coordinate_system: 1, datum: 1 },
      classification: [{ type: 'Air Vehicle', confidence: 0.9, sub_class: [{ type: 'UAV Rotary Wing', confidence: 0.8, level: 1 }] }],
    },
  };
}

export function locationReport(nodeId: string, timeMs: number, latDeg: number, lonDeg: number, hae: number, objectId: string): ProtoObject {
  return {
    timestamp: msToTimestamp(timeMs), node_id: nodeId,
    detection_report: { report_id: ulid(), object_id: objectId, location: { x: lonDeg, y: latDeg, z: hae, x_error: 5, y_error: 5, z_error: 10, coordinate_system: 1, datum: 1 } },
  };
}

export function kindOf(m: ProtoObject): string {
  return Object.keys(m).find((k) => !['timestamp', 'node_id', 'destination_id', 'additional_information'].includes(k)) ?? 'none';
}
