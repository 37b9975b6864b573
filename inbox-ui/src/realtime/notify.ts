import type { Chat, Message } from '../api/types.js';

/** Whether a new inbound message should ring: the chat is mine or unassigned. */
export function shouldNotify(message: Message, chat: Chat | undefined, meId: string | null): boolean {
  if (message.direction !== 'in') return false;
  return !chat || !chat.assigneeId || chat.assigneeId === meId;
}

let ctx: AudioContext | null = null;

/** A short two-tone chime (Web Audio; no asset to load). */
export function chime(): void {
  try {
    ctx ??= new AudioContext();
    const now = ctx.currentTime;
    for (const [i, f] of [660, 880].entries()) {
      const o = ctx.createOscillator();
      const g = ctx.createGain();
      o.frequency.value = f;
      g.gain.setValueAtTime(0.0001, now + i * 0.12);
      g.gain.exponentialRampToValueAtTime(0.15, now + i * 0.12 + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.12 + 0.2);
      o.connect(g).connect(ctx.destination);
      o.start(now + i * 0.12);
      o.stop(now + i * 0.12 + 0.22);
    }
  } catch {
    /* audio unavailable */
  }
}

export function desktopNotify(title: string, body: string, onClick: () => void): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const n = new Notification(title, { body, tag: 'parley-message' });
  n.onclick = () => {
    window.focus();
    onClick();
    n.close();
  };
}
