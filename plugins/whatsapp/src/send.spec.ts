import { ChannelError, type OutboundMessage } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { readFixtureJson } from '../../../testing/fixtures.js';
import { buildMessagePayload, recipientFields, typingPayload } from './send.js';

const fixture = (name: string) => readFixtureJson('whatsapp', name);
const to = { externalId: '16505551234', phone: '16505551234' };
const msg = (m: Partial<OutboundMessage>): OutboundMessage => ({ id: 'msg-1', to, type: 'text', ...m });

function invalidMessage(m: OutboundMessage): ChannelError {
  try {
    buildMessagePayload(m);
  } catch (err) {
    expect(err).toBeInstanceOf(ChannelError);
    expect((err as ChannelError).code).toBe('INVALID_MESSAGE');
    return err as ChannelError;
  }
  throw new Error('payload built for an invalid message');
}

describe('buildMessagePayload matches the Meta request fixtures', () => {
  it('text with a URL → preview_url true (send_text_request__meta_docs.json)', () => {
    const expected = fixture('send_text_request__meta_docs.json');
    expect(buildMessagePayload(msg({ text: expected.text.body }))).toEqual(expected);
  });

  it('text without a URL → preview_url false', () => {
    expect(buildMessagePayload(msg({ text: 'Hello there' })).text).toEqual({ preview_url: false, body: 'Hello there' });
  });

  it('image by media id (send_image_by_id_request__meta_docs.json)', () => {
    const expected = fixture('send_image_by_id_request__meta_docs.json');
    const payload = buildMessagePayload(msg({ type: 'image', media: { providerMediaId: expected.image.id, caption: expected.image.caption } }));
    expect(payload).toEqual(expected);
  });

  it('image by link (send_image_by_link_request__assembled_from_meta_docs.json)', () => {
    const expected = fixture('send_image_by_link_request__assembled_from_meta_docs.json');
    expect(buildMessagePayload(msg({ type: 'image', media: { url: expected.image.link, caption: expected.image.caption } }))).toEqual(expected);
  });

  it('template with named parameters (send_template_named_params_request__meta_docs.json)', () => {
    const expected = fixture('send_template_named_params_request__meta_docs.json');
    const payload = buildMessagePayload(msg({ type: 'template', template: { name: expected.template.name, language: expected.template.language.code, components: expected.template.components } }));
    expect(payload).toEqual(expected);
  });

  it('reply buttons (send_interactive_reply_buttons_request__meta_docs.json; Parley headers are text)', () => {
    const expected = fixture('send_interactive_reply_buttons_request__meta_docs.json');
    const payload = buildMessagePayload(
      msg({
        type: 'interactive',
        interactive: {
          kind: 'buttons',
          body: expected.interactive.body.text,
          footer: expected.interactive.footer.text,
          buttons: expected.interactive.action.buttons.map((b: any) => ({ id: b.reply.id, title: b.reply.title })),
        },
      }),
    );
    const { header: _header, ...withoutHeader } = expected.interactive;
    expect(payload).toEqual({ ...expected, interactive: withoutHeader });
    const withHeader = buildMessagePayload(msg({ type: 'interactive', interactive: { kind: 'buttons', header: 'Workshop', body: 'b', buttons: [{ id: 'a', title: 'A' }] } }));
    expect((withHeader.interactive as any).header).toEqual({ type: 'text', text: 'Workshop' });
  });

  it('list (send_interactive_list_request__meta_docs.json)', () => {
    const expected = fixture('send_interactive_list_request__meta_docs.json');
    const i = expected.interactive;
    const payload = buildMessagePayload(
      msg({
        type: 'interactive',
        interactive: { kind: 'list', header: i.header.text, body: i.body.text, footer: i.footer.text, buttonText: i.action.button, sections: i.action.sections },
      }),
    );
    expect(payload).toEqual(expected);
  });
});

