/**
 * Typed application errors. Each domain declares its codes in its `<domain>.errors.ts`;
 * {@link ERROR_HTTP_STATUS} maps every code to an HTTP status in one place, and the
 * compiler checks that the map is exhaustive.
 */

/** Every error code the public API can answer (DESIGN.md §4 error body `error.code`). */
export type ErrorCode =
  // generic
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'METHOD_NOT_ALLOWED'
  | 'INTERNAL_ERROR'
  // flows
  | 'FLOW_INVALID'
  | 'FLOW_NOT_PUBLISHED'
  | 'FLOW_RUN_NOT_WAITING'
  | 'DRAFT_CONFLICT'
  | 'FLOW_TOO_LARGE'
  // tenancy
  | 'EMAIL_TAKEN'
  | 'INVALID_CREDENTIALS'
  // entitlements
  | 'PLAN_LIMIT_REACHED'
  | 'CHANNEL_TYPE_NOT_IN_PLAN'
  // channels
  | 'CHANNEL_TYPE_UNKNOWN'
  | 'CHANNEL_CONFIG_INVALID'
  | 'CHANNEL_CREDENTIALS_INVALID'
  | 'CHANNEL_ACCOUNT_TAKEN'
  | 'CHANNEL_PROVIDER_UNAVAILABLE'
  | 'CHANNEL_LOGIN_NOT_SUPPORTED'
  | 'CHANNEL_LOGIN_SESSION_INVALID'
  | 'WEBHOOK_SIGNATURE_INVALID'
  | 'WEBHOOK_PAYLOAD_INVALID'
  // conversations
  | 'OUTSIDE_CUSTOMER_SERVICE_WINDOW'
  // media
  | 'MEDIA_TOO_LARGE'
  | 'MEDIA_TYPE_NOT_ALLOWED'
  // web chat and click to chat
  | 'VISITOR_TOKEN_INVALID'
  | 'CHANNEL_FEATURE_NOT_SUPPORTED';

/** HTTP status of each code. */
export const ERROR_HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  METHOD_NOT_ALLOWED: 405,
  INTERNAL_ERROR: 500,
  FLOW_INVALID: 422,
  FLOW_NOT_PUBLISHED: 422,
  FLOW_RUN_NOT_WAITING: 409,
  DRAFT_CONFLICT: 409,
  FLOW_TOO_LARGE: 422,
  EMAIL_TAKEN: 409,
  INVALID_CREDENTIALS: 401,
  PLAN_LIMIT_REACHED: 403,
  CHANNEL_TYPE_NOT_IN_PLAN: 403,
  CHANNEL_TYPE_UNKNOWN: 400,
  CHANNEL_CONFIG_INVALID: 400,
  CHANNEL_CREDENTIALS_INVALID: 422,
  CHANNEL_ACCOUNT_TAKEN: 409,
  CHANNEL_PROVIDER_UNAVAILABLE: 502,
  CHANNEL_LOGIN_NOT_SUPPORTED: 400,
  CHANNEL_LOGIN_SESSION_INVALID: 422,
  WEBHOOK_SIGNATURE_INVALID: 401,
  WEBHOOK_PAYLOAD_INVALID: 400,
  OUTSIDE_CUSTOMER_SERVICE_WINDOW: 422,
  MEDIA_TOO_LARGE: 413,
  MEDIA_TYPE_NOT_ALLOWED: 415,
  VISITOR_TOKEN_INVALID: 401,
  CHANNEL_FEATURE_NOT_SUPPORTED: 422,
};

/** Base class of every typed error; `details` is returned to the client as is. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_HTTP_STATUS[this.code];
  }
}

/** 404 for a resource that does not exist or belongs to another tenant. */
export function notFound(resource: string, id?: string): AppError {
  return new AppError('NOT_FOUND', `${resource} not found`, id ? { resource, id } : { resource });
}
