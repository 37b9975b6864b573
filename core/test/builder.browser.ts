/**
 * The flow builder in a real browser (issue 5 checks): playwright-core + Debian's Chromium against
 * a real Parley on SQLite with the fake Graph API. A flow is built entirely by dragging from the
 * palette and connecting handles, validated, published, run over a signed WhatsApp webhook and in
 * the test panel, and rolled back; an edit conflict with a save made elsewhere is shown and resolved. Saves screenshots to docs/screenshots/builder-*.png.
 * Run with `npm run test:browser` (after `npm run build`).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SHOTS, CHROMIUM, FLAGS } from './browser-env.js';
import { api, connectWhatsApp, eventually, postWhatsApp, startTestParley, textWebhook, type TestParley } from './harness.js';

const PASSWORD = 'correct horse battery';

let t: TestParley;
let browser: Browser;
let page: Page;
let token: string;
let email: string;
let phoneNumberId: string;
let flowId: string;

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `builder-${name}.png`) });
const A = (method: string, path: string, body?: unknown) => api(t.url, method, path, { token, body });
const node = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const sentTexts = (to: string) =>
  t.graph.requests.filter((q) => q.path === `/v24.0/${phoneNumberId}/messages` && q.body?.type === 'text' && q.body?.to === `+${to}`).map((q) => q.body.text.body as string);

/** Drags a palette item onto the canvas at (x, y) relative to the canvas' top-left corner. */
async function dropNode(type: string, x: number, y: number): Promise<void> {
  await page.dragAndDrop(`.palette-item[data-type="${type}"]`, '.react-flow__pane', { targetPosition: { x, y } });
}

/** Drags from a node's output handle to another node's input handle (like a person: hover, press, move, release). */
async function connect(source: string, output: string, target: string): Promise<void> {
  const edge = page.locator(`.react-flow__edge[data-id="e_${source}_${output}_${target}"]`);
  for (let attempt = 0; attempt < 3 && !(await edge.count()); attempt++) {
    const from = await node(source).locator(`.react-flow__handle.source[data-handleid="${output}"]`).boundingBox();
    const to = await node(target).locator('.react-flow__handle.target').boundingBox();
    if (!from || !to) throw new Error(`handles not found: ${source}.${output} → ${target}`);
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.waitForTimeout(50);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2 + 10, { steps: 8 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 });
    await page.waitForTimeout(50);
    await page.mouse.up();
    await edge.waitFor({ state: 'attached', timeout: 2000 }).catch(() => undefined);
  }
  await edge.waitFor({ state: 'attached', timeout: 1000 });
}

/** Selects a node by clicking its title. */
async function select(id: string): Promise<void> {
  await node(id).locator('.pnode-title').click();
  await page.waitForSelector(`[data-testid=inspector] .mono:has-text("${id}")`);
}

