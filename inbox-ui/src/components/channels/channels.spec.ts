// @vitest-environment happy-dom
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import I18NextVue from 'i18next-vue';
import type { i18n } from 'i18next';
import { createI18n } from '../../i18n/index.js';
import { channelsSettingsApi, type LoginConfig } from '../../api/channels.js';
import { ApiError, SESSION_KEY } from '@parley/ui-kit';
import { useChannelsStore } from '../../stores/channels.store.js';
import { channelDetail, entitlements } from './fixtures.js';
import AddChannelWizard from './AddChannelWizard.vue';
import ChannelRow from './ChannelRow.vue';
import MetaForm from './MetaForm.vue';
import { facebookDialogUrl, takePendingLogin } from './facebook-login.js';
import WhatsAppForm from './WhatsAppForm.vue';
import { isFacebookOrigin, loginOptions, parseSignupMessage, randomPin, type FbLoginResponse } from './embedded-signup.js';
import esFinish from '../../../../testing/fixtures/channels/whatsapp/embedded_signup_message_event_finish_observed__public_code_comment.json';
import esCancel from '../../../../testing/fixtures/channels/whatsapp/embedded_signup_message_event_cancel__meta_docs.json';
import esOnlyWaba from '../../../../testing/fixtures/channels/whatsapp/embedded_signup_message_event_finish_only_waba__meta_docs.json';
import esCoexistence from '../../../../testing/fixtures/channels/whatsapp/embedded_signup_message_event_coexistence__meta_docs.json';

vi.mock('../../api/channels.js', () => ({
  channelsSettingsApi: { list: vi.fn(), create: vi.fn(), update: vi.fn(), remove: vi.fn(), entitlements: vi.fn(), loginConfig: vi.fn(), login: vi.fn() },
}));

let i18next: i18n;
beforeAll(async () => {
  i18next = await createI18n('en');
});

async function setup(role: 'owner' | 'agent' = 'owner', used: Record<string, number> = {}) {
  localStorage.setItem(SESSION_KEY, JSON.stringify({ accessToken: 't', user: { id: 'u1', name: 'Ana', email: 'a@x', role }, tenant: { id: 'tn', name: 'T' } }));
  const pinia = createPinia();
  setActivePinia(pinia);
  vi.mocked(channelsSettingsApi.list).mockResolvedValue({ data: [], nextCursor: null });
  vi.mocked(channelsSettingsApi.entitlements).mockResolvedValue(entitlements(used));
  await useChannelsStore().load();
  return { global: { plugins: [pinia, [I18NextVue, { i18next }]] as any } };
}

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  vi.resetAllMocks();
});

const waConfig: LoginConfig = {
  type: 'whatsapp', supported: true, available: true, provider: 'facebook', flow: 'embedded_signup', appId: '42', configId: '777', sdkUrl: 'https://connect.facebook.net/en_US/sdk.js',
  graphVersion: 'v24.0', sessionInfoVersion: '3', dialogUrl: null, scopes: [], reason: null,
};

