/**
 * Per-aircraft state across ADS-B / Mode S messages, CPR position decoding, and Detections.
 *
 * Positions. An airborne position message is decoded globally when a frame of the other parity
 * from the same aircraft arrived within `pairWindowMs` (10 s, as DO-260B recommends); otherwise
 * locally against the aircraft's own last position (if fresh) or the receiver's position (if
 * configured). Every result must be plausible: within `maxJump` of the last position for the
 * time elapsed, and within `maxRangeM` of the receiver when it is known; a failing result is
 * rejected with its reason rather than shown. The position reported is always that of the
 * message just received.
 *
 * Altitude. The Detection wants height above the WGS84 ellipsoid. ADS-B gives (a) GNSS height
 * directly in TC 20–22 positions (HAE in DO-260B), or (b) barometric (pressure) altitude in
 * TC 9–18 plus, in velocity messages, the "GNSS minus baro" difference, whose sum is again the
 * GNSS height. With neither GNSS source, pressure altitude alone stands in for HAE with a wide
 * vertical bound: it is referenced to the 1013.25 hPa standard atmosphere, not a geometric
 * surface, and can be hundreds of metres off with the weather (and the geoid). No geoid model
 * is applied anywhere.
 *
 * Accuracy. Horizontal: the NACp estimated position uncertainty (95 %) from the latest
 * operational status (TC 31) or target state (TC 29) message; before one arrives, the
 * containment radius implied by the position type code (an integrity bound, larger than the
 * accuracy); then the configured default. Vertical: GVA when known for GNSS heights. Velocity:
 * the NACv (NUCr) bound of the velocity message when it states one (SBS records carry none).
 */
import type { Detection } from '../../model/detection.js';
import { geodesicDistanceM } from '../../geo/geodesic.js';
import { cprGlobalAirborne, cprGlobalSurface, cprLocal, type CprFrame } from './cpr.js';
import { GVA_BOUND_M, NACP_EPU_M, NACV_BOUND_MPS, typeCodeContainmentM, type AirbornePositionMe, type ModeSMessage, type SurfacePositionMe } from './modes.js';
import type { SbsRecord } from './sbs.js';

export const FT_TO_M = 0.3048;
export const KT_TO_MPS = 1852 / 3600;
export const FPM_TO_MPS = 0.3048 / 60;
/** 95 % vertical bound when pressure altitude stands in for height above the ellipsoid [m]. */
export const BARO_AS_HAE_VERTICAL_ACCURACY_M = 300;

export interface AircraftTableOptions {
  sensorId: string;
  /** Receiver position, for local decoding without a pair and for range checks. */
  receiver?: { latDeg: number; lonDeg: number };
  /** Farthest plausible distance from the receiver [m] (default 180 NM). */
  maxRangeM?: number;
  /** Largest time between the frames of a global-decoding pair [ms]. */
  pairWindowMs?: number;
  /** How long an aircraft's last position serves as a local-decoding reference [ms]. */
  referenceMaxAgeMs?: number;
  maxAircraft?: number;
  /** Forget an aircraft after this long without messages [ms]. */
  aircraftTtlMs?: number;
  /** 95 % horizontal bound when neither NACp nor the type code gives one [m]. */
  unknownHorizontalAccuracyM?: number;
  /** 95 % vertical bound for GNSS heights without GVA [m]. */
  unknownVerticalAccuracyM?: number;
}

interface CprSlot {
  frame: CprFrame;
  timeMs: number;
  surface: boolean;
}

export interface AircraftState {
  key: string;
  icao: string;
  icaoAddress: boolean;
  lastSeenMs: number;
  callsign: string | null;
  category: string | null;
  squawk: string | null;
  baroAltitudeFt: number | null;
  geoMinusBaro: { ft: number; timeMs: number } | null;
  /** Latest velocity; nacV from the velocity message (null from SBS, which carries none). */
  velocity: { eastKt: number; northKt: number; verticalFtMin: number | null; nacV: number | null; timeMs: number } | null;
  nacP: number | null;
  gva: number | null;
  version: number | null;
  even: CprSlot | null;
  odd: CprSlot | null;
  position: { latDeg: number; lonDeg: number; timeMs: number } | null;
  /** A global decode rejected as a jump, kept to see whether the next independent pair agrees. */
  pendingGlobal: { latDeg: number; lonDeg: number; timeMs: number } | null;
}

export interface PositionFix {
  latDeg: number;
  lonDeg: number;
  method: 'global' | 'local-aircraft' | 'local-receiver' | 'sbs';
  surface: boolean;
  altitudeFt: number | null;
}

