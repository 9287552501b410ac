/** The h5 app's page paths the browser tests open or wait for (client/routes.ts has them all). */
export const PAGES = {
  login: '/packages/account/pages/login/index',
  city: '/packages/apply/pages/city/index',
  consent: '/packages/apply/pages/consent/index',
  guide: '/packages/apply/pages/guide/index',
  orderDetail: '/packages/orders/pages/detail/index',
  reviewQueue: '/packages/review/pages/queue/index',
  reviewDetail: '/packages/review/pages/detail/index',
  counterLookup: '/packages/counter/pages/lookup/index',
  eligibilityCheck: '/packages/eligibility/pages/check/index',
  eligibilityResult: '/packages/eligibility/pages/result/index',
} as const;
