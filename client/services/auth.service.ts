import type { LocalLoginBody } from '@shared/api';

import { ENDPOINTS } from './endpoints';
import { call } from './http';

export interface Session {
  token: string;
}

/**
 * Sign-in. Local mode takes a nickname; the WeChat mode (wx.login → code → server session) slots in
 * here as `loginWechat` without the stores or pages changing.
 */
export const authService = {
  loginLocal(body: LocalLoginBody): Promise<Session> {
    return call<Session>(ENDPOINTS.localLogin, { body });
  },
};
