/**
 * Chat and contact changes that start flows (`trigger.chat_assigned`, `trigger.status_changed`,
 * `trigger.tag_added`, `trigger.contact_field_changed`). The conversations services call
 * {@link FlowDomainEvents} right after their change committed; the publisher diffs before and
 * after, writes one outbox row (topic {@link FLOWS_DOMAIN_EVENT}) per event and hands it to the
 * engine. Once the row is committed a crash loses nothing: the outbox sweeper delivers it later,
 * and a redelivered event starts no second run (the run's trigger key is derived from the event
 * id and the flow). Changes made by flows themselves (`chat.assign`, `contact.tag`,
 * `contact.update_field`) publish nothing, so flows cannot trigger each other in a loop.
 */
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { Database } from '../database/database.service.js';
import { newId } from '../database/ids.js';
import { ROOT_LOGGER } from '../logging/logger.js';
import { OutboxService } from '../outbox/outbox.service.js';
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

/** What the publisher needs of a chat (the public ChatJson has it). */
export interface ChatSnapshot {
  id: string;
  channelId: string;
  contactId: string;
  assigneeId: string | null;
  status: string;
  tags: string[];
}

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
  private readonly log: Logger;

  constructor(
    private readonly db: Database,
    private readonly outbox: OutboxService,
    private readonly engine: FlowEngine,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'flow-events' });
  }

  onModuleInit(): void {
    this.outbox.on(FLOWS_DOMAIN_EVENT, async (ev: FlowDomainEvent) => void (await this.engine.domainEvent(ev)));
  }

  /**
   * After chats changed (PATCH /chats/:id, bulk updates): publishes assignment, status and
   * tag-added events. `before` / `after` are matched by chat id. Never throws (a failure is
   * logged; the chat change stands).
   */
  async chatsChanged(tenantId: string, before: ChatSnapshot[], after: ChatSnapshot[], actorId: string | null): Promise<void> {
    const prev = new Map(before.map((c) => [c.id, c]));
    const events = after.flatMap((c) => (prev.has(c.id) ? chatEvents(tenantId, prev.get(c.id)!, c, actorId) : []));
    await this.publish(events);
  }

  /** After a contact changed (PATCH /contacts/:id): publishes the changed fields. Never throws. */
  async contactChanged(tenantId: string, before: ContactSnapshot, after: ContactSnapshot, actorId: string | null): Promise<void> {
    const fields = changedContactFields(before, after);
    if (fields.length) await this.publish([{ id: newId(), kind: 'contact_field_changed', tenantId, actorId, at: Date.now(), contactId: after.id, fields }]);
  }

  /** Writes the events as outbox rows (one transaction) and hands them to the engine. */
  async publish(events: FlowDomainEvent[]): Promise<void> {
    if (!events.length) return;
    try {
      const now = Date.now();
      const rows = events.map((ev) => ({ id: newId(), tenantId: ev.tenantId, topic: FLOWS_DOMAIN_EVENT, payload: JSON.stringify(ev), attempts: 0 }));
      // available later: the sweeper takes them only if this process does not finish them
      await this.db.transaction((m) =>
        m.query(
          this.db.insertIgnore('outbox', ['id', 'tenant_id', 'topic', 'payload', 'attempts', 'available_at', 'created_at'], rows.length),
          rows.flatMap((r) => [r.id, r.tenantId, r.topic, r.payload, 0, now + 30_000, now]),
        ),
      );
      this.outbox.handleNow(rows);
    } catch (err) {
      this.log.error({ err, events: events.map((e) => e.kind) }, 'publishing flow events failed');
    }
  }
}
