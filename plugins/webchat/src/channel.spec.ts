import { ChannelError, WebhookParseError, loadPluginForTest, makeChannelContext, makeWebhookRequest, recordingPush, type ChannelDefinition, type OutboundMessage } from '@parley/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import plugin, { DEFAULT_CONFIG, parseConfig, snippet, type WebchatConfig } from './index.js';

let channel: ChannelDefinition<WebchatConfig>;
const settings = { PUBLIC_URL: 'https://chat.example.com/' };
let runtime: Parameters<ChannelDefinition<WebchatConfig>['connect']>[0];

beforeAll(async () => {
  const host = await loadPluginForTest(plugin, settings);
  channel = host.channels.get('webchat')!;
  runtime = makeChannelContext(DEFAULT_CONFIG, host.runtime, { channelId: 'ch_1' });
});

const body = (message: Record<string, unknown>, visitor: Record<string, unknown> = { id: 'v_1', name: 'Ana', email: 'ana@example.test' }) =>
  makeWebhookRequest({ visitor, message, receivedAt: 1_700_000_000_000 }, { params: { channelId: 'ch_1' } });

describe('config', () => {
  it('fills defaults and normalises', () => {
    expect(parseConfig({})).toEqual(DEFAULT_CONFIG);
    expect(parseConfig(undefined)).toEqual(DEFAULT_CONFIG);
    expect(parseConfig({ name: ' Help ', color: '#ABC', greeting: ' Hello ', position: 'left', askName: true, askEmail: true })).toEqual({
      name: 'Help', color: '#abc', greeting: 'Hello', position: 'left', askName: true, askEmail: true,
    });
  });

  it.each([
    [{ color: 'red' }, /color/],
    [{ color: '#12345g' }, /color/],
    [{ color: '#fff;background:url(x)' }, /color/],
    [{ position: 'top' }, /position/],
    [{ askName: 'yes' }, /askName/],
    [{ greeting: 'x'.repeat(501) }, /greeting/],
    [{ name: 'x'.repeat(81) }, /name/],
    [{ botToken: 'x' }, /unknown/],
    [[], /object/],
  ])('refuses %j', (input, message) => {
    expect(() => parseConfig(input)).toThrow(message);
    try {
      parseConfig(input);
    } catch (err) {
      expect((err as ChannelError).code).toBe('INVALID_CONFIG');
    }
  });

  it('has no secrets', () => expect(channel.secretFields).toEqual([]));
});

describe('connect and public fields', () => {
  it('connects without any outside account, keyed by the channel id', async () => {
    await expect(channel.connect(runtime)).resolves.toMatchObject({ accountId: 'ch_1' });
  });

  it('describes the embed snippet from PUBLIC_URL', () => {
    const fields = channel.publicFields!({ id: 'ch_1', tenantId: 't', name: 'Site', config: DEFAULT_CONFIG, info: null }, runtime);
    expect(fields.snippet).toBe('<script src="https://chat.example.com/webchat/widget.js" data-channel="ch_1" async></script>');
    expect(fields.demoUrl).toBe('https://chat.example.com/webchat/demo?channelId=ch_1');
  });

  it('escapes the snippet attributes', () => {
    expect(snippet('https://x.test', '"><script>')).toBe('<script src="https://x.test/webchat/widget.js" data-channel="&quot;&gt;&lt;script&gt;" async></script>');
  });
});

