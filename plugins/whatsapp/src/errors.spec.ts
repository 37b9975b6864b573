import { readFixtureJson } from '../../../testing/fixtures.js';
import { describe, expect, it } from 'vitest';
import { classifyGraphError, mapGraphError, mapNetworkError, mapWebhookErrors } from './errors.js';

const graphBody = (code: number) => ({ error: { message: `(#${code}) title`, type: 'OAuthException', code, error_data: { details: 'details' } } });

describe('mapGraphError', () => {
  it('maps the 130429 fixture to a retryable RATE_LIMITED keeping the provider text', () => {
    const err = mapGraphError(400, readFixtureJson('whatsapp', 'send_error_130429__meta_docs.json'));
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.retryable).toBe(true);
    expect(err.providerCode).toBe(130429);
    expect(err.providerMessage).toBe('(#130429) Rate limit hit: Cloud API message throughput has been reached.');
    expect(err.retryAfterMs).toBeGreaterThan(0);
  });

  it('maps the 131056 fixture to a retryable RECIPIENT_RATE_LIMITED', () => {
    const err = mapGraphError(400, readFixtureJson('whatsapp', 'send_error_131056__captured_test_fixture.json'));
    expect(err.code).toBe('RECIPIENT_RATE_LIMITED');
    expect(err.retryable).toBe(true);
    expect(err.providerCode).toBe(131056);
    expect(err.providerMessage).toMatch(/pair rate limit hit: Message failed to send because there were too many messages/);
    expect(err.retryAfterMs).toBe(6_000);
  });

  it('maps 131047 to OUTSIDE_CUSTOMER_SERVICE_WINDOW, never retried', () => {
    const element = readFixtureJson('whatsapp', 'status_errors_element_131047__captured_code_comment.json');
    const err = mapGraphError(400, { error: element });
    expect(err.code).toBe('OUTSIDE_CUSTOMER_SERVICE_WINDOW');
    expect(err.retryable).toBe(false);
    expect(err.providerMessage).toMatch(/more than 24 hours/);
  });

  it.each([
    [190, 401, 'INVALID_CREDENTIALS'],
    [0, 401, 'INVALID_CREDENTIALS'],
    [10, 403, 'INVALID_CREDENTIALS'],
    [200, 403, 'INVALID_CREDENTIALS'],
    [299, 403, 'INVALID_CREDENTIALS'],
    [131005, 403, 'INVALID_CREDENTIALS'],
    [131026, 400, 'RECIPIENT_UNREACHABLE'],
    [131050, 400, 'RECIPIENT_UNREACHABLE'],
    [131051, 400, 'INVALID_MESSAGE'],
    [131052, 400, 'INVALID_MESSAGE'],
    [131053, 400, 'INVALID_MESSAGE'],
    [132000, 400, 'INVALID_MESSAGE'],
    [132001, 404, 'INVALID_MESSAGE'],
    [132012, 400, 'INVALID_MESSAGE'],
    [132015, 400, 'INVALID_MESSAGE'],
    [132016, 400, 'INVALID_MESSAGE'],
    [1, 400, 'TEMPORARY'],
    [2, 503, 'TEMPORARY'],
    [131000, 500, 'TEMPORARY'],
    [131016, 500, 'TEMPORARY'],
    [131057, 500, 'TEMPORARY'],
    [4, 400, 'RATE_LIMITED'],
    [80007, 400, 'RATE_LIMITED'],
    [100, 400, 'PERMANENT'],
    [131049, 400, 'PERMANENT'],
    [131048, 400, 'PERMANENT'],
    [368, 403, 'PERMANENT'],
    [131031, 403, 'PERMANENT'],
  ] as const)('code %i (HTTP %i) → %s', (code, status, expected) => {
    const err = mapGraphError(status, graphBody(code));
    expect(err.code).toBe(expected);
    expect(err.retryable).toBe(['RATE_LIMITED', 'RECIPIENT_RATE_LIMITED', 'TEMPORARY'].includes(expected));
    expect(err.providerCode).toBe(code);
  });

  it('falls back to the HTTP status without a Graph error body', () => {
    expect(mapGraphError(401, 'Unauthorized').code).toBe('INVALID_CREDENTIALS');
    expect(mapGraphError(502, '<html>bad gateway</html>').code).toBe('TEMPORARY');
    expect(mapGraphError(503, null).retryable).toBe(true);
    expect(mapGraphError(429, null).code).toBe('RATE_LIMITED');
    const notFound = mapGraphError(404, null);
    expect(notFound.code).toBe('PERMANENT');
    expect(notFound.providerCode).toBe(404);
    expect(notFound.providerMessage).toBeUndefined();
  });

  it('accepts the body as JSON text', () => {
    expect(mapGraphError(400, JSON.stringify(graphBody(130429))).code).toBe('RATE_LIMITED');
  });

  it('uses the Graph code before the HTTP status (a 5xx with a known permanent code)', () => {
    expect(classifyGraphError(131026, 500)).toBe('RECIPIENT_UNREACHABLE');
    expect(classifyGraphError(999999, 500)).toBe('TEMPORARY');
    expect(classifyGraphError(999999, 400)).toBe('PERMANENT');
  });
});

describe('mapNetworkError', () => {
  it('is a retryable TEMPORARY naming timeouts', () => {
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    const err = mapNetworkError(timeout, 'send message');
    expect(err.code).toBe('TEMPORARY');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/send message: timed out/);
    expect(mapNetworkError(new TypeError('fetch failed'), 'x').message).toMatch(/network error/);
  });
});

describe('mapWebhookErrors', () => {
  it('keeps code, title and error_data.details', () => {
    expect(mapWebhookErrors([readFixtureJson('whatsapp', 'status_errors_element_131047__captured_code_comment.json')])).toEqual([
      { code: 131047, title: 'Re-engagement message', details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
    ]);
    expect(mapWebhookErrors([])).toBeUndefined();
    expect(mapWebhookErrors(undefined)).toBeUndefined();
  });
});
