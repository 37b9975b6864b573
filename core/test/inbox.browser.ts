/**
 * The inbox in a real browser (issue 3 checks): playwright-core + Debian's Chromium against
 * a real Parley on SQLite with the fake Graph API. Saves screenshots to docs/screenshots/.
 * Run with `npm run test:browser` (after `npm run build`).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SHOTS, CHROMIUM, FLAGS } from './browser-env.js';
import { makePng } from './png.js';
import { api, connectWhatsApp, eventually, postWhatsApp, startTestParley, textWebhook, type TestParley } from './harness.js';

const PASSWORD = 'correct horse battery';
/** A real 96×64 PNG (a teal gradient), so the image bubble has something to show. */
const PNG = makePng(96, 64, (x, y) => [15 + x, 118 + y, 110 + (x >> 1)]);

let t: TestParley;
let browser: Browser;
let page: Page;
let token: string;
let userId: string;
let email: string;
let phoneNumberId: string;

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `inbox-${name}.png`) });
const A = (method: string, path: string, body?: unknown) => api(t.url, method, path, { token, body });

/** A WhatsApp message webhook with any message part (`{type, <type>: {...}}`), optionally replying to `contextId`. */
function messageWebhook(from: string, name: string, part: Record<string, unknown>, contextId?: string) {
  const body = textWebhook(phoneNumberId, from, 'x', `wamid.${randomBytes(10).toString('hex')}`, name);
  const m = body.entry[0].changes[0].value.messages[0] as Record<string, unknown>;
  delete m.text;
  Object.assign(m, part);
  if (contextId) m.context = { from, id: contextId };
  return { body, id: m.id as string };
}

