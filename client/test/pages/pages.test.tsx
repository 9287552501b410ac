import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import ConsentPage from '../../packages/apply/pages/consent/index';
import CapturePage from '../../packages/apply/pages/capture/index';
import OrdersPage from '../../pages/orders/index';
import OrderDetailPage from '../../packages/orders/pages/detail/index';
import HomePage from '../../pages/index/index';
import { ApiError } from '../../services/api-error';
import { orderService } from '../../services/order.service';
import { initialOrderState, useOrderStore } from '../../stores/order.store';
import { useOrdersStore } from '../../stores/orders.store';
import { initialSessionState, useSessionStore } from '../../stores/session.store';
import { FAILED_REPORT, order } from '../fixtures';
import { routerState } from '../setup';

const button = (name: string) => screen.getByRole('button', { name });

describe('pages', () => {
  beforeEach(() => {
    useSessionStore.setState({ ...initialSessionState, token: 'tok', nickname: '小明' });
    useOrderStore.setState(initialOrderState);
    useOrdersStore.setState({ tab: 'all', orders: [], status: 'idle', error: null });
  });
  afterEach(() => vi.restoreAllMocks());

  it('home: 回执办理 goes to sign-in first when there is no session', () => {
    useSessionStore.setState({ token: null });
    render(<HomePage />);
    expect(screen.getByText('照片回执')).toBeTruthy();
    fireEvent.click(button('回执办理'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({
      url: `/packages/account/pages/login/index?redirect=${encodeURIComponent('/packages/apply/pages/certificate/index')}`,
    });
    fireEvent.click(button('拍摄指南'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/apply/pages/guide/index' });
  });

  it('consent: cannot continue until the box is ticked, then records consent and opens the guide', () => {
    routerState.params = { orderId: 'ord_12345678' };
    render(<ConsentPage />);
    expect(screen.getByText('请先勾选同意,才能拍照和填写身份信息')).toBeTruthy();
    fireEvent.click(button('同意并继续'));
    expect(useSessionStore.getState().consentAt).toBeNull();
    expect(Taro.redirectTo).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('checkbox'));
    fireEvent.click(button('同意并继续'));
    expect(useSessionStore.getState().consentAt).not.toBeNull();
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/packages/apply/pages/guide/index?orderId=ord_12345678' });
  });

  it('capture: without consent the person is sent to the consent step first', async () => {
    routerState.params = { orderId: 'ord_12345678' };
    render(<CapturePage />);
    await waitFor(() =>
      expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/packages/apply/pages/consent/index?orderId=ord_12345678' }),
    );
  });

  it('orders: an empty list offers to start, a failed one offers 重试', async () => {
    const list = vi.spyOn(orderService, 'list').mockResolvedValueOnce([]);
    const { unmount } = render(<OrdersPage />);
    await screen.findByText('这里还没有订单');
    fireEvent.click(button('开始办理'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/apply/pages/certificate/index' });
    unmount();

    list.mockRejectedValueOnce(ApiError.client('NETWORK')).mockResolvedValueOnce([order({ status: 'submitted' })]);
    useOrdersStore.setState({ status: 'idle' });
    render(<OrdersPage />);
    await screen.findByText('网络连接失败,请检查网络后重试');
    fireEvent.click(button('重试'));
    await screen.findByText('已提交,等待审核');
    expect(screen.getByText('居住证')).toBeTruthy();
  });

  it('order detail: needs_retake shows the failure and a 重新拍摄 that returns to capture for this order', async () => {
    useSessionStore.setState({ consentAt: '2026-11-21T00:00:00.000Z' });
    routerState.params = { id: 'ord_12345678' };
    vi.spyOn(orderService, 'get').mockResolvedValue(
      order({
        status: 'needs_retake',
        report: FAILED_REPORT,
        history: [
          { from: null, to: 'draft', event: 'create', actor: 'applicant', at: '2026-11-21T05:00:00.000Z' },
          { from: 'draft', to: 'processing', event: 'upload_photo', actor: 'applicant', at: '2026-11-21T05:01:00.000Z' },
          { from: 'processing', to: 'needs_retake', event: 'photo_rejected', actor: 'system', at: '2026-11-21T05:01:05.000Z' },
        ],
      }),
    );
    render(<OrderDetailPage />);
    await screen.findByText(/闭眼:/);
    expect(screen.getAllByText('需重新拍摄').length).toBeGreaterThanOrEqual(2); // status + timeline
    expect(screen.getByText('照片处理中')).toBeTruthy();
    fireEvent.click(button('重新拍摄'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/apply/pages/capture/index?orderId=ord_12345678' });
  });

  it('order detail: a photo deleted under the retention rules says so instead of 还没有处理好的照片', async () => {
    routerState.params = { id: 'ord_12345678' };
    vi.spyOn(orderService, 'get').mockResolvedValue(order({ status: 'expired', photoUrl: null, photoPurgedAt: '2027-06-20T00:00:00.000Z' }));
    render(<OrderDetailPage />);
    await screen.findByText('照片已超过保存期限,已按规定删除');
    expect(screen.queryByText('还没有处理好的照片')).toBeNull();
  });
});

describe('login page', () => {
  beforeEach(() => useSessionStore.setState(initialSessionState));
  afterEach(() => vi.restoreAllMocks());

  it('checks the nickname with the API schema, signs in and returns to where the person was going', async () => {
    const { default: LoginPage } = await import('../../packages/account/pages/login/index');
    const { authService } = await import('../../services/auth.service');
    const login = vi.spyOn(authService, 'loginLocal').mockResolvedValue({ token: 'tok-9' });
    routerState.params = { redirect: encodeURIComponent('/pages/orders/index') };
    render(<LoginPage />);
    const input = document.querySelector('input[name="nickname"]') as HTMLInputElement;
    fireEvent.input(input, { target: { value: '一二三四五六七八九十一二三四五六七八九十一' } });
    fireEvent.click(button('登录'));
    expect(await screen.findByText('昵称最多 20 个字')).toBeTruthy();
    expect(login).not.toHaveBeenCalled();

    fireEvent.input(input, { target: { value: ' 小明 ' } });
    fireEvent.click(button('登录'));
    await waitFor(() => expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/orders/index' }));
    expect(login).toHaveBeenCalledWith({ nickname: '小明' });
    expect(useSessionStore.getState().token).toBe('tok-9');
  });
});
