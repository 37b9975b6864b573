/**
 * Structured logs with pino: one root logger, Nest's own logs routed into it, and
 * `pino-http` request logs (method, url, status, ms).
 */
import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';

/** Creates the root logger at `level` (JSON lines on stdout). */
export function createRootLogger(level: string): Logger {
  return pino({ level, base: { app: 'parley' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** Adapter so Nest's framework logs go through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

/** Nest injection token of the root pino logger. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
