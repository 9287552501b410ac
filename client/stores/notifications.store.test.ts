import Taro from '@tarojs/taro';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ApiError } from '../services/api-error';
import { notificationService } from '../services/notification.service';
import { initialNotificationsState, useNotificationsStore } from './notifications.store';
import { notification } from '../test/fixtures';
import { initialSessionState, useSessionStore } from './session.store';

describe('notifications store', () => {
  beforeEach(() => {
    useSessionStore.setState({ ...initialSessionState, token: 'tok', role: 'applicant' });
    useNotificationsStore.setState(initialNotificationsState);
  });
  afterEach(() => vi.restoreAllMocks());

  it('lists notifications newest first with the unread count, through the transport', async () => {
    vi.mocked(Taro.request).mockResolvedValueOnce({
      statusCode: 200,
      data: {
        items: [
          notification({ id: 'ntf_old00001', createdAt: '2026-11-20T06:00:00.000Z', readAt: '2026-11-20T07:00:00.000Z' }),
          notification({ id: 'ntf_new00001' }),
        ],
        unread: 1,
      },
    } as never);
    await useNotificationsStore.getState().load();
    expect(vi.mocked(Taro.request).mock.calls[0]![0]).toMatchObject({ url: '/api/notifications', method: 'GET' });
    const s = useNotificationsStore.getState();
    expect(s.items.map((n) => n.id)).toEqual(['ntf_new00001', 'ntf_old00001']);
    expect(s).toMatchObject({ unread: 1, status: 'ready' });
  });

  it('marks one as read at once and tells the server', async () => {
    useNotificationsStore.setState({ items: [notification(), notification({ id: 'ntf_00000002' })], unread: 2, status: 'ready' });
    const markRead = vi.spyOn(notificationService, 'markRead').mockResolvedValue({});
    const pending = useNotificationsStore.getState().markRead('ntf_00000001');
    expect(useNotificationsStore.getState().unread).toBe(1);
    expect(useNotificationsStore.getState().items[0]!.readAt).not.toBeNull();
    await pending;
    expect(markRead).toHaveBeenCalledWith('ntf_00000001');

    // Already read: no second request, the count does not go below what is unread.
    await useNotificationsStore.getState().markRead('ntf_00000001');
    expect(markRead).toHaveBeenCalledTimes(1);
    expect(useNotificationsStore.getState().unread).toBe(1);
  });

  it('reloads the truth from the server when marking as read fails, and says why', async () => {
    useNotificationsStore.setState({ items: [notification()], unread: 1, status: 'ready' });
    vi.spyOn(notificationService, 'markRead').mockRejectedValue(new ApiError(404, 'NOTIFICATION_NOT_FOUND', '找不到该消息'));
    const list = vi.spyOn(notificationService, 'list').mockResolvedValue({ items: [notification()], unread: 1 });
    await useNotificationsStore.getState().markRead('ntf_00000001');
    expect(list).toHaveBeenCalled();
    expect(useNotificationsStore.getState()).toMatchObject({ unread: 1, actionError: '找不到该消息' });
  });

  it('marks everything as read', async () => {
    useNotificationsStore.setState({ items: [notification(), notification({ id: 'ntf_00000002' })], unread: 2, status: 'ready' });
    await useNotificationsStore.getState().markAllRead();
    expect(vi.mocked(Taro.request).mock.calls[0]![0]).toMatchObject({ url: '/api/notifications/read-all', method: 'POST' });
    expect(useNotificationsStore.getState().unread).toBe(0);
    expect(useNotificationsStore.getState().items.every((n) => n.readAt !== null)).toBe(true);
  });

  it('forgets the previous person’s messages when the session changes', () => {
    useNotificationsStore.setState({ items: [notification()], unread: 1, status: 'ready' });
    useSessionStore.getState().logout();
    expect(useNotificationsStore.getState()).toMatchObject({ items: [], unread: 0, status: 'idle' });
  });

  it('keeps the message of a failed load', async () => {
    vi.spyOn(notificationService, 'list').mockRejectedValue(ApiError.client('NETWORK'));
    await useNotificationsStore.getState().load();
    expect(useNotificationsStore.getState()).toMatchObject({ status: 'error', error: '网络连接失败,请检查网络后重试' });
  });
});