describe('buildMessagePayload, other types', () => {
  it('document by id with caption and filename; audio and sticker take neither', () => {
    expect(buildMessagePayload(msg({ type: 'document', media: { providerMediaId: 'd1', caption: 'Invoice', filename: 'invoice.pdf' } })).document).toEqual({ id: 'd1', caption: 'Invoice', filename: 'invoice.pdf' });
    expect(buildMessagePayload(msg({ type: 'audio', media: { url: 'https://x.test/a.ogg', caption: 'ignored', filename: 'a.ogg' } })).audio).toEqual({ link: 'https://x.test/a.ogg' });
    expect(buildMessagePayload(msg({ type: 'sticker', media: { providerMediaId: 's1' } })).sticker).toEqual({ id: 's1' });
    expect(buildMessagePayload(msg({ type: 'video', text: 'from text', media: { providerMediaId: 'v1' } })).video).toEqual({ id: 'v1', caption: 'from text' });
  });

  it('reaction and its removal', () => {
    expect(buildMessagePayload(msg({ type: 'reaction', reaction: { targetExternalId: 'wamid.A', emoji: '👍' } }))).toMatchObject({ type: 'reaction', reaction: { message_id: 'wamid.A', emoji: '👍' } });
    expect(buildMessagePayload(msg({ type: 'reaction', reaction: { targetExternalId: 'wamid.A', emoji: '' } })).reaction).toEqual({ message_id: 'wamid.A', emoji: '' });
  });

  it('reply context', () => {
    expect(buildMessagePayload(msg({ text: 'yes', replyToExternalId: 'wamid.Q' })).context).toEqual({ message_id: 'wamid.Q' });
    expect(buildMessagePayload(msg({ text: 'yes' })).context).toBeUndefined();
  });

  it('refuses what WhatsApp cannot send', () => {
    invalidMessage(msg({ text: '  ' }));
    invalidMessage(msg({ type: 'image', media: { caption: 'no file' } }));
    invalidMessage(msg({ type: 'template', template: null }));
    invalidMessage(msg({ type: 'interactive', interactive: { kind: 'buttons', body: 'b', buttons: [] } }));
    invalidMessage(msg({ type: 'interactive', interactive: { kind: 'buttons', body: 'b', buttons: [1, 2, 3, 4].map((n) => ({ id: `${n}`, title: `${n}` })) } }));
    invalidMessage(msg({ type: 'interactive', interactive: { kind: 'list', body: 'b', sections: [] } }));
    invalidMessage(msg({ type: 'reaction' }));
    expect(invalidMessage(msg({ type: 'location' })).message).toMatch(/location/);
  });
});

describe('recipientFields', () => {
  it('phone numbers go in `to` with a leading +', () => {
    expect(recipientFields({ externalId: '16505551234', phone: '16505551234' })).toEqual({ to: '+16505551234' });
    expect(recipientFields({ externalId: 'user.abc', phone: '+1 (650) 555-1234' })).toEqual({ to: '+16505551234' });
    expect(recipientFields({ externalId: '16505551234' })).toEqual({ to: '+16505551234' });
  });

  it('a business-scoped user id without phone goes in `recipient` (BSUID doc, send_response_bsuid)', () => {
    const bsuid = fixture('send_response_bsuid__meta_docs.json').contacts[0].user_id;
    expect(recipientFields({ externalId: bsuid, phone: null })).toEqual({ recipient: bsuid });
    expect(recipientFields({ externalId: 'US.13491208655302741918' })).toEqual({ recipient: 'US.13491208655302741918' });
    expect(buildMessagePayload(msg({ to: { externalId: bsuid }, text: 'hi' }))).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      recipient: bsuid,
      type: 'text',
      text: { preview_url: false, body: 'hi' },
    });
  });
});

describe('typingPayload', () => {
  it('is the mark-read + typing indicator body (mark_read_with_typing_indicator_request__meta_docs.json)', () => {
    const expected = fixture('mark_read_with_typing_indicator_request__meta_docs.json');
    expect(typingPayload(expected.message_id)).toEqual(expected);
  });
});
