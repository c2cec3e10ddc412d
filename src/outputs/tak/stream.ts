/**
 * Streaming connection to a TAK server: TCP (8087) or TLS with a client certificate (8089).
 *
 * - Reconnects forever with exponential backoff; a connection that stays up resets the backoff.
 * - Sends from a bounded drop-oldest queue and stops writing when the socket pushes back, so a
 *   slow or stalled server costs at most `queueCapacity` events of memory (plus one socket
 *   buffer), never more; dropped events are counted.
 * - Encodings: `xml` (traditional CoT: `<?xml …?>`, newline, event, no trailing newline, as
 *   protocol.txt asks of streaming clients), `proto` (TAK protocol v1 stream frames from the
 *   first byte, for peers configured for it), or `negotiate`: XML until the server offers
 *   TAK protocol v1 (`t-x-takp-v`), then a request (`t-x-takp-q`) and, once the server answers
 *   `t-x-takp-r` status="true", protobuf frames. While the answer is pending nothing is sent
 *   (protocol.txt step 6); no answer within the timeout drops the connection, as the spec says.
 * - Whatever the server sends (other clients' SA, the negotiation) is cut and parsed by the
 *   bounded CoT-in path; events go to `onEvent` and are counted in `incoming`.
 */

import net from 'node:net';
import tls from 'node:tls';
import { CotStreamCutter } from '../../ingest/cot/stream.js';
import { CotReceiver, type CotEventHandler, type CotInbound, type CotInCounters } from '../../ingest/cot/receiver.js';
import type { CotParseLimits } from '../../ingest/cot/parse.js';
import { child } from '../../ingest/cot/xml.js';
import { Backoff, type BackoffOptions } from '../../net/backoff.js';
import { COT_UNKNOWN, cotEventProblem, cotEventToXml, type CotEvent } from './event.js';
import { DropOldestQueue } from './queue.js';
import { encodeTakStream } from './takproto.js';

/** Counters of an output connection, a plain object for /metrics. */
export interface TakSenderCounters {
  /** Events written to the socket (or datagrams handed to the kernel). */
  sent: number;
  /** Events dropped: queue overflow (oldest first) or, for multicast, oversize datagrams. */
  dropped: number;
  /** Reconnection attempts after the first connection attempt. */
  reconnects: number;
  /** Socket, TLS and negotiation errors. */
  errors: number;
  /** Events refused by the schema check before queueing (a bug upstream). */
  invalid: number;
  /** Events waiting in the queue now. */
  queued: number;
  bytesSent: number;
  connected: boolean;
  /** Encoding on the wire now. */
  encoding: 'xml' | 'proto';
}

export function newSenderCounters(): TakSenderCounters {
  return { sent: 0, dropped: 0, reconnects: 0, errors: 0, invalid: 0, queued: 0, bytesSent: 0, connected: false, encoding: 'xml' };
}

export interface TakTlsOptions {
  /** Client certificate (PEM) the TAK server authenticates us by. */
  cert?: string | Buffer;
  /** Its private key (PEM). */
  key?: string | Buffer;
  passphrase?: string;
  /** CA certificate(s) that signed the server's certificate (the TAK server's truststore CA). */
  ca?: string | Buffer | (string | Buffer)[];
  /** Name to verify the server certificate against (default: host). */
  servername?: string;
  /** Verify the server certificate (default true; turn off only on a lab bench). */
  rejectUnauthorized?: boolean;
}

export type TakStreamEncoding = 'xml' | 'proto' | 'negotiate';

export interface TakStreamOptions {
  host: string;
  /** Default 8087, or 8089 with TLS. */
  port?: number;
  /** TLS settings; absent for plain TCP. */
  tls?: TakTlsOptions;
  encoding?: TakStreamEncoding;
  /** Events held while the server is away or slow (default 1000). */
  queueCapacity?: number;
  backoff?: BackoffOptions;
  /** Give up a connection attempt after this long, ms (default 10 000). */
  connectTimeoutMs?: number;
  /**
   * A connection must stay up this long, ms, before the backoff starts over (default 5000). One
   * that the server closes sooner counts as an error: with TLS 1.3 a refused client certificate
   * shows up exactly so (the handshake completes, then the server hangs up), and resetting the
   * backoff on it would hammer the server.
   */
  stableAfterMs?: number;
  /** Wait for the server's answer to a protocol request this long, ms (default 60 000, the spec's minimum). */
  negotiationTimeoutMs?: number;
  /** Limits for what the server sends us. */
  limits?: Partial<CotParseLimits>;
  /** Events the server sends (other clients' SA, blue force). */
  onEvent?: CotEventHandler;
  /** Called when the connection comes up or goes down. */
  onConnection?: (connected: boolean, error?: Error) => void;
}