export interface TableResult {
  fix: PositionFix | null;
  detection: Detection | null;
  /** Why a position message gave no position (or no Detection). */
  rejected: string | null;
}

const NO_RESULT: TableResult = { fix: null, detection: null, rejected: null };

export class AircraftTable {
  readonly sensorId: string;
  private readonly aircraft = new Map<string, AircraftState>();
  private readonly o: Required<Omit<AircraftTableOptions, 'receiver'>> & { receiver: AircraftTableOptions['receiver'] };

  constructor(opts: AircraftTableOptions) {
    this.sensorId = opts.sensorId;
    this.o = {
      sensorId: opts.sensorId,
      receiver: opts.receiver,
      maxRangeM: opts.maxRangeM ?? 180 * 1852,
      pairWindowMs: opts.pairWindowMs ?? 10_000,
      referenceMaxAgeMs: opts.referenceMaxAgeMs ?? 60_000,
      maxAircraft: opts.maxAircraft ?? 10_000,
      aircraftTtlMs: opts.aircraftTtlMs ?? 300_000,
      unknownHorizontalAccuracyM: opts.unknownHorizontalAccuracyM ?? 185.2,
      unknownVerticalAccuracyM: opts.unknownVerticalAccuracyM ?? 150,
    };
  }

  get size(): number {
    return this.aircraft.size;
  }

  get(icao: string): AircraftState | undefined {
    return this.aircraft.get(icao) ?? this.aircraft.get(`~${icao}`);
  }

  private state(icao: string, icaoAddress: boolean, timeMs: number): AircraftState {
    const key = icaoAddress ? icao : `~${icao}`;
    // expire the least recently heard (Map order is recency order: entries are re-inserted on use)
    for (const [k, s] of this.aircraft) {
      if (timeMs - s.lastSeenMs <= this.o.aircraftTtlMs) break;
      this.aircraft.delete(k);
    }
    let s = this.aircraft.get(key);
    if (s) this.aircraft.delete(key);
    else
      s = {
        key,
        icao,
        icaoAddress,
        lastSeenMs: timeMs,
        callsign: null,
        category: null,
        squawk: null,
        baroAltitudeFt: null,
        geoMinusBaro: null,
        velocity: null,
        nacP: null,
        gva: null,
        version: null,
        even: null,
        odd: null,
        position: null,
        pendingGlobal: null,
      };
    s.lastSeenMs = Math.max(s.lastSeenMs, timeMs);
    this.aircraft.set(key, s);
    while (this.aircraft.size > this.o.maxAircraft) this.aircraft.delete(this.aircraft.keys().next().value as string);
    return s;
  }

  /** Takes one decoded Mode S message received at `timeMs`. */
  handle(m: ModeSMessage, timeMs: number): TableResult {
    // Address/parity replies name an address we cannot verify; only update aircraft we already know.
    if (m.addressFromParity && !this.aircraft.has(m.icao)) return NO_RESULT;
    const s = this.state(m.icao, m.icaoAddress, timeMs);
    if (m.altitude && m.altitude.unit === 'ft') s.baroAltitudeFt = m.altitude.value;
    if (m.squawk) s.squawk = m.squawk;
    const es = m.es;
    if (!es) return NO_RESULT;
    switch (es.kind) {
      case 'identification':
        if (es.callsignValid) s.callsign = es.callsign.trim() || null;
        s.category = es.category;
        return NO_RESULT;
      case 'airborne-velocity':
        if (es.eastKt !== null && es.northKt !== null) s.velocity = { eastKt: es.eastKt, northKt: es.northKt, verticalFtMin: es.verticalRateFtMin, nacV: es.nacV, timeMs };
        if (es.geoMinusBaroFt !== null) s.geoMinusBaro = { ft: es.geoMinusBaroFt, timeMs };
        return NO_RESULT;
      case 'operational-status':
        s.version = es.version;
        if (es.nacP !== null) s.nacP = es.nacP;
        if (es.gva !== null) s.gva = es.gva;
        return NO_RESULT;
      case 'target-state':
        if (es.nacP !== null) s.nacP = es.nacP;
        return NO_RESULT;
      case 'aircraft-status':
        if (es.squawk) s.squawk = es.squawk;
        return NO_RESULT;
      case 'airborne-position':
      case 'surface-position':
        return this.position(s, es, timeMs);
      default:
        return NO_RESULT;
    }
  }

