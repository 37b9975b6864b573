/**
 * The sandbox worker's program. It runs in a separate Node process (spawned by
 * {@link SandboxPool}) because some allocations past an isolate's memory limit abort the whole
 * process (V8 fatal OOM) instead of disposing the isolate: then only the worker dies.
 *
 * `workerMain` must be self-contained: it is serialised with `toString()` and run with `node -e`.
 */
export function workerMain(ivmPath: string, memoryLimitMb: number): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ivm = require(ivmPath);
  let isolate: any = null;
  const getIsolate = () => {
    if (!isolate || isolate.isDisposed) isolate = new ivm.Isolate({ memoryLimit: memoryLimitMb });
    return isolate;
  };
  // Runs inside the isolate before the user's code: captures the primitives it needs, then
  // serialises the result with a size bound (never allocating more than the limit).
  const prelude = `(function () {
  const input = JSON.parse(globalThis.__input); delete globalThis.__input;
  const MAX = input.maxResultChars; const keys = Object.keys; const isArray = Array.isArray; const str = JSON.stringify;
  const isFin = Number.isFinite; const S = Set; const P = Promise; const then = Promise.prototype.then;
  class Bad extends Error {}
  function ser(v) {
    const parts = []; let size = 0; const seen = new S();
    const push = (s) => { size += s.length; if (size > MAX) throw new Bad('RESULT_TOO_LARGE'); parts.push(s); };
    const walk = (x, d) => {
      if (d > 64) throw new Bad('RESULT_INVALID:nested deeper than 64 levels');
      if (x === null || x === undefined) return push('null');
      const t = typeof x;
      if (t === 'string') { if (x.length > MAX) throw new Bad('RESULT_TOO_LARGE'); return push(str(x)); }
      if (t === 'number') return push(isFin(x) ? String(x) : 'null');
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
    if (e instanceof Bad) { const [code, ...rest] = String(e.message).split(':'); return str({ fail: code, message: rest.join(':') }); }
    let name = 'Error', message = '';
    try { name = String((e && e.name) || 'Error').slice(0, 100); message = String(e && e.message !== undefined ? e.message : e).slice(0, 500); } catch { message = 'unprintable error'; }
    return str({ error: name, message });
  };
  globalThis.__out = undefined;
  let p;
  try { p = __user(input.vars, input.contact, input.message); } catch (e) { globalThis.__out = fail(e); return; }
  then.call(P.resolve(p), (r) => { try { globalThis.__out = '{"ok":' + ser(r) + '}'; } catch (e) { globalThis.__out = fail(e); } }, (e) => { globalThis.__out = fail(e); });
})(); undefined;`;

  const run = async (job: { code: string; input: string; timeoutMs: number }) => {
    const iso = getIsolate();
    let ctx: any = null;
    try {
      ctx = await iso.createContext();
      await ctx.global.set('__input', job.input);
      let script;
      try {
        script = await iso.compileScript(`const __user = async function (vars, contact, message) {\n"use strict";\n${job.code}\n};\n${prelude}`);
      } catch (e: any) {
        return { error: 'SyntaxError', message: String(e?.message ?? e).slice(0, 500) };
      }
      await script.run(ctx, { timeout: job.timeoutMs });
      const out = await ctx.eval('globalThis.__out', { timeout: 100, copy: true });
      if (typeof out !== 'string') return { fail: 'UNSETTLED' };
      return { raw: out };
    } catch (e: any) {
      const msg = String(e?.message ?? e);
      if (iso.isDisposed || /memory limit/i.test(msg)) return { fail: 'MEMORY' };
      if (/timed out/i.test(msg)) return { fail: 'TIMEOUT' };
      if (/Array buffer allocation failed|Invalid (string|array) length/i.test(msg)) return { fail: 'MEMORY' };
      return { error: 'Error', message: msg.slice(0, 500) };
    } finally {
      if (ctx && !iso.isDisposed) {
        try {
          ctx.release();
        } catch {
          /* already gone */
        }
      }
    }
  };

  process.on('message', (msg: any) => {
    void run(msg).then((res) => process.send!({ id: msg.id, ...res }));
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ ready: true });
}
