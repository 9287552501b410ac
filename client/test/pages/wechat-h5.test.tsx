/**
 * The h5 side of issue 5: the desktop panel, 「在手机上继续」, the launch scene, and 消息.
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import NotificationsPage from '../../packages/account/pages/notifications/index';
import OrderDetailPage from '../../packages/orders/pages/detail/index';
import OrdersPage from '../../pages/orders/index';
import HomePage from '../../pages/index/index';
import { ApiError } from '../../services/api-error';
import { notificationService } from '../../services/notification.service';
import { orderService } from '../../services/order.service';
import { handoffService } from '../../services/wechat.service';
import { initialHandoffState, useHandoffStore } from '../../stores/handoff.store';
import { resetLaunchScenes } from '../../stores/launch-scene.store';
import { initialNotificationsState, useNotificationsStore } from '../../stores/notifications.store';
import { initialOrderState, useOrderStore } from '../../stores/order.store';
import { useOrdersStore } from '../../stores/orders.store';
import { initialSessionState, useSessionStore } from '../../stores/session.store';
import { notification, order } from '../fixtures';
import { routerState } from '../setup';

const TICKET = 'AbCdEfGh1234';
const ORDER_DETAIL = '/packages/orders/pages/detail/index';

function setWindowWidth(width: number) {
  Object.defineProperty(window, 'innerWidth', { value: width, configurable: true, writable: true });
  window.dispatchEvent(new Event('resize'));
}

/** The `src` of an <Image> (Taro's h5 image renders an <img> inside). */
function imageSrc(el: HTMLElement): string | null {
  return el.getAttribute('src') ?? el.querySelector('img')?.getAttribute('src') ?? null;
}

beforeEach(() => {
  useSessionStore.setState({ ...initialSessionState, token: 'tok', role: 'applicant', nickname: '小明' });
  useNotificationsStore.setState(initialNotificationsState);
  useOrderStore.setState(initialOrderState);
  useOrdersStore.setState({ tab: 'all', orders: [], status: 'idle', error: null });
  useHandoffStore.setState(initialHandoffState);
  resetLaunchScenes();
  vi.spyOn(notificationService, 'list').mockResolvedValue({ items: [], unread: 0 });
});
afterEach(() => {
  vi.restoreAllMocks();
  setWindowWidth(1024);
});

describe('desktop panel', () => {
  it('shows the code to scan on a wide window, for the entry scene', () => {
    setWindowWidth(1280);
    render(<HomePage />);
    const panel = screen.getByTestId('desktop-entry-panel');
    expect(panel.textContent).toContain('微信扫码进入小程序');
    expect(panel.textContent).toContain('用微信扫一扫，在手机上办理');
    expect(imageSrc(screen.getByTestId('desktop-entry-code'))).toBe(`/api/wxacode?scene=${encodeURIComponent('from=desktop')}`);
  });

  it('is not shown on a phone, and goes away when the window narrows', () => {
    setWindowWidth(390);
    const { unmount } = render(<HomePage />);
    expect(screen.queryByTestId('desktop-entry-panel')).toBeNull();
    unmount();

    setWindowWidth(1280);
    render(<HomePage />);
    expect(screen.getByTestId('desktop-entry-panel')).toBeTruthy();
    act(() => setWindowWidth(800));
    expect(screen.queryByTestId('desktop-entry-panel')).toBeNull();
  });

  it('does not exist in the mini-program build', async () => {
    const weapp = await vi.importActual<typeof import('../../components/DesktopEntry')>('../../components/DesktopEntry/index.tsx');
    setWindowWidth(1280);
    const { container } = render(<weapp.DesktopEntry />);
    expect(container.innerHTML).toBe('');
  });
});

