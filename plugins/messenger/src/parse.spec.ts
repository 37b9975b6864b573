import { describe, expect, it } from 'vitest';
import { makeWebhookRequest, type InboundEvent } from '@parley/sdk';
import { listFixtures, readFixtureBytes, readFixtureJson } from '../../../testing/fixtures.js';
import { parseJsonLosslessly } from './json.js';
import { parseWebhookBody, partiesOf, PARLEY_METADATA_PREFIX } from './parse.js';

/** Expected events of every webhook fixture (fixtures/channels/{messenger,instagram}/webhook_*.json). */
const EXPECTED: Record<string, { type: 'messenger' | 'instagram'; wrap?: boolean; events: Partial<InboundEvent>[] }> = {
  'messenger/webhook_text__restfb.json': {
    type: 'messenger',
    events: [{ kind: 'message', accountId: '12345654332', externalId: 'mid.1457764197618:41d102a3e1ae206a38', direction: 'in', sender: { externalId: '987654321432', phone: null }, timestamp: 1457764197627, type: 'text', text: 'hello, world!' }],
  },
  'messenger/webhook_attachment_image__restfb.json': {
    type: 'messenger',
    // "IMAGE_URL" is a placeholder, not a URL: nothing to download, kept in content
    events: [{ kind: 'message', accountId: '12345654332', externalId: 'mid.1458696618141:b4ef9d19ec21086067', type: 'image', text: null, media: {}, content: { url: 'IMAGE_URL' } }],
  },
  'messenger/webhook_attachment_location__restfb.json': {
    type: 'messenger',
    events: [{ kind: 'message', type: 'location', text: null, content: { latitude: 12.34, longitude: 43.21 }, sender: { externalId: '987654321432', phone: null } }],
  },
  'messenger/webhook_quick_reply__restfb.json': {
    type: 'messenger',
    events: [{ kind: 'message', accountId: '1234567890321', type: 'interactive', text: 'quick reply text', content: { replyType: 'quick_reply', id: 'PAYLOAD_QUICK_REPLY', title: 'quick reply text' } }],
  },
  'messenger/webhook_text_quick_reply__meta_docs.json': {
    type: 'messenger',
    events: [{
      kind: 'message', accountId: '<PAGE_ID>', externalId: 'm_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P',
      sender: { externalId: '1254459154682919', phone: null }, timestamp: 1502905976377, type: 'interactive', text: 'Green',
      content: { replyType: 'quick_reply', id: 'DEVELOPER_DEFINED_PAYLOAD_FOR_PICKING_GREEN', title: 'Green' },
    }],
  },
  'messenger/webhook_echo__restfb.json': {
    type: 'messenger',
    events: [{ kind: 'message', externalId: 'mid.1457764197618:41d102a3e1ae206a38', direction: 'out', sender: { externalId: '987654321432', phone: null }, type: 'text', text: 'hello, world!', content: { appId: '1517776481860111' } }],
  },
  'messenger/webhook_postback__restfb.json': {
    type: 'messenger',
    events: [{ kind: 'message', externalId: 'postback:987654321432:1458692752478', direction: 'in', type: 'interactive', text: 'USER_DEFINED_PAYLOAD', content: { replyType: 'postback', id: 'USER_DEFINED_PAYLOAD', title: null } }],
  },
  'messenger/webhook_delivery__restfb.json': {
    type: 'messenger',
    events: [
      { kind: 'status', accountId: '12345654332', externalId: 'mid.1458668856218:ed81099e15d3f4f233', status: 'delivered', timestamp: 1458668856253, recipientId: '987654321432' },
      { kind: 'status', accountId: '12345654332', externalId: '', status: 'delivered', timestamp: 1458668856253, recipientId: '987654321432', upToTimestamp: 1458668856253 },
    ],
  },
  'messenger/webhook_read__restfb.json': {
    type: 'messenger',
    events: [{ kind: 'status', accountId: '12345654332', externalId: '', status: 'read', timestamp: 1458668856253, recipientId: '987654321432', upToTimestamp: 1458668856253 }],
  },
  'messenger/webhook_deleted__restfb.json': {
    type: 'messenger',
    events: [{ kind: 'message', externalId: 'deleted:message_id', type: 'system', text: 'Message deleted', content: { event: 'message_deleted', targetExternalId: 'message_id' } }],
  },
  'messenger/webhook_messaging_event_text__meta_docs.json': {
    type: 'messenger',
    wrap: true,
    events: [{ kind: 'message', accountId: '<PAGE_ID>', sender: { externalId: '<PSID>', phone: null }, type: 'interactive', text: 'hello, world!', content: { replyType: 'quick_reply', id: '<DEVELOPER_DEFINED_PAYLOAD>', title: 'hello, world!' } }],
  },
  'messenger/webhook_messaging_event_attachment__meta_docs.json': {
    type: 'messenger',
    wrap: true,
    events: [{ kind: 'message', accountId: '<PAGE_ID>', type: 'image', timestamp: 1458692752478, content: { url: '<IMAGE_URL>' } }],
  },
  'instagram/webhook_text__captured_public_repo.json': {
    type: 'instagram',
    events: [{
      kind: 'message', accountId: '17841471550633446', direction: 'in', sender: { externalId: '1090651699462050', phone: null }, timestamp: 1734002586774, type: 'text', text: 'ข้อความทดสอบ',
      externalId: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDcxNTUwNjMzNDQ2OjM0MDI4MjM2Njg0MTcxMDMwMTI0NDI3NjAxNzM1NDQ3NjQ3MTk5ODozMTk4NjcwMTk0MTM3NTg1MTA1MTMxNzc4NDc5MjI2ODgwMAZDZD',
    }],
  },
  'instagram/webhook_echo_text__captured_public_repo.json': {
    type: 'instagram',
    // the business (sender) is the account: the customer is the recipient
    events: [{ kind: 'message', accountId: '17841400538867190', direction: 'out', sender: { externalId: '1129842642640637', phone: null }, type: 'text', text: 'Olá, testando amor 🥰', timestamp: 1762010770464 }],
  },
  'instagram/webhook_attachment_unsupported_type__restfb.json': {
    type: 'instagram',
    events: [{ kind: 'message', accountId: '17841452691600098', sender: { externalId: '5614879045272581', phone: null }, type: 'unsupported', text: null, content: { providerType: 'unsupported_type', payload: { url: expect.stringContaining('https://lookaside.fbsbx.com/ig_messaging_cdn/') } } }],
  },
  'instagram/webhook_seen__restfb.json': {
    type: 'instagram',
    events: [{ kind: 'status', accountId: '17841452691600098', externalId: 'MESSAGE-ID', status: 'read', timestamp: 1668022333735, recipientId: '5614879045272581' }],
  },
};

