import Taro from '@tarojs/taro';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { askForSubscriptions } from '../services/subscriptions';
import { clientConfigSelectors, useClientConfigStore } from './client-config.store';

describe('client config store', () => {
  beforeEach(() => useClientConfigStore.setState({ config: null, status: 'idle' }));
  afterEach(() => vi.restoreAllMocks());

  it('loads GET /api/client-config once, without a session', async () => {
    vi.mocked(Taro.request).mockResolvedValue({
      statusCode: 200,
      data: { mode: 'wechat', subscribeTemplates: { result: 'tmpl-r', expiry: null } },
    } as never);
    await Promise.all([useClientConfigStore.getState().load(), useClientConfigStore.getState().load()]);
    await useClientConfigStore.getState().load();
    expect(Taro.request).toHaveBeenCalledTimes(1);
    const options = vi.mocked(Taro.request).mock.calls[0]![0] as { url: string; header: Record<string, string> };
    expect(options.url).toBe('/api/client-config');
    expect(options.header.Authorization).toBeUndefined();
    expect(useClientConfigStore.getState()).toMatchObject({
      status: 'ready',
      config: { mode: 'wechat', subscribeTemplates: { result: 'tmpl-r', expiry: null } },
    });
    expect(clientConfigSelectors.templates(useClientConfigStore.getState())).toEqual({ result: 'tmpl-r', expiry: null });
  });

  it('tolerates a failed load: no mode, no templates, no subscribe dialog', async () => {
    vi.mocked(Taro.request).mockRejectedValueOnce({ errMsg: 'request:fail' });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(await useClientConfigStore.getState().load()).toBeNull();
    const s = useClientConfigStore.getState();
    expect(s.status).toBe('error');
    expect(s.config).toBeNull();
    expect(await askForSubscriptions(clientConfigSelectors.templates(s))).toBeUndefined();
  });
});
