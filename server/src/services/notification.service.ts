/**
 * The in-app notifications (everyone gets them, so h5 users see review results too) and the
 * expiry reminders. Sending to WeChat is the dispatcher's job (notifications/).
 */
import type { NotificationListView, NotificationView } from '../../../shared/api';
import { EXPIRY_REMINDER_DAYS, notificationText } from '../../../shared/wechat';
import type { Clock } from '../repositories/clock.repository';
import type { CryptoRepository } from '../repositories/crypto.repository';
import { expiryReminderKey, type NotificationRecord, type NotificationRepository } from '../repositories/notification.repository';
import { AppError } from './errors';

export const NOTIFICATION_LIST_LIMIT = 50;
const REMINDER_BATCH = 500;

export class NotificationService {
  constructor(
    private readonly deps: {
      notifications: NotificationRepository;
      crypto: CryptoRepository;
      clock: Clock;
      /** Wakes the dispatcher after notifications were written. */
      onNotification?: () => void;
    },
  ) {}

  async list(userId: string): Promise<NotificationListView> {
    const { notifications } = this.deps;
    const items = await notifications.listForUser(userId, NOTIFICATION_LIST_LIMIT);
    return { items: items.map(view), unread: await notifications.unreadCount(userId) };
  }

  /** Someone else's notification does not exist, as far as the caller can tell. */
  async markRead(userId: string, id: string): Promise<NotificationView> {
    const record = await this.deps.notifications.markRead(userId, id, this.deps.clock.now());
    if (!record) throw new AppError('NOTIFICATION_NOT_FOUND');
    return view(record);
  }

  async markAllRead(userId: string): Promise<NotificationListView> {
    await this.deps.notifications.markAllRead(userId, this.deps.clock.now());
    return this.list(userId);
  }

  /**
   * One `receipt_expiring` notification per receipt that is approved, unused and runs out within
   * EXPIRY_REMINDER_DAYS. Safe to run any number of times (the dedupe key holds it to one).
   */
  async remindExpiring(): Promise<number> {
    const { notifications, crypto, clock } = this.deps;
    const now = clock.now();
    const until = new Date(now.getTime() + EXPIRY_REMINDER_DAYS * 86_400_000);
    const due = await notifications.expiringWithoutReminder(now, until, REMINDER_BATCH);
    const written = await notifications.insert(
      ...due.map((r) => ({
        id: crypto.newId(),
        userId: r.userId,
        at: now,
        dedupeKey: expiryReminderKey(r.number),
        payload: { kind: 'receipt_expiring' as const, orderId: r.orderId, certType: r.certType, cityCode: r.cityCode, imageNumber: r.number, expiresAt: r.expiresAt },
      })),
    );
    if (written > 0) this.deps.onNotification?.();
    return written;
  }
}

function view(r: NotificationRecord): NotificationView {
  const { title, body } = notificationText(r.payload);
  return { id: r.id, kind: r.kind, orderId: r.orderId, title, body, createdAt: r.createdAt, readAt: r.readAt };
}