function bodyOf(key: string): Buffer {
  const [channel, file] = key.split('/') as [string, string];
  if (!EXPECTED[key]?.wrap) return readFixtureBytes(channel, file);
  const event = readFixtureJson(channel, file);
  return Buffer.from(JSON.stringify({ object: 'page', entry: [{ id: event.recipient.id, time: event.timestamp, messaging: [event] }] }));
}

describe('parseWebhookBody over every fixture', () => {
  const all = [...listFixtures('messenger', 'webhook_').map((f) => `messenger/${f}`), ...listFixtures('instagram', 'webhook_').map((f) => `instagram/${f}`)];

  it('has an expectation for every webhook fixture', () => {
    expect(all.filter((k) => !EXPECTED[k])).toEqual([]);
  });

  it.each(all)('%s', (key) => {
    const spec = EXPECTED[key]!;
    const events = parseWebhookBody(bodyOf(key), spec.type);
    expect(events).toHaveLength(spec.events.length);
    spec.events.forEach((e, i) => expect(events[i]).toMatchObject(e));
    for (const e of events) {
      // ids stay strings, whatever the JSON had
      expect(typeof e.accountId).toBe('string');
      if (e.kind === 'message') expect(typeof e.sender.externalId).toBe('string');
      if (e.kind === 'status') expect(typeof e.recipientId).toBe('string');
    }
  });
});

