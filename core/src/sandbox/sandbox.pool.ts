/**
 * A pool of sandbox worker processes, each running isolated-vm isolates (DESIGN.md §6). Code
 * gets only the values copied in (`vars`, `contact`, `message` as JSON) and returns a
 * JSON-serialisable value of bounded size; limits: memory per isolate, time per run. A worker
 * that dies (fatal out-of-memory) or hangs is replaced; the job fails with a typed error and
 * the host process is never affected. Plugin nodes (`runNode`) run the same way, with host
 * calls (`ctx.http`) answered by a host function the caller supplies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { PluginBundle } from './plugin-bundle.js';
import { SandboxError, type SandboxErrorCode } from './sandbox.errors.js';
import { workerMain } from './worker-main.js';

/** Limits of the pool. */
export interface SandboxLimits {
  /** Memory limit per isolate, MB (default 32). */
  memoryMb: number;
  /** Time limit per run, ms (default 1000). */
  timeoutMs: number;
  /** Largest serialised result, characters (default 64 KiB). */
  maxResultChars: number;
  /** Worker processes (default 2); each runs one job at a time. */
  workers: number;
  /** Host calls (`ctx.http`) one plugin node execution may make (default 20). */
  maxHostCalls: number;
  /** Longest a host call may take before the node gets an error, ms (default 30 s). */
  hostCallTimeoutMs: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = { memoryMb: 32, timeoutMs: 1000, maxResultChars: 64 * 1024, workers: 2, maxHostCalls: 20, hostCallTimeoutMs: 30_000 };

/** Values copied into the isolate. */
export interface SandboxInput {
  vars: Record<string, unknown>;
  contact: Record<string, unknown> | null;
  message: Record<string, unknown> | null;
}

/** What a plugin node execution copies into the isolate (JSON only). */
export interface NodeJobInput {
  pluginId: string;
  /** The node type, `<pluginId>.<name>`. */
  type: string;
  op: 'execute' | 'resume';
  ctx: {
    config: unknown;
    nodeId: string;
    runId: string;
    vars: Record<string, unknown>;
    contact: unknown;
    message: unknown;
    state: Record<string, unknown>;
    simulation: boolean;
    wake?: 'message' | 'time';
    now: number;
  };
  /** Values of the settings granted to the plugin (`setting:<NAME>`). */
  settings: Record<string, string>;
}

/**
 * Answers a plugin node's host call: `op` (`http`) with `args`, the isolate's JSON text of the
 * arguments (at most 2 MiB). Resolves with a JSON-serialisable value copied back into the
 * isolate; rejects with an Error whose `code` (e.g. `HTTP_BLOCKED`) and `message` the node sees.
 */
export type HostCallHandler = (op: string, args: string) => Promise<unknown>;

/** A log line of a plugin node (`ctx.log`), at most 20 per execution. */
export interface NodeLogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | null;
}

interface Job {
  /** The message sent to the worker (without `id`). */
  msg: Record<string, unknown>;
  bundle?: PluginBundle;
  onCall?: HostCallHandler;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface Worker {
  proc: ChildProcess;
  ready: Promise<void>;
  job: (Job & { id: number; watchdog: NodeJS.Timeout | null; calls: number }) | null;
  /** Bundle ids this worker has received. */
  bundles: Set<string>;
  /** Set while an extra worker (beyond `limits.workers`) is idle: stops it. */
  idleTimer?: NodeJS.Timeout;
  killedForTime?: boolean;
}

const IDLE_EXTRA_WORKER_MS = 10_000;

const FAIL_MESSAGES: Record<string, [SandboxErrorCode, string]> = {
  TIMEOUT: ['SANDBOX_TIMEOUT', 'The code ran longer than the time limit'],
  MEMORY: ['SANDBOX_MEMORY', 'The code exceeded the memory limit'],
  RESULT_TOO_LARGE: ['SANDBOX_RESULT_TOO_LARGE', 'The result is larger than the limit'],
  RESULT_INVALID: ['SANDBOX_RESULT_INVALID', 'The result is not JSON-serialisable'],
  UNSETTLED: ['SANDBOX_UNSETTLED', 'The code returned a promise that never settles'],
};

export class SandboxPool {
  readonly limits: SandboxLimits;
  private readonly workers: Worker[] = [];
  private readonly queue: Job[] = [];
  private seq = 0;
  private closed = false;
  private readonly ivmPath = createRequire(import.meta.url).resolve('isolated-vm');
  /** Workers started so far (replacements included); for tests and metrics. */
  spawned = 0;

  constructor(limits: Partial<SandboxLimits> = {}) {
    this.limits = { ...DEFAULT_SANDBOX_LIMITS, ...limits };
  }

