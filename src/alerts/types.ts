/**
 * Alerts: an event that needs a person (DESIGN.md), with severity, state, times, evidence and who
 * acted on it. One fused track gives at most one alert per rule family — never one per sensor —
 * and worse behaviour raises the severity of that same alert rather than opening another.
 */
import type { Severity } from '../assess/threat.js';
import type { TrackEvent } from '../assess/types.js';

export type { Severity } from '../assess/threat.js';

export type AlertState = 'open' | 'acknowledged' | 'resolved';

export interface OperatorMark {
  by: string;
  timeMs: number;
  note?: string;
}

export interface Alert {
  /** Stable id ("alert-<n>", in order of opening). */
  id: string;
  /**
   * The object the alert is about: the first track of a chain of tracks the assessment judged to
   * be one object (a track that broke up and restarted, or a duplicate of another).
   */
  objectId: number;
  /** The track that last fired a rule on it, and every track that did. */
  trackId: number;
  trackIds: number[];
  /** Family the alert belongs to ('incident', 'identity'): one alert per track per family. */
  family: string;
  /** The rule that opened it, then every rule that fired on it since, in order. */
  rules: string[];
  title: string;
  severity: Severity;
  state: AlertState;
  openedMs: number;
  updatedMs: number;
  acknowledged: OperatorMark | null;
  resolved: (OperatorMark & { reason: 'operator' | 'friendly' | 'merged' }) | null;
  /** Why: the rules' own lines, then the threat score's reasons. */
  evidence: string[];
  /** The events behind it (crossing, drop, …). */
  events: TrackEvent[];
  threatScore: number;
  /** Class and disposition of the track when last updated. */
  cls: string;
  pDrone: number;
  disposition: string;
  /** The track has ended (lost or left); the alert stays until a person resolves it. */
  trackEnded: boolean;
}

export type AlertChangeKind = 'opened' | 'escalated' | 'updated' | 'acknowledged' | 'resolved' | 'reopened' | 'suppressed' | 'track-ended';

export interface AlertChange {
  kind: AlertChangeKind;
  timeMs: number;
  /** A snapshot of the alert after the change. */
  alert: Alert;
  by: string;
  detail: string;
}

export type OperatorAction =
  | { type: 'acknowledge'; alertId: string; by: string; timeMs: number; note?: string }
  | { type: 'resolve'; alertId: string; by: string; timeMs: number; note?: string }
  | { type: 'mark-friendly'; trackId: number; by: string; timeMs: number; note?: string };


/** One line of the audit trail: what happened, when, by whom (the system or a person). */
export interface AuditEntry {
  timeMs: number;
  by: string;
  action: string;
  alertId: string | null;
  trackId: number | null;
  detail: string;
}

/** What a rule asks for when it fires. */
export interface Trigger {
  rule: string;
  family: string;
  severity: Severity;
  title: string;
  /** Rule-specific lines (the threat's reasons are appended by the manager). */
  evidence: string[];
  events: TrackEvent[];
}
