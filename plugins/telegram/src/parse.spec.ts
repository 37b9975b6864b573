import { WebhookParseError, type InboundMessage } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { listFixtures, readFixtureBytes, readFixtureJson } from '../../../testing/fixtures.js';
import { parseUpdateBody } from './parse.js';

const fixture = (file: string) => readFixtureJson('telegram', file);

/**
 * Every fixture of fixtures/channels/telegram and where it is checked. Inbound payloads map to
 * the type they must parse to; `message_*` and `object_contact` are inner objects (SOURCES.md),
 * wrapped into an Update here. The rest are requests/answers checked by other specs.
 */
const INBOUND: Record<string, string> = {
  'update_callback_query__telegram_docs.json': 'interactive',
  'update_contact__captured_public_repo.json': 'contacts',
  'update_document__chatwoot_spec.json': 'document',
  'update_document__telegram_docs.json': 'document',
  'update_edited_message__telegram_docs.json': 'text',
  'update_photo__chatwoot_spec.json': 'image',
  'update_text__chatwoot_spec.json': 'text',
  'update_text__telegram_docs.json': 'text',
  'update_text_entities__pytelegrambotapi.json': 'text',
  'update_voice__chatwoot_spec.json': 'audio',
  'update_voice__telegram_docs.json': 'audio',
  'message_location__pytelegrambotapi.json': 'location',
  'message_photo__pytelegrambotapi.json': 'image',
  'object_contact__pytelegrambotapi.json': 'contacts',
};
const ELSEWHERE: Record<string, string> = {
  'object_user_profile_photos__pytelegrambotapi.json': 'media.spec.ts (getProfile)',
  'object_webhook_info__pytelegrambotapi.json': 'account.spec.ts (getWebhookInfo)',
  'request_getFile__assembled_from_bot_api_docs.json': 'media.spec.ts',
  'request_getUserProfilePhotos__assembled_from_bot_api_docs.json': 'media.spec.ts',
  'request_sendChatAction_typing__assembled_from_bot_api_docs.json': 'send.spec.ts',
  'request_sendMessage__assembled_from_bot_api_docs.json': 'send.spec.ts',
  'request_sendPhoto_by_file_id__assembled_from_bot_api_docs.json': 'send.spec.ts',
  'request_setWebhook__assembled_from_bot_api_docs.json': 'account.spec.ts',
  'response_error_400_migrated__tucnak_telebot.json': 'errors.spec.ts',
  'response_error_400_reply_not_found__tucnak_telebot.json': 'errors.spec.ts',
  'response_error_403_blocked__tucnak_telebot_errors_go.json': 'errors.spec.ts',
  'response_error_429_flood__tucnak_telebot.json': 'errors.spec.ts',
  'response_getFile__assembled_from_bot_api_docs.json': 'media.spec.ts',
  'response_getMe__go_test_fixture.json': 'account.spec.ts',
  'response_sendChatAction_ok__bot_api_docs.json': 'send.spec.ts',
  'response_setWebhook_ok__captured.json': 'account.spec.ts',
  'webhook_post_headers__bot_api_docs.json': 'webhook.spec.ts',
};

/** The Update bytes of an inbound fixture (inner objects wrapped). */
function updateBytes(file: string): Buffer {
  if (file.startsWith('update_')) return readFixtureBytes('telegram', file);
  if (file.startsWith('message_')) return Buffer.from(`{"update_id":1,"message":${readFixtureBytes('telegram', file).toString('utf8')}}`);
  // object_contact: a Contact object, sent in a private chat
  const contact = readFixtureBytes('telegram', file).toString('utf8');
  return Buffer.from(`{"update_id":2,"message":{"message_id":7,"from":{"id":8633,"is_bot":false,"first_name":"dd"},"chat":{"id":8633,"type":"private","first_name":"dd"},"date":1535482469,"contact":${contact}}}`);
}

const parse = (file: string) => parseUpdateBody(updateBytes(file));
const one = (file: string): InboundMessage => {
  const events = parse(file);
  expect(events).toHaveLength(1);
  return events[0] as InboundMessage;
};

