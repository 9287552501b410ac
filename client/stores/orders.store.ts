import { create } from 'zustand';

import type { OrderView } from '@shared/api';
import { ORDER_TABS } from '@shared/order-machine';

import { errorMessage } from '../services/api-error';
import { orderService } from '../services/order.service';

export interface OrdersState {
  tab: string;
  orders: OrderView[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  setTab: (tab: string) => Promise<void>;
  load: () => Promise<void>;
}

let requestSeq = 0;

export const useOrdersStore = create<OrdersState>()((set, get) => ({
  tab: ORDER_TABS[0]!.key,
  orders: [],
  status: 'idle',
  error: null,

  async setTab(tab) {
    if (tab === get().tab && get().status === 'ready') return;
    set({ tab, orders: [] });
    await get().load();
  },

  async load() {
    const seq = ++requestSeq;
    const tab = ORDER_TABS.find((t) => t.key === get().tab) ?? ORDER_TABS[0]!;
    set({ status: 'loading', error: null });
    try {
      // "全部" asks for everything; the other tabs ask the server to filter by status.
      const orders = await orderService.list(tab.key === 'all' ? undefined : tab.statuses);
      if (seq !== requestSeq) return;
      // Filter here too, so a tab never shows an order of another tab whatever the server returns.
      const sorted = orders
        .filter((o) => tab.statuses.includes(o.status))
        .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
      set({ orders: sorted, status: 'ready' });
    } catch (error) {
      if (seq !== requestSeq) return;
      set({ status: 'error', error: errorMessage(error) });
    }
  },
}));
