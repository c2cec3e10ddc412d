/**
 * Alert rules: which assessed behaviour needs a person. Each rule reads one track's assessment
 * and the events of this update and returns a Trigger (or null). Rules never fire for friends;
 * cooperative traffic (honest Remote ID, ADS-B) only alerts when it crosses the border, and then
 * low. Manned aircraft and birds never alert as drones: every drone rule requires P(drone) at
 * or above the threshold — but for a crossing, where "more likely a drone than not" is enough
 * to look (see RuleConfig.possibleDroneThreshold).
 *
 * Family 'incident' (one alert per track, escalating in place):
 *   border-crossing      an inbound crossing by a drone, within `crossingWindowS` of it → high;
 *                        by a possible drone (P(drone) ≥ ½, below the threshold) → medium,
 *                        raised in place if it is confirmed (optionally also a crossing
 *                        inferred from a launch point across the border);
 *   zone-intrusion       inside a protected site or no-fly area, non-cooperative, the object
 *                        settled (see RuleConfig.settleS) → by criticality;
 *   zone-loiter          loitering in such a zone → one step above the intrusion;
 *   dark-drone           the dark flag on our side of the border → medium, high if it came across;
 *   suspected-drop       a suspected payload drop by a non-cooperative drone that came across,
 *                        flies dark or is inside a protected zone → critical.
 * Family 'identity':
 *   remote-id-spoof      a Remote ID broadcast that disagrees with the fused track → medium.
 */
import type { Severity } from '../assess/threat.js';
import { severityRank } from '../assess/threat.js';
import type { TrackAssessment, TrackEvent } from '../assess/types.js';
import type { Criticality } from '../assess/zones.js';
import type { Trigger } from './types.js';

export interface RuleConfig {
  /** P(drone) a track needs for any drone rule. */
  droneThreshold: number;
  /**
   * P(drone) at which an inbound crossing alerts as a possible drone (medium), below
   * `droneThreshold` (which makes it high). A crossing is what a border sector exists to catch and
   * its costs are not even: a look at a bird costs an operator a minute, a missed drug run is the
   * failure the system is bought to prevent; so for this one rule "more likely a drone than not"
   * is enough to alert, at a severity that says it is unconfirmed. It matters where nothing but
   * kinematics is known (beyond a radar's micro-Doppler range, no RF detector, no camera): by
   * design kinematics alone never reach `droneThreshold`.
   */
  possibleDroneThreshold: number;
  /** How long after an inbound crossing a crossing alert may still open (classification settling) [s]. */
  crossingWindowS: number;
  /**
   * Whether a crossing inferred from the launch point (the drone first seen on our side, its
   * back-projection across the border) alerts by itself. Off by default: a back-projection from
   * a track's first seconds is weak evidence — a track restarting mid-flight near the river
   * back-projects across it just the same — and on the built-in scenarios it added false alerts
   * on hobby drones and birds while every crossing inside coverage was alerted without it. The
   * launch point still goes out as an event and counts in the threat score.
   */
  alertOnInferredCrossing: boolean;
  /** Inferred crossings (launch back-projected across) need at least this far-side probability … */
  inferredCrossingMinPFar: number;
  /** … and a first detection this close to the border along the back-projection [m] … */
  inferredCrossingMaxDistanceM: number;
  /**
   * … and the object believed this long [s]: a new track is often a known drone's track
   * restarting mid-flight, and joining it to that drone takes a few seconds.
   */
  inferredCrossingMinAgeS: number;
  /**
   * Zone and dark rules wait until the object is this old [s]: a fresh track is often a known
   * drone's track restarting (or a duplicate of it), and the assessment needs a few seconds to
   * see it is the same drone — a compliant hobby drone over a port must not alert because its
   * track broke up. An intruder is still inside seconds later.
   */
  settleS: number;
  /** Severity by zone criticality. */
  zoneSeverity: Record<Criticality, Severity>;
}

export const DEFAULT_RULE_CONFIG: RuleConfig = {
  droneThreshold: 0.7,
  possibleDroneThreshold: 0.5,
  crossingWindowS: 600,
  alertOnInferredCrossing: false,
  inferredCrossingMinPFar: 0.7,
  inferredCrossingMaxDistanceM: 1000,
  inferredCrossingMinAgeS: 15,
  settleS: 10,
  zoneSeverity: { low: 'low', medium: 'medium', high: 'medium', critical: 'high' },
};

