/**
 * Chat and contact changes that start flows (`trigger.chat_assigned`, `trigger.status_changed`,
 * `trigger.tag_added`, `trigger.contact_field_changed`). The conversations services call
 * {@link FlowDomainEvents} inside the transaction that makes the change, with the before / after
 * state read in it (rows locked on MySQL); the publisher diffs them and writes one outbox row
 * (topic {@link FLOWS_DOMAIN_EVENT}) per event in that same transaction, so the change and its
 * events commit together or not at all. After the commit the rows are handed to the engine; if
 * the process dies first the outbox sweeper delivers them, and a redelivered event starts no
 * second run (the run's trigger key is derived from the event id and the flow). Changes made by flows themselves (`chat.assign`, `contact.tag`,
 * `contact.update_field`) publish nothing, so flows cannot trigger each other in a loop.
 */
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { newId } from '../database/ids.js';
import type { ChatState } from '../conversations/conversations.repository.js';
import { OutboxService, type OutboxRow } from '../outbox/outbox.service.js';
import { FlowEngine } from './engine.js';

/** Outbox topic of chat / contact events for the flow engine. */
export const FLOWS_DOMAIN_EVENT = 'flows.domain_event';

interface EventBase {
  /** Unique id (outbox redeliveries carry the same). */
  id: string;
  tenantId: string;
  /** The user who made the change (null: API / system). */
  actorId: string | null;
  /** Epoch ms. */
  at: number;
}

/** A chat or contact change offered to the trigger nodes of the tenant's enabled flows. */
export type FlowDomainEvent =
  | (EventBase & { kind: 'chat_assigned'; chatId: string; channelId: string; contactId: string; assigneeId: string; previousAssigneeId: string | null })
  | (EventBase & { kind: 'status_changed'; chatId: string; channelId: string; contactId: string; from: string; to: string })
  | (EventBase & { kind: 'tag_added'; chatId: string; channelId: string; contactId: string; tags: string[] })
  | (EventBase & { kind: 'contact_field_changed'; contactId: string; fields: string[] });

/** What the publisher needs of a chat: the state the repository reads inside the change's transaction. */
export type ChatSnapshot = ChatState;

/** What the publisher needs of a contact. */
export interface ContactSnapshot {
  id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  attributes: Record<string, unknown> | null;
}

/** The events one chat change makes (assignment to someone, status change, tags added). */
export function chatEvents(tenantId: string, before: ChatSnapshot, after: ChatSnapshot, actorId: string | null, at = Date.now()): FlowDomainEvent[] {
  const base = { tenantId, actorId, at, chatId: after.id, channelId: after.channelId, contactId: after.contactId };
  const out: FlowDomainEvent[] = [];
  if (after.assigneeId && after.assigneeId !== before.assigneeId) out.push({ ...base, id: newId(), kind: 'chat_assigned', assigneeId: after.assigneeId, previousAssigneeId: before.assigneeId });
  if (after.status !== before.status) out.push({ ...base, id: newId(), kind: 'status_changed', from: before.status, to: after.status });
  const had = new Set(before.tags.map((t) => t.toLowerCase()));
  const added = after.tags.filter((t) => !had.has(t.toLowerCase()));
  if (added.length) out.push({ ...base, id: newId(), kind: 'tag_added', tags: added });
  return out;
}

/** Fields that differ: `name`, `phone`, `email`, `attributes.<key>`. */
export function changedContactFields(before: ContactSnapshot, after: ContactSnapshot): string[] {
  const fields: string[] = [];
  for (const f of ['name', 'phone', 'email'] as const) if ((before[f] ?? null) !== (after[f] ?? null)) fields.push(f);
  const a = before.attributes ?? {};
  const b = after.attributes ?? {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (JSON.stringify(a[k] ?? null) !== JSON.stringify(b[k] ?? null)) fields.push(`attributes.${k}`);
  return fields;
}

@Injectable()
export class FlowDomainEvents implements OnModuleInit {
  constructor(
    private readonly outbox: OutboxService,
    private readonly engine: FlowEngine,
  ) {}

  onModuleInit(): void {
    this.outbox.on(FLOWS_DOMAIN_EVENT, async (ev: FlowDomainEvent) => void (await this.engine.domainEvent(ev)));
  }

  /**
   * Inside the transaction `m` that changed chats (PATCH /chats/:id, bulk updates): writes the
   * outbox rows of the assignment, status and tag-added events and returns them for
   * {@link deliver} after the commit. `before` / `after` are matched by chat id and must be read
   * in `m`. Throws on a database error, which rolls the change back with its events.
   */
  chatsChangedIn(m: EntityManager, tenantId: string, before: ChatSnapshot[], after: ChatSnapshot[], actorId: string | null): Promise<OutboxRow[]> {
    const prev = new Map(before.map((c) => [c.id, c]));
    return this.enqueue(m, after.flatMap((c) => (prev.has(c.id) ? chatEvents(tenantId, prev.get(c.id)!, c, actorId) : [])));
  }

  /** Inside the transaction `m` that changed a contact (PATCH /contacts/:id): like {@link chatsChangedIn} for the changed fields. */
  contactChangedIn(m: EntityManager, tenantId: string, before: ContactSnapshot, after: ContactSnapshot, actorId: string | null): Promise<OutboxRow[]> {
    const fields = changedContactFields(before, after);
    return this.enqueue(m, fields.length ? [{ id: newId(), kind: 'contact_field_changed', tenantId, actorId, at: Date.now(), contactId: after.id, fields }] : []);
  }

  /** Writes one outbox row per event in the caller's transaction `m`. */
  enqueue(m: EntityManager, events: FlowDomainEvent[]): Promise<OutboxRow[]> {
    return this.outbox.enqueue(m, events.map((ev) => ({ tenantId: ev.tenantId, topic: FLOWS_DOMAIN_EVENT, payload: ev })));
  }

  /** After the commit: hands the rows to the engine now; rows it does not finish are swept later. */
  deliver(rows: OutboxRow[]): void {
    if (rows.length) this.outbox.handleNow(rows);
  }
}