  /**
   * Runs `code` as the body of `async function (vars, contact, message)` and returns its
   * `return` value (JSON round-tripped). @throws SandboxError.
   */
  run(code: string, input: SandboxInput): Promise<unknown> {
    if (this.closed) return Promise.reject(new SandboxError('SANDBOX_UNAVAILABLE', 'The sandbox is shut down'));
    const payload = JSON.stringify({ vars: input.vars ?? {}, contact: input.contact ?? null, message: input.message ?? null, maxResultChars: this.limits.maxResultChars });
    return new Promise((resolve, reject) => {
      this.queue.push({ msg: { code, input: payload, timeoutMs: this.limits.timeoutMs }, resolve, reject });
      this.pump();
    });
  }

  /**
   * Runs `input.op` (`execute` / `resume`) of node `input.type` from `bundle` in an isolate and
   * returns its result (JSON round-tripped, bounded like {@link run}) with the node's log lines.
   * The time limit counts only time spent in the isolate, not in host calls.
   * @throws SandboxError (the node threw, looped, ran out of memory, returned too much...).
   */
  runNode(bundle: PluginBundle, input: NodeJobInput, onCall: HostCallHandler): Promise<{ result: unknown; logs: NodeLogEntry[] }> {
    if (this.closed) return Promise.reject(new SandboxError('SANDBOX_UNAVAILABLE', 'The sandbox is shut down'));
    let payload: string;
    try {
      payload = JSON.stringify({ ...input, maxResultChars: this.limits.maxResultChars });
    } catch (e) {
      return Promise.reject(new SandboxError('SANDBOX_UNAVAILABLE', `The node's context cannot be copied: ${(e as Error).message}`));
    }
    return new Promise<unknown>((resolve, reject) => {
      this.queue.push({ msg: { kind: 'node', bundleId: bundle.id, input: payload, timeoutMs: this.limits.timeoutMs, maxCalls: this.limits.maxHostCalls }, bundle, onCall, resolve, reject });
      this.pump();
    }).then((v) => v as { result: unknown; logs: NodeLogEntry[] });
  }

  /** Worker processes alive (at most twice `limits.workers`, see {@link pump}). */
  get size(): number {
    return this.workers.length;
  }

  private pump(): void {
    while (this.queue.length) {
      let w = this.workers.find((x) => !x.job);
      if (!w) {
        // a worker waiting for the host's answer to a plugin node's call (e.g. a slow HTTP API)
        // runs no code: up to `workers` extra processes may start meanwhile, so code nodes and
        // other plugin nodes are not held up by it
        const parked = this.workers.filter((x) => x.job && x.job.calls > 0).length;
        if (this.workers.length - parked < this.limits.workers && this.workers.length < this.limits.workers * 2) w = this.spawn();
      }
      if (!w) break;
      this.assign(w, this.queue.shift()!);
    }
    // extra workers stop after 10 s without work
    for (const w of this.workers) {
      if (w.job || w.idleTimer || this.workers.length <= this.limits.workers) continue;
      w.idleTimer = setTimeout(() => {
        w.idleTimer = undefined;
        if (w.job || this.workers.length <= this.limits.workers) return;
        this.workers.splice(this.workers.indexOf(w), 1);
        w.proc.kill('SIGKILL');
      }, IDLE_EXTRA_WORKER_MS);
      w.idleTimer.unref();
    }
  }

