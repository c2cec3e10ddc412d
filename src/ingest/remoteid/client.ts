/**
 * Live Remote ID inputs for the service: the line-per-frame hex feed (feed.ts) over TCP, or read
 * from a file a receiver writes (optionally followed as it grows, like `tail -f`).
 *
 * - TCP: reconnects forever with exponential backoff and jitter (reset once a connection has
 *   delivered a frame that decodes, so a server that accepts and hangs up is not hammered). A
 *   Remote ID receiver is silent while no drone flies, so there is no idle timeout by default;
 *   TCP keep-alive finds dead peers instead.
 * - File: read in 64 KiB chunks from the start; with `follow`, polled for appended data, and
 *   reopened from the start when it is truncated or replaced (log rotation). Regular files
 *   only (a FIFO would block a thread of the pool).
 * - Bounded memory: one line (MAX_LINE_CHARS) waiting for its newline, one read buffer, the
 *   assembler's bounded drone table; nothing is queued.
 * - Counters: the source's (received, accepted, rejected by reason, …) and the transport's.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import type { Detection } from '../../model/detection.js';
import { Backoff, type BackoffOptions } from '../../net/backoff.js';
import { destroySocket } from '../../net/socket.js';
import { LineSplitter } from '../adsb/sbs.js';
import { MAX_LINE_CHARS } from './feed.js';
import { RemoteIdSource, type RemoteIdSourceOptions, type RidCounters } from './index.js';

export interface RidTransportCounters {
  state: 'idle' | 'connecting' | 'connected' | 'waiting' | 'reading' | 'stopped';
  connects: number;
  disconnects: number;
  connectFailures: number;
  /** File: times it was reopened (rotated or truncated). */
  reopens: number;
  bytes: number;
  lastError: string | null;
}

interface FeedCommon extends RemoteIdSourceOptions {
  onDetection?: (d: Detection) => void;
  onEvent?: (e: { type: string; detail?: string; delayMs?: number }) => void;
}

/** Feeds chunks of hex-feed text into a source, line by line, with a bounded line buffer. */
class LineFeed {
  private readonly lines = new LineSplitter(MAX_LINE_CHARS);
  constructor(private readonly source: RemoteIdSource, private readonly onDetection?: (d: Detection) => void, private readonly onGood?: () => void) {}

  push(chunk: Uint8Array): void {
    this.lines.push(
      chunk,
      (line) => {
        const r = this.source.ingestHexLine(line);
        if (r.frame) this.onGood?.();
        for (const d of r.detections) this.onDetection?.(d);
      },
      () => {
        const c = this.source.counters;
        c.received++;
        c.rejected['hex-line-too-long'] = (c.rejected['hex-line-too-long'] ?? 0) + 1;
      },
    );
  }

  /** The stream ended: a last line without its newline still counts. */
  end(): void {
    if (this.lines.pending > 0) this.push(Buffer.from('\n'));
  }

  reset(): void {
    this.lines.reset();
  }
}

function counters(source: RemoteIdSource, t: RidTransportCounters): RidCounters & { transport: RidTransportCounters } {
  const c = source.counters;
  return { ...c, rejected: { ...c.rejected }, noDetection: { ...c.noDetection }, transport: { ...t } };
}

export interface RemoteIdTcpClientOptions extends FeedCommon {
  host: string;
  port: number;
  backoff?: BackoffOptions;
  connectTimeoutMs?: number;
  /** Reconnect when nothing arrives for this long [ms]; 0 (default) never. */
  idleTimeoutMs?: number;
}

/** A TCP client for a line-per-frame hex feed. */
export class RemoteIdTcpClient {
  readonly source: RemoteIdSource;
  private readonly feed: LineFeed;
  private readonly backoff: Backoff;
  private socket: Socket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private healthy = false;
  private readonly t: RidTransportCounters = { state: 'idle', connects: 0, disconnects: 0, connectFailures: 0, reopens: 0, bytes: 0, lastError: null };

  constructor(private readonly opts: RemoteIdTcpClientOptions) {
    this.source = new RemoteIdSource(opts);
    this.backoff = new Backoff(opts.backoff);
    this.feed = new LineFeed(this.source, opts.onDetection, () => {
      if (!this.healthy) {
        this.healthy = true;
        this.backoff.reset();
      }
    });
  }

  get state(): RidTransportCounters['state'] {
    return this.t.state;
  }

  counters(): RidCounters & { transport: RidTransportCounters } {
    return counters(this.source, this.t);
  }

  start(): void {
    if (this.t.state !== 'idle') return;
    this.connect();
  }

  stop(): Promise<void> {
    this.t.state = 'stopped';
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const s = this.socket;
    this.socket = null;
    return destroySocket(s);
  }

