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

  it('keeps the server’s list (newest first) and unread count, through the transport', async () => {
    vi.mocked(Taro.request).mockResolvedValueOnce({
      statusCode: 200,
      data: {
        items: [
          notification({ id: 'ntf_new00001' }),
          notification({ id: 'ntf_old00001', createdAt: '2026-11-20T06:00:00.000Z', readAt: '2026-11-20T07:00:00.000Z' }),
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

  it('marks one as read at once, tells the server and keeps its copy', async () => {
    useNotificationsStore.setState({ items: [notification(), notification({ id: 'ntf_00000002' })], unread: 2, status: 'ready' });
    const serverRead = '2026-11-21T08:00:00.000Z';
    vi.mocked(Taro.request).mockResolvedValueOnce({ statusCode: 200, data: notification({ readAt: serverRead }) } as never);
    const markRead = vi.spyOn(notificationService, 'markRead');
    const pending = useNotificationsStore.getState().markRead('ntf_00000001');
    expect(useNotificationsStore.getState().unread).toBe(1);
    expect(useNotificationsStore.getState().items[0]!.readAt).not.toBeNull();
    await pending;
    expect(vi.mocked(Taro.request).mock.calls[0]![0]).toMatchObject({ url: '/api/notifications/ntf_00000001/read', method: 'POST' });
    expect(useNotificationsStore.getState().items[0]!.readAt).toBe(serverRead);
    expect(useNotificationsStore.getState().items[1]!.readAt).toBeNull();

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

  it('marks everything as read at once, then keeps the list the server answers with', async () => {
    useNotificationsStore.setState({ items: [notification(), notification({ id: 'ntf_00000002' })], unread: 2, status: 'ready' });
    // Meanwhile a new message arrived: the server's answer has it, unread.
    const answer = {
      items: [
        notification({ id: 'ntf_00000003' }),
        notification({ readAt: '2026-11-21T08:00:00.000Z' }),
        notification({ id: 'ntf_00000002', readAt: '2026-11-21T08:00:00.000Z' }),
      ],
      unread: 1,
    };
    vi.mocked(Taro.request).mockResolvedValueOnce({ statusCode: 200, data: answer } as never);
    const pending = useNotificationsStore.getState().markAllRead();
    expect(useNotificationsStore.getState().unread).toBe(0);
    expect(useNotificationsStore.getState().items.every((n) => n.readAt !== null)).toBe(true);
    await pending;
    expect(vi.mocked(Taro.request).mock.calls[0]![0]).toMatchObject({ url: '/api/notifications/read-all', method: 'POST' });
    expect(useNotificationsStore.getState()).toMatchObject(answer);
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
