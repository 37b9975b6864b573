/** @parley/ui-kit: the pieces the inbox and the builder share (docs/ui-kit.md). */
export { ApiError, configureHttp, http, request, toQuery, type Query } from './http.js';
export { authApi } from './auth.js';
export type { Session, Tenant, User } from './types.js';
export { SESSION_KEY, defineAuthStore, useAuthStore, type AuthStoreOptions } from './auth.store.js';
export { LANGUAGES, LANGUAGE_KEY, applyDocumentLanguage, createI18n, initialLanguage, matchLanguage, type I18nOptions, type LanguageCode, type Translations } from './i18n.js';
export { default as LanguageSelect } from './LanguageSelect.vue';
