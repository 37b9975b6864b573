import { z } from 'zod';

export const chatListQuery = z.object({
  status: z.enum(['open', 'pending', 'resolved']).optional(),
  assigneeId: z.string().min(1).optional(),
  tag: z.string().min(1).optional(),
  channelId: z.string().min(1).optional(),
  stageId: z.string().min(1).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  /** `true`: only chats with unread messages. */
  unread: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  /** Last activity on or after / before this ISO date or time. */
  from: z.iso.date().or(z.iso.datetime({ offset: true })).transform((v) => Date.parse(v)).optional(),
  to: z.iso.date().or(z.iso.datetime({ offset: true })).transform((v) => Date.parse(v)).optional(),
});

export const patchChatSchema = z
  .object({
    assigneeId: z.string().min(1).nullable().optional(),
    status: z.enum(['open', 'pending', 'resolved']).optional(),
    stageId: z.string().min(1).optional(),
    tags: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
  })
  .strict();

const mediaBody = z
  .object({
    type: z.enum(['image', 'audio', 'video', 'document', 'sticker']),
    /** Provider media id (already uploaded to the provider). */
    mediaId: z.string().min(1).optional(),
    /** Public URL the provider downloads from. */
    url: z.string().url().optional(),
    caption: z.string().max(1024).optional(),
    filename: z.string().max(255).optional(),
  })
  .refine((b) => !!b.mediaId !== !!b.url, { message: 'give exactly one of mediaId or url' });

export const sendMessageSchema = z.union([
  z.object({ type: z.literal('text'), text: z.string().trim().min(1).max(4096), replyToMessageId: z.string().optional() }),
  mediaBody,
  z.object({
    type: z.literal('template'),
    template: z.object({ name: z.string().min(1), language: z.string().min(2), components: z.array(z.unknown()).optional() }),
  }),
  z.object({
    type: z.literal('interactive'),
    interactive: z.object({
      kind: z.enum(['buttons', 'list']),
      body: z.string().min(1).max(1024),
      header: z.string().max(60).optional(),
      footer: z.string().max(60).optional(),
      buttons: z.array(z.object({ id: z.string().min(1).max(256), title: z.string().min(1).max(20) })).max(3).optional(),
      buttonText: z.string().max(20).optional(),
      sections: z
        .array(z.object({ title: z.string().max(24).optional(), rows: z.array(z.object({ id: z.string(), title: z.string().max(24), description: z.string().max(72).optional() })) }))
        .optional(),
    }),
  }),
]);
export type SendMessageInput = z.infer<typeof sendMessageSchema>;

export const contactSchema = z.object({
  name: z.string().trim().min(1).max(200).nullable().optional(),
  phone: z.string().trim().regex(/^\+?[0-9 ()-]{4,40}$/).nullable().optional(),
  email: z.string().trim().email().max(191).nullable().optional(),
  avatarUrl: z.string().url().max(1000).nullable().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
});

const tagName = z.string().trim().min(1).max(100);

/** `POST /api/v1/chats/bulk`: one change applied to many chats of the tenant. */
export const bulkChatsSchema = z
  .object({
    chatIds: z.array(z.string().min(1)).min(1).max(200),
    assigneeId: z.string().min(1).nullable().optional(),
    status: z.enum(['open', 'pending', 'resolved']).optional(),
    stageId: z.string().min(1).optional(),
    addTags: z.array(tagName).max(50).optional(),
    removeTags: z.array(tagName).max(50).optional(),
  })
  .strict()
  .refine((b) => ['assigneeId', 'status', 'stageId', 'addTags', 'removeTags'].some((k) => k in b), { message: 'give at least one change' });
export type BulkChatsInput = z.infer<typeof bulkChatsSchema>;

export const noteSchema = z.object({ text: z.string().trim().min(1).max(10_000) }).strict();

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #22c55e');
export const createTagSchema = z.object({ name: tagName, color: color.optional() }).strict();
export const patchTagSchema = z
  .object({ name: tagName.optional(), color: color.optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.color !== undefined, { message: 'give name or color' });
