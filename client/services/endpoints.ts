import type { Endpoint } from './http';

/** The server API as data (server/src/routes). */
export const ENDPOINTS = {
  localLogin: { method: 'POST', path: '/api/auth/local-login', auth: false },
  catalog: { method: 'GET', path: '/api/catalog', auth: false },
  createOrder: { method: 'POST', path: '/api/orders' },
  listOrders: { method: 'GET', path: '/api/orders' },
  getOrder: { method: 'GET', path: '/api/orders/:id' },
  uploadPhoto: { method: 'PUT', path: '/api/orders/:id/photo' },
  saveApplicant: { method: 'PUT', path: '/api/orders/:id/applicant' },
  submitOrder: { method: 'POST', path: '/api/orders/:id/submit' },
  staffLogin: { method: 'POST', path: '/api/auth/staff-login', auth: false },
  me: { method: 'GET', path: '/api/auth/me' },
  reviewQueue: { method: 'GET', path: '/api/review/queue' },
  reviewGet: { method: 'GET', path: '/api/review/:orderId' },
  reviewClaim: { method: 'POST', path: '/api/review/:orderId/claim' },
  reviewApprove: { method: 'POST', path: '/api/review/:orderId/approve' },
  reviewReject: { method: 'POST', path: '/api/review/:orderId/reject' },
  receiptGet: { method: 'GET', path: '/api/receipts/:number' },
  receiptUse: { method: 'POST', path: '/api/receipts/:number/use' },
  wechatLogin: { method: 'POST', path: '/api/auth/wechat', auth: false },
  logout: { method: 'POST', path: '/api/auth/logout' },
  clientConfig: { method: 'GET', path: '/api/client-config', auth: false },
  /** The mini-program code image for a scene (an <Image> source, not a JSON call). */
  wxacode: { method: 'GET', path: '/api/wxacode', auth: false },
  createHandoff: { method: 'POST', path: '/api/orders/:id/handoff' },
  redeemHandoff: { method: 'POST', path: '/api/handoff/redeem' },
  listNotifications: { method: 'GET', path: '/api/notifications' },
  readNotification: { method: 'POST', path: '/api/notifications/:id/read' },
  readAllNotifications: { method: 'POST', path: '/api/notifications/read-all' },
  /** 办证资格自测: no sign-in; the answers are evaluated and not stored. */
  checkShenzhenResidence: { method: 'POST', path: '/api/eligibility/shenzhen-residence', auth: false },
} as const satisfies Record<string, Endpoint>;
