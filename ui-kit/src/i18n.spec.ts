// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { LANGUAGE_KEY, applyDocumentLanguage, createI18n, initialLanguage, matchLanguage } from './i18n.js';

const translations = {
  en: { hello: 'Hello', only: 'English only' },
  es: { hello: 'Hola' },
  'pt-BR': { hello: 'Olá' },
  ar: { hello: 'مرحبا' },
};

beforeEach(() => localStorage.clear());

describe('languages', () => {
  it('matches tags, reads ?lang=, and sets dir=rtl for Arabic', () => {
    expect(matchLanguage('pt-br')).toBe('pt-BR');
    expect(matchLanguage('pt')).toBe('pt-BR');
    expect(matchLanguage('es-MX')).toBe('es');
    expect(matchLanguage('fr')).toBeNull();
    expect(initialLanguage('?lang=ar')).toBe('ar');
    expect(initialLanguage('')).toBe('ar'); // remembered
    expect(localStorage.getItem(LANGUAGE_KEY)).toBe('ar');
    applyDocumentLanguage('ar');
    expect([document.documentElement.dir, document.documentElement.lang]).toEqual(['rtl', 'ar']);
    applyDocumentLanguage('es');
    expect(document.documentElement.dir).toBe('ltr');
  });

  it('creates an instance with the app strings, falls back to English, and remembers switches', async () => {
    const i18n = await createI18n({ translations, lng: 'es' });
    expect([i18n.t('hello'), i18n.t('only')]).toEqual(['Hola', 'English only']);
    expect(document.documentElement.lang).toBe('es');
    await i18n.changeLanguage('ar');
    expect(i18n.t('hello')).toBe('مرحبا');
    expect([document.documentElement.dir, localStorage.getItem(LANGUAGE_KEY)]).toEqual(['rtl', 'ar']);
  });

  it('uses the given storage key', async () => {
    localStorage.setItem('app.lang', 'pt-BR');
    const i18n = await createI18n({ translations, storageKey: 'app.lang' });
    expect(i18n.language).toBe('pt-BR');
    await i18n.changeLanguage('en');
    expect([localStorage.getItem('app.lang'), localStorage.getItem(LANGUAGE_KEY)]).toEqual(['en', null]);
  });
});
