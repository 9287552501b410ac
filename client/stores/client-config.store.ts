import { create } from 'zustand';

import type { ClientConfigView } from '@shared/api';

import { clientConfigService } from '../services/wechat.service';

/**
 * GET /api/client-config, loaded once at launch. Everything that reads it tolerates `null` (not
 * loaded yet, or the request failed): no templates means no subscribe dialog, nothing else changes.
 */
export interface ClientConfigState {
  config: ClientConfigView | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  load: () => Promise<ClientConfigView | null>;
}

let pending: Promise<ClientConfigView | null> | null = null;

export const useClientConfigStore = create<ClientConfigState>()((set, get) => ({
  config: null,
  status: 'idle',
  load() {
    if (get().status === 'ready') return Promise.resolve(get().config);
    if (pending) return pending;
    set({ status: 'loading' });
    pending = clientConfigService
      .get()
      .then((config) => {
        set({ config, status: 'ready' });
        return config;
      })
      .catch((error: unknown) => {
        console.warn('[client-config]', error);
        set({ status: 'error' });
        return null;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  },
}));

export const clientConfigSelectors = {
  /** The template ids for the subscribe dialog; null until loaded (or when loading failed). */
  templates: (s: ClientConfigState) => s.config?.subscribeTemplates ?? null,
};
