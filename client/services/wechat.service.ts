import type { ClientConfigView, HandoffView, RedeemHandoffView } from '@shared/api';

import { apiUrl } from './config';
import { ENDPOINTS } from './endpoints';
import { buildPath, call } from './http';

/** What the server tells the client before the first tap: the WeChat mode and template ids. */
export const clientConfigService = {
  get(): Promise<ClientConfigView> {
    return call<ClientConfigView>(ENDPOINTS.clientConfig);
  },
};

/** The image URL of the mini-program code for a scene (GET /api/wxacode, no login). */
export function wxacodeUrl(scene: string): string {
  return apiUrl(buildPath(ENDPOINTS.wxacode, { query: { scene } }));
}

/** 「在手机上继续」: a short-lived ticket for one order, redeemed by its owner in the mini-program. */
export const handoffService = {
  create(orderId: string): Promise<HandoffView> {
    return call<HandoffView>(ENDPOINTS.createHandoff, { params: { id: orderId } });
  },
  redeem(ticket: string): Promise<RedeemHandoffView> {
    return call<RedeemHandoffView>(ENDPOINTS.redeemHandoff, { body: { ticket } });
  },
};
