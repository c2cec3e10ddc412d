/**
 * CoT over UDP multicast: the TAK "SA" mesh, 239.2.3.1:6969 by default, one event per datagram.
 *
 * ATAK, WinTAK and iTAK on the same network see Centinela's tracks without a TAK server.
 * `encoding: 'xml'` sends traditional CoT XML (every TAK client decodes it, protocol.txt ground
 * rule 2); `'proto'` sends TAK protocol v1 mesh datagrams (`bf 01 bf <TakMessage>`) and, as the
 * mesh negotiation rules require of a v1 sender, carries a TakControl (min = max = 1) at least
 * every `controlIntervalMs` (≤ 60 s) alongside an event.
 *
 * Choose the interface with `interface` (an IPv4 address of the local NIC): on a multi-homed
 * host the kernel's default route would otherwise pick one. TTL 1 keeps datagrams on the local
 * subnet, as SA traffic should be. Sends are asynchronous with a bounded number in flight and a
 * bounded drop-oldest queue behind them; a socket error recreates the socket with backoff.
 */

import dgram from 'node:dgram';
import { Backoff, type BackoffOptions } from '../../net/backoff.js';
import { cotEventProblem, cotEventToXml, type CotEvent } from './event.js';
import { DropOldestQueue } from './queue.js';
import { newSenderCounters, type TakSenderCounters } from './stream.js';
import { encodeTakMesh, type TakControlFields } from './takproto.js';

export const TAK_SA_GROUP = '239.2.3.1';
export const TAK_SA_PORT = 6969;

export interface MulticastSenderOptions {
  group?: string;
  port?: number;
  /** Multicast TTL (default 1: the local subnet). 0 keeps datagrams on this host. */
  ttl?: number;
  /** IPv4 address of the interface to send from (default: the kernel's choice). */
  interface?: string;
  /** Deliver to listeners on this host too (default true, so a local ATAK sees the tracks). */
  loopback?: boolean;
  encoding?: 'xml' | 'proto';
  /** Events waiting while the socket is busy or being recreated (default 256). */
  queueCapacity?: number;
  /** Datagrams handed to the kernel and not yet confirmed (default 32). */
  maxInFlight?: number;
  /** Largest datagram sent; bigger events are dropped and counted (default 65 507, the IPv4 UDP limit). */
  maxDatagramBytes?: number;
  /** TakControl period in proto mode, ms (default 30 000; the spec asks for ≤ 60 000). */
  controlIntervalMs?: number;
  /** contactUid in TakControl (default "centinela"). */
  contactUid?: string;
  backoff?: BackoffOptions;
}

export class CotMulticastSender {
  readonly counters: TakSenderCounters = newSenderCounters();
  lastError: Error | null = null;

  private readonly queue: DropOldestQueue<CotEvent>;
  private readonly backoff: Backoff;
  private socket: dgram.Socket | null = null;
  private ready = false;
  private closed = false;
  private inFlight = 0;
  private lastControlMs = -Infinity;
  private recreateTimer: NodeJS.Timeout | null = null;
  private started = false;
  readonly group: string;
  readonly port: number;

  constructor(readonly options: MulticastSenderOptions = {}) {
    this.group = options.group ?? TAK_SA_GROUP;
    this.port = options.port ?? TAK_SA_PORT;
    this.queue = new DropOldestQueue<CotEvent>(options.queueCapacity ?? 256);
    this.backoff = new Backoff(options.backoff);
    this.counters.encoding = options.encoding ?? 'xml';
  }

  /** Creates the socket; resolves once it can send. */
  start(): Promise<void> {
    if (this.started) return Promise.resolve();
    this.started = true;
    return this.open();
  }

  private open(): Promise<void> {
    return new Promise((resolve) => {
      const socket = dgram.createSocket({ type: 'udp4' });
      this.socket = socket;
      socket.on('error', (err) => {
        this.counters.errors++;
        this.lastError = err;
        this.recreate(socket);
        resolve();
      });
      const iface = this.options.interface;
      socket.bind({ port: 0, address: iface }, () => {
        try {
          socket.setMulticastTTL(this.options.ttl ?? 1);
          if (iface) socket.setMulticastInterface(iface);
          socket.setMulticastLoopback(this.options.loopback ?? true);
        } catch (err) {
          this.counters.errors++;
          this.lastError = err as Error;
          this.recreate(socket);
          resolve();
          return;
        }
        this.ready = true;
        this.counters.connected = true;
        this.backoff.reset();
        this.flush();
        resolve();
      });
    });
  }

  private recreate(socket: dgram.Socket): void {
    if (this.socket !== socket) return;
    this.ready = false;
    this.counters.connected = false;
    this.socket = null;
    this.inFlight = 0;
    try {
      socket.close();
    } catch {
      // already closed
    }
    if (this.closed) return;
    this.recreateTimer = setTimeout(() => {
      this.recreateTimer = null;
      if (this.closed) return;
      this.counters.reconnects++;
      void this.open();
    }, this.backoff.next());
  }

  /** Queues an event; false when it fails the schema check. Never throws. */
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

  private encode(ev: CotEvent): Uint8Array {
    if (this.counters.encoding === 'xml') return Buffer.from(cotEventToXml(ev, { declaration: true }), 'utf8');
    const now = Date.now();
    let control: TakControlFields | undefined;
    if (now - this.lastControlMs >= (this.options.controlIntervalMs ?? 30_000)) {
      control = { minProtoVersion: 1, maxProtoVersion: 1, contactUid: this.options.contactUid ?? 'centinela' };
      this.lastControlMs = now;
    }
    return encodeTakMesh(ev, control);
  }

  private flush(): void {
    const socket = this.socket;
    const maxInFlight = this.options.maxInFlight ?? 32;
    const maxBytes = this.options.maxDatagramBytes ?? 65_507;
    while (socket && this.ready && this.inFlight < maxInFlight && this.queue.length > 0) {
      const ev = this.queue.shift()!;
      let bytes: Uint8Array;
      try {
        bytes = this.encode(ev);
      } catch {
        this.counters.invalid++;
        continue;
      }
      if (bytes.length > maxBytes) {
        this.counters.dropped++;
        continue;
      }
      this.inFlight++;
      socket.send(bytes, this.port, this.group, (err) => {
        if (this.socket !== socket) return;
        this.inFlight--;
        if (err) {
          this.counters.errors++;
          this.lastError = err;
        } else {
          this.counters.sent++;
          this.counters.bytesSent += bytes.length;
        }
        this.flush();
      });
    }
    this.counters.queued = this.queue.length;
  }

  close(): Promise<void> {
    this.closed = true;
    if (this.recreateTimer) clearTimeout(this.recreateTimer);
    this.recreateTimer = null;
    const s = this.socket;
    this.socket = null;
    this.ready = false;
    this.counters.connected = false;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => s.close(() => resolve()));
  }
}
