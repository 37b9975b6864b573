import { Column, Entity, PrimaryColumn } from 'typeorm';
import { JsonColumn, MsColumn } from '../database/columns.js';

/**
 * `connected`; `paused` (inbound still stored, outbound held queued until resumed); `error`
 * (the provider refused the credentials on send: needs reconnecting); `disconnected`.
 */
export type ChannelStatus = 'connected' | 'paused' | 'disconnected' | 'error';

/** The last send error of a channel (health). */
export interface ChannelSendError {
  code: string;
  message: string;
  at: number;
}

/**
 * A connected channel account ("session"). Non-secret config is JSON; the secret fields are
 * one AES-256-GCM encrypted JSON blob (`secrets_enc`).
 */
@Entity('channels')
export class ChannelEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 36 }) tenantId: string;
  @Column({ type: 'varchar', length: 40 }) type: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 20 }) status: ChannelStatus;
  @Column({ name: 'account_id', type: 'varchar', length: 191, nullable: true }) accountId: string | null;
  @JsonColumn('config_json') config: Record<string, unknown> | null;
  @Column({ name: 'secrets_enc', type: 'text', nullable: true }) secretsEnc: string | null;
  @JsonColumn('info_json') info: Record<string, unknown> | null;
  @MsColumn('created_at') createdAt: number;
  @MsColumn('updated_at') updatedAt: number;
  @MsColumn('last_webhook_at', { nullable: true }) lastWebhookAt: number | null;
  @MsColumn('last_sent_at', { nullable: true }) lastSentAt: number | null;
  @JsonColumn('last_send_error_json') lastSendError: ChannelSendError | null;
}

/** A raw webhook body as received (kept for audit and replay). */
@Entity('webhook_events')
export class WebhookEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 36, nullable: true }) tenantId: string | null;
  @Column({ name: 'channel_id', type: 'varchar', length: 36, nullable: true }) channelId: string | null;
  @Column({ name: 'channel_type', type: 'varchar', length: 40 }) channelType: string;
  @Column({ type: 'text' }) payload: string;
  @MsColumn('received_at') receivedAt: number;
}
