// Thin fetch wrapper: joins apiBase, adds the bearer token, turns every failure into an
// ApiError carrying the API's own message (README: {"error","message","fields"}).
import { config } from '../config';
import { readToken } from '../auth/session';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string>;

  constructor(status: number, code: string, message: string, fields: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

type Query = Record<string, string | number | undefined | null>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
  // Public endpoints (login, verify) must not send a possibly stale token.
  auth?: boolean;
  // Finish even if the page is left or reloaded meanwhile (sign-out).
  keepalive?: boolean;
}

let onUnauthorized: () => void = () => {};

// The auth context registers this so an expired token signs the user out wherever it happens.
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return `${config.apiBase}${path}${qs ? `?${qs}` : ''}`;
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // e.g. an HTML error page from a proxy
  }
}

function toError(status: number, body: unknown): ApiError {
  if (body && typeof body === 'object' && 'message' in body) {
    const { error, message, fields } = body as { error?: unknown; message?: unknown; fields?: unknown };
    return new ApiError(
      status,
      typeof error === 'string' ? error : 'http_error',
      typeof message === 'string' ? message : `The server answered ${status}.`,
      fields && typeof fields === 'object' ? (fields as Record<string, string>) : {},
    );
  }
  return new ApiError(status, 'http_error', `The server answered ${status}. Please try again later.`);
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', body, query, signal, auth = true, keepalive } = options;
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = auth ? readToken() : null;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';

  let res: Response;
  try {
    res = await fetch(buildUrl(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      keepalive,
    });
  } catch (err) {
    if (signal?.aborted) throw err; // callers ignore aborts
    throw new ApiError(0, 'network_error', 'Could not reach the TagTrust server. Check your connection and try again.');
  }

  const data = await readBody(res);
  if (res.ok) return data as T;
  // Only a rejected token means "signed out"; a 401 from the login form is a bad password.
  if (res.status === 401 && token) onUnauthorized();
  throw toError(res.status, data);
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}
