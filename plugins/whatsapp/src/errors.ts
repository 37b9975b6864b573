/**
 * Graph API error mapping (fixtures `send_error_130429__meta_docs.json`,
 * `send_error_131056__captured_test_fixture.json`; codes and handling from
 * `fixtures/channels/LIMITS.md`, Meta's …/support/error-codes).
 *
 * Graph error body: `{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException",
 *   "code":130429,"error_data":{"messaging_product":"whatsapp","details":"..."},
 *   "error_subcode":2494055,"fbtrace_id":"..."}}` — branch on `code` (never on the text).
 */
import { ChannelError, type ChannelErrorCode, type ProviderError, graphNetworkError } from '@parley/sdk';

/** The `error` object of a Graph error body, as far as Parley reads it. */
export interface GraphErrorObject {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_data?: { details?: string; messaging_product?: string };
  fbtrace_id?: string;
}

const CREDENTIALS = new Set([0, 10, 190, 131005]);
const RECIPIENT_UNREACHABLE = new Set([131026, 131050]);
const INVALID_MESSAGE = new Set([131051, 131052, 131053, 132000, 132001, 132012, 132015, 132016]);
const TEMPORARY = new Set([1, 2, 131000, 131016, 131057]);
/** App-level (4) and WABA-level (80007) Graph rate limits: LIMITS.md lists them as rate limits. */
const GRAPH_RATE_LIMITS = new Set([4, 80007]);

/** Earliest sensible retry per code: throughput is per second; the pair limit is 1 message / 6 s. */
const RETRY_AFTER_MS: Record<number, number> = { 130429: 1_000, 131056: 6_000, 4: 60_000, 80007: 60_000 };

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

/** Parley error code for a Graph error code and HTTP status (see the table in LIMITS.md). */
export function classifyGraphError(code: number | undefined, httpStatus: number): ChannelErrorCode {
  if (code !== undefined) {
    if (code === 130429 || GRAPH_RATE_LIMITS.has(code)) return 'RATE_LIMITED';
    if (code === 131056) return 'RECIPIENT_RATE_LIMITED';
    if (code === 131047) return 'OUTSIDE_CUSTOMER_SERVICE_WINDOW';
    if (CREDENTIALS.has(code) || (code >= 200 && code <= 299)) return 'INVALID_CREDENTIALS';
    if (RECIPIENT_UNREACHABLE.has(code)) return 'RECIPIENT_UNREACHABLE';
    if (INVALID_MESSAGE.has(code)) return 'INVALID_MESSAGE';
    if (TEMPORARY.has(code)) return 'TEMPORARY';
  }
  if (httpStatus === 401) return 'INVALID_CREDENTIALS';
  if (httpStatus === 429) return 'RATE_LIMITED';
  if (httpStatus >= 500) return 'TEMPORARY';
  return 'PERMANENT';
}

/**
 * Maps a failed Graph API answer to a `ChannelError`. `body` is the parsed JSON (or raw text)
 * of the response. Keeps `providerCode` (Graph `error.code`, else the HTTP status) and
 * `providerMessage` (`error.message` + `error_data.details`). Rate limits and temporary
 * failures come out retryable; everything else is not.
 */
export function mapGraphError(httpStatus: number, body: unknown): ChannelError {
  const error = graphErrorOf(body);
  const code = typeof error?.code === 'number' ? error.code : undefined;
  const kind = classifyGraphError(code, httpStatus);
  const details = error?.error_data?.details;
  const providerMessage = [error?.message, details].filter((s): s is string => typeof s === 'string' && s !== '').join(': ') || undefined;
  const retryAfterMs = code !== undefined && kind !== 'PERMANENT' ? RETRY_AFTER_MS[code] : undefined;
  const summary = providerMessage ?? `HTTP ${httpStatus}`;
  return new ChannelError(kind, `WhatsApp Cloud API error (${code ?? `HTTP ${httpStatus}`}): ${summary}`, {
    providerCode: code ?? httpStatus,
    providerMessage,
    retryAfterMs,
  });
}

/** A network failure or timeout before any Graph answer: retryable (the SDK's `graphNetworkError`). */
export const mapNetworkError = graphNetworkError;

/** Raw webhook error element: `{code, title, message, error_data:{details}, href}`. */
export interface WebhookErrorElement {
  code?: number | string;
  title?: string;
  message?: string;
  error_data?: { details?: string };
  href?: string;
}

/**
 * Maps webhook `errors[]` (in `statuses[]`, `messages[]` or at value level; fixtures
 * `webhook_status_failed_131049__meta_docs.json`, `webhook_unsupported__pywa.json`,
 * `webhook_value_level_errors_130429__meta_docs.json`) to `ProviderError[]`.
 */
export function mapWebhookErrors(errors: unknown): ProviderError[] | undefined {
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return errors
    .filter((e): e is WebhookErrorElement => typeof e === 'object' && e !== null)
    .map((e) => {
      const out: ProviderError = { code: e.code ?? 'unknown' };
      const title = e.title ?? e.message;
      if (typeof title === 'string') out.title = title;
      if (typeof e.error_data?.details === 'string') out.details = e.error_data.details;
      return out;
    });
}