describe('AddChannelWizard', () => {
  it('offers only allowed types with what remains, disables a type at its limit with the plan message', async () => {
    const w = mount(AddChannelWizard, await setup('owner', { whatsapp: 3 }));
    expect(w.find('[data-testid="type-sms"]').exists()).toBe(false);
    expect(w.find('[data-testid="type-telegram"]').text()).toContain('3 of 3 left');
    const wa = w.find('[data-testid="type-whatsapp"]');
    expect(wa.attributes('disabled')).toBeDefined();
    expect(wa.text()).toContain('Plan limit reached: your plan allows 3 WhatsApp channels');
    await wa.trigger('click');
    expect(w.find('[data-testid="form-whatsapp"]').exists()).toBe(false);
  });

  it('WhatsApp: sends the credentials, shows a refusal clearly, then succeeds', async () => {
    const w = mount(AddChannelWizard, await setup());
    vi.mocked(channelsSettingsApi.loginConfig).mockResolvedValue({ ...waConfig, available: false, reason: 'no META_WHATSAPP_CONFIG_ID' });
    await w.find('[data-testid="type-whatsapp"]').trigger('click');
    await flushPromises();
    expect(w.find('[data-testid="wa-no-embedded"]').text()).toContain('Embedded Signup');
    expect(w.find('[data-testid="wa-embedded-signup"]').exists()).toBe(false);
    expect((w.find('[data-testid="channel-name"]').element as HTMLInputElement).value).toBe('WhatsApp');
    await w.find('[data-testid="wa-phone-number-id"]').setValue('106540352242922');
    await w.find('[data-testid="wa-waba-id"]').setValue('102290129340398');
    await w.find('[data-testid="wa-access-token"]').setValue('EAAG-bad');
    vi.mocked(channelsSettingsApi.create).mockRejectedValueOnce(new ApiError(422, 'CHANNEL_CREDENTIALS_INVALID', 'The provider rejected the credentials: Invalid OAuth access token'));
    await w.find('form').trigger('submit');
    await flushPromises();
    const err = w.find('[data-testid="channel-error"]');
    expect(err.text()).toContain('The provider refused these credentials. No channel was created.');
    expect(err.text()).toContain('Invalid OAuth access token');
    expect(useChannelsStore().items).toEqual([]);
    vi.mocked(channelsSettingsApi.create).mockResolvedValueOnce(channelDetail({ name: 'WhatsApp' }));
    await w.find('[data-testid="wa-access-token"]').setValue('EAAG-good');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(channelsSettingsApi.create).toHaveBeenLastCalledWith({ type: 'whatsapp', name: 'WhatsApp', config: { phoneNumberId: '106540352242922', wabaId: '102290129340398', accessToken: 'EAAG-good' } });
    expect(w.find('[data-testid="channel-created"]').text()).toContain('“WhatsApp” is connected.');
    expect(w.emitted('created')).toHaveLength(1);
  });

  it('web chat: shows the snippet after creation', async () => {
    const opts = await setup();
    vi.mocked(channelsSettingsApi.entitlements).mockResolvedValue({ ...entitlements(), channelTypes: [{ type: 'webchat', displayName: 'Web chat', login: false, allowed: true, limit: 3, used: 0, remaining: 3 }] });
    await useChannelsStore().load();
    const w = mount(AddChannelWizard, opts);
    await w.find('[data-testid="type-webchat"]').trigger('click');
    await w.find('[data-testid="wc-ask-email"]').setValue(true);
    vi.mocked(channelsSettingsApi.create).mockResolvedValueOnce(channelDetail({ type: 'webchat', name: 'Web chat', snippet: '<script src="http://x/webchat/widget.js" data-channel="c1" async></script>' }));
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(vi.mocked(channelsSettingsApi.create).mock.calls[0][0]).toMatchObject({ type: 'webchat', config: { askEmail: true, askName: false, position: 'right' } });
    expect((w.find('[data-testid="snippet"]').element as HTMLTextAreaElement).value).toContain('widget.js');
    expect(w.find('[data-testid="copy-snippet"]').exists()).toBe(true);
  });
});

