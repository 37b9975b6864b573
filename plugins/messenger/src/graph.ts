/**
 * Minimal Graph API client over the host's `fetch` (`runtime.fetch`, never the global one):
 * Bearer auth (page token), JSON bodies, a 15 s timeout, errors mapped to `ChannelError`, and
 * answers parsed losslessly (ids stay exact strings, see json.ts).
 */
import { ChannelError, type PluginRuntime } from '@parley/sdk';
import { GRAPH_TIMEOUT_MS } from './config.js';
import { mapGraphError, mapNetworkError } from './errors.js';
import { parseJsonLosslessly } from './json.js';

/** One Graph call. `body` is sent as JSON; without `accessToken` no Authorization header is sent. */
export interface GraphCall {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  accessToken?: string;
  body?: unknown;
  /** Label for error messages, e.g. `send message`. */
  what: string;
}

/** Performs a request and returns the raw `Response`; network errors and timeouts become `TEMPORARY`. */
export async function graphFetch(runtime: Pick<PluginRuntime, 'fetch'>, call: GraphCall): Promise<Response> {
  const headers: Record<string, string> = {};
  if (call.accessToken !== undefined) headers.authorization = `Bearer ${call.accessToken}`;
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

/** Reads a response body as JSON (lossless ids); the text when it is not JSON, null when empty. */
export async function readBody(response: Response, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (err) {
    throw mapNetworkError(err, what);
  }
  if (text === '') return null;
  try {
    return parseJsonLosslessly(text);
  } catch {
    return text;
  }
}

/** Performs a Graph call and returns its JSON object; a non-2xx answer throws `mapGraphError`. */
export async function graphJson(runtime: Pick<PluginRuntime, 'fetch'>, call: GraphCall): Promise<Record<string, unknown>> {
  const response = await graphFetch(runtime, call);
  const body = await readBody(response, call.what);
  if (!response.ok) throw mapGraphError(response.status, body, call.what);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    // Not retried: for a send, the message may have gone out.
    throw new ChannelError('PERMANENT', `${call.what}: unexpected answer from the Graph API (HTTP ${response.status})`, { providerCode: response.status });
  }
  return body as Record<string, unknown>;
}
