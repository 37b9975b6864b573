import { Global, Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { EntitlementsController } from './entitlements.controller.js';
import { EntitlementsService } from './entitlements.service.js';

@Global()
@Module({ imports: [ChannelsModule], controllers: [EntitlementsController], providers: [EntitlementsService], exports: [EntitlementsService] })
export class EntitlementsModule {}
