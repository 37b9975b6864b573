import { ChannelError } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { readFixtureJson } from '../../../testing/fixtures.js';
import { botApiFailureOf, classifyBotApiError, mapBotApiError, mapNetworkError, redact } from './errors.js';

const fixture = (file: string) => readFixtureJson('telegram', file);

describe('mapBotApiError over the response_error_* fixtures', () => {
  it('429 flood (retry_after 8) → retryable RATE_LIMITED after 8000 ms', () => {
    const err = mapBotApiError(429, fixture('response_error_429_flood__tucnak_telebot.json'), 'send message');
    expect(err).toBeInstanceOf(ChannelError);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 8000, providerCode: 429, providerMessage: 'Too Many Requests: retry after 8' });
    expect(err.message).toMatch(/send message/);
  });

  it('403 blocked by the user → RECIPIENT_UNREACHABLE, not retried', () => {
    expect(mapBotApiError(403, fixture('response_error_403_blocked__tucnak_telebot_errors_go.json'))).toMatchObject({ code: 'RECIPIENT_UNREACHABLE', retryable: false, providerCode: 403, providerMessage: 'Forbidden: bot was blocked by the user' });
  });

  it('400 reply not found → INVALID_MESSAGE', () => {
    expect(mapBotApiError(400, fixture('response_error_400_reply_not_found__tucnak_telebot.json'))).toMatchObject({ code: 'INVALID_MESSAGE', retryable: false, providerCode: 400, retryAfterMs: undefined });
  });

  it('400 group migrated → INVALID_MESSAGE naming the new supergroup id', () => {
    const err = mapBotApiError(400, fixture('response_error_400_migrated__tucnak_telebot.json'));
    expect(err.code).toBe('INVALID_MESSAGE');
    expect(err.message).toContain('-100123456789');
  });
});

describe('classifyBotApiError', () => {
  it('maps error codes (falling back to the HTTP status)', () => {
    expect(classifyBotApiError(401, 401)).toBe('INVALID_CREDENTIALS');
    expect(classifyBotApiError(404, 404)).toBe('INVALID_CREDENTIALS');
    expect(classifyBotApiError(undefined, 502)).toBe('TEMPORARY');
    expect(classifyBotApiError(500, 500)).toBe('TEMPORARY');
    expect(classifyBotApiError(409, 409)).toBe('PERMANENT');
    expect(classifyBotApiError(undefined, 429)).toBe('RATE_LIMITED');
  });

  it('an HTML gateway page is TEMPORARY, keeps the HTTP status', () => {
    expect(mapBotApiError(502, '<html>Bad Gateway</html>')).toMatchObject({ code: 'TEMPORARY', retryable: true, providerCode: 502, providerMessage: undefined });
  });

  it('reads failures from text too, and ignores success bodies', () => {
    expect(botApiFailureOf('{"ok":false,"error_code":400,"description":"x"}')).toEqual({ ok: false, error_code: 400, description: 'x' });
    expect(botApiFailureOf({ ok: true, result: true })).toBeUndefined();
    expect(botApiFailureOf('nope')).toBeUndefined();
  });
});

describe('network errors', () => {
  it('timeouts and connection failures are TEMPORARY', () => {
    expect(mapNetworkError(new DOMException('aborted', 'TimeoutError'), 'send').message).toMatch(/timed out/);
    expect(mapNetworkError(new TypeError('fetch failed'), 'send')).toMatchObject({ code: 'TEMPORARY', retryable: true });
  });

  it('never repeats the bot token', () => {
    const token = '123:SECRET';
    const err = mapNetworkError(new TypeError(`Failed to parse URL from bad/bot${token}/getMe`), 'connect', token);
    expect(err.message).not.toContain(token);
    expect(err.message).toContain('bot<token>');
    expect(err.cause).toBeUndefined();
    expect(redact('a 1:x b 1:x', '1:x')).toBe('a <token> b <token>');
  });
});
