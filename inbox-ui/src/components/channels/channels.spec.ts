// @vitest-environment happy-dom
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import I18NextVue from 'i18next-vue';
import type { i18n } from 'i18next';
import { createI18n } from '../../i18n/index.js';
import { channelsSettingsApi, type LoginConfig } from '../../api/channels.js';
import { ApiError } from '../../api/http.js';
import { SESSION_KEY } from '../../stores/auth.store.js';
import { useChannelsStore } from '../../stores/channels.store.js';
import { channelDetail, entitlements } from './fixtures.js';
import AddChannelWizard from './AddChannelWizard.vue';
import ChannelRow from './ChannelRow.vue';
import MetaForm from './MetaForm.vue';
import { facebookDialogUrl, takePendingLogin } from './facebook-login.js';

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
    await w.find('[data-testid="type-whatsapp"]').trigger('click');
    expect(w.find('[data-testid="form-whatsapp"]').text()).toContain('Embedded Signup');
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
