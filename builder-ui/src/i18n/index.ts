/**
 * The builder's strings (English, Spanish, Portuguese (Brazil), Arabic) for the shared i18next set-up
 * of @parley/ui-kit (`?lang=`, the remembered choice, `dir="rtl"` for Arabic: docs/ui-kit.md).
 */
import type { i18n } from 'i18next';
import { createI18n as createSharedI18n, type LanguageCode, type Translations } from '@parley/ui-kit';
import en from './locales/en.js';
import es from './locales/es.js';
import ptBR from './locales/pt-BR.js';
import ar from './locales/ar.js';
import enNodes from './locales/nodes/en.js';
import esNodes from './locales/nodes/es.js';
import ptBRNodes from './locales/nodes/pt-BR.js';
import arNodes from './locales/nodes/ar.js';

// node labels, descriptions and field titles (i18n/nodes.ts) sit beside the UI's own strings
export const translations: Translations = {
  en: { ...en, ...enNodes },
  es: { ...es, ...esNodes },
  'pt-BR': { ...ptBR, ...ptBRNodes },
  ar: { ...ar, ...arNodes },
};

/** The builder's i18next instance, in `lng` or the language the visitor chose (?lang=, saved, browser). */
export function createI18n(lng?: LanguageCode): Promise<i18n> {
  return createSharedI18n({ translations, lng });
}
