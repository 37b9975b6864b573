import type { MessageType } from '@parley/sdk';

const LABEL: Partial<Record<MessageType, string>> = {
  image: '📷 Photo', audio: '🎤 Audio', video: '🎬 Video', document: '📄 Document', sticker: 'Sticker',
  location: '📍 Location', contacts: '👤 Contact', reaction: 'Reaction', unsupported: 'Unsupported message', template: 'Template',
};

/** Short text shown in chat lists for the last message (max 200 characters). */
export function previewOf(type: MessageType, text: string | null | undefined): string {
  const base = text?.trim() ? text.trim() : (LABEL[type] ?? type);
  const withLabel = text?.trim() && LABEL[type] && type !== 'reaction' ? `${LABEL[type]}: ${text.trim()}` : base;
  return withLabel.length > 200 ? withLabel.slice(0, 199) + '…' : withLabel;
}
