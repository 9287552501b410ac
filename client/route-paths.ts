/** Every page's path, in one place (app.config.ts lists the same pages). Free of Taro, so the
 * browser tests use the same paths. */
export const ROUTES = {
  home: '/pages/index/index',
  // The tab bar's pages (首页 · 订单 · 客服) live in the main package.
  orders: '/pages/orders/index',
  service: '/pages/service/index',
  login: '/packages/account/pages/login/index',
  certificate: '/packages/apply/pages/certificate/index',
  city: '/packages/apply/pages/city/index',
  consent: '/packages/apply/pages/consent/index',
  guide: '/packages/apply/pages/guide/index',
  capture: '/packages/apply/pages/capture/index',
  result: '/packages/apply/pages/result/index',
  applicant: '/packages/apply/pages/applicant/index',
  submit: '/packages/apply/pages/submit/index',
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


/** The bottom tab bar's pages: WeChat opens these with switchTab (no query), never navigateTo. */
export const TAB_PAGES: readonly string[] = [ROUTES.home, ROUTES.orders, ROUTES.service];

export function isTabPage(url: string): boolean {
  return TAB_PAGES.includes(url.split('?')[0] ?? url);
}