describe('ids', () => {
  it('keeps Instagram ids beyond 2^53 exact when a library writes them as numbers', () => {
    const raw = '{"object":"instagram","entry":[{"id":17841452691600099,"time":1,"messaging":[{"sender":{"id":5614879045272581},"recipient":{"id":17841452691600099},"timestamp":1668022333735,"message":{"mid":"x","text":"hi"}}]}]}';
    expect(String(JSON.parse(raw).entry[0].id)).not.toBe('17841452691600099'); // the trap: a JS number rounds it
    const [event] = parseWebhookBody(raw, 'instagram');
    expect(event).toMatchObject({ accountId: '17841452691600099', sender: { externalId: '5614879045272581' } });
    expect(parseJsonLosslessly('{"a":-1.5e3,"b":"12345678901234567890","c":12345678901234567890}')).toEqual({ a: -1500, b: '12345678901234567890', c: '12345678901234567890' });
  });

  it('finds the customer on either side: sender of messages, recipient of echoes', () => {
    expect(partiesOf({ sender: { id: '1' }, recipient: { id: '9' } }, '9')).toEqual({ accountId: '9', customerId: '1' });
    expect(partiesOf({ sender: { id: '9' }, recipient: { id: '1' }, message: { is_echo: true } }, '9')).toEqual({ accountId: '9', customerId: '1' });
    expect(partiesOf({ sender: { id: '9' }, recipient: { id: '1' }, message: { is_echo: true } }, null)).toEqual({ accountId: '9', customerId: '1' });
    expect(partiesOf({ sender: { id: '9' } }, '9')).toBeNull();
  });
});

const envelope = (object: string, event: object, id = '111') => JSON.stringify({ object, entry: [{ id, time: 1, messaging: [event] }] });
const msgEvent = (message: object, extra: object = {}) => ({ sender: { id: '222' }, recipient: { id: '111' }, timestamp: 1700000000000, message, ...extra });

