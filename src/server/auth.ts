/**
 * Authentication and roles. Every route but GET /health (and the web UI's static files, which hold
 * code, not data) needs a bearer token; roles are ordered viewer < operator < admin.
 *
 * Tokens: 32 random bytes, base64url, shown once; the store keeps only their SHA-256 (hex), and a
 * request's token is found by the hash of what it presents (so no secret is ever compared).
 * Failed authentications are logged (address and reason, never the token) and limited per client
 * address: after `max` failures within `windowMs` every further failure is answered 429 until the
 * window has slid past them. A valid token always passes.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role, Store, StoredToken } from '../store/store.js';

export type { Role } from '../store/store.js';

/** Who may call a route: a role (and every role above it) or anyone. */
export type Access = Role | 'public';

/** The presented token, once verified. */
export interface Principal {
  tokenId: string;
  role: Role;
  label: string;
  expiresMs: number | null;
}

export type AuthFailure = 'missing' | 'malformed' | 'unknown' | 'expired' | 'revoked';

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function roleAllows(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

/** SHA-256 of a secret, hex: what the store keeps. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * Creates a token and stores its hash; returns the secret (shown once, never stored).
 * @param ttlH lifetime in hours; omitted: the token does not expire
 * @param nowMs creation time (the server's clock)
 */
export function createToken(store: Store, role: Role, label: string, ttlH?: number, nowMs: number = Date.now()): { id: string; secret: string } {
  const secret = randomBytes(32).toString('base64url');
  const id = `tok-${randomBytes(6).toString('hex')}`;
  const token: StoredToken = {
    id, hash: hashSecret(secret), role, label, createdMs: nowMs,
    expiresMs: ttlH === undefined ? null : nowMs + Math.round(ttlH * 3_600_000), revoked: false,
  };
  store.addToken(token);
  store.flush();
  return { id, secret };
}

/** A secret's shape: base64url, of sane length (anything else is refused before hashing). */
const SECRET_RE = /^[A-Za-z0-9_-]{16,256}$/;

/** Checks a presented secret against the store. */
export function verifySecret(store: Store, secret: string, nowMs: number): Principal | AuthFailure {
  if (!SECRET_RE.test(secret)) return 'malformed';
  const t = store.tokenByHash(hashSecret(secret));
  if (!t) return 'unknown';
  if (t.revoked) return 'revoked';
  if (t.expiresMs !== null && t.expiresMs <= nowMs) return 'expired';
  return { tokenId: t.id, role: t.role, label: t.label, expiresMs: t.expiresMs };
}

/** Where a token may come from on a request: the Authorization header always; the query and a cookie where allowed. */
export interface CredentialSources {
  query: boolean;
  cookie: string | null;
}

/** The secret a request presents, `null` when none, or 'malformed' for an Authorization header that is not `Bearer <secret>`. */
export function presentedSecret(req: FastifyRequest, from: CredentialSources): string | null | 'malformed' {
  const h = req.headers.authorization;
  if (typeof h === 'string' && h.length > 0) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    return m ? m[1] : 'malformed';
  }
  if (from.query) {
    const q = (req.query as Record<string, unknown> | undefined)?.token;
    if (typeof q === 'string' && q.length > 0) return q;
  }
  if (from.cookie) {
    const c = cookieValue(req.headers.cookie, from.cookie);
    if (c) return c;
  }
  return null;
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

/**
 * Failed authentications per client address in a sliding window. Memory is bounded: each address
 * keeps its last `max` failure times, and addresses are forgotten once their window has passed
 * (swept when the table grows; at `maxClients` the oldest entries go first).
 */
export class FailureLimiter {
  private readonly byAddress = new Map<string, number[]>();

  constructor(readonly max = 10, readonly windowMs = 60_000, private readonly maxClients = 100_000) {}

  /** Whether `address` already failed `max` times within the window. */
  limited(address: string, nowMs: number): boolean {
    const times = this.byAddress.get(address);
    return times !== undefined && times.length >= this.max && nowMs - times[0] < this.windowMs;
  }

  /** Seconds until the address is no longer limited (for Retry-After). */
  retryAfterS(address: string, nowMs: number): number {
    const times = this.byAddress.get(address);
    if (!times || times.length < this.max) return 0;
    return Math.max(1, Math.ceil((times[0] + this.windowMs - nowMs) / 1000));
  }

  record(address: string, nowMs: number): void {
    let times = this.byAddress.get(address);
    if (!times) {
      if (this.byAddress.size >= this.maxClients) this.sweep(nowMs);
      this.byAddress.set(address, (times = []));
    } else {
      // Refresh insertion order so the least recently failing addresses are evicted first.
      this.byAddress.delete(address);
      this.byAddress.set(address, times);
    }
    times.push(nowMs);
    while (times.length > this.max) times.shift();
  }

  reset(): void {
    this.byAddress.clear();
  }

  get size(): number {
    return this.byAddress.size;
  }

  private sweep(nowMs: number): void {
    for (const [a, times] of this.byAddress) if (nowMs - times[times.length - 1] >= this.windowMs) this.byAddress.delete(a);
    // Still full: drop the oldest entries (Map iterates in insertion order).
    for (const a of this.byAddress.keys()) {
      if (this.byAddress.size < this.maxClients) break;
      this.byAddress.delete(a);
    }
  }
}

export interface AuthOptions {
  store: Store;
  /** The server's clock (token expiry). */
  now: () => number;
  limiter: FailureLimiter;
  /** Wall clock for the failure window (default Date.now). */
  wallNow?: () => number;
  onFailure?: (reason: AuthFailure, limited: boolean) => void;
}

export const DOCS_COOKIE = 'centinela_docs';

/** Redacts `token=` from a URL (for logs). */
export function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1…');
}

