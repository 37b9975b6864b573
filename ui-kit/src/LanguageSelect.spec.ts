// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import I18NextVue from 'i18next-vue';
import { createI18n } from './i18n.js';
import LanguageSelect from './LanguageSelect.vue';

const translations = { en: { nav: { language: 'Language' } }, es: { nav: { language: 'Idioma' } }, 'pt-BR': {}, ar: {} };

describe('LanguageSelect', () => {
  it('lists the languages, labels itself, and switches language and direction', async () => {
    const i18next = await createI18n({ translations, lng: 'en' });
    const w = mount(LanguageSelect, { props: { labelKey: 'nav.language', icon: '🌐' }, global: { plugins: [[I18NextVue, { i18next }]] } });
    const select = w.get('select[data-testid=language]');
    expect(select.attributes('aria-label')).toBe('Language');
    expect(w.findAll('option').map((o) => o.text())).toEqual(['English', 'Español', 'Português (Brasil)', 'العربية']);
    expect(w.text()).toContain('🌐');
    await select.setValue('ar');
    expect([i18next.language, document.documentElement.dir]).toEqual(['ar', 'rtl']);
    await select.setValue('es');
    await w.vm.$nextTick();
    expect(w.get('select').attributes('aria-label')).toBe('Idioma');
  });

  it('shows no icon unless given one', async () => {
    const i18next = await createI18n({ translations, lng: 'en' });
    const w = mount(LanguageSelect, { props: { labelKey: 'nav.language' }, global: { plugins: [[I18NextVue, { i18next }]] } });
    expect(w.find('[aria-hidden=true]').exists()).toBe(false);
  });
});