export interface Rule {
  id: string;
  family: string;
  evaluate(a: TrackAssessment, events: readonly TrackEvent[], cfg: RuleConfig, zoneName: (id: string) => { name: string; criticality: Criticality; kind: string } | undefined): Trigger | null;
}

const fmtTime = (ms: number) => new Date(ms).toISOString().slice(11, 19) + 'Z';
const fmtPoint = (p: { e: number; n: number; latDeg?: number; lonDeg?: number }) =>
  p.latDeg !== undefined && p.lonDeg !== undefined ? `${p.latDeg.toFixed(5)}, ${p.lonDeg.toFixed(5)}` : `E ${p.e.toFixed(0)} m, N ${p.n.toFixed(0)} m`;

const isDrone = (a: TrackAssessment, cfg: RuleConfig) => a.classification.pDrone >= cfg.droneThreshold;
/**
 * Launched across the border: seen at launch on the far side, or first seen close to the border
 * heading away from it with the back-projection mostly across (a track first seen deep inside
 * our side may have taken off anywhere behind it).
 */
const launchedAcross = (l: NonNullable<TrackAssessment['launch']>, cfg: RuleConfig) =>
  l.pFarSide >= cfg.inferredCrossingMinPFar && (l.region.kind === 'circle' || l.region.minRangeM <= cfg.inferredCrossingMaxDistanceM);
const nonCooperative = (a: TrackAssessment) => a.disposition !== 'cooperative' && a.disposition !== 'friend';
const up = (s: Severity, k = 1): Severity => (['info', 'low', 'medium', 'high', 'critical'] as Severity[])[Math.min(4, severityRank(s) + k)];

export const borderCrossingRule: Rule = {
  id: 'border-crossing',
  family: 'incident',
  evaluate(a, _events, cfg) {
    if (a.disposition === 'friend' || !a.onProtectedSide) return null;
    const c = a.crossedInbound;
    const pDrone = a.classification.pDrone;
    if (c && pDrone >= Math.min(cfg.possibleDroneThreshold, cfg.droneThreshold) && (a.timeMs - c.timeMs) / 1000 <= cfg.crossingWindowS) {
      const coop = a.disposition === 'cooperative', confirmed = isDrone(a, cfg);
      const evidence = [`crossed ${c.direction} ${c.from} → ${c.to} at ${fmtTime(c.crossingTimeMs)} (${fmtPoint(c.point)})${c.inferred ? ', inferred from its launch point' : ''}`];
      if (!confirmed) evidence.push(`unconfirmed: P(drone) ${pDrone.toFixed(2)}, a drone from ${cfg.droneThreshold.toFixed(2)} (${a.classification.reasons.join('; ') || 'no evidence yet'})`);
      return {
        rule: 'border-crossing', family: 'incident', severity: coop ? 'low' : confirmed ? 'high' : 'medium',
        title: `${coop ? 'Cooperative drone' : confirmed ? 'Drone' : 'Possible drone'} crossed the border ${c.from} → ${c.to}`,
        evidence, events: [c],
      };
    }
    if (!isDrone(a, cfg)) return null;
    const l = a.launch;
    if (!c && l && cfg.alertOnInferredCrossing && nonCooperative(a) && launchedAcross(l, cfg) && a.objectAgeS >= cfg.inferredCrossingMinAgeS) {
      return {
        rule: 'border-crossing', family: 'incident', severity: 'high',
        title: `Drone launched across the border (${l.side ?? 'far side'}), now on ${a.side ?? 'our side'}`,
        evidence: [`first seen on our side; launch point back-projected to ${fmtPoint(l.estimate)} (${(100 * l.pFarSide).toFixed(0)} % on the far side)`],
        events: [l],
      };
    }
    return null;
  },
};

export const zoneIntrusionRule: Rule = {
  id: 'zone-intrusion',
  family: 'incident',
  evaluate(a, _events, cfg, zone) {
    if (!isDrone(a, cfg) || !nonCooperative(a) || a.zonesInside.length === 0 || a.objectAgeS < cfg.settleS) return null;
    let best: { name: string; criticality: Criticality; kind: string } | undefined;
    for (const id of a.zonesInside) {
      const z = zone(id);
      if (!z || z.kind === 'corridor') continue;
      if (!best || critRank(z.criticality) > critRank(best.criticality)) best = z;
    }
    if (!best) return null;
    return {
      rule: 'zone-intrusion', family: 'incident', severity: cfg.zoneSeverity[best.criticality],
      title: `Drone inside ${best.name}`, evidence: [`inside ${best.name} (${best.kind}, ${best.criticality})`], events: [],
    };
  },
};

