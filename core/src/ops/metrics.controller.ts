import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppError, notFound } from '../http/app-error.js';
import { MetricsService } from './metrics.service.js';

/**
 * `GET /metrics`: Prometheus text format (`text/plain; version=0.0.4`). Served only when
 * `METRICS_TOKEN` is set (otherwise 404 NOT_FOUND) and to `Authorization: Bearer <METRICS_TOKEN>`
 * (otherwise 401 UNAUTHENTICATED).
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() res: Response): Promise<void> {
    if (!this.metrics.enabled) throw notFound('Route');
    if (!this.metrics.authorized(authorization)) throw new AppError('UNAUTHENTICATED', 'Missing or wrong metrics token');
    const { contentType, body } = await this.metrics.scrape();
    res.setHeader('Cache-Control', 'no-store');
    res.type(contentType).send(body);
  }
}