describe('launch scene', () => {
  it('a 「在手机上继续」 ticket is redeemed and the order replaces the home page', async () => {
    const redeem = vi.spyOn(handoffService, 'redeem').mockResolvedValue({ orderId: 'ord_12345678' });
    routerState.params = { scene: encodeURIComponent(`t=${TICKET}`) };
    render(<HomePage />);
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: `${ORDER_DETAIL}?id=ord_12345678` }));
    expect(redeem).toHaveBeenCalledWith(TICKET);
  });

  it('a refused ticket leaves the server’s message on the home page, and is not tried again on re-show', async () => {
    const redeem = vi
      .spyOn(handoffService, 'redeem')
      .mockRejectedValue(new ApiError(403, 'HANDOFF_NOT_OWNER', '该二维码只能由下单本人使用,请用下单时的微信扫码'));
    routerState.params = { scene: `t=${TICKET}` }; // the h5 router may have decoded it already
    const { unmount } = render(<HomePage />);
    const notice = await screen.findByTestId('scene-error');
    expect(notice.textContent).toContain('该二维码只能由下单本人使用,请用下单时的微信扫码');
    expect(screen.getByRole('alert')).toBe(notice);
    expect(Taro.redirectTo).not.toHaveBeenCalled();
    unmount();

    render(<HomePage />);
    await act(async () => {});
    expect(redeem).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole('button', { name: '知道了' }));
    expect(screen.queryByTestId('scene-error')).toBeNull();
  });

  it('an expired ticket says so', async () => {
    vi.spyOn(handoffService, 'redeem').mockRejectedValue(new ApiError(410, 'HANDOFF_EXPIRED', '二维码已过期,请在电脑上重新生成'));
    routerState.params = { scene: encodeURIComponent(`t=${TICKET}`) };
    render(<HomePage />);
    expect((await screen.findByTestId('scene-error')).textContent).toContain('二维码已过期,请在电脑上重新生成');
  });

  it('without a session, h5 signs in first and comes back to the same scene', async () => {
    useSessionStore.setState({ token: null, role: null });
    const redeem = vi.spyOn(handoffService, 'redeem');
    routerState.params = { scene: encodeURIComponent(`t=${TICKET}`) };
    render(<HomePage />);
    const back = `/pages/index/index?scene=${encodeURIComponent(`t=${TICKET}`)}`;
    await waitFor(() =>
      expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `/packages/account/pages/login/index?redirect=${encodeURIComponent(back)}` }),
    );
    expect(redeem).not.toHaveBeenCalled();
  });

  it('after signing in, the sign-in page relaunches the home page with the scene to finish the job', async () => {
    useSessionStore.setState({ token: null, role: null });
    const { default: LoginPage } = await import('../../packages/account/pages/login/index');
    const { authService } = await import('../../services/auth.service');
    vi.spyOn(authService, 'loginLocal').mockResolvedValue({ token: 'tok-9' });
    const back = `/pages/index/index?scene=${encodeURIComponent(`t=${TICKET}`)}`;
    routerState.params = { redirect: encodeURIComponent(back) };
    render(<LoginPage />);
    fireEvent.input(document.querySelector('input[name="nickname"]') as HTMLInputElement, { target: { value: '小明' } });
    fireEvent.click(screen.getByRole('button', { name: '登录' }));
    await waitFor(() => expect(Taro.reLaunch).toHaveBeenCalledWith({ url: back }));
  });

  it('the desktop entry scene (and anything unreadable) needs nothing', async () => {
    const redeem = vi.spyOn(handoffService, 'redeem');
    routerState.params = { scene: encodeURIComponent('from=desktop') };
    const { unmount } = render(<HomePage />);
    await act(async () => {});
    unmount();
    routerState.params = { scene: 't=short' };
    render(<HomePage />);
    await act(async () => {});
    expect(redeem).not.toHaveBeenCalled();
    expect(Taro.navigateTo).not.toHaveBeenCalled();
    expect(screen.queryByTestId('scene-error')).toBeNull();
  });
});

