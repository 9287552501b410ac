/**
 * Notifications without WeChat: the outbox row written in the decision's transaction, the in-app
 * list (unread, read, read-all, privacy), the subscription answers given with submit, and the
 * expiry reminder written once per receipt. (Sending to WeChat: notification-dispatch.test.ts.)
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationListView, NotificationView, OrderView } from '../../shared/api';
import { EXPIRY_REMINDER_DAYS } from '../../shared/wechat';
import type { AppConfig } from '../src/config';
import { CryptoRepository } from '../src/repositories/crypto.repository';
import { DuplicateReceiptNumber, OrderRepository } from '../src/repositories/order.repository';
import { NotificationService } from '../src/services/notification.service';
import {
  acceptingProcessor,
  auth,
  decide,
  eventually,
  fixture,
  getOrder,
  localReviewer,
  localStaffPassword,
  login,
  openOutbox,
  readyOrder,
  staffLogin,
  submit,
  submittedOrder,
  tempDataDir,
  testApp,
  testConfig,
  uploadPhoto,
  waitUntilProcessed,
  MovableClock,
} from './support/api-harness';

const data = tempDataDir();
/** A movable clock: the reminder test jumps to a week before expiry. */
const clock = new MovableClock();
let config: AppConfig;
let app: FastifyInstance;
let outbox: Awaited<ReturnType<typeof openOutbox>>;
let applicant: string;
let other: string;
let reviewer: string;

beforeAll(async () => {
  config = testConfig(data.dir, { sessionDays: 365 });
  app = await testApp(config, { processor: acceptingProcessor(), clock, expireEveryMs: 50 });
  outbox = await openOutbox(config);
  applicant = await login(app, '申请人');
  other = await login(app, '别人');
  reviewer = await localReviewer(app, data.dir);
});
afterAll(async () => {
  await app?.close();
  await outbox?.close();
  data.remove();
});

const post = (url: string, token?: string, payload?: object) =>
  app.inject({ method: 'POST', url, ...(token ? { headers: auth(token) } : {}), ...(payload ? { payload } : {}) });
