import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { AppError, type ErrorCode } from './app-error.js';

const HTTP_TO_CODE: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
};

/**
 * Maps every thrown error to the public error body
 * `{"error":{"code","message","details"}}` (DESIGN.md §4). Unknown errors become 500
 * `INTERNAL_ERROR` and are logged; their text is not leaked.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, code, message, details } = this.describe(exception);
    if (status >= 500) this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    if (res.headersSent) return;
    res.status(status).json({ error: { code, message, ...(details ? { details } : {}) } });
  }

  private describe(e: unknown): { status: number; code: ErrorCode; message: string; details?: Record<string, unknown> } {
    if (e instanceof AppError) return { status: e.status, code: e.code, message: e.message, details: e.details };
    if (e instanceof HttpException) {
      const status = e.getStatus();
      const code = HTTP_TO_CODE[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED');
      const body = e.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message?.toString() ?? e.message);
      return { status, code, message };
    }
    // body-parser errors (malformed JSON, too large) carry `status` and `type`
    const err = e as { status?: number; type?: string; message?: string };
    if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      const code = err.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED';
      return { status: err.status, code, message: err.type === 'entity.parse.failed' ? 'Malformed JSON body' : (err.message ?? 'Bad request') };
    }
    return { status: 500, code: 'INTERNAL_ERROR', message: 'Internal server error' };
  }
}
