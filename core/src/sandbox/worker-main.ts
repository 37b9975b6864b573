/**
 * The sandbox worker's program. It runs in a separate Node process (spawned by
 * {@link SandboxPool}) because some allocations past an isolate's memory limit abort the whole
 * process (V8 fatal OOM) instead of disposing the isolate: then only the worker dies.
 *
 * Two kinds of jobs:
 * - code (`{id, code, input, timeoutMs}`): an async function body over `vars`, `contact`,
 *   `message` (code nodes, expressions);
 * - node (`{id, kind: 'node', bundleId, bundleCode?, input, timeoutMs, maxCalls}`): a plugin's
 *   bundled node code; its `execute` / `resume` runs with a context of copied values whose
 *   `http` calls are sent to the host as `{id, call: {id, op, args}}` messages and answered with
 *   `{id, reply, res}`. The worker drives the isolate itself: every entry into it (the bundle,
 *   the start, each answer of the host) runs with the time left of the job's budget, so time
 *   spent waiting for the host does not count and code after an `await` cannot run unbounded.
 *
 * `workerMain` must be self-contained: it is serialised with `toString()` and run with `node -e`.
 */
export function workerMain(ivmPath: string, memoryLimitMb: number): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ivm = require(ivmPath);
  let isolate: any = null;
  /** Compiled scripts of the current isolate by key (bundle id, prelude names). */
  let scripts = new Map<string, any>();
  /** Bundle sources sent by the host, by id (kept across isolates). */
  const bundles = new Map<string, string>();
  const getIsolate = () => {
    if (!isolate || isolate.isDisposed) {
      isolate = new ivm.Isolate({ memoryLimit: memoryLimitMb });
      scripts = new Map();
    }
    return isolate;
  };
  const compiled = async (iso: any, key: string, src: string) => {
    let s = scripts.get(key);
    if (!s) {
      s = await iso.compileScript(src, { filename: key });
      scripts.set(key, s);
    }
    return s;
  };

  // Bounded JSON serialiser and error formatter used inside the isolate (captured before any
  // user or plugin code runs).
  const SER = `const keys = Object.keys; const isArray = Array.isArray; const str = JSON.stringify; const parse = JSON.parse;
  const isFin = Number.isFinite; const S = Set; const P = Promise; const then = Promise.prototype.then; const Str = String;
  class Bad extends Error {}
  function ser(v, MAX) {
    const parts = []; let size = 0; const seen = new S();
    const push = (s) => { size += s.length; if (size > MAX) throw new Bad('RESULT_TOO_LARGE'); parts.push(s); };
    const walk = (x, d) => {
      if (d > 64) throw new Bad('RESULT_INVALID:nested deeper than 64 levels');
      if (x === null || x === undefined) return push('null');
      const t = typeof x;
      if (t === 'string') { if (x.length > MAX) throw new Bad('RESULT_TOO_LARGE'); return push(str(x)); }
      if (t === 'number') return push(isFin(x) ? Str(x) : 'null');
      if (t === 'boolean') return push(x ? 'true' : 'false');
      if (t !== 'object') throw new Bad('RESULT_INVALID:a ' + t + ' is not JSON');
      if (seen.has(x)) throw new Bad('RESULT_INVALID:circular structure');
      seen.add(x);
      if (isArray(x)) {
        if (x.length > MAX) throw new Bad('RESULT_TOO_LARGE');
        push('['); for (let i = 0; i < x.length; i++) { if (i) push(','); walk(x[i], d + 1); } push(']');
      } else {
        push('{'); let first = true;
        for (const k of keys(x)) { const val = x[k]; if (val === undefined || typeof val === 'function') continue; if (!first) push(','); first = false; push(str(k)); push(':'); walk(val, d + 1); }
        push('}');
      }
      seen.delete(x);
    };
    walk(v, 0);
    return parts.join('');
  }
  const fail = (e) => {
    if (e instanceof Bad) { const [code, ...rest] = Str(e.message).split(':'); return str({ fail: code, message: rest.join(':') }); }
    let name = 'Error', message = '', code;
    try {
      name = Str((e && e.name) || 'Error').slice(0, 100); message = Str(e && e.message !== undefined ? e.message : e).slice(0, 500);
      if (e && typeof e.code === 'string') code = e.code.slice(0, 64);
    } catch { message = 'unprintable error'; }
    return str({ error: name, message, code });
  };`;

  // Runs inside the isolate before the user's code: serialises the result with a size bound
  // (never allocating more than the limit).
  const codePrelude = `(function () {
  const input = JSON.parse(globalThis.__input); delete globalThis.__input;
  ${SER}
  globalThis.__out = undefined;
  let p;
  try { p = __user(input.vars, input.contact, input.message); } catch (e) { globalThis.__out = fail(e); return; }
  then.call(P.resolve(p), (r) => { try { globalThis.__out = '{"ok":' + ser(r, input.maxResultChars) + '}'; } catch (e) { globalThis.__out = fail(e); } }, (e) => { globalThis.__out = fail(e); });
})(); undefined;`;

  // Plugin nodes, part 1 (before the bundle): the context handed to execute/resume. `render`
  // follows core/src/flows/template.ts (a spec checks they agree).
  const nodePrelude = `(function () {
  const raw = globalThis.__input; delete globalThis.__input;
  ${SER}
  const input = parse(raw);
  const scope = parse(raw).ctx;
  const MAX = input.maxResultChars;
  const hasOwn = Object.prototype.hasOwnProperty;
  const PH = /\\{\\{\\s*(vars|contact|message)((?:\\.[A-Za-z0-9_$-]+)*)\\s*\\}\\}/g;
  const replace = String.prototype.replace; const split = String.prototype.split; const slice = String.prototype.slice;
  const lookup = (root, path) => {
    let cur = scope[root];
    for (const key of path) { if (cur === null || typeof cur !== 'object' || !hasOwn.call(cur, key)) return undefined; cur = cur[key]; }
    return cur;
  };
  const render = (template) => replace.call(Str(template), PH, (_m, root, rest) => {
    const v = lookup(root, rest ? split.call(slice.call(rest, 1), '.') : []);
    if (v === undefined || v === null) return '';
    return typeof v === 'object' ? str(v) : Str(v);
  });
  const waiting = new Map(); const calls = []; const logs = []; let seq = 0;
  const http = (req) => new P((resolve, reject) => {
    const id = ++seq;
    let args;
    try { args = ser(req, 2 * 1024 * 1024); } catch (e) { const err = new TypeError('ctx.http: the request must be JSON (method, url, headers, body)'); err.code = 'HTTP_BLOCKED'; return reject(err); }
    waiting.set(id, { resolve, reject });
    calls.push(str({ id, op: 'http', args }));
  });
  const settings = input.settings;
  const setting = (name) => (hasOwn.call(settings, name) ? settings[name] : undefined);
  const LEVELS = ['debug', 'info', 'warn', 'error'];
  const log = (level, message, fields) => {
    if (logs.length >= 20) return;
    let f = null; try { f = fields === undefined ? null : ser(fields, 2000); } catch { f = null; }
    logs.push('{"level":' + str(LEVELS.includes(level) ? level : 'info') + ',"message":' + str(Str(message).slice(0, 500)) + ',"fields":' + (f ?? 'null') + '}');
  };
  globalThis.__out = undefined;
  const done = (r) => { try { globalThis.__out = '{"ok":' + ser(r, MAX) + ',"logs":[' + logs.join(',') + ']}'; } catch (e) { globalThis.__out = fail(e); } };
  const failed = (e) => { globalThis.__out = fail(e); };
  // 'O' + the result once settled, else 'C' + the queued host calls ('' when none)
  globalThis.__parleyPoll = () => (globalThis.__out !== undefined ? 'O' + globalThis.__out : 'C' + (calls.length ? '[' + calls.splice(0).join(',') + ']' : ''));
  globalThis.__parleyResolve = (id, res) => {
    const w = waiting.get(id); if (!w) return; waiting.delete(id);
    const r = parse(res);
    if (r.error) { const err = new Error(Str(r.error.message)); err.name = 'HostError'; err.code = r.error.code; w.reject(err); } else w.resolve(r.ok);
  };
  globalThis.__parleyStart = () => {
    try {
      if (globalThis.__parleyLoadError !== undefined) { const e = globalThis.__parleyLoadError; throw new Error('the node bundle failed to load: ' + (e && e.name ? e.name + ': ' : '') + Str(e && e.message !== undefined ? e.message : e)); }
      const mod = globalThis.__parleyPlugin;
      const plugin = mod && (mod.default || mod);
      if (!plugin || typeof plugin.setup !== 'function') throw new TypeError('the node bundle does not default-export a definePlugin(...) value');
      const defs = new Map();
      const quiet = { debug() {}, info() {}, warn() {}, error() {} };
      const host = { pluginId: input.pluginId, logger: quiet, setting, registerChannel() {}, registerNode(d) { if (d && typeof d.type === 'string') defs.set(d.type, d); } };
      const started = then.call(P.resolve(plugin.setup(host)), () => {
        const def = defs.get(input.type);
        if (!def) throw new TypeError('the node bundle does not register ' + input.type);
        const fn = def[input.op];
        if (typeof fn !== 'function') throw new TypeError(input.type + ' has no ' + input.op + '()');
        const c = input.ctx;
        const ctx = { config: c.config, nodeId: c.nodeId, runId: c.runId, vars: c.vars, contact: c.contact, message: c.message, state: c.state,
          simulation: c.simulation, wake: c.wake, now: c.now, render, http, setting, log,
          runCode: () => P.reject(new Error('ctx.runCode is not available to plugin nodes')) };
        return fn.call(def, ctx);
      });
      then.call(started, done, failed);
    } catch (e) { failed(e); }
  };
})(); undefined;`;

  const classify = (e: any, iso: any) => {
    const msg = String(e?.message ?? e);
    if (iso.isDisposed || /memory limit/i.test(msg)) return { fail: 'MEMORY' };
    if (/timed out/i.test(msg)) return { fail: 'TIMEOUT' };
    if (/Array buffer allocation failed|Invalid (string|array) length/i.test(msg)) return { fail: 'MEMORY' };
    return { error: 'Error', message: msg.slice(0, 500) };
  };
  const release = (ctx: any, iso: any) => {
    if (ctx && !iso.isDisposed) {
      try {
        ctx.release();
      } catch {
        /* already gone */
      }
    }
  };

  const run = async (job: { code: string; input: string; timeoutMs: number }) => {
    const iso = getIsolate();
    let ctx: any = null;
    try {
      ctx = await iso.createContext();
      await ctx.global.set('__input', job.input);
      let script;
      try {
        script = await iso.compileScript(`const __user = async function (vars, contact, message) {\n"use strict";\n${job.code}\n};\n${codePrelude}`);
      } catch (e: any) {
        return { error: 'SyntaxError', message: String(e?.message ?? e).slice(0, 500) };
      }
      await script.run(ctx, { timeout: job.timeoutMs });
      const out = await ctx.eval('globalThis.__out', { timeout: 100, copy: true });
      if (typeof out !== 'string') return { fail: 'UNSETTLED' };
      return { raw: out };
    } catch (e: any) {
      return classify(e, iso);
    } finally {
      release(ctx, iso);
    }
  };

  // answers of the host to the running node job's calls
  let current: number | null = null;
  let replies: { reply: number; res: string }[] = [];
  let wake: (() => void) | null = null;
  const nextReply = () =>
    new Promise<{ reply: number; res: string }>((resolve) => {
      const take = () => {
        const r = replies.shift();
        if (r) return resolve(r);
        wake = take;
      };
      take();
    });

  const runNode = async (job: { id: number; bundleId: string; bundleCode?: string; input: string; timeoutMs: number; maxCalls: number }) => {
    const iso = getIsolate();
    let ctx: any = null;
    let used = 0;
    const enter = async (fn: (timeout: number) => Promise<any>) => {
      const left = job.timeoutMs - used;
      if (left <= 0) throw new Error('Script execution timed out.');
      const t0 = Date.now();
      try {
        return await fn(left);
      } finally {
        used += Date.now() - t0;
      }
    };
    try {
      if (job.bundleCode !== undefined) bundles.set(job.bundleId, job.bundleCode);
      const code = bundles.get(job.bundleId);
      if (code === undefined) return { error: 'Error', message: 'the node bundle is not loaded in this worker' };
      ctx = await iso.createContext();
      await ctx.global.set('__input', job.input);
      // one script per bundle: the prelude, the bundle (its load errors kept for the start), the start
      let script, poll;
      try {
        script = await compiled(iso, `plugin:${job.bundleId}`, `${nodePrelude}\ntry {\n${code}\n} catch (e) { globalThis.__parleyLoadError = e; }\n__parleyStart(); undefined;`);
        poll = await compiled(iso, 'parley:node-poll', '__parleyPoll()');
      } catch (e: any) {
        return { error: 'SyntaxError', message: `the node bundle does not compile: ${String(e?.message ?? e).slice(0, 500)}` };
      }
      await enter((timeout) => script.run(ctx, { timeout }));
      let resolveRef: any = null;
      const outstanding = new Set<number>();
      let calls = 0;
      for (;;) {
        const polled = await enter((timeout) => poll.run(ctx, { timeout, copy: true }));
        if (typeof polled !== 'string') return { fail: 'RESULT_INVALID', message: 'the sandbox state was tampered with' };
        if (polled[0] === 'O') return { raw: polled.slice(1) };
        const pending = polled.slice(1);
        if (pending) {
          for (const c of JSON.parse(pending) as { id: number; op: string; args: string }[]) {
            if (++calls > job.maxCalls) {
              replies.push({ reply: c.id, res: JSON.stringify({ error: { code: 'HTTP_LIMIT', message: `More than ${job.maxCalls} host calls in one node execution` } }) });
              continue;
            }
            outstanding.add(c.id);
            process.send!({ id: job.id, call: { id: c.id, op: String(c.op), args: String(c.args) } });
          }
        }
        if (!outstanding.size && !replies.length) return { fail: 'UNSETTLED' };
        const r = await nextReply();
        outstanding.delete(r.reply);
        // reading a property never runs accessors of the isolate (isolated-vm's default)
        resolveRef ??= await ctx.global.get('__parleyResolve', { reference: true });
        await enter((timeout) => resolveRef.apply(undefined, [r.reply, r.res], { timeout }));
      }
    } catch (e: any) {
      return classify(e, iso);
    } finally {
      release(ctx, iso);
    }
  };

  process.on('message', (msg: any) => {
    if (msg.reply !== undefined) {
      if (msg.id !== current) return;
      replies.push({ reply: msg.reply, res: msg.res });
      const w = wake;
      wake = null;
      w?.();
      return;
    }
    if (msg.kind === 'node') {
      current = msg.id;
      replies = [];
      wake = null;
      void runNode(msg).then((res) => {
        current = null;
        process.send!({ id: msg.id, ...res });
      });
      return;
    }
    void run(msg).then((res) => process.send!({ id: msg.id, ...res }));
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ ready: true });
}
