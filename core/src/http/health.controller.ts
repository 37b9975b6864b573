import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Database } from '../database/database.service.js';
import { PluginRegistry } from '../plugins/plugin-registry.js';

/** Liveness and readiness. */
@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly db: Database,
    private readonly registry: PluginRegistry,
  ) {}

  /** `200 {"status":"ok"}` once migrations have run (the app only listens after them). */
  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness detail: database round trip, dialect and loaded plugins. */
  @Get('health/ready')
  async ready() {
    const started = Date.now();
    await this.db.manager.query('SELECT 1');
    return {
      status: 'ok',
      database: { dialect: this.db.dialect, latencyMs: Date.now() - started },
      plugins: this.registry.plugins.map((p) => ({ id: p.id, version: p.version, capabilities: p.capabilities })),
    };
  }
}
