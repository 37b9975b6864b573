/**
 * Message templates against the fake Graph API over real HTTP: the fixture list, paging,
 * approved-only filtering, placeholder counts, token refusal, and the status-webhook scope.
 */
import { ChannelError, loadPluginForTest, makeChannelContext, type ChannelDefinition, type InboundAccountEvent } from '@parley/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGraphApi, type FakeGraphApi } from '../../../testing/fake-graph-api.js';
import { readFixtureBytes, readFixtureJson } from '../../../testing/fixtures.js';
import plugin, { countPlaceholders, parseWebhookBody, toMessageTemplate, type WhatsAppConfig } from './index.js';

const PHONE = '106540352242922';
const WABA = '102290129340398';
const TOKEN = 'EAAG-templates-token';
const fixtureTemplates = (): Record<string, unknown>[] => readFixtureJson('whatsapp', 'template_list_response_full__meta_docs.json').data;

let graph: FakeGraphApi;
let channel: ChannelDefinition<WhatsAppConfig>;
const ctx = (accessToken = TOKEN) =>
  makeChannelContext<WhatsAppConfig>({ phoneNumberId: PHONE, wabaId: WABA, accessToken }, { setting: (n) => (n === 'META_GRAPH_URL' ? graph.url : undefined), fetch, logger: console });

beforeAll(async () => {
  graph = await startFakeGraphApi();
  const host = await loadPluginForTest(plugin, { META_GRAPH_URL: graph.url });
  channel = host.channels.get('whatsapp') as ChannelDefinition<WhatsAppConfig>;
});
afterAll(() => graph.close());
beforeEach(() => {
  graph.reset();
  graph.registerPhoneNumber(PHONE, { accessToken: TOKEN, wabaId: WABA });
});

describe('countPlaceholders / toMessageTemplate', () => {
  it('counts distinct positional and named placeholders', () => {
    expect(countPlaceholders('Hi {{1}}, your code {{2}} expires in {{2}} days')).toBe(2);
    expect(countPlaceholders('For {{number_of_guests}} on {{day}}, {{ date }}')).toBe(3);
    expect(countPlaceholders('No parameters here {1} {{}}')).toBe(0);
  });

  it('maps the fixture templates, keeping components as given', () => {
    const [named, positional] = fixtureTemplates().map(toMessageTemplate);
    expect(named).toMatchObject({ name: 'reservation_confirmation', language: 'en_US', category: 'UTILITY', status: 'APPROVED', bodyParams: 4 });
    expect(named!.components).toEqual(fixtureTemplates()[0]!.components);
    expect(positional).toMatchObject({ name: 'coupon_expiration_reminder_number_vars', language: 'en', bodyParams: 2 });
    expect(toMessageTemplate({ language: 'en' })).toBeNull();
    expect(toMessageTemplate({ name: 'no_body', language: 'en', status: 'APPROVED', components: [{ type: 'HEADER', format: 'TEXT', text: '{{1}}' }] })).toMatchObject({ bodyParams: 0 });
  });
});

describe('templates.list', () => {
  it('reads GET /{waba-id}/message_templates with the fields and returns approved templates only', async () => {
    graph.registerWaba(WABA, {
      templates: [...fixtureTemplates(), { name: 'address_update', language: 'en_US', category: 'UTILITY', status: 'PENDING', components: [{ type: 'BODY', text: 'x {{1}}' }] }],
    });
    const list = await channel.templates!.list(ctx());
    expect(list.map((t) => t.name)).toEqual(['reservation_confirmation', 'coupon_expiration_reminder_number_vars']);
    const [req] = graph.requests;
    expect(req!.path).toBe(`/v24.0/${WABA}/message_templates`);
    expect(req!.query).toMatchObject({ fields: 'name,language,category,status,components', limit: '100' });
    expect(req!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('follows paging.next until the last page', async () => {
    const many = Array.from({ length: 230 }, (_, i) => ({ name: `t_${i}`, language: 'en', category: 'MARKETING', status: i % 10 === 0 ? 'REJECTED' : 'APPROVED', components: [{ type: 'BODY', text: `n {{1}}` }] }));
    graph.registerWaba(WABA, { templates: many });
    const list = await channel.templates!.list(ctx());
    expect(graph.requests).toHaveLength(3);
    expect(graph.requests[2]!.query.after).toBeTruthy();
    expect(list).toHaveLength(230 - 23);
    expect(new Set(list.map((t) => t.name)).size).toBe(207);
  });

  it('a refused token → INVALID_CREDENTIALS', async () => {
    graph.registerWaba(WABA, { templates: fixtureTemplates() });
    const err = await channel.templates!.list(ctx('EAAG-revoked')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelError);
    expect((err as ChannelError).code).toBe('INVALID_CREDENTIALS');
  });
});

describe('templates.changedScope', () => {
  it('a message_template_status_update webhook names its WABA; message webhooks name none', () => {
    for (const file of ['webhook_template_status_approved__meta_docs.json', 'webhook_template_status_rejected__pywa.json']) {
      const [event] = parseWebhookBody(readFixtureBytes('whatsapp', file));
      expect(event!.kind).toBe('account_event');
      expect(channel.templates!.changedScope!(event as InboundAccountEvent)).toBe(WABA);
    }
    const other: InboundAccountEvent = { kind: 'account_event', accountId: PHONE, topic: 'errors', data: {} };
    expect(channel.templates!.changedScope!(other)).toBeNull();
    expect(channel.templates!.scope!({ wabaId: WABA })).toBe(WABA);
  });
});
