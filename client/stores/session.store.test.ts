import Taro from '@tarojs/taro';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { authService } from '../services/auth.service';
import { ENDPOINTS } from '../services/endpoints';
import { call } from '../services/http';
import { storage } from '../test/setup';
import { initialSessionState, useSessionStore } from './session.store';

describe('session store', () => {
  beforeEach(() => useSessionStore.setState(initialSessionState));
  afterEach(() => vi.restoreAllMocks());

  it('signs in with a nickname and persists the token in Taro storage', async () => {
    const login = vi.spyOn(authService, 'loginLocal').mockResolvedValue({ token: 'tok-1' });
    expect(await useSessionStore.getState().loginLocal('  小明 ')).toBe(true);
    expect(login).toHaveBeenCalledWith({ nickname: '小明' });
    expect(useSessionStore.getState().token).toBe('tok-1');
    const persisted = JSON.parse(String(storage.get('zphz-session')));
    expect(persisted.state).toEqual({ token: 'tok-1', nickname: '小明', consentAt: null, role: 'applicant' });
  });

  it('refuses an empty nickname without a request', async () => {
    const login = vi.spyOn(authService, 'loginLocal');
    expect(await useSessionStore.getState().loginLocal('   ')).toBe(false);
    expect(login).not.toHaveBeenCalled();
    expect(useSessionStore.getState().loginError).toBe('请输入昵称');
  });

  it('sends the token as a bearer header and signs out on 401', async () => {
    useSessionStore.setState({ token: 'tok-2', nickname: '小明' });
    vi.mocked(Taro.request).mockResolvedValueOnce({
      statusCode: 401,
      data: { code: 'UNAUTHORIZED', message: '请先登录' },
    } as never);
    await expect(call(ENDPOINTS.listOrders)).rejects.toMatchObject({ status: 401, message: '请先登录' });
    const options = vi.mocked(Taro.request).mock.calls[0]![0] as { header: Record<string, string> };
    expect(options.header.Authorization).toBe('Bearer tok-2');
    expect(useSessionStore.getState().token).toBeNull();
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/account/pages/login/index' });
  });

  it('has no WeChat sign-in in a browser: a clear message and no request', async () => {
    expect(await useSessionStore.getState().loginWechat()).toBe(false);
    expect(Taro.request).not.toHaveBeenCalled();
    expect(useSessionStore.getState()).toMatchObject({ token: null, loginError: '微信登录只能在微信小程序中使用,请用微信扫码打开' });
  });

  it('signs out on the server too: the token goes with the logout call, then is forgotten', async () => {
    useSessionStore.setState({ token: 'tok-3', nickname: '小明', role: 'applicant' });
    vi.mocked(Taro.request).mockResolvedValueOnce({ statusCode: 204, data: '' } as never);
    useSessionStore.getState().logout();
    expect(useSessionStore.getState().token).toBeNull();
    const options = vi.mocked(Taro.request).mock.calls[0]![0] as { url: string; method: string; header: Record<string, string> };
    expect(options).toMatchObject({ method: 'POST', url: expect.stringMatching(/\/api\/auth\/logout$/) });
    expect(options.header.Authorization).toBe('Bearer tok-3');
    await Promise.resolve();
    expect(Taro.navigateTo).not.toHaveBeenCalled();
  });

  it('records consent once given', () => {
    useSessionStore.getState().giveConsent();
    expect(useSessionStore.getState().consentAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
});
