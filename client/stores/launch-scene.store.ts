import Taro from '@tarojs/taro';
import { create } from 'zustand';

import { handoffScene, parseScene } from '@shared/scene';

import { WECHAT_LOGIN_AVAILABLE } from '../platform/wechat-login';
import { ROUTES, navigate, pageUrl, redirect, routeUrl } from '../routes';
import { ApiError, errorMessage } from '../services/api-error';
import { handoffService } from '../services/wechat.service';
import { sessionSelectors, useSessionStore } from './session.store';

/**
 * The `scene` a code opened the home page with (every mini-program code opens it): the desktop
 * panel's entry code needs nothing; a 「在手机上继续」 ticket is redeemed (signed in as its owner)
 * and the order opens. Each scene is handled once per launch, not again when the page re-shows.
 */
export interface LaunchSceneState {
  status: 'idle' | 'working' | 'error';
  /** The server's message (二维码已过期…), shown on the home page until dismissed. */
  error: string | null;
  handle: (rawScene: string | undefined | null) => Promise<void>;
  dismiss: () => void;
}

const handled = new Set<string>();
let working = false;

/** Test hook: forget which scenes this "launch" already handled. */
export function resetLaunchScenes(): void {
  handled.clear();
  working = false;
  useLaunchSceneStore.setState({ status: 'idle', error: null });
}

async function ensureSignedIn(): Promise<boolean> {
  const session = useSessionStore.getState();
  if (sessionSelectors.isSignedIn(session) && !sessionSelectors.isStaff(session)) return true;
  if (!WECHAT_LOGIN_AVAILABLE) return false;
  return session.loginWechat();
}

export const useLaunchSceneStore = create<LaunchSceneState>()((set) => ({
  status: 'idle',
  error: null,

  async handle(rawScene) {
    if (!rawScene || handled.has(rawScene) || working) return;
    const scene = parseScene(rawScene);
    if (!scene || scene.kind === 'entry') {
      handled.add(rawScene);
      return;
    }
    working = true;
    set({ status: 'working', error: null });
    const fail = (message: string) => {
      handled.add(rawScene);
      set({ status: 'error', error: message });
    };
    try {
      if (!(await ensureSignedIn())) {
        if (WECHAT_LOGIN_AVAILABLE) {
          fail(useSessionStore.getState().loginError ?? '微信登录失败,请稍后重试');
          return;
        }
        // h5: sign in first, then this page opens again with the same scene and finishes the job.
        set({ status: 'idle' });
        const back = pageUrl(ROUTES.home, { scene: handoffScene(scene.ticket) });
        await navigate(routeUrl('login', { redirect: back }));
        return;
      }
      let redeemed: { orderId: string };
      try {
        redeemed = await handoffService.redeem(scene.ticket);
      } catch (error) {
        // A stale session: the transport signed out. The mini-program signs in again and retries
        // once; h5 was sent to sign-in with this page (and its scene) to come back to.
        if (!(error instanceof ApiError && error.isUnauthorized)) throw error;
        if (!WECHAT_LOGIN_AVAILABLE) {
          set({ status: 'idle' });
          return;
        }
        if (!(await useSessionStore.getState().loginWechat())) {
          fail(useSessionStore.getState().loginError ?? error.message);
          return;
        }
        redeemed = await handoffService.redeem(scene.ticket);
      }
      handled.add(rawScene);
      set({ status: 'idle', error: null });
      await redirect(routeUrl('orderDetail', { id: redeemed.orderId }));
    } catch (error) {
      fail(errorMessage(error));
    } finally {
      working = false;
    }
  },

  dismiss() {
    set({ status: 'idle', error: null });
  },
}));
