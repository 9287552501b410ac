import type { EligibilityBody, EligibilityVerdict } from '@shared/api';

import { ENDPOINTS } from './endpoints';
import { call } from './http';

export const eligibilityService = {
  /** 深圳居住证: whether, and by which route, the person may apply on `body.applicationDate`. */
  checkShenzhenResidence(body: EligibilityBody): Promise<EligibilityVerdict> {
    return call<EligibilityVerdict>(ENDPOINTS.checkShenzhenResidence, { body });
  },
};