  private maxJumpM(dtMs: number): number {
    // 2 km of slack for CPR quantisation and latency, then 600 m/s (≈ 1170 kt) of flight.
    return 2000 + 0.6 * Math.max(0, dtMs);
  }

  private position(s: AircraftState, es: AirbornePositionMe | SurfacePositionMe, timeMs: number): TableResult {
    const surface = es.kind === 'surface-position';
    if (es.kind === 'airborne-position' && es.altitudeType === 'baro' && es.altitudeFt !== null) s.baroAltitudeFt = es.altitudeFt;
    const slot: CprSlot = { frame: { lat: es.cprLat, lon: es.cprLon }, timeMs, surface };
    if (es.odd) s.odd = slot;
    else s.even = slot;
    const other = es.odd ? s.even : s.odd;
    const ref = s.position && timeMs - s.position.timeMs <= this.o.referenceMaxAgeMs && timeMs >= s.position.timeMs - this.o.referenceMaxAgeMs ? s.position : null;
    const rx = this.o.receiver;
    let fix: { latDeg: number; lonDeg: number; method: PositionFix['method'] } | null = null;
    let reason: string | null = null;

    if (other && other.surface === surface && Math.abs(timeMs - other.timeMs) <= (surface ? 2.5 : 1) * this.o.pairWindowMs) {
      const even = es.odd ? other.frame : slot.frame;
      const odd = es.odd ? slot.frame : other.frame;
      const near = ref ?? rx;
      const g = surface ? (near ? cprGlobalSurface(even, odd, es.odd, near.latDeg, near.lonDeg) : { ok: false as const, reason: 'cpr-surface-no-reference' }) : cprGlobalAirborne(even, odd, es.odd);
      if (g.ok) fix = { latDeg: g.latDeg, lonDeg: g.lonDeg, method: 'global' };
      else reason = g.reason;
    }
    if (!fix && ref) {
      const l = cprLocal(slot.frame, es.odd, ref.latDeg, ref.lonDeg, surface);
      if (l.ok) fix = { latDeg: l.latDeg, lonDeg: l.lonDeg, method: 'local-aircraft' };
      else reason = l.reason;
    }
    if (!fix && rx) {
      const l = cprLocal(slot.frame, es.odd, rx.latDeg, rx.lonDeg, surface);
      if (l.ok) fix = { latDeg: l.latDeg, lonDeg: l.lonDeg, method: 'local-receiver' };
      else reason = l.reason;
    }
    if (!fix) return { fix: null, detection: null, rejected: reason ?? 'cpr-no-reference' };

    if (ref && geodesicDistanceM(ref.latDeg, ref.lonDeg, fix.latDeg, fix.lonDeg) > this.maxJumpM(Math.abs(timeMs - ref.timeMs))) {
      if (fix.method !== 'global') return { fix: null, detection: null, rejected: 'cpr-implausible-jump' };
      // A global decode far from the last position is either a bad pair (a corrupted frame that
      // passed the CRC, or frames from either side of a gap) or the aircraft really is elsewhere
      // (the reference is wrong). Drop the pair so the next global decode uses two new frames,
      // and believe the new place only when that independent pair agrees with this one.
      s.even = s.odd = null;
      const p = s.pendingGlobal;
      s.pendingGlobal = { latDeg: fix.latDeg, lonDeg: fix.lonDeg, timeMs };
      if (!p || geodesicDistanceM(p.latDeg, p.lonDeg, fix.latDeg, fix.lonDeg) > this.maxJumpM(Math.abs(timeMs - p.timeMs))) {
        return { fix: null, detection: null, rejected: 'cpr-implausible-jump' };
      }
    }
    if (fix.method === 'global') s.pendingGlobal = null;
    if (rx && geodesicDistanceM(rx.latDeg, rx.lonDeg, fix.latDeg, fix.lonDeg) > this.o.maxRangeM * (surface ? 0.25 : 1)) {
      return { fix: null, detection: null, rejected: 'cpr-out-of-range' };
    }
    s.position = { latDeg: fix.latDeg, lonDeg: fix.lonDeg, timeMs };
    const altitudeFt = es.kind === 'airborne-position' ? es.altitudeFt : null;
    const out: PositionFix = { ...fix, surface, altitudeFt };
    if (es.kind === 'surface-position') return { fix: out, detection: null, rejected: 'adsb-surface-no-altitude' };
    if (es.altitudeFt === null) return { fix: out, detection: null, rejected: 'adsb-no-altitude' };

    let hae: number;
    let vAcc: number;
    const gvaM = s.gva !== null && s.gva > 0 ? GVA_BOUND_M[s.gva] : null;
    if (es.altitudeType === 'gnss') {
      hae = es.altitudeFt * FT_TO_M;
      vAcc = gvaM ?? this.o.unknownVerticalAccuracyM;
    } else if (s.geoMinusBaro && Math.abs(timeMs - s.geoMinusBaro.timeMs) <= 60_000) {
      hae = (es.altitudeFt + s.geoMinusBaro.ft) * FT_TO_M;
      vAcc = gvaM ?? this.o.unknownVerticalAccuracyM;
    } else {
      hae = es.altitudeFt * FT_TO_M;
      vAcc = BARO_AS_HAE_VERTICAL_ACCURACY_M;
    }
    const nacpM = s.nacP !== null && s.nacP >= 1 && s.nacP <= 11 ? NACP_EPU_M[s.nacP] : NaN;
    const tcM = typeCodeContainmentM(es.typeCode);
    const hAcc = Number.isFinite(nacpM) ? nacpM : Number.isFinite(tcM) ? tcM : this.o.unknownHorizontalAccuracyM;
    return { fix: out, detection: this.detection(s, fix.latDeg, fix.lonDeg, hae, hAcc, vAcc, timeMs), rejected: null };
  }

