/**
 * i18next set-up: English, Spanish, Portuguese (Brazil) and Arabic. The language comes from
 * `?lang=` (remembered), then the saved choice, then the browser. Switching sets `lang` and
 * `dir` (rtl for Arabic) on <html>.
 */
import i18next, { type i18n } from 'i18next';
import en from './locales/en.js';
import es from './locales/es.js';
import ptBR from './locales/pt-BR.js';
import ar from './locales/ar.js';
import enNodes from './locales/nodes/en.js';
import esNodes from './locales/nodes/es.js';
import ptBRNodes from './locales/nodes/pt-BR.js';
import arNodes from './locales/nodes/ar.js';

/** Each language in its own name (the selector shows these). */
export const LANGUAGES = [
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'es', name: 'Español', dir: 'ltr' },
  { code: 'pt-BR', name: 'Português (Brasil)', dir: 'ltr' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
] as const;
export type LanguageCode = (typeof LANGUAGES)[number]['code'];

const KEY = 'parley.lang'; // shared with the inbox

/** Maps a tag like `pt`, `pt-br`, `es-MX`, `ar-EG` to a shipped language. */
export function matchLanguage(tag: string | null | undefined): LanguageCode | null {
  if (!tag) return null;
  const t = tag.toLowerCase();
  const exact = LANGUAGES.find((l) => l.code.toLowerCase() === t);
  if (exact) return exact.code;
  const base = t.split('-')[0];
  return LANGUAGES.find((l) => l.code.toLowerCase().split('-')[0] === base)?.code ?? null;
}

export function initialLanguage(search = location.search): LanguageCode {
  const fromUrl = matchLanguage(new URLSearchParams(search).get('lang'));
  if (fromUrl) {
    localStorage.setItem(KEY, fromUrl);
    return fromUrl;
  }
  return matchLanguage(localStorage.getItem(KEY)) ?? matchLanguage(navigator.language) ?? 'en';
}

export function applyDocumentLanguage(code: string): void {
  const lang = LANGUAGES.find((l) => l.code === code) ?? LANGUAGES[0];
  document.documentElement.lang = lang.code;
  document.documentElement.dir = lang.dir;
}

export async function createI18n(lng: LanguageCode = initialLanguage()): Promise<i18n> {
  const instance = i18next.createInstance();
  await instance.init({
    lng,
    fallbackLng: 'en',
    // node labels, descriptions and field titles (i18n/nodes.ts) sit beside the UI's own strings
    resources: {
      en: { translation: { ...en, ...enNodes } },
      es: { translation: { ...es, ...esNodes } },
      'pt-BR': { translation: { ...ptBR, ...ptBRNodes } },
      ar: { translation: { ...ar, ...arNodes } },
    },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  applyDocumentLanguage(lng);
  instance.on('languageChanged', (l) => {
    applyDocumentLanguage(l);
    localStorage.setItem(KEY, l);
  });
  return instance;
}
