/**
 * The notification dispatcher against the WeChat stand-in over real HTTP: delivery, who is
 * skipped or refused without a call, retries with growing delays on 5xx and timeouts, 43101 never
 * retried, payloads within the field limits for the longest names and reasons, a restart that
 * delivers what was left exactly once, and two loops on one database sending each row once.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REJECT_REASON_CODES, type NotificationListView } from '../../shared/api';
import { NAME_PATTERN } from '../../shared/identity';
import { fieldValueProblem, orderDetailPage, templateData, type NotificationPayload } from '../../shared/wechat';
import type { AppConfig } from '../src/config';
import { DISPATCH_DEFAULTS, NotificationDispatcher } from '../src/notifications/notification-dispatcher';
import { systemClock, type Clock } from '../src/repositories/clock.repository';
import { CryptoRepository } from '../src/repositories/crypto.repository';
import { NotificationRepository, type NotificationRecord } from '../src/repositories/notification.repository';
import { OrderRepository } from '../src/repositories/order.repository';
import { UserRepository } from '../src/repositories/user.repository';
import type { RecordedMessage, WeChatStandin } from '../src/wechat/standin';
import type { WeChatApi } from '../src/wechat/wechat-api';
import { WeChatClient } from '../src/wechat/wechat-client';
import {
  acceptingProcessor,
  auth,
  decide,
  eventually,
  getOrder,
  localReviewer,
  login,
  openOutbox,
  readyOrder,
  standinWeChat,
  submit,
  submittedOrder,
  TEST_APPLICANT,
  tempDataDir,
  testApp,
  openTestDatabase,
  TEST_ENGINE,
  testConfig,
  wechatLogin,
  startTestStandin,
  MovableClock,
} from './support/api-harness';

const RETRY_BASE_MS = 100;
const MAX_ATTEMPTS = 4;
const TIMEOUT_MS = 300;

/** Every call the app made to sendSubscribeMessage, with when it started and ended. */
interface Attempt {
  page: string;
  start: number;
  end: number;
  ok: boolean;
}

/** The app's real HTTP client, with each send recorded (start and end times) on the way. */
function recordingClient(config: AppConfig, clock: Clock, attempts: Attempt[]): WeChatApi {
  const client = new WeChatClient(config.wechat, { clock });
  return {
    code2Session: (code) => client.code2Session(code),
    getUnlimitedCode: (request) => client.getUnlimitedCode(request),
    async sendSubscribeMessage(message) {
      const start = Date.now();
      const result = await client.sendSubscribeMessage(message);
      attempts.push({ page: message.page, start, end: Date.now(), ok: result.ok });
      return result;
    },
  };
}

function expectWithinLimits(message: RecordedMessage) {
  for (const [key, { value }] of Object.entries(message.data)) expect(fieldValueProblem(key, value), `${key} = "${value}"`).toBeNull();
}

const data = tempDataDir();
const clock = new MovableClock();
const attempts: Attempt[] = [];
let standin: WeChatStandin;
let config: AppConfig;
let app: FastifyInstance;
let outbox: Awaited<ReturnType<typeof openOutbox>>;
let reviewer: string;

beforeAll(async () => {
  standin = await startTestStandin();
  config = testConfig(data.dir, { sessionDays: 365, wechat: standinWeChat(standin, { timeoutMs: TIMEOUT_MS }) });
  app = await testApp(config, {
    processor: acceptingProcessor(),
    clock,
    expireEveryMs: 50,
    wechat: recordingClient(config, clock, attempts),
    notifications: { retryBaseMs: RETRY_BASE_MS, maxAttempts: MAX_ATTEMPTS },
  });
  outbox = await openOutbox(config);
  reviewer = await localReviewer(app, data.dir);
});
afterAll(async () => {
  await app?.close();
  await outbox?.close();
  await standin?.close();
  data.remove();
});