  private detection(s: AircraftState, latDeg: number, lonDeg: number, hae: number, hAcc: number, vAcc: number, timeMs: number): Detection {
    const v = s.velocity && Math.abs(timeMs - s.velocity.timeMs) <= 10_000 ? s.velocity : null;
    const vAccM = v && v.nacV !== null && v.nacV >= 1 && v.nacV <= 4 ? NACV_BOUND_MPS[v.nacV] : null;
    const d: Detection = {
      sensorId: this.sensorId,
      timeMs,
      measurement: {
        kind: 'gnss',
        latDeg,
        lonDeg,
        heightAboveEllipsoidM: hae,
        horizontalAccuracyM: hAcc,
        verticalAccuracyM: vAcc,
        ...(v ? { velocityEnuMps: [v.eastKt * KT_TO_MPS, v.northKt * KT_TO_MPS, (v.verticalFtMin ?? 0) * FPM_TO_MPS] as [number, number, number] } : {}),
        ...(vAccM !== null ? { velocityAccuracyMps: vAccM } : {}),
      },
    };
    const evidence: NonNullable<Detection['evidence']> = {};
    if (s.icaoAddress) evidence.icao = s.icao;
    if (s.callsign && s.callsign.length <= 8) evidence.callsign = s.callsign;
    if (evidence.icao || evidence.callsign) d.evidence = evidence;
    return d;
  }

  /** Takes one SBS record (already decoded by the feeding receiver). */
  handleSbs(r: SbsRecord, timeMs: number): TableResult {
    const s = this.state(r.icao, r.icaoAddress, timeMs);
    if (r.callsign) s.callsign = r.callsign;
    if (r.squawk) s.squawk = r.squawk;
    if (r.altitudeFt !== null && r.transmissionType !== 2) s.baroAltitudeFt = r.altitudeFt;
    if (r.transmissionType === 4 && r.groundSpeedKt !== null && r.trackDeg !== null) {
      const th = (r.trackDeg * Math.PI) / 180;
      s.velocity = { eastKt: r.groundSpeedKt * Math.sin(th), northKt: r.groundSpeedKt * Math.cos(th), verticalFtMin: r.verticalRateFtMin, nacV: null, timeMs };
    }
    if ((r.transmissionType !== 2 && r.transmissionType !== 3) || r.latDeg === null || r.lonDeg === null) return NO_RESULT;
    const fix: PositionFix = { latDeg: r.latDeg, lonDeg: r.lonDeg, method: 'sbs', surface: r.transmissionType === 2, altitudeFt: r.altitudeFt };
    s.position = { latDeg: r.latDeg, lonDeg: r.lonDeg, timeMs };
    if (fix.surface) return { fix, detection: null, rejected: 'adsb-surface-no-altitude' };
    const alt = r.altitudeFt ?? s.baroAltitudeFt;
    if (alt === null) return { fix, detection: null, rejected: 'adsb-no-altitude' };
    // SBS carries neither NACp nor the GNSS/baro difference: pressure altitude, default accuracy.
    return { fix, detection: this.detection(s, r.latDeg, r.lonDeg, alt * FT_TO_M, this.o.unknownHorizontalAccuracyM, BARO_AS_HAE_VERTICAL_ACCURACY_M, timeMs), rejected: null };
  }
}
