import Taro from '@tarojs/taro';
import { create } from 'zustand';
import { persist } from 'zustand/middleware';

import { routeUrl } from '../routes';
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
  /** Staff sign-in; resolves with the role (null when it failed). */
  loginStaff: (username: string, password: string) => Promise<Role | null>;
  setLoginError: (message: string) => void;
  logout: () => void;
  giveConsent: () => void;
}

export type SessionStore = SessionState & SessionActions;

export const initialSessionState: SessionState = {
  token: null,
  nickname: null,
  consentAt: null,
  role: null,
  loginStatus: 'idle',
  loginError: null,
};

export const useSessionStore = create<SessionStore>()(
  persist(
    (set) => ({
      ...initialSessionState,

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
        set({ token: null, role: null, loginStatus: 'idle', loginError: null });
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

// The transport reads the token from here; a 401 anywhere signs the person out and opens sign-in.
configureAuth({
  getToken: () => useSessionStore.getState().token,
  onUnauthorized: () => {
    const { token, role } = useSessionStore.getState();
    const wasStaff = role !== null && role !== 'applicant';
    useSessionStore.getState().logout();
    if (token !== null) void Taro.navigateTo({ url: routeUrl(wasStaff ? 'staffLogin' : 'login') });
  },
});
