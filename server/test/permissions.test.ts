/**
 * Who may call what: one table of every route × every kind of caller → the expected status, run
 * through the real app (the WeChat stand-in over HTTP, an accepting engine). Every registered
 * route must have a row, so a new route without one fails here. Every refusal is `{code,
 * message}` with the message in Chinese. Then sessions (logout, expiry) and the audit log of
 * reviewer and counter access.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERRORS, type ApiErrorCode, type HandoffView, type NotificationListView, type OrderView } from '../../shared/api';
import type { AppConfig } from '../src/config';
import { CryptoRepository } from '../src/repositories/crypto.repository';
import { OrderRepository } from '../src/repositories/order.repository';
import { HTTP_STATUS } from '../src/routes/error-handler';
import type { WeChatStandin } from '../src/wechat/standin';
import {
  acceptingProcessor,
  addApiKey,
  addStaff,
  approvedOrder,
  auth,
  claimedOrder,
  createOrder,
  fixture,
  localCounter,
  localStaffPassword,
  login,
  multipart,
  openOutbox,
  post,
  readyOrder,
  staffLogin,
  standinWeChat,
  submittedOrder,
  TEST_APPLICANT,
  tempDataDir,
  testApp,
  testConfig,
  startTestStandin,
  MovableClock,
} from './support/api-harness';

const CALLERS = ['anonymous', 'owner', 'other', 'reviewer', 'counter', 'admin', 'apiKey'] as const;
type Caller = (typeof CALLERS)[number];

/** An expected answer: a status, or `status CODE` when the error code matters. */
type Expect = number | `${number} ${ApiErrorCode}`;
const U401 = '401 UNAUTHORIZED';
const F403 = '403 FORBIDDEN';
const A403 = '403 APPLICANT_ONLY';
const N404 = '404 NOT_FOUND';

interface Row {
  /** `METHOD /pattern` exactly as registered (HEAD is checked with every GET row). */
  route: string;
  /** What the row is about when a route has several. */
  note?: string;
  expect: readonly [Expect, Expect, Expect, Expect, Expect, Expect, Expect];
  /** The request for one caller; fresh state where the route changes something. */
  request: (who: Caller) => Promise<Req> | Req;
}
type Req = { url: string; payload?: InjectOptions['payload']; headers?: Record<string, string>; token?: string | null };

const data = tempDataDir();
const clock = new MovableClock();
let standin: WeChatStandin;
let config: AppConfig;
let app: FastifyInstance;
const tokens = {} as Record<Exclude<Caller, 'anonymous'>, string>;
let reviewerPassword: string;
let adminPassword: string;
let shared: { draft: OrderView; approved: OrderView; notificationId: string };
let wechatCodes = 0;

const PHOTO = fixture('deepface-img3.jpg');

beforeAll(async () => {
  standin = await startTestStandin('http://192.0.2.20:3000');
  // A small h5 "build", so the static route exists as in production.
  const h5Dir = path.join(data.dir, 'h5');
  mkdirSync(path.join(h5Dir, 'js'), { recursive: true });
  writeFileSync(path.join(h5Dir, 'index.html'), '<!doctype html><title>照片回执</title><script src="/js/app.js"></script>');
  writeFileSync(path.join(h5Dir, 'js', 'app.js'), 'console.log(1)');
  config = testConfig(data.dir, { wechat: standinWeChat(standin), h5Dir, staffSessionHours: 12, sessionDays: 30 });
  app = await testApp(config, { processor: acceptingProcessor(), clock });

  tokens.owner = await login(app, '下单人');
  tokens.other = await login(app, '路人');
  reviewerPassword = localStaffPassword(data.dir, 'reviewer');
  tokens.reviewer = await staffLogin(app, 'reviewer', reviewerPassword);
  tokens.counter = await localCounter(app, data.dir);
  adminPassword = await addStaff(config, 'admin', 'admin1');
  tokens.admin = await staffLogin(app, 'admin1', adminPassword);
  tokens.apiKey = await addApiKey(config, '办证平台');

  const approved = await approvedOrder(app, tokens.owner, tokens.reviewer);
  const list = await app.inject({ method: 'GET', url: '/api/notifications', headers: auth(tokens.owner) });
  const notificationId = list.json<NotificationListView>().items[0]!.id;
  shared = { draft: await createOrder(app, tokens.owner), approved, notificationId };
});
afterAll(async () => {
  await app?.close();
  await standin?.close();
  data.remove();
});

