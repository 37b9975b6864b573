import { WebhookParseError, makeWebhookRequest, type InboundAccountEvent, type InboundEvent, type InboundMessage, type InboundStatus } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { listFixtures, readFixtureBytes, readFixtureJson } from '../../../testing/fixtures.js';
import { whatsappChannel } from './channel.js';
import { parseWebhookBody } from './parse.js';

const parseFixture = (file: string) => parseWebhookBody(readFixtureBytes('whatsapp', file));
const only = <T extends InboundEvent>(file: string): T => {
  const events = parseFixture(file);
  expect(events).toHaveLength(1);
  return events[0] as T;
};
const message = (file: string) => only<InboundMessage>(file);
const status = (file: string) => only<InboundStatus>(file);

/** Every webhook body fixture and the events it must produce (`kind:type|status|topic`). */
const EXPECTED: Record<string, string[]> = {
  'webhook_audio_file__pywa.json': ['message:audio'],
  'webhook_audio_voice__pywa.json': ['message:audio'],
  'webhook_contacts__meta_docs.json': ['message:contacts'],
  'webhook_contacts__pywa.json': ['message:contacts'],
  'webhook_document__meta_docs.json': ['message:document'],
  'webhook_document_forwarded__pywa.json': ['message:document'],
  'webhook_image__meta_docs.json': ['message:image'],
  'webhook_image__pywa.json': ['message:image'],
  'webhook_image_with_url__pywa.json': ['message:image'],
  'webhook_interactive_button_reply_2__meta_docs.json': ['message:interactive'],
  'webhook_interactive_button_reply__meta_docs.json': ['message:interactive'],
  'webhook_interactive_button_reply__pywa.json': ['message:interactive'],
  'webhook_interactive_list_reply__meta_docs.json': ['message:interactive'],
  'webhook_interactive_list_reply__pywa.json': ['message:interactive'],
  'webhook_location__meta_docs.json': ['message:location'],
  'webhook_location_chosen__pywa.json': ['message:location'],
  'webhook_location_current__pywa.json': ['message:location'],
  'webhook_reaction__meta_docs.json': ['message:reaction'],
  'webhook_reaction__pywa.json': ['message:reaction'],
  'webhook_reaction_removed__meta_docs.json': ['message:reaction'],
  'webhook_reaction_removed_empty__pywa.json': ['message:reaction'],
  'webhook_reaction_removed_no_emoji__pywa.json': ['message:reaction'],
  'webhook_referral_ctwa__pywa.json': ['message:text'],
  'webhook_reply_context__pywa.json': ['message:text'],
  'webhook_status_delivered__pywa.json': ['status:delivered'],
  'webhook_status_delivered_sent_to_bsuid__meta_docs.json': ['status:delivered'],
  'webhook_status_delivered_username_user_sent_to_phone__meta_docs.json': ['status:delivered'],
  'webhook_status_failed_131049__meta_docs.json': ['status:failed'],
  'webhook_status_failed__pywa.json': ['status:failed'],
  'webhook_status_played__pywa.json': ['status:played'],
  'webhook_status_read__pywa.json': ['status:read'],
  'webhook_status_sent__meta_docs.json': ['status:sent'],
  'webhook_status_sent__pywa.json': ['status:sent'],
  'webhook_status_sent_biz_opaque_callback_data__pywa.json': ['status:sent'],
  'webhook_status_v24_minimal__meta_docs.json': ['status:sent'],
  'webhook_sticker__meta_docs.json': ['message:sticker'],
  'webhook_sticker_animated__pywa.json': ['message:sticker'],
  'webhook_sticker_static__pywa.json': ['message:sticker'],
  'webhook_template_quick_reply_button__pywa.json': ['message:button'],
  'webhook_template_status_approved__meta_docs.json': ['account_event:message_template_status_update'],
  'webhook_template_status_approved__pywa.json': ['account_event:message_template_status_update'],
  'webhook_template_status_rejected__meta_docs.json': ['account_event:message_template_status_update'],
  'webhook_template_status_rejected__pywa.json': ['account_event:message_template_status_update'],
  'webhook_text__meta_docs.json': ['message:text'],
  'webhook_text__pywa.json': ['message:text'],
  'webhook_text_username_user_bsuid__meta_docs.json': ['message:text'],
  'webhook_unsupported__pywa.json': ['message:unsupported'],
  'webhook_value_level_errors_130429__meta_docs.json': ['account_event:errors'],
  'webhook_video_forwarded__pywa.json': ['message:video'],
};
/** `webhook_*` fixtures that describe a non-body exchange (`_descriptor`), tested in webhook.spec.ts. */
const DESCRIPTORS = ['webhook_signature_x_hub_signature_256__computed.json', 'webhook_verification_get__meta_docs.json'];

