/** Every page's path, in one place (app.config.ts lists the same pages). Free of Taro, so the
 * browser tests use the same paths. */
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

