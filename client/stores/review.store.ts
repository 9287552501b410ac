import { create } from 'zustand';

import { errorMessage } from '../services/api-error';
import type { RejectBody, ReviewOrderView, ReviewQueueItem } from '../services/staff-contract';
import { reviewService } from '../services/staff.service';

export interface ReviewState {
  queue: ReviewQueueItem[];
  queueStatus: 'idle' | 'loading' | 'ready' | 'error';
  queueError: string | null;
  order: ReviewOrderView | null;
  orderStatus: 'idle' | 'loading' | 'ready' | 'error';
  orderError: string | null;
  /** A claim / approve / reject in flight. */
  acting: 'claim' | 'approve' | 'reject' | null;
  actionError: string | null;
}

export interface ReviewActions {
  loadQueue: () => Promise<void>;
  loadOrder: (orderId: string) => Promise<void>;
  claim: (orderId: string) => Promise<boolean>;
  approve: (orderId: string) => Promise<boolean>;
  reject: (orderId: string, body: RejectBody) => Promise<boolean>;
  clearActionError: () => void;
}

export type ReviewStore = ReviewState & ReviewActions;

export const initialReviewState: ReviewState = {
  queue: [],
  queueStatus: 'idle',
  queueError: null,
  order: null,
  orderStatus: 'idle',
  orderError: null,
  acting: null,
  actionError: null,
};

export const useReviewStore = create<ReviewStore>()((set, get) => {
  async function act(kind: 'claim' | 'approve' | 'reject', orderId: string, run: () => Promise<unknown>) {
    if (get().acting) return false;
    set({ acting: kind, actionError: null });
    try {
      await run();
      set({ acting: null });
      return true;
    } catch (error) {
      set({ acting: null, actionError: errorMessage(error) });
      // The order may have moved on (claimed by someone else, already decided): show it as it is.
      void get().loadOrder(orderId);
      return false;
    }
  }

  return {
    ...initialReviewState,

    async loadQueue() {
      set({ queueStatus: 'loading', queueError: null });
      try {
        set({ queue: await reviewService.queue(), queueStatus: 'ready' });
      } catch (error) {
        set({ queueStatus: 'error', queueError: errorMessage(error) });
      }
    },

    async loadOrder(orderId) {
      const keep = get().order?.id === orderId;
      set({ orderStatus: 'loading', orderError: null, ...(keep ? {} : { order: null }) });
      try {
        set({ order: await reviewService.get(orderId), orderStatus: 'ready' });
      } catch (error) {
        set({ orderStatus: 'error', orderError: errorMessage(error) });
      }
    },

    async claim(orderId) {
      const ok = await act('claim', orderId, () => reviewService.claim(orderId));
      if (ok) await get().loadOrder(orderId);
      return ok;
    },

    approve(orderId) {
      return act('approve', orderId, () => reviewService.approve(orderId));
    },

    reject(orderId, body) {
      if (body.reasons.length === 0) {
        set({ actionError: '请至少选择一项不通过原因' });
        return Promise.resolve(false);
      }
      const note = body.note?.trim();
      return act('reject', orderId, () => reviewService.reject(orderId, note ? { reasons: body.reasons, note } : { reasons: body.reasons }));
    },

    clearActionError() {
      set({ actionError: null });
    },
  };
});

/** Who holds the claim on a review detail, whichever shape the server sends. */
export function claimOf(order: ReviewOrderView | null): { by: string | null; expiresAt: string | null; mine: boolean | null } {
  if (!order) return { by: null, expiresAt: null, mine: null };
  return { by: order.claimedBy ?? null, expiresAt: order.claimExpiresAt ?? null, mine: order.claimedByMe ?? null };
}

/** 等待 12 分钟 / 等待 2 小时 5 分钟. */
export function waitingText(seconds: number): string {
  const minutes = Math.floor(Math.max(0, seconds) / 60);
  if (minutes < 1) return '等待不到 1 分钟';
  if (minutes < 60) return `等待 ${minutes} 分钟`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `等待 ${hours} 小时 ${rest} 分钟` : `等待 ${hours} 小时`;
}
