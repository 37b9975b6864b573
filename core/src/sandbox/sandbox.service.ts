import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { SandboxPool, type SandboxInput } from './sandbox.pool.js';

/**
 * The app's sandbox: one {@link SandboxPool} (32 MB, 1 s per run, 64 KiB results, 2 worker
 * processes; workers start on first use). `run` throws a typed `SandboxError`.
 */
@Injectable()
export class SandboxService implements OnApplicationShutdown {
  readonly pool = new SandboxPool();

  /** Runs `code` (an async function body over `vars`, `contact`, `message`). @throws SandboxError. */
  run(code: string, input: SandboxInput): Promise<unknown> {
    return this.pool.run(code, input);
  }

  onApplicationShutdown(): Promise<void> {
    return this.pool.close();
  }
}
