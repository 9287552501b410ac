import Taro from '@tarojs/taro';

/** Every page's path, in one place (app.config.ts lists the same pages). */
export const ROUTES = {
  home: '/pages/index/index',
  login: '/packages/account/pages/login/index',
  certificate: '/packages/apply/pages/certificate/index',
  city: '/packages/apply/pages/city/index',
  consent: '/packages/apply/pages/consent/index',
  guide: '/packages/apply/pages/guide/index',
  capture: '/packages/apply/pages/capture/index',
  result: '/packages/apply/pages/result/index',
  applicant: '/packages/apply/pages/applicant/index',
  submit: '/packages/apply/pages/submit/index',
  orders: '/packages/orders/pages/list/index',
  orderDetail: '/packages/orders/pages/detail/index',
  staffLogin: '/packages/account/pages/staff-login/index',
  reviewQueue: '/packages/review/pages/queue/index',
  reviewDetail: '/packages/review/pages/detail/index',
  counter: '/packages/counter/pages/lookup/index',
  notifications: '/packages/account/pages/notifications/index',
  eligibilityCheck: '/packages/eligibility/pages/check/index',
  eligibilityResult: '/packages/eligibility/pages/result/index',
  eligibilityAbout: '/packages/eligibility/pages/about/index',
} as const;

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

export function go(name: RouteName, query?: Record<string, string | undefined>): void {
  void Taro.navigateTo({ url: routeUrl(name, query) });
}

/** Replace the current page (used inside the apply flow so Back does not return to a spent step). */
export function replace(name: RouteName, query?: Record<string, string | undefined>): void {
  void Taro.redirectTo({ url: routeUrl(name, query) });
}

export function goHome(): void {
  void Taro.reLaunch({ url: ROUTES.home });
}

/** Where each staff role starts: counter staff at 窗口查询, reviewers (and admins) at 审核台. */
export function staffHome(role: string): string {
  return role === 'counter' ? ROUTES.counter : ROUTES.reviewQueue;
}
