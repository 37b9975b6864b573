/**
 * The website chat in a real browser (issue 6 check): playwright-core + Debian's Chromium
 * against a real Parley. The admin signs in to the inbox and connects a web-chat channel by
 * clicking through Settings → Channels → Add channel → Web chat; the visitor opens that
 * channel's demo page (the wizard's link, `/webchat/demo?channelId=…`) in a second page; the
 * agent answers from the inbox, and messages go both ways live without reloads. Screenshots go
 * to docs/screenshots/webchat-*.png and channels-webchat-*.png. Run with `npm run test:browser`
 * (after `npm run build`).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SHOTS, CHROMIUM, FLAGS } from './browser-env.js';
import { api, eventually, startTestParley, type TestParley } from './harness.js';

const PASSWORD = 'correct horse battery';

let t: TestParley;
let browser: Browser;
let visitor: Page;
let agent: Page;
let token: string;
let email: string;
let channelId: string;
let dialogs = 0;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'inbox-ui/dist/index.html'))) throw new Error('inbox-ui/dist is missing: run `npm run build` first');
  mkdirSync(SHOTS, { recursive: true });
  t = await startTestParley({ TYPING_MS_PER_CHAR: '5', TYPING_JITTER_MS: '200' });
  email = `ana-${randomBytes(3).toString('hex')}@example.test`;
  const s = await api(t.url, 'POST', '/api/v1/auth/signup', { body: { tenantName: 'Lisbon Bikes', name: 'Ana Costa', email, password: PASSWORD } });
  token = s.body.accessToken;

  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  visitor = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  agent = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
  visitor.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  for (const [name, p] of [['visitor', visitor], ['agent', agent]] as const) {
    if (process.env.DEBUG_BROWSER) {
      p.on('console', (m) => process.stderr.write(`[${name} ${m.type()}] ${m.text()}\n`));
      p.on('pageerror', (e) => process.stderr.write(`[${name} error] ${e.stack ?? e.message}\n`));
    }
  }
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('website chat in Chromium', () => {
  it('the admin connects a web-chat channel in Settings → Channels by clicking through the wizard', async () => {
    await agent.goto(`${t.url}/inbox/`);
    await agent.waitForSelector('form.signin-card');
    await agent.fill('input[name=email]', email);
    await agent.fill('input[name=password]', PASSWORD);
    await agent.click('button[type=submit]');
    await agent.waitForSelector('[data-testid=board]');
    await agent.click('[data-testid=nav-channels]');
    await agent.waitForSelector('[data-testid=channels-page]');
    await agent.click('[data-testid=add-channel-button]');
    await agent.click('[data-testid=type-webchat]');
    await agent.waitForSelector('[data-testid=form-webchat]');
    await agent.fill('[data-testid=channel-name]', 'Lisbon Bikes');
    await agent.fill('[data-testid=wc-color]', '#7c3aed');
    await agent.fill('[data-testid=wc-greeting]', 'Olá! How can we help?');
    await agent.selectOption('[data-testid=wc-position]', 'right');
    await agent.check('[data-testid=wc-ask-name]');
    await agent.screenshot({ path: join(SHOTS, 'channels-webchat-form.png') });
    await agent.click('[data-testid=connect]');
    await agent.waitForSelector('[data-testid=channel-created]');
    const snippet = await agent.inputValue('[data-testid=snippet]');
    const demoUrl = await agent.getAttribute('[data-testid=demo-link]', 'href');
    channelId = new URL(demoUrl!, t.url).searchParams.get('channelId')!;
    expect(snippet).toContain(`data-channel="${channelId}"`);
    await agent.screenshot({ path: join(SHOTS, 'channels-webchat-created.png') });
    const channels = (await api(t.url, 'GET', '/api/v1/channels', { token })).body.data;
    expect(channels).toHaveLength(1);
    expect(channels[0]).toMatchObject({ id: channelId, type: 'webchat', name: 'Lisbon Bikes', status: 'connected', config: { color: '#7c3aed', greeting: 'Olá! How can we help?', position: 'right', askName: true, askEmail: false } });
    await agent.click('[data-testid=wizard-finish]');
    await agent.waitForSelector(`[data-testid=channel-${channelId}]`);
  });

  it('shows the widget on the demo page inside an open shadow root, with launcher, colour and greeting', async () => {
    await visitor.goto(new URL(`/webchat/demo?channelId=${channelId}`, t.url).toString());
    const launcher = visitor.locator('[data-parley-webchat] .launcher');
    await launcher.waitFor();
    expect(await visitor.evaluate((id) => !!document.getElementById(`parley-webchat-${id}`)?.shadowRoot, channelId)).toBe(true);
    const bg = await launcher.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(bg).toBe('rgb(124, 58, 237)');
    await launcher.click();
    await visitor.locator('[data-parley-webchat] .panel .title', { hasText: 'Lisbon Bikes' }).waitFor();
    await visitor.locator('[data-parley-webchat] .msg.greeting', { hasText: 'Olá! How can we help?' }).waitFor();
    // askName: the form comes before the composer
    expect(await visitor.locator('[data-parley-webchat] .composer').isVisible()).toBe(false);
    await visitor.fill('[data-parley-webchat] input[name=name]', 'Marta <b>Silva</b>');
    await visitor.click('[data-parley-webchat] .form button[type=submit]');
    await visitor.locator('[data-parley-webchat] .composer input[type=text]').waitFor();
    expect(await visitor.evaluate((id) => !!localStorage.getItem(`parley-webchat:${id}`), channelId)).toBe(true);
  });

  it('the agent goes back to the inbox board', async () => {
    await agent.click('[data-testid=nav-board]');
    await agent.waitForSelector('[data-testid=board]');
    await agent.waitForTimeout(300); // socket connected
  });

  it('visitor → inbox, live', async () => {
    const input = visitor.locator('[data-parley-webchat] .composer input[type=text]');
    await input.fill('Hi! Do you rent e-bikes? <img src=x onerror=alert(1)>');
    await input.press('Enter');
    await visitor.locator('[data-parley-webchat] .msg.in:not(.pending)', { hasText: 'Do you rent e-bikes?' }).waitFor();
    const card = agent.locator('.board-card', { hasText: 'Marta <b>Silva</b>' });
    await card.waitFor({ timeout: 5000 });
    await card.click();
    await agent.locator('[data-testid=messages] .msg-row.in', { hasText: 'Do you rent e-bikes?' }).waitFor();
    await visitor.screenshot({ path: join(SHOTS, 'webchat-visitor.png') });
  });

  it('inbox → visitor, live, with the typing indicator first', async () => {
    await agent.fill('[data-testid=composer-input]', 'Yes! E-bikes are €35 per day. Want to book one?');
    await agent.press('[data-testid=composer-input]', 'Enter');
    await visitor.locator('[data-parley-webchat] .typing', { hasText: 'Typing' }).waitFor({ timeout: 5000 });
    const reply = visitor.locator('[data-parley-webchat] .msg.out', { hasText: 'Yes! E-bikes are €35 per day.' });
    await reply.waitFor({ timeout: 10_000 });
    await agent.screenshot({ path: join(SHOTS, 'webchat-inbox.png') });
    // and back again
    const input = visitor.locator('[data-parley-webchat] .composer input[type=text]');
    await input.fill('Yes please, for Saturday');
    await input.press('Enter');
    await agent.locator('[data-testid=messages] .msg-row.in', { hasText: 'Yes please, for Saturday' }).waitFor({ timeout: 5000 });
  });

  it('keeps the conversation after a reload and renders markup as text', async () => {
    await visitor.reload();
    await visitor.locator('[data-parley-webchat] .launcher').click();
    await visitor.locator('[data-parley-webchat] .msg.out', { hasText: 'Yes! E-bikes are €35 per day.' }).waitFor();
    await visitor.locator('[data-parley-webchat] .msg.in', { hasText: 'Yes please, for Saturday' }).waitFor();
    const xss = visitor.locator('[data-parley-webchat] .msg.in', { hasText: '<img src=x onerror=alert(1)>' });
    expect(await xss.locator('img').count()).toBe(0);
    expect(dialogs).toBe(0);
    // live again after the reload
    await agent.fill('[data-testid=composer-input]', 'Booked ✅');
    await agent.press('[data-testid=composer-input]', 'Enter');
    await visitor.locator('[data-parley-webchat] .msg.out', { hasText: 'Booked ✅' }).waitFor({ timeout: 10_000 });
    const msgs = await eventually(async () => {
      const chats = (await api(t.url, 'GET', '/api/v1/chats', { token })).body.data;
      return chats.length === 1 ? chats : null;
    });
    expect(msgs[0].contact.name).toBe('Marta <b>Silva</b>');
    await visitor.screenshot({ path: join(SHOTS, 'webchat-after-reload.png') });
  });
});
