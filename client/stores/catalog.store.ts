import { create } from 'zustand';

import type { CatalogView } from '@shared/api';

import { errorMessage } from '../services/api-error';
import { catalogService } from '../services/catalog.service';

export type CatalogCertificate = CatalogView['certificates'][number];

export interface CatalogGroup {
  code: string;
  name: string;
  certificates: CatalogCertificate[];
}

export interface CatalogState {
  catalog: CatalogView | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  load: (options?: { force?: boolean }) => Promise<void>;
}

export const useCatalogStore = create<CatalogState>()((set, get) => ({
  catalog: null,
  status: 'idle',
  error: null,
  async load({ force = false } = {}) {
    if (!force && (get().status === 'ready' || get().status === 'loading')) return;
    set({ status: 'loading', error: null });
    try {
      const catalog = await catalogService.get();
      set({ catalog, status: 'ready' });
    } catch (error) {
      set({ status: 'error', error: errorMessage(error) });
    }
  },
}));

/** Certificates grouped by receipt group (A, B, C) in catalogue order. */
function groupsOf(catalog: CatalogView | null): CatalogGroup[] {
  if (!catalog) return [];
  const groups = new Map<string, CatalogGroup>();
  for (const cert of catalog.certificates) {
    const group = groups.get(cert.group) ?? { code: cert.group, name: cert.groupName, certificates: [] };
    group.certificates.push(cert);
    groups.set(cert.group, group);
  }
  return [...groups.values()].sort((a, b) => a.code.localeCompare(b.code));
}

let lastCatalog: CatalogView | null = null;
let lastGroups: CatalogGroup[] = [];

export const catalogSelectors = {
  /** Memoised on the catalog object so components can subscribe without re-rendering in a loop. */
  groups: (s: CatalogState): CatalogGroup[] => {
    if (s.catalog !== lastCatalog) {
      lastCatalog = s.catalog;
      lastGroups = groupsOf(s.catalog);
    }
    return lastGroups;
  },
  certificate: (code: string | null) => (s: CatalogState) =>
    s.catalog?.certificates.find((c) => c.code === code) ?? null,
};