function tokenOf(who: Caller): string | null {
  return who === 'anonymous' ? null : tokens[who];
}

/** Review routes act with the caller's own staff token where it is one, else the reviewer's. */
function deciderFor(who: Caller): string {
  return who === 'admin' ? tokens.admin : tokens.reviewer;
}

/** A fresh session for callers whose token the request ends (logout). */
async function freshToken(who: Caller): Promise<string | null> {
  switch (who) {
    case 'anonymous':
      return null;
    case 'owner':
    case 'other':
      return login(app, who);
    case 'reviewer':
      return staffLogin(app, 'reviewer', reviewerPassword);
    case 'counter':
      return localCounter(app, data.dir);
    case 'admin':
      return staffLogin(app, 'admin1', adminPassword);
    case 'apiKey':
      return tokens.apiKey;
  }
}

const ALL_200 = [200, 200, 200, 200, 200, 200, 200] as const;
const upload = (who: Caller) =>
  (who === 'owner' ? createOrder(app, tokens.owner) : Promise.resolve(shared.draft)).then((order) => {
    const body = multipart('photo', PHOTO);
    return { url: `/api/orders/${order.id}/photo`, payload: body.payload, headers: body.headers };
  });

//                                                       anonymous owner  other  reviewer counter admin  apiKey
const TABLE: Row[] = [
  // Open to everyone (a token, if sent, changes nothing).
  { route: 'GET /api/health', expect: ALL_200, request: () => ({ url: '/api/health' }) },
  // Whoever's token: without METRICS_TOKEN the metrics answer by the TCP peer (inject is loopback); operations.test.ts checks the rest.
  { route: 'GET /metrics', expect: ALL_200, note: 'from loopback, no METRICS_TOKEN', request: () => ({ url: '/metrics' }) },
  { route: 'GET /api/catalog', expect: ALL_200, request: () => ({ url: '/api/catalog' }) },
  { route: 'GET /api/client-config', expect: ALL_200, request: () => ({ url: '/api/client-config' }) },
  {
    route: 'POST /api/eligibility/shenzhen-residence',
    expect: ALL_200,
    request: () => ({
      url: '/api/eligibility/shenzhen-residence',
      payload: { applicationDate: '2025-06-15', residenceRegistrations: [{ from: '2024-03-01' }], socialInsuranceMonths: ['2025-05'] },
    }),
  },
  { route: 'GET /api/wxacode', expect: ALL_200, request: () => ({ url: '/api/wxacode?scene=t%3Dperm' }) },
  { route: 'POST /api/auth/local-login', expect: ALL_200, request: () => ({ url: '/api/auth/local-login', payload: { nickname: '新人' } }) },
  { route: 'POST /api/auth/wechat', expect: ALL_200, request: (who) => ({ url: '/api/auth/wechat', payload: { code: `${who}.${++wechatCodes}` } }) },
  {
    route: 'POST /api/auth/staff-login',
    expect: ALL_200,
    request: () => ({ url: '/api/auth/staff-login', payload: { username: 'reviewer', password: reviewerPassword } }),
  },
  { route: 'GET /*', note: 'the h5 app', expect: ALL_200, request: () => ({ url: '/' }) },
  { route: 'GET /*', note: 'an h5 bundle', expect: ALL_200, request: () => ({ url: '/js/app.js' }) },

  // Any person's session (an API key is not a person).
  { route: 'GET /api/auth/me', expect: [U401, 200, 200, 200, 200, 200, F403], request: () => ({ url: '/api/auth/me' }) },
  {
    route: 'POST /api/auth/logout',
    expect: [U401, 204, 204, 204, 204, 204, F403],
    request: async (who) => ({ url: '/api/auth/logout', token: await freshToken(who) }),
  },

  // The applicant's own orders: staff are told the route is for applicants; others' orders do not exist.
  { route: 'GET /api/orders', expect: [U401, 200, 200, A403, A403, A403, A403], request: () => ({ url: '/api/orders' }) },
  {
    route: 'POST /api/orders',
    expect: [U401, 201, 201, A403, A403, A403, A403],
    request: () => ({ url: '/api/orders', payload: { certType: 'resident_id', cityCode: '4403' } }),
  },
  { route: 'GET /api/orders/:id', expect: [U401, 200, N404, A403, A403, A403, A403], request: () => ({ url: `/api/orders/${shared.draft.id}` }) },
  { route: 'PUT /api/orders/:id/photo', expect: [U401, 202, N404, A403, A403, A403, A403], request: upload },
  { route: 'POST /api/orders/:id/photo', expect: [U401, 202, N404, A403, A403, A403, A403], request: upload },
  {
    route: 'PUT /api/orders/:id/applicant',
    expect: [U401, 200, N404, A403, A403, A403, A403],
    request: () => ({ url: `/api/orders/${shared.draft.id}/applicant`, payload: TEST_APPLICANT }),
  },
  {
    route: 'POST /api/orders/:id/submit',
    expect: [U401, 200, N404, A403, A403, A403, A403],
    request: async () => ({ url: `/api/orders/${(await readyOrder(app, tokens.owner)).id}/submit` }),
  },
  {
    route: 'GET /api/orders/:id/photo.jpg',
    note: 'by bearer token',
    expect: [U401, 200, N404, F403, F403, F403, F403],
    request: () => ({ url: `/api/orders/${shared.approved.id}/photo.jpg` }),
  },
  { route: 'GET /api/orders/:id/photo.jpg', note: 'by signed URL', expect: ALL_200, request: () => ({ url: shared.approved.photoUrl! }) },
  {
    route: 'GET /api/orders/:id/receipt.png',
    note: 'by bearer token',
    expect: [U401, 200, N404, F403, F403, F403, F403],
    request: () => ({ url: `/api/orders/${shared.approved.id}/receipt.png` }),
  },
  { route: 'GET /api/orders/:id/receipt.png', note: 'by signed URL', expect: ALL_200, request: () => ({ url: shared.approved.receiptUrl! }) },
  {
    route: 'GET /api/orders/:id/print-sheet',
    note: 'owner only: no signed URL',
    expect: [U401, 200, N404, F403, F403, F403, F403],
    request: () => ({ url: `/api/orders/${shared.approved.id}/print-sheet?size=6inch` }),
  },
  {
    route: 'POST /api/orders/:id/handoff',
    expect: [U401, 200, N404, A403, A403, A403, A403],
    request: () => ({ url: `/api/orders/${shared.draft.id}/handoff` }),
  },
  {
    route: 'POST /api/handoff/redeem',
    expect: [U401, 200, '403 HANDOFF_NOT_OWNER', A403, A403, A403, A403],
    request: async () => {
      const issued = await app.inject({ method: 'POST', url: `/api/orders/${shared.draft.id}/handoff`, headers: auth(tokens.owner) });
      return { url: '/api/handoff/redeem', payload: { ticket: issued.json<HandoffView>().ticket } };
    },
  },
  { route: 'GET /api/notifications', expect: [U401, 200, 200, A403, A403, A403, A403], request: () => ({ url: '/api/notifications' }) },
  { route: 'POST /api/notifications/read-all', expect: [U401, 200, 200, A403, A403, A403, A403], request: () => ({ url: '/api/notifications/read-all' }) },
  {
    route: 'POST /api/notifications/:id/read',
    expect: [U401, 200, '404 NOTIFICATION_NOT_FOUND', A403, A403, A403, A403],
    request: () => ({ url: `/api/notifications/${shared.notificationId}/read` }),
  },

  // The review desk: reviewers and admins.
  { route: 'GET /api/review/queue', expect: [U401, F403, F403, 200, F403, 200, F403], request: () => ({ url: '/api/review/queue' }) },
  { route: 'GET /api/review/:orderId', expect: [U401, F403, F403, 200, F403, 200, F403], request: () => ({ url: `/api/review/${shared.approved.id}` }) },
  {
    route: 'POST /api/review/:orderId/claim',
    expect: [U401, F403, F403, 200, F403, 200, F403],
    request: async () => ({ url: `/api/review/${(await submittedOrder(app, tokens.owner)).id}/claim` }),
  },
  {
    route: 'POST /api/review/:orderId/approve',
    expect: [U401, F403, F403, 200, F403, 200, F403],
    request: async (who) => ({ url: `/api/review/${(await claimedOrder(app, tokens.owner, deciderFor(who))).id}/approve` }),
  },
  {
    route: 'POST /api/review/:orderId/reject',
    expect: [U401, F403, F403, 200, F403, 200, F403],
    request: async (who) => ({ url: `/api/review/${(await claimedOrder(app, tokens.owner, deciderFor(who))).id}/reject`, payload: { reasons: ['accessories'] } }),
  },

  // The counter: counter staff, admins and the permit platform's API key.
  {
    route: 'GET /api/receipts/:number',
    expect: [U401, F403, F403, F403, 200, 200, 200],
    request: () => ({ url: `/api/receipts/${shared.approved.receipt!.number}` }),
  },
  {
    route: 'POST /api/receipts/:number/use',
    expect: [U401, F403, F403, F403, 200, 200, 200],
    request: async () => ({ url: `/api/receipts/${(await approvedOrder(app, tokens.owner, tokens.reviewer)).receipt!.number}/use` }),
  },
];

