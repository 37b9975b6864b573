import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { notFound } from '../http/app-error.js';
import { parsePageQuery, toPage, type Page } from '../http/pagination.js';
import { parseInput, zodSchema } from '../http/validation.js';
import { assertCan } from '../tenancy/abilities.js';
import { Auth, AuthGuard } from '../tenancy/auth.guard.js';
import type { AuthUser } from '../tenancy/auth.types.js';
import { toContactJson, type ContactJson } from './conversations.json.js';
import { ConversationsRepository } from './conversations.repository.js';
import { contactSchema } from './dto.js';
import { ChatsService } from './chats.service.js';
import { FlowDomainEvents } from '../flows/domain-events.js';

/** Contacts of the caller's tenant (DESIGN.md §4 Contacts). */
@ApiTags('contacts')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('api/v1/contacts')
export class ContactsController {
  constructor(
    private readonly repo: ConversationsRepository,
    private readonly chats: ChatsService,
    private readonly flowEvents: FlowDomainEvents,
  ) {}

  /** `{data:[contact], nextCursor}` newest first; `q` searches name, phone, email. */
  @Get()
  async list(@Auth() auth: AuthUser, @Query() query: Record<string, unknown>): Promise<Page<ContactJson>> {
    assertCan(auth.role, 'read', 'Contact');
    const { limit, cursor } = parsePageQuery<string>(query);
    const q = typeof query.q === 'string' && query.q.trim() ? query.q.trim() : undefined;
    return toPage(await this.repo.listContacts(auth.tenantId, q, limit, cursor), limit, toContactJson, (c) => c.id);
  }

  @Post()
  @ApiBody({ schema: zodSchema(contactSchema) })
  async create(@Auth() auth: AuthUser, @Body() body: unknown): Promise<ContactJson> {
    assertCan(auth.role, 'create', 'Contact');
    return toContactJson(await this.repo.createContact(auth.tenantId, parseInput(contactSchema, body)));
  }

  @Get(':id')
  async get(@Auth() auth: AuthUser, @Param('id') id: string): Promise<ContactJson> {
    assertCan(auth.role, 'read', 'Contact');
    const c = await this.repo.getContact(auth.tenantId, id);
    if (!c) throw notFound('Contact', id);
    return toContactJson(c);
  }

  /** The contact's chats (previous and current), most recent first: `{data:[chat], nextCursor:null}`. */
  @Get(':id/chats')
  chatsOf(@Auth() auth: AuthUser, @Param('id') id: string) {
    return this.chats.chatsOfContact(auth, id);
  }

  /** Updates the contact; its `contact_field_changed` flow event is written in the same transaction. */
  @Patch(':id')
  @ApiBody({ schema: zodSchema(contactSchema) })
  async update(@Auth() auth: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<ContactJson> {
    assertCan(auth.role, 'update', 'Contact');
    const patch = parseInput(contactSchema, body);
    const changed = await this.repo.changeContact(auth.tenantId, id, patch, (m, before, after) =>
      this.flowEvents.contactChangedIn(m, auth.tenantId, before, after, auth.userId),
    );
    if (!changed) throw notFound('Contact', id);
    this.flowEvents.deliver(changed.result);
    return toContactJson(changed.contact);
  }

  /** Deletes the contact with its chats and messages (owner/admin). */
  @Delete(':id')
  @HttpCode(204)
  async remove(@Auth() auth: AuthUser, @Param('id') id: string): Promise<void> {
    assertCan(auth.role, 'delete', 'Contact');
    if (!(await this.repo.getContact(auth.tenantId, id))) throw notFound('Contact', id);
    await this.repo.deleteContact(auth.tenantId, id);
  }
}

/** Funnels with their stages. */
@ApiTags('funnels')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('api/v1/funnels')
export class FunnelsController {
  constructor(private readonly repo: ConversationsRepository) {}

  @Get()
  async list(@Auth() auth: AuthUser) {
    assertCan(auth.role, 'read', 'Funnel');
    const funnels = await this.repo.funnels(auth.tenantId);
    return {
      data: funnels.map(({ funnel, stages }) => ({
        id: funnel.id, name: funnel.name, position: funnel.position,
        stages: stages.map((s) => ({ id: s.id, name: s.name, position: s.position })),
      })),
      nextCursor: null,
    };
  }
}