describe('MetaForm', () => {
  const cfg = (available: boolean): LoginConfig => ({ type: 'messenger', supported: true, available, provider: 'facebook', appId: available ? '42' : null, dialogUrl: 'https://www.facebook.com/v24.0/dialog/oauth', scopes: ['pages_messaging'], reason: null });

  it('without a Meta app: the manual page-token form', async () => {
    vi.mocked(channelsSettingsApi.loginConfig).mockResolvedValue(cfg(false));
    const w = mount(MetaForm, { props: { type: 'messenger', name: 'Page' }, ...(await setup()) });
    await flushPromises();
    expect(w.find('[data-testid="meta-no-app"]').exists()).toBe(true);
    await w.find('[data-testid="meta-page-id"]').setValue('682498171943165');
    await w.find('[data-testid="meta-page-token"]').setValue('EAAP');
    await w.find('form').trigger('submit');
    expect(w.emitted('submit')?.[0]).toEqual([{ pageId: '682498171943165', pageAccessToken: 'EAAP' }]);
  });

  it('with a Meta app: Facebook Login button; after login, picks an account from the session', async () => {
    vi.mocked(channelsSettingsApi.loginConfig).mockResolvedValue(cfg(true));
    const w = mount(MetaForm, { props: { type: 'messenger', name: 'Page' }, ...(await setup()) });
    await flushPromises();
    expect(w.find('[data-testid="meta-login"]').attributes('disabled')).toBeUndefined();
    const picked = mount(MetaForm, {
      props: { type: 'messenger', name: 'Page', loginSession: 'v1:sealed', accounts: [{ type: 'messenger', accountId: '682', name: 'Lucky Shrub', pictureUrl: null }] },
      ...(await setup()),
    });
    await picked.find('input[type="radio"]').setValue(true);
    await picked.find('form').trigger('submit');
    expect(picked.emitted('submit')?.[0]).toEqual([{ loginSession: 'v1:sealed', accountId: '682' }]);
  });

  it('builds the dialog URL and accepts only the state it issued', () => {
    const url = new URL(facebookDialogUrl(cfg(true), 'instagram', 'Shop', 'https://parley.test/inbox/settings/channels', sessionStorage));
    expect(url.origin + url.pathname).toBe('https://www.facebook.com/v24.0/dialog/oauth');
    expect(url.searchParams.get('client_id')).toBe('42');
    expect(url.searchParams.get('redirect_uri')).toBe('https://parley.test/inbox/settings/channels');
    const state = url.searchParams.get('state')!;
    expect(takePendingLogin('forged', sessionStorage)).toBeNull();
    facebookDialogUrl(cfg(true), 'instagram', 'Shop', 'https://parley.test/x', sessionStorage);
    const again = JSON.parse(sessionStorage.getItem('parley.fbLogin')!).state;
    expect(takePendingLogin(again, sessionStorage)).toMatchObject({ type: 'instagram', name: 'Shop' });
    expect(state).toMatch(/^instagram\./);
  });
});

describe('ChannelRow', () => {
  it('shows health and the attention instructions; owner actions: rename, pause, disconnect with confirmation', async () => {
    const opts = await setup();
    const c = channelDetail({
      status: 'error', needsAttention: true, lastWebhookAt: new Date(Date.now() - 60_000).toISOString(),
      lastSendError: { code: 'INVALID_CREDENTIALS', message: 'Invalid OAuth access token', at: new Date().toISOString() },
      attention: { code: 'INVALID_CREDENTIALS', message: 'Invalid OAuth access token', instructions: 'Create a new permanent token and reconnect.' },
    });
    useChannelsStore().items = [c];
    const w = mount(ChannelRow, { props: { channel: c }, ...opts });
    expect(w.find('[data-testid="channel-status"]').text()).toBe('Needs attention');
    expect(w.find('[data-testid="attention"]').text()).toContain('Create a new permanent token');
    expect(w.find('[data-testid="last-error"]').text()).toContain('INVALID_CREDENTIALS');
    expect(w.find('[data-testid="last-webhook"]').text()).not.toBe('Never');
    expect(w.find('[data-testid="pause-toggle"]').exists()).toBe(false);
    await w.find('[data-testid="reconnect"]').trigger('click');
    expect(w.find('[data-testid="form-whatsapp"]').exists()).toBe(true);
    await w.find('[data-testid="disconnect"]').trigger('click');
    expect(w.text()).toContain('Disconnect “Main”?');
    vi.mocked(channelsSettingsApi.remove).mockResolvedValueOnce(undefined);
    await w.find('[data-testid="confirm-disconnect"]').trigger('click');
    await flushPromises();
    expect(channelsSettingsApi.remove).toHaveBeenCalledWith('ch-1');
  });

  it('pause and rename; a refused action is shown', async () => {
    const opts = await setup();
    const c = channelDetail();
    useChannelsStore().items = [c];
    const w = mount(ChannelRow, { props: { channel: c }, ...opts });
    vi.mocked(channelsSettingsApi.update).mockResolvedValueOnce(channelDetail({ status: 'paused' }));
    await w.find('[data-testid="pause-toggle"]').trigger('click');
    await flushPromises();
    expect(channelsSettingsApi.update).toHaveBeenCalledWith('ch-1', { status: 'paused' });
    await w.find('[data-testid="rename"]').trigger('click');
    await w.find('[data-testid="rename-input"]').setValue('Support');
    vi.mocked(channelsSettingsApi.update).mockRejectedValueOnce(new ApiError(403, 'FORBIDDEN', 'Not allowed'));
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(w.find('[data-testid="channel-error"]').text()).toContain('Only owners and admins can do this.');
  });

  it('agents see health but no write actions', async () => {
    const opts = await setup('agent');
    const w = mount(ChannelRow, { props: { channel: channelDetail() }, ...opts });
    expect(w.find('[data-testid="channel-status"]').text()).toBe('Connected');
    expect(w.find('[data-testid="rename"]').exists()).toBe(false);
    expect(w.find('[data-testid="disconnect"]').exists()).toBe(false);
  });
});

