import type { NotificationListView, NotificationView } from '@shared/api';

import { ENDPOINTS } from './endpoints';
import { call } from './http';

/** In-app notifications (the review result, the expiry reminder): the h5 side of service messages. */
export const notificationService = {
  /** Newest first, with the unread count. */
  list(): Promise<NotificationListView> {
    return call<NotificationListView>(ENDPOINTS.listNotifications);
  },
  markRead(id: string): Promise<NotificationView> {
    return call<NotificationView>(ENDPOINTS.readNotification, { params: { id } });
  },
  /** Answers with the list as it now is. */
  markAllRead(): Promise<NotificationListView> {
    return call<NotificationListView>(ENDPOINTS.readAllNotifications);
  },
};
