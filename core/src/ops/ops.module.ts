import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';
import { OpsRepository } from './ops.repository.js';
import { RetentionService } from './retention.service.js';

/** Operations: retention of operational rows, Prometheus metrics at `GET /metrics`. */
@Module({ controllers: [MetricsController], providers: [OpsRepository, RetentionService, MetricsService], exports: [RetentionService, MetricsService] })
export class OpsModule {}
