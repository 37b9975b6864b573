/**
 * The apps' HTTP client (inbox and builder): JSON in and out, the bearer token of the session, and typed
 * errors (`{error:{code,message,details}}` → {@link ApiError}). A 401 on an authenticated call calls
 * `onUnauthenticated` (the auth store signs out; each app's App.vue then routes to its sign-in page).
 * `baseUrl` prefixes every path (empty: same origin, the API at `/api/v1/...`).
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface HttpConfig {
  baseUrl: string;
  token: () => string | null;
  onUnauthenticated: () => void;
}

const config: HttpConfig = { baseUrl: '', token: () => null, onUnauthenticated: () => {} };

/** Wires the client to the session (called once by the auth store). */
export function configureHttp(c: Partial<HttpConfig>): void {
  Object.assign(config, c);
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function toQuery(q: Query = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '' && v !== false) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Sends a request; `body` objects go as JSON, Blobs as raw bytes. */
export async function request<T>(method: string, path: string, opts: { body?: unknown; query?: Query; headers?: Record<string, string>; auth?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  const token = opts.auth === false ? null : config.token();
  if (token) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (opts.body instanceof Blob || opts.body instanceof FormData) body = opts.body;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(config.baseUrl + path + toQuery(opts.query), { method, headers, body });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const e = json?.error ?? {};
    if (res.status === 401 && token) config.onUnauthenticated();
    throw new ApiError(res.status, e.code ?? 'HTTP_' + res.status, e.message ?? res.statusText, e.details);
  }
  return json as T;
}

export const http = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, query?: Query) => request<T>('POST', path, { body, query }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
};
