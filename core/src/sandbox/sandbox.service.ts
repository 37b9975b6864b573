import { Inject, Injectable, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { SandboxPool, type SandboxInput } from './sandbox.pool.js';

/**
 * The app's sandbox: one {@link SandboxPool} (defaults 32 MB, 1 s per run, 64 KiB results, 2
 * worker processes — SANDBOX_MEMORY_MB, SANDBOX_TIMEOUT_MS, SANDBOX_WORKERS; workers start on
 * first use). `run` throws a typed `SandboxError`. Plugin nodes run through `pool.runNode`
 * (see `sandboxed-node.ts`).
 */
@Injectable()
export class SandboxService implements OnApplicationShutdown {
  readonly pool: SandboxPool;

  constructor(@Optional() @Inject(APP_CONFIG) config?: AppConfig) {
    this.pool = new SandboxPool(config?.sandbox ?? {});
  }

  /** Runs `code` (an async function body over `vars`, `contact`, `message`). @throws SandboxError. */
  run(code: string, input: SandboxInput): Promise<unknown> {
    return this.pool.run(code, input);
  }

  onApplicationShutdown(): Promise<void> {
    return this.pool.close();
  }
}
