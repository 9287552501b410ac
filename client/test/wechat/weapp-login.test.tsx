/**
 * The mini-program's WeChat sign-in: the platform module is the weapp one (Taro.login mocked at the
 * edge), and the HTTP calls go through the real transport with Taro.request mocked.
 */
import { render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { openSignedIn } from '../../hooks/use-session-gate';
import LoginPage from '../../packages/account/pages/login/index';
import HomePage from '../../pages/index/index';
import { ENDPOINTS } from '../../services/endpoints';
import { call } from '../../services/http';
import { resetLaunchScenes } from '../../stores/launch-scene.store';
import { initialSessionState, useSessionStore, WECHAT_DISPLAY_NAME } from '../../stores/session.store';
import { routerState, storage } from '../setup';

// The weapp variant of the platform module instead of the h5 one vitest would pick.
vi.mock('../../platform/wechat-login', () => vi.importActual('../../platform/wechat-login.ts'));

type RequestOptions = { url: string; method: string; data?: unknown; header: Record<string, string> };

const requests = () => vi.mocked(Taro.request).mock.calls.map((c) => c[0] as unknown as RequestOptions);

/** A fake server: answers by method and path. */
function serve(routes: Record<string, (options: RequestOptions) => { statusCode: number; data: unknown }>) {
  vi.mocked(Taro.request).mockImplementation((async (options: RequestOptions) => {
    const key = `${options.method} ${options.url.split('?')[0]}`;
    const route = routes[key];
    if (!route) return { statusCode: 404, data: { code: 'ROUTE_NOT_FOUND', message: '请求的地址不存在' } };
    return route(options);
  }) as never);
}

const TICKET = 'AbCdEfGh1234';

/** POST /api/handoff/redeem answering only the session `token` (anything else is a 401). */
const redeemFor = (token: string) => (options: RequestOptions) =>
  options.header.Authorization === `Bearer ${token}`
    ? { statusCode: 200, data: { orderId: 'ord_12345678' } }
    : { statusCode: 401, data: { code: 'UNAUTHORIZED', message: '请先登录' } };

describe('WeChat sign-in (weapp)', () => {
  beforeEach(() => {
    useSessionStore.setState(initialSessionState);
    resetLaunchScenes();
    vi.mocked(Taro.login).mockResolvedValue({ code: 'wx-code-1', errMsg: 'login:ok' } as never);
  });
  afterEach(() => vi.restoreAllMocks());

  it('exchanges the code of Taro.login for a session token and persists it', async () => {
    serve({ 'POST /api/auth/wechat': () => ({ statusCode: 200, data: { token: 'wx-tok' } }) });
    expect(await useSessionStore.getState().loginWechat()).toBe(true);
    expect(Taro.login).toHaveBeenCalledTimes(1);
    const [login] = requests();
    expect(login).toMatchObject({ url: '/api/auth/wechat', method: 'POST', data: { code: 'wx-code-1' } });
    expect(login!.header.Authorization).toBeUndefined();
    expect(useSessionStore.getState()).toMatchObject({ token: 'wx-tok', role: 'applicant', nickname: WECHAT_DISPLAY_NAME });
    expect(JSON.parse(String(storage.get('zphz-session'))).state.token).toBe('wx-tok');
  });

  it('shares one attempt between callers that ask at the same time', async () => {
    serve({ 'POST /api/auth/wechat': () => ({ statusCode: 200, data: { token: 'wx-tok' } }) });
    const results = await Promise.all([useSessionStore.getState().loginWechat(), useSessionStore.getState().loginWechat()]);
    expect(results).toEqual([true, true]);
    expect(Taro.login).toHaveBeenCalledTimes(1);
    expect(requests()).toHaveLength(1);
  });

  it('keeps the server message when the code is refused, and a Chinese message when wx.login fails', async () => {
    serve({
      'POST /api/auth/wechat': () => ({
        statusCode: 401,
        data: { code: 'WECHAT_CODE_INVALID', message: '微信登录已失效,请重新进入小程序' },
      }),
    });
    expect(await useSessionStore.getState().loginWechat()).toBe(false);
    expect(useSessionStore.getState()).toMatchObject({ token: null, loginStatus: 'error', loginError: '微信登录已失效,请重新进入小程序' });

    vi.mocked(Taro.login).mockRejectedValueOnce({ errMsg: 'login:fail' });
    vi.mocked(Taro.request).mockClear();
    expect(await useSessionStore.getState().loginWechat()).toBe(false);
    expect(requests()).toHaveLength(0);
    expect(useSessionStore.getState().loginError).toBe('微信登录失败,请稍后重试');
  });

  it('signs in again silently after a 401 instead of opening the sign-in page', async () => {
    useSessionStore.setState({ token: 'old', role: 'applicant', nickname: WECHAT_DISPLAY_NAME });
    serve({
      'GET /api/orders': () => ({ statusCode: 401, data: { code: 'UNAUTHORIZED', message: '请先登录' } }),
      'POST /api/auth/wechat': () => ({ statusCode: 200, data: { token: 'fresh' } }),
    });
    await expect(call(ENDPOINTS.listOrders)).rejects.toMatchObject({ status: 401 });
    await waitFor(() => expect(useSessionStore.getState().token).toBe('fresh'));
    expect(Taro.navigateTo).not.toHaveBeenCalled();
  });

  it('the sign-in gate signs in with WeChat and opens the page directly', async () => {
    serve({ 'POST /api/auth/wechat': () => ({ statusCode: 200, data: { token: 'wx-tok' } }) });
    await openSignedIn('orders');
    expect(Taro.navigateTo).not.toHaveBeenCalled();
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/orders/index' });
  });

  it('the sign-in gate falls back to the sign-in page (to show why) when WeChat sign-in fails', async () => {
    vi.mocked(Taro.login).mockRejectedValueOnce({ errMsg: 'login:fail' });
    await openSignedIn('orders');
    expect(Taro.navigateTo).toHaveBeenCalledWith({
      url: `/packages/account/pages/login/index?redirect=${encodeURIComponent('/pages/orders/index')}`,
    });
  });

  it('the sign-in page signs in with WeChat at once and returns to where the person was going', async () => {
    serve({ 'POST /api/auth/wechat': () => ({ statusCode: 200, data: { token: 'wx-tok' } }) });
    routerState.params = { redirect: encodeURIComponent('/packages/orders/pages/detail/index?id=ord_12345678') };
    render(<LoginPage />);
    expect(screen.getByRole('button', { name: '微信登录' })).toBeTruthy();
    expect(document.querySelector('input[name="nickname"]')).toBeNull();
    await waitFor(() =>
      expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/packages/orders/pages/detail/index?id=ord_12345678' }),
    );
    expect(useSessionStore.getState().token).toBe('wx-tok');
  });

  it('a 「在手机上继续」 code: signs in silently, redeems the ticket and opens the order', async () => {
    serve({
      'POST /api/auth/wechat': () => ({ statusCode: 200, data: { token: 'wx-tok' } }),
      'POST /api/handoff/redeem': redeemFor('wx-tok'),
    });
    // WeChat hands the page encodeURIComponent(scene).
    routerState.params = { scene: encodeURIComponent(`t=${TICKET}`) };
    render(<HomePage />);
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/packages/orders/pages/detail/index?id=ord_12345678' }));
    expect(requests().find((r) => r.url === '/api/handoff/redeem')?.data).toEqual({ ticket: TICKET });
    expect(Taro.navigateTo).not.toHaveBeenCalled();
  });

  it('a stale session while redeeming: signs in again and retries once', async () => {
    useSessionStore.setState({ token: 'stale', role: 'applicant', nickname: WECHAT_DISPLAY_NAME });
    serve({
      'POST /api/auth/wechat': () => ({ statusCode: 200, data: { token: 'fresh' } }),
      'POST /api/handoff/redeem': redeemFor('fresh'),
    });
    routerState.params = { scene: encodeURIComponent(`t=${TICKET}`) };
    render(<HomePage />);
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/packages/orders/pages/detail/index?id=ord_12345678' }));
    expect(Taro.login).toHaveBeenCalledTimes(1);
    expect(requests().filter((r) => r.url === '/api/handoff/redeem')).toHaveLength(2);
    expect(Taro.navigateTo).not.toHaveBeenCalled();
  });

  it('a refused ticket shows the server’s message on the home page', async () => {
    useSessionStore.setState({ token: 'tok', role: 'applicant', nickname: WECHAT_DISPLAY_NAME });
    serve({
      'POST /api/handoff/redeem': () => ({
        statusCode: 403,
        data: { code: 'HANDOFF_NOT_OWNER', message: '该二维码只能由下单本人使用,请用下单时的微信扫码' },
      }),
    });
    routerState.params = { scene: encodeURIComponent(`t=${TICKET}`) };
    render(<HomePage />);
    expect((await screen.findByTestId('scene-error')).textContent).toContain('该二维码只能由下单本人使用,请用下单时的微信扫码');
    expect(Taro.redirectTo).not.toHaveBeenCalled();
  });
});