/**
 * The onRequest hook: authenticates, applies the route's access level, and answers 401/403/429
 * itself. Routes say their access in `config.access` (default: viewer — a route that forgets
 * stays closed); `config.docs` routes (the OpenAPI pages) also take `?token=` and a cookie it sets,
 * since a browser opening /docs cannot send a header.
 */
export function authHook(opts: AuthOptions) {
  const wallNow = opts.wallNow ?? Date.now;
  return async function onRequest(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const cfg = (req.routeOptions?.config ?? {}) as { access?: Access; docs?: boolean; tokenInQuery?: boolean };
    const access: Access = cfg.access ?? 'viewer';
    if (access === 'public') return;
    const presented = presentedSecret(req, { query: cfg.tokenInQuery === true || cfg.docs === true, cookie: cfg.docs ? DOCS_COOKIE : null });
    const result: Principal | AuthFailure = presented === null ? 'missing' : presented === 'malformed' ? 'malformed' : verifySecret(opts.store, presented, opts.now());
    if (typeof result === 'string') {
      // No credentials at all guesses nothing: logged and answered 401, but not counted toward the limit.
      const t = wallNow();
      const limited = result !== 'missing' && opts.limiter.limited(req.ip, t);
      if (result !== 'missing') opts.limiter.record(req.ip, t);
      opts.onFailure?.(result, limited);
      const log = { ip: req.ip, reason: result, method: req.method, url: redactUrl(req.url) };
      if (result === 'missing') req.log.info(log, 'authentication failed');
      else req.log.warn(log, 'authentication failed');
      if (limited) {
        reply.header('retry-after', String(opts.limiter.retryAfterS(req.ip, t)));
        await reply.code(429).send({ error: 'too_many_requests', message: 'too many failed authentications from this address; try again later' });
        return;
      }
      reply.header('www-authenticate', 'Bearer');
      await reply.code(401).send({ error: 'unauthorized', message: messageOf(result) });
      return;
    }
    req.principal = result;
    if (!roleAllows(result.role, access)) {
      await reply.code(403).send({ error: 'forbidden', message: `this needs the ${access} role; the token "${result.label}" has ${result.role}` });
      return;
    }
    if (cfg.docs && presented !== null && !req.headers.authorization && cookieValue(req.headers.cookie, DOCS_COOKIE) !== presented) {
      reply.header('set-cookie', `${DOCS_COOKIE}=${encodeURIComponent(presented as string)}; Path=/docs; HttpOnly; SameSite=Strict; Max-Age=28800`);
    }
  };
}

function messageOf(r: AuthFailure): string {
  switch (r) {
    case 'missing': return 'a bearer token is required (Authorization: Bearer <token>)';
    case 'malformed': return 'the Authorization header must be "Bearer <token>"';
    case 'unknown': return 'the token is not valid';
    case 'expired': return 'the token has expired';
    case 'revoked': return 'the token has been revoked';
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Who may call the route (default viewer). */
    access?: Access;
    /** OpenAPI pages: the token may also come as ?token= or the docs cookie. */
    docs?: boolean;
    /** The token may come as ?token= (the WebSocket: browsers cannot set its headers). */
    tokenInQuery?: boolean;
  }
}
