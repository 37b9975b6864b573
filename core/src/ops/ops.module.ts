import { Module } from '@nestjs/common';
import { RetentionRepository } from './retention.repository.js';
import { RetentionService } from './retention.service.js';

/** Operations: retention of operational rows (and, later, metrics). */
@Module({ providers: [RetentionRepository, RetentionService], exports: [RetentionService] })
export class OpsModule {}
