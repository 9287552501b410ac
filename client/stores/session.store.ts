import Taro from '@tarojs/taro';
import { create } from 'zustand';
import { persist } from 'zustand/middleware';

import { WECHAT_LOGIN_AVAILABLE, wechatLoginCode } from '../platform/wechat-login';
import { ROUTES, navigate, pageUrl, routeUrl } from '../routes';
import { errorMessage } from '../services/api-error';
import { authService } from '../services/auth.service';
import { configureAuth } from '../services/http';
import type { Role } from '../services/staff-contract';
import { staffAuthService } from '../services/staff.service';
import { taroStorage } from './taro-storage';

export interface SessionState {
  token: string | null;
  nickname: string | null;
  /** When the person agreed to the personal-information rules (ISO time), null before. */
  consentAt: string | null;
  /** Who the token belongs to: applicants sign in with a nickname, staff with a password. */
  role: Role | null;
  loginStatus: 'idle' | 'loading' | 'error';
  loginError: string | null;
}

export interface SessionActions {
  /** Signs in with a nickname the page already validated with LocalLoginBody (zod stays out of
   *  the main package). */
  loginLocal: (nickname: string) => Promise<boolean>;
  /** weapp: `wx.login` → POST /api/auth/wechat → session token. Concurrent calls share one
   *  attempt (launch, the sign-in gate and a 401 may all ask at once). */
  loginWechat: () => Promise<boolean>;
  /** Staff sign-in; resolves with the role (null when it failed). */
  loginStaff: (username: string, password: string) => Promise<Role | null>;
  setLoginError: (message: string) => void;
  logout: () => void;
  giveConsent: () => void;
}

export type SessionStore = SessionState & SessionActions;

/** What the app calls a person signed in with WeChat (the server never sees a nickname). */
export const WECHAT_DISPLAY_NAME = '微信用户';

let wechatLoginAttempt: Promise<boolean> | null = null;

export const initialSessionState: SessionState = {
  token: null,
  nickname: null,
  consentAt: null,
  role: null,
  loginStatus: 'idle',
  loginError: null,
};

const SIGNED_OUT = { token: null, role: null, loginStatus: 'idle', loginError: null } as const;

export const useSessionStore = create<SessionStore>()(
  persist(
    (set, get) => ({
      ...initialSessionState,

      loginWechat() {
        if (wechatLoginAttempt) return wechatLoginAttempt;
        set({ loginStatus: 'loading', loginError: null });
        const attempt = (async () => {
          try {
            const code = await wechatLoginCode();
            const { token } = await authService.loginWechat({ code });
            set({ token, nickname: WECHAT_DISPLAY_NAME, role: 'applicant', loginStatus: 'idle' });
            return true;
          } catch (error) {
            set({ loginStatus: 'error', loginError: errorMessage(error) });
            return false;
          }
        })();
        wechatLoginAttempt = attempt;
        void attempt.finally(() => {
          if (wechatLoginAttempt === attempt) wechatLoginAttempt = null;
        });
        return attempt;
      },

      async loginLocal(nickname) {
        const trimmed = nickname.trim();
        if (!trimmed) {
          set({ loginStatus: 'error', loginError: '请输入昵称' });
          return false;
        }
        set({ loginStatus: 'loading', loginError: null });
        try {
          const { token } = await authService.loginLocal({ nickname: trimmed });
          set({ token, nickname: trimmed, role: 'applicant', loginStatus: 'idle' });
          return true;
        } catch (error) {
          set({ loginStatus: 'error', loginError: errorMessage(error) });
          return false;
        }
      },

      async loginStaff(username, password) {
        const user = username.trim();
        if (!user || !password) {
          set({ loginStatus: 'error', loginError: !user ? '请输入用户名' : '请输入密码' });
          return null;
        }
        set({ loginStatus: 'loading', loginError: null });
        try {
          const { token, role, name } = await staffAuthService.login({ username: user, password });
          if ((role as string) === 'applicant') {
            set({ loginStatus: 'error', loginError: '该账号不是工作人员账号' });
            return null;
          }
          set({ token, role, nickname: name, loginStatus: 'idle' });
          return role;
        } catch (error) {
          set({ loginStatus: 'error', loginError: errorMessage(error) });
          return null;
        }
      },

      setLoginError(message) {
        set({ loginStatus: 'error', loginError: message });
      },

      logout() {
        // Ends the session on the server too (the token stops working), then forgets it here;
        // the header is taken when the call starts, so clearing right after is safe.
        if (get().token !== null) void authService.logout().catch(() => undefined);
        set(SIGNED_OUT);
      },

      giveConsent() {
        set({ consentAt: new Date().toISOString() });
      },
    }),
    {
      name: 'zphz-session',
      version: 1,
      storage: taroStorage,
      partialize: (s) => ({ token: s.token, nickname: s.nickname, consentAt: s.consentAt, role: s.role }),
    },
  ),
);

export const sessionSelectors = {
  isSignedIn: (s: SessionStore) => s.token !== null,
  hasConsent: (s: SessionStore) => s.consentAt !== null,
  nickname: (s: SessionStore) => s.nickname,
  isStaff: (s: SessionStore) => s.token !== null && s.role !== null && s.role !== 'applicant',
};

/** The page on screen, to come back to after signing in again (null when unknown). */
function currentPage(): string | null {
  try {
    const router = Taro.getCurrentInstance?.()?.router;
    if (!router?.path) return null;
    const path = router.path.split('?')[0]!;
    if (path.includes(ROUTES.login.slice(1)) || path.includes(ROUTES.staffLogin.slice(1))) return null;
    return pageUrl(path, router.params);
  } catch {
    return null;
  }
}

// The transport reads the token from here. A 401 anywhere signs the person out; the mini-program
// signs in again with WeChat at once (the failed screen's 重试 then works), h5 opens sign-in.
configureAuth({
  getToken: () => useSessionStore.getState().token,
  onUnauthorized: () => {
    const { token, role } = useSessionStore.getState();
    const wasStaff = role !== null && role !== 'applicant';
    // The server already refused the token: forget it without asking the server to end it.
    useSessionStore.setState(SIGNED_OUT);
    if (token === null) return;
    if (!wasStaff && WECHAT_LOGIN_AVAILABLE) {
      void useSessionStore.getState().loginWechat();
      return;
    }
    const back = currentPage();
    void navigate(routeUrl(wasStaff ? 'staffLogin' : 'login', { redirect: back ?? undefined }));
  },
});
