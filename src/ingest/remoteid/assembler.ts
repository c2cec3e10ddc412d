/**
 * Per-drone state across Remote ID messages, and the Detections built from it.
 *
 * Over Bluetooth 4 each message travels alone, so a drone's Basic ID, Location and System
 * messages arrive in different advertisements; only the transmitter address ties them together
 * (F3411 requires it to stay constant for the flight). The assembler keys state by transmitter
 * address (or, without one, by the serial in the same frame), remembers the latest of each
 * message kind, and emits a Detection whenever a Location arrives. State is bounded: at most
 * `maxDrones` entries, least recently heard evicted first, and entries silent for `stateTtlMs`
 * of receiver time dropped.
 *
 * Altitude. The Detection carries height above the WGS84 ellipsoid. F3411 defines the
 * Location message's geodetic altitude as exactly that (WGS-84 HAE, not height above mean sea
 * level), so it is used as is, with the vertical accuracy category as its 95 % bound. No geoid
 * model (EGM96/EGM2008) is applied: the standard's value needs none, and a transmitter that
 * wrongly sends MSL height is off by the local geoid undulation (about −25 to −30 m along the
 * lower Rio Grande), which the stated accuracy does not cover — we cannot detect that here.
 * Without a geodetic altitude we fall back to (1) height above take-off plus the take-off
 * point's geodetic altitude from the System message when both are declared, then (2) the
 * pressure altitude, which is referenced to the 1013.25 hPa standard atmosphere, not to any
 * geometric surface: it can differ from HAE by hundreds of metres with the weather and the
 * geoid, so it is reported with a wide vertical bound (BARO_AS_HAE_VERTICAL_ACCURACY_M). A
 * Location with no altitude of any kind yields no Detection (rejected 'rid-no-altitude').
 *
 * Accuracy. The horizontal and vertical categories are 95 % bounds and map straight onto the
 * Detection's 95 % fields. "Unknown" (category 0) falls back to the configured defaults.
 *
 * Velocity. ENU from track direction (clockwise from true north), horizontal speed and vertical
 * speed. When the vertical speed is unknown but the horizontal velocity is known, up is reported
 * as 0: the Detection's velocity is all-or-nothing, and dropping a good horizontal velocity
 * would lose more than a zero climb rate (which multirotors mostly have) misstates.
 *
 * Time. The Detection's time is the receiver's timestamp of the frame. The Location's own
 * timestamp (tenths of a second into the UTC hour) replaces it when it is present and lies
 * within `maxTimestampSkewMs` of the receiver time (after choosing the nearest hour), because it
 * is the time of the fix rather than of the broadcast; transmitters that send a constant or
 * stale value (the opendroneid test transmitter sends 0) fail that check and are ignored.
 */
import type { Detection } from '../../model/detection.js';
import type { RidFrame } from './frame.js';
import {
  RID_AUTH_PAGE0_DATA,
  RID_AUTH_PAGEN_DATA,
  horizontalAccuracyM,
  speedAccuracyMps,
  verticalAccuracyM,
  type BasicIdMessage,
  type LocationMessage,
  type RidMessage,
  type SystemMessage,
} from './messages.js';

/** 95 % vertical bound used when pressure altitude stands in for height above the ellipsoid [m]. */
export const BARO_AS_HAE_VERTICAL_ACCURACY_M = 300;

export interface RemoteIdAssemblerOptions {
  sensorId: string;
  maxDrones?: number;
  /** Forget a drone after this much receiver time without a frame. */
  stateTtlMs?: number;
  /** 95 % horizontal bound when the category is unknown [m] (default 185.2, the 0.1 NM category). */
  unknownHorizontalAccuracyM?: number;
  /** 95 % vertical bound when the category is unknown [m] (default 150, the widest category). */
  unknownVerticalAccuracyM?: number;
  /** Largest difference between the message's timestamp and the receiver's for the former to be used. */
  maxTimestampSkewMs?: number;
  /** Time for frames that carry none (live feeds without timestamps). */
  clock?: () => number;
}

export interface DroneAuth {
  authType: number;
  timestampS: number;
  length: number;
  dataHex: string;
}

/** What is known about one transmitter. */
export interface DroneState {
  key: string;
  transmitter: string | null;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Basic ID messages by ID type (a drone may send a serial number and a registration). */
  basicIds: Map<number, BasicIdMessage>;
  location: LocationMessage | null;
  system: SystemMessage | null;
  selfId: string | null;
  operatorId: string | null;
  auth: DroneAuth | null;
  authPages: Map<number, { authType: number; dataHex: string; lastPageIndex: number | null; length: number | null; timestampS: number | null }>;
}