type Negotiation = 'idle' | 'awaiting' | 'done';

export class TakStreamClient {
  readonly counters: TakSenderCounters = newSenderCounters();
  /** What the server sent us: received, accepted, rejected by reason. */
  get incoming(): CotInCounters {
    return this.receiver.counters;
  }
  /** The last socket or TLS error, for diagnostics. */
  lastError: Error | null = null;

  private readonly queue: DropOldestQueue<CotEvent>;
  private readonly backoff: Backoff;
  private readonly receiver: CotReceiver;
  private readonly cutter: CotStreamCutter;
  private socket: net.Socket | null = null;
  private open = false;
  private closed = false;
  private attempts = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private negotiationTimer: NodeJS.Timeout | null = null;
  private negotiation: Negotiation = 'idle';
  private wire: 'xml' | 'proto' = 'xml';
  private openedAt = 0;
  private readonly port: number;
  private readonly encoding: TakStreamEncoding;

  constructor(readonly options: TakStreamOptions) {
    this.port = options.port ?? (options.tls ? 8089 : 8087);
    this.encoding = options.encoding ?? 'xml';
    this.queue = new DropOldestQueue<CotEvent>(options.queueCapacity ?? 1000);
    this.backoff = new Backoff(options.backoff);
    this.receiver = new CotReceiver((e) => this.incomingEvent(e), options.limits);
    this.cutter = new CotStreamCutter(
      (m) => this.receiver.streamMessage(m),
      (reason, message) => this.receiver.framingReject(reason, message),
      options.limits?.maxBytes ?? 64 * 1024,
    );
  }

  /** Opens the connection (and keeps it open until close()). */
  start(): this {
    if (!this.socket && !this.reconnectTimer && !this.closed) this.connect();
    return this;
  }

  /**
   * Queues an event for the server. Returns false when the event fails the schema check (counted
   * as invalid) — never throws, never blocks.
   */
  send(ev: CotEvent): boolean {
    if (this.closed) return false;
    if (cotEventProblem(ev) !== null) {
      this.counters.invalid++;
      return false;
    }
    if (this.queue.push(ev) !== undefined) this.counters.dropped++;
    this.counters.queued = this.queue.length;
    this.flush();
    return true;
  }