/** `METHOD /path` of every route the app registered, from fastify's own route tree. */
function registeredRoutes(): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) {
      if (line.trim()) throw new Error(`cannot read the route tree line "${line}"`);
      continue;
    }
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    const route = stack.join('');
    for (const method of match[3]?.split(', ') ?? []) out.push(`${method} ${route.startsWith('/') ? route : `/${route}`}`);
  }
  return out;
}

async function send(method: string, req: Req, who: Caller) {
  const token = req.token !== undefined ? req.token : tokenOf(who);
  return app.inject({
    method: method as InjectOptions['method'],
    url: req.url,
    headers: { ...(token ? auth(token) : {}), ...req.headers },
    ...(req.payload !== undefined ? { payload: req.payload } : {}),
  });
}

function expectAnswer(res: { statusCode: number; body: string; headers: Record<string, unknown> }, expected: Expect, head = false) {
  const [status, code] = typeof expected === 'number' ? [expected, undefined] : [Number(expected.split(' ')[0]), expected.split(' ')[1]];
  expect(res.statusCode, res.body.slice(0, 300)).toBe(status);
  if (status < 400 || head) return;
  const body = JSON.parse(res.body) as { code: ApiErrorCode; message: string };
  expect(Object.keys(body).sort()).toEqual(['code', 'message']);
  expect(API_ERRORS[body.code]).toBe(body.message);
  expect(body.message).toMatch(/[\u4e00-\u9fa5]/);
  expect(HTTP_STATUS[body.code]).toBe(status);
  if (code) expect(body.code).toBe(code);
}

