/**
 * i18next set-up shared by the apps: English, Spanish, Portuguese (Brazil) and Arabic. The language
 * comes from `?lang=` (remembered), then the saved choice, then the browser. Switching sets `lang`
 * and `dir` (rtl for Arabic) on <html> and remembers the choice. Each app brings its own strings.
 */
import i18next, { type i18n } from 'i18next';

/** Each language in its own name (the selector shows these). */
export const LANGUAGES = [
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'es', name: 'Español', dir: 'ltr' },
  { code: 'pt-BR', name: 'Português (Brasil)', dir: 'ltr' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
] as const;
export type LanguageCode = (typeof LANGUAGES)[number]['code'];

/** The localStorage key of the chosen language; shared by the inbox and the builder. */
export const LANGUAGE_KEY = 'parley.lang';

/** An app's strings, one nested object per language (English is the fallback). */
export type Translations = Record<LanguageCode, Record<string, unknown>>;

/** Maps a tag like `pt`, `pt-br`, `es-MX`, `ar-EG` to a shipped language. */
export function matchLanguage(tag: string | null | undefined): LanguageCode | null {
  if (!tag) return null;
  const t = tag.toLowerCase();
  const exact = LANGUAGES.find((l) => l.code.toLowerCase() === t);
  if (exact) return exact.code;
  const base = t.split('-')[0];
  return LANGUAGES.find((l) => l.code.toLowerCase().split('-')[0] === base)?.code ?? null;
}

export function initialLanguage(search = location.search, storageKey = LANGUAGE_KEY): LanguageCode {
  const fromUrl = matchLanguage(new URLSearchParams(search).get('lang'));
  if (fromUrl) {
    localStorage.setItem(storageKey, fromUrl);
    return fromUrl;
  }
  return matchLanguage(localStorage.getItem(storageKey)) ?? matchLanguage(navigator.language) ?? 'en';
}

export function applyDocumentLanguage(code: string): void {
  const lang = LANGUAGES.find((l) => l.code === code) ?? LANGUAGES[0];
  document.documentElement.lang = lang.code;
  document.documentElement.dir = lang.dir;
}

export interface I18nOptions {
  /** The app's strings per language. */
  translations: Translations;
  /** The language to start in (default: {@link initialLanguage}). */
  lng?: LanguageCode;
  /** localStorage key of the chosen language (default {@link LANGUAGE_KEY}). */
  storageKey?: string;
}

/** A new i18next instance with the app's strings; keeps <html lang dir> and the saved choice in step. */
export async function createI18n({ translations, storageKey = LANGUAGE_KEY, lng = initialLanguage(location.search, storageKey) }: I18nOptions): Promise<i18n> {
  const instance = i18next.createInstance();
  await instance.init({
    lng,
    fallbackLng: 'en',
    resources: Object.fromEntries(Object.entries(translations).map(([code, translation]) => [code, { translation }])),
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  applyDocumentLanguage(lng);
  instance.on('languageChanged', (l) => {
    applyDocumentLanguage(l);
    localStorage.setItem(storageKey, l);
  });
  return instance;
}
