import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { ChatViews } from './chat-views.js';
import { ChatsController, TagsController } from './chats.controller.js';
import { ChatsService } from './chats.service.js';
import { ContactsController, FunnelsController } from './contacts.controller.js';
import { ConversationsRepository } from './conversations.repository.js';
import { PostCommitHandlers } from './post-commit.js';

/** Contacts, chats, messages, funnels, tags and notes; realtime projections of them. */
@Module({
  imports: [ChannelsModule],
  controllers: [ChatsController, ContactsController, FunnelsController, TagsController],
  providers: [ConversationsRepository, ChatViews, ChatsService, PostCommitHandlers],
})
export class ConversationsModule {}
