/**
 * CoT in from the network: the SA multicast group and a TAK server connection.
 *
 * Both feed one CotReceiver (bounded parsing, counters by reject reason) and, by default, pass on
 * only blue force (friendly atoms), keeping the latest position per uid in a bounded table.
 */

import dgram from 'node:dgram';
import { TAK_SA_GROUP, TAK_SA_PORT } from '../../outputs/tak/multicast.js';
import { TakStreamClient, type TakStreamOptions } from '../../outputs/tak/stream.js';
import { BlueForceTable, blueForceFromCot, isBlueForceType, type BlueForcePosition } from './blue-force.js';
import type { CotParseLimits } from './parse.js';
import { CotReceiver, type CotInbound, type CotInCounters } from './receiver.js';

export interface CotInputOptions {
  /** Every accepted event (any type). */
  onEvent?: (e: CotInbound) => void;
  /** Blue-force positions (friendly atoms), after the latest-per-uid check. */
  onBlueForce?: (p: BlueForcePosition) => void;
  /** Table for blue force (default a new one with 10 000 entries). */
  table?: BlueForceTable;
  /** The caller's clock for dropping positions stale on arrival (default Date.now). */
  now?: () => number;
  limits?: Partial<CotParseLimits>;
}

/** Routes accepted events to the handlers and the blue-force table. */
function router(o: CotInputOptions, table: BlueForceTable): (e: CotInbound) => void {
  const now = o.now ?? Date.now;
  return (e) => {
    o.onEvent?.(e);
    if (!isBlueForceType(e.event.type)) return;
    const p = blueForceFromCot(e.event);
    if (table.upsert(p, now())) o.onBlueForce?.(p);
  };
}

export interface MulticastListenerOptions extends CotInputOptions {
  group?: string;
  port?: number;
  /** IPv4 address of the interface to join the group on (default: the kernel's choice). */
  interface?: string;
}

/** Listens to the SA multicast group; each datagram is one XML event or one TAK v1 mesh message. */
export class CotMulticastListener {
  readonly table: BlueForceTable;
  private readonly receiver: CotReceiver;
  private socket: dgram.Socket | null = null;
  readonly group: string;
  readonly port: number;

  constructor(readonly options: MulticastListenerOptions = {}) {
    this.group = options.group ?? TAK_SA_GROUP;
    this.port = options.port ?? TAK_SA_PORT;
    this.table = options.table ?? new BlueForceTable();
    this.receiver = new CotReceiver(router(options, this.table), options.limits);
  }

  get counters(): CotInCounters {
    return this.receiver.counters;
  }

  /** Binds the port (shared with other listeners on this host) and joins the group. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
      this.socket = socket;
      socket.once('error', reject);
      socket.on('message', (msg) => this.receiver.datagram(msg));
      socket.bind(this.port, () => {
        try {
          socket.addMembership(this.group, this.options.interface);
        } catch (err) {
          socket.close();
          reject(err as Error);
          return;
        }
        socket.off('error', reject);
        // A receive error on a UDP socket (e.g. ICMP fallout) does not stop it: keep listening.
        socket.on('error', () => undefined);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => s.close(() => resolve()));
  }
}

export type CotTcpClientOptions = CotInputOptions & Omit<TakStreamOptions, 'onEvent' | 'limits'>;

/**
 * A TAK server connection used for input: the server relays every client's SA, so this is how
 * blue force reaches Centinela when there is no multicast. The underlying TakStreamClient can
 * send too (`connection.send`), so one connection carries tracks out and blue force in.
 */
export class CotTcpClient {
  readonly table: BlueForceTable;
  readonly connection: TakStreamClient;

  constructor(options: CotTcpClientOptions) {
    this.table = options.table ?? new BlueForceTable();
    this.connection = new TakStreamClient({ ...options, onEvent: router(options, this.table) });
  }

  get counters(): CotInCounters {
    return this.connection.incoming;
  }

  start(): this {
    this.connection.start();
    return this;
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