export type AssemblerResult = { detections: Detection[]; rejected: string[] };

// Which Basic ID names the drone best: a serial number first, then a CAA registration, …
const ID_PREFERENCE = [1, 2, 3, 4, 0];

export class RemoteIdAssembler {
  readonly sensorId: string;
  private readonly drones = new Map<string, DroneState>();
  private readonly maxDrones: number;
  private readonly ttlMs: number;
  private readonly unknownH: number;
  private readonly unknownV: number;
  private readonly maxSkewMs: number;
  private readonly clock: () => number;

  constructor(opts: RemoteIdAssemblerOptions) {
    this.sensorId = opts.sensorId;
    this.maxDrones = opts.maxDrones ?? 4096;
    this.ttlMs = opts.stateTtlMs ?? 120_000;
    this.unknownH = opts.unknownHorizontalAccuracyM ?? 185.2;
    this.unknownV = opts.unknownVerticalAccuracyM ?? 150;
    this.maxSkewMs = opts.maxTimestampSkewMs ?? 10_000;
    this.clock = opts.clock ?? Date.now;
  }

  get size(): number {
    return this.drones.size;
  }

  /** The drones currently remembered (most recently heard last). */
  states(): IterableIterator<DroneState> {
    return this.drones.values();
  }

  /** Takes one frame; returns the Detections it produced and the reasons any Location was not turned into one. */
  ingest(frame: RidFrame): AssemblerResult {
    const out: AssemblerResult = { detections: [], rejected: [] };
    const rxTime = frame.timeMs ?? this.clock();
    if (!Number.isFinite(rxTime)) {
      out.rejected.push('rid-no-time');
      return out;
    }
    this.expire(rxTime);
    const key = frame.transmitter ? `tx:${frame.transmitter}` : this.keyFromMessages(frame.messages);
    let s = this.drones.get(key);
    if (s) this.drones.delete(key); // re-insert below: Map order is recency order
    else
      s = {
        key,
        transmitter: frame.transmitter,
        firstSeenMs: rxTime,
        lastSeenMs: rxTime,
        basicIds: new Map(),
        location: null,
        system: null,
        selfId: null,
        operatorId: null,
        auth: null,
        authPages: new Map(),
      };
    s.lastSeenMs = Math.max(s.lastSeenMs, rxTime);
    this.drones.set(key, s);
    while (this.drones.size > this.maxDrones) this.drones.delete(this.drones.keys().next().value as string);

    let locations = 0;
    for (const m of frame.messages) {
      if (this.apply(s, m)) locations++;
    }
    // One Detection per Location in the frame, built after the whole frame (a Message Pack
    // carries its Basic ID and System alongside).
    if (locations > 0 && s.location) {
      const d = this.detection(s, s.location, rxTime);
      if (typeof d === 'string') out.rejected.push(d);
      else out.detections.push(d);
    }
    return out;
  }

  private keyFromMessages(messages: readonly RidMessage[]): string {
    for (const m of messages) if (m.type === 'basic-id' && m.uasId.trim()) return `id:${m.uasId.trim()}`;
    return 'unknown';
  }

  private expire(now: number): void {
    for (const [k, s] of this.drones) {
      if (now - s.lastSeenMs <= this.ttlMs) break;
      this.drones.delete(k);
    }
  }

  /** Updates the state with one message; true when it was a Location. */
  private apply(s: DroneState, m: RidMessage): boolean {
    switch (m.type) {
      case 'basic-id':
        if (s.basicIds.size < 8 || s.basicIds.has(m.idType)) s.basicIds.set(m.idType, m);
        return false;
      case 'location':
        s.location = m;
        return true;
      case 'system':
        s.system = m;
        return false;
      case 'self-id':
        s.selfId = m.description;
        return false;
      case 'operator-id':
        s.operatorId = m.operatorId;
        return false;
      case 'auth': {
        if (m.page === 0) s.authPages.clear();
        s.authPages.set(m.page, { authType: m.authType, dataHex: m.dataHex, lastPageIndex: m.lastPageIndex, length: m.length, timestampS: m.timestampS });
        const p0 = s.authPages.get(0);
        if (p0 && p0.lastPageIndex !== null && p0.length !== null) {
          let hex = '';
          for (let p = 0; p <= p0.lastPageIndex; p++) {
            const pg = s.authPages.get(p);
            if (!pg || pg.authType !== p0.authType) return false;
            hex += pg.dataHex;
          }
          const maxLen = RID_AUTH_PAGE0_DATA + RID_AUTH_PAGEN_DATA * p0.lastPageIndex;
          s.auth = { authType: p0.authType, timestampS: p0.timestampS ?? 0, length: p0.length, dataHex: hex.slice(0, 2 * Math.min(p0.length, maxLen)) };
        }
        return false;
      }
    }
  }