  private connect(): void {
    this.t.state = 'connecting';
    this.healthy = false;
    this.feed.reset();
    this.opts.onEvent?.({ type: 'connecting', detail: `${this.opts.host}:${this.opts.port}` });
    const s = createConnection({ host: this.opts.host, port: this.opts.port });
    this.socket = s;
    let connected = false;
    const connectTimer = setTimeout(() => s.destroy(new Error('connect timeout')), this.opts.connectTimeoutMs ?? 10_000);
    s.on('connect', () => {
      clearTimeout(connectTimer);
      connected = true;
      this.t.connects++;
      this.t.state = 'connected';
      s.setKeepAlive(true, 15_000);
      const idle = this.opts.idleTimeoutMs ?? 0;
      if (idle > 0) s.setTimeout(idle, () => s.destroy(new Error('idle timeout')));
      this.opts.onEvent?.({ type: 'connected' });
    });
    s.on('data', (chunk: Buffer) => {
      this.t.bytes += chunk.length;
      this.feed.push(chunk);
    });
    s.on('end', () => this.feed.end());
    s.on('error', (err) => {
      this.t.lastError = err.message;
      this.opts.onEvent?.({ type: 'error', detail: err.message });
    });
    s.on('close', () => {
      clearTimeout(connectTimer);
      if (this.socket === s) this.socket = null;
      if (connected) {
        this.t.disconnects++;
        this.opts.onEvent?.({ type: 'disconnected' });
      } else this.t.connectFailures++;
      if (this.t.state === 'stopped') return;
      const delayMs = this.backoff.next();
      this.t.state = 'waiting';
      this.opts.onEvent?.({ type: 'waiting', delayMs });
      this.timer = setTimeout(() => {
        this.timer = null;
        if (this.t.state === 'waiting') this.connect();
      }, delayMs);
    });
  }
}

export interface RemoteIdFileFeedOptions extends FeedCommon {
  path: string;
  /** Keep reading what is appended (default true). */
  follow?: boolean;
  /** How often a followed file is checked for new data [ms] (default 250). */
  pollMs?: number;
  backoff?: BackoffOptions;
}

const CHUNK = 64 * 1024;

/** Reads a hex-feed file, and with `follow` keeps reading it as it grows. */
export class RemoteIdFileFeed {
  readonly source: RemoteIdSource;
  private readonly feed: LineFeed;
  private readonly backoff: Backoff;
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private fh: FileHandle | null = null;
  private ino = -1;
  private offset = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly t: RidTransportCounters = { state: 'idle', connects: 0, disconnects: 0, connectFailures: 0, reopens: 0, bytes: 0, lastError: null };
  /** Resolves when a non-followed file has been read to its end. */
  readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(private readonly opts: RemoteIdFileFeedOptions) {
    this.source = new RemoteIdSource(opts);
    this.feed = new LineFeed(this.source, opts.onDetection);
    this.backoff = new Backoff(opts.backoff);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  get state(): RidTransportCounters['state'] {
    return this.t.state;
  }

  counters(): RidCounters & { transport: RidTransportCounters } {
    return counters(this.source, this.t);
  }

  start(): void {
    if (this.t.state !== 'idle') return;
    this.t.state = 'reading';
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.t.state = 'stopped';
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.closeFile();
    this.resolveDone();
  }

  private schedule(ms: number): void {
    if (this.t.state === 'stopped') return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.step().finally(() => (this.running = null));
    }, ms);
  }

  private async closeFile(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    if (fh) await fh.close().catch(() => undefined);
  }

  /** Reads what is there; then waits (follow), or finishes. */
  private async step(): Promise<void> {
    try {
      if (!this.fh) {
        this.fh = await open(this.opts.path, 'r');
        this.ino = (await this.fh.stat()).ino;
        this.offset = 0;
        this.feed.reset();
        this.t.connects++;
      }
      for (;;) {
        if (this.t.state === 'stopped') return;
        const { bytesRead } = await this.fh.read(this.buf, 0, CHUNK, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        this.t.bytes += bytesRead;
        this.feed.push(this.buf.subarray(0, bytesRead));
      }
      this.backoff.reset();
      if (!(this.opts.follow ?? true)) {
        this.feed.end();
        await this.closeFile();
        this.t.state = 'stopped';
        this.resolveDone();
        return;
      }
      // Rotated (a new file at the path) or truncated: start over from the top of the new one.
      const st = await stat(this.opts.path).catch(() => null);
      if (st && (st.ino !== this.ino || st.size < this.offset)) {
        this.feed.end();
        await this.closeFile();
        this.t.reopens++;
      }
      this.schedule(this.opts.pollMs ?? 250);
    } catch (err) {
      this.t.lastError = (err as Error).message;
      this.t.connectFailures++;
      await this.closeFile();
      const delayMs = this.backoff.next();
      this.opts.onEvent?.({ type: 'error', detail: (err as Error).message, delayMs });
      this.schedule(delayMs);
    }
  }
}