const idOf = (e: InboundEvent) => ('externalId' in e ? e.externalId : '');
const summary = (e: InboundEvent) =>
  e.kind === 'message' ? `message:${e.type}` : e.kind === 'status' ? `status:${e.status}` : `account_event:${e.topic}`;

describe('every webhook fixture in fixtures/channels/whatsapp', () => {
  const files = listFixtures('whatsapp', 'webhook_');
  const bodies = files.filter((f) => !('_descriptor' in readFixtureJson('whatsapp', f)));

  it('is either listed here or a descriptor (a new fixture must be added to the table)', () => {
    expect(files.filter((f) => !bodies.includes(f))).toEqual(DESCRIPTORS);
    expect(bodies).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(bodies)('%s parses into the expected events', (file) => {
    const events = parseFixture(file);
    expect(events.map(summary)).toEqual(EXPECTED[file]);
    const raw = readFixtureJson('whatsapp', file);
    for (const event of events) {
      expect(event.accountId).toMatch(/^\d+$/);
      if (event.kind === 'message') {
        expect(event.accountId).toBe(raw.entry[0].changes[0].value.metadata.phone_number_id);
        expect(event.direction).toBe('in');
        expect(event.externalId).toMatch(/^wamid\./);
        expect(event.sender.externalId).not.toBe('');
        expect(event.timestamp).toBe(Number(raw.entry[0].changes[0].value.messages[0].timestamp) * 1000);
      }
      if (event.kind === 'status') {
        expect(event.externalId).toMatch(/^wamid\./);
        expect(event.timestamp).toBe(Number(raw.entry[0].changes[0].value.statuses[0].timestamp) * 1000);
        expect(event.recipientId).toBeTruthy();
      }
    }
    // The channel's own webhook.parse gives the same answer from the raw request bytes.
    const viaChannel = whatsappChannel.webhook.parse(makeWebhookRequest(readFixtureBytes('whatsapp', file)), { setting: () => undefined, fetch, logger: console });
    expect(viaChannel).toEqual(events);
  });
});

describe('text and senders', () => {
  it('text (meta docs): body, sender wa_id, phone and profile name', () => {
    expect(message('webhook_text__meta_docs.json')).toEqual({
      kind: 'message',
      accountId: '106540352242922',
      externalId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
      direction: 'in',
      sender: { externalId: '16505551234', phone: '16505551234', name: 'Sheena Nelson', username: null },
      timestamp: 1749416383000,
      type: 'text',
      text: 'Does it come in another color?',
      media: null,
      content: null,
      replyToExternalId: null,
      reaction: null,
    });
  });

  it('username user with empty wa_id/from: identified by the business-scoped user id, no phone', () => {
    const m = message('webhook_text_username_user_bsuid__meta_docs.json');
    expect(m.sender).toEqual({ externalId: 'user.93737...', phone: null, name: 'Sheena Nelson', username: '@realsheenanelson' });
    expect(m.text).toBe('Does it come in another color?');
  });

  it('pywa contacts carry a user_id too, but wa_id stays the identity', () => {
    expect(message('webhook_text__pywa.json').sender).toEqual({ externalId: '972987654321', phone: '972987654321', name: 'Test Name', username: null });
  });

  it('a reply keeps context and points at the quoted message', () => {
    const m = message('webhook_reply_context__pywa.json');
    expect(m.text).toBe('replied text');
    expect(m.replyToExternalId).toBe('wamid.xyzxyz==');
    expect(m.content).toEqual({ context: { from: '972123456789', id: 'wamid.xyzxyz==' } });
  });

  it('a click-to-WhatsApp referral is kept in content.referral', () => {
    const m = message('webhook_referral_ctwa__pywa.json');
    expect(m.text).toBe('BODY');
    expect(m.content?.referral).toMatchObject({ source_type: 'ad or post', source_id: 'ADID', ctwa_clid: 'CTWA_CLID', headline: 'AD_TITLE' });
    expect(m.replyToExternalId).toBeNull();
  });
});

describe('media', () => {
  it('image with caption and the webhook url (meta docs)', () => {
    const m = message('webhook_image__meta_docs.json');
    expect(m.type).toBe('image');
    expect(m.text).toBe('Taj Mahal');
    expect(m.media).toEqual({
      providerMediaId: '1003383421387256',
      providerUrl: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=133...',
      mimeType: 'image/jpeg',
      sha256: 'SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=',
      caption: 'Taj Mahal',
    });
  });

  it('image without caption or url', () => {
    const m = message('webhook_image__pywa.json');
    expect(m.text).toBeNull();
    expect(m.media).toEqual({ providerMediaId: '65463453', mimeType: 'image/jpeg', sha256: '4654+8g=' });
    expect(message('webhook_image_with_url__pywa.json').media?.providerUrl).toMatch(/^https:\/\/lookaside\.fbsbx\.com\/.*mid=65463453/);
  });

  it('document with filename and caption', () => {
    const m = message('webhook_document__meta_docs.json');
    expect(m.media).toMatchObject({ providerMediaId: '622684793477189', filename: 'receipt.pdf', caption: 'my receipt', mimeType: 'application/pdf' });
    expect(m.text).toBe('my receipt');
  });

  it('forwarded document and video keep the forwarded flag in content.context', () => {
    const doc = message('webhook_document_forwarded__pywa.json');
    expect(doc.content).toEqual({ context: { forwarded: true } });
    expect(doc.replyToExternalId).toBeNull();
    const video = message('webhook_video_forwarded__pywa.json');
    expect(video.type).toBe('video');
    expect(video.media).toMatchObject({ providerMediaId: '765756756', mimeType: 'video/mp4', caption: 'caption' });
    expect(video.content?.context).toEqual({ forwarded: true });
  });

  it('audio: voice note vs audio file', () => {
    expect(message('webhook_audio_voice__pywa.json').media).toMatchObject({ voice: true, mimeType: 'audio/ogg; codecs=opus', providerMediaId: '1234567890987654321' });
    const file = message('webhook_audio_file__pywa.json');
    expect(file.media?.voice).toBe(false);
    expect(file.text).toBeNull();
  });

  it('stickers: animated flag', () => {
    expect(message('webhook_sticker__meta_docs.json').media).toMatchObject({ animated: true, mimeType: 'image/webp', providerMediaId: '1908647269898587' });
    expect(message('webhook_sticker_animated__pywa.json').media?.animated).toBe(true);
    expect(message('webhook_sticker_static__pywa.json').media?.animated).toBe(false);
  });

  it('file_size (string or number) becomes media.size', () => {
    const raw = readFixtureJson('whatsapp', 'webhook_image__pywa.json');
    raw.entry[0].changes[0].value.messages[0].image.file_size = '61901';
    expect((parseWebhookBody(JSON.stringify(raw))[0] as InboundMessage).media?.size).toBe(61901);
  });
});

describe('location, contacts, interactive, button', () => {
  it('location with name, address and url (numbers stay numbers)', () => {
    const m = message('webhook_location__meta_docs.json');
    expect(m.type).toBe('location');
    expect(m.content).toEqual({ latitude: 37.44221496582, longitude: -122.16165924072, name: 'Philz Coffee', address: '101 Forest Ave, Palo Alto, CA 94301', url: 'https://philzcoffee.com/' });
    expect(m.text).toBe('Philz Coffee, 101 Forest Ave, Palo Alto, CA 94301');
  });

  it('current location without name: coordinates only, no text', () => {
    const m = message('webhook_location_current__pywa.json');
    expect(m.content).toEqual({ latitude: 12.25089, longitude: 43.90539, context: { forwarded: true } });
    expect(m.text).toBeNull();
  });

  it('shared contacts are kept as given with a short summary', () => {
    const one = message('webhook_contacts__meta_docs.json');
    expect(one.text).toBe('Barbara J. Johnson');
    expect(one.content).toEqual({ contacts: readFixtureJson('whatsapp', 'webhook_contacts__meta_docs.json').entry[0].changes[0].value.messages[0].contacts });
    const three = message('webhook_contacts__pywa.json');
    expect(three.text).toBe('Chandler Bing and 2 more');
    expect((three.content?.contacts as unknown[]).length).toBe(3);
  });

  it('button reply (meta docs)', () => {
    const m = message('webhook_interactive_button_reply__meta_docs.json');
    expect(m.type).toBe('interactive');
    expect(m.text).toBe('Cancel');
    expect(m.replyToExternalId).toBe('wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA');
    expect(m.content).toEqual({
      replyType: 'button_reply',
      id: 'cancel-button',
      title: 'Cancel',
      context: { from: '15550783881', id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA' },
    });
    expect(message('webhook_interactive_button_reply_2__meta_docs.json').sender.name).toBe('Pablo Morales');
  });

  it('list reply with description', () => {
    const m = message('webhook_interactive_list_reply__meta_docs.json');
    expect(m.text).toBe('Priority Mail Express');
    expect(m.content).toMatchObject({ replyType: 'list_reply', id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days' });
    expect(message('webhook_interactive_list_reply__pywa.json').content).toMatchObject({ replyType: 'list_reply', id: 'callback_data', description: 'description' });
  });

  it('template quick-reply button arrives as type button', () => {
    const m = message('webhook_template_quick_reply_button__pywa.json');
    expect(m.type).toBe('button');
    expect(m.text).toBe('title');
    expect(m.content).toEqual({ payload: 'callback_data', text: 'title', context: { from: '972123456789', id: 'wamid.xyzxyz==' } });
    expect(m.replyToExternalId).toBe('wamid.xyzxyz==');
  });
});

describe('reactions', () => {
  it('a reaction points at the message reacted to', () => {
    const m = message('webhook_reaction__meta_docs.json');
    expect(m.type).toBe('reaction');
    expect(m.reaction).toEqual({ targetExternalId: 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=', emoji: '👍' });
    expect(m.text).toBe('👍');
    expect(message('webhook_reaction__pywa.json').reaction).toEqual({ targetExternalId: 'wamid.yzxyzx=', emoji: '😮' });
  });

  it.each(['webhook_reaction_removed__meta_docs.json', 'webhook_reaction_removed_empty__pywa.json', 'webhook_reaction_removed_no_emoji__pywa.json'])(
    'a removed reaction (%s) has emoji null',
    (file) => {
      const m = message(file);
      expect(m.reaction?.emoji).toBeNull();
      expect(m.reaction?.targetExternalId).toMatch(/^wamid\./);
      expect(m.text).toBeNull();
    },
  );
});

describe('unsupported', () => {
  it('keeps the 131051 error', () => {
    const m = message('webhook_unsupported__pywa.json');
    expect(m.type).toBe('unsupported');
    expect(m.text).toBeNull();
    expect(m.errors).toEqual([{ code: 131051, title: 'Message type unknown', details: 'Message type is currently not supported.' }]);
  });

  it('unknown types become unsupported and keep their payload', () => {
    const raw = readFixtureJson('whatsapp', 'webhook_text__meta_docs.json');
    const msg = raw.entry[0].changes[0].value.messages[0];
    delete msg.text;
    msg.type = 'order';
    msg.order = { catalog_id: '1', product_items: [] };
    const m = parseWebhookBody(JSON.stringify(raw))[0] as InboundMessage;
    expect(m.type).toBe('unsupported');
    expect(m.content).toEqual({ providerType: 'order', order: { catalog_id: '1', product_items: [] } });
  });
});

describe('statuses', () => {
  it('sent / delivered / read / played', () => {
    expect(status('webhook_status_sent__meta_docs.json')).toEqual({
      kind: 'status',
      accountId: '106540352242922',
      externalId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
      status: 'sent',
      timestamp: 1750030073000,
      recipientId: '16505551234',
    });
    expect(status('webhook_status_delivered__pywa.json')).toMatchObject({ status: 'delivered', recipientId: '972987654321', externalId: 'wamid.xyzxyz' });
    expect(status('webhook_status_read__pywa.json').status).toBe('read');
    expect(status('webhook_status_played__pywa.json').status).toBe('played');
  });

  it('failed with errors', () => {
    const s = status('webhook_status_failed_131049__meta_docs.json');
    expect(s.status).toBe('failed');
    expect(s.errors).toEqual([
      {
        code: 131049,
        title: 'This message was not delivered to maintain healthy ecosystem engagement.',
        details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
      },
    ]);
    expect(status('webhook_status_failed__pywa.json').errors?.[0]).toMatchObject({ code: 130472, title: "User's number is part of an experiment" });
  });

  it('sent to a business-scoped user id: recipient_user_id when recipient_id is empty', () => {
    expect(status('webhook_status_delivered_sent_to_bsuid__meta_docs.json').recipientId).toBe('user.9373795779eb6441c8adb2eaee5b848e7dd174ddd302d7db62142f4722d574b6');
    expect(status('webhook_status_delivered_username_user_sent_to_phone__meta_docs.json').recipientId).toBe('16505551234');
  });

  it('unknown statuses are skipped', () => {
    const raw = readFixtureJson('whatsapp', 'webhook_status_sent__pywa.json');
    raw.entry[0].changes[0].value.statuses[0].status = 'deleted';
    expect(parseWebhookBody(JSON.stringify(raw))).toEqual([]);
  });
});

describe('account events', () => {
  it('value-level errors (no messages or statuses)', () => {
    const e = only<InboundAccountEvent>('webhook_value_level_errors_130429__meta_docs.json');
    expect(e.accountId).toBe('106540352242922');
    expect(e.topic).toBe('errors');
    expect(e.errors).toEqual([{ code: 130429, title: 'Rate limit hit', details: 'Message failed to send because there were too many messages sent from this phone number in a short period of time' }]);
    expect(e.data).toEqual(readFixtureJson('whatsapp', 'webhook_value_level_errors_130429__meta_docs.json').entry[0].changes[0].value);
  });

  it('template status updates: topic = field, data = value, accountId = the WABA id', () => {
    const approved = only<InboundAccountEvent>('webhook_template_status_approved__meta_docs.json');
    expect(approved).toEqual({
      kind: 'account_event',
      accountId: '102290129340398',
      topic: 'message_template_status_update',
      data: { event: 'APPROVED', message_template_id: 1689556908129832, message_template_name: 'order_confirmation', message_template_language: 'en-US', reason: 'NONE', message_template_category: 'UTILITY' },
    });
    const rejected = only<InboundAccountEvent>('webhook_template_status_rejected__meta_docs.json');
    expect(rejected.data).toMatchObject({ event: 'REJECTED', reason: 'INVALID_FORMAT', rejection_info: { recommendation: expect.stringMatching(/^Separate parameters/) } });
  });
});

describe('batches and malformed bodies', () => {
  it('one webhook with several entries, changes, messages and statuses yields every event in order', () => {
    const text = readFixtureJson('whatsapp', 'webhook_text__meta_docs.json');
    const image = readFixtureJson('whatsapp', 'webhook_image__pywa.json');
    const statusBody = readFixtureJson('whatsapp', 'webhook_status_read__pywa.json');
    const value = text.entry[0].changes[0].value;
    value.messages.push({ ...value.messages[0], id: 'wamid.second', text: { body: 'second' } });
    value.contacts.push({ profile: { name: 'Other' }, wa_id: '4915112345678' });
    value.messages.push({ ...value.messages[0], id: 'wamid.third', from: '4915112345678', text: { body: 'third' } });
    const batch = { object: 'whatsapp_business_account', entry: [text.entry[0], { ...image.entry[0], changes: [...image.entry[0].changes, ...statusBody.entry[0].changes] }] };
    const events = parseWebhookBody(JSON.stringify(batch));
    expect(events.map((e) => `${e.accountId}/${idOf(e)}`)).toEqual([
      '106540352242922/wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
      '106540352242922/wamid.second',
      '106540352242922/wamid.third',
      '1122334455667/wamid.xyzxyz',
      '1122334455667/wamid.xyzxyz',
    ]);
    expect((events[2] as InboundMessage).sender).toMatchObject({ externalId: '4915112345678', name: 'Other' });
    expect(events[4]!.kind).toBe('status');
  });

  it('skips a message without id or sender, keeps the rest', () => {
    const raw = readFixtureJson('whatsapp', 'webhook_text__meta_docs.json');
    const value = raw.entry[0].changes[0].value;
    value.messages.unshift({ ...value.messages[0], id: '' }, { ...value.messages[0], id: 'wamid.x', from: '' }, 'garbage');
    const events = parseWebhookBody(JSON.stringify(raw));
    expect(events.map(idOf)).toEqual(['wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=']);
  });

  it.each([
    ['not JSON', '{"object":'],
    ['an array', '[]'],
    ['another object type', JSON.stringify({ object: 'page', entry: [] })],
    ['no entry array', JSON.stringify({ object: 'whatsapp_business_account', entry: {} })],
    ['empty body', ''],
  ])('throws WebhookParseError for %s', (_name, body) => {
    expect(() => parseWebhookBody(Buffer.from(body))).toThrow(WebhookParseError);
  });

  it('accepts an envelope with an empty entry list', () => {
    expect(parseWebhookBody(JSON.stringify({ object: 'whatsapp_business_account', entry: [] }))).toEqual([]);
  });
});