  private spawn(): Worker {
    this.spawned++;
    const src = `(${workerMain.toString()})(${JSON.stringify(this.ivmPath)}, ${this.limits.memoryMb});`;
    const proc = spawn(process.execPath, ['--no-node-snapshot', '-e', src], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const w: Worker = { proc, job: null, ready: Promise.resolve(), bundles: new Set() };
    w.ready = new Promise<void>((resolve) => {
      const onReady = (m: { ready?: boolean }) => {
        if (m?.ready) {
          proc.off('message', onReady);
          resolve();
        }
      };
      proc.on('message', onReady);
      proc.once('exit', () => resolve());
    });
    proc.on('message', (m: { id?: number; raw?: string; fail?: string; error?: string; message?: string; call?: { id: number; op: string; args: string } }) => {
      if (m.id === undefined || !w.job || w.job.id !== m.id) return;
      const job = w.job;
      if (m.call) return this.hostCall(w, job, m.call);
      if (job.watchdog) clearTimeout(job.watchdog);
      w.job = null;
      this.settle(job, m);
      this.pump();
    });
    proc.once('exit', () => {
      if (w.idleTimer) clearTimeout(w.idleTimer);
      const i = this.workers.indexOf(w);
      if (i >= 0) this.workers.splice(i, 1);
      if (w.job) {
        if (w.job.watchdog) clearTimeout(w.job.watchdog);
        const job = w.job;
        w.job = null;
        // the usual cause: V8 aborted the worker on an allocation past the memory limit
        job.reject(w.killedForTime ? new SandboxError(...FAIL_MESSAGES.TIMEOUT) : new SandboxError(...FAIL_MESSAGES.MEMORY));
      }
      if (!this.closed) this.pump();
    });
    proc.on('error', () => undefined);
    this.workers.push(w);
    return w;
  }

  // the isolate enforces the time limit itself; this watchdog covers a stuck worker (paused
  // while the host answers a plugin node's call)
  private watch(w: Worker): NodeJS.Timeout {
    return setTimeout(() => {
      w.killedForTime = true;
      w.proc.kill('SIGKILL');
    }, this.limits.timeoutMs + 5_000 + 2_000);
  }

  private assign(w: Worker, job: Job): void {
    const id = ++this.seq;
    if (w.idleTimer) {
      clearTimeout(w.idleTimer);
      w.idleTimer = undefined;
    }
    w.job = { ...job, id, watchdog: this.watch(w), calls: 0 };
    void w.ready.then(() => {
      if (w.job?.id !== id) return;
      try {
        const withCode = job.bundle && !w.bundles.has(job.bundle.id);
        w.proc.send({ id, ...job.msg, ...(withCode ? { bundleCode: job.bundle!.code } : {}) });
        if (withCode) w.bundles.add(job.bundle!.id);
      } catch {
        w.proc.kill('SIGKILL');
      }
    });
  }

  /** Answers a node's host call through the job's handler; always replies (errors included). */
  private hostCall(w: Worker, job: NonNullable<Worker['job']>, call: { id: number; op: string; args: string }): void {
    if (job.calls++ === 0) {
      if (job.watchdog) clearTimeout(job.watchdog);
      job.watchdog = null;
      if (this.queue.length) this.pump();
    }
    const handler = job.onCall;
    let timer: NodeJS.Timeout | undefined;
    const answer = new Promise<unknown>((resolve, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`The host call took longer than ${this.limits.hostCallTimeoutMs} ms`), { code: 'HOST_CALL_TIMEOUT' })), this.limits.hostCallTimeoutMs);
      if (!handler) return reject(Object.assign(new Error('No host calls are available'), { code: 'HOST_CALL_REFUSED' }));
      if (typeof call.args !== 'string' || call.args.length > 2 * 1024 * 1024) return reject(Object.assign(new Error('The call arguments are too large'), { code: 'HOST_CALL_REFUSED' }));
      handler(String(call.op), call.args).then(resolve, reject);
    });
    void answer
      .then(
        (ok) => JSON.stringify({ ok: ok ?? null }),
        (e: { code?: unknown; message?: unknown }) => JSON.stringify({ error: { code: typeof e?.code === 'string' ? e.code : 'HOST_CALL_FAILED', message: String(e?.message ?? e).slice(0, 1000) } }),
      )
      .then((res) => {
        clearTimeout(timer);
        if (w.job !== job) return; // the job ended meanwhile (worker died or was replaced)
        if (--job.calls === 0) job.watchdog = this.watch(w);
        try {
          w.proc.send({ id: job.id, reply: call.id, res });
        } catch {
          w.proc.kill('SIGKILL');
        }
      });
  }

  private settle(job: Job, m: { raw?: string; fail?: string; error?: string; message?: string }): void {
    if (m.fail) {
      const [code, message] = FAIL_MESSAGES[m.fail] ?? FAIL_MESSAGES.RESULT_INVALID;
      return job.reject(new SandboxError(code, m.message ? `${message}: ${m.message}` : message));
    }
    if (m.error) return job.reject(new SandboxError('SANDBOX_SCRIPT_ERROR', `${m.error}: ${m.message ?? ''}`.trim()));
    // node results also carry up to 20 log lines
    if (typeof m.raw !== 'string' || m.raw.length > this.limits.maxResultChars + (job.bundle ? 64 * 1024 : 0) + 64) return job.reject(new SandboxError(...FAIL_MESSAGES.RESULT_TOO_LARGE));
    try {
      const parsed = JSON.parse(m.raw) as { ok?: unknown; logs?: unknown; fail?: string; error?: string; message?: string };
      if ('ok' in parsed) return job.resolve(job.bundle ? { result: parsed.ok, logs: Array.isArray(parsed.logs) ? parsed.logs : [] } : parsed.ok);
      this.settle(job, { fail: parsed.fail, error: parsed.error, message: parsed.message });
    } catch {
      job.reject(new SandboxError(...FAIL_MESSAGES.RESULT_INVALID));
    }
  }

  /** Stops the workers; queued and running jobs fail with SANDBOX_UNAVAILABLE. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.workers) if (w.idleTimer) clearTimeout(w.idleTimer);
    for (const j of this.queue.splice(0)) j.reject(new SandboxError('SANDBOX_UNAVAILABLE', 'The sandbox is shut down'));
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.proc.exitCode !== null || w.proc.signalCode !== null) return resolve();
            w.proc.once('exit', () => resolve());
            w.proc.kill('SIGKILL');
          }),
      ),
    );
  }
}
