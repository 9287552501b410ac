import Taro, { useRouter } from '@tarojs/taro';
import { useEffect } from 'react';

import { WECHAT_LOGIN_AVAILABLE } from '../platform/wechat-login';
import { ROUTES, navigate, pageUrl as currentUrl, redirect, routeUrl, type RouteName } from '../routes';
import type { Role } from '../services/staff-contract';
import { sessionSelectors, useSessionStore } from '../stores/session.store';

/**
 * Pages that need a session send the person to sign in first and come back afterwards. (In the
 * mini-program the sign-in page signs in with WeChat at once and returns.)
 */
export function useRequireSignIn(): boolean {
  const signedIn = useSessionStore(sessionSelectors.isSignedIn);
  const router = useRouter();
  useEffect(() => {
    if (signedIn) return;
    const back = currentUrl(router.path.split('?')[0] ?? ROUTES.home, router.params);
    void redirect(routeUrl('login', { redirect: back }));
  }, [signedIn]); // eslint-disable-line react-hooks/exhaustive-deps
  return signedIn;
}

/**
 * Open a page that needs a session: straight there when signed in; otherwise the mini-program
 * signs in with WeChat silently first (the sign-in page only when that fails, to show why and
 * retry), and h5 goes through the nickname page.
 */
export async function openSignedIn(name: RouteName, query?: Record<string, string | undefined>): Promise<void> {
  const target = routeUrl(name, query);
  const viaLogin = routeUrl('login', { redirect: target });
  const session = useSessionStore.getState();
  if (sessionSelectors.isSignedIn(session)) {
    await navigate(target);
    return;
  }
  if (!WECHAT_LOGIN_AVAILABLE) {
    await navigate(viaLogin);
    return;
  }
  const ok = await session.loginWechat();
  await navigate(ok ? target : viaLogin);
}

export function useRouteParam(name: string): string | null {
  const value = useRouter().params[name];
  return typeof value === 'string' && value !== '' ? decodeURIComponent(value) : null;
}

/**
 * Staff pages: without a staff session (or with the wrong role) the person goes to staff sign-in.
 * Returns whether the page may load.
 */
export function useRequireStaff(roles: readonly Role[]): boolean {
  const token = useSessionStore((s) => s.token);
  const role = useSessionStore((s) => s.role);
  const allowed = token !== null && role !== null && roles.includes(role);
  const router = useRouter();
  useEffect(() => {
    if (allowed) return;
    const back = currentUrl(router.path.split('?')[0] ?? ROUTES.home, router.params);
    void redirect(routeUrl('staffLogin', { redirect: back }));
  }, [allowed]); // eslint-disable-line react-hooks/exhaustive-deps
  return allowed;
}
