/**
 * A pool of sandbox worker processes, each running isolated-vm isolates (DESIGN.md §6). Code
 * gets only the values copied in (`vars`, `contact`, `message` as JSON) and returns a
 * JSON-serialisable value of bounded size; limits: memory per isolate, time per run. A worker
 * that dies (fatal out-of-memory) or hangs is replaced; the job fails with a typed error and
 * the host process is never affected.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
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
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = { memoryMb: 32, timeoutMs: 1000, maxResultChars: 64 * 1024, workers: 2 };

/** Values copied into the isolate. */
export interface SandboxInput {
  vars: Record<string, unknown>;
  contact: Record<string, unknown> | null;
  message: Record<string, unknown> | null;
}

interface Job {
  code: string;
  input: string;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface Worker {
  proc: ChildProcess;
  ready: Promise<void>;
  job: (Job & { id: number; watchdog: NodeJS.Timeout }) | null;
  killedForTime?: boolean;
}

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
      this.queue.push({ code, input: payload, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length) {
      let w = this.workers.find((x) => !x.job);
      if (!w && this.workers.length < this.limits.workers) w = this.spawn();
      if (!w) return;
      this.assign(w, this.queue.shift()!);
    }
  }

  private spawn(): Worker {
    this.spawned++;
    const src = `(${workerMain.toString()})(${JSON.stringify(this.ivmPath)}, ${this.limits.memoryMb});`;
    const proc = spawn(process.execPath, ['--no-node-snapshot', '-e', src], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const w: Worker = { proc, job: null, ready: Promise.resolve() };
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
    proc.on('message', (m: { id?: number; raw?: string; fail?: string; error?: string; message?: string }) => {
      if (m.id === undefined || !w.job || w.job.id !== m.id) return;
      const job = w.job;
      clearTimeout(job.watchdog);
      w.job = null;
      this.settle(job, m);
      this.pump();
    });
    proc.once('exit', () => {
      const i = this.workers.indexOf(w);
      if (i >= 0) this.workers.splice(i, 1);
      if (w.job) {
        clearTimeout(w.job.watchdog);
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

  private assign(w: Worker, job: Job): void {
    const id = ++this.seq;
    // the isolate enforces the time limit itself; this watchdog covers a stuck worker
    const watchdog = setTimeout(() => {
      w.killedForTime = true;
      w.proc.kill('SIGKILL');
    }, this.limits.timeoutMs + 5_000 + 2_000);
    w.job = { ...job, id, watchdog };
    void w.ready.then(() => {
      if (w.job?.id !== id) return;
      try {
        w.proc.send({ id, code: job.code, input: job.input, timeoutMs: this.limits.timeoutMs });
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
    if (typeof m.raw !== 'string' || m.raw.length > this.limits.maxResultChars + 64) return job.reject(new SandboxError(...FAIL_MESSAGES.RESULT_TOO_LARGE));
    try {
      const parsed = JSON.parse(m.raw) as { ok?: unknown; fail?: string; error?: string; message?: string };
      if ('ok' in parsed) return job.resolve(parsed.ok);
      this.settle(job, { fail: parsed.fail, error: parsed.error, message: parsed.message });
    } catch {
      job.reject(new SandboxError(...FAIL_MESSAGES.RESULT_INVALID));
    }
  }

  /** Stops the workers; queued and running jobs fail with SANDBOX_UNAVAILABLE. */
  async close(): Promise<void> {
    this.closed = true;
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
