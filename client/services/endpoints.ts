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
} as const satisfies Record<string, Endpoint>;
