#!/usr/bin/env node
/**
 * bench/builder: how fast the flow builder's canvas is (issue 5, "Checks"), in Debian's Chromium
 * through playwright-core, against a real Parley (core/dist, fresh SQLite). Run `npm run build` first.
 *
 *   node bench/builder/run.mjs [--sizes 100,500,1000] [--repeat 3] [--pan-nodes 500] [--pan-ms 3000]
 *
 * - load: time from navigation start (`performance.now()` in the page) to a fitted, interactive
 *   canvas — every node measured and rendered, the view fitted, the island's `data-ready` set —
 *   for generated flows of N nodes (triggers, questions, conditions and replies in a layered
 *   grid). Median of `--repeat` full page loads (after one warm-up load). Then the time from a
 *   click on a node to its selected outline (the first interaction).
 *   The flows API keeps drafts to 500 nodes (core/src/flows/flow.types.ts graphSchema), so the
 *   1,000-node flow is served to the page by request interception (the same JSON shape).
 * - pan: frames per second while dragging the 500-node flow's canvas for `--pan-ms` (counted with
 *   requestAnimationFrame in the page; also the slowest frame).
 * Targets (issue 5): 100 nodes < 1 s, 500 nodes < 1 s, panning ≥ 50 fps. Prints figures; asserts nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN_JS = join(ROOT, 'core/dist/core/src/main.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,500,1000' },
    repeat: { type: 'string', default: '3' },
    'pan-nodes': { type: 'string', default: '500' },
    'pan-ms': { type: 'string', default: '3000' },
  },
});
const SIZES = args.sizes.split(',').map(Number);
const REPEAT = Number(args.repeat);
if (!existsSync(MAIN_JS) || !existsSync(join(ROOT, 'builder-ui/dist/index.html'))) {
  console.error('core/dist or builder-ui/dist is missing: run `npm run build` first');
  process.exit(2);
}

const freePort = () => new Promise((ok) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); }); });

/** A flow of `n` nodes: one keyword trigger, then questions, conditions and replies in layers. */
function generate(n) {
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

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-builder-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = spawn(process.execPath, ['--no-node-snapshot', MAIN_JS], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dataDir, 'bench.sqlite')}`, DATA_DIR: dataDir, LOG_LEVEL: 'error' },
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
    const flows = {};
    const served = {};
    for (const size of SIZES) {
      const graph = generate(size);
      if (size <= 500) flows[size] = (await call('POST', '/api/v1/flows', { name: `Generated ${size}`, draft: graph }, session.accessToken)).id;
      else {
        const f = await call('POST', '/api/v1/flows', { name: `Generated ${size}`, draft: { nodes: [], edges: [] } }, session.accessToken);
        flows[size] = f.id;
        served[f.id] = { ...f, draft: graph };
      }
    }

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript((s) => localStorage.setItem('parley.session', s), JSON.stringify(session));
    const page = await context.newPage();
    await page.route('**/api/v1/flows/*', async (route) => {
      const id = new URL(route.request().url()).pathname.split('/').pop();
      if (route.request().method() === 'GET' && served[id]) return route.fulfill({ json: served[id] });
      return route.continue();
    });

    const load = async (size) => {
      await page.goto(`${url}/builder/flows/${flows[size]}`);
      await page.waitForSelector('.canvas-host[data-ready=true]', { timeout: 60_000 });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const readyAt = await page.evaluate(() => window.__parleyCanvasReadyAt);
      const rendered = await page.locator('.react-flow__node').count();
      return { readyAt, rendered };
    };

    console.log(`bench/builder — Chromium ${browser.version()}, viewport 1440×900, ${REPEAT} loads per size (median)\n`);
    console.log('nodes  edges  rendered  load → interactive canvas (ms)  first click → selected (ms)');
    await load(SIZES[0]); // warm-up: caches the scripts like a returning user
    for (const size of SIZES) {
      const times = [];
      let rendered = 0;
      for (let r = 0; r < REPEAT; r++) {
        const x = await load(size);
        times.push(x.readyAt);
        rendered = x.rendered;
      }
      times.sort((a, b) => a - b);
      const node = page.locator('.react-flow__node .pnode-title').nth(Math.floor(rendered / 2));
      const t0 = Date.now();
      const click = await node.click({ force: true, timeout: 5000 })
        .then(() => page.waitForSelector('.react-flow__node .pnode.is-selected', { timeout: 5000 }))
        .then(() => String(Date.now() - t0), () => 'n/a');
      const g = generate(size);
      console.log(`${String(size).padStart(5)}  ${String(g.edges.length).padStart(5)}  ${String(rendered).padStart(8)}  ${times[Math.floor(times.length / 2)].toFixed(0).padStart(30)}  ${String(click).padStart(26)}`);
    }

    // panning
    const panNodes = Number(args['pan-nodes']);
    const panMs = Number(args['pan-ms']);
    await load(panNodes);
    const box = await page.locator('.react-flow__pane').boundingBox();
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.evaluate(() => {
      window.__frames = [];
      const tick = (t) => { window.__frames.push(t); if (!window.__stopFrames) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    });
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    const start = Date.now();
    let i = 0;
    while (Date.now() - start < panMs) {
      i++;
      const a = (i / 30) * Math.PI;
      await page.mouse.move(cx + Math.sin(a) * 250, cy + Math.cos(a) * 150);
    }
    await page.mouse.up();
    const frames = await page.evaluate(() => { window.__stopFrames = true; return window.__frames; });
    const span = frames[frames.length - 1] - frames[0];
    let worst = 0;
    for (let k = 1; k < frames.length; k++) worst = Math.max(worst, frames[k] - frames[k - 1]);
    console.log(`\npanning the ${panNodes}-node flow for ${(span / 1000).toFixed(1)} s (${i} pointer moves): ${((frames.length - 1) / (span / 1000)).toFixed(1)} fps, slowest frame ${worst.toFixed(1)} ms`);
    await browser.close();
  } finally {
    stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
