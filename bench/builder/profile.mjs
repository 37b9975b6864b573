#!/usr/bin/env node
/**
 * bench/builder/profile: where the builder's time goes, for tuning (not a benchmark). Boots Parley
 * like run.mjs, loads one generated flow of `--nodes` nodes with a Chrome performance trace (CDP
 * Tracing through playwright-core), pans it for `--pan-ms`, and prints the renderer main thread's
 * busiest events (self time, ms) for the load and for the pan, plus the app's `performance.mark`s
 * (`parley:*`, ms since navigation). `--trace out.json` keeps the raw trace (chrome://tracing,
 * Perfetto or DevTools' Performance panel open it).
 *
 *   node bench/builder/profile.mjs [--nodes 500] [--pan-ms 2000] [--trace /tmp/builder-trace.json]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { launch, pan, startParley } from './harness.mjs';

const { values: args } = parseArgs({ options: { nodes: { type: 'string', default: '500' }, 'pan-ms': { type: 'string', default: '2000' }, trace: { type: 'string' } } });
const N = Number(args.nodes);

/** Self time per event name on the renderer's main thread within [from, to] (µs timestamps). */
function summarize(events, tid, pid, from, to) {
  const mine = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.ts >= from && e.ts <= to && e.dur).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const stack = [];
  for (const e of mine) {
    while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur);
    self.set(e.name, (self.get(e.name) ?? 0) + e.dur);
    stack.push(e);
  }
  const busy = mine.filter((e) => e.name === 'RunTask').reduce((s, e) => s + e.dur, 0);
  return { busy: busy / 1000, top: [...self].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([n, d]) => `${n} ${(d / 1000).toFixed(0)}`) };
}

const parley = await startParley();
try {
  const id = await parley.createFlow(N);
  const { browser, page } = await launch(parley.session);
  await page.goto(`${parley.url}/builder/flows/${id}`); // warm-up (caches scripts)
  await page.waitForSelector('.canvas-host[data-ready=true]', { timeout: 60_000 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'v8.execute', 'toplevel'] });
  await page.goto(`${parley.url}/builder/flows/${id}`);
  await page.waitForSelector('.canvas-host[data-ready=true]', { timeout: 60_000 });
  const marks = await page.evaluate(() => performance.getEntriesByType('mark').filter((m) => m.name.startsWith('parley:')).map((m) => `${m.name} ${m.startTime.toFixed(0)}`));
  const ready = await page.evaluate(() => window.__parleyCanvasReadyAt);
  const { profile } = await cdp.send('Profiler.stop');
  await page.evaluate(() => performance.mark('parley:pan-start'));
  const p = await pan(page, Number(args['pan-ms']));
  await page.evaluate(() => performance.mark('parley:pan-end'));
  const buf = await browser.stopTracing();
  const trace = JSON.parse(buf.toString());
  if (args.trace) writeFileSync(args.trace, buf);
  const events = trace.traceEvents ?? trace;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && events.some((x) => x.pid === e.pid && x.name === 'RunTask' && x.tid === e.tid));
  const nav = events.find((e) => e.name === 'navigationStart' && e.pid === main.pid)?.ts ?? events.find((e) => e.pid === main.pid && e.tid === main.tid).ts;
  const panStart = events.find((e) => e.name === 'parley:pan-start')?.ts;
  const panEnd = events.find((e) => e.name === 'parley:pan-end')?.ts;
  const load = summarize(events, main.tid, main.pid, nav, nav + ready * 1000);
  const panning = summarize(events, main.tid, main.pid, panStart, panEnd);
  console.log(`${N} nodes: ready at ${ready.toFixed(0)} ms; marks: ${marks.join(', ')}`);
  const markTs = events.filter((e) => e.pid === main.pid && typeof e.name === 'string' && e.name.startsWith('parley:') && (e.ph === 'R' || e.ph === 'I' || e.ph === 'n' || e.ph === 'b' || e.ph === 'i')).sort((a, b) => a.ts - b.ts);
  let prev = { name: 'navigation', ts: nav };
  for (const m of markTs) {
    if (m.name === 'parley:pan-start') break;
    const phase = summarize(events, main.tid, main.pid, prev.ts, m.ts);
    console.log(`${prev.name} → ${m.name}: ${((m.ts - prev.ts) / 1000).toFixed(0)} ms, busy ${phase.busy.toFixed(0)}: ${phase.top.slice(0, 8).join(', ')}`);
    prev = m;
  }
  {
    // JS self time per function during the load (sampled)
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map();
    const dt = profile.timeDeltas;
    const from = markTs.find((m) => m.name === 'parley:island-loaded')?.ts ?? 0;
    const to = markTs.find((m) => m.name === 'parley:canvas-ready')?.ts ?? Infinity;
    let at = profile.startTime;
    for (let k = 0; k < profile.samples.length; k++) {
      at += dt[k];
      if (at < from || at > to) continue;
      const n = byId.get(profile.samples[k]);
      const f = n.callFrame;
      const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + (dt[k + 1] ?? 0));
    }
    console.log(`JS self time from island-loaded to canvas-ready (ms):\n  ${[...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / 1000).toFixed(1)} ${k}`).join('\n  ')}`);
  }
  console.log(`load: main thread busy ${load.busy.toFixed(0)} ms; self time by event:\n  ${load.top.join('\n  ')}`);
  console.log(`pan: ${p.fps.toFixed(1)} fps (slowest frame ${p.worst.toFixed(0)} ms); main thread busy ${panning.busy.toFixed(0)} ms of ${((panEnd - panStart) / 1000).toFixed(0)}; self time by event:\n  ${panning.top.join('\n  ')}`);
  await browser.close();
} finally {
  parley.stop();
}