describe('message shapes', () => {
  it('media attachments: URL is both providerUrl and providerMediaId (downloaded by URL); file → document; caption from text', () => {
    const events = parseWebhookBody(
      envelope('page', msgEvent({ mid: 'm1', text: 'look', attachments: [
        { type: 'image', payload: { url: 'https://scontent.xx.fbcdn.net/a.jpg' } },
        { type: 'file', payload: { url: 'https://cdn.fbsbx.com/f.pdf' } },
        { type: 'audio', payload: { url: 'https://cdn.fbsbx.com/v.mp4' } },
        { type: 'video', payload: { url: 'https://video.xx.fbcdn.net/v.mp4' } },
        { type: 'image', payload: { url: 'https://scontent.xx.fbcdn.net/s.png', sticker_id: 369239263222822 } },
      ] })),
      'messenger',
    );
    expect(events.map((e) => [e.kind === 'message' && e.externalId, e.kind === 'message' && e.type])).toEqual([
      ['m1', 'image'], ['m1#1', 'document'], ['m1#2', 'audio'], ['m1#3', 'video'], ['m1#4', 'sticker'],
    ]);
    expect(events[0]).toMatchObject({ text: 'look', media: { providerMediaId: 'https://scontent.xx.fbcdn.net/a.jpg', providerUrl: 'https://scontent.xx.fbcdn.net/a.jpg', caption: 'look' } });
    expect(events[1]).toMatchObject({ text: null, media: { providerMediaId: 'https://cdn.fbsbx.com/f.pdf' } });
    expect(events[4]).toMatchObject({ content: { stickerId: '369239263222822' } });
  });

  it('fallback links, templates, Instagram shares and story mentions, is_unsupported', () => {
    const [fallback] = parseWebhookBody(envelope('page', msgEvent({ mid: 'f', attachments: [{ type: 'fallback', title: 'Parley', url: 'https://parley.example', payload: null }] })), 'messenger');
    expect(fallback).toMatchObject({ type: 'text', text: 'Parley https://parley.example', content: { providerType: 'fallback' } });
    const [tpl] = parseWebhookBody(envelope('page', msgEvent({ mid: 't', is_echo: true, app_id: 1, attachments: [{ type: 'template', payload: { template_type: 'button', text: 'Pick one', buttons: [] } }] }, { sender: { id: '111' }, recipient: { id: '222' } })), 'messenger');
    expect(tpl).toMatchObject({ type: 'template', direction: 'out', text: 'Pick one', sender: { externalId: '222' } });
    for (const kind of ['share', 'story_mention', 'ig_reel', 'reel', 'ig_post', 'story', 'ig_story', 'media']) {
      const [e] = parseWebhookBody(envelope('instagram', msgEvent({ mid: kind, attachments: [{ type: kind, payload: { url: 'https://lookaside.fbsbx.com/x' } }] })), 'instagram');
      expect(e).toMatchObject({ type: 'unsupported', content: { providerType: kind, payload: { url: 'https://lookaside.fbsbx.com/x' } } });
    }
    const [unsupported] = parseWebhookBody(envelope('instagram', msgEvent({ mid: 'u', is_unsupported: true })), 'instagram');
    expect(unsupported).toMatchObject({ type: 'unsupported', content: { providerType: 'unsupported' } });
  });

  it('replies, referrals and Instagram story replies', () => {
    const [e] = parseWebhookBody(envelope('instagram', msgEvent({ mid: 'r', text: 'nice', reply_to: { story: { url: 'https://cdn/s', id: '1799' } } })), 'instagram');
    expect(e).toMatchObject({ type: 'text', replyToExternalId: null, content: { replyToStory: { id: '1799' } } });
    const [q] = parseWebhookBody(envelope('page', msgEvent({ mid: 'q', text: 'yes', reply_to: { mid: 'm_prev' } })), 'messenger');
    expect(q).toMatchObject({ replyToExternalId: 'm_prev' });
  });

  it('reactions (react and unreact) and postbacks with a title and mid', () => {
    const [react] = parseWebhookBody(envelope('page', { sender: { id: '222' }, recipient: { id: '111' }, timestamp: 5, reaction: { mid: 'm_t', action: 'react', reaction: 'love', emoji: '❤' } }), 'messenger');
    expect(react).toMatchObject({ type: 'reaction', text: '❤', reaction: { targetExternalId: 'm_t', emoji: '❤' }, externalId: 'reaction:m_t:222:5' });
    const [unreact] = parseWebhookBody(envelope('instagram', { sender: { id: '222' }, recipient: { id: '111' }, timestamp: 6, reaction: { mid: 'm_t', action: 'unreact' } }), 'instagram');
    expect(unreact).toMatchObject({ type: 'reaction', text: null, reaction: { targetExternalId: 'm_t', emoji: null } });
    const [pb] = parseWebhookBody(envelope('page', { sender: { id: '222' }, recipient: { id: '111' }, timestamp: 7, postback: { mid: 'm_pb', title: 'Talk to sales', payload: 'SALES' } }), 'messenger');
    expect(pb).toMatchObject({ externalId: 'm_pb', type: 'interactive', text: 'Talk to sales', content: { replyType: 'postback', id: 'SALES', title: 'Talk to sales' } });
  });

  it('skips echoes of messages Parley sent (metadata marker); keeps other echoes', () => {
    const ours = parseWebhookBody(envelope('page', msgEvent({ mid: 'e1', text: 'hi', is_echo: true, metadata: `${PARLEY_METADATA_PREFIX}abc` }, { sender: { id: '111' }, recipient: { id: '222' } })), 'messenger');
    expect(ours).toEqual([]);
    const theirs = parseWebhookBody(envelope('page', msgEvent({ mid: 'e2', text: 'hi', is_echo: true, metadata: 'other tool' }, { sender: { id: '111' }, recipient: { id: '222' } })), 'messenger');
    expect(theirs).toMatchObject([{ direction: 'out', externalId: 'e2', sender: { externalId: '222' } }]);
  });

  it('other events become account events; events without parties are skipped', () => {
    const [optin] = parseWebhookBody(envelope('page', { sender: { id: '222' }, recipient: { id: '111' }, timestamp: 1, optin: { ref: 'x' } }), 'messenger');
    expect(optin).toMatchObject({ kind: 'account_event', accountId: '111', topic: 'optin' });
    expect(parseWebhookBody(envelope('page', { recipient: { id: '111' }, timestamp: 1, message: { mid: 'x', text: 'y' } }), 'messenger')).toEqual([]);
    expect(parseWebhookBody(JSON.stringify({ object: 'page', entry: [{ id: '1', changes: [{ field: 'feed' }] }] }), 'messenger')).toEqual([]);
  });

  it('rejects bodies that are not the expected envelope', () => {
    expect(() => parseWebhookBody('nope', 'messenger')).toThrow(/not valid JSON/);
    expect(() => parseWebhookBody(envelope('instagram', {}), 'messenger')).toThrow(/expected object "page".*got object "instagram"/);
    expect(() => parseWebhookBody(envelope('page', {}), 'instagram')).toThrow(/expected object "instagram"/);
    expect(() => parseWebhookBody('{"object":"page"}', 'messenger')).toThrow(/entry array/);
  });

  it('works through the channel definitions with a host-shaped request', async () => {
    const { messengerChannel } = await import('./channel.js');
    const req = makeWebhookRequest(readFixtureBytes('messenger', 'webhook_text__restfb.json'));
    const runtime = { setting: () => undefined, fetch, logger: { debug() {}, info() {}, warn() {}, error() {} } };
    expect(messengerChannel.webhook.parse(req, runtime)).toHaveLength(1);
  });
});