const list = async (token: string) => {
  const res = await app.inject({ method: 'GET', url: '/api/notifications', headers: auth(token) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<NotificationListView>();
};

describe('the outbox row of a decision', () => {
  it('approve and reject each write exactly one notification with the payload the templates need', async () => {
    const a = await submittedOrder(app, applicant);
    await decide(app, reviewer, a.id, 'approve');
    const approved = await getOrder(app, applicant, a.id);
    const [approval, ...moreA] = await outbox.notifications.listForOrder(a.id);
    expect(moreA).toEqual([]);
    expect(approval!.payload).toEqual({
      kind: 'review_approved',
      orderId: a.id,
      certType: 'resident_id',
      cityCode: '4403',
      applicantName: '张三丰',
      imageNumber: approved.receipt!.number,
      expiresAt: approved.receipt!.expiresAt,
      decidedAt: approved.review!.decidedAt,
    });
    expect(approval).toMatchObject({ wechatState: expect.any(String), readAt: null, createdAt: approved.review!.decidedAt });

    const b = await submittedOrder(app, applicant);
    await decide(app, reviewer, b.id, { reasons: ['accessories', 'hair_covering'], note: '请摘下耳环' });
    const rejections = await outbox.notifications.listForOrder(b.id);
    expect(rejections.map((n) => n.payload)).toEqual([
      expect.objectContaining({ kind: 'review_rejected', applicantName: '张三丰', reasons: ['佩戴饰品', '头发遮挡眉毛或耳朵'], note: '请摘下耳环' }),
    ]);
  });

  it('writes none when the decision is refused', async () => {
    const order = await submittedOrder(app, applicant);
    // Not claimed yet, then claimed by someone else: both refused with 409.
    expect((await post(`/api/review/${order.id}/approve`, reviewer)).statusCode).toBe(409);
    expect((await post(`/api/review/${order.id}/claim`, reviewer)).statusCode).toBe(200);
    const counter = await staffLogin(app, 'counter', localStaffPassword(data.dir, 'counter'));
    expect((await post(`/api/review/${order.id}/reject`, counter, { reasons: ['other'] })).statusCode).toBe(403);
    expect(await outbox.notifications.listForOrder(order.id)).toEqual([]);
    // Approved once; the second approval is refused and writes nothing more.
    expect((await post(`/api/review/${order.id}/approve`, reviewer)).statusCode).toBe(200);
    expect((await post(`/api/review/${order.id}/approve`, reviewer)).statusCode).toBe(409);
    expect(await outbox.notifications.listForOrder(order.id)).toHaveLength(1);
  });

  it('is rolled back with the status change when the transaction fails (an image-number collision)', async () => {
    const taken = await submittedOrder(app, applicant);
    await decide(app, reviewer, taken.id, 'approve');
    const number = (await getOrder(app, applicant, taken.id)).receipt!.number;
    const order = await submittedOrder(app, applicant);
    expect((await post(`/api/review/${order.id}/claim`, reviewer)).statusCode).toBe(200);

    // The review service's approve with a number that is already taken, as a collision would be.
    const orders = new OrderRepository(outbox.db, new CryptoRepository(config.encryptionKey));
    const now = new Date();
    const write = orders.applyTransition({
      orderId: order.id,
      from: 'in_review',
      event: 'approve',
      actor: 'reviewer',
      at: now,
      receipt: { number, group: 'A', cityCode: '4403', issuedAt: now.toISOString(), expiresAt: now.toISOString() },
      notification: {
        kind: 'review_approved',
        orderId: order.id,
        certType: 'resident_id',
        cityCode: '4403',
        applicantName: '张三丰',
        imageNumber: number,
        expiresAt: now.toISOString(),
        decidedAt: now.toISOString(),
      },
    });
    await expect(write).rejects.toBeInstanceOf(DuplicateReceiptNumber);
    expect((await getOrder(app, applicant, order.id)).status).toBe('in_review');
    expect(await outbox.notifications.listForOrder(order.id)).toEqual([]);
  });
});

describe('the in-app list', () => {
  it('shows the newest first with an unread count; read one, read all; only the owner sees or marks them', async () => {
    const fresh = await login(app, '新用户');
    const a = await submittedOrder(app, fresh);
    const b = await submittedOrder(app, fresh);
    await decide(app, reviewer, a.id, 'approve');
    await decide(app, reviewer, b.id, { reasons: ['blurry'], note: '请对焦后重拍' });

    const before = await list(fresh);
    expect(before.unread).toBe(2);
    expect(before.items.map((n) => [n.kind, n.orderId])).toEqual([
      ['review_rejected', b.id],
      ['review_approved', a.id],
    ]);
    expect(before.items[0]).toMatchObject({ title: '照片审核未通过', readAt: null });
    expect(before.items[0]!.body).toContain('照片模糊');
    expect(before.items[0]!.body).toContain('请对焦后重拍');
    expect(before.items[1]!.title).toBe('照片审核通过');

    // Someone else: an empty list, and the ids do not exist for them.
    expect(await list(other)).toMatchObject({ items: expect.not.arrayContaining([expect.objectContaining({ orderId: a.id })]) });
    const foreign = await post(`/api/notifications/${before.items[0]!.id}/read`, other);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ code: 'NOTIFICATION_NOT_FOUND', message: '找不到该消息' });
    await post('/api/notifications/read-all', other);
    expect((await list(fresh)).unread).toBe(2);

    const read = await post(`/api/notifications/${before.items[0]!.id}/read`, fresh);
    expect(read.statusCode, read.body).toBe(200);
    const readAt = read.json<NotificationView>().readAt;
    expect(readAt).not.toBeNull();
    expect((await list(fresh)).unread).toBe(1);
    // Reading again keeps the first read time.
    expect((await post(`/api/notifications/${before.items[0]!.id}/read`, fresh)).json<NotificationView>().readAt).toBe(readAt);

    const all = await post('/api/notifications/read-all', fresh);
    expect(all.statusCode).toBe(200);
    expect(all.json<NotificationListView>().unread).toBe(0);
    expect((await list(fresh)).items.every((n) => n.readAt !== null)).toBe(true);
  });

  it('needs a session and a well-formed id', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/notifications' })).statusCode).toBe(401);
    expect((await post('/api/notifications/read-all')).statusCode).toBe(401);
    expect((await post('/api/notifications/abcdefghijkl/read')).statusCode).toBe(401);
    const malformed = await post('/api/notifications/not%20an%20id/read', applicant);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().fields.id).toBe('消息编号格式不正确');
    expect((await post('/api/notifications/abcdefghijkl/read', applicant)).json().code).toBe('NOTIFICATION_NOT_FOUND');
  });
});