describe('every fixture in fixtures/channels/telegram', () => {
  it('is listed here (a new fixture must be added to a table)', () => {
    expect(listFixtures('telegram')).toEqual([...Object.keys(INBOUND), ...Object.keys(ELSEWHERE)].sort());
  });

  it.each(Object.entries(INBOUND))('%s → one %s message with string ids', (file, type) => {
    const m = one(file);
    expect(m).toMatchObject({ kind: 'message', direction: 'in', type });
    expect(typeof m.sender.externalId).toBe('string');
    expect(m.sender.externalId).toMatch(/^-?\d+$/);
    expect(m.externalId).toMatch(/^(-?\d+:\d+(:edit:\d+)?|cb:.+)$/);
    expect(Number.isFinite(m.timestamp)).toBe(true);
    expect(m.media?.providerMediaId ?? 'none').not.toBe('');
  });

  it('an edit never collides with the original message (same chat and message_id)', () => {
    expect(one('update_edited_message__telegram_docs.json').externalId).not.toBe(one('update_text__telegram_docs.json').externalId);
  });
});

describe('texts', () => {
  it('update_text__telegram_docs: the chat is the conversation, named after the person', () => {
    const m = one('update_text__telegram_docs.json');
    expect(m).toMatchObject({
      externalId: '1111111:1365',
      sender: { externalId: '1111111', name: 'Test Firstname Test Lastname', username: 'Testusername', phone: null },
      text: '/start',
      timestamp: 1441645532000,
      content: null,
      replyToExternalId: null,
    });
  });

  it('update_text__chatwoot_spec: is_bot and language_code do not matter', () => {
    expect(one('update_text__chatwoot_spec.json')).toMatchObject({ externalId: '23:1', sender: { externalId: '23', name: 'Sojan Jose', username: 'sojan' }, text: 'test' });
  });

  it('update_text_entities__pytelegrambotapi: entities are kept, a name without last_name', () => {
    const m = one('update_text_entities__pytelegrambotapi.json');
    expect(m.sender).toMatchObject({ externalId: '927266710', name: '>_run', username: 'coder2020' });
    expect(m.text).toBe('b b b');
    expect((m.content?.entities as unknown[]).length).toBe(6);
  });

  it('update_edited_message: a new message with an edit id, timestamped at the edit', () => {
    const m = one('update_edited_message__telegram_docs.json');
    expect(m).toMatchObject({ externalId: '1111111:1365:edit:1441646600', text: 'Edited text', timestamp: 1441646600000, content: { edited: { originalExternalId: '1111111:1365' } } });
  });

  it('a reply quotes `<chat>:<message_id>`', () => {
    const body = { update_id: 5, message: { message_id: 12, chat: { id: 42, type: 'private', first_name: 'A' }, from: { id: 42, first_name: 'A' }, date: 1, text: 'yes', reply_to_message: { message_id: 11, chat: { id: 42, type: 'private' }, date: 1, text: 'q?' } } };
    expect((parseUpdateBody(JSON.stringify(body))[0] as InboundMessage).replyToExternalId).toBe('42:11');
  });
});

