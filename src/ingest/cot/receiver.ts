/**
 * One place that turns raw CoT input — a datagram, or a message cut from a stream — into events,
 * and counts what it saw: received, accepted, rejected by reason. The multicast listener and the
 * TAK server connection both feed it, so /metrics reads the same counters for every source.
 */

import type { CotEvent } from '../../outputs/tak/event.js';
import type { TakControlFields } from '../../outputs/tak/takproto.js';
import { COT_REJECT_REASONS, parseCotXml, type CotParseLimits, type CotRejectReason } from './parse.js';
import type { StreamMessage } from './stream.js';
import { decodeTakMesh, decodeTakPayload } from './takproto.js';
import type { XmlElement } from './xml.js';

export interface CotInCounters {
  received: number;
  accepted: number;
  rejected: Record<CotRejectReason, number>;
}

export function newCotInCounters(): CotInCounters {
  const rejected = {} as Record<CotRejectReason, number>;
  for (const r of COT_REJECT_REASONS) rejected[r] = 0;
  return { received: 0, accepted: 0, rejected };
}

/** An accepted event, with its `<detail>` element (when it had one) and how it came. */
export interface CotInbound {
  event: CotEvent;
  detail: XmlElement | null;
  encoding: 'xml' | 'proto';
}

export type CotEventHandler = (e: CotInbound) => void;
export type CotRejectHandler = (reason: CotRejectReason, message: string) => void;
export type TakControlHandler = (c: TakControlFields) => void;

export class CotReceiver {
  readonly counters: CotInCounters = newCotInCounters();

  constructor(
    private readonly onEvent: CotEventHandler,
    private readonly limits: Partial<CotParseLimits> = {},
    private readonly onReject?: CotRejectHandler,
    private readonly onControl?: TakControlHandler,
  ) {}

  /** A whole datagram: XML (protocol version 0) or a TAK mesh message (`bf 01 bf …`). */
  datagram(b: Uint8Array): void {
    this.counters.received++;
    if (b.length > 0 && b[0] === 0xbf) {
      const r = decodeTakMesh(b, this.limits);
      if (r.ok) return this.accept(r.event, r.detail, 'proto', r.control);
      if (r.control) this.onControl?.(r.control);
      return this.reject(r.reason, r.message);
    }
    const r = parseCotXml(b, this.limits);
    if (r.ok) return this.accept(r.event, r.detail, 'xml', null);
    this.reject(r.reason, r.message);
  }

  /** One message cut from a stream by CotStreamCutter. */
  streamMessage(m: StreamMessage): void {
    this.counters.received++;
    if (m.kind === 'proto') {
      const r = decodeTakPayload(m.payload, this.limits);
      if (r.ok) return this.accept(r.event, r.detail, 'proto', r.control);
      if (r.control) this.onControl?.(r.control);
      return this.reject(r.reason, r.message);
    }
    const r = parseCotXml(m.bytes, this.limits);
    if (r.ok) return this.accept(r.event, r.detail, 'xml', null);
    this.reject(r.reason, r.message);
  }

  /** A message the stream cutter refused before it could be parsed (too large, broken framing). */
  framingReject(reason: CotRejectReason, message: string): void {
    this.counters.received++;
    this.reject(reason, message);
  }

  private reject(reason: CotRejectReason, message: string): void {
    this.counters.rejected[reason] = (this.counters.rejected[reason] ?? 0) + 1;
    this.onReject?.(reason, message);
  }

  private accept(event: CotEvent, detail: XmlElement | null, encoding: 'xml' | 'proto', control: TakControlFields | null): void {
    this.counters.accepted++;
    if (control) this.onControl?.(control);
    this.onEvent({ event, detail, encoding });
  }
}
