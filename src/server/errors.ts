/**
 * The API's error answers: `{ "error": "<code>", "message": "<human text>" }` with the HTTP status
 * (docs/api.md). Handlers throw an HttpError; the server's error handler turns it (and fastify's own
 * errors: bad JSON, body too large, wrong media type) into that shape.
 */
import type { z } from 'zod';

export class HttpError extends Error {
  constructor(readonly statusCode: number, readonly code: string, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, 'bad_request', message);
export const notFound = (message: string): HttpError => new HttpError(404, 'not_found', message);
export const conflict = (message: string): HttpError => new HttpError(409, 'conflict', message);

/** Error code for a status fastify chose (its own errors carry a status but not our codes). */
export function codeOfStatus(status: number): string {
  switch (status) {
    case 400: return 'bad_request';
    case 401: return 'unauthorized';
    case 403: return 'forbidden';
    case 404: return 'not_found';
    case 405: return 'method_not_allowed';
    case 409: return 'conflict';
    case 413: return 'payload_too_large';
    case 415: return 'unsupported_media_type';
    case 429: return 'too_many_requests';
    default: return status >= 500 ? 'internal' : 'error';
  }
}

/** One line per zod issue: "body.speed: Too big: expected number to be <=1000". */
export function describeZodError(where: string, err: z.ZodError): string {
  const lines = err.issues.slice(0, 8).map((i) => {
    const path = [where, ...i.path.map(String)].join('.');
    return `${path}: ${i.message}`;
  });
  if (err.issues.length > 8) lines.push(`… and ${err.issues.length - 8} more`);
  return lines.join('; ');
}
