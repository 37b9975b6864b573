import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '@parley/sdk';
import { readFixtureJson } from '../../../testing/fixtures.js';
import { HUMAN_AGENT_WINDOW_MS, STANDARD_WINDOW_MS } from './config.js';
import { buildMessageObject, buildSendBody, messagingTypeFor, typingBody } from './send.js';

const NOW = 1_800_000_000_000;
const msg = (over: Partial<OutboundMessage>): OutboundMessage => ({ id: 'msg1', to: { externalId: '<PSID>', lastInboundAt: NOW - 60_000 }, type: 'text', text: 'hello, world!', ...over });

/** Placeholders of the request fixtures (`<MESSAGING_TYPE>`) filled with what Parley sends. */
function fill(fixture: any, values: Record<string, string>): any {
  return JSON.parse(JSON.stringify(fixture).replace(/"<([A-Z_]+)>"/g, (m, name: string) => (name in values ? JSON.stringify(values[name]) : m)));
}

describe('send bodies vs the request fixtures', () => {
  it('Messenger text = send_text_request__meta_docs.json (+ the Parley metadata marker)', () => {
    const expected = fill(readFixtureJson('messenger', 'send_text_request__meta_docs.json'), { MESSAGING_TYPE: 'RESPONSE' });
    expected.message.metadata = 'parley:msg1';
    expect(buildSendBody(msg({}), 'messenger', {}, NOW)).toEqual(expected);
  });

  it('Instagram text = instagram/send_text_request__meta_docs.json + messaging_type, no metadata', () => {
    const expected = fill(readFixtureJson('instagram', 'send_text_request__meta_docs.json'), { TEXT_OR_LINK: 'hi there' });
    const body = buildSendBody(msg({ to: { externalId: '<IGSID>', lastInboundAt: NOW - 1000 }, text: 'hi there' }), 'instagram', {}, NOW);
    expect(body).toEqual({ ...expected, messaging_type: 'RESPONSE' });
  });

  it('typing_on = sender_action_typing_on_request__meta_docs.json for both', () => {
    expect(typingBody('<PSID>')).toEqual(readFixtureJson('messenger', 'sender_action_typing_on_request__meta_docs.json'));
    expect(typingBody('<IGSID>')).toEqual(readFixtureJson('instagram', 'sender_action_typing_on_request__meta_docs.json'));
  });
});

describe('message objects', () => {
  it('media by URL or saved attachment id; document → file; sticker → image', () => {
    expect(buildMessageObject(msg({ type: 'image', media: { url: 'https://x/a.png' } }), 'messenger')).toEqual({ attachment: { type: 'image', payload: { url: 'https://x/a.png', is_reusable: true } } });
    expect(buildMessageObject(msg({ type: 'document', media: { providerMediaId: '687799999980546' } }), 'messenger')).toEqual({ attachment: { type: 'file', payload: { attachment_id: '687799999980546' } } });
    expect(buildMessageObject(msg({ type: 'audio', media: { url: 'https://x/a.m4a' } }), 'instagram')).toMatchObject({ attachment: { type: 'audio' } });
    expect(buildMessageObject(msg({ type: 'video', media: { url: 'https://x/v.mp4' } }), 'instagram')).toMatchObject({ attachment: { type: 'video' } });
    expect(() => buildMessageObject(msg({ type: 'image', media: {} }), 'messenger')).toThrow(expect.objectContaining({ code: 'INVALID_MESSAGE' }));
  });

  it('buttons and lists become quick replies (titles cut to 20 characters, at most 13)', () => {
    const body = buildMessageObject(msg({ type: 'interactive', interactive: { kind: 'buttons', body: 'Pick a colour', buttons: [{ id: 'RED', title: 'Red' }, { id: 'GREEN', title: 'A very very long green title' }] } }), 'messenger');
    expect(body).toEqual({ text: 'Pick a colour', quick_replies: [{ content_type: 'text', title: 'Red', payload: 'RED' }, { content_type: 'text', title: 'A very very long gree', payload: 'GREEN' }].map((q) => ({ ...q, title: [...q.title].slice(0, 20).join('') })) });
    const list = buildMessageObject(msg({ type: 'interactive', interactive: { kind: 'list', body: 'Plans', buttonText: 'See', sections: [{ title: 'A', rows: [{ id: 'p1', title: 'Basic' }] }, { rows: [{ id: 'p2', title: 'Pro' }] }] } }), 'instagram');
    expect(list).toEqual({ text: 'Plans', quick_replies: [{ content_type: 'text', title: 'Basic', payload: 'p1' }, { content_type: 'text', title: 'Pro', payload: 'p2' }] });
    const many = Array.from({ length: 14 }, (_, i) => ({ id: `b${i}`, title: `B${i}` }));
    expect(() => buildMessageObject(msg({ type: 'interactive', interactive: { kind: 'buttons', body: 'x', buttons: many } }), 'messenger')).toThrow(/1 to 13/);
  });

  it('refuses empty or too long text and unsupported types', () => {
    expect(() => buildMessageObject(msg({ text: '  ' }), 'messenger')).toThrow(expect.objectContaining({ code: 'INVALID_MESSAGE' }));
    expect(() => buildMessageObject(msg({ text: 'x'.repeat(2001) }), 'messenger')).toThrow(/2000/);
    expect(() => buildMessageObject(msg({ text: 'é'.repeat(501) }), 'instagram')).toThrow(/1000 bytes/);
    expect(buildMessageObject(msg({ text: 'é'.repeat(500) }), 'instagram')).toEqual({ text: 'é'.repeat(500) });
    expect(() => buildMessageObject(msg({ type: 'template' }), 'messenger')).toThrow(/cannot send messages of type "template"/);
    expect(() => buildSendBody(msg({ to: { externalId: '' } }), 'messenger', {}, NOW)).toThrow(/no page-scoped/);
  });
});

describe('messaging window', () => {
  it('RESPONSE within 24 h (or when the host does not say)', () => {
    expect(messagingTypeFor(NOW - STANDARD_WINDOW_MS, false, NOW)).toEqual({ messaging_type: 'RESPONSE' });
    expect(messagingTypeFor(undefined, false, NOW)).toEqual({ messaging_type: 'RESPONSE' });
    expect(messagingTypeFor(null, true, NOW)).toEqual({ messaging_type: 'RESPONSE' });
  });

  it('HUMAN_AGENT tag from 24 h to 7 days when the channel may use it; refused otherwise', () => {
    expect(messagingTypeFor(NOW - STANDARD_WINDOW_MS - 1, true, NOW)).toEqual({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(messagingTypeFor(NOW - HUMAN_AGENT_WINDOW_MS, true, NOW)).toEqual({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(() => messagingTypeFor(NOW - STANDARD_WINDOW_MS - 1, false, NOW)).toThrow(expect.objectContaining({ code: 'OUTSIDE_CUSTOMER_SERVICE_WINDOW', retryable: false }));
    expect(() => messagingTypeFor(NOW - HUMAN_AGENT_WINDOW_MS - 1, true, NOW)).toThrow(/more than 7 days/);
    const body = buildSendBody(msg({ to: { externalId: '42', lastInboundAt: NOW - 2 * STANDARD_WINDOW_MS } }), 'messenger', { humanAgentTag: true }, NOW);
    expect(body).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', recipient: { id: '42' } });
  });
});
