/**
 * The inbox's strings (English, Spanish, Portuguese (Brazil), Arabic) for the shared i18next set-up
 * of @parley/ui-kit (`?lang=`, the remembered choice, `dir="rtl"` for Arabic: docs/ui-kit.md).
 */
import type { i18n } from 'i18next';
import { createI18n as createSharedI18n, type LanguageCode, type Translations } from '@parley/ui-kit';
import en from './locales/en.js';
import es from './locales/es.js';
import ptBR from './locales/pt-BR.js';
import ar from './locales/ar.js';

export const translations: Translations = { en, es, 'pt-BR': ptBR, ar };

/** The inbox's i18next instance, in `lng` or the language the visitor chose (?lang=, saved, browser). */
export function createI18n(lng?: LanguageCode): Promise<i18n> {
  return createSharedI18n({ translations, lng });
}
