/** Why sandboxed code failed; the engine records it and takes the node's `error` branch. */
export type SandboxErrorCode =
  /** Ran longer than the time limit (infinite loops, microtask floods). */
  | 'SANDBOX_TIMEOUT'
  /** Exceeded the isolate's memory limit (the isolate or its worker process was discarded). */
  | 'SANDBOX_MEMORY'
  /** The code threw, or did not compile. */
  | 'SANDBOX_SCRIPT_ERROR'
  /** The result is not JSON-serialisable (functions, symbols, bigints, cycles, too deep). */
  | 'SANDBOX_RESULT_INVALID'
  /** The serialised result is larger than the limit. */
  | 'SANDBOX_RESULT_TOO_LARGE'
  /** The code returned a promise that can never settle (no timers or I/O exist inside). */
  | 'SANDBOX_UNSETTLED'
  /** The sandbox is shut down or its worker could not start. */
  | 'SANDBOX_UNAVAILABLE';

/** A typed failure of sandboxed code. `message` is safe to show to flow authors. */
export class SandboxError extends Error {
  constructor(
    readonly code: SandboxErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}

export const isSandboxError = (e: unknown): e is SandboxError => e instanceof SandboxError;
