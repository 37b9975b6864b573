import { createApp } from 'vue';
import { createPinia } from 'pinia';
import I18NextVue from 'i18next-vue';
import App from './App.vue';
import { createI18n } from './i18n/index.js';
import { createAppRouter } from './router.js';
import './styles.css';

async function main(): Promise<void> {
  const i18next = await createI18n();
  const app = createApp(App);
  app.use(createPinia());
  app.use(I18NextVue, { i18next });
  app.use(createAppRouter());
  app.mount('#app');
}

void main();
