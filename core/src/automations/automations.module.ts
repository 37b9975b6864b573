import { Module } from '@nestjs/common';
import { FlowsRepository } from '../flows/flows.repository.js';
import { AutomationsController } from './automations.controller.js';
import { AutomationsService } from './automations.service.js';

/** Automations: rules compiled to flows of kind `automation`, run by the (global) flow engine. */
@Module({
  controllers: [AutomationsController],
  providers: [AutomationsService, FlowsRepository],
})
export class AutomationsModule {}
