#!/usr/bin/env node
/**
 * bench/builder: how fast the flow builder's canvas is (issue 5, "Checks"), in Debian's Chromium
 * through playwright-core, against a real Parley (core/dist, fresh SQLite). Run `npm run build` first.
 *
 *   node bench/builder/run.mjs [--sizes 100,500,1000] [--repeat 3] [--pan-nodes 500] [--pan-ms 3000]
 *
 * - load: time from navigation start (`performance.now()` in the page) to a fitted, interactive
 *   canvas — the island's `data-ready` set (every node measured, the view fitted) and every node
 *   in the DOM and shown, at the first animation frame where that holds (harness.mjs) —
 *   for generated flows of N nodes (triggers, questions, conditions and replies in a layered
 *   grid). Median of `--repeat` full page loads (after one warm-up load). Then the time from a
 *   click on a node to its selected outline (the first interaction).
 *   Every flow is saved through the API (drafts may have up to FLOW_MAX_NODES = 1,000 nodes by default).
 * - pan: frames per second while dragging the 500-node flow's canvas for `--pan-ms` (counted with
 *   requestAnimationFrame in the page; also the slowest frame).
 * Targets (issue 5): 100 nodes < 1 s, 500 nodes < 1 s, panning ≥ 50 fps. Prints figures; asserts nothing.
 */
import { parseArgs } from 'node:util';
import { generate, launch, pan, startParley } from './harness.mjs';

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

async function main() {
  const parley = await startParley();
  const { url, session } = parley;
  try {
    const flows = {};
    for (const size of SIZES) flows[size] = await parley.createFlow(size);

    const { browser, page } = await launch(session);

    const load = async (size) => {
      await page.goto(`${url}/builder/flows/${flows[size]}`);
      await page.waitForFunction(() => window.__benchRenderedAt !== undefined, undefined, { timeout: 60_000 });
      const readyAt = await page.evaluate(() => window.__benchRenderedAt);
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
    const p = await pan(page, panMs);
    console.log(`\npanning the ${panNodes}-node flow for ${p.seconds.toFixed(1)} s (${p.moves} pointer moves): ${p.fps.toFixed(1)} fps, slowest frame ${p.worst.toFixed(1)} ms`);
    await browser.close();
  } finally {
    parley.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