  /** Stops reconnecting and closes the socket after what is already written. */
  close(): Promise<void> {
    this.closed = true;
    this.clearTimers();
    const s = this.socket;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => {
      const force = setTimeout(() => s.destroy(), 1000);
      s.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      s.end();
    });
  }

  private connect(): void {
    this.attempts++;
    if (this.attempts > 1) this.counters.reconnects++;
    const { host, tls: t } = this.options;
    const timeout = this.options.connectTimeoutMs ?? 10_000;
    const socket = t
      ? tls.connect({
          host, port: this.port, cert: t.cert, key: t.key, passphrase: t.passphrase, ca: t.ca,
          servername: t.servername ?? (net.isIP(host) ? undefined : host),
          rejectUnauthorized: t.rejectUnauthorized ?? true,
        })
      : net.connect({ host, port: this.port });
    this.socket = socket;
    socket.setTimeout(timeout, () => socket.destroy(new Error(`connect timeout after ${timeout} ms`)));
    socket.once(t ? 'secureConnect' : 'connect', () => this.onOpen(socket));
    socket.on('data', (chunk: Buffer) => {
      this.cutter.push(chunk);
      if (this.cutter.broken) socket.destroy(new Error('broken TAK stream framing from the server'));
    });
    socket.on('drain', () => this.flush());
    socket.on('error', (err) => {
      this.counters.errors++;
      this.lastError = err;
    });
    socket.on('close', () => this.onClose(socket));
  }

  private onOpen(socket: net.Socket): void {
    socket.setTimeout(0);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 15_000);
    this.open = true;
    this.openedAt = Date.now();
    this.counters.connected = true;
    this.cutter.reset();
    this.negotiation = 'idle';
    this.wire = this.encoding === 'proto' ? 'proto' : 'xml';
    this.counters.encoding = this.wire;
    this.options.onConnection?.(true);
    this.flush();
  }

  private onClose(socket: net.Socket): void {
    if (this.socket !== socket) return;
    const wasOpen = this.open;
    this.socket = null;
    this.open = false;
    this.counters.connected = false;
    if (this.negotiationTimer) clearTimeout(this.negotiationTimer);
    this.negotiationTimer = null;
    if (wasOpen) {
      const upMs = Date.now() - this.openedAt;
      if (upMs >= (this.options.stableAfterMs ?? 5000)) this.backoff.reset();
      else if (!this.closed && !socket.errored) {
        this.counters.errors++;
        this.lastError = new Error(`connection closed by the server ${upMs} ms after opening (refused client certificate?)`);
      }
      this.options.onConnection?.(false, this.lastError ?? undefined);
    }
    if (this.closed) return;
    const delay = this.backoff.next();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closed) this.connect();
    }, delay);
  }

  private clearTimers(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.negotiationTimer) clearTimeout(this.negotiationTimer);
    this.reconnectTimer = this.negotiationTimer = null;
  }

  private encode(ev: CotEvent): Uint8Array | string {
    return this.wire === 'proto' ? encodeTakStream(ev) : cotEventToXml(ev, { declaration: true });
  }

  private flush(): void {
    const s = this.socket;
    if (!s || !this.open || this.negotiation === 'awaiting') return;
    while (this.queue.length > 0 && !s.writableNeedDrain && !s.destroyed) {
      const ev = this.queue.shift()!;
      let data: Uint8Array | string;
      try {
        data = this.encode(ev);
      } catch {
        this.counters.invalid++;
        continue;
      }
      const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
      s.write(data);
      this.counters.sent++;
      this.counters.bytesSent += bytes;
    }
    this.counters.queued = this.queue.length;
  }

  /** Negotiation messages are handled here; everything else goes to the owner. */
  private incomingEvent(e: CotInbound): void {
    const type = e.event.type;
    if (type === 't-x-takp-v' || type === 't-x-takp-r') {
      this.negotiationMessage(e);
      return;
    }
    this.options.onEvent?.(e);
  }

  private negotiationMessage(e: CotInbound): void {
    const control = e.detail ? child(e.detail, 'TakControl') : null;
    if (!control || this.encoding !== 'negotiate' || !this.socket || !this.open) return;
    if (e.event.type === 't-x-takp-v' && this.negotiation === 'idle') {
      const offersV1 = control.children.some((c) => c.name === 'TakProtocolSupport' && c.attrs.get('version')?.trim() === '1');
      if (!offersV1) return;
      const now = Date.now();
      const request: CotEvent = {
        uid: e.event.uid, type: 't-x-takp-q', how: 'm-g', timeMs: now, startMs: now, staleMs: now + 60_000,
        latDeg: 0, lonDeg: 0, haeM: 0, ceM: COT_UNKNOWN, leM: COT_UNKNOWN,
        detail: { xmlDetail: '<TakControl><TakRequest version="1"/></TakControl>' },
      };
      // Bypasses the queue: it must be the last XML we send before the answer.
      const xml = cotEventToXml(request, { declaration: true });
      this.socket.write(xml);
      this.counters.bytesSent += Buffer.byteLength(xml);
      this.negotiation = 'awaiting';
      const s = this.socket;
      this.negotiationTimer = setTimeout(() => {
        this.counters.errors++;
        this.lastError = new Error('TAK protocol negotiation: no answer from the server');
        s.destroy(this.lastError);
      }, this.options.negotiationTimeoutMs ?? 60_000);
      return;
    }
    if (e.event.type === 't-x-takp-r' && this.negotiation === 'awaiting') {
      if (this.negotiationTimer) clearTimeout(this.negotiationTimer);
      this.negotiationTimer = null;
      const response = control.children.find((c) => c.name === 'TakResponse');
      const accepted = response?.attrs.get('status')?.trim().toLowerCase() === 'true';
      if (accepted) this.wire = 'proto';
      // Refused: back to XML (protocol.txt 7b); done either way, no retry on this connection.
      this.negotiation = 'done';
      this.counters.encoding = this.wire;
      this.flush();
    }
  }
}
