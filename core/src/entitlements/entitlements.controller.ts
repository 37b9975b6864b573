import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ChannelsRepository } from '../channels/channels.repository.js';
import { notFound } from '../http/app-error.js';
import { PluginRegistry } from '../plugins/plugin-registry.js';
import { Auth, AuthGuard } from '../tenancy/auth.guard.js';
import type { AuthUser } from '../tenancy/auth.types.js';
import { TenancyRepository } from '../tenancy/tenancy.repository.js';
import { EntitlementsService, type EntitlementsJson } from './entitlements.service.js';

/** `GET /api/v1/entitlements`: the caller's plan, what it allows and how much is used. */
@ApiTags('entitlements')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('api/v1/entitlements')
export class EntitlementsController {
  constructor(
    private readonly entitlements: EntitlementsService,
    private readonly registry: PluginRegistry,
    private readonly channels: ChannelsRepository,
    private readonly tenancy: TenancyRepository,
  ) {}

  /** Every role may read it (agents see what is connected); only owner/admin act on it. */
  @Get()
  async get(@Auth() auth: AuthUser): Promise<EntitlementsJson> {
    const tenant = await this.tenancy.findTenant(auth.tenantId);
    if (!tenant) throw notFound('Tenant');
    const [used, users] = await Promise.all([this.channels.countByType(auth.tenantId), this.tenancy.countUsers(auth.tenantId)]);
    const installed = this.registry.channelTypes().map((type) => {
      const def = this.registry.channel(type)!;
      return { type, displayName: def.displayName, login: !!def.login };
    });
    return this.entitlements.describe(tenant.planId, { installed, channelsByType: used, users });
  }
}
