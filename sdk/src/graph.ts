/**
 * A small client for Meta's Graph API (graph.facebook.com), shared by the plugins that speak it
 * (WhatsApp Cloud API, Messenger, Instagram). It goes through the host's `fetch`
 * (`runtime.fetch`, never the global one): Bearer auth, JSON bodies, a timeout, network errors
 * and timeouts as `TEMPORARY` `ChannelError`s, and non-2xx answers mapped by the plugin's own
 * `mapError` (each product documents its own error codes). Error body shape: Graph API
 * "Handling Errors" (`{error: {message, type, code, error_subcode, fbtrace_id}}`).
 */
import type { PluginRuntime } from './channel.js';
import { ChannelError } from './errors.js';

/** One Graph call. `body` is sent as JSON. */
export interface GraphCall {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  /** Sent as `Authorization: Bearer`; omit (or leave empty) for calls authenticated otherwise (OAuth code exchange, app token in the query). */
  accessToken?: string;
  body?: unknown;
  /** Label for error messages, e.g. `send message`. */
  what: string;
}

/** How a plugin's Graph client behaves. */
export interface GraphClientOptions {
  /** Per-request timeout, ms. */
  timeoutMs: number;
  /** Maps a non-2xx answer (HTTP status, parsed body, call label) to the plugin's `ChannelError`. */
  mapError: (httpStatus: number, body: unknown, what: string) => ChannelError;
  /** Parses a JSON body (default `JSON.parse`; e.g. a lossless parser that keeps big ids exact). */
  parse?: (text: string) => unknown;
}

/** A Graph client bound to a plugin's options (see {@link createGraphClient}). */
export interface GraphClient {
  /** Performs a request and returns the raw `Response`; network errors and timeouts become `TEMPORARY`. */
  graphFetch(runtime: Pick<PluginRuntime, 'fetch'>, call: GraphCall): Promise<Response>;
  /** Reads a response body as JSON; the text when it is not JSON, null when empty. */
  readBody(response: Response, what: string): Promise<unknown>;
  /** Performs a call and returns its JSON object; a non-2xx answer throws `mapError`, a non-object answer `PERMANENT`. */
  graphJson(runtime: Pick<PluginRuntime, 'fetch'>, call: GraphCall): Promise<Record<string, unknown>>;
}

/** A network failure or timeout of a Graph call as a `TEMPORARY` error (safe to retry). */
export function graphNetworkError(err: unknown, what: string): ChannelError {
  const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
  const reason = err instanceof Error ? err.message : String(err);
  return new ChannelError('TEMPORARY', `${what}: ${timedOut ? 'timed out' : 'network error'} (${reason})`, { cause: err });
}

/** Creates a Graph client with the plugin's timeout, error mapping and JSON parser. */
export function createGraphClient(o: GraphClientOptions): GraphClient {
  const parse = o.parse ?? ((text: string) => JSON.parse(text) as unknown);

  async function graphFetch(runtime: Pick<PluginRuntime, 'fetch'>, call: GraphCall): Promise<Response> {
    const headers: Record<string, string> = {};
    if (call.accessToken) headers.authorization = `Bearer ${call.accessToken}`;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await runtime.fetch(call.url, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: AbortSignal.timeout(o.timeoutMs),
      });
    } catch (err) {
      throw graphNetworkError(err, call.what);
    }
  }

  async function readBody(response: Response, what: string): Promise<unknown> {
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      throw graphNetworkError(err, what);
    }
    if (text === '') return null;
    try {
      return parse(text);
    } catch {
      return text;
    }
  }

  async function graphJson(runtime: Pick<PluginRuntime, 'fetch'>, call: GraphCall): Promise<Record<string, unknown>> {
    const response = await graphFetch(runtime, call);
    const body = await readBody(response, call.what);
    if (!response.ok) throw o.mapError(response.status, body, call.what);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      // Not retried: for a send, the message may have gone out.
      throw new ChannelError('PERMANENT', `${call.what}: unexpected answer from the Graph API (HTTP ${response.status})`, { providerCode: response.status });
    }
    return body as Record<string, unknown>;
  }

  return { graphFetch, readBody, graphJson };
}
