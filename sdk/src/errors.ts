/**
 * Typed errors a channel plugin raises. The host maps them to HTTP answers and retry
 * decisions; plugins never throw provider-specific error shapes at the host.
 */

/** Why a channel operation failed, independent of the provider. */
export type ChannelErrorCode =
  /** Credentials rejected by the provider (expired or revoked token, wrong secret). */
  | 'INVALID_CREDENTIALS'
  /** The channel config failed validation before any provider call. */
  | 'INVALID_CONFIG'
  /** Account-wide throughput limit (WhatsApp 130429): retry the account later. */
  | 'RATE_LIMITED'
  /** Per-recipient limit (WhatsApp 131056): retry this recipient later. */
  | 'RECIPIENT_RATE_LIMITED'
  /** Free-form message outside the customer-service window (WhatsApp 131047). */
  | 'OUTSIDE_CUSTOMER_SERVICE_WINDOW'
  /** The recipient cannot receive messages (not on the network, blocked the business). */
  | 'RECIPIENT_UNREACHABLE'
  /** The message itself is invalid (bad template, unsupported type, bad media). */
  | 'INVALID_MESSAGE'
  /** Provider-side failure that may succeed later (5xx, timeouts, maintenance). */
  | 'TEMPORARY'
  /** Any other permanent failure: never retried. */
  | 'PERMANENT';

/** Constructor options of {@link ChannelError}. */
export interface ChannelErrorOptions {
  /** Whether the host may retry the same operation later. */
  retryable?: boolean;
  /** Earliest retry delay the provider asked for, in milliseconds. */
  retryAfterMs?: number;
  /** The provider's own error code, e.g. 131056 or 429. */
  providerCode?: string | number;
  /** The provider's own error text, for logs and the agent's tooltip. */
  providerMessage?: string;
  /** Underlying error. */
  cause?: unknown;
}

const RETRYABLE: ReadonlySet<ChannelErrorCode> = new Set(['RATE_LIMITED', 'RECIPIENT_RATE_LIMITED', 'TEMPORARY']);

/**
 * Error raised by channel plugins (connect, send, typing, media, profile).
 * `retryable` defaults from the code: rate limits and temporary failures are retryable,
 * everything else is permanent.
 */
export class ChannelError extends Error {
  readonly code: ChannelErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly providerCode?: string | number;
  readonly providerMessage?: string;

  constructor(code: ChannelErrorCode, message: string, options: ChannelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ChannelError';
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE.has(code);
    this.retryAfterMs = options.retryAfterMs;
    this.providerCode = options.providerCode;
    this.providerMessage = options.providerMessage;
  }
}

/** Raised by `webhook.parse` when a body is not the provider's format: the host answers 400. */
export class WebhookParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookParseError';
  }
}

/** True when `err` is a {@link ChannelError} (also across duplicated SDK copies). */
export function isChannelError(err: unknown): err is ChannelError {
  return err instanceof ChannelError || (typeof err === 'object' && err !== null && (err as { name?: string }).name === 'ChannelError');
}
