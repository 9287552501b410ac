import { create } from 'zustand';

/**
 * The order a person asks 客服 about. A tab page cannot take a query (WeChat opens it with
 * switchTab), so a page that sends someone to 客服 about an order leaves the order here first.
 */
export interface SupportState {
  orderId: string | null;
  askAbout: (orderId: string | null) => void;
}

export const useSupportStore = create<SupportState>((set) => ({
  orderId: null,
  askAbout: (orderId) => set({ orderId }),
}));
