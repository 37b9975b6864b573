import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { parsePageQuery, type Page } from '../http/pagination.js';
import { parseInput, zodSchema } from '../http/validation.js';
import { Auth, AuthGuard } from '../tenancy/auth.guard.js';
import type { AuthUser } from '../tenancy/auth.types.js';
import { ChatsService, type NoteJson, type TagJson } from './chats.service.js';
import type { ChatJson, MessageJson } from './conversations.json.js';
import { bulkChatsSchema, chatListQuery, createTagSchema, noteSchema, patchChatSchema, patchTagSchema, sendMessageSchema } from './dto.js';

/** The inbox API: chats and their messages (DESIGN.md §4 Chats). */
@ApiTags('chats')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('api/v1/chats')
export class ChatsController {
  constructor(private readonly chats: ChatsService) {}

  /** `{data:[chat], nextCursor}` newest activity first. `assigneeId=me|none|<id>`. */
  @Get()
  @ApiQuery({ name: 'status', required: false, enum: ['open', 'pending', 'resolved'] })
  @ApiQuery({ name: 'assigneeId', required: false, description: 'user id, `me` or `none`' })
  @ApiQuery({ name: 'q', required: false, description: 'search contact name, phone and message text' })
  list(@Auth() auth: AuthUser, @Query() query: Record<string, unknown>): Promise<Page<ChatJson>> {
    const { limit, cursor } = parsePageQuery<{ at: number; id: string }>(query);
    const { limit: _l, cursor: _c, ...filters } = query;
    return this.chats.list(auth, parseInput(chatListQuery, filters), limit, cursor);
  }

  /** One change (`assigneeId` (`me` allowed), `status`, `stageId`, `addTags`, `removeTags`) to up to 200 chats; emits `chat_updated` for each. */
  @Post('bulk')
  @HttpCode(200)
  @ApiBody({ schema: zodSchema(bulkChatsSchema) })
  bulk(@Auth() auth: AuthUser, @Body() body: unknown) {
    return this.chats.bulk(auth, parseInput(bulkChatsSchema, body));
  }

  @Get(':id')
  get(@Auth() auth: AuthUser, @Param('id') id: string): Promise<ChatJson> {
    return this.chats.get(auth, id);
  }

  /** Updates `{assigneeId?, status?, stageId?, tags?}`; emits `chat_updated`. */
  @Patch(':id')
  @ApiBody({ schema: zodSchema(patchChatSchema) })
  patch(@Auth() auth: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<ChatJson> {
    return this.chats.patch(auth, id, parseInput(patchChatSchema, body));
  }

  /** Marks the chat read (unread count 0); emits `chat_updated`. */
  @Post(':id/read')
  @HttpCode(200)
  read(@Auth() auth: AuthUser, @Param('id') id: string): Promise<ChatJson> {
    return this.chats.markRead(auth, id);
  }

  /** Internal notes, oldest first: `{data:[note], nextCursor:null}`. */
  @Get(':id/notes')
  notes(@Auth() auth: AuthUser, @Param('id') id: string) {
    return this.chats.notes(auth, id);
  }

  /** Adds an internal note `{text}` (never sent to the customer). */
  @Post(':id/notes')
  @ApiBody({ schema: zodSchema(noteSchema) })
  addNote(@Auth() auth: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<NoteJson> {
    return this.chats.addNote(auth, id, parseInput(noteSchema, body).text);
  }

  /** Messages, newest first: `{data:[message], nextCursor}`. */
  @Get(':id/messages')
  messages(@Auth() auth: AuthUser, @Param('id') id: string, @Query() query: Record<string, unknown>): Promise<Page<MessageJson>> {
    const { limit, cursor } = parsePageQuery<string>(query);
    return this.chats.messages(auth, id, limit, cursor);
  }

  /** 202 with the queued message; 422 OUTSIDE_CUSTOMER_SERVICE_WINDOW for free-form text after 24 h. */
  @Post(':id/messages')
  @HttpCode(202)
  @ApiBody({ schema: zodSchema(sendMessageSchema) })
  send(@Auth() auth: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<MessageJson> {
    return this.chats.send(auth, id, parseInput(sendMessageSchema, body));
  }
}

/** Tags with colours (chats carry tags by name). */
@ApiTags('tags')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('api/v1/tags')
export class TagsController {
  constructor(private readonly chats: ChatsService) {}

  @Get()
  list(@Auth() auth: AuthUser) {
    return this.chats.tags(auth);
  }

  @Post()
  @ApiBody({ schema: zodSchema(createTagSchema) })
  create(@Auth() auth: AuthUser, @Body() body: unknown): Promise<TagJson> {
    return this.chats.createTag(auth, parseInput(createTagSchema, body));
  }

  /** `{name?, color?}`; a rename re-emits `chat_updated` for the chats carrying the tag. */
  @Patch(':id')
  @ApiBody({ schema: zodSchema(patchTagSchema) })
  patch(@Auth() auth: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<TagJson> {
    return this.chats.patchTag(auth, id, parseInput(patchTagSchema, body));
  }
}
