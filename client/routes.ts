import Taro from '@tarojs/taro';

import { ROUTES, isTabPage } from './route-paths';

export { ROUTES, isTabPage };

export type RouteName = keyof typeof ROUTES;

export function routeUrl(name: RouteName, query: Record<string, string | undefined> = {}): string {
  const q = Object.entries(query)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  return q ? `${ROUTES[name]}?${q}` : ROUTES[name];
}

/** A page path with its query, for "come back here after signing in" (Taro's own keys dropped). */
export function pageUrl(path: string, params: Record<string, string | undefined>): string {
  const query = Object.entries(params)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== '$taroTimestamp' && e[0] !== 'stamp')
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  const base = path.startsWith('/') ? path : `/${path}`;
  return query ? `${base}?${query}` : base;
}

/** Open a page on top of this one; a tab page (首页 · 订单 · 客服) is switched to instead, since
 * WeChat refuses navigateTo and redirectTo for those (and their query is dropped). */
export function navigate(url: string): Promise<unknown> {
  return isTabPage(url) ? Taro.switchTab({ url: url.split('?')[0]! }) : Taro.navigateTo({ url });
}

/** Replace the current page (a tab page is switched to). */
export function redirect(url: string): Promise<unknown> {
  return isTabPage(url) ? Taro.switchTab({ url: url.split('?')[0]! }) : Taro.redirectTo({ url });
}

export function go(name: RouteName, query?: Record<string, string | undefined>): void {
  void navigate(routeUrl(name, query));
}

/** Replace the current page (used inside the apply flow so Back does not return to a spent step). */
export function replace(name: RouteName, query?: Record<string, string | undefined>): void {
  void redirect(routeUrl(name, query));
}

export function goHome(): void {
  void Taro.reLaunch({ url: ROUTES.home });
}

/** Where each staff role starts: counter staff at 窗口查询, reviewers (and admins) at 审核台. */
export function staffHome(role: string): string {
  return role === 'counter' ? ROUTES.counter : ROUTES.reviewQueue;
}
