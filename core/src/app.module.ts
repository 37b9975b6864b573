import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { EntitlementsModule } from './entitlements/entitlements.module.js';
import { HealthController } from './http/health.controller.js';
import { ROOT_LOGGER } from './logging/logger.js';
import { MediaController } from './media/media.controller.js';
import { MediaService } from './media/media.service.js';
import { OutboxService } from './outbox/outbox.service.js';
import { PluginRegistry } from './plugins/plugin-registry.js';
import { RealtimeService } from './realtime/realtime.service.js';
import { TenancyModule } from './tenancy/tenancy.module.js';
import { ChannelsModule } from './channels/channels.module.js';
import { ConversationsModule } from './conversations/conversations.module.js';
import { FlowsModule } from './flows/flows.module.js';
import { FlowTriggersModule } from './flows/flow-triggers.module.js';
import { AutomationsModule } from './automations/automations.module.js';
import { CannedModule } from './canned/canned.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { WebchatModule } from './webchat/webchat.module.js';
import { OpsModule } from './ops/ops.module.js';

/** Shared infrastructure: logger, plugin registry, outbox, realtime, media. */
@Global()
@Module({})
class InfraModule {
  static create(logger: Logger, registry: PluginRegistry): DynamicModule {
    return {
      module: InfraModule,
      controllers: [HealthController, MediaController],
      providers: [{ provide: ROOT_LOGGER, useValue: logger }, { provide: PluginRegistry, useValue: registry }, OutboxService, RealtimeService, MediaService],
      exports: [ROOT_LOGGER, PluginRegistry, OutboxService, RealtimeService, MediaService],
    };
  }
}

/** The root module, built from already-opened resources (config, database, plugins). */
@Module({})
export class AppModule {
  static create(deps: { config: AppConfig; dataSource: DataSource; logger: Logger; registry: PluginRegistry }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(deps.config),
        DatabaseModule.forDataSource(deps.dataSource),
        InfraModule.create(deps.logger, deps.registry),
        EntitlementsModule,
        JobsModule,
        // before ChannelsModule: POST /webhooks/flows/:flowId must win over /webhooks/:type/:channelId
        FlowsModule,
        FlowTriggersModule,
        AutomationsModule,
        TenancyModule,
        ChannelsModule,
        ConversationsModule,
        CannedModule,
        WebchatModule,
        OpsModule,
      ],
    };
  }
}
