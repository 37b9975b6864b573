/**
 * Builds the Parley application: validated config → database (migrated) → plugins →
 * Nest app with body parsers, error filter, OpenAPI, request logs and socket.io.
 * Used by `main.ts`, the integration tests and the benchmarks.
 */
import 'reflect-metadata';
import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { loadConfig, type AppConfig } from './config/config.js';
import { openDataSource } from './database/data-source.js';
import { ErrorFilter } from './http/error.filter.js';
import { httpMetricsMiddleware } from './ops/metrics.js';
import { createRootLogger, PinoNestLogger } from './logging/logger.js';
import { loadPlugins } from './plugins/plugin-loader.js';
import { PluginRegistry } from './plugins/plugin-registry.js';
import { RealtimeService } from './realtime/realtime.service.js';
import { AppModule } from './app.module.js';
import { serveInbox } from './static/static.js';

export interface ParleyApp {
  app: NestExpressApplication;
  config: AppConfig;
  logger: Logger;
  /** Starts listening on `config.port` (0 = any free port); returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** Creates the app. `env` defaults to process.env. Migrations run before this resolves. */
export async function createParleyApp(env: Record<string, string | undefined> = process.env, opts: { logger?: Logger } = {}): Promise<ParleyApp> {
  const config = loadConfig(env);
  const logger = opts.logger ?? createRootLogger(config.logLevel);
  const dataSource = await openDataSource(config);
  logger.info({ dialect: dataSource.options.type }, 'database ready, migrations applied');
  const registry = new PluginRegistry();
  await loadPlugins({ registry, setting: (n) => config.settings[n], logger }, config.extraPlugins);

  const app = await NestFactory.create<NestExpressApplication>(AppModule.create({ config, dataSource, logger, registry }), {
    bodyParser: false,
    logger: new PinoNestLogger(logger),
  });
  app.enableShutdownHooks();
  // TRUST_PROXY: req.ip (web-chat rate limits, request logs) is the X-Forwarded-For client behind trusted proxies
  app.set('trust proxy', config.trustProxy);
  // request duration by route template (GET /metrics)
  app.use(httpMetricsMiddleware);
  app.use(pinoHttp({ logger, autoLogging: { ignore: (req) => req.url === '/health' }, customProps: (req) => ({ clientIp: (req as express.Request).ip }), customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug') }));
  // webhooks need the exact bytes for signatures; everything else is JSON
  app.use('/webhooks', express.raw({ type: () => true, limit: '5mb' }));
  // media uploads may come as raw bytes with their content type (multipart goes to multer)
  app.use('/api/v1/media', express.raw({ type: (req) => { const ct = String(req.headers['content-type'] ?? ''); return !!ct && !/^multipart\/|json/i.test(ct); }, limit: '101mb' }));
  app.use(express.json({ limit: '1mb' }));
  // the built inbox at /inbox (SPA fallback), and / → /inbox/
  serveInbox(app);
  app.useGlobalFilters(new ErrorFilter());
  app.enableCors({ origin: true, credentials: true });

  const openapi = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('Parley API').setDescription('Multi-tenant omnichannel CRM: inbox, channels, contacts').setVersion('1').addBearerAuth().build(),
  );
  SwaggerModule.setup('api/docs', app, openapi, { jsonDocumentUrl: 'api/openapi.json' });

  await app.init();
  await app.get(RealtimeService).attach(app.getHttpServer() as Server);

  return {
    app,
    config,
    logger,
    async listen() {
      await app.listen(config.port, config.host);
      const addr = (app.getHttpServer() as Server).address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      return `http://127.0.0.1:${port}`;
    },
    close: () => app.close(),
  };
}
