/**
 * The WebSocket /api/stream: one JSON message per frame, reconnecting with backoff. The filter
 * rides in the URL of every (re)connection (?filter=<JSON>) and is sent as a message whenever it
 * changes; the server answers a filter change with a fresh snapshot.
 */
import { api, ApiError, BASE, getToken } from './api.js';
import type { ServerMessage, StreamFilter } from './types.js';

export type StreamStatus = 'connecting' | 'live' | 'offline';

export class Stream {
  private ws: WebSocket | null = null;
  private filter: StreamFilter = {};
  private retryMs = 1000;
  private timer = 0;
  private stopped = false;

  constructor(private readonly handlers: { message: (m: ServerMessage) => void; status: (s: StreamStatus) => void; unauthorized: () => void }) {}

  start(filter: StreamFilter): void {
    this.filter = filter;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
    if (this.ws) {
      this.ws.onclose = null;
      this.ws.close();
      this.ws = null;
    }
  }

  setFilter(filter: StreamFilter): void {
    this.filter = filter;
    this.send({ type: 'filter', filter: Object.keys(filter).length ? filter : null });
  }

  private send(msg: unknown): void {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private connect(): void {
    const token = getToken();
    if (!token || this.stopped) return;
    this.handlers.status('connecting');
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    const url = new URL(`${proto}://${location.host}${BASE}api/stream`);
    url.searchParams.set('token', token);
    // The first snapshot is already filtered (no second snapshot after a filter message).
    if (Object.keys(this.filter).length) url.searchParams.set('filter', JSON.stringify(this.filter));
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 1000;
      this.handlers.status('live');
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let msg: ServerMessage;
      try {
        msg = JSON.parse(ev.data) as ServerMessage;
      } catch {
        return;
      }
      this.handlers.message(msg);
    };
    ws.onclose = () => {
      this.ws = null;
      if (this.stopped) return;
      this.handlers.status('offline');
      // A refused upgrade looks like any other close: ask the API whether the token still works.
      api('/api/session', { quiet401: true }).then(
        () => this.retry(),
        (err: unknown) => {
          if (err instanceof ApiError && err.status === 401) this.handlers.unauthorized();
          else this.retry();
        },
      );
    };
  }

  private retry(): void {
    if (this.stopped) return;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 15000);
  }
}