describe('the permission table', () => {
  it('has a row for every registered route, and names no route that does not exist', () => {
    const registered = registeredRoutes();
    expect(registered.length).toBeGreaterThan(25);
    const covered = new Set(TABLE.map((r) => r.route));
    // HEAD is fastify's automatic twin of each GET; every GET row checks it too.
    const missing = registered.filter((r) => !covered.has(r.startsWith('HEAD ') ? `GET ${r.slice(5)}` : r));
    expect(missing, 'routes without a row in the permission table').toEqual([]);
    const unknown = [...covered].filter((r) => !registered.includes(r));
    expect(unknown, 'rows for routes that are not registered').toEqual([]);
  });

  for (const row of TABLE) {
    const method = row.route.split(' ')[0]!;
    describe(`${row.route}${row.note ? ` (${row.note})` : ''}`, () => {
      CALLERS.forEach((who, i) => {
        const expected = row.expect[i]!;
        it(`${who} → ${expected}`, async () => {
          const req = await row.request(who);
          expectAnswer(await send(method, req, who), expected);
          if (method === 'GET') {
            const head = await send('HEAD', req, who);
            expectAnswer(head, expected, true);
            expect(head.body).toBe('');
          }
        });
      });
    });
  }
});

describe('sessions', () => {
  it('logout ends that session only: the token answers 401 after, another session of the same person keeps working', async () => {
    const first = await staffLogin(app, 'reviewer', reviewerPassword);
    const second = await staffLogin(app, 'reviewer', reviewerPassword);
    const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: auth(first) });
    expect(out.statusCode).toBe(204);
    expect(out.body).toBe('');
    for (const url of ['/api/auth/me', '/api/review/queue']) {
      expectAnswer(await app.inject({ method: 'GET', url, headers: auth(first) }), U401);
    }
    expectAnswer(await app.inject({ method: 'POST', url: '/api/auth/logout', headers: auth(first) }), U401);
    expect((await app.inject({ method: 'GET', url: '/api/review/queue', headers: auth(second) })).statusCode).toBe(200);

    const applicant = await login(app, '要走的人');
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout', headers: auth(applicant) })).statusCode).toBe(204);
    expectAnswer(await app.inject({ method: 'GET', url: '/api/orders', headers: auth(applicant) }), U401);
  });

  it('expire: staff after one shift (staffSessionHours), applicants after sessionDays', async () => {
    // Its own app: the sweep below removes every run-out session, the table's tokens included.
    const own = tempDataDir();
    const ownClock = new MovableClock();
    const other = await testApp(testConfig(own.dir, { staffSessionHours: 12, sessionDays: 30 }), {
      processor: acceptingProcessor(),
      clock: ownClock,
    });
    const staff = await localCounter(other, own.dir);
    const applicant = await login(other, '久未登录');
    const me = (token: string) => other.inject({ method: 'GET', url: '/api/auth/me', headers: auth(token) });
    try {
      ownClock.offsetMs = 11.9 * 3_600_000;
      expect((await me(staff)).statusCode).toBe(200);
      ownClock.offsetMs = 12 * 3_600_000 + 1000;
      expectAnswer(await me(staff), U401);
      expect((await me(applicant)).statusCode).toBe(200);
      ownClock.offsetMs = 29.9 * 86_400_000;
      expect((await me(applicant)).statusCode).toBe(200);
      ownClock.offsetMs = 30 * 86_400_000 + 1000;
      expectAnswer(await me(applicant), U401);
      expectAnswer(await other.inject({ method: 'GET', url: '/api/orders', headers: auth(applicant) }), U401);
      // Signing in again works, and the run-out sessions are swept from the table then.
      expect((await me(await login(other, '久未登录'))).statusCode).toBe(200);
      // Swept, not merely refused: going back in time does not revive them.
      ownClock.offsetMs = 0;
      expectAnswer(await me(staff), U401);
      expectAnswer(await me(applicant), U401);
    } finally {
      await other.close();
      own.remove();
    }
  });

  it('refuses malformed credentials the same way as none', async () => {
    for (const authorization of ['Bearer', 'Bearer short', `Basic ${'a'.repeat(40)}`, `Bearer ${'a'.repeat(40)}`, `Bearer ${tokens.owner} x`, tokens.owner]) {
      expectAnswer(await app.inject({ method: 'GET', url: '/api/orders', headers: { authorization } }), U401);
    }
  });
});

