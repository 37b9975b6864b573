import { Module } from '@nestjs/common';
import { CannedController } from './canned.controller.js';
import { CannedRepository } from './canned.repository.js';
import { CannedService } from './canned.service.js';

/** Canned responses (issue 3). */
@Module({
  controllers: [CannedController],
  providers: [CannedRepository, CannedService],
})
export class CannedModule {}