export const zoneLoiterRule: Rule = {
  id: 'zone-loiter',
  family: 'incident',
  evaluate(a, _events, cfg) {
    const l = a.zoneLoiter;
    if (!l || !l.zoneId || !isDrone(a, cfg) || !nonCooperative(a) || !a.zonesInside.includes(l.zoneId) || a.objectAgeS < cfg.settleS) return null;
    return {
      rule: 'zone-loiter', family: 'incident', severity: up(cfg.zoneSeverity[l.criticality ?? 'medium']),
      title: `Drone loitering over ${l.zoneName}`, evidence: [`loitering ${l.dwellS.toFixed(0)} s in ${l.zoneName} (${l.criticality})`], events: [l],
    };
  },
};

export const darkDroneRule: Rule = {
  id: 'dark-drone',
  family: 'incident',
  evaluate(a, _events, cfg) {
    if (!a.dark || !isDrone(a, cfg) || !nonCooperative(a) || !a.onProtectedSide || a.objectAgeS < cfg.settleS) return null;
    const across = a.crossedInbound !== null;
    return {
      rule: 'dark-drone', family: 'incident', severity: across ? 'high' : 'medium',
      title: across ? 'Dark drone crossed the border (no RF, no Remote ID)' : 'Dark drone on our side (no RF, no Remote ID)',
      evidence: [`no RF link or Remote ID for ${a.darkRfExpectedS.toFixed(0)} s inside RF coverage: fibre-optic or autonomous`], events: [],
    };
  },
};

export const suspectedDropRule: Rule = {
  id: 'suspected-drop',
  family: 'incident',
  evaluate(a, _events, cfg) {
    const d = a.lastDrop;
    if (!d || !isDrone(a, cfg) || !nonCooperative(a)) return null;
    // A drop is a smuggler's when the drone came across, flies dark or intrudes; a spoofer's
    // broadcast hovering somewhere is not a drop (its position is the lie).
    const across = a.crossedInbound !== null || (cfg.alertOnInferredCrossing && a.launch !== null && launchedAcross(a.launch, cfg));
    if (!(across || a.dark || a.zonesInside.length > 0)) return null;
    const e = d.ellipse;
    return {
      rule: 'suspected-drop', family: 'incident', severity: 'critical', title: `Suspected payload drop at ${fmtPoint(d.point)}`,
      evidence: [
        `held ${((d.holdEndMs - d.holdStartMs) / 1000).toFixed(0)} s, descended ${d.descentM.toFixed(0)} m, climbed ${d.climbM.toFixed(0)} m, then left`,
        `drop point ${fmtPoint(d.point)} ± ${e.semiMajorM.toFixed(0)} × ${e.semiMinorM.toFixed(0)} m (95 %)`,
      ],
      events: [d],
    };
  },
};

export const remoteIdSpoofRule: Rule = {
  id: 'remote-id-spoof',
  family: 'identity',
  evaluate(a) {
    const s = a.spoof;
    if (!s || a.disposition === 'friend') return null;
    return {
      rule: 'remote-id-spoof', family: 'identity', severity: 'medium', title: `Remote ID ${s.serial} broadcasts a false position`,
      evidence: [`broadcast position ${s.offsetM.toFixed(0)} m from the fused track${s.realTrackId !== null ? ` (the drone is track ${s.realTrackId})` : ''}`], events: [],
    };
  },
};

export const DEFAULT_RULES: readonly Rule[] = [borderCrossingRule, zoneIntrusionRule, zoneLoiterRule, darkDroneRule, suspectedDropRule, remoteIdSpoofRule];

function critRank(c: Criticality): number {
  return c === 'critical' ? 3 : c === 'high' ? 2 : c === 'medium' ? 1 : 0;
}

/** Runs the rules on one track; the highest-severity trigger per family first. */
export function evaluateRules(
  rules: readonly Rule[], a: TrackAssessment, events: readonly TrackEvent[], cfg: RuleConfig,
  zone: (id: string) => { name: string; criticality: Criticality; kind: string } | undefined,
): Trigger[] {
  const out: Trigger[] = [];
  for (const r of rules) {
    const t = r.evaluate(a, events, cfg, zone);
    if (t) out.push(t);
  }
  // Raise severity last, so the alert's title is the worst behaviour's.
  return out.sort((x, y) => severityRank(x.severity) - severityRank(y.severity));
}