const saved = () => page.waitForSelector('[data-testid=save-state][data-state=saved]');

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'builder-ui/dist/index.html'))) throw new Error('builder-ui/dist is missing: run `npm run build` first');
  mkdirSync(SHOTS, { recursive: true });
  t = await startTestParley({ TYPING_MS_PER_CHAR: '1', TYPING_JITTER_MS: '20' });
  email = `marta-${randomBytes(3).toString('hex')}@example.test`;
  const s = await api(t.url, 'POST', '/api/v1/auth/signup', { body: { tenantName: 'Lisbon Bikes', name: 'Marta Reis', email, password: PASSWORD } });
  token = s.body.accessToken;
  phoneNumberId = (await connectWhatsApp(t, token)).phoneNumberId;
  // a couple of existing flows for the list
  const other = await A('POST', '/api/v1/flows', {
    name: 'Opening hours',
    draft: {
      nodes: [
        { id: 'kw', type: 'trigger.keyword', position: { x: 0, y: 0 }, config: { keywords: ['hours', 'open'] } },
        { id: 'say', type: 'send.text', position: { x: 300, y: 0 }, config: { text: 'We are open Mon–Sat, 9:00–19:00.' } },
      ],
      edges: [{ id: 'e1', source: 'kw', sourceHandle: 'out', target: 'say' }],
    },
  });
  await A('POST', `/api/v1/flows/${other.body.id}/publish`, { note: 'initial' });
  await A('PATCH', `/api/v1/flows/${other.body.id}`, { enabled: true });
  await A('POST', '/api/v1/flows', { name: 'Order status (draft)', draft: { nodes: [{ id: 'kw', type: 'trigger.keyword', position: { x: 0, y: 0 }, config: { keywords: ['order'] } }], edges: [] } });

  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, timezoneId: 'Europe/Lisbon', locale: 'en-GB' });
  if (process.env.DEBUG_BROWSER) {
    page.on('console', (m) => process.stderr.write(`[browser ${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => process.stderr.write(`[browser error] ${e.stack ?? e.message}\n`));
  }
  page.on('dialog', (d) => void d.accept());
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('flow builder in Chromium', () => {
  it('signs in, keeps the session over a reload, and lists the flows', async () => {
    await page.goto(`${t.url}/builder/`);
    await page.waitForSelector('form.signin-card');
    await shot('sign-in');
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=flow-list] tr[data-flow="Opening hours"]');
    await page.reload();
    await page.waitForSelector('[data-testid=flow-list] tr[data-flow="Opening hours"]');
    const row = page.locator('tr[data-flow="Opening hours"]');
    expect(await row.textContent()).toContain('Keyword: hours, open');
    expect(await row.locator('[data-testid=toggle]').isChecked()).toBe(true);
    expect(await page.locator('tr[data-flow="Order status (draft)"] [data-testid=toggle]').isDisabled()).toBe(true);
  });

  it('creates a flow and opens it at /builder/flows/<id>', async () => {
    await page.click('[data-testid=new-flow]');
    await page.fill('input[name=flow-name]', 'Welcome bot');
    await page.click('[data-testid=confirm]');
    await page.waitForURL(/\/builder\/flows\/[^/]+$/);
    flowId = page.url().split('/').pop()!;
    await page.waitForSelector('.canvas-host[data-ready=true]');
    expect(await page.locator('.palette-item').count()).toBeGreaterThan(15);
  });

  it('builds keyword → ask name → condition → two replies by dragging from the palette and connecting handles', async () => {
    await page.fill('[data-testid=palette-search]', 'keyword');
    expect(await page.locator('.palette-item').count()).toBe(1);
    // the canvas is 830 px wide at 1440 × 900: a zig-zag keeps the five cards apart at zoom 1
    await dropNode('trigger.keyword', 140, 110);
    await page.fill('[data-testid=palette-search]', '');
    await dropNode('ask.question', 140, 380);
    await dropNode('logic.condition', 440, 240);
    await dropNode('send.text', 700, 110);
    await dropNode('send.text', 700, 420);
    await page.waitForSelector('.react-flow__node[data-id="text_2"]');
    expect(await page.locator('.react-flow__node').count()).toBe(5);

    // configure through the generated forms
    await select('keyword_1');
    await page.fill('#f-keywords', 'hello');
    await page.keyboard.press('Enter');
    await select('question_1');
    await page.fill('#f-question', 'Hi! What is your name?');
    await page.fill('#f-variable', 'name');
    await select('condition_1');
    const rule = page.locator('.cond-rule').first();
    await rule.locator('input').first().fill('');
    await rule.locator('[data-testid=var-picker]').first().selectOption('vars.name');
    expect(await rule.locator('input').first().inputValue()).toBe('{{vars.name}}');
    await rule.locator('select.cond-op').selectOption('equals');
    await rule.locator('input').nth(1).fill('Ana');
    await select('text_1');
    await page.fill('#f-text', 'Welcome back, {{vars.name}}! You are our VIP.');
    await select('text_2');
    await page.fill('#f-text', 'Nice to meet you, {{vars.name}}.');

    await connect('keyword_1', 'out', 'question_1');
    await connect('question_1', 'out', 'condition_1');
    await connect('condition_1', 'true', 'text_1');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(3);
  });

  it('shows a validation error on the unconnected node and in the list, which focuses it; fixing it clears both', async () => {
    await page.waitForSelector('.react-flow__node[data-id="text_2"] .pnode.has-error');
    expect(await node('text_2').locator('.pnode-errors').textContent()).toMatch(/reach/i);
    await page.click('[data-tab=problems]');
    const problem = page.locator('[data-testid=problems] .problem[data-node="text_2"]');
    await problem.waitFor();
    await page.click('.react-flow__pane', { position: { x: 20, y: 20 } });
    await problem.click();
    await page.waitForSelector('.react-flow__node[data-id="text_2"] .pnode.is-selected');
    await shot('validation');
    // publishing is impossible while invalid
    await page.click('[data-testid=publish]');
    await page.waitForSelector('[data-testid=notice]:has-text("Fix the problems")');
    expect(await page.locator('.modal').count()).toBe(0);

    await connect('condition_1', 'false', 'text_2');
    await page.waitForSelector('.react-flow__node[data-id="text_2"] .pnode:not(.has-error)');
    await page.waitForSelector('[data-testid=problems] .ok-text');
    await saved();
    const stored = (await A('GET', `/api/v1/flows/${flowId}`)).body.draft;
    expect(stored.nodes.map((n: { type: string }) => n.type).sort()).toEqual(['ask.question', 'logic.condition', 'send.text', 'send.text', 'trigger.keyword']);
    expect(stored.edges.map((e: { source: string; sourceHandle: string; target: string }) => `${e.source}.${e.sourceHandle}>${e.target}`).sort()).toEqual([
      'condition_1.false>text_2', 'condition_1.true>text_1', 'keyword_1.out>question_1', 'question_1.out>condition_1',
    ]);
    expect(stored.nodes.find((n: { id: string }) => n.id === 'keyword_1').config.keywords).toEqual(['hello']);
  });

  it('undoes and redoes edits with the keyboard', async () => {
    await page.click('.react-flow__pane', { position: { x: 20, y: 20 } });
    await select('text_2');
    await page.click('.react-flow__pane', { position: { x: 20, y: 20 } });
    await node('text_2').locator('.pnode-title').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(4);
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(5);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(4);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(4);
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(5);
    await page.click('[data-testid=layout]');
    await page.waitForTimeout(400);
    await saved();
    await shot('editor');
  });

  it('pans the canvas by dragging on the minimap, and fits the view again', async () => {
    const transform = () => page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
    const before = await transform();
    const box = (await page.locator('[data-testid=minimap] canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 30, box.y + box.height / 2 - 20, { steps: 5 });
    await page.mouse.up();
    expect(await transform()).not.toBe(before);
    await page.click('[data-testid=fit]');
    await page.waitForTimeout(300);
  });

  it('publishes with a note, and a signed WhatsApp webhook with the keyword gets the bot question through the Graph API', async () => {
    await page.click('[data-testid=publish]');
    await page.fill('input[name=note]', 'First version');
    await page.click('[data-testid=publish-confirm]');
    await page.waitForSelector('[data-testid=notice]:has-text("Version 1 is live")');
    await page.click('[data-testid=enabled]');
    await expect.poll(async () => (await A('GET', `/api/v1/flows/${flowId}`)).body.enabled).toBe(true);

    await postWhatsApp(t.url, textWebhook(phoneNumberId, '351912000123', 'Hello there!', undefined, 'Ana Lima'));
    await eventually(() => sentTexts('351912000123').length === 1, 15_000);
    expect(sentTexts('351912000123')).toEqual(['Hi! What is your name?']);
    await postWhatsApp(t.url, textWebhook(phoneNumberId, '351912000123', 'Ana'));
    await eventually(() => sentTexts('351912000123').length === 2, 15_000);
    expect(sentTexts('351912000123')[1]).toBe('Welcome back, Ana! You are our VIP.');
  });

  it('runs the same flow in the test panel, highlighting the current node and showing variables', async () => {
    await page.click('[data-tab=test]');
    await page.fill('[data-testid=sim-input]', 'hello');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.bubble.bot:has-text("Hi! What is your name?")');
    await page.waitForSelector('.react-flow__node[data-id="question_1"] .pnode.is-current');
    expect(await page.textContent('[data-testid=sim-status]')).toBe('Waiting for an answer');
    await page.fill('[data-testid=sim-input]', 'Bruno');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.bubble.bot:has-text("Nice to meet you, Bruno.")');
    await page.waitForSelector('.react-flow__node[data-id="text_2"] .pnode.is-current');
    expect(await page.textContent('[data-testid=sim-vars]')).toContain('Bruno');
    expect(await page.textContent('[data-testid=sim-status]')).toBe('Completed');
    await shot('test-panel');
  });

  it('shows per-node analytics for a date range', async () => {
    await page.click('[data-tab=stats]');
    await page.waitForSelector('[data-testid=stats-runs]:has-text("1")');
    await page.waitForSelector('.react-flow__node[data-id="question_1"] [data-testid=node-stats]');
    expect(await node('condition_1').locator('.exit-count').first().textContent()).toBe('1');
    await shot('analytics');
  });

  it('publishes a second version, views the first read-only, and rolls back to it', async () => {
    await select('text_1');
    await page.fill('#f-text', 'Welcome back, {{vars.name}}!');
    await saved();
    await page.click('[data-testid=publish]');
    await page.fill('input[name=note]', 'Shorter welcome');
    await page.click('[data-testid=publish-confirm]');
    await page.waitForSelector('[data-testid=notice]:has-text("Version 2 is live")');
    await page.click('[data-tab=versions]');
    await page.waitForSelector('[data-testid=versions] li[data-version="2"].active');
    await page.click('[data-testid=versions] li[data-version="1"] [data-testid=view-version]');
    await page.waitForSelector('[data-testid=viewing]');
    await select('text_1');
    expect(await page.inputValue('#f-text')).toBe('Welcome back, {{vars.name}}! You are our VIP.');
    expect(await page.locator('#f-text').getAttribute('readonly')).not.toBeNull();
    await page.click('[data-tab=versions]');
    await shot('versions');
    await page.click('[data-testid=versions] li[data-version="1"] [data-testid=rollback]');
    await page.click('[data-testid=confirm-rollback]');
    await page.waitForSelector('[data-testid=versions] li[data-version="1"].active');
    expect((await A('GET', `/api/v1/flows/${flowId}`)).body.publishedVersion).toBe(1);
  });

  it('does not overwrite a draft saved elsewhere: shows the conflict, then reloads theirs or keeps mine', async () => {
    await page.goto(`${t.url}/builder/flows/${flowId}`);
    await page.waitForSelector('.canvas-host[data-ready=true]');
    /** Someone else (another tab, another person, any API client) saves `text_1` with `text`. */
    const saveElsewhere = async (text: string) => {
      const f = (await A('GET', `/api/v1/flows/${flowId}`)).body;
      const draft = { ...f.draft, nodes: f.draft.nodes.map((x: { id: string; config: object }) => (x.id === 'text_1' ? { ...x, config: { ...x.config, text } } : x)) };
      expect((await A('PUT', `/api/v1/flows/${flowId}/draft`, { draft, revision: f.draftRevision })).status).toBe(200);
    };
    await saveElsewhere('Changed in another tab');
    await select('text_2');
    await page.fill('#f-text', 'Mine');
    await page.waitForSelector('[data-testid=conflict]');
    await page.waitForSelector('[data-testid=save-state][data-state=conflict]');
    await shot('conflict');
    expect((await A('GET', `/api/v1/flows/${flowId}`)).body.draft.nodes.find((x: { id: string }) => x.id === 'text_2').config.text).not.toBe('Mine');
    // load theirs: my edit goes, theirs shows
    await page.click('[data-testid=conflict-reload]');
    await page.waitForSelector('[data-testid=conflict]', { state: 'detached' });
    await select('text_1');
    expect(await page.inputValue('#f-text')).toBe('Changed in another tab');
    // again, and this time keep mine over theirs
    await saveElsewhere('Second change elsewhere');
    await select('text_2');
    await page.fill('#f-text', 'Mine again');
    await page.waitForSelector('[data-testid=conflict]');
    await page.click('[data-testid=conflict-overwrite]');
    await saved();
    const stored = (await A('GET', `/api/v1/flows/${flowId}`)).body.draft.nodes;
    expect(stored.find((x: { id: string }) => x.id === 'text_2').config.text).toBe('Mine again');
    expect(stored.find((x: { id: string }) => x.id === 'text_1').config.text).toBe('Changed in another tab');
  });

  it('is translated, with right-to-left panels in Arabic', async () => {
    await page.goto(`${t.url}/builder/flows/${flowId}?lang=ar`);
    await page.waitForSelector('.canvas-host[data-ready=true]');
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await page.textContent('[data-testid=publish]')).toContain('نشر');
    await shot('editor-ar');
    await page.goto(`${t.url}/builder/flows?lang=en`);
    await page.waitForSelector('tr[data-flow="Welcome bot"]');
    await shot('list');
  });
});
