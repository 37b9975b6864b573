import { ChannelError, type OutboundMessage } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { readFixtureJson } from '../../../testing/fixtures.js';
import { buildSendRequest, messageIdOf, typingParams } from './send.js';

const fixture = (file: string) => readFixtureJson('telegram', file);
const msg = (m: Partial<OutboundMessage> & { location?: unknown }): OutboundMessage => ({ id: 'm1', to: { externalId: '1111111' }, type: 'text', text: 'hi', ...m }) as OutboundMessage;

function invalidMessage(m: OutboundMessage): ChannelError {
  try {
    buildSendRequest(m);
  } catch (err) {
    expect(err).toBeInstanceOf(ChannelError);
    expect((err as ChannelError).code).toBe('INVALID_MESSAGE');
    return err as ChannelError;
  }
  throw new Error('expected INVALID_MESSAGE');
}

describe('request bodies vs the request_* fixtures', () => {
  it('buttons → sendMessage with an inline keyboard (request_sendMessage; Parley sends plain text, no parse_mode)', () => {
    const expected = fixture('request_sendMessage__assembled_from_bot_api_docs.json');
    const buttons = expected.reply_markup.inline_keyboard[0].map((b: any) => ({ id: b.callback_data, title: b.text }));
    const request = buildSendRequest(msg({ type: 'interactive', interactive: { kind: 'buttons', body: 'Hello there', buttons } }));
    const { parse_mode: _mode, ...plain } = expected;
    expect(request).toEqual({ method: 'sendMessage', params: { ...plain, text: 'Hello there' } });
  });

  it('image by file_id → sendPhoto (request_sendPhoto_by_file_id)', () => {
    const expected = fixture('request_sendPhoto_by_file_id__assembled_from_bot_api_docs.json');
    expect(buildSendRequest(msg({ type: 'image', text: null, media: { providerMediaId: expected.photo, caption: expected.caption } }))).toEqual({ method: 'sendPhoto', params: expected });
  });

  it('typing → sendChatAction (request_sendChatAction_typing)', () => {
    expect(typingParams('1111111')).toEqual(fixture('request_sendChatAction_typing__assembled_from_bot_api_docs.json'));
    expect(fixture('response_sendChatAction_ok__bot_api_docs.json')).toEqual({ ok: true, result: true });
  });
});

describe('buildSendRequest', () => {
  it('text is plain (no parse_mode), ids are numbers when exact, strings otherwise', () => {
    expect(buildSendRequest(msg({ text: 'a <b> & *c*' }))).toEqual({ method: 'sendMessage', params: { chat_id: 1111111, text: 'a <b> & *c*' } });
    expect(buildSendRequest(msg({ to: { externalId: '-1001319789908' } })).params.chat_id).toBe(-1001319789908);
    expect(buildSendRequest(msg({ to: { externalId: '-1009007199254740993' } })).params.chat_id).toBe('-1009007199254740993');
  });

  it('replies quote the message id with reply_parameters', () => {
    expect(buildSendRequest(msg({ replyToExternalId: '1111111:1365' })).params.reply_parameters).toEqual({ message_id: 1365, allow_sending_without_reply: true });
    expect(buildSendRequest(msg({ replyToExternalId: '1111111:1365:edit:1441646600' })).params.reply_parameters).toEqual({ message_id: 1365, allow_sending_without_reply: true });
    expect(buildSendRequest(msg({ replyToExternalId: 'cb:4382' })).params.reply_parameters).toBeUndefined();
    expect(messageIdOf('wamid.X')).toBeNull();
  });

  it('media types pick their method and file field; URLs are passed for Telegram to fetch', () => {
    const file = (type: OutboundMessage['type'], media: OutboundMessage['media'], text: string | null = null) => buildSendRequest(msg({ type, text, media }));
    expect(file('document', { url: 'https://files.example/a.pdf', caption: 'Invoice', filename: 'a.pdf' })).toEqual({ method: 'sendDocument', params: { chat_id: 1111111, document: 'https://files.example/a.pdf', caption: 'Invoice' } });
    expect(file('audio', { providerMediaId: 'AUD' })).toEqual({ method: 'sendAudio', params: { chat_id: 1111111, audio: 'AUD' } });
    expect(file('audio', { providerMediaId: 'VOI', mimeType: 'audio/ogg; codecs=opus' })).toEqual({ method: 'sendVoice', params: { chat_id: 1111111, voice: 'VOI' } });
    expect(file('video', { providerMediaId: 'VID' }, 'from text')).toEqual({ method: 'sendVideo', params: { chat_id: 1111111, video: 'VID', caption: 'from text' } });
    expect(file('sticker', { providerMediaId: 'STK', caption: 'ignored' })).toEqual({ method: 'sendSticker', params: { chat_id: 1111111, sticker: 'STK' } });
  });

  it('locations → sendLocation', () => {
    expect(buildSendRequest(msg({ type: 'location', text: null, location: { latitude: 26.090577, longitude: 127.479471 } }))).toEqual({ method: 'sendLocation', params: { chat_id: 1111111, latitude: 26.090577, longitude: 127.479471 } });
  });

  it('lists become one button per row; header and footer frame the body', () => {
    const request = buildSendRequest(
      msg({ type: 'interactive', interactive: { kind: 'list', header: 'Menu', body: 'Pick one', footer: 'Thanks', buttonText: 'Open', sections: [{ title: 'A', rows: [{ id: 'a1', title: 'One' }] }, { rows: [{ id: 'b1', title: 'Two' }] }] } }),
    );
    expect(request.params).toEqual({ chat_id: 1111111, text: 'Menu\n\nPick one\n\nThanks', reply_markup: { inline_keyboard: [[{ text: 'One', callback_data: 'a1' }], [{ text: 'Two', callback_data: 'b1' }]] } });
  });

  it('refuses what Telegram cannot send', () => {
    invalidMessage(msg({ text: '  ' }));
    invalidMessage(msg({ text: 'x'.repeat(4097) }));
    invalidMessage(msg({ to: { externalId: '@channel' } }));
    invalidMessage(msg({ type: 'image', media: { caption: 'no file' } }));
    invalidMessage(msg({ type: 'image', media: { providerMediaId: 'P', caption: 'x'.repeat(1025) } }));
    invalidMessage(msg({ type: 'interactive', interactive: { kind: 'buttons', body: 'b', buttons: [] } }));
    invalidMessage(msg({ type: 'interactive', interactive: { kind: 'buttons', body: 'b', buttons: [{ id: 'x'.repeat(65), title: 'Long' }] } }));
    invalidMessage(msg({ type: 'location', location: { latitude: 91, longitude: 0 } }));
    expect(invalidMessage(msg({ type: 'template', template: { name: 't', language: 'en' } })).message).toMatch(/template/);
    expect(buildSendRequest(msg({ text: '😀'.repeat(4096) })).method).toBe('sendMessage');
  });
});
