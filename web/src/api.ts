/**
 * HTTP access to the Centinela API with the session's bearer token. A 401 anywhere means the
 * token is gone or bad: the app goes back to the login box.
 */

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

let token: string | null = null;

/** The UI's own folder: API paths are resolved against it, so a reverse proxy may mount it under a prefix. */
export const BASE = location.pathname.replace(/[^/]*$/, '');

/** '/api/x' → '<base>api/x'. */
export function apiUrl(path: string): string {
  return BASE + path.replace(/^\//, '');
}
let onUnauthorized: (() => void) | null = null;

export function setToken(t: string | null): void {
  token = t;
}

export function getToken(): string | null {
  return token;
}

export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

/** Calls the API; JSON in and out. Throws ApiError on a non-2xx answer (after the 401 handler). */
export async function api<T>(path: string, init: { method?: string; body?: unknown; quiet401?: boolean; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(apiUrl(path), {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
      cache: 'no-store',
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'The server cannot be reached');
  }
  if (!res.ok) {
    let code = `http-${res.status}`;
    let message = res.statusText || `HTTP ${res.status}`;
    try {
      const body = (await res.json()) as { error?: string; message?: string };
      if (body.error) code = body.error;
      if (body.message) message = body.message;
    } catch {
      // not JSON: keep the status text
    }
    if (res.status === 401 && !init.quiet401) onUnauthorized?.();
    throw new ApiError(res.status, code, message);
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Human text for an error of an operator action. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 403) return `Not allowed for your role: ${err.message}`;
    if (err.status === 0) return err.message;
    return `${err.message} (${err.status})`;
  }
  return String(err instanceof Error ? err.message : err);
}
