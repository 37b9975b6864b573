import { Global, Module } from '@nestjs/common';
import { JobsService } from './jobs.service.js';

/** Durable jobs (agenda 6 over Parley's database); global so any domain can define jobs. */
@Global()
@Module({ providers: [JobsService], exports: [JobsService] })
export class JobsModule {}
