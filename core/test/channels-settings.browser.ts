/**
 * Settings → Channels in a real browser (issue 6, connection flow): playwright-core + Debian's
 * Chromium against a real Parley on SQLite with the fake Graph API. Connect a WhatsApp number
 * through the form, see a refused token's error (and no channel), connect another through
 * Embedded Signup (the Facebook JS SDK, which cannot load offline, is replaced by a test double
 * injected in the page that posts Meta's `WA_EMBEDDED_SIGNUP` message and returns a code), see
 * the plan limit at the 4th channel, rename / pause / resume, and the read-only view of an agent.
 * Run with `npm run test:browser` (after `npm run build`). Screenshots: docs/screenshots/channels-*.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SHOTS, CHROMIUM, FLAGS } from './browser-env.js';
import { api, connectWhatsApp, eventually, postWhatsApp, startTestParley, textWebhook, type TestParley } from './harness.js';

const PASSWORD = 'correct horse battery';
const ES_APP_ID = '1234567890123456';
const ES_CONFIG_ID = '987654321098765';

let t: TestParley;
let browser: Browser;
let page: Page;
let token: string;
let email: string;

const shot = (p: Page, name: string) => p.screenshot({ path: join(SHOTS, `channels-${name}.png`), fullPage: true });
const A = (method: string, path: string, body?: unknown) => api(t.url, method, path, { token, body });

async function signIn(p: Page, who: string): Promise<void> {
  await p.goto(`${t.url}/inbox/sign-in`);
  await p.fill('input[name=email]', who);
  await p.fill('input[name=password]', PASSWORD);
  await p.click('button[type=submit]');
  await p.waitForSelector('[data-testid=nav-channels]');
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'inbox-ui/dist/index.html'))) throw new Error('inbox-ui/dist is missing: run `npm run build` first');
  mkdirSync(SHOTS, { recursive: true });
  t = await startTestParley({ TYPING_MS_PER_CHAR: '0', TYPING_JITTER_MS: '1', META_APP_ID: ES_APP_ID, META_WHATSAPP_CONFIG_ID: ES_CONFIG_ID });
  email = `olga-${randomBytes(3).toString('hex')}@example.test`;
  const s = await api(t.url, 'POST', '/api/v1/auth/signup', { body: { tenantName: 'Porto Flowers', name: 'Olga Reis', email, password: PASSWORD } });
  token = s.body.accessToken;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  if (process.env.DEBUG_BROWSER) {
    page.on('console', (m) => process.stderr.write(`[browser ${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => process.stderr.write(`[browser error] ${e.stack ?? e.message}\n`));
  }
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('Settings → Channels in Chromium', () => {
  const phoneNumberId = String(300000000000000 + Math.floor(Math.random() * 1e12));
  const goodToken = `EAAG-${randomBytes(6).toString('hex')}`;

  it('connects a WhatsApp number through the form; a refused token shows the provider error and creates nothing', async () => {
    t.graph.registerPhoneNumber(phoneNumberId, { accessToken: goodToken, displayPhoneNumber: '351220000001', verifiedName: 'Porto Flowers' });
    await signIn(page, email);
    await page.click('[data-testid=nav-channels]');
    await page.waitForSelector('[data-testid=channels-page]');
    await page.waitForSelector('[data-testid=plan]');
    await page.click('[data-testid=add-channel-button]');
    await page.waitForSelector('[data-testid=type-whatsapp]');
    expect(await page.textContent('[data-testid=type-whatsapp]')).toContain('3 of 3 left');
    await shot(page, 'choose-type');
    await page.click('[data-testid=type-whatsapp]');
    // Embedded Signup is configured on this server: the form offers it first
    await page.click('[data-testid=wa-manual]');
    await page.fill('[data-testid=channel-name]', 'Shop number');
    await page.fill('[data-testid=wa-phone-number-id]', phoneNumberId);
    await page.fill('[data-testid=wa-waba-id]', '102290129340398');
    await page.fill('[data-testid=wa-access-token]', 'EAAG-revoked-token');
    await page.click('[data-testid=connect]');
    const error = page.locator('[data-testid=channel-error]');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('CHANNEL_CREDENTIALS_INVALID');
    expect(await error.textContent()).toContain('The provider refused these credentials. No channel was created.');
    expect((await A('GET', '/api/v1/channels')).body.data).toEqual([]);
    await shot(page, 'refused');

    await page.fill('[data-testid=wa-access-token]', goodToken);
    await page.click('[data-testid=connect]');
    await page.waitForSelector('[data-testid=channel-created]');
    const channels = (await A('GET', '/api/v1/channels')).body.data;
    expect(channels).toHaveLength(1);
    expect(channels[0]).toMatchObject({ type: 'whatsapp', name: 'Shop number', accountId: phoneNumberId, status: 'connected' });
    await page.click('[data-testid=wizard-finish]');
    const row = page.locator(`[data-testid=channel-${channels[0].id}]`);
    await row.waitFor();
    expect(await row.locator('[data-testid=channel-status]').textContent()).toBe('Connected');
    expect(await row.locator('[data-testid=last-webhook]').textContent()).toBe('Never');
  });

  it('connects a second number with Embedded Signup (FB JS SDK test double in the page)', async () => {
    const esPhone = String(400000000000000 + Math.floor(Math.random() * 1e12));
    const esWaba = String(500000000000000 + Math.floor(Math.random() * 1e12));
    const code = `AQ${randomBytes(12).toString('hex')}`;
    t.graph.registerPhoneNumber(esPhone, { accessToken: `EAAG-${randomBytes(4).toString('hex')}`, displayPhoneNumber: '+351 22 000 0002', verifiedName: 'Porto Flowers Bolhão' });
    t.graph.registerEmbeddedSignupCode(code, { wabaId: esWaba, phoneNumberId: esPhone, appId: ES_APP_ID });
    // the real SDK is never fetched; the double answers FB.init / FB.login like Meta's popup:
    // the session-info message (a JSON string from https://www.facebook.com), then the code
    await page.route('https://connect.facebook.net/**', (r) => r.abort());
    await page.addInitScript(
      ({ code, esPhone, esWaba }) => {
        const w = window as any;
        w.__fb = { inits: [] as unknown[], logins: [] as unknown[] };
        w.FB = {
          init: (o: unknown) => w.__fb.inits.push(o),
          login: (cb: (r: unknown) => void, options: unknown) => {
            w.__fb.logins.push(options);
            setTimeout(() => {
              const data = JSON.stringify({ data: { phone_number_id: esPhone, waba_id: esWaba, business_id: '553355495727951' }, type: 'WA_EMBEDDED_SIGNUP', event: 'FINISH', version: '3' });
              window.dispatchEvent(new MessageEvent('message', { origin: 'https://www.facebook.com', data: 'a non-JSON message Meta also posts' }));
              window.dispatchEvent(new MessageEvent('message', { origin: 'https://www.facebook.com', data }));
              setTimeout(() => cb({ authResponse: { code }, status: 'connected' }), 50);
            }, 100);
          },
        };
      },
      { code, esPhone, esWaba },
    );
    await page.goto(`${t.url}/inbox/settings/channels`);
    await page.click('[data-testid=add-channel-button]');
    await page.click('[data-testid=type-whatsapp]');
    await page.waitForSelector('[data-testid=wa-embedded-signup]');
    await page.fill('[data-testid=channel-name]', 'Bolhão market');
    await page.fill('[data-testid=wa-pin]', '482913');
    await shot(page, 'whatsapp-embedded-signup');
    await page.click('[data-testid=wa-embedded-signup]');
    await page.waitForSelector('[data-testid=channel-created]');
    expect(await page.evaluate(() => (window as any).__fb)).toEqual({
      inits: [{ appId: ES_APP_ID, autoLogAppEvents: true, xfbml: false, version: 'v24.0' }],
      logins: [{ config_id: ES_CONFIG_ID, response_type: 'code', override_default_response_type: true, extras: { setup: {}, featureType: '', sessionInfoVersion: '3' } }],
    });
    const created = (await A('GET', '/api/v1/channels')).body.data.find((c: any) => c.accountId === esPhone);
    expect(created).toMatchObject({ type: 'whatsapp', name: 'Bolhão market', status: 'connected', config: { phoneNumberId: esPhone, wabaId: esWaba }, info: { verifiedName: 'Porto Flowers Bolhão' } });
    expect(t.graph.wabaSubscriptions(esWaba)).toBe(1);
    expect(t.graph.registrations()).toContainEqual({ phoneNumberId: esPhone, pin: '482913' });
    await page.click('[data-testid=wizard-finish]');
    await page.locator(`[data-testid=channel-${created.id}]`).waitFor();
  });

  it('shows the health after a webhook, renames, pauses and resumes', async () => {
    await postWhatsApp(t.url, textWebhook(phoneNumberId, '351912345678', 'Do you deliver roses today?', undefined, 'Rui'));
    await page.reload();
    const [channel] = (await A('GET', '/api/v1/channels')).body.data;
    const row = page.locator(`[data-testid=channel-${channel.id}]`);
    await row.waitFor();
    expect(await row.locator('[data-testid=last-webhook]').textContent()).not.toBe('Never');
    await row.locator('[data-testid=rename]').click();
    await row.locator('[data-testid=rename-input]').fill('Flower shop');
    await row.locator('[data-testid=rename-save]').click();
    await row.locator('[data-testid=channel-name-label]', { hasText: 'Flower shop' }).waitFor();
    await row.locator('[data-testid=pause-toggle]').click();
    await row.locator('[data-testid=channel-status]', { hasText: 'Paused' }).waitFor();
    expect((await A('GET', '/api/v1/channels')).body.data[0]).toMatchObject({ name: 'Flower shop', status: 'paused' });
    await shot(page, 'paused');
    await row.locator('[data-testid=pause-toggle]').click();
    await row.locator('[data-testid=channel-status]', { hasText: 'Connected' }).waitFor();
  });

  it('at the plan limit, the 4th WhatsApp channel is disabled with the plan message', async () => {
    await connectWhatsApp(t, token);
    await page.reload();
    await page.click('[data-testid=add-channel-button]');
    const wa = page.locator('[data-testid=type-whatsapp]');
    await wa.waitFor();
    expect(await wa.isDisabled()).toBe(true);
    expect(await wa.locator('[data-testid=limit-message]').textContent()).toContain('Plan limit reached: your plan allows 3 WhatsApp channels');
    expect(await page.textContent('[data-testid=type-telegram]')).toContain('3 of 3 left');
    await shot(page, 'limit');
  });

  it('flags a channel whose token stopped working, with reconnection instructions', async () => {
    const list = (await A('GET', '/api/v1/channels')).body.data;
    const chat = await eventually(async () => (await A('GET', '/api/v1/chats')).body.data[0]);
    t.graph.registerPhoneNumber(phoneNumberId, { accessToken: 'EAAG-rotated', displayPhoneNumber: '351220000001', verifiedName: 'Porto Flowers' });
    await A('POST', `/api/v1/chats/${chat.id}/messages`, { type: 'text', text: 'Yes, until 18:00' });
    await eventually(async () => (await A('GET', `/api/v1/channels/${list[0].id}`)).body.status === 'error');
    await page.reload();
    const row = page.locator(`[data-testid=channel-${list[0].id}]`);
    await row.locator('[data-testid=attention]').waitFor();
    expect(await row.locator('[data-testid=channel-status]').textContent()).toBe('Needs attention');
    expect(await row.locator('[data-testid=attention]').textContent()).toMatch(/token/i);
    await shot(page, 'list');
    await row.locator('[data-testid=reconnect]').click();
    await row.locator('[data-testid=wa-phone-number-id]').fill(phoneNumberId);
    await row.locator('[data-testid=wa-waba-id]').fill('102290129340398');
    await row.locator('[data-testid=wa-access-token]').fill('EAAG-rotated');
    await row.locator('[data-testid=connect]').click();
    await row.locator('[data-testid=channel-status]', { hasText: 'Connected' }).waitFor();
    expect(await row.locator('[data-testid=attention]').count()).toBe(0);
  });

  it('disconnects after confirmation', async () => {
    const before = (await A('GET', '/api/v1/channels')).body.data;
    const row = page.locator(`[data-testid=channel-${before[2].id}]`);
    await row.locator('[data-testid=disconnect]').click();
    await row.locator('[data-testid=confirm-disconnect]').click();
    await row.waitFor({ state: 'detached' });
    expect((await A('GET', '/api/v1/channels')).body.data).toHaveLength(2);
  });

  it('agents see the channels and their health, without write actions', async () => {
    const agentEmail = `agent-${randomBytes(3).toString('hex')}@example.test`;
    await A('POST', '/api/v1/users', { name: 'Tiago', email: agentEmail, password: PASSWORD, role: 'agent' });
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-GB' });
    const p = await ctx.newPage();
    await signIn(p, agentEmail);
    await p.goto(`${t.url}/inbox/settings/channels`);
    await p.waitForSelector('[data-testid=read-only]');
    expect(await p.locator('[data-testid=channel-list] > li').count()).toBe(2);
    expect(await p.locator('[data-testid=add-channel-button]').count()).toBe(0);
    expect(await p.locator('[data-testid=disconnect]').count()).toBe(0);
    expect(await p.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)).toBe(false);
    await shot(p, 'agent-mobile');
    await ctx.close();
  });
});
