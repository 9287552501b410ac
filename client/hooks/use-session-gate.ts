import Taro, { useRouter } from '@tarojs/taro';
import { useEffect } from 'react';

import { ROUTES, routeUrl, type RouteName } from '../routes';
import type { Role } from '../services/staff-contract';
import { sessionSelectors, useSessionStore } from '../stores/session.store';

/** The current page's URL with its query, for "come back here after signing in". */
function currentUrl(path: string, params: Record<string, string | undefined>): string {
  const query = Object.entries(params)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== '$taroTimestamp' && e[0] !== 'stamp')
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  const base = path.startsWith('/') ? path : `/${path}`;
  return query ? `${base}?${query}` : base;
}

/** Pages that need a session send the person to sign in first and come back afterwards. */
export function useRequireSignIn(): boolean {
  const signedIn = useSessionStore(sessionSelectors.isSignedIn);
  const router = useRouter();
  useEffect(() => {
    if (signedIn) return;
    const back = currentUrl(router.path.split('?')[0] ?? ROUTES.home, router.params);
    void Taro.redirectTo({ url: routeUrl('login', { redirect: back }) });
  }, [signedIn]); // eslint-disable-line react-hooks/exhaustive-deps
  return signedIn;
}

/** Open a page that needs a session: straight there when signed in, else via sign-in. */
export function openSignedIn(name: RouteName, query?: Record<string, string | undefined>): void {
  const target = routeUrl(name, query);
  const signedIn = sessionSelectors.isSignedIn(useSessionStore.getState());
  void Taro.navigateTo({ url: signedIn ? target : routeUrl('login', { redirect: target }) });
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
    void Taro.redirectTo({ url: routeUrl('staffLogin', { redirect: back }) });
  }, [allowed]); // eslint-disable-line react-hooks/exhaustive-deps
  return allowed;
}
