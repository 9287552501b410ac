import type { LocalLoginBody, WechatLoginBody } from '@shared/api';

import { ENDPOINTS } from './endpoints';
import { call } from './http';

export interface Session {
  token: string;
}

/**
 * Sign-in. Local mode (h5) takes a nickname; the mini-program sends the code of `wx.login` and the
 * server exchanges it for the person's openid (the session key never leaves the server).
 */
export const authService = {
  loginLocal(body: LocalLoginBody): Promise<Session> {
    return call<Session>(ENDPOINTS.localLogin, { body });
  },
  loginWechat(body: WechatLoginBody): Promise<Session> {
    return call<Session>(ENDPOINTS.wechatLogin, { body });
  },
  logout(): Promise<void> {
    return call<void>(ENDPOINTS.logout);
  },
};
