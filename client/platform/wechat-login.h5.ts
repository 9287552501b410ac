import { ApiError } from '../services/api-error';

/** A browser has no `wx.login`: h5 signs in with a nickname (local mode) or not at all. */
export const WECHAT_LOGIN_AVAILABLE = false;

export function wechatLoginCode(): Promise<string> {
  return Promise.reject(ApiError.client('WECHAT_ONLY'));
}
