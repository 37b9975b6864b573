/**
 * Shared by bench/builder/run.mjs and profile.mjs: a real Parley (core/dist, fresh SQLite) in a
 * child process, generated flows, Debian's Chromium through playwright-core, and a pan gesture
 * whose frame rate is counted with requestAnimationFrame in the page.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN_JS = join(ROOT, 'core/dist/core/src/main.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const freePort = () => new Promise((ok) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); }); });

/** A flow of `n` nodes: one keyword trigger, then questions, conditions and replies in layers. */
export function generate(n) {
  const kinds = [
    ['ask.question', (i) => ({ question: `Question ${i}?`, capture: 'text', variable: `v${i}` }), ['out']],
    ['logic.condition', (i) => ({ operator: 'and', groups: [{ operator: 'and', rules: [{ value: `{{vars.v${i}}}`, op: 'contains', compare: 'yes' }] }] }), ['true', 'false']],
    ['send.text', (i) => ({ text: `Reply number ${i}, {{contact.name}}` }), ['out']],
  ];
  const nodes = [{ id: 'n0', type: 'trigger.keyword', position: { x: 0, y: 0 }, config: { keywords: ['start'] } }];
  const outputs = [['n0', 'out']];
  const edges = [];
  const perColumn = Math.ceil(Math.sqrt(n / 2));
  for (let i = 1; i < n; i++) {
    const [type, config, outs] = kinds[i % 3];
    const id = `n${i}`;
    nodes.push({ id, type, position: { x: Math.floor(i / perColumn) * 320, y: (i % perColumn) * 190 }, config: config(i) });
    const [src, handle] = outputs.shift() ?? ['n0', 'out'];
    if (!edges.some((e) => e.source === src && e.sourceHandle === handle)) edges.push({ id: `e${i}`, source: src, sourceHandle: handle, target: id });
    for (const o of outs) outputs.push([id, o]);
  }
  return { nodes, edges };
}

/**
 * Starts Parley on a free port with a fresh SQLite file and signs a tenant up.
 * `env` is added to the server's environment.
 */
export async function startParley(env = {}) {
  if (!existsSync(MAIN_JS) || !existsSync(join(ROOT, 'builder-ui/dist/index.html'))) {
    console.error('core/dist or builder-ui/dist is missing: run `npm run build` first');
    process.exit(2);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-builder-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = spawn(process.execPath, ['--no-node-snapshot', MAIN_JS], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dataDir, 'bench.sqlite')}`, DATA_DIR: dataDir, LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = () => { app.kill('SIGTERM'); rmSync(dataDir, { recursive: true, force: true }); };
  try {
    for (let i = 0; ; i++) {
      try { if ((await fetch(`${url}/health`)).ok) break; } catch { /* booting */ }
      if (i > 300) throw new Error('Parley did not start');
      await sleep(100);
    }
    const call = async (method, path, body, token) => {
      const r = await fetch(url + path, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body && JSON.stringify(body) });
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
      return r.json();
    };
    const session = await call('POST', '/api/v1/auth/signup', { tenantName: 'Bench', name: 'Bench', email: `bench-${Date.now()}@example.test`, password: 'correct horse battery' });
    /** Creates a flow of `n` generated nodes; returns its id. */
    const createFlow = async (n) => (await call('POST', '/api/v1/flows', { name: `Generated ${n}`, draft: generate(n) }, session.accessToken)).id;
    return { url, session, call, createFlow, stop };
  } catch (e) {
    stop();
    throw e;
  }
}

/**
 * Runs in the page from navigation: on every animation frame, checks whether the canvas says it
 * is ready (`data-ready`) and every node of the flow is in the DOM and shown (React Flow keeps
 * unmeasured nodes `visibility: hidden`); the first such frame's time (ms since navigation) goes
 * to `window.__benchRenderedAt`. Independent of the app's own ready mark, so versions of the
 * builder that mark readiness differently are timed alike.
 */
function watchRendered() {
  const tick = (t) => {
    if (!location.pathname.includes('/builder/flows/')) return void requestAnimationFrame(tick);
    const host = document.querySelector('.canvas-host[data-ready=true]');
    const want = Number(host?.getAttribute('data-node-count') ?? -1);
    if (host && want >= 0) {
      let shown = 0;
      for (const el of document.querySelectorAll('.react-flow__node')) if (el.style.visibility !== 'hidden') shown++;
      if (shown >= want) {
        window.__benchRenderedAt = t;
        return;
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** Chromium with a signed-in builder page (1440 × 900). */
export async function launch(session) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript((s) => localStorage.setItem('parley.session', s), JSON.stringify(session));
  await context.addInitScript(watchRendered);
  const page = await context.newPage();
  return { browser, context, page };
}

/**
 * Drags the canvas around in a circle-ish path for `ms` and counts the frames the page
 * produced (requestAnimationFrame). Returns `{fps, worst (ms), moves}`.
 */
export async function pan(page, ms) {
  const box = await page.locator('.react-flow__pane').boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.evaluate(() => {
    window.__frames = [];
    window.__stopFrames = false;
    const tick = (t) => { window.__frames.push(t); if (!window.__stopFrames) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  const start = Date.now();
  let i = 0;
  while (Date.now() - start < ms) {
    i++;
    const a = (i / 30) * Math.PI;
    await page.mouse.move(cx + Math.sin(a) * 250, cy + Math.cos(a) * 150);
  }
  await page.mouse.up();
  const frames = await page.evaluate(() => { window.__stopFrames = true; return window.__frames; });
  const span = frames[frames.length - 1] - frames[0];
  let worst = 0;
  for (let k = 1; k < frames.length; k++) worst = Math.max(worst, frames[k] - frames[k - 1]);
  return { fps: (frames.length - 1) / (span / 1000), worst, moves: i, seconds: span / 1000 };
}
