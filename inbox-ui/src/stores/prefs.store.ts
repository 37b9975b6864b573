import { defineStore } from 'pinia';
import { ref, watch } from 'vue';

const KEY = 'parley.prefs';

interface Prefs {
  sound: boolean;
  desktop: boolean;
}

/** Per-browser preferences: notification sound and desktop notifications. */
export const usePrefsStore = defineStore('prefs', () => {
  let saved: Partial<Prefs> = {};
  try {
    saved = JSON.parse(localStorage.getItem(KEY) ?? '{}');
  } catch {
    saved = {};
  }
  const sound = ref(saved.sound ?? true);
  const desktop = ref(saved.desktop ?? false);
  watch([sound, desktop], () => localStorage.setItem(KEY, JSON.stringify({ sound: sound.value, desktop: desktop.value })));

  async function enableDesktop(on: boolean): Promise<void> {
    if (on && typeof Notification !== 'undefined' && Notification.permission !== 'granted') {
      const p = await Notification.requestPermission();
      desktop.value = p === 'granted';
      return;
    }
    desktop.value = on;
  }

  return { sound, desktop, enableDesktop };
});
