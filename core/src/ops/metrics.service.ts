import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Gauge, Registry } from 'prom-client';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { SandboxService } from '../sandbox/sandbox.service.js';
import { sharedRegistry } from './metrics.js';
import { OpsRepository } from './ops.repository.js';

/**
 * This app's metrics: the process-wide registry plus gauges read at scrape time (outbox backlog,
 * sandbox pool workers), and the `METRICS_TOKEN` check of `GET /metrics`.
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  private readonly registry = new Registry();
  private sandbox: SandboxService | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: OpsRepository,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    try {
      this.sandbox = this.moduleRef.get(SandboxService, { strict: false });
    } catch {
      this.sandbox = null;
    }
    const repo = this.repo;
    const sandbox = () => this.sandbox;
    new Gauge({
      name: 'parley_outbox_backlog',
      help: 'Outbox rows waiting to be handled (post-commit work: realtime events, media downloads, flows)',
      registers: [this.registry],
      async collect() {
        this.set(await repo.count('outbox'));
      },
    });
    new Gauge({
      name: 'parley_sandbox_workers',
      help: 'Sandbox (isolated-vm) worker processes alive',
      registers: [this.registry],
      collect() {
        this.set(sandbox()?.pool.size ?? 0);
      },
    });
    new Gauge({
      name: 'parley_sandbox_workers_configured',
      help: 'Configured sandbox worker processes (SANDBOX_WORKERS); the pool may start up to twice as many',
      registers: [this.registry],
      collect() {
        this.set(sandbox()?.pool.limits.workers ?? 0);
      },
    });
  }

  /** Whether `GET /metrics` is served (METRICS_TOKEN set). */
  get enabled(): boolean {
    return !!this.config.metricsToken;
  }

  /** Whether `authorization` is `Bearer <METRICS_TOKEN>` (timing-safe compare). */
  authorized(authorization: string | undefined): boolean {
    const want = this.config.metricsToken;
    if (!want || !authorization?.startsWith('Bearer ')) return false;
    const a = Buffer.from(authorization.slice(7).trim());
    const b = Buffer.from(want);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** The Prometheus text exposition and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    const merged = Registry.merge([sharedRegistry, this.registry]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }
}
