/**
 * connect/disconnect against a stub fetch that answers with the fixtures (getMe, setWebhook);
 * the same flow against telegram-test-api is in channel.spec.ts.
 */
import { ChannelError, makeChannelContext } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { readFixtureJson } from '../../../testing/fixtures.js';
import { ALLOWED_UPDATES, connect, disconnect, setWebhookParams } from './account.js';
import type { TelegramConfig } from './config.js';
import { SECRET_TOKEN_PATTERN } from './webhook.js';

const fixture = (file: string) => readFixtureJson('telegram', file);
const TOKEN = '5556648742:AAH_test-token';

function stub(answers: Record<string, { status: number; body: unknown }>) {
  const calls: { url: string; body: any; signal: unknown }[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = String(input);
    calls.push({ url, body: init?.body ? JSON.parse(String(init.body)) : null, signal: init?.signal });
    const method = url.split('/').pop()!;
    const answer = answers[method] ?? { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
  };
  const ctx = makeChannelContext<TelegramConfig>({ botToken: TOKEN }, { setting: (n) => ({ TELEGRAM_API_URL: 'https://tg.test', PUBLIC_URL: 'https://crm.example.com' })[n], fetch: fetchImpl, logger: console }, { channelId: 'ch_42' });
  return { calls, ctx };
}

const ok = (file: string) => ({ status: 200, body: fixture(file) });
/** A webhook set elsewhere (object_webhook_info: https://example.com/webhook): replaced. */
const info = { status: 200, body: { ok: true, result: fixture('object_webhook_info__pytelegrambotapi.json') } };

describe('connect', () => {
  it('getMe (response_getMe), getWebhookInfo, then setWebhook (request_setWebhook shape, response_setWebhook_ok)', async () => {
    const { calls, ctx } = stub({ getMe: ok('response_getMe__go_test_fixture.json'), getWebhookInfo: info, setWebhook: ok('response_setWebhook_ok__captured.json') });
    const result = await connect(ctx);
    expect(result.accountId).toBe('5556648742');
    expect(result.info).toEqual({ username: 'go_tg_local_bot', firstName: 'go_tg_local_bot' });
    const secret = result.configPatch?.webhookSecret as string;
    expect(secret).toMatch(SECRET_TOKEN_PATTERN);
    expect(calls.map((c) => c.url.split('/').pop())).toEqual(['getMe', 'getWebhookInfo', 'setWebhook']);
    expect(calls[0]!.url).toBe(`https://tg.test/bot${TOKEN}/getMe`);
    const expected = fixture('request_setWebhook__assembled_from_bot_api_docs.json');
    expect(Object.keys(calls[2]!.body).sort()).toEqual(Object.keys(expected).sort());
    expect(calls[2]!.body).toEqual({ ...expected, url: 'https://crm.example.com/webhooks/telegram/ch_42', secret_token: secret });
    expect(calls.every((c) => c.signal instanceof AbortSignal)).toBe(true);
  });

  it('asks for the update kinds Parley reads (object_webhook_info lists what a bot receives)', () => {
    expect(fixture('object_webhook_info__pytelegrambotapi.json').allowed_updates).toEqual(['message']);
    expect(setWebhookParams('https://x.test/h', 's').allowed_updates).toEqual([...ALLOWED_UPDATES]);
    expect(ALLOWED_UPDATES).toEqual(['message', 'edited_message', 'callback_query']);
  });

  it.each([401, 404])('getMe %i → INVALID_CREDENTIALS, no webhook set', async (status) => {
    const { calls, ctx } = stub({ getMe: { status, body: { ok: false, error_code: status, description: status === 401 ? 'Unauthorized' : 'Not Found' } } });
    await expect(connect(ctx)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS', providerCode: status });
    expect(calls).toHaveLength(1);
  });

  it('a bot whose webhook feeds another channel of this Parley is refused before setWebhook', async () => {
    const taken = { status: 200, body: { ok: true, result: { ...fixture('object_webhook_info__pytelegrambotapi.json'), url: 'https://crm.example.com/webhooks/telegram/ch_other' } } };
    const { calls, ctx } = stub({ getMe: ok('response_getMe__go_test_fixture.json'), getWebhookInfo: taken });
    await expect(connect(ctx)).rejects.toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringMatching(/already connected to Parley \(channel ch_other\)/) });
    expect(calls.map((c) => c.url.split('/').pop())).toEqual(['getMe', 'getWebhookInfo']);
    // its own URL (a reconnect) or no webhook at all are fine
    const own = { status: 200, body: { ok: true, result: { url: 'https://crm.example.com/webhooks/telegram/ch_42' } } };
    const again = stub({ getMe: ok('response_getMe__go_test_fixture.json'), getWebhookInfo: own, setWebhook: ok('response_setWebhook_ok__captured.json') });
    await expect(connect(again.ctx)).resolves.toMatchObject({ accountId: '5556648742' });
  });

  it('setWebhook refused (not HTTPS) → PERMANENT naming PUBLIC_URL', async () => {
    const { ctx } = stub({ getMe: ok('response_getMe__go_test_fixture.json'), getWebhookInfo: info, setWebhook: { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: bad webhook: HTTPS url must be provided for webhook' } } });
    const err = (await connect(ctx).catch((e) => e)) as ChannelError;
    expect(err).toBeInstanceOf(ChannelError);
    expect(err.code).toBe('PERMANENT');
    expect(err.message).toMatch(/PUBLIC_URL must be HTTPS/);
    expect(err.message).not.toContain(TOKEN);
  });
});

describe('disconnect', () => {
  it('deleteWebhook', async () => {
    const { calls, ctx } = stub({ deleteWebhook: { status: 200, body: { ok: true, result: true, description: 'Webhook was deleted' } } });
    await disconnect(ctx);
    expect(calls).toEqual([expect.objectContaining({ url: `https://tg.test/bot${TOKEN}/deleteWebhook`, body: { drop_pending_updates: false } })]);
  });
});
