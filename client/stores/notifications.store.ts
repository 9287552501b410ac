import { create } from 'zustand';

import type { NotificationView } from '@shared/api';

import { errorMessage } from '../services/api-error';
import { notificationService } from '../services/notification.service';
import { useSessionStore } from './session.store';

/** In-app notifications (消息): everyone gets them, so h5 users see review results too. */
export interface NotificationsState {
  items: NotificationView[];
  unread: number;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** The last mark-as-read that failed (shown as a line, the list stays). */
  actionError: string | null;
  load: () => Promise<void>;
  markRead: (id: string) => Promise<void>;
  markAllRead: () => Promise<void>;
  reset: () => void;
}

export const initialNotificationsState: Pick<NotificationsState, 'items' | 'unread' | 'status' | 'error' | 'actionError'> = {
  items: [],
  unread: 0,
  status: 'idle',
  error: null,
  actionError: null,
};

let requestSeq = 0;

const newestFirst = (items: NotificationView[]) => [...items].sort((a, b) => b.createdAt.localeCompare(a.createdAt));

export const useNotificationsStore = create<NotificationsState>()((set, get) => ({
  ...initialNotificationsState,

  async load() {
    const seq = ++requestSeq;
    set({ status: 'loading', error: null });
    try {
      const { items, unread } = await notificationService.list();
      if (seq !== requestSeq) return;
      set({ items: newestFirst(items), unread, status: 'ready' });
    } catch (error) {
      if (seq !== requestSeq) return;
      set({ status: 'error', error: errorMessage(error) });
    }
  },

  async markRead(id) {
    const target = get().items.find((n) => n.id === id);
    if (!target || target.readAt !== null) return;
    // At once on screen; the server's answer only matters when it fails.
    ++requestSeq;
    const now = new Date().toISOString();
    set((s) => ({
      items: s.items.map((n) => (n.id === id ? { ...n, readAt: now } : n)),
      unread: Math.max(0, s.unread - 1),
      actionError: null,
    }));
    try {
      await notificationService.markRead(id);
    } catch (error) {
      set({ actionError: errorMessage(error) });
      await get().load();
    }
  },

  async markAllRead() {
    if (get().unread === 0 && get().items.every((n) => n.readAt !== null)) return;
    ++requestSeq;
    const now = new Date().toISOString();
    set((s) => ({ items: s.items.map((n) => (n.readAt ? n : { ...n, readAt: now })), unread: 0, actionError: null }));
    try {
      await notificationService.markAllRead();
    } catch (error) {
      set({ actionError: errorMessage(error) });
      await get().load();
    }
  },

  reset() {
    ++requestSeq;
    set(initialNotificationsState);
  },
}));

export const notificationsSelectors = {
  unread: (s: NotificationsState) => s.unread,
};

// Another person (or nobody) signed in: the previous person's messages must not stay on screen.
useSessionStore.subscribe((state, previous) => {
  if (state.token !== previous.token) useNotificationsStore.getState().reset();
});
