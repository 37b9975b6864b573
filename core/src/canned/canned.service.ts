import { Injectable } from '@nestjs/common';
import { AppError, notFound } from '../http/app-error.js';
import type { AuthUser } from '../tenancy/auth.types.js';
import { CannedErrors } from './canned.errors.js';
import { CannedRepository, type CannedRow } from './canned.repository.js';
import type { CreateCannedInput, UpdateCannedInput } from './canned.dto.js';
import { renderPlaceholders } from './placeholders.js';

/** Public JSON of a canned response. */
export interface CannedJson {
  id: string;
  shortcut: string;
  title: string | null;
  text: string;
  usageCount: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

const toJson = (r: CannedRow): CannedJson => ({
  id: r.id, shortcut: r.shortcut, title: r.title, text: r.text, usageCount: r.usageCount, createdBy: r.createdBy,
  createdAt: new Date(r.createdAt).toISOString(), updatedAt: new Date(r.updatedAt).toISOString(),
});

/**
 * Canned responses, shared by every user of a tenant. Agents may list, use, create and edit
 * them; deleting is for owners/admins and for the agent who created the response.
 */
@Injectable()
export class CannedService {
  constructor(private readonly repo: CannedRepository) {}

  async list(auth: AuthUser, q?: string): Promise<{ data: CannedJson[]; nextCursor: null }> {
    return { data: (await this.repo.list(auth.tenantId, q)).map(toJson), nextCursor: null };
  }

  async get(auth: AuthUser, id: string): Promise<CannedJson> {
    return toJson(await this.load(auth, id));
  }

  /** @throws AppError CONFLICT when the shortcut is taken in the tenant. */
  async create(auth: AuthUser, input: CreateCannedInput): Promise<CannedJson> {
    if (await this.repo.findByShortcut(auth.tenantId, input.shortcut)) throw CannedErrors.shortcutTaken(input.shortcut);
    try {
      return toJson(await this.repo.insert(auth.tenantId, { shortcut: input.shortcut, title: input.title ?? null, text: input.text, createdBy: auth.userId }));
    } catch (err) {
      if (await this.repo.findByShortcut(auth.tenantId, input.shortcut)) throw CannedErrors.shortcutTaken(input.shortcut);
      throw err;
    }
  }

  async update(auth: AuthUser, id: string, patch: UpdateCannedInput): Promise<CannedJson> {
    await this.load(auth, id);
    if (patch.shortcut) {
      const other = await this.repo.findByShortcut(auth.tenantId, patch.shortcut);
      if (other && other.id !== id) throw CannedErrors.shortcutTaken(patch.shortcut);
    }
    await this.repo.update(auth.tenantId, id, patch);
    return this.get(auth, id);
  }

  /** @throws AppError FORBIDDEN for an agent deleting someone else's response. */
  async remove(auth: AuthUser, id: string): Promise<void> {
    const row = await this.load(auth, id);
    if (auth.role === 'agent' && row.createdBy !== auth.userId) throw new AppError('FORBIDDEN', 'Only admins and its author may delete a canned response');
    await this.repo.delete(auth.tenantId, id);
  }

  /**
   * The response's text with placeholders filled for `chatId`'s contact and the caller; counts
   * one use. @throws AppError NOT_FOUND for an unknown response or chat.
   */
  async render(auth: AuthUser, id: string, chatId?: string): Promise<{ id: string; text: string; usageCount: number }> {
    const row = await this.load(auth, id);
    const src = await this.repo.placeholderSource(auth.tenantId, chatId, auth.userId);
    if (!src.chatFound) throw notFound('Chat', chatId);
    await this.repo.incrementUsage(auth.tenantId, id);
    return { id, text: renderPlaceholders(row.text, src), usageCount: row.usageCount + 1 };
  }

  private async load(auth: AuthUser, id: string): Promise<CannedRow> {
    const row = await this.repo.get(auth.tenantId, id);
    if (!row) throw notFound('CannedResponse', id);
    return row;
  }
}
