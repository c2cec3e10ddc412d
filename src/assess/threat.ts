/**
 * Threat score: 0–100 from what the track is (class), who it is (disposition), what it did
 * (behaviour) and where (zone criticality), with the reasons listed as sentences an operator
 * reads, numbers included. The score is additive so each reason's share is visible; friends
 * score 0 whatever they do, cooperative traffic is halved.
 *
 *   drone-ness           up to 30 × P(drone)
 *   came across          +20 crossed inbound (or launched across and now on our side)
 *   suspected drop       +25
 *   in a zone            +20 × criticality weight (critical 1, high 0.75, medium 0.5, low 0.25)
 *   loiter in a zone     +10 × weight;  open-area loiter +5
 *   approaching a zone   +10 × weight when the predicted entry is within 2 minutes
 *   approaching border   +5 when the predicted crossing is within a minute
 *   dark                 +15;  Remote ID spoof +15
 *   disposition          hostile +10, suspect +5
 */
import type { Criticality } from './zones.js';
import { criticalityWeight } from './zones.js';
import type { Disposition } from './types.js';

export interface ThreatInputs {
  pDrone: number;
  cls: string;
  clsProbability: number;
  disposition: Disposition;
  crossedInbound: { timeMs: number; pointLabel: string } | null;
  launchAcross: { side: string; pFar: number } | null;
  drop: { timeMs: number; pointLabel: string } | null;
  zonesInside: { name: string; criticality: Criticality }[];
  zoneLoiter: { name: string; criticality: Criticality; dwellS: number } | null;
  areaLoiter: boolean;
  approachingZone: { name: string; criticality: Criticality; timeToEntryS: number } | null;
  timeToBorderS: number | null;
  dark: { rfExpectedS: number } | null;
  spoof: { serial: string; offsetM: number } | null;
  cooperativeId: string | null;
  friendBy: string | null;
}

export interface ThreatAssessment {
  score: number;
  evidence: string[];
}

const pct = (p: number) => `${(100 * p).toFixed(0)} %`;

export function threatScore(x: ThreatInputs): ThreatAssessment {
  const evidence: string[] = [];
  if (x.disposition === 'friend') {
    return { score: 0, evidence: [`friend${x.friendBy ? ` (${x.friendBy})` : ''}: no threat`] };
  }
  let s = 30 * x.pDrone;
  evidence.push(`classified ${x.cls} (${pct(x.clsProbability)}); P(drone) ${pct(x.pDrone)} → +${(30 * x.pDrone).toFixed(0)}`);
  if (x.crossedInbound) {
    s += 20;
    evidence.push(`crossed the border inbound at ${x.crossedInbound.pointLabel} → +20`);
  } else if (x.launchAcross) {
    s += 20;
    evidence.push(`launch point back-projected to ${x.launchAcross.side} (${pct(x.launchAcross.pFar)} on the far side) and now on our side → +20`);
  }
  if (x.drop) {
    s += 25;
    evidence.push(`suspected payload drop at ${x.drop.pointLabel} → +25`);
  }
  let zoneBest = 0;
  for (const z of x.zonesInside) {
    const w = criticalityWeight(z.criticality);
    if (w > zoneBest) zoneBest = w;
  }
  if (zoneBest > 0) {
    s += 20 * zoneBest;
    evidence.push(`inside ${x.zonesInside.map((z) => `${z.name} (${z.criticality})`).join(', ')} → +${(20 * zoneBest).toFixed(0)}`);
  }
  if (x.zoneLoiter) {
    const w = criticalityWeight(x.zoneLoiter.criticality);
    s += 10 * w;
    evidence.push(`loitered ${x.zoneLoiter.dwellS.toFixed(0)} s in ${x.zoneLoiter.name} → +${(10 * w).toFixed(0)}`);
  } else if (x.areaLoiter) {
    s += 5;
    evidence.push('circling in a small area for minutes → +5');
  }
  if (x.approachingZone && x.approachingZone.timeToEntryS <= 120) {
    const w = criticalityWeight(x.approachingZone.criticality);
    s += 10 * w;
    evidence.push(`approaching ${x.approachingZone.name}: entry in ${x.approachingZone.timeToEntryS.toFixed(0)} s → +${(10 * w).toFixed(0)}`);
  }
  if (x.timeToBorderS !== null && x.timeToBorderS <= 60) {
    s += 5;
    evidence.push(`approaching the border: crossing predicted in ${x.timeToBorderS.toFixed(0)} s → +5`);
  }
  if (x.dark) {
    s += 15;
    evidence.push(`dark: no RF link or Remote ID in ${x.dark.rfExpectedS.toFixed(0)} s inside RF coverage → +15`);
  }
  if (x.spoof) {
    s += 15;
    evidence.push(`Remote ID ${x.spoof.serial} broadcasts a position ${x.spoof.offsetM.toFixed(0)} m from the fused track → +15`);
  }
  if (x.disposition === 'hostile') {
    s += 10;
    evidence.push('disposition hostile → +10');
  } else if (x.disposition === 'suspect') {
    s += 5;
    evidence.push('disposition suspect → +5');
  }
  if (x.disposition === 'cooperative') {
    s *= 0.5;
    evidence.push(`cooperative (${x.cooperativeId ?? 'identified'}) → ×0.5`);
  }
  return { score: Math.max(0, Math.min(100, Math.round(s))), evidence };
}

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Severity band of a threat score. */
export function severityOf(score: number): Severity {
  return score >= 80 ? 'critical' : score >= 60 ? 'high' : score >= 40 ? 'medium' : score >= 20 ? 'low' : 'info';
}
