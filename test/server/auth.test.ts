import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FailureLimiter, createToken, hashSecret, verifySecret } from '../../src/server/auth.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { WsClient, call, startFixture, wsUrl, type Fixture } from './helpers.js';

let f: Fixture;
const logLines: string[] = [];
let webRoot: string;

beforeAll(async () => {
  webRoot = mkdtempSync(join(tmpdir(), 'centinela-web-'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Centinela</title>');
  mkdirSync(join(webRoot, 'assets'));
  writeFileSync(join(webRoot, 'assets', 'app.js'), 'console.log("ui")');
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  f = await startFixture({ seconds: 120, ctx: { webRoot, logger: { level: 'info', stream: logStream } } });
});
afterAll(async () => {
  await f?.close();
  rmSync(webRoot, { recursive: true, force: true });
});
beforeEach(() => {
  f.app.centinela.limiter.reset();
});

/** A concrete path for a route pattern. */
const concrete = (url: string) => url.replace(/:id/g, '1').replace(/\*$/, 'x');

describe('tokens', () => {
  it('are stored as SHA-256 hashes only; the secret is 32 random bytes in base64url', () => {
    const store = SqliteStore.open(':memory:');
    try {
      const { id, secret } = createToken(store, 'operator', 'night shift', 8, 1_000);
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
      const stored = store.tokens().find((t) => t.id === id)!;
      expect(stored).toMatchObject({ hash: hashSecret(secret), role: 'operator', label: 'night shift', createdMs: 1_000, expiresMs: 1_000 + 8 * 3_600_000, revoked: false });
      expect(JSON.stringify(store.tokens())).not.toContain(secret);
      expect(verifySecret(store, secret, 2_000)).toMatchObject({ tokenId: id, role: 'operator', label: 'night shift' });
      expect(verifySecret(store, secret, 1_000 + 8 * 3_600_000)).toBe('expired');
      expect(verifySecret(store, 'x'.repeat(43), 2_000)).toBe('unknown');
      expect(verifySecret(store, 'bad token!', 2_000)).toBe('malformed');
      store.revokeToken(id);
      expect(verifySecret(store, secret, 2_000)).toBe('revoked');
    } finally {
      store.close();
    }
  });
});

describe('401', () => {
  it('without a token, with a bad one, a malformed header, an expired or a revoked token', async () => {
    const none = await call(f, 'GET', '/api/tracks');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: 'unauthorized', message: expect.stringMatching(/bearer token/) });
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await call(f, 'GET', '/api/tracks', { token: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).body.message).toMatch(/not valid/);
    expect((await call(f, 'GET', '/api/tracks', { headers: { authorization: `Basic ${f.tokens.admin}` } })).status).toBe(401);

    const short = createToken(f.store, 'viewer', 'short-lived', 1 / 3600, f.timeMs()); // 1 s of server time
    expect((await call(f, 'GET', '/api/tracks', { token: short.secret })).status).toBe(200);
    f.feedTo(125);
    const expired = await call(f, 'GET', '/api/tracks', { token: short.secret });
    expect(expired.status).toBe(401);
    expect(expired.body.message).toMatch(/expired/);

    const revoked = createToken(f.store, 'viewer', 'revoked', undefined, f.timeMs());
    f.store.revokeToken(revoked.id);
    expect((await call(f, 'GET', '/api/tracks', { token: revoked.secret })).body.message).toMatch(/revoked/);
  });

  it('SWEEP: no registered route but /health (and the UI\'s static files) answers an anonymous request with anything but 401', async () => {
    const routes = f.app.centinela.routes();
    expect(routes.length).toBeGreaterThan(40);
    const open = routes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`);
    expect(open.filter((r) => !/ \/(index\.html|assets\/app\.js)?$/.test(r))).toEqual(['GET /health', 'HEAD /health']);
    let checked = 0;
    for (const r of routes) {
      if (r.access === 'public') continue;
      const body = r.method === 'POST' || r.method === 'PUT' ? {} : undefined;
      const anon = await call(f, r.method, concrete(r.url), { body });
      expect(anon.status, `${r.method} ${r.url}`).toBe(401);
      if (r.method !== 'HEAD') expect(anon.body.error, `${r.method} ${r.url}`).toBe('unauthorized');
      const bad = await call(f, r.method, concrete(r.url), { body, token: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
      expect(bad.status, `${r.method} ${r.url} with a bad token`).toBe(401);
      f.app.centinela.limiter.reset();
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
    // Unregistered paths are closed too.
    expect((await call(f, 'GET', '/api/does-not-exist')).status).toBe(401);
    expect((await call(f, 'GET', '/health')).status).toBe(200);
  });

  it('the web UI\'s files are served without a token (they hold code, not data)', async () => {
    const index = await call(f, 'GET', '/');
    expect(index.status).toBe(200);
    expect(index.text).toContain('<title>Centinela</title>');
    const js = await call(f, 'GET', '/assets/app.js');
    expect(js.status).toBe(200);
    expect((await call(f, 'GET', `/?token=${f.tokens.admin}`)).status).toBe(200);
    expect((await call(f, 'GET', '/assets/missing.js')).status).toBe(401);
  });

  it('the WebSocket refuses a connection without a valid token', async () => {
    await expect(WsClient.open(wsUrl(f, ''))).rejects.toThrow(/401/);
    await expect(WsClient.open(wsUrl(f, '?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'))).rejects.toThrow(/401/);
    const byQuery = await WsClient.open(wsUrl(f, `?token=${f.tokens.viewer}`));
    expect((await byQuery.next((m) => m.type === 'snapshot')).type).toBe('snapshot');
    byQuery.close();
    const byHeader = await WsClient.open(wsUrl(f, ''), { authorization: `Bearer ${f.tokens.viewer}` });
    expect((await byHeader.next((m) => m.type === 'snapshot')).type).toBe('snapshot');
    byHeader.close();
  });

  it('revoking a token closes its WebSocket sessions', async () => {
    const t = createToken(f.store, 'viewer', 'kiosk', undefined, f.timeMs());
    const c = await WsClient.open(wsUrl(f, `?token=${t.secret}`));
    await c.next((m) => m.type === 'snapshot');
    const del = await call(f, 'DELETE', `/api/tokens/${t.id}`, { token: f.tokens.admin });
    expect(del.status).toBe(200);
    expect(await c.waitClosed()).toEqual({ code: 4001, reason: 'token revoked' });
  });
});

describe('403', () => {
  it('a viewer may not act, an operator may not administer: every such route answers 403', async () => {
    const routes = f.app.centinela.routes();
    const operatorRoutes = routes.filter((r) => r.access === 'operator');
    const adminRoutes = routes.filter((r) => r.access === 'admin');
    expect(operatorRoutes.map((r) => `${r.method} ${r.url}`)).toEqual(expect.arrayContaining([
      'POST /api/alerts/:id/acknowledge', 'POST /api/alerts/:id/resolve', 'POST /api/tracks/:id/friendly',
      'GET /api/replay', 'POST /api/replay', 'POST /api/replay/control',
    ]));
    expect(adminRoutes.map((r) => `${r.method} ${r.url}`)).toEqual(expect.arrayContaining([
      'GET /api/tokens', 'POST /api/tokens', 'DELETE /api/tokens/:id', 'PUT /api/settings',
    ]));
    for (const r of [...operatorRoutes, ...adminRoutes]) {
      const body = r.method === 'POST' || r.method === 'PUT' ? {} : undefined;
      const v = await call(f, r.method, concrete(r.url), { token: f.tokens.viewer, body });
      expect(v.status, `viewer ${r.method} ${r.url}`).toBe(403);
      if (r.method !== 'HEAD') expect(v.body.error).toBe('forbidden');
    }
    for (const r of adminRoutes) {
      const body = r.method === 'POST' || r.method === 'PUT' ? {} : undefined;
      const o = await call(f, r.method, concrete(r.url), { token: f.tokens.operator, body });
      expect(o.status, `operator ${r.method} ${r.url}`).toBe(403);
    }
    const id = f.pipeline.alerts()[0]?.id ?? 'alert-1';
    expect((await call(f, 'POST', `/api/alerts/${id}/acknowledge`, { token: f.tokens.viewer, body: {} })).body.message).toMatch(/operator role/);
    expect((await call(f, 'GET', '/api/tokens', { token: f.tokens.admin })).status).toBe(200);
    expect((await call(f, 'GET', '/api/replay', { token: f.tokens.operator })).status).toBe(200);
  });
});

describe('failed authentications', () => {
  it('are limited per address: the 11th failure within a minute answers 429; a valid token still passes', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await call(f, 'GET', '/api/tracks', { token: `wrong-token-number-${i}-xxxxxxxx` });
      expect(r.status, `failure ${i + 1}`).toBe(401);
    }
    const limited = await call(f, 'GET', '/api/tracks', { token: 'wrong-token-number-10-xxxxxxxx' });
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('too_many_requests');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(f, 'GET', '/api/tracks', { token: f.tokens.viewer })).status).toBe(200);
    expect((await call(f, 'GET', '/api/tracks', { token: 'wrong-token-number-11-xxxxxxxx' })).status).toBe(429);
    const m = await call(f, 'GET', '/metrics', { token: f.tokens.viewer });
    expect(m.text).toMatch(/^centinela_auth_rate_limited_total [1-9]\d*$/m);
  });

  it('a request with no token at all guesses nothing and is not counted toward the limit', async () => {
    for (let i = 0; i < 15; i++) expect((await call(f, 'GET', '/api/tracks')).status).toBe(401);
  });

  it('are logged with the address and reason, never the token', async () => {
    const secret = 'ThisIsAWrongSecretThatMustNotBeLogged0123';
    await call(f, 'GET', '/api/tracks', { token: secret });
    await WsClient.open(wsUrl(f, `?token=${secret}`)).catch(() => null);
    const warn = logLines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'authentication failed' && l.reason === 'unknown');
    expect(warn.length).toBeGreaterThanOrEqual(2);
    expect(warn[0]).toMatchObject({ level: 40, ip: '127.0.0.1', reason: 'unknown' });
    expect(logLines.join('')).not.toContain(secret);
    expect(logLines.join('')).not.toContain(f.tokens.viewer);
  });

  it('the limiter slides: old failures leave the window, memory stays bounded', () => {
    const l = new FailureLimiter(3, 1000, 5);
    for (let i = 0; i < 3; i++) l.record('a', i);
    expect(l.limited('a', 10)).toBe(true);
    expect(l.retryAfterS('a', 10)).toBe(1);
    expect(l.limited('a', 1000)).toBe(false);
    expect(l.limited('b', 10)).toBe(false);
    for (let i = 0; i < 50; i++) l.record(`addr-${i}`, 2000 + i);
    expect(l.size).toBeLessThanOrEqual(5);
  });
});
