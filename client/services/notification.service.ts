import type { NotificationListView } from '@shared/api';

import { ENDPOINTS } from './endpoints';
import { call } from './http';

/** In-app notifications (the review result, the expiry reminder): the h5 side of service messages. */
export const notificationService = {
  async list(): Promise<NotificationListView> {
    const data = await call<Partial<NotificationListView> | null>(ENDPOINTS.listNotifications);
    const items = Array.isArray(data?.items) ? data.items : [];
    const unread = typeof data?.unread === 'number' ? data.unread : items.filter((n) => n.readAt === null).length;
    return { items, unread };
  },
  markRead(id: string): Promise<unknown> {
    return call<unknown>(ENDPOINTS.readNotification, { params: { id } });
  },
  markAllRead(): Promise<unknown> {
    return call<unknown>(ENDPOINTS.readAllNotifications);
  },
};