describe('media', () => {
  it('update_photo__chatwoot_spec: the only size, as JPEG', () => {
    const m = one('update_photo__chatwoot_spec.json');
    expect(m.media).toEqual({ providerMediaId: fixture('update_photo__chatwoot_spec.json').message.photo[0].file_id, mimeType: 'image/jpeg', size: 1883 });
    expect(m.content).toEqual({ width: 90, height: 67 });
  });

  it('message_photo__pytelegrambotapi: the largest of three sizes', () => {
    const m = one('message_photo__pytelegrambotapi.json');
    expect(m.media?.providerMediaId).toBe('dd-A_LsTIABFNx-FUOaEa_3AABAQABAg');
    expect(m.media?.size).toBe(53013);
    expect(m.content).toEqual({ width: 759, height: 570 });
  });

  it('a photo with a caption: caption is the text', () => {
    const body = { update_id: 5, message: { message_id: 3, chat: { id: 42, type: 'private' }, date: 1, caption: 'look', photo: [{ file_id: 'small', width: 90, height: 90 }, { file_id: 'big', width: 800, height: 800 }] } };
    const m = parseUpdateBody(JSON.stringify(body))[0] as InboundMessage;
    expect(m).toMatchObject({ type: 'image', text: 'look', media: { providerMediaId: 'big', caption: 'look' } });
  });

  it('voice notes are audio with voice:true', () => {
    expect(one('update_voice__telegram_docs.json').media).toEqual({ providerMediaId: 'AwADBAADbXXXXXXXXXXXGBdhD2l6_XX', mimeType: 'audio/ogg', size: 23000, voice: true });
    expect(one('update_voice__chatwoot_spec.json')).toMatchObject({ type: 'audio', content: { duration: 2 }, media: { voice: true, mimeType: 'audio/ogg', size: 11833 } });
  });

  it('documents keep their file name and MIME type', () => {
    expect(one('update_document__telegram_docs.json').media).toEqual({ providerMediaId: 'AwADBAADbXXXXXXXXXXXGBdhD2l6_XX', mimeType: 'application/pdf', size: 536392, filename: 'Testfile.pdf' });
    expect(one('update_document__chatwoot_spec.json').media?.filename).toBe('Screenshot 2021-09-27 at 2.01.14 PM.png');
  });

  it('audio, video, video notes, animations and stickers', () => {
    const wrap = (message: object) => parseUpdateBody(JSON.stringify({ update_id: 9, message: { message_id: 1, chat: { id: 5, type: 'private' }, date: 1, ...message } }))[0] as InboundMessage;
    expect(wrap({ audio: { file_id: 'a1', mime_type: 'audio/mpeg', duration: 3, title: 'Song', performer: 'Band', file_name: 'song.mp3' } })).toMatchObject({ type: 'audio', media: { providerMediaId: 'a1', mimeType: 'audio/mpeg', filename: 'song.mp3' }, content: { duration: 3, title: 'Song', performer: 'Band' } });
    expect(wrap({ video: { file_id: 'v1', mime_type: 'video/mp4', duration: 9 }, caption: 'clip' })).toMatchObject({ type: 'video', text: 'clip', media: { providerMediaId: 'v1', caption: 'clip' } });
    expect(wrap({ video_note: { file_id: 'n1', length: 240, duration: 4 } })).toMatchObject({ type: 'video', media: { providerMediaId: 'n1', mimeType: 'video/mp4' }, content: { videoNote: true } });
    expect(wrap({ animation: { file_id: 'g1', mime_type: 'video/mp4' }, document: { file_id: 'g1' } })).toMatchObject({ type: 'video', media: { animated: true } });
    expect(wrap({ sticker: { file_id: 's1', emoji: '😀', is_animated: false, is_video: false, set_name: 'Pack' } })).toMatchObject({ type: 'sticker', text: '😀', media: { providerMediaId: 's1', mimeType: 'image/webp', animated: false }, content: { emoji: '😀', setName: 'Pack' } });
    expect(wrap({ sticker: { file_id: 's2', is_animated: true } }).media).toMatchObject({ mimeType: 'application/x-tgsticker', animated: true });
  });
});

describe('locations and contacts', () => {
  it('message_location__pytelegrambotapi: latitude/longitude in content', () => {
    const m = one('message_location__pytelegrambotapi.json');
    expect(m).toMatchObject({ externalId: '1089734:102', type: 'location', text: null, content: { latitude: 26.090577, longitude: 127.479471 } });
  });

  it('venues carry a name and address', () => {
    const body = { update_id: 9, message: { message_id: 1, chat: { id: 5, type: 'private' }, date: 1, venue: { location: { latitude: 1.5, longitude: 2.5 }, title: 'Cafe', address: 'Main St 1' }, location: { latitude: 1.5, longitude: 2.5 } } };
    expect(parseUpdateBody(JSON.stringify(body))[0]).toMatchObject({ type: 'location', text: 'Cafe, Main St 1', content: { latitude: 1.5, longitude: 2.5, name: 'Cafe', address: 'Main St 1' } });
  });

  it('update_contact__captured_public_repo: a supergroup with a negative 64-bit id, phone without +, emoji name', () => {
    const raw = readFixtureBytes('telegram', 'update_contact__captured_public_repo.json').toString('utf8');
    expect(raw).toContain('-1001319789908');
    const m = one('update_contact__captured_public_repo.json');
    expect(m.sender).toEqual({ externalId: '-1001319789908', phone: null, name: 'CXABottesting', username: null });
    expect(m.externalId).toBe('-1001319789908:221');
    expect(m.text).toBe('Wundzen 💎');
    expect(m.content).toEqual({
      contacts: [{ name: { formatted_name: 'Wundzen 💎', first_name: 'Wundzen 💎' }, phones: [{ phone: '0815432345' }] }],
      chat: { type: 'supergroup', title: 'CXABottesting' },
      from: { id: '527317977', name: 'Worakorn CXA', username: 'WorakornX' },
    });
  });

  it('object_contact__pytelegrambotapi: user id and vCard kept', () => {
    const m = one('object_contact__pytelegrambotapi.json');
    expect(m.content).toEqual({ contacts: [{ name: { formatted_name: 'dd ddl', first_name: 'dd', last_name: 'ddl' }, phones: [{ phone: '00011111111' }], telegramUserId: '8633', vcard: 'SomeContactString' }] });
  });
});

