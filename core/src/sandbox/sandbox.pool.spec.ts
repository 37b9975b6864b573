import { afterAll, describe, expect, it } from 'vitest';
import { SandboxPool } from './sandbox.pool.js';
import { SandboxError } from './sandbox.errors.js';

const pool = new SandboxPool({ timeoutMs: 500, workers: 2 });
afterAll(() => pool.close());
const input = { vars: { n: 2, name: 'Ana' }, contact: { name: 'Ana Lima' }, message: { text: 'hi' } };
const code = async (src: string) => {
  try {
    return { ok: await pool.run(src, input) };
  } catch (e) {
    expect(e).toBeInstanceOf(SandboxError);
    return { code: (e as SandboxError).code, message: (e as SandboxError).message };
  }
};

describe('SandboxPool', () => {
  it('runs code with the copied-in values and returns JSON', async () => {
    expect(await code('return vars.n * 21')).toEqual({ ok: 42 });
    expect(await code('return { greeting: `hi ${contact.name}`, text: message.text, list: [1, "a", null, true] }')).toEqual({
      ok: { greeting: 'hi Ana Lima', text: 'hi', list: [1, 'a', null, true] },
    });
    expect(await code('return await Promise.resolve(vars.name)')).toEqual({ ok: 'Ana' });
    expect(await code('vars.n = 99; return undefined')).toEqual({ ok: null });
  });

  it('reports thrown errors and syntax errors as script errors', async () => {
    expect(await code('throw new TypeError("nope")')).toMatchObject({ code: 'SANDBOX_SCRIPT_ERROR', message: expect.stringContaining('TypeError: nope') });
    expect(await code('return {')).toMatchObject({ code: 'SANDBOX_SCRIPT_ERROR', message: expect.stringContaining('SyntaxError') });
  });

  it('has no process, require, or host constructors', async () => {
    expect(await code('return [typeof process, typeof require, typeof module, typeof globalThis.fetch, typeof setTimeout]')).toEqual({
      ok: ['undefined', 'undefined', 'undefined', 'undefined', 'undefined'],
    });
    expect(await code('return constructor.constructor("return typeof process")()')).toEqual({ ok: 'undefined' });
    expect(await code('return (() => {}).constructor("return typeof process")()')).toEqual({ ok: 'undefined' });
    expect(await code('return vars.constructor.constructor("return this")() === globalThis')).toEqual({ ok: true });
    expect(await code('return Object.getPrototypeOf(vars) === Object.prototype')).toEqual({ ok: true });
    expect(await code('return import("fs")')).toMatchObject({ code: 'SANDBOX_SCRIPT_ERROR' });
  });

  it('stops infinite loops and microtask floods with a timeout', async () => {
    expect(await code('while (true) {}')).toMatchObject({ code: 'SANDBOX_TIMEOUT' });
    expect(await code('for (;;) await null')).toMatchObject({ code: 'SANDBOX_TIMEOUT' });
    // a promise flood ends on the time or the memory limit, whichever comes first
    expect(await code('const f = () => Promise.resolve().then(f); f(); await new Promise(() => {})')).toMatchObject({ code: expect.stringMatching(/SANDBOX_(TIMEOUT|MEMORY)/) });
  });

  it('fails a never-settling promise instead of hanging', async () => {
    expect(await code('await new Promise(() => {}); return 1')).toMatchObject({ code: 'SANDBOX_UNSETTLED' });
  });

  it('survives memory bombs (heap growth and single huge allocations)', async () => {
    // near the heap limit V8 spends its time in GC: on a loaded machine the 500 ms limit of this
    // pool may strike first; either way the job fails typed and the pool recovers
    expect(await code('const a = []; for (;;) a.push("x".repeat(1000) + Math.random())')).toMatchObject({ code: expect.stringMatching(/SANDBOX_(MEMORY|TIMEOUT)/) });
    expect(await code('return new Array(1e8).fill(0).length')).toMatchObject({ code: expect.stringMatching(/SANDBOX_(MEMORY|TIMEOUT)/) });
    expect(await code('return new ArrayBuffer(1e9).byteLength')).toMatchObject({ code: expect.stringMatching(/SANDBOX_(MEMORY|SCRIPT_ERROR)/) });
    // the pool recovers: the next job runs
    expect(await code('return 1')).toEqual({ ok: 1 });
  });

  it('refuses huge and non-JSON results', async () => {
    expect(await code('return "x".repeat(20e6)')).toMatchObject({ code: 'SANDBOX_RESULT_TOO_LARGE' });
    expect(await code('return Array.from({ length: 100000 }, (_, i) => i)')).toMatchObject({ code: 'SANDBOX_RESULT_TOO_LARGE' });
    expect(await code('return () => 1')).toMatchObject({ code: 'SANDBOX_RESULT_INVALID' });
    expect(await code('const a = {}; a.a = a; return a')).toMatchObject({ code: 'SANDBOX_RESULT_INVALID' });
    expect(await code('return 10n')).toMatchObject({ code: 'SANDBOX_RESULT_INVALID' });
  });

  it('runs concurrent jobs and keeps the host healthy', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.run(`return ${i} * 2`, input)));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(process.memoryUsage().rss).toBeLessThan(1.5e9);
  });
});
