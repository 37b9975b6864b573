import type { PlaceholderSource } from './canned.repository.js';

/** Placeholders a canned response's text may use. */
export const PLACEHOLDERS = ['contact.name', 'contact.firstName', 'contact.phone', 'contact.email', 'agent.name', 'agent.firstName'] as const;

const first = (name: string | null | undefined) => (name ? name.trim().split(/\s+/)[0] : '');

/**
 * Fills `{{contact.name}}`-style placeholders (spaces inside the braces allowed). Unknown
 * placeholders stay as written; known ones without a value become empty (a missing contact name
 * falls back to nothing rather than "null").
 */
export function renderPlaceholders(text: string, src: PlaceholderSource): string {
  const values: Record<string, string> = {
    'contact.name': src.contact?.name ?? '',
    'contact.firstName': first(src.contact?.name),
    'contact.phone': src.contact?.phone ?? '',
    'contact.email': src.contact?.email ?? '',
    'agent.name': src.agent?.name ?? '',
    'agent.firstName': first(src.agent?.name),
  };
  return text
    .replace(/\{\{\s*([a-zA-Z]+\.[a-zA-Z]+)\s*\}\}/g, (whole, key: string) => (key in values ? values[key] : whole))
    .replace(/[ \t]+([,.!?])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ');
}
