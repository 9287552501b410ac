import Taro from '@tarojs/taro';
import { create } from 'zustand';
import { persist } from 'zustand/middleware';

import { routeUrl } from '../routes';
import { errorMessage } from '../services/api-error';
import { authService } from '../services/auth.service';
import { configureAuth } from '../services/http';
import { taroStorage } from './taro-storage';

export interface SessionState {
  token: string | null;
  nickname: string | null;
  /** When the person agreed to the personal-information rules (ISO time), null before. */
  consentAt: string | null;
  loginStatus: 'idle' | 'loading' | 'error';
  loginError: string | null;
}

export interface SessionActions {
  /** Signs in with a nickname the page already validated with LocalLoginBody (zod stays out of
   *  the main package). */
  loginLocal: (nickname: string) => Promise<boolean>;
  setLoginError: (message: string) => void;
  logout: () => void;
  giveConsent: () => void;
}

export type SessionStore = SessionState & SessionActions;

export const initialSessionState: SessionState = {
  token: null,
  nickname: null,
  consentAt: null,
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
          set({ token, nickname: trimmed, loginStatus: 'idle' });
          return true;
        } catch (error) {
          set({ loginStatus: 'error', loginError: errorMessage(error) });
          return false;
        }
      },

      setLoginError(message) {
        set({ loginStatus: 'error', loginError: message });
      },

      logout() {
        set({ token: null, loginStatus: 'idle', loginError: null });
      },

      giveConsent() {
        set({ consentAt: new Date().toISOString() });
      },
    }),
    {
      name: 'zphz-session',
      version: 1,
      storage: taroStorage,
      partialize: (s) => ({ token: s.token, nickname: s.nickname, consentAt: s.consentAt }),
    },
  ),
);

export const sessionSelectors = {
  isSignedIn: (s: SessionStore) => s.token !== null,
  hasConsent: (s: SessionStore) => s.consentAt !== null,
  nickname: (s: SessionStore) => s.nickname,
};

// The transport reads the token from here; a 401 anywhere signs the person out and opens sign-in.
configureAuth({
  getToken: () => useSessionStore.getState().token,
  onUnauthorized: () => {
    const wasSignedIn = useSessionStore.getState().token !== null;
    useSessionStore.getState().logout();
    if (wasSignedIn) void Taro.navigateTo({ url: routeUrl('login') });
  },
});