describe('the audit log of reviewer and counter access', () => {
  it('records every reviewer view and decision and every counter look-up and use, with who did it and no personal data', async () => {
    const outbox = await openOutbox(config);
    try {
      const audit = new OrderRepository(outbox.db, new CryptoRepository(config.encryptionKey));
      const order = await submittedOrder(app, tokens.owner);
      expect((await app.inject({ method: 'GET', url: `/api/review/${order.id}`, headers: auth(tokens.reviewer) })).statusCode).toBe(200);
      expect((await post(app, `/api/review/${order.id}/claim`, tokens.reviewer)).statusCode).toBe(200);
      expect((await post(app, `/api/review/${order.id}/reject`, tokens.reviewer, { reasons: ['accessories'], note: '请摘下耳环' })).statusCode).toBe(200);

      const second = await submittedOrder(app, tokens.owner);
      expect((await post(app, `/api/review/${second.id}/claim`, tokens.admin)).statusCode).toBe(200);
      const approved = await post(app, `/api/review/${second.id}/approve`, tokens.admin);
      expect(approved.statusCode).toBe(200);
      const number = approved.json<OrderView>().receipt!.number;
      expect((await app.inject({ method: 'GET', url: `/api/receipts/${number}`, headers: auth(tokens.counter) })).statusCode).toBe(200);
      expect((await post(app, `/api/receipts/${number}/use`, tokens.apiKey)).statusCode).toBe(200);
      expect((await post(app, `/api/receipts/${number}/use`, tokens.counter)).statusCode).toBe(409);

      const first = await audit.auditLog({ orderId: order.id });
      expect(first.map((a) => [a.action, a.actorType, a.actorName])).toEqual([
        ['review.view', 'staff', 'reviewer'],
        ['review.claim', 'staff', 'reviewer'],
        ['review.reject', 'staff', 'reviewer'],
      ]);
      const other = await audit.auditLog({ orderId: second.id });
      expect(other.map((a) => [a.action, a.actorType, a.actorName, a.receiptNumber ?? null])).toEqual([
        ['review.claim', 'staff', 'admin1', null],
        ['review.approve', 'staff', 'admin1', number],
        ['receipt.lookup', 'staff', 'counter', number],
        ['receipt.use', 'api_key', '办证平台', number],
        ['receipt.use', 'staff', 'counter', number],
      ]);
      expect(other.at(-1)!.details).toEqual({ result: 'used' });
      for (const entry of [...first, ...other]) {
        expect(entry.at).toMatch(/^\d{4}-\d\d-\d\dT/);
        const text = JSON.stringify(entry);
        expect(text).not.toContain(TEST_APPLICANT.idNumber);
        expect(text).not.toContain(TEST_APPLICANT.phone);
      }
      // A look-up of a number that was never issued is recorded too (someone is searching).
      const { mod3736CheckChar } = await import('../../shared/image-number');
      const body = `${number.slice(0, 5)}000101${number.slice(11, -1)}`;
      expect((await app.inject({ method: 'GET', url: `/api/receipts/${body}${mod3736CheckChar(body)}`, headers: auth(tokens.counter) })).statusCode).toBe(404);
      const misses = await audit.auditLog({ receiptNumber: `${body}${mod3736CheckChar(body)}` });
      expect(misses).toEqual([expect.objectContaining({ action: 'receipt.lookup', actorName: 'counter', details: { found: false } })]);
    } finally {
      await outbox.close();
    }
  });
});
