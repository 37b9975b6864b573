/**
 * Graph API error mapping for the Messenger Platform (Send API, page and profile lookups,
 * OAuth). Graph error body: `{"error":{"message":"(#551) This person isn't available right now.",
 * "type":"OAuthException","code":551,"error_subcode":1545041,"fbtrace_id":"..."}}` — branch on
 * `code` and `error_subcode` (never on the text).
 *
 * | code (subcode)              | meaning (Messenger Platform error codes)             | Parley code |
 * |---|---|---|
 * | 190, 102, HTTP 401          | access token invalid / expired / session             | INVALID_CREDENTIALS |
 * | 10 (2018278)                | message sent outside the allowed window              | OUTSIDE_CUSTOMER_SERVICE_WINDOW |
 * | 10 (2018065, 2018108, …), 200-299 | permission missing (pages_messaging, tag not allowed) | PERMANENT |
 * | 551, 100 (2018001)          | person not available / no matching user               | RECIPIENT_UNREACHABLE |
 * | 4, 17, 32, 613, HTTP 429    | app / user / page / API rate limits                   | RATE_LIMITED (retry after 60 s) |
 * | 1, 2, HTTP 5xx              | unknown / temporary server errors                     | TEMPORARY |
 * | 100 (other), 2018047…       | invalid parameter (bad attachment URL, too long text) | INVALID_MESSAGE |
 * | anything else               |                                                      | PERMANENT |
 */
import { ChannelError, type ChannelErrorCode, graphNetworkError } from '@parley/sdk';

/** The `error` object of a Graph error body, as far as Parley reads it. */
export interface GraphErrorObject {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_user_msg?: string;
  fbtrace_id?: string;
}

/** Subcode of code 10: "This message is sent outside of allowed window." */
export const OUTSIDE_WINDOW_SUBCODE = 2018278;
/** Subcode of code 100: "No matching user found." */
export const NO_MATCHING_USER_SUBCODE = 2018001;

const CREDENTIALS = new Set([102, 190]);
const RATE_LIMITS = new Set([4, 17, 32, 613]);
const TEMPORARY = new Set([1, 2]);

/** Earliest sensible retry for Graph rate limits (they are computed over rolling windows). */
export const RATE_LIMIT_RETRY_MS = 60_000;

/** Reads `body.error` from a Graph error body (object or JSON text); undefined when absent. */
export function graphErrorOf(body: unknown): GraphErrorObject | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const error = (value as { error?: unknown }).error;
  return typeof error === 'object' && error !== null ? (error as GraphErrorObject) : undefined;
}

/** Parley error code for a Graph error (code, subcode) and HTTP status (table above). */
export function classifyGraphError(code: number | undefined, subcode: number | undefined, httpStatus: number): ChannelErrorCode {
  if (code !== undefined) {
    if (CREDENTIALS.has(code)) return 'INVALID_CREDENTIALS';
    if (code === 10 && subcode === OUTSIDE_WINDOW_SUBCODE) return 'OUTSIDE_CUSTOMER_SERVICE_WINDOW';
    if (code === 551 || (code === 100 && subcode === NO_MATCHING_USER_SUBCODE)) return 'RECIPIENT_UNREACHABLE';
    if (RATE_LIMITS.has(code)) return 'RATE_LIMITED';
    if (TEMPORARY.has(code)) return 'TEMPORARY';
    if (code === 10 || (code >= 200 && code <= 299)) return 'PERMANENT';
    if (code === 100) return 'INVALID_MESSAGE';
  }
  if (httpStatus === 401) return 'INVALID_CREDENTIALS';
  if (httpStatus === 429) return 'RATE_LIMITED';
  if (httpStatus >= 500) return 'TEMPORARY';
  return 'PERMANENT';
}

/**
 * Maps a failed Graph answer to a `ChannelError`, keeping `providerCode` (Graph `error.code`,
 * else the HTTP status) and `providerMessage` (`error.message`, plus `error_user_msg`).
 */
export function mapGraphError(httpStatus: number, body: unknown, what = 'Graph API call'): ChannelError {
  const error = graphErrorOf(body);
  const code = typeof error?.code === 'number' ? error.code : undefined;
  const subcode = typeof error?.error_subcode === 'number' ? error.error_subcode : undefined;
  const kind = classifyGraphError(code, subcode, httpStatus);
  const providerMessage = [error?.message, error?.error_user_msg].filter((s): s is string => typeof s === 'string' && s !== '').join(': ') || undefined;
  const retryAfterMs = kind === 'RATE_LIMITED' ? RATE_LIMIT_RETRY_MS : undefined;
  const label = code === undefined ? `HTTP ${httpStatus}` : subcode === undefined ? String(code) : `${code}/${subcode}`;
  return new ChannelError(kind, `${what}: Meta Graph API error (${label}): ${providerMessage ?? `HTTP ${httpStatus}`}`, {
    providerCode: code ?? httpStatus,
    providerMessage,
    retryAfterMs,
  });
}

/** A network failure or timeout before any Graph answer: retryable (the SDK's `graphNetworkError`). */
export const mapNetworkError = graphNetworkError;