describe('webhook', () => {
  it('never accepts direct posts', () => {
    expect(channel.webhook.verify(body({ id: 'm1', type: 'text', text: 'hi' }), runtime, DEFAULT_CONFIG)).toBe(false);
  });

  it('parses a visitor text message with a per-visitor external id', () => {
    expect(channel.webhook.parse(body({ id: 'm1', type: 'text', text: 'Hello <b>there</b>' }), runtime)).toEqual([
      {
        kind: 'message', accountId: '', externalId: 'v_1:m1', direction: 'in', timestamp: 1_700_000_000_000, type: 'text', text: 'Hello <b>there</b>',
        sender: { externalId: 'v_1', name: 'Ana', email: 'ana@example.test' },
      },
    ]);
  });

  it('parses an uploaded image as a host file', () => {
    const [m] = channel.webhook.parse(body({ id: 'm2', type: 'image', text: 'my bike', file: { id: 'f1', mimeType: 'image/png', size: 10 } }, { id: 'v_1' }), runtime);
    expect(m).toMatchObject({ type: 'image', text: 'my bike', media: { hostFileId: 'f1', mimeType: 'image/png', size: 10, caption: 'my bike' }, sender: { externalId: 'v_1', name: null, email: null } });
  });

  it.each([
    ['not json', 'nope'],
    ['bad visitor id', { visitor: { id: 'a b' }, message: { id: 'm', type: 'text', text: 'x' } }],
    ['bad message id', { visitor: { id: 'v' }, message: { id: '', type: 'text', text: 'x' } }],
    ['empty text', { visitor: { id: 'v' }, message: { id: 'm', type: 'text', text: '  ' } }],
    ['image without file', { visitor: { id: 'v' }, message: { id: 'm', type: 'image' } }],
    ['non-image file', { visitor: { id: 'v' }, message: { id: 'm', type: 'image', file: { id: 'f', mimeType: 'application/pdf' } } }],
    ['other type', { visitor: { id: 'v' }, message: { id: 'm', type: 'location' } }],
  ])('refuses %s', (_name, raw) => {
    expect(() => channel.webhook.parse(makeWebhookRequest(raw), runtime)).toThrow(WebhookParseError);
  });
});

describe('send', () => {
  const msg = (extra: Partial<OutboundMessage>): OutboundMessage => ({ id: 'out1', to: { externalId: 'v_1' }, type: 'text', text: 'Hi!', ...extra });

  it('pushes the reply to the visitor and ends typing', async () => {
    const rec = recordingPush();
    const ctx = makeChannelContext(DEFAULT_CONFIG, runtime, { push: rec.push });
    await channel.sendTyping!(ctx, { to: { externalId: 'v_1' } });
    await expect(channel.send(ctx, msg({}))).resolves.toEqual({ externalId: 'out:out1' });
    expect(rec.events.map((e) => [e.to, e.event.type, e.event.data.on])).toEqual([['v_1', 'typing', true], ['v_1', 'typing', false], ['v_1', 'message', undefined]]);
    expect(rec.events[2].event.data.message).toMatchObject({ id: 'out1', direction: 'out', type: 'text', text: 'Hi!', media: null, status: 'sent' });
  });

  it('pushes images by URL and interactive messages with their buttons', async () => {
    const rec = recordingPush();
    const ctx = makeChannelContext(DEFAULT_CONFIG, runtime, { push: rec.push });
    await channel.send(ctx, msg({ type: 'image', text: null, media: { url: 'https://p.test/api/v1/media/f?sig=s', caption: 'look' } }));
    await channel.send(ctx, msg({ type: 'interactive', text: 'Pick', interactive: { kind: 'buttons', body: 'Pick one', buttons: [{ id: 'a', title: 'A' }] } }));
    const sent = rec.events.filter((e) => e.event.type === 'message').map((e) => e.event.data.message);
    expect(sent[0]).toMatchObject({ type: 'image', text: 'look', media: { url: 'https://p.test/api/v1/media/f?sig=s', caption: 'look' } });
    expect(sent[1]).toMatchObject({ type: 'interactive', text: 'Pick one', buttons: [{ id: 'a', title: 'A' }] });
  });

  it('refuses what the widget cannot show, and hosts without push', async () => {
    const rec = recordingPush();
    const ctx = makeChannelContext(DEFAULT_CONFIG, runtime, { push: rec.push });
    await expect(channel.send(ctx, msg({ type: 'template', template: { name: 'x', language: 'en' } }))).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
    await expect(channel.send(ctx, msg({ type: 'image', media: { providerMediaId: 'x' } }))).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
    await expect(channel.send(makeChannelContext(DEFAULT_CONFIG, runtime), msg({}))).rejects.toMatchObject({ code: 'PERMANENT', retryable: false });
    expect(rec.events).toEqual([]);
  });
});
