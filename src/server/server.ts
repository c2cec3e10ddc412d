/**
 * The HTTP + WebSocket server (docs/api.md): REST under /api, the stream at /api/stream, the
 * OpenAPI document at /docs/json and its page at /docs, /health, /metrics, and the web UI's files
 * at / when built. Every route but /health and the UI's static files needs a bearer token.
 *
 *   const app = await buildServer({ site, pipeline, store, bus, replay, now: Date.now });
 *   await app.listen({ host: '127.0.0.1', port: 8080 });
 *   app.centinela.stream.broadcastReplay(update, extras);   // if the Replay was built beforehand
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import type { Replay } from '../pipeline/replay.js';
import { FailureLimiter, authHook, redactUrl, type Access } from './auth.js';
import type { ReplayHooks, ServerContext } from './context.js';
import { HttpError, codeOfStatus } from './errors.js';
import { ServerMetrics } from './metrics.js';
import { registerRoutes } from './routes.js';
import { Stream, registerStreamRoute } from './stream.js';

export interface RouteInfo {
  method: string;
  url: string;
  access: Access;
}

/** What the server exposes to its owner (as `app.centinela`). */
export interface CentinelaServer {
  stream: Stream;
  metrics: ServerMetrics;
  limiter: FailureLimiter;
  replay: Replay;
  /** Every registered route (method, url, access), HEAD included. */
  routes(): RouteInfo[];
}

declare module 'fastify' {
  interface FastifyInstance {
    centinela: CentinelaServer;
  }
}

const MAX_WS_MESSAGE_BYTES = 64 * 1024;

export async function buildServer(ctx: ServerContext): Promise<FastifyInstance> {
  const startedMs = Date.now();
  const app = Fastify({
    ...loggerOptions(ctx.logger),
    bodyLimit: ctx.bodyLimit ?? 64 * 1024,
    // Per-request lines would drown the log at 2,000 tracks; errors and auth failures are logged where they happen.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  }) as unknown as FastifyInstance;

  // Routes as registered (hooks below may still tag them, so access is read when asked).
  const registered: RouteOptions[] = [];
  app.addHook('onRoute', (opts) => {
    if (opts.url.startsWith('/docs')) opts.config = { ...(opts.config ?? {}), docs: true };
    registered.push(opts);
  });

  // Inputs are validated with zod in the handlers; the JSON schemas document. Answers are plain JSON.stringify.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  // JSON bodies as fastify parses them (prototype poisoning refused), except that an empty body is
  // no body: `POST …/acknowledge` with a JSON content type and nothing to say is fine.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (typeof body === 'string' && body.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(req, body as string, done);
  });

  app.decorateRequest('principal', null);
  const metrics = new ServerMetrics({ registry: ctx.metrics, pipeline: ctx.pipeline, bus: ctx.bus, sources: ctx.metricsSources, intake: ctx.intake });
  const limiter = new FailureLimiter(ctx.authFailureLimit?.max ?? 10, ctx.authFailureLimit?.windowMs ?? 60_000);
  app.addHook('onRequest', authHook({
    store: ctx.store, now: ctx.now, limiter,
    onFailure: (reason, limited) => {
      metrics.authFailures.inc({ reason });
      if (limited) metrics.authRateLimited.inc();
    },
  }));
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    req.log.debug({ method: req.method, url: redactUrl(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    // A refused WebSocket upgrade (401, 400, …): the socket left the HTTP server's hands when the
    // upgrade began, so nobody else will close it.
    if (req.headers.upgrade && reply.statusCode >= 400) req.raw.socket?.end();
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    if (err instanceof HttpError) return reply.code(err.statusCode).send({ error: err.code, message: err.message });
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) {
      req.log.error({ err, method: req.method, url: redactUrl(req.url) }, 'request failed');
      return reply.code(500).send({ error: 'internal', message: 'internal server error' });
    }
    return reply.code(status).send({ error: codeOfStatus(status), message: err.message });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${redactUrl(req.url.split('?')[0])}` });
  });

  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_WS_MESSAGE_BYTES } });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Centinela operator API',
        description: 'Tracks, alerts, zones, sensors, replay and the live stream of a Centinela sector (docs/api.md).',
        version: ctx.version ?? packageVersion(),
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearerAuth: [] }],
    },
  });

  const stream = new Stream({
    pipeline: ctx.pipeline, bus: ctx.bus, metrics, log: app.log, now: ctx.now,
    highWaterBytes: ctx.stream?.highWaterBytes, hardLimitBytes: ctx.stream?.hardLimitBytes, maxQueued: ctx.stream?.maxQueued,
  });
  const hooks: ReplayHooks = {
    onUpdate: (u, x) => stream.broadcastReplay(u, x),
    onState: (s) => stream.broadcastReplayState(s),
  };
  const replay = typeof ctx.replay === 'function' ? ctx.replay(hooks) : ctx.replay;

  registerRoutes(app, {
    site: ctx.site, pipeline: ctx.pipeline, store: ctx.store, bus: ctx.bus, now: ctx.now,
    replay, stream, metrics, startedMs, blueForce: ctx.blueForce ?? [],
  });
  registerStreamRoute(app, stream);

  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  if (ctx.webRoot && existsSync(ctx.webRoot) && statSync(ctx.webRoot).isDirectory()) {
    const root = ctx.webRoot;
    // The UI's files are code, not data: public (a browser opening /?token=… sends no header for them).
    await app.register(async (child) => {
      child.addHook('onRoute', (opts) => {
        opts.config = { ...(opts.config ?? {}), access: 'public' };
      });
      await child.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: ['index.html'] });
    });
  }

  app.decorate('centinela', {
    stream, metrics, limiter, replay,
    routes: () => registered.flatMap((r) => (Array.isArray(r.method) ? r.method : [r.method]).map((method) => ({
      method: String(method), url: r.url, access: ((r.config as { access?: Access } | undefined)?.access ?? 'viewer') as Access,
    }))),
  } satisfies CentinelaServer);

  app.addHook('onClose', async () => {
    stream.close();
    metrics.close();
  });
  return app;
}

function isLoggerInstance(x: unknown): x is FastifyBaseLogger {
  return typeof x === 'object' && x !== null && typeof (x as FastifyBaseLogger).child === 'function' && typeof (x as FastifyBaseLogger).info === 'function';
}

/** Fastify's logger options: a pino instance as is; options get a request serializer that hides `?token=`. */
function loggerOptions(logger: ServerContext['logger']): Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> {
  if (isLoggerInstance(logger)) return { loggerInstance: logger };
  if (!logger) return { logger: false };
  const base = logger === true ? {} : (logger as Exclude<FastifyServerOptions['logger'], boolean | undefined>);
  return {
    logger: {
      ...base,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      serializers: {
        req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }),
        ...((base as { serializers?: Record<string, unknown> }).serializers ?? {}),
      },
    } as FastifyServerOptions['logger'],
  };
}

function packageVersion(): string {
  try {
    return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  } catch {
    try {
      return (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
    } catch {
      return '0.0.0';
    }
  }
}
