import type { CatalogView } from '@shared/api';

import { ENDPOINTS } from './endpoints';
import { call } from './http';

export const catalogService = {
  get(): Promise<CatalogView> {
    return call<CatalogView>(ENDPOINTS.catalog);
  },
};
