import { create } from 'zustand';

import type { HandoffView } from '@shared/api';

import { errorMessage } from '../services/api-error';
import { handoffService } from '../services/wechat.service';

/** 「在手机上继续」: the current ticket for one order (a new one replaces it). */
export interface HandoffState {
  orderId: string | null;
  view: HandoffView | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  create: (orderId: string) => Promise<HandoffView | null>;
  reset: () => void;
}

export const initialHandoffState = { orderId: null, view: null, status: 'idle', error: null } as const;

let seq = 0;

export const useHandoffStore = create<HandoffState>()((set) => ({
  ...initialHandoffState,

  async create(orderId) {
    const mine = ++seq;
    set({ orderId, status: 'loading', error: null });
    try {
      const view = await handoffService.create(orderId);
      if (mine !== seq) return null;
      set({ view, status: 'ready' });
      return view;
    } catch (error) {
      if (mine !== seq) return null;
      set({ view: null, status: 'error', error: errorMessage(error) });
      return null;
    }
  },

  reset() {
    seq++;
    set(initialHandoffState);
  },
}));

/** Whether a ticket is past its expiry (a ticket without a readable time counts as expired). */
export function handoffExpired(view: HandoffView, now: number = Date.now()): boolean {
  const end = new Date(view.expiresAt).getTime();
  return Number.isNaN(end) || end <= now;
}
