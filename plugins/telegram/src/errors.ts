/**
 * Bot API error mapping (fixtures `response_error_*`; LIMITS.md "Telegram Bot API").
 *
 * Every Bot API answer is `{"ok":true,"result":…}` or `{"ok":false,"error_code":<int>,
 * "description":"…","parameters"?:{"retry_after"|"migrate_to_chat_id"}}`. The Bot API says
 * descriptions are "subject to change": branch on `error_code` and `parameters`, never on text.
 *
 * | error_code | example                                         | Parley code                 |
 * |------------|-------------------------------------------------|-----------------------------|
 * | 429        | Too Many Requests: retry after 8                | RATE_LIMITED, retryAfterMs = retry_after × 1000 |
 * | 401, 404   | Unauthorized / Not Found (bad or revoked token) | INVALID_CREDENTIALS         |
 * | 403        | Forbidden: bot was blocked by the user          | RECIPIENT_UNREACHABLE       |
 * | 400        | Bad Request: reply message not found, group chat was upgraded to a supergroup chat (`migrate_to_chat_id`) | INVALID_MESSAGE |
 * | ≥ 500      | gateway errors, HTML pages                      | TEMPORARY                   |
 * | network, timeout |                                           | TEMPORARY                   |
 */
import { ChannelError, type ChannelErrorCode } from '@parley/sdk';
import { idString } from './json.js';

/** The failure shape of a Bot API answer, as far as Parley reads it. */
export interface BotApiFailure {
  ok?: false;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number | string };
}

/** Reads a Bot API failure body (object or JSON text); undefined when it is not one. */
export function botApiFailureOf(body: unknown): BotApiFailure | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (v.ok !== false && v.error_code === undefined) return undefined;
  return v as BotApiFailure;
}

/** Parley error code for a Bot API `error_code` (falls back to the HTTP status). */
export function classifyBotApiError(errorCode: number | undefined, httpStatus: number): ChannelErrorCode {
  const code = errorCode ?? httpStatus;
  if (code === 429) return 'RATE_LIMITED';
  if (code === 401 || code === 404) return 'INVALID_CREDENTIALS';
  if (code === 403) return 'RECIPIENT_UNREACHABLE';
  if (code >= 500) return 'TEMPORARY';
  if (code === 400) return 'INVALID_MESSAGE';
  if (httpStatus >= 500) return 'TEMPORARY';
  return 'PERMANENT';
}

/**
 * Maps a failed Bot API answer to a `ChannelError`. `body` is the parsed JSON (or raw text).
 * Keeps `providerCode` (`error_code`, else the HTTP status) and `providerMessage` (`description`).
 * 429 carries `retryAfterMs` from `parameters.retry_after` (seconds).
 */
export function mapBotApiError(httpStatus: number, body: unknown, what = 'Bot API call'): ChannelError {
  const failure = botApiFailureOf(body);
  const errorCode = typeof failure?.error_code === 'number' ? failure.error_code : undefined;
  const kind = classifyBotApiError(errorCode, httpStatus);
  const providerMessage = typeof failure?.description === 'string' && failure.description !== '' ? failure.description : undefined;
  const retryAfter = Number(failure?.parameters?.retry_after);
  const retryAfterMs = kind === 'RATE_LIMITED' && Number.isFinite(retryAfter) && retryAfter >= 0 ? Math.round(retryAfter * 1000) : undefined;
  let message = `Telegram Bot API error (${errorCode ?? `HTTP ${httpStatus}`}) on ${what}: ${providerMessage ?? `HTTP ${httpStatus}`}`;
  const migratedTo = idString(failure?.parameters?.migrate_to_chat_id);
  if (migratedTo) message += ` (the group is now the supergroup ${migratedTo})`;
  return new ChannelError(kind, message, { providerCode: errorCode ?? httpStatus, providerMessage, retryAfterMs });
}

/** A network failure or timeout before any answer: retryable. Never repeats the request URL (it holds the token). */
export function mapNetworkError(err: unknown, what: string, token?: string): ChannelError {
  const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
  const raw = err instanceof Error ? err.message : String(err);
  const reason = redact(raw, token);
  // the cause is kept for logs unless it would leak the token (e.g. "Failed to parse URL from …/bot<token>/…")
  const options = reason === raw ? { cause: err } : {};
  return new ChannelError('TEMPORARY', `${what}: ${timedOut ? 'timed out' : 'network error'} (${reason})`, options);
}

/** Replaces the bot token in a text (error messages, URLs) by `<token>`. */
export function redact(text: string, token?: string): string {
  return token ? text.split(token).join('<token>') : text;
}