describe('callback queries (button presses)', () => {
  it('update_callback_query__telegram_docs: inline message, no chat → the user\'s private chat', () => {
    const m = one('update_callback_query__telegram_docs.json');
    expect(m).toMatchObject({
      externalId: 'cb:4382bfdwdsb323b2d9',
      type: 'interactive',
      sender: { externalId: '1111111', name: 'Test Firstname Test Lastname', username: 'Testusername' },
      text: 'Data from button callback',
      content: { replyType: 'button', id: 'Data from button callback', title: 'Data from button callback', inlineMessageId: '1234csdbsk4839' },
      replyToExternalId: null,
    });
  });

  it('a press on a bot message: title from its keyboard, chat from the message', () => {
    const body = {
      update_id: 77,
      callback_query: {
        id: '99',
        chat_instance: '-5',
        from: { id: 42, is_bot: false, first_name: 'Ana' },
        data: 'answer:yes',
        message: { message_id: 31, chat: { id: 42, type: 'private', first_name: 'Ana' }, date: 1, text: 'Sure?', reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'answer:yes' }, { text: 'No', callback_data: 'answer:no' }]] } },
      },
    };
    expect(parseUpdateBody(JSON.stringify(body))[0]).toMatchObject({ externalId: 'cb:99', sender: { externalId: '42' }, text: 'Yes', content: { replyType: 'button', id: 'answer:yes', title: 'Yes' }, replyToExternalId: '42:31' });
  });
});

describe('ids are never rounded', () => {
  it('chat ids beyond 2^53 survive as exact strings', () => {
    const raw = '{"update_id":90071992547409931,"message":{"message_id":1,"chat":{"id":-1009007199254740993,"type":"supergroup","title":"Big"},"from":{"id":9007199254740995,"first_name":"X"},"date":1,"text":"hi"}}';
    const m = parseUpdateBody(raw)[0] as InboundMessage;
    expect(m.sender.externalId).toBe('-1009007199254740993');
    expect(m.externalId).toBe('-1009007199254740993:1');
    expect(m.content?.from).toMatchObject({ id: '9007199254740995' });
  });

  it('numbers inside strings are left alone', () => {
    const m = parseUpdateBody('{"update_id":1,"message":{"message_id":1,"chat":{"id":5,"type":"private"},"date":1,"text":"call 12345678901234567890 now"}}')[0] as InboundMessage;
    expect(m.text).toBe('call 12345678901234567890 now');
  });
});

describe('other updates and malformed bodies', () => {
  it('update kinds Parley does not read give no events', () => {
    expect(parseUpdateBody('{"update_id":1,"my_chat_member":{"chat":{"id":1}}}')).toEqual([]);
    expect(parseUpdateBody('{"update_id":1,"message":{"text":"no chat"}}')).toEqual([]);
  });

  it('a message kind Parley does not know is unsupported, named', () => {
    const m = parseUpdateBody('{"update_id":1,"message":{"message_id":3,"chat":{"id":5,"type":"private"},"date":1,"dice":{"emoji":"🎲","value":4}}}')[0] as InboundMessage;
    expect(m).toMatchObject({ type: 'unsupported', content: { providerType: 'dice' } });
  });

  it('not JSON or not an Update → WebhookParseError', () => {
    expect(() => parseUpdateBody('nope')).toThrow(WebhookParseError);
    expect(() => parseUpdateBody('[]')).toThrow(WebhookParseError);
    expect(() => parseUpdateBody('{"message":{}}')).toThrow(WebhookParseError);
  });
});
