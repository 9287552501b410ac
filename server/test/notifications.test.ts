/**
 * Notifications without WeChat: the outbox row written in the decision's transaction, the in-app
 * list (unread, read, read-all, privacy), the subscription answers given with submit, and the
 * expiry reminder written once per receipt. (Sending to WeChat: notification-dispatch.test.ts.)
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationListView, NotificationView, OrderView } from '../../shared/api';
import { EXPIRY_REMINDER_DAYS } from '../../shared/wechat';
import type { AppConfig } from '../src/config';
import { CryptoRepository } from '../src/repositories/crypto.repository';
import { DuplicateReceiptNumber, OrderRepository } from '../src/repositories/order.repository';
import { NotificationService } from '../src/services/notification.service';
import {
  TEST_ENGINE,
  acceptingProcessor,
  approvedOrder,
  claimedOrder,
  decide,
  eventually,
  expectError,
  fixture,
  get,
  getOrder,
  localCounter,
  localReviewer,
  login,
  openOutbox,
  post,
  readyOrder,
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

const list = async (token: string) => {
  const res = await get(app, '/api/notifications', token);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<NotificationListView>();
};

describe('the outbox row of a decision', () => {
  it('approve and reject each write exactly one notification with the payload the templates need', async () => {
    const approved = await approvedOrder(app, applicant, reviewer);
    const [approval, ...moreA] = await outbox.notifications.listForOrder(approved.id);
    expect(moreA).toEqual([]);
    expect(approval!.payload).toEqual({
      kind: 'review_approved',
      orderId: approved.id,
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
    expect((await post(app, `/api/review/${order.id}/approve`, reviewer)).statusCode).toBe(409);
    expect((await post(app, `/api/review/${order.id}/claim`, reviewer)).statusCode).toBe(200);
    const counter = await localCounter(app, data.dir);
    expect((await post(app, `/api/review/${order.id}/reject`, counter, { reasons: ['other'] })).statusCode).toBe(403);
    expect(await outbox.notifications.listForOrder(order.id)).toEqual([]);
    // Approved once; the second approval is refused and writes nothing more.
    expect((await post(app, `/api/review/${order.id}/approve`, reviewer)).statusCode).toBe(200);
    expect((await post(app, `/api/review/${order.id}/approve`, reviewer)).statusCode).toBe(409);
    expect(await outbox.notifications.listForOrder(order.id)).toHaveLength(1);
  });

  it("is written in the decision's transaction: when the outbox row cannot be written, the decision is not made", async () => {
    const order = await claimedOrder(app, applicant, reviewer);
    const rows = async (table: 'receipts' | 'review_decisions' | 'notifications') =>
      outbox.db.selectFrom(table).select('order_id').where('order_id', '=', order.id).execute();

    // The outbox refuses this order's row (as a full disk or a broken table would).
    if (TEST_ENGINE === 'postgres') {
      await sql`CREATE FUNCTION outbox_down() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.order_id = ${sql.lit(order.id)} THEN RAISE EXCEPTION 'outbox down'; END IF; RETURN NEW; END $$`.execute(outbox.db);
      await sql`CREATE TRIGGER outbox_down BEFORE INSERT ON notifications FOR EACH ROW EXECUTE FUNCTION outbox_down()`.execute(outbox.db);
    } else {
      await sql`CREATE TRIGGER outbox_down BEFORE INSERT ON notifications WHEN NEW.order_id = ${sql.lit(order.id)} BEGIN SELECT RAISE(ABORT, 'outbox down'); END`.execute(outbox.db);
    }
    try {
      for (const decision of ['approve', 'reject'] as const) {
        const res = await post(app, `/api/review/${order.id}/${decision}`, reviewer, decision === 'reject' ? { reasons: ['blurry'] } : undefined);
        expectError(res, 500, 'INTERNAL');
        expect((await getOrder(app, applicant, order.id)).status).toBe('in_review');
        expect([await rows('receipts'), await rows('review_decisions'), await rows('notifications')]).toEqual([[], [], []]);
      }
    } finally {
      if (TEST_ENGINE === 'postgres') {
        await sql`DROP TRIGGER outbox_down ON notifications`.execute(outbox.db);
        await sql`DROP FUNCTION outbox_down()`.execute(outbox.db);
      } else {
        await sql`DROP TRIGGER outbox_down`.execute(outbox.db);
      }
    }

    // Control: with the outbox back, the same reviewer's approval goes through with its row.
    expect((await post(app, `/api/review/${order.id}/approve`, reviewer)).statusCode).toBe(200);
    expect((await getOrder(app, applicant, order.id)).status).toBe('approved');
    expect(await rows('notifications')).toHaveLength(1);
  });

  it('an image-number collision (the service draws again) changes nothing: no status change, no row', async () => {
    const number = (await approvedOrder(app, applicant, reviewer)).receipt!.number;
    const order = await claimedOrder(app, applicant, reviewer);

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
    expectError(await post(app, `/api/notifications/${before.items[0]!.id}/read`, other), 404, 'NOTIFICATION_NOT_FOUND');
    await post(app, '/api/notifications/read-all', other);
    expect((await list(fresh)).unread).toBe(2);

    const read = await post(app, `/api/notifications/${before.items[0]!.id}/read`, fresh);
    expect(read.statusCode, read.body).toBe(200);
    const readAt = read.json<NotificationView>().readAt;
    expect(readAt).not.toBeNull();
    expect((await list(fresh)).unread).toBe(1);
    // Reading again keeps the first read time.
    expect((await post(app, `/api/notifications/${before.items[0]!.id}/read`, fresh)).json<NotificationView>().readAt).toBe(readAt);

    const all = await post(app, '/api/notifications/read-all', fresh);
    expect(all.statusCode).toBe(200);
    expect(all.json<NotificationListView>().unread).toBe(0);
    expect((await list(fresh)).items.every((n) => n.readAt !== null)).toBe(true);
  });

  it('needs a session and a well-formed id', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/notifications' })).statusCode).toBe(401);
    expect((await post(app, '/api/notifications/read-all')).statusCode).toBe(401);
    expect((await post(app, '/api/notifications/abcdefghijkl/read')).statusCode).toBe(401);
    const malformed = await post(app, '/api/notifications/not%20an%20id/read', applicant);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().fields.id).toBe('消息编号格式不正确');
    expect((await post(app, '/api/notifications/abcdefghijkl/read', applicant)).json().code).toBe('NOTIFICATION_NOT_FOUND');
  });
});

describe('subscription answers', () => {
  it('are recorded with submit and resubmit (the latest answer wins); a bad answer is 400; no body still submits', async () => {
    const order = await readyOrder(app, applicant);
    const bad = await post(app, `/api/orders/${order.id}/submit`, applicant, { subscriptions: { result: 'yes' } });
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
    const order = await approvedOrder(app, owner, reviewer, '4601'); // Haikou: 30 days
    const receipt = order.receipt!;
    // Due in the same sweep as the first: each gets its own reminder.
    const second = await approvedOrder(app, owner, reviewer, '4601');
    const used = await approvedOrder(app, owner, reviewer, '4601');
    expect((await post(app, `/api/receipts/${used.receipt!.number}/use`, await localCounter(app, data.dir))).statusCode).toBe(200);

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
      expect((await reminders(second.id)).map((n) => n.payload)).toEqual([expect.objectContaining({ orderId: second.id, imageNumber: second.receipt!.number })]);
      expect(reminder!.payload).toEqual({
        kind: 'receipt_expiring',
        orderId: order.id,
        certType: 'resident_id',
        cityCode: '4601',
        imageNumber: receipt.number,
        expiresAt: receipt.expiresAt,
      });
      expect(await reminders(used.id)).toEqual([]);
      const item = (await list(owner)).items.find((n) => n.kind === 'receipt_expiring' && n.orderId === order.id)!;
      expect(item).toMatchObject({ title: '回执即将到期' });
      expect(item.body).toContain(receipt.number);
    } finally {
      clock.offsetMs = 0;
    }
  });
});

describe('the outbox', () => {
  it('writes several notifications in one go and skips those whose dedupe key was used', async () => {
    const owner = await login(app, '批量');
    const [a, b] = [await approvedOrder(app, owner, reviewer), await approvedOrder(app, owner, reviewer)];
    const { userId } = (await outbox.notifications.listForOrder(a.id))[0]!;
    const crypto = new CryptoRepository(config.encryptionKey);
    const reminder = (order: OrderView) => ({
      id: crypto.newId(),
      userId,
      at: new Date(),
      dedupeKey: `test-batch:${order.id}`,
      payload: { kind: 'receipt_expiring' as const, orderId: order.id, certType: order.certType, cityCode: order.cityCode, imageNumber: order.receipt!.number, expiresAt: order.receipt!.expiresAt },
    });
    expect(await outbox.notifications.insert(reminder(a))).toBe(1);
    // a's key is taken: only b is written, and the count says so.
    expect(await outbox.notifications.insert(reminder(a), reminder(b))).toBe(1);
    expect(await outbox.notifications.insert()).toBe(0);
    for (const order of [a, b]) {
      const written = (await outbox.notifications.listForOrder(order.id)).filter((n) => n.kind === 'receipt_expiring');
      expect(written.map((n) => n.payload), order.id).toEqual([expect.objectContaining({ orderId: order.id })]);
    }
  });
});
