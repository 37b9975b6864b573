/**
 * Minimal Graph API client over the host's `fetch` (`runtime.fetch`, never the global one):
 * Bearer auth, JSON bodies, a 15 s timeout, and errors mapped to `ChannelError`.
 */
import { ChannelError, type PluginRuntime } from '@parley/sdk';
import { GRAPH_TIMEOUT_MS } from './config.js';
import { mapGraphError, mapNetworkError } from './errors.js';

/** One Graph call. `body` is sent as JSON. */
export interface GraphCall {
  method: 'GET' | 'POST';
  url: string;
  /** Sent as `Authorization: Bearer`; omit for calls authenticated otherwise (OAuth code exchange, app token). */
  accessToken?: string;
  body?: unknown;
  /** Label for error messages, e.g. `send message`. */
  what: string;
}

/** Performs a request and returns the raw `Response`; network errors and timeouts become `TEMPORARY`. */
export async function graphFetch(runtime: Pick<PluginRuntime, 'fetch'>, call: GraphCall): Promise<Response> {
  const headers: Record<string, string> = {};
  if (call.accessToken) headers.authorization = `Bearer ${call.accessToken}`;
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  try {
    return await runtime.fetch(call.url, {
      method: call.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: AbortSignal.timeout(GRAPH_TIMEOUT_MS),
    });
  } catch (err) {
    throw mapNetworkError(err, call.what);
  }
}

/** Reads a response body as JSON; returns the text when it is not JSON, null when empty. */
export async function readBody(response: Response, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (err) {
    throw mapNetworkError(err, what);
  }
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Performs a Graph call and returns its JSON body; a non-2xx answer throws `mapGraphError`. */
export async function graphJson(runtime: Pick<PluginRuntime, 'fetch'>, call: GraphCall): Promise<Record<string, unknown>> {
  const response = await graphFetch(runtime, call);
  const body = await readBody(response, call.what);
  if (!response.ok) throw mapGraphError(response.status, body);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    // Not retried: for a send, the message may have gone out.
    throw new ChannelError('PERMANENT', `${call.what}: unexpected answer from the Graph API (HTTP ${response.status})`, { providerCode: response.status });
  }
  return body as Record<string, unknown>;
}