  /** The serial the drone is known by, or null before any Basic ID. */
  serialOf(s: DroneState): string | null {
    for (const t of ID_PREFERENCE) {
      const b = s.basicIds.get(t);
      if (b && b.uasId.trim()) return b.uasId.trim().slice(0, 64);
    }
    for (const b of s.basicIds.values()) if (b.uasId.trim()) return b.uasId.trim().slice(0, 64);
    return null;
  }

  private detection(s: DroneState, L: LocationMessage, rxTime: number): Detection | string {
    if (L.latDeg === null || L.lonDeg === null) return 'rid-no-position';
    if (!(Math.abs(L.latDeg) <= 90) || !(Math.abs(L.lonDeg) <= 180)) return 'rid-position-out-of-range';
    let hae: number;
    let vAcc: number;
    const sys = s.system;
    if (L.altitudeGeodeticM !== null) {
      hae = L.altitudeGeodeticM;
      vAcc = verticalAccuracyM(L.verticalAccuracy) ?? this.unknownV;
    } else if (L.heightM !== null && L.heightType === 0 && sys && sys.operatorLocationType === 0 && sys.operatorAltitudeGeoM !== null) {
      hae = sys.operatorAltitudeGeoM + L.heightM;
      vAcc = this.unknownV;
    } else if (L.altitudePressureM !== null) {
      hae = L.altitudePressureM;
      vAcc = Math.max(BARO_AS_HAE_VERTICAL_ACCURACY_M, verticalAccuracyM(L.baroAccuracy) ?? 0);
    } else return 'rid-no-altitude';
    if (!Number.isFinite(hae)) return 'rid-no-altitude';
    const hAcc = horizontalAccuracyM(L.horizontalAccuracy) ?? this.unknownH;

    let velocityEnuMps: [number, number, number] | undefined;
    const sp = L.speedHorizontalMps;
    const dir = L.directionDeg;
    if (sp !== null && dir !== null && Number.isFinite(sp) && Number.isFinite(dir) && sp >= 0 && dir >= 0 && dir <= 360) {
      const th = (dir * Math.PI) / 180;
      const up = L.speedVerticalMps !== null && Number.isFinite(L.speedVerticalMps) ? L.speedVerticalMps : 0;
      velocityEnuMps = [sp * Math.sin(th), sp * Math.cos(th), up];
    }
    const vAccMps = speedAccuracyMps(L.speedAccuracy);

    const d: Detection = {
      sensorId: this.sensorId,
      timeMs: this.fixTime(L, rxTime),
      measurement: {
        kind: 'gnss',
        latDeg: L.latDeg,
        lonDeg: L.lonDeg,
        heightAboveEllipsoidM: hae,
        horizontalAccuracyM: hAcc,
        verticalAccuracyM: vAcc,
        ...(velocityEnuMps ? { velocityEnuMps } : {}),
        ...(velocityEnuMps && vAccMps !== null ? { velocityAccuracyMps: vAccMps } : {}),
      },
    };
    const serial = this.serialOf(s);
    if (serial) {
      const op =
        sys && sys.operatorLatDeg !== null && sys.operatorLonDeg !== null && Math.abs(sys.operatorLatDeg) <= 90 && Math.abs(sys.operatorLonDeg) <= 180
          ? { latDeg: sys.operatorLatDeg, lonDeg: sys.operatorLonDeg }
          : undefined;
      d.evidence = { remoteId: { serial, ...(op ? { operator: op } : {}) } };
    }
    return d;
  }

  private fixTime(L: LocationMessage, rxTime: number): number {
    const t = L.timestampTenths;
    if (t === null || t > 36000) return rxTime;
    const hour = 3_600_000;
    const base = Math.floor(rxTime / hour) * hour + t * 100;
    let best = base;
    for (const c of [base - hour, base + hour]) if (Math.abs(c - rxTime) < Math.abs(best - rxTime)) best = c;
    return Math.abs(best - rxTime) <= this.maxSkewMs ? best : rxTime;
  }
}