/** The order's notifications once none is pending or being sent any more. */
async function settled(orderId: string, count = 1): Promise<NotificationRecord[]> {
  return eventually(`notifications of ${orderId} settled`, async () => {
    const rows = await outbox.notifications.listForOrder(orderId);
    return rows.length >= count && rows.every((r) => r.wechatState !== 'pending' && r.wechatState !== 'sending') && rows;
  });
}

const messagesFor = (orderId: string) => standin.messages().filter((m) => m.page === orderDetailPage(orderId));
const attemptsFor = (orderId: string) => attempts.filter((a) => a.page === orderDetailPage(orderId));

describe('delivery', () => {
  it('sends a WeChat user the result with the configured template, the order page and data WeChat accepts', async () => {
    const token = await wechatLogin(app, 'amy.1');
    const openid = standin.openidFor('amy.1');
    const approvedOrder = await submittedOrder(app, token);
    await decide(app, reviewer, approvedOrder.id, 'approve');
    const [row] = await settled(approvedOrder.id);
    expect(row).toMatchObject({ wechatState: 'sent', wechatAttempts: 1, wechatError: null });
    expect(row!.wechatSentAt).not.toBeNull();

    const receipt = (await getOrder(app, token, approvedOrder.id)).receipt!;
    const [message, ...more] = messagesFor(approvedOrder.id);
    expect(more).toEqual([]);
    expect(message).toMatchObject({
      touser: openid,
      template_id: 'standin-template-result',
      page: `packages/orders/pages/detail/index?id=${approvedOrder.id}`,
      miniprogram_state: 'formal',
    });
    expect(message!.page).not.toMatch(/^\//);
    expect(message!.data).toEqual({
      thing1: { value: '居民身份证（深圳）' },
      phrase2: { value: '已通过' },
      thing3: { value: '张三丰' },
      thing4: { value: '回执已生成，凭图像号到窗口办理' },
      time5: { value: expect.stringMatching(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/) },
      // The image number itself, readable in 服务通知 at the counter (≤ 32 characters).
      character_string6: { value: receipt.number },
    });
    expect(receipt.number).toMatch(/^[A-Z0-9]{8,32}$/);

    const rejectedOrder = await submittedOrder(app, token);
    await decide(app, reviewer, rejectedOrder.id, { reasons: ['accessories'], note: '请摘下耳环' });
    expect((await settled(rejectedOrder.id))[0]!.wechatState).toBe('sent');
    expect(messagesFor(rejectedOrder.id)[0]!.data).toMatchObject({ phrase2: { value: '未通过' }, thing4: { value: '佩戴饰品' }, character_string6: { value: '-' } });
  });

  it('skips a local (nickname) user without any HTTP call; they have the in-app list', async () => {
    const before = standin.calls();
    const token = await login(app, '本地用户');
    const order = await submittedOrder(app, token);
    await decide(app, reviewer, order.id, 'approve');
    expect((await settled(order.id))[0]).toMatchObject({ wechatState: 'skipped', wechatAttempts: 0 });
    expect(standin.calls()).toEqual(before);
    const list = await app.inject({ method: 'GET', url: '/api/notifications', headers: auth(token) });
    expect(list.json<NotificationListView>()).toMatchObject({ unread: 1, items: [{ orderId: order.id, kind: 'review_approved' }] });
  });

  it('refuses without a call when the person answered reject (or ban) to the subscription', async () => {
    const before = standin.calls().subscribe_send;
    const token = await wechatLogin(app, 'ben.1');
    for (const answer of ['reject', 'ban'] as const) {
      const order = await readyOrder(app, token);
      await submit(app, token, order.id, { subscriptions: { result: answer, expiry: 'accept' } });
      await decide(app, reviewer, order.id, 'approve');
      expect((await settled(order.id))[0]).toMatchObject({ wechatState: 'refused', wechatAttempts: 0 });
    }
    expect(standin.calls().subscribe_send).toBe(before);
  });
});

describe('failures', () => {
  it('retries HTTP 500 with growing delays, then delivers once', async () => {
    const token = await wechatLogin(app, 'cat.1');
    const order = await submittedOrder(app, token);
    standin.fail({ endpoint: 'subscribe_send', times: 2, status: 500 });
    await decide(app, reviewer, order.id, 'approve');
    expect((await settled(order.id))[0]).toMatchObject({ wechatState: 'sent', wechatAttempts: 3 });
    const [a1, a2, a3, ...more] = attemptsFor(order.id);
    expect(more).toEqual([]);
    expect([a1!.ok, a2!.ok, a3!.ok]).toEqual([false, false, true]);
    expect(a2!.start - a1!.end).toBeGreaterThanOrEqual(RETRY_BASE_MS);
    expect(a3!.start - a2!.end).toBeGreaterThanOrEqual(2 * RETRY_BASE_MS);
    expect(messagesFor(order.id)).toHaveLength(1);
  });

  it('retries a send WeChat does not answer in time, then delivers once', async () => {
    const token = await wechatLogin(app, 'dan.1');
    const order = await submittedOrder(app, token);
    // No answer within the client's timeout (and a failure when it finally comes).
    standin.fail({ endpoint: 'subscribe_send', times: 2, delayMs: TIMEOUT_MS * 3, status: 503 });
    await decide(app, reviewer, order.id, 'approve');
    const pending = await eventually('the first timeout recorded', async () => {
      const [row] = await outbox.notifications.listForOrder(order.id);
      return row && row.wechatAttempts >= 1 && row;
    });
    expect(pending.wechatError).toMatch(/no answer within 300 ms/);
    expect((await settled(order.id))[0]).toMatchObject({ wechatState: 'sent', wechatAttempts: 3 });
    const [a1, a2, a3] = attemptsFor(order.id);
    expect(a1!.end - a1!.start).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(a2!.start - a1!.end).toBeGreaterThanOrEqual(RETRY_BASE_MS);
    expect(a3!.start - a2!.end).toBeGreaterThanOrEqual(2 * RETRY_BASE_MS);
    expect(messagesFor(order.id)).toHaveLength(1);
  });

  it('records 43101 (no subscription quota) after exactly one call and never retries it', async () => {
    const token = await wechatLogin(app, 'eve.1');
    standin.refuseUser(standin.openidFor('eve.1'));
    const order = await submittedOrder(app, token);
    const before = standin.calls().subscribe_send;
    await decide(app, reviewer, order.id, 'approve');
    const [row] = await settled(order.id);
    expect(row).toMatchObject({ wechatState: 'no_quota', wechatAttempts: 1 });
    expect(row!.wechatError).toMatch(/43101/);
    await new Promise((r) => setTimeout(r, RETRY_BASE_MS * 2 ** MAX_ATTEMPTS));
    expect(standin.calls().subscribe_send - before).toBe(1);
    expect((await outbox.notifications.findById(row!.id))!.wechatState).toBe('no_quota');
  });

  it('gives up after the last attempt on retryable failures, and at once on other errors', async () => {
    const token = await wechatLogin(app, 'fay.1');
    const flaky = await submittedOrder(app, token);
    standin.fail({ endpoint: 'subscribe_send', times: MAX_ATTEMPTS, status: 502 });
    await decide(app, reviewer, flaky.id, 'approve');
    expect((await settled(flaky.id))[0]).toMatchObject({ wechatState: 'failed', wechatAttempts: MAX_ATTEMPTS, wechatError: 'subscribe_send: HTTP 502' });
    expect(attemptsFor(flaky.id)).toHaveLength(MAX_ATTEMPTS);

    const broken = await submittedOrder(app, token);
    standin.fail({ endpoint: 'subscribe_send', errcode: 40003, errmsg: 'invalid openid' });
    await decide(app, reviewer, broken.id, 'approve');
    expect((await settled(broken.id))[0]).toMatchObject({ wechatState: 'failed', wechatAttempts: 1 });
    expect(attemptsFor(broken.id)).toHaveLength(1);
  });

  it('waits 5 s, 10 s, 20 s … by default, capped at 10 minutes', () => {
    const idle = new NotificationDispatcher(
      { notifications: outbox.notifications, wechat: recordingClient(config, clock, []), templates: config.wechat.templates, clock, log: console },
      { pollMs: 1000, leaseMs: 60_000, ...DISPATCH_DEFAULTS },
    );
    const delays = Array.from({ length: DISPATCH_DEFAULTS.maxAttempts }, (_, i) => idle.retryDelay(i + 1) / 1000);
    expect(delays).toEqual([5, 10, 20, 40, 80, 160, 320, 600]);
  });
});

describe('field limits', () => {
  // The longest names the applicant form accepts (NAME_PATTERN: 2–30 characters, · allowed).
  const LONG_NAMES = ['阿卜杜热合曼·买买提依明·艾则孜·吐尔逊', '阿卜杜热合曼·买买提依明·艾则孜·吐尔逊·阿卜杜克热木·买合'];
  const LONG_NOTE = '请摘下眼镜和耳环，'.repeat(22).slice(0, 200);

  it('keeps every value WeChat accepted within its limit, for the longest names, all reasons and the reminder', async () => {
    for (const name of LONG_NAMES) expect(NAME_PATTERN.test(name), name).toBe(true);
    expect(Array.from(LONG_NAMES[1]!)).toHaveLength(30);
    const token = await wechatLogin(app, 'gus.1');
    const orders: string[] = [];
    for (const [i, name] of LONG_NAMES.entries()) {
      const applicant = { ...TEST_APPLICANT, name };
      const approvedOrder = await readyOrder(app, token, { applicant, cityCode: '4601' });
      await submit(app, token, approvedOrder.id);
      await decide(app, reviewer, approvedOrder.id, 'approve');
      const rejectedOrder = await readyOrder(app, token, { applicant, cityCode: i ? '4419' : '4403', certType: 'passport' });
      await submit(app, token, rejectedOrder.id);
      await decide(app, reviewer, rejectedOrder.id, { reasons: [...REJECT_REASON_CODES], note: LONG_NOTE });
      orders.push(approvedOrder.id, rejectedOrder.id);
    }
    for (const id of orders) expect((await settled(id))[0]!.wechatState).toBe('sent');

    // A week before the Haikou receipts run out: the reminders go out with the expiry template.
    const expiresAt = (await getOrder(app, token, orders[0]!)).receipt!.expiresAt;
    clock.offsetMs = Date.parse(expiresAt) - Date.now() - 3 * 86_400_000;
    try {
      for (const id of [orders[0]!, orders[2]!]) {
        const rows = await settled(id, 2);
        expect(rows.map((r) => [r.kind, r.wechatState])).toEqual([
          ['review_approved', 'sent'],
          ['receipt_expiring', 'sent'],
        ]);
      }
    } finally {
      clock.offsetMs = 0;
    }

    const sent = orders.flatMap(messagesFor);
    expect(sent).toHaveLength(6);
    for (const message of sent) expectWithinLimits(message);
    expect(sent.filter((m) => m.template_id === 'standin-template-expiry')).toHaveLength(2);
    expect(sent.map((m) => m.data.thing3?.value).filter(Boolean)).toContain('阿卜杜热合曼·买买提依明·艾则孜·吐尔…');
    expect(sent.map((m) => m.data.thing3?.value)).toContain(LONG_NAMES[0]);
    for (const id of orders) for (const row of await outbox.notifications.listForOrder(id)) expect(row.wechatError ?? '').not.toMatch(/47003/);
  });

  it('builds valid template data from any text: astral characters, emoji, control characters, blanks', () => {
    const pieces = ['𠮷', '𠮷野家', '👨‍👩‍👧', '\u0000', '\n', '\t', '\u200b', ' ', '·', 'é', '张', 'ABC', '…', '%', '"'];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const text = (length: number) => Array.from({ length }, () => pieces[Math.floor(random() * pieces.length)]).join('');
    const base = { orderId: 'order-000001', certType: 'resident_id' as const, cityCode: '4403', decidedAt: '2026-11-21T07:01:00.000Z' };
    for (let i = 0; i < 300; i++) {
      const length = i % 60;
      const payloads: NotificationPayload[] = [
        { ...base, kind: 'review_approved', applicantName: text(length), imageNumber: text(length), expiresAt: '2027-05-20T16:00:00.000Z' },
        { ...base, kind: 'review_rejected', applicantName: text(length), reasons: [text(length), text(length)], note: text(length * 4) },
        { ...base, kind: 'review_rejected', applicantName: '', reasons: [], note: null },
        { ...base, kind: 'receipt_expiring', imageNumber: text(length), expiresAt: '2026-11-25T16:00:00.000Z' },
      ];
      for (const payload of payloads) {
        for (const [key, { value }] of Object.entries(templateData(payload, new Date('2026-11-21T08:00:00Z')))) {
          expect(fieldValueProblem(key, value), `${payload.kind} ${key} = ${JSON.stringify(value)}`).toBeNull();
        }
      }
    }
    const named = templateData({ ...base, kind: 'review_rejected', applicantName: '𠮷'.repeat(25), reasons: [], note: null }, new Date());
    expect(Array.from(named.thing3!.value)).toHaveLength(20);
    expect(named.thing3!.value.endsWith('…')).toBe(true);
  });
});

describe('a restart', () => {
  // SQLite's start-time recovery (one process per database). On PostgreSQL other processes may be
  // sending those rows: they come back when their lease ends (job-queue.test.ts checks that).
  it.skipIf(TEST_ENGINE === 'postgres')('delivers what the last run left undelivered exactly once, including sends cut off mid-way (at once, not after their lease)', async () => {
    const dir = tempDataDir();
    const down = await startTestStandin();
    const restartConfig = testConfig(dir.dir, { wechat: standinWeChat(down, { timeoutMs: TIMEOUT_MS }) });
    const options = { processor: acceptingProcessor(), notifications: { retryBaseMs: 50, retryMaxMs: 100, maxAttempts: 100 } };
    let first: FastifyInstance | null = await testApp(restartConfig, options);
    let second: FastifyInstance | null = null;
    const db = await openOutbox(restartConfig);
    try {
      const token = await wechatLogin(first, 'hal.1');
      const firstReviewer = await localReviewer(first, dir.dir);
      const orderIds: string[] = [];
      for (let i = 0; i < 3; i++) orderIds.push((await submittedOrder(first, token)).id);
      down.fail({ endpoint: 'subscribe_send', times: 10_000, status: 503 });
      for (const id of orderIds) await decide(first, firstReviewer, id, 'approve');
      await eventually('every send tried and failed', async () => {
        const rows = (await Promise.all(orderIds.map((id) => db.notifications.listForOrder(id)))).flat();
        return rows.length === 3 && rows.every((r) => r.wechatAttempts >= 1 && r.wechatState === 'pending');
      });
      await first.close();
      first = null;

      // As if the process died during two sends: those rows are left `sending`, one with its
      // claim already run out, one with a claim that would run for another minute. The process
      // that held them is gone, so the restart sends both at once.
      const [stale] = await db.notifications.listForOrder(orderIds[0]!);
      const [leased] = await db.notifications.listForOrder(orderIds[1]!);
      const leaseEnd = Date.now() + 60_000;
      await db.db.updateTable('notifications').set({ wechat_state: 'sending', wechat_next_at: Date.now() - 1 }).where('id', '=', stale!.id).execute();
      await db.db.updateTable('notifications').set({ wechat_state: 'sending', wechat_next_at: leaseEnd }).where('id', '=', leased!.id).execute();
      down.reset();
      expect(down.messages()).toEqual([]);

      const restartedAt = Date.now();
      second = await testApp(restartConfig, options);
      for (const id of orderIds) {
        await eventually(`${id} sent after the restart`, async () => (await db.notifications.listForOrder(id))[0]!.wechatState === 'sent');
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(down.messages().map((m) => m.page).sort()).toEqual(orderIds.map(orderDetailPage).sort());
      const leasedSentAt = Date.parse((await db.notifications.findById(leased!.id))!.wechatSentAt!);
      expect(leasedSentAt).toBeGreaterThanOrEqual(restartedAt);
      expect(leasedSentAt).toBeLessThan(restartedAt + 10_000);
      expect(down.calls().subscribe_send).toBe(3);
      const states = await db.db.selectFrom('notifications').select('wechat_state').where('wechat_state', 'in', ['pending', 'sending']).execute();
      expect(states).toEqual([]);
    } finally {
      await first?.close();
      await second?.close();
      await db.close();
      await down.close();
      dir.remove();
    }
  });
});

describe('two dispatchers on one database', () => {
  it('send every row exactly once; a kind without a template is skipped', async () => {
    const dir = tempDataDir();
    // Both dispatchers share one pool: on PostgreSQL their claims run on separate connections.
    const db = await openTestDatabase(testConfig(dir.dir));
    const crypto = new CryptoRepository(config.encryptionKey);
    const repo = new NotificationRepository(db);
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    try {
      const user = await new UserRepository(db).userForOpenid(standin.openidFor('ivy.1'), { id: crypto.newId(), nickname: '微信用户', createdAt: new Date().toISOString() });
      const orderId = crypto.newId();
      await new OrderRepository(db, crypto).create({ id: orderId, userId: user.userId, certType: 'resident_id', cityCode: '4403', at: new Date() });
      const names = Array.from({ length: 30 }, (_, i) => `并发测试${i}`);
      for (const applicantName of names) {
        const payload: NotificationPayload = {
          kind: 'review_approved',
          orderId,
          certType: 'resident_id',
          cityCode: '4403',
          applicantName,
          imageNumber: 'A44032611210000000001',
          expiresAt: new Date(Date.now() + 180 * 86_400_000).toISOString(),
          decidedAt: new Date().toISOString(),
        };
        await repo.insert({ id: crypto.newId(), userId: user.userId, payload, at: new Date() });
      }
      const reminder = crypto.newId();
      await repo.insert({
        id: reminder,
        userId: user.userId,
        at: new Date(),
        payload: { kind: 'receipt_expiring', orderId, certType: 'resident_id', cityCode: '4403', imageNumber: 'A4403', expiresAt: new Date().toISOString() },
      });

      const templates = { result: 'standin-template-result', expiry: null };
      const loops = [1, 2].map(
        () =>
          new NotificationDispatcher(
            { notifications: repo, wechat: new WeChatClient(config.wechat, { clock: systemClock }), templates, clock: systemClock, log },
            // Two processes on one outbox, as app.ts wires them: neither puts the other's claims
            // back at its start (that would send those rows twice).
            { pollMs: 20, leaseMs: 5_000, retryBaseMs: 50, retryMaxMs: 100, maxAttempts: 3, requeueOnStart: false },
          ),
      );
      await Promise.all(loops.map((l) => l.start()));
      try {
        await eventually('all sent', async () => (await repo.listForOrder(orderId)).every((r) => r.wechatState !== 'pending' && r.wechatState !== 'sending'));
      } finally {
        await Promise.all(loops.map((l) => l.stop()));
      }
      const received = standin.messages().filter((m) => m.page === orderDetailPage(orderId)).map((m) => m.data.thing3!.value);
      expect(received.sort()).toEqual([...names].sort());
      expect((await repo.findById(reminder))!).toMatchObject({ wechatState: 'skipped', wechatAttempts: 0 });
    } finally {
      await db.destroy();
      dir.remove();
    }
  });
});