function statusWebhook(externalId: string, status: string, to: string) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: phoneNumberId }, statuses: [{ id: externalId, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: to }] } }] }],
  };
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'inbox-ui/dist/index.html'))) throw new Error('inbox-ui/dist is missing: run `npm run build` first');
  mkdirSync(SHOTS, { recursive: true });
  t = await startTestParley({ TYPING_MS_PER_CHAR: '1', TYPING_JITTER_MS: '20' });
  email = `ana-${randomBytes(3).toString('hex')}@example.test`;
  const s = await api(t.url, 'POST', '/api/v1/auth/signup', { body: { tenantName: 'Lisbon Bikes', name: 'Ana Costa', email, password: PASSWORD } });
  token = s.body.accessToken;
  userId = s.body.user.id;
  phoneNumberId = (await connectWhatsApp(t, token)).phoneNumberId;

  // a realistic inbox: several customers, message types, a reaction and a reply, tags, a canned response
  const seed: [string, string, string][] = [
    ['351912000001', 'Marta Silva', 'Hi! Is the blue city bike still available in size M?'],
    ['351912000002', 'João Pereira', 'Can I pick up my order tomorrow at 10?'],
    ['351912000003', 'Sofia Almeida', 'Thanks, the repair was perfect 👌'],
    ['351912000004', 'Diego Ramírez', '¿Hacen envíos a Madrid?'],
  ];
  for (const [from, name, text] of seed) await postWhatsApp(t.url, textWebhook(phoneNumberId, from, text, undefined, name));
  const first = textWebhook(phoneNumberId, '351912000001', 'Also, do you have a rear rack for it?', undefined, 'Marta Silva');
  const firstId = first.entry[0].changes[0].value.messages[0].id;
  await postWhatsApp(t.url, first);
  await postWhatsApp(t.url, messageWebhook('351912000001', 'Marta Silva', { type: 'location', location: { latitude: 38.7223, longitude: -9.1393, name: 'Lisbon Bikes', address: 'Rua Augusta 100, Lisboa' } }).body);
  await postWhatsApp(t.url, messageWebhook('351912000001', 'Marta Silva', { type: 'text', text: { body: 'This is where I am, near the shop' } }, firstId).body);
  await postWhatsApp(t.url, messageWebhook('351912000001', 'Marta Silva', { type: 'reaction', reaction: { message_id: firstId, emoji: '👍' } }).body);
  const chats = (await A('GET', '/api/v1/chats')).body.data as { id: string; contact: { name: string } }[];
  const marta = chats.find((c) => c.contact.name === 'Marta Silva')!;
  const stages = (await A('GET', '/api/v1/funnels')).body.data[0].stages;
  await A('PATCH', `/api/v1/chats/${chats.find((c) => c.contact.name === 'João Pereira')!.id}`, { stageId: stages[1].id, tags: ['pickup'] });
  await A('PATCH', `/api/v1/chats/${chats.find((c) => c.contact.name === 'Sofia Almeida')!.id}`, { stageId: stages[2].id, tags: ['repair'] });
  await A('PATCH', `/api/v1/chats/${marta.id}`, { tags: ['vip'] });
  const tags = (await A('GET', '/api/v1/tags')).body.data as { id: string; name: string }[];
  const colors: Record<string, string> = { vip: '#a855f7', pickup: '#0ea5e9', repair: '#22c55e' };
  for (const tag of tags) await A('PATCH', `/api/v1/tags/${tag.id}`, { color: colors[tag.name] });
  await A('POST', '/api/v1/canned-responses', { shortcut: 'thanks', title: 'Thank you', text: 'Thank you {{contact.firstName}}! Anything else I can help with?' });
  await A('POST', '/api/v1/canned-responses', { shortcut: 'hours', title: 'Opening hours', text: 'We are open Mon–Sat, 9:00–19:00.' });

  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, timezoneId: 'Europe/Lisbon', locale: 'en-GB' });
  if (process.env.DEBUG_BROWSER) {
    page.on('console', (m) => process.stderr.write(`[browser ${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => process.stderr.write(`[browser error] ${e.stack ?? e.message}\n`));
  }
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const bodyScrollsSideways = () => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);

describe('inbox in Chromium', () => {
  it('signs in, and the session survives a reload', async () => {
    await page.goto(`${t.url}/inbox/`);
    await page.waitForSelector('form.signin-card');
    await shot('sign-in');
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=board] .board-card');
    await page.reload();
    await page.waitForSelector('[data-testid=board] .board-card');
    expect(await page.locator('.board-column').count()).toBe(4);
  });

  it('shows a new WhatsApp chat on the funnels board within a second, live', async () => {
    await page.waitForTimeout(300); // socket connected
    await postWhatsApp(t.url, textWebhook(phoneNumberId, '351912000099', 'Olá! Do you rent e-bikes for the weekend?', undefined, 'Beatriz Santos'));
    const card = page.locator('.board-column').first().locator('.board-card', { hasText: 'Beatriz Santos' });
    await card.waitFor({ timeout: 1000 });
    expect(await card.locator('.unread-badge').textContent()).toBe('1');
    await expect.poll(() => page.title()).toMatch(/^\(\d+\) Parley$/);
    await shot('board');
  });

  it('opens the chat, replies with Enter, and the ticks follow the statuses', async () => {
    await page.locator('.board-card', { hasText: 'Beatriz Santos' }).click();
    await page.waitForSelector('[data-testid=messages] .msg-row.in');
    const chatId = page.url().split('/').pop()!;
    await eventually(async () => (await A('GET', `/api/v1/chats/${chatId}`)).body.unreadCount === 0);
    await page.fill('[data-testid=composer-input]', 'Yes! E-bikes are €35 per day.');
    await page.press('[data-testid=composer-input]', 'Enter');
    const [send] = await t.graph.waitForRequests((r) => r.body?.type === 'text' && r.body?.text?.body === 'Yes! E-bikes are €35 per day.', 1, 10_000);
    expect(send.body.to).toBe('+351912000099');
    const out = page.locator('.msg-row.out', { hasText: 'Yes! E-bikes are €35 per day.' });
    await out.locator('.ticks[data-status=sent]').waitFor({ timeout: 10_000 });
    const sent = (await A('GET', `/api/v1/chats/${chatId}/messages`)).body.data[0];
    await postWhatsApp(t.url, statusWebhook(sent.externalId, 'delivered', '351912000099'));
    await out.locator('.ticks[data-status=delivered]').waitFor({ timeout: 5000 });
    await postWhatsApp(t.url, statusWebhook(sent.externalId, 'read', '351912000099'));
    await out.locator('.ticks[data-status=read]').waitFor({ timeout: 5000 });
  });

  it('inserts a canned response with / and sends it', async () => {
    await page.fill('[data-testid=composer-input]', '/tha');
    await page.waitForSelector('[data-testid=canned-menu] li');
    await page.press('[data-testid=composer-input]', 'Enter');
    await expect.poll(() => page.inputValue('[data-testid=composer-input]')).toBe('Thank you Beatriz! Anything else I can help with?');
    await page.press('[data-testid=composer-input]', 'Enter');
    await t.graph.waitForRequests((r) => r.body?.text?.body === 'Thank you Beatriz! Anything else I can help with?', 1, 10_000);
  });

  it('attaches an image and sends it', async () => {
    await page.setInputFiles('[data-testid=file-input]', { name: 'e-bike.png', mimeType: 'image/png', buffer: PNG });
    await page.waitForSelector('.attachment-chip >> text=e-bike.png');
    await page.fill('[data-testid=composer-input]', 'Here is the model');
    await page.click('[data-testid=send]');
    const [img] = await t.graph.waitForRequests((r) => r.body?.type === 'image', 1, 10_000);
    expect(img.body.image).toMatchObject({ caption: 'Here is the model' });
    expect(img.body.image.link).toMatch(/\/api\/v1\/media\/.+\?sig=/);
    const img2 = page.locator('.msg-row.out[data-type=image] img');
    await img2.waitFor();
    await expect.poll(() => img2.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(96);
  });

  it('adds an internal note that is never sent', async () => {
    const before = t.graph.sentMessages().length;
    await page.click('[data-testid=note-tab]');
    await page.fill('[data-testid=composer-input]', 'Wants the weekend deal — check stock on Friday');
    await page.press('[data-testid=composer-input]', 'Enter');
    await page.locator('.note-row', { hasText: 'check stock on Friday' }).waitFor();
    await page.waitForTimeout(300);
    expect(t.graph.sentMessages().length).toBe(before);
  });

  it('tags and assigns the chat', async () => {
    const chatId = page.url().split('/').pop()!;
    if (!(await page.locator('.side-panel').isVisible())) await page.click('[data-testid=toggle-panel]');
    await page.fill('[data-testid=tag-input]', 'weekend');
    await page.press('[data-testid=tag-input]', 'Enter');
    await page.locator('.side-panel .tag-chip', { hasText: 'weekend' }).waitFor();
    await page.selectOption('[data-testid=assignee-select]', userId);
    await eventually(async () => {
      const c = (await A('GET', `/api/v1/chats/${chatId}`)).body;
      return c.tags.includes('weekend') && c.assigneeId === userId;
    });
    await page.click('[data-testid=composer-input]');
    await shot('conversation');
  });

  it('shows reactions on their target and replies quoting the original', async () => {
    await page.click('[data-testid=nav-list]');
    await page.locator('.chat-list-item', { hasText: 'Marta Silva' }).locator('a').click();
    const target = page.locator('.msg-row', { hasText: 'do you have a rear rack' });
    await target.locator('.reaction', { hasText: '👍' }).waitFor();
    await page.locator('.msg-row', { hasText: 'near the shop' }).locator('.msg-quote', { hasText: 'rear rack' }).waitFor();
    await page.locator('.msg-row[data-type=location] a[href*="openstreetmap"]').waitFor();
    await shot('conversation-types');
  });

  it('sends an approved template from the composer when the 24-hour window has closed', async () => {
    // a second number of the tenant, in a WABA with the Graph API list fixture's templates and one more
    const pn = String(100000000000000 + Math.floor(Math.random() * 1e12));
    const wabaId = String(200000000000000 + Math.floor(Math.random() * 1e12));
    const accessToken = `EAAG-${randomBytes(6).toString('hex')}`;
    const listed = JSON.parse(readFileSync(join(ROOT, 'testing/fixtures/channels/whatsapp/template_list_response_full__meta_docs.json'), 'utf8')).data;
    const orderReady = { name: 'order_ready', language: 'en', category: 'UTILITY', status: 'APPROVED', id: '1', components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} is ready for pickup.', example: { body_text: [['Pablo', '#1']] } }, { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'On my way' }] }] };
    t.graph.registerPhoneNumber(pn, { accessToken, wabaId, displayPhoneNumber: '15550783882', verifiedName: 'Lisbon Bikes' });
    t.graph.registerWaba(wabaId, { templates: [...listed, orderReady] });
    expect((await A('POST', '/api/v1/channels', { type: 'whatsapp', name: 'Service number', config: { phoneNumberId: pn, wabaId, accessToken } })).status).toBe(201);
    await postWhatsApp(t.url, textWebhook(pn, '351912000077', 'Is my bike ready?', undefined, 'Rita Lopes', Math.floor(Date.now() / 1000) - 3 * 86400));
    const chatId = (await eventually(async () => (await A('GET', '/api/v1/chats?q=Rita%20Lopes')).body.data[0])).id as string;

    await page.goto(`${t.url}/inbox/chats/${chatId}`);
    await page.waitForSelector('[data-testid=window-closed]');
    expect(await page.locator('[data-testid=composer-input]').isDisabled()).toBe(true);
    await page.click('[data-testid=template-open]');
    await page.locator('.template-option').nth(2).waitFor();
    expect(await page.locator('.template-option').count()).toBe(3);
    await page.fill('[data-testid=template-search]', 'pickup');
    await expect.poll(() => page.locator('.template-option').count()).toBe(1);
    await page.click('[data-template=order_ready]');
    await page.fill('[data-field="body:1"]', '{{contact.firstName}}');
    expect(await page.locator('[data-testid=template-send]').isDisabled()).toBe(true);
    await page.fill('[data-field="body:2"]', '#1042');
    await expect.poll(() => page.locator('[data-testid=template-preview]').textContent()).toContain('Hi Rita, your order #1042 is ready for pickup.');
    await shot('template');
    await page.click('[data-testid=template-send]');
    const [send] = await t.graph.waitForRequests((r) => r.body?.type === 'template' && r.body?.template?.name === 'order_ready', 1, 10_000);
    expect(send.body.to).toBe('+351912000077');
    expect(send.body.template.components).toEqual([{ type: 'body', parameters: [{ type: 'text', text: 'Rita' }, { type: 'text', text: '#1042' }] }]);
    await page.locator('.msg-row.out[data-type=template]').waitFor();
    expect(await page.locator('[data-testid=template-picker]').count()).toBe(0);
  });

  it('bulk-resolves two chats from the list view, with filters in the URL', async () => {
    await page.goto(`${t.url}/inbox/chats?status=open`);
    await page.waitForSelector('[data-testid=chat-list] .chat-list-item');
    const rows = page.locator('.chat-list-item', { hasText: /Diego Ramírez|João Pereira/ });
    expect(await rows.count()).toBe(2);
    for (let i = 0; i < 2; i++) await rows.nth(i).locator('.row-check').check();
    await shot('list');
    await page.selectOption('[data-testid=bulk-status]', 'resolved');
    await expect.poll(async () => (await A('GET', '/api/v1/chats?status=resolved')).body.data.length).toBe(2);
    await expect.poll(() => page.locator('.chat-list-item', { hasText: /Diego Ramírez|João Pereira/ }).count()).toBe(0);
    await page.fill('[data-testid=search]', 'Sofia');
    await expect.poll(() => page.url()).toContain('q=Sofia');
    await page.locator('.chat-list-item', { hasText: 'Sofia Almeida' }).waitFor();
    expect(await page.locator('.chat-list-item').count()).toBe(1);
  });

  it('keeps a 1,000-chat list virtualised: a bounded number of rows in the DOM, later ones on scroll', async () => {
    // a separate tenant, so the other steps' board and list stay as they are
    const bigEmail = `big-${randomBytes(3).toString('hex')}@example.test`;
    const big = (await api(t.url, 'POST', '/api/v1/auth/signup', { body: { tenantName: 'Big Shop', name: 'Bea Big', email: bigEmail, password: PASSWORD } })).body.accessToken;
    const pn = (await connectWhatsApp(t, big)).phoneNumberId;
    const now = Math.floor(Date.now() / 1000);
    const name = (i: number) => `Customer ${String(i).padStart(4, '0')}`;
    for (let b = 0; b < 20; b++) {
      // one webhook with 50 senders (the Cloud API batches value.contacts[] / value.messages[])
      const body = textWebhook(pn, '1', 'x');
      const value = body.entry[0].changes[0].value as { contacts: unknown[]; messages: unknown[] };
      value.contacts = [];
      value.messages = [];
      for (let i = b * 50; i < b * 50 + 50; i++) {
        const from = `3519300${String(i).padStart(5, '0')}`;
        value.contacts.push({ profile: { name: name(i) }, wa_id: from });
        value.messages.push({ from, id: `wamid.big${i}.${randomBytes(4).toString('hex')}`, timestamp: String(now - 2000 + i), type: 'text', text: { body: `Message number ${i}` } });
      }
      expect((await postWhatsApp(t.url, body)).status).toBe(200);
    }
    await eventually(async () => (await api(t.url, 'GET', `/api/v1/chats?q=${encodeURIComponent(name(999))}`, { token: big })).body.data.length === 1);

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    const p = await ctx.newPage();
    try {
      await p.goto(`${t.url}/inbox/chats`);
      await p.fill('input[name=email]', bigEmail);
      await p.fill('input[name=password]', PASSWORD);
      await p.click('button[type=submit]');
      await p.waitForSelector('[data-testid=board] .board-card');
      // the board's columns are virtualised too: the first stage holds its latest 100 chats
      const firstColumn = p.locator('.board-column').first();
      await expect.poll(() => firstColumn.locator('.count').textContent()).toBe('100');
      expect(await firstColumn.locator('.board-card').count()).toBeLessThan(30);
      await firstColumn.locator('.board-column-body').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      await firstColumn.locator('.board-card', { hasText: name(900) }).waitFor();
      expect(await firstColumn.locator('.board-card', { hasText: name(999) }).count()).toBe(0);
      await p.goto(`${t.url}/inbox/chats`);
      const list = p.locator('[data-testid=chat-list]');
      await list.locator('.chat-list-item', { hasText: name(999) }).waitFor();
      const rowsInDom = () => list.locator('.chat-list-item').count();
      expect(await rowsInDom()).toBeGreaterThan(5);
      expect(await rowsInDom()).toBeLessThan(40);
      // keyboard: arrows move between rows, also onto rows that were not rendered yet
      await list.locator('.chat-link').first().focus();
      for (let i = 0; i < 25; i++) await p.keyboard.press('ArrowDown');
      await expect.poll(() => p.evaluate(() => document.activeElement?.closest('[data-index]')?.getAttribute('data-index'))).toBe('25');
      expect(await p.evaluate(() => document.activeElement?.textContent)).toContain(name(999 - 25));
      // scrolling to the end loads the following pages; the DOM keeps only the rows in view
      for (let i = 0; i < 60; i++) {
        if (await list.locator('.chat-list-item', { hasText: name(0) }).count()) break;
        await list.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
        await p.waitForTimeout(150);
      }
      await list.locator('.chat-list-item', { hasText: name(0) }).waitFor({ timeout: 5000 });
      expect(await list.locator('.chat-list-item', { hasText: name(999) }).count()).toBe(0);
      expect(await rowsInDom()).toBeLessThan(40);
      expect(await p.evaluate(() => document.querySelectorAll('.chat-list-item[data-index]').length)).toBeLessThan(40);
      expect(await list.evaluate((el) => el.scrollHeight)).toBeGreaterThan(1000 * 60);
      // selecting all selects every loaded chat, not only the rendered rows
      await p.check('[data-testid=select-all]');
      await expect.poll(() => p.locator('[data-testid=bulk-bar]').textContent()).toContain('1000');
      await p.screenshot({ path: join(SHOTS, 'inbox-list-1000.png') });
    } finally {
      await ctx.close();
    }
  });

  it('switches to Arabic (right to left) with ?lang=ar', async () => {
    await page.goto(`${t.url}/inbox/board?lang=ar`);
    await page.waitForSelector('[data-testid=board] .board-card');
    expect(await page.evaluate(() => [document.documentElement.dir, document.documentElement.lang])).toEqual(['rtl', 'ar']);
    expect(await page.locator('[data-testid=nav-board]').textContent()).toContain('مسارات المبيعات');
    await shot('board-ar');
    // the virtualised list in right-to-left: rows are rendered, the checkbox on the right
    await page.goto(`${t.url}/inbox/chats?lang=ar`);
    const row = page.locator('[data-testid=chat-list] .chat-list-item').first();
    await row.waitFor();
    const [check, link] = await Promise.all([row.locator('.row-check').boundingBox(), row.locator('.chat-link').boundingBox()]);
    expect(check!.x).toBeGreaterThan(link!.x);
    await page.click('.menu summary');
    await page.selectOption('.menu [data-testid=language]', 'en');
    await expect.poll(() => page.evaluate(() => document.documentElement.dir)).toBe('ltr');
  });

  it('works on a phone-sized screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${t.url}/inbox/board?lang=en`);
    await page.waitForSelector('[data-testid=board] .board-card');
    expect(await bodyScrollsSideways()).toBe(false);
    await shot('mobile-board');
    await page.goto(`${t.url}/inbox/chats?lang=en`);
    await page.waitForSelector('[data-testid=chat-list] .chat-list-item');
    expect(await bodyScrollsSideways()).toBe(false);
    await page.goto(`${t.url}/inbox/board?lang=en`);
    await page.waitForSelector('[data-testid=board] .board-card');
    await page.locator('.board-card', { hasText: 'Beatriz Santos' }).click();
    await page.waitForSelector('[data-testid=messages] .msg-row');
    expect(await bodyScrollsSideways()).toBe(false);
    await shot('mobile-conversation');
  });

  it('signs out', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.click('.menu summary');
    await page.click('[data-testid=sign-out]');
    await page.waitForSelector('form.signin-card');
    await page.reload();
    await page.waitForSelector('form.signin-card');
  });
});
