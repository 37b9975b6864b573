import { TenantEntity, UserEntity } from '../tenancy/tenancy.entity.js';
import {
  ChatEntity, ChatTagEntity, ContactEntity, ContactIdentityEntity, FunnelEntity, MessageEntity, NoteEntity, StageEntity, TagEntity,
} from '../conversations/conversations.entity.js';
import { ChannelEntity, WebhookEventEntity } from '../channels/channel.entity.js';
import { OutboxEntity } from '../outbox/outbox.entity.js';
import { MediaFileEntity } from '../media/media.entity.js';

/** Every TypeORM entity of core. */
export const ENTITIES = [
  TenantEntity, UserEntity, FunnelEntity, StageEntity, ContactEntity, ContactIdentityEntity, ChatEntity, TagEntity, ChatTagEntity,
  MessageEntity, NoteEntity, ChannelEntity, WebhookEventEntity, OutboxEntity, MediaFileEntity,
];
