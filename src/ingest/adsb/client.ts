/**
 * TCP clients for the two feeds every ADS-B receiver serves: SBS-1 text (dump1090/readsb port
 * 30003) and Beast binary (port 30005).
 *
 * - Reconnect forever with exponential backoff (src/net/backoff.ts: initial · factor^n, capped,
 *   minus up to `jitter` of it at random, so a site's clients do not reconnect in lock-step
 *   after the receiver restarts). n counts consecutive failed attempts and resets once a
 *   connection delivers a message that decodes — a server that accepts and hangs up at once does
 *   not get hammered.
 * - Bounded memory: the Beast decoder holds at most one frame, the SBS splitter one line
 *   (1 KiB), the aircraft table a fixed number of aircraft; data is decoded as it arrives,
 *   nothing is queued.
 * - A connection that goes quiet for idleTimeoutMs is dropped and re-established (receivers
 *   send something every second when any aircraft is in range; a half-open TCP connection would
 *   otherwise hang forever).
 * - Counters: the source's (received, accepted, rejected by reason, …) plus connection counts,
 *   as one plain object from {@link AdsbFeedClient.counters}.
 */
import { Socket, createConnection } from 'node:net';
import type { Detection } from '../../model/detection.js';
import { Backoff, type BackoffOptions } from '../../net/backoff.js';
import { destroySocket } from '../../net/socket.js';
import { AdsbSource, type AdsbCounters, type AdsbItem, type AdsbSourceOptions } from './source.js';

export interface AdsbFeedClientOptions extends AdsbSourceOptions {
  host: string;
  port: number;
  format: 'sbs' | 'beast';
  backoff?: BackoffOptions;
  /** The jitter's random source (tests). */
  random?: () => number;
  connectTimeoutMs?: number;
  /** Reconnect when nothing arrives for this long; 0 disables (default 60 s). */
  idleTimeoutMs?: number;
  onItem?: (item: AdsbItem) => void;
  onDetection?: (d: Detection) => void;
  /** Connection state changes and errors, for logs. */
  onEvent?: (e: { type: 'connecting' | 'connected' | 'disconnected' | 'error' | 'waiting'; detail?: string; delayMs?: number }) => void;
}

export type FeedState = 'idle' | 'connecting' | 'connected' | 'waiting' | 'stopped';

export interface FeedConnectionCounters {
  state: FeedState;
  connects: number;
  disconnects: number;
  connectFailures: number;
  bytes: number;
  lastError: string | null;
}

export class AdsbFeedClient {
  readonly source: AdsbSource;
  private readonly opts: AdsbFeedClientOptions;
  private socket: Socket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly backoff: Backoff;
  private healthy = false;
  private conn: FeedConnectionCounters = { state: 'idle', connects: 0, disconnects: 0, connectFailures: 0, bytes: 0, lastError: null };

  constructor(opts: AdsbFeedClientOptions) {
    this.opts = opts;
    this.source = new AdsbSource({ ...opts, beastTime: opts.beastTime ?? 'receipt' });
    this.backoff = new Backoff(opts.backoff, opts.random);
  }

  get state(): FeedState {
    return this.conn.state;
  }

  /** Source and connection counters, one plain object (a copy). */
  counters(): AdsbCounters & { connection: FeedConnectionCounters } {
    const c = this.source.counters;
    return { ...c, rejected: { ...c.rejected }, noPosition: { ...c.noPosition }, connection: { ...this.conn } };
  }

  start(): void {
    if (this.conn.state !== 'idle' && this.conn.state !== 'stopped') return;
    this.connect();
  }

  /** Closes the connection and stops reconnecting. */
  stop(): Promise<void> {
    this.conn.state = 'stopped';
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const s = this.socket;
    this.socket = null;
    return destroySocket(s);
  }

  private emit(e: Parameters<NonNullable<AdsbFeedClientOptions['onEvent']>>[0]): void {
    this.opts.onEvent?.(e);
  }

  private connect(): void {
    this.conn.state = 'connecting';
    this.healthy = false;
    this.source.resetStreams();
    this.emit({ type: 'connecting', detail: `${this.opts.host}:${this.opts.port}` });
    const s = createConnection({ host: this.opts.host, port: this.opts.port });
    this.socket = s;
    let connected = false;
    const connectTimer = setTimeout(() => s.destroy(new Error('connect timeout')), this.opts.connectTimeoutMs ?? 10_000);
    s.setNoDelay(true);
    s.on('connect', () => {
      clearTimeout(connectTimer);
      connected = true;
      this.conn.connects++;
      this.conn.state = 'connected';
      const idle = this.opts.idleTimeoutMs ?? 60_000;
      if (idle > 0) s.setTimeout(idle, () => s.destroy(new Error('idle timeout')));
      this.emit({ type: 'connected' });
    });
    s.on('data', (chunk: Buffer) => {
      this.conn.bytes += chunk.length;
      const onItem = (item: AdsbItem): void => {
        if (!this.healthy) {
          this.healthy = true;
          this.backoff.reset();
        }
        this.opts.onItem?.(item);
        if (item.detection) this.opts.onDetection?.(item.detection);
      };
      if (this.opts.format === 'beast') this.source.ingestBeastChunk(chunk, onItem);
      else this.source.ingestSbsChunk(chunk, onItem);
    });
    s.on('error', (err) => {
      this.conn.lastError = err.message;
      this.emit({ type: 'error', detail: err.message });
    });
    s.on('close', () => {
      clearTimeout(connectTimer);
      if (this.socket === s) this.socket = null;
      if (connected) {
        this.conn.disconnects++;
        this.emit({ type: 'disconnected' });
      } else this.conn.connectFailures++;
      if (this.conn.state === 'stopped') return;
      const delayMs = this.backoff.next();
      this.conn.state = 'waiting';
      this.emit({ type: 'waiting', delayMs });
      this.timer = setTimeout(() => {
        this.timer = null;
        if (this.conn.state === 'waiting') this.connect();
      }, delayMs);
    });
  }
}

/** An SBS-1 (port 30003) client. */
export const createSbsClient = (opts: Omit<AdsbFeedClientOptions, 'format'>): AdsbFeedClient => new AdsbFeedClient({ ...opts, format: 'sbs' });
/** A Beast (port 30005) client. */
export const createBeastClient = (opts: Omit<AdsbFeedClientOptions, 'format'>): AdsbFeedClient => new AdsbFeedClient({ ...opts, format: 'beast' });
