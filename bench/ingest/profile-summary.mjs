#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (e.g. from `node bench/ingest/run.mjs --cpu-prof`):
 * where the server's CPU time went, by package/area, by function (self time) and by
 * function including callees (total time).
 *
 *   node bench/ingest/profile-summary.mjs <file.cpuprofile> [--top 30] [--from-ms 0] [--to-ms ∞]
 *
 * `--from-ms`/`--to-ms` restrict to a window measured from the start of the profile
 * (to leave out start-up and shutdown).
 */
import { readFileSync } from 'node:fs';
import { relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' }, 'from-ms': { type: 'string', default: '0' }, 'to-ms': { type: 'string', default: 'Infinity' } },
});
if (!positionals.length) {
  console.error('usage: node bench/ingest/profile-summary.mjs <file.cpuprofile> [--top 30] [--from-ms 0] [--to-ms ∞]');
  process.exit(2);
}
const TOP = Number(opts.top);
const FROM = Number(opts['from-ms']) * 1000;
const TO = Number(opts['to-ms']) * 1000;

for (const file of positionals) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const where = (cf) => {
    const url = cf.url ? cf.url.replace(/^file:\/\//, '') : '';
    if (!url) return `${cf.functionName || '(anonymous)'}`;
    const rel = url.startsWith('/') ? relative(ROOT, url) : url;
    return `${cf.functionName || '(anonymous)'} ${rel}:${cf.lineNumber + 1}`;
  };
  const area = (cf) => {
    const url = cf.url ? cf.url.replace(/^file:\/\//, '') : '';
    if (!url) return cf.functionName.startsWith('(') ? cf.functionName : '(native/builtin)';
    if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
    const nm = url.lastIndexOf('/node_modules/');
    if (nm >= 0) {
      const rest = url.slice(nm + 14).split('/');
      return 'npm:' + (rest[0].startsWith('@') ? rest[0] + '/' + rest[1] : rest[0]);
    }
    const rel = relative(ROOT, url);
    if (rel.startsWith('core/dist/')) return 'core:' + rel.split('/').slice(4, 5).join('/');
    return rel.split('/').slice(0, 2).join('/');
  };

  const self = new Map();
  const total = new Map();
  const areas = new Map();
  let sum = 0;
  let t = prof.startTime;
  for (let i = 0; i < prof.samples.length; i++) {
    t += prof.timeDeltas[i];
    const at = t - prof.startTime;
    if (at < FROM || at > TO) continue;
    const dt = prof.timeDeltas[i + 1] ?? 0; // the sample's time is the interval up to the next one
    const node = byId.get(prof.samples[i]);
    sum += dt;
    const k = where(node.callFrame);
    self.set(k, (self.get(k) ?? 0) + dt);
    const a = area(node.callFrame);
    areas.set(a, (areas.get(a) ?? 0) + dt);
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const key = where(byId.get(id).callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + dt);
    }
  }
  const pct = (v) => ((100 * v) / sum).toFixed(1).padStart(5) + '%';
  const ms = (v) => (v / 1000).toFixed(0).padStart(7) + ' ms';
  const print = (title, map, n) => {
    console.log(`\n${title}`);
    for (const [k, v] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${ms(v)} ${pct(v)}  ${k}`);
  };
  console.log(`${file}: ${(sum / 1e6).toFixed(2)} s sampled`);
  print('by area (self time)', areas, TOP);
  print('by function (self time)', self, TOP);
  const skip = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);
  print('by function (total time, including callees)', new Map([...total].filter(([k]) => !skip.has(k))), TOP);
}
