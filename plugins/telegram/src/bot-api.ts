/**
 * Minimal Bot API client over the host's `fetch` (`runtime.fetch`, never the global one):
 * `POST {TELEGRAM_API_URL}/bot<token>/<method>` with a JSON body, a 15 s timeout, ids parsed
 * losslessly, and failures mapped to `ChannelError` (Bot API "Making requests").
 * The token is part of every URL: it never appears in error messages.
 */
import { ChannelError, type PluginRuntime } from '@parley/sdk';
import { apiBaseUrl, BOT_API_TIMEOUT_MS } from './config.js';
import { mapBotApiError, mapNetworkError, redact } from './errors.js';
import { parseJsonLosslessly } from './json.js';

type Runtime = Pick<PluginRuntime, 'fetch' | 'setting'>;

/** Performs a GET or POST with the timeout; network errors and timeouts become `TEMPORARY`. */
export async function botFetch(runtime: Runtime, url: string, init: { method: 'GET' | 'POST'; body?: string; token: string; what: string }): Promise<Response> {
  try {
    return await runtime.fetch(url, {
      method: init.method,
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
      body: init.body,
      signal: AbortSignal.timeout(BOT_API_TIMEOUT_MS),
    });
  } catch (err) {
    throw mapNetworkError(err, init.what, init.token);
  }
}

/** Reads a response body as JSON (ids lossless); returns the text when it is not JSON, null when empty. */
export async function readBody(response: Response, what: string, token?: string): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (err) {
    throw mapNetworkError(err, what, token);
  }
  if (text === '') return null;
  try {
    return parseJsonLosslessly(text);
  } catch {
    return text;
  }
}

/**
 * Calls a Bot API method and returns its `result`. A non-2xx answer or `ok:false` throws
 * `mapBotApiError`; a 2xx answer that is not `{ok:true}` throws a non-retryable `PERMANENT`
 * (for a send, the message may have gone out).
 */
export async function callBotApi<T = unknown>(runtime: Runtime, token: string, method: string, params: Record<string, unknown> = {}, what = method): Promise<T> {
  const url = `${apiBaseUrl(runtime)}/bot${token}/${method}`;
  const response = await botFetch(runtime, url, { method: 'POST', body: JSON.stringify(params), token, what });
  const body = await readBody(response, what, token);
  const ok = typeof body === 'object' && body !== null && (body as { ok?: unknown }).ok === true;
  if (!response.ok || (typeof body === 'object' && body !== null && (body as { ok?: unknown }).ok === false)) {
    throw mapBotApiError(response.status, body, what);
  }
  if (!ok) {
    throw new ChannelError('PERMANENT', `${what}: unexpected answer from the Telegram Bot API (HTTP ${response.status})`, {
      providerCode: response.status,
      providerMessage: typeof body === 'string' ? redact(body.slice(0, 200), token) : undefined,
    });
  }
  return (body as { result: T }).result;
}