describe('subscription answers', () => {
  it('are recorded with submit and resubmit (the latest answer wins); a bad answer is 400; no body still submits', async () => {
    const order = await readyOrder(app, applicant);
    const bad = await post(`/api/orders/${order.id}/submit`, applicant, { subscriptions: { result: 'yes' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
    expect((await getOrder(app, applicant, order.id)).status).toBe('ready');

    await submit(app, applicant, order.id, { subscriptions: { result: 'reject', expiry: 'accept' } });
    expect(await outbox.notifications.answers(order.id)).toEqual({ result: 'reject', expiry: 'accept' });

    // Rejected, new photo, resubmitted: this time the result template is accepted.
    await decide(app, reviewer, order.id, { reasons: ['expression'] });
    expect((await uploadPhoto(app, applicant, order.id, fixture('deepface-img3.jpg'))).statusCode).toBe(202);
    expect((await waitUntilProcessed(app, applicant, order.id)).status).toBe('ready');
    await submit(app, applicant, order.id, { subscriptions: { result: 'accept' } });
    expect(await outbox.notifications.answers(order.id)).toEqual({ result: 'accept', expiry: 'accept' });

    const plain: OrderView = await submittedOrder(app, applicant);
    expect(plain.status).toBe('submitted');
    expect(await outbox.notifications.answers(plain.id)).toEqual({});
  });
});

describe('expiry reminders', () => {
  it('are written once per approved, unused receipt that runs out within 7 days', async () => {
    const owner = await login(app, '快到期');
    const order = await submittedOrder(app, owner, '4601'); // Haikou: 30 days
    await decide(app, reviewer, order.id, 'approve');
    const receipt = (await getOrder(app, owner, order.id)).receipt!;
    const used = await submittedOrder(app, owner, '4601');
    await decide(app, reviewer, used.id, 'approve');
    const counter = await staffLogin(app, 'counter', localStaffPassword(data.dir, 'counter'));
    const number = (await getOrder(app, owner, used.id)).receipt!.number;
    expect((await post(`/api/receipts/${number}/use`, counter)).statusCode).toBe(200);

    const service = new NotificationService({ notifications: outbox.notifications, crypto: new CryptoRepository(config.encryptionKey), clock });
    const reminders = async (orderId: string) => (await outbox.notifications.listForOrder(orderId)).filter((n) => n.kind === 'receipt_expiring');
    try {
      // A day before the window opens: nothing.
      clock.offsetMs = Date.parse(receipt.expiresAt) - Date.now() - (EXPIRY_REMINDER_DAYS + 1) * 86_400_000;
      await service.remindExpiring();
      expect(await reminders(order.id)).toEqual([]);

      // Inside the window: the app's periodic sweep writes it; running the sweep again writes nothing.
      clock.offsetMs = Date.parse(receipt.expiresAt) - Date.now() - 3 * 86_400_000;
      const [reminder] = await eventually('the reminder', async () => {
        const found = await reminders(order.id);
        return found.length > 0 && found;
      });
      await service.remindExpiring();
      await service.remindExpiring();
      await new Promise((r) => setTimeout(r, 200)); // a few more periodic sweeps
      expect(await reminders(order.id)).toHaveLength(1);
      expect(reminder!.payload).toEqual({
        kind: 'receipt_expiring',
        orderId: order.id,
        certType: 'resident_id',
        cityCode: '4601',
        imageNumber: receipt.number,
        expiresAt: receipt.expiresAt,
      });
      expect(await reminders(used.id)).toEqual([]);
      const item = (await list(owner)).items.find((n) => n.kind === 'receipt_expiring')!;
      expect(item).toMatchObject({ orderId: order.id, title: '回执即将到期' });
      expect(item.body).toContain(receipt.number);
    } finally {
      clock.offsetMs = 0;
    }
  });
});