describe('WhatsApp Embedded Signup', () => {
  const fixtures: Record<string, unknown> = {
    'embedded_signup_message_event_finish_observed__public_code_comment.json': esFinish,
    'embedded_signup_message_event_cancel__meta_docs.json': esCancel,
    'embedded_signup_message_event_finish_only_waba__meta_docs.json': esOnlyWaba,
    'embedded_signup_message_event_coexistence__meta_docs.json': esCoexistence,
  };
  const fixture = (name: string) => fixtures[name];

  it('reads the WA_EMBEDDED_SIGNUP session-info fixtures (JSON strings or objects) from facebook.com only', () => {
    const finish = fixture('embedded_signup_message_event_finish_observed__public_code_comment.json');
    expect(parseSignupMessage('https://www.facebook.com', JSON.stringify(finish))).toEqual({ kind: 'finish', phoneNumberId: '111598575218611', wabaId: '119496914420376' });
    expect(parseSignupMessage('https://web.facebook.com', finish)).toMatchObject({ kind: 'finish' });
    expect(parseSignupMessage('https://evil.example', JSON.stringify(finish))).toBeNull();
    expect(parseSignupMessage('https://www.facebook.com.evil.example', JSON.stringify(finish))).toBeNull();
    expect(parseSignupMessage('https://www.facebook.com', JSON.stringify(fixture('embedded_signup_message_event_cancel__meta_docs.json')))).toEqual({ kind: 'cancel', step: '<CURRENT_STEP>' });
    expect(parseSignupMessage('https://www.facebook.com', JSON.stringify(fixture('embedded_signup_message_event_finish_only_waba__meta_docs.json')))).toMatchObject({ kind: 'no_number', event: 'FINISH_ONLY_WABA' });
    expect(parseSignupMessage('https://www.facebook.com', JSON.stringify(fixture('embedded_signup_message_event_coexistence__meta_docs.json')))).toMatchObject({ kind: 'no_number' });
    expect(parseSignupMessage('https://www.facebook.com', 'not json: other SDK traffic')).toBeNull();
    expect(parseSignupMessage('https://www.facebook.com', JSON.stringify({ type: 'OTHER', event: 'FINISH' }))).toBeNull();
    expect(isFacebookOrigin('http://www.facebook.com')).toBe(false);
    expect(randomPin(() => 0.0123)).toBe('012300');
    expect(loginOptions({ configId: '777', sessionInfoVersion: '3' })).toEqual({ config_id: '777', response_type: 'code', override_default_response_type: true, extras: { setup: {}, featureType: '', sessionInfoVersion: '3' } });
  });

  it('runs FB.login with the configuration, waits for the code and the FINISH ids, exchanges them with the PIN, and submits the session', async () => {
    vi.mocked(channelsSettingsApi.loginConfig).mockResolvedValue(waConfig);
    vi.mocked(channelsSettingsApi.login).mockResolvedValue({ loginSession: 'sealed', expiresAt: '2030-01-01T00:00:00Z', accounts: [{ type: 'whatsapp', accountId: '111598575218611', name: 'Lucky Shrub', pictureUrl: null }] });
    let loginArgs: { cb: (r: FbLoginResponse) => void; options: Record<string, unknown> } | null = null;
    const init = vi.fn();
    (window as any).FB = { init, login: (cb: (r: FbLoginResponse) => void, options: Record<string, unknown>) => (loginArgs = { cb, options }) };
    try {
      const w = mount(WhatsAppForm, await setup());
      await flushPromises();
      await w.find('[data-testid="wa-pin"]').setValue('123456');
      await w.find('form').trigger('submit');
      await flushPromises();
      expect(init).toHaveBeenCalledWith({ appId: '42', autoLogAppEvents: true, xfbml: false, version: 'v24.0' });
      expect(loginArgs!.options).toMatchObject({ config_id: '777', response_type: 'code' });
      expect(w.find('[data-testid="es-waiting"]').exists()).toBe(true);
      // a message from another origin is ignored; the real one arrives, then the code
      const finish = JSON.stringify(fixture('embedded_signup_message_event_finish_observed__public_code_comment.json'));
      window.dispatchEvent(new MessageEvent('message', { origin: 'https://evil.example', data: finish.replace('111598575218611', '1') }));
      window.dispatchEvent(new MessageEvent('message', { origin: 'https://www.facebook.com', data: finish }));
      expect(channelsSettingsApi.login).not.toHaveBeenCalled();
      loginArgs!.cb({ authResponse: { code: 'AQcode' }, status: 'connected' });
      await flushPromises();
      expect(channelsSettingsApi.login).toHaveBeenCalledWith('whatsapp', 'AQcode', undefined, { wabaId: '119496914420376', phoneNumberId: '111598575218611', pin: '123456' });
      expect(w.emitted('submit')?.[0]).toEqual([{ loginSession: 'sealed', accountId: '111598575218611' }]);
    } finally {
      delete (window as any).FB;
    }
  });

  it('a closed pop-up, a signup without a number, and a refused exchange are shown; nothing is submitted', async () => {
    vi.mocked(channelsSettingsApi.loginConfig).mockResolvedValue(waConfig);
    let cb: ((r: FbLoginResponse) => void) | null = null;
    (window as any).FB = { init: vi.fn(), login: (c: (r: FbLoginResponse) => void) => (cb = c) };
    try {
      const w = mount(WhatsAppForm, await setup());
      await flushPromises();
      await w.find('form').trigger('submit');
      await flushPromises();
      cb!({ authResponse: null, status: 'unknown' });
      await flushPromises();
      expect(w.find('[data-testid="es-cancelled"]').exists()).toBe(true);

      await w.find('form').trigger('submit');
      await flushPromises();
      window.dispatchEvent(new MessageEvent('message', { origin: 'https://www.facebook.com', data: JSON.stringify(fixture('embedded_signup_message_event_finish_only_waba__meta_docs.json')) }));
      await flushPromises();
      expect(w.find('[data-testid="es-no-number"]').exists()).toBe(true);

      vi.mocked(channelsSettingsApi.login).mockRejectedValueOnce(new ApiError(422, 'CHANNEL_CREDENTIALS_INVALID', 'The provider rejected the credentials: Meta refused the signup code'));
      await w.find('form').trigger('submit');
      await flushPromises();
      window.dispatchEvent(new MessageEvent('message', { origin: 'https://www.facebook.com', data: JSON.stringify(fixture('embedded_signup_message_event_finish_observed__public_code_comment.json')) }));
      cb!({ authResponse: { code: 'AQexpired' } });
      await flushPromises();
      expect(w.find('[data-testid="channel-error"]').text()).toContain('Meta refused the signup code');
      expect(w.emitted('submit')).toBeUndefined();

      await w.find('[data-testid="wa-manual"]').trigger('click');
      expect(w.find('[data-testid="wa-phone-number-id"]').exists()).toBe(true);
    } finally {
      delete (window as any).FB;
    }
  });

  it('a code without Meta\'s FINISH message gives up after a while instead of waiting forever', async () => {
    vi.mocked(channelsSettingsApi.loginConfig).mockResolvedValue(waConfig);
    let cb: ((r: FbLoginResponse) => void) | null = null;
    (window as any).FB = { init: vi.fn(), login: (c: (r: FbLoginResponse) => void) => (cb = c) };
    try {
      const w = mount(WhatsAppForm, await setup());
      await flushPromises();
      await w.find('form').trigger('submit');
      await flushPromises();
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      cb!({ authResponse: { code: 'AQlonely' } });
      await flushPromises();
      expect(w.find('[data-testid="es-waiting"]').exists()).toBe(true);
      vi.advanceTimersByTime(10_000);
      await flushPromises();
      expect(w.find('[data-testid="es-failed"]').text()).toContain('did not report the business account');
      expect(channelsSettingsApi.login).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
      delete (window as any).FB;
    }
  });
});
