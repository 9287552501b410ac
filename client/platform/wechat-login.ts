import Taro from '@tarojs/taro';

import { ApiError } from '../services/api-error';

/** The mini-program signs in with WeChat (the nickname page is for h5 in local mode). */
export const WECHAT_LOGIN_AVAILABLE = true;

/** weapp: `wx.login` → a one-time code for POST /api/auth/wechat (valid five minutes, used once). */
export async function wechatLoginCode(): Promise<string> {
  let code: string | undefined;
  try {
    ({ code } = await Taro.login({ timeout: 10_000 }));
  } catch (error) {
    console.warn('[wechat-login]', error);
    throw ApiError.client(/timeout/i.test(String((error as { errMsg?: string })?.errMsg ?? error)) ? 'TIMEOUT' : 'WECHAT_LOGIN_FAILED');
  }
  if (!code) throw ApiError.client('WECHAT_LOGIN_FAILED');
  return code;
}