describe('消息', () => {
  it('home shows 消息 with the unread count for a signed-in person, and opens the list', async () => {
    vi.mocked(notificationService.list).mockResolvedValue({ items: [notification()], unread: 3 });
    render(<HomePage />);
    expect((await screen.findByTestId('unread-badge')).textContent).toBe('3');
    fireEvent.click(screen.getByTestId('notifications-entry'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/account/pages/notifications/index' });
  });

  it('home shows no 消息 entry before signing in', () => {
    useSessionStore.setState({ token: null, role: null });
    render(<HomePage />);
    expect(screen.queryByTestId('notifications-entry')).toBeNull();
    expect(notificationService.list).not.toHaveBeenCalled();
  });

  it('the orders list header shows the unread count too', async () => {
    vi.spyOn(orderService, 'list').mockResolvedValue([]);
    vi.mocked(notificationService.list).mockResolvedValue({ items: [notification()], unread: 1 });
    render(<OrdersPage />);
    expect((await screen.findByTestId('unread-badge')).textContent).toBe('1');
  });

  it('lists title, body, time and an unread marker; a tap marks it read and opens the order', async () => {
    vi.mocked(notificationService.list).mockResolvedValue({
      items: [
        notification({ id: 'ntf_read0001', title: '照片审核未通过', orderId: 'ord_other001', readAt: '2026-11-21T07:00:00.000Z', createdAt: '2026-11-20T06:00:00.000Z' }),
        notification(),
      ],
      unread: 1,
    });
    const markRead = vi.spyOn(notificationService, 'markRead').mockResolvedValue(notification({ readAt: '2026-11-21T08:00:00.000Z' }));
    render(<NotificationsPage />);
    const unread = await screen.findByTestId('notification-ntf_00000001');
    expect(unread.textContent).toContain('照片审核通过');
    expect(unread.textContent).toContain('居住证（深圳）的照片已审核通过。');
    expect(unread.querySelector('[aria-label="未读"]')).not.toBeNull();
    expect(screen.getByTestId('notification-ntf_read0001').querySelector('[aria-label="未读"]')).toBeNull();
    expect(screen.getByText('1 条未读')).toBeTruthy();

    fireEvent.click(unread);
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `${ORDER_DETAIL}?id=ord_12345678` });
    await waitFor(() => expect(markRead).toHaveBeenCalledWith('ntf_00000001'));
    expect(screen.getByText('全部已读')).toBeTruthy();
    expect(unread.querySelector('[aria-label="未读"]')).toBeNull();
  });

  it('全部已读 marks everything read', async () => {
    vi.mocked(notificationService.list).mockResolvedValue({ items: [notification(), notification({ id: 'ntf_00000002' })], unread: 2 });
    const readAt = '2026-11-21T08:00:00.000Z';
    const readAll = vi.spyOn(notificationService, 'markAllRead').mockResolvedValue({
      items: [notification({ readAt }), notification({ id: 'ntf_00000002', readAt })],
      unread: 0,
    });
    render(<NotificationsPage />);
    fireEvent.click(await screen.findByRole('button', { name: '全部已读' }));
    expect(readAll).toHaveBeenCalled();
    expect(screen.queryByRole('button', { name: '全部已读' })).toBeNull();
  });

  it('empty and failed lists use the state views', async () => {
    const { unmount } = render(<NotificationsPage />);
    expect(await screen.findByText(/还没有消息/)).toBeTruthy();
    unmount();

    useNotificationsStore.setState(initialNotificationsState);
    vi.mocked(notificationService.list).mockRejectedValueOnce(ApiError.client('NETWORK')).mockResolvedValueOnce({ items: [notification()], unread: 1 });
    render(<NotificationsPage />);
    expect(await screen.findByText('网络连接失败,请检查网络后重试')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '重试' }));
    expect(await screen.findByText('照片审核通过')).toBeTruthy();
  });
});

describe('在手机上继续', () => {
  beforeEach(() => {
    routerState.params = { id: 'ord_12345678' };
    vi.spyOn(orderService, 'get').mockResolvedValue(order({ status: 'rejected' }));
  });

  it('shows a code for this order that the owner’s WeChat can open within 10 minutes', async () => {
    const expiresAt = new Date(Date.now() + 10 * 60_000).toISOString();
    const create = vi.spyOn(handoffService, 'create').mockResolvedValue({
      ticket: TICKET,
      scene: `t=${TICKET}`,
      codeUrl: `/api/wxacode?scene=${encodeURIComponent(`t=${TICKET}`)}`,
      expiresAt,
    });
    render(<OrderDetailPage />);
    fireEvent.click(await screen.findByTestId('handoff-button'));
    expect(create).toHaveBeenCalledWith('ord_12345678');
    const code = await screen.findByTestId('handoff-code');
    expect(imageSrc(code)).toBe(`/api/wxacode?scene=${encodeURIComponent(`t=${TICKET}`)}`);
    expect(screen.getByText('用下单时的微信扫码，10 分钟内有效')).toBeTruthy();
    expect(screen.getByText(/^有效期至 \d{2}:\d{2}$/)).toBeTruthy();
    expect(screen.queryByTestId('handoff-button')).toBeNull();
  });

  it('an expired code offers a fresh one', async () => {
    const create = vi
      .spyOn(handoffService, 'create')
      .mockResolvedValueOnce({ ticket: TICKET, scene: `t=${TICKET}`, codeUrl: '/api/wxacode?scene=t%3Dold', expiresAt: new Date(Date.now() - 1000).toISOString() })
      .mockResolvedValueOnce({ ticket: 'NewTicket123', scene: 't=NewTicket123', codeUrl: '/api/wxacode?scene=t%3DNewTicket123', expiresAt: new Date(Date.now() + 600_000).toISOString() });
    render(<OrderDetailPage />);
    fireEvent.click(await screen.findByTestId('handoff-button'));
    expect(await screen.findByText('二维码已过期,请刷新后再扫')).toBeTruthy();
    fireEvent.click(screen.getByTestId('handoff-refresh'));
    await waitFor(() => expect(imageSrc(screen.getByTestId('handoff-code'))).toBe('/api/wxacode?scene=t%3DNewTicket123'));
    expect(create).toHaveBeenCalledTimes(2);
  });

  it('shows why a code could not be made', async () => {
    vi.spyOn(handoffService, 'create').mockRejectedValue(new ApiError(403, 'FORBIDDEN', '当前账号没有权限进行此操作'));
    render(<OrderDetailPage />);
    fireEvent.click(await screen.findByTestId('handoff-button'));
    expect(await screen.findByText('当前账号没有权限进行此操作')).toBeTruthy();
  });
});
