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

export const useNotificationsStore = create<NotificationsState>()((set, get) => ({
  ...initialNotificationsState,

  async load() {
    const seq = ++requestSeq;
    set({ status: 'loading', error: null });
    try {
      const { items, unread } = await notificationService.list();
      if (seq !== requestSeq) return;
      set({ items, unread, status: 'ready' });
    } catch (error) {
      if (seq !== requestSeq) return;
      set({ status: 'error', error: errorMessage(error) });
    }
  },

  async markRead(id) {
    const target = get().items.find((n) => n.id === id);
    if (!target || target.readAt !== null) return;
    // At once on screen, then the server's copy (its read time).
    ++requestSeq;
    const now = new Date().toISOString();
    set((s) => ({
      items: s.items.map((n) => (n.id === id ? { ...n, readAt: now } : n)),
      unread: Math.max(0, s.unread - 1),
      actionError: null,
    }));
    try {
      const read = await notificationService.markRead(id);
      set((s) => ({ items: s.items.map((n) => (n.id === id ? read : n)) }));
    } catch (error) {
      set({ actionError: errorMessage(error) });
      await get().load();
    }
  },

  async markAllRead() {
    if (get().unread === 0 && get().items.every((n) => n.readAt !== null)) return;
    const seq = ++requestSeq;
    const now = new Date().toISOString();
    set((s) => ({ items: s.items.map((n) => (n.readAt ? n : { ...n, readAt: now })), unread: 0, actionError: null }));
    try {
      // The server answers with the list as it now is (a message may have arrived meanwhile).
      const { items, unread } = await notificationService.markAllRead();
      if (seq === requestSeq) set({ items, unread });
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
