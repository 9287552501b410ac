/**
 * Review and receipts through the API (real SQLite, real photos; an accepting stand-in engine
 * because the photo's checks do not matter here): claim races, reject → resubmit → approve,
 * image numbers, the receipt PNG (QR decoded), counter look-up permissions, use and expiry.
 */
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceiptLookupView, ReviewOrderView, ReviewQueueItem } from '../../shared/api';
import { validateImageNumber } from '../../shared/image-number';
import type { AppConfig } from '../src/config';
import { RECEIPT_LAYOUT, renderReceipt } from '../src/repositories/media.repository';
import {
  acceptingProcessor,
  addApiKey,
  addStaff,
  approvedOrder,
  decide,
  eventually,
  fixture,
  get,
  getOrder,
  localCounter,
  localReviewer,
  login,
  post,
  staffLogin,
  submittedOrder,
  tempDataDir,
  testApp,
  testConfig,
  uploadPhoto,
  waitUntilProcessed,
  MovableClock,
  rawStoredFiles,
  storedFiles,
} from './support/api-harness';
import { decodeQr } from './support/qr';

const data = tempDataDir();
const processor = acceptingProcessor();
/** A movable clock: tests jump forward past a receipt's expiry. */
const clock = new MovableClock();
let config: AppConfig;
let app: FastifyInstance;
let applicant: string;
let reviewer: string;
let reviewer2: string;
let counter: string;
let apiKey: string;

beforeAll(async () => {
  config = testConfig(data.dir, { sessionDays: 365 });
  app = await testApp(config, { processor, clock, expireEveryMs: 100 });
  applicant = await login(app, '申请人');
  reviewer = await localReviewer(app, data.dir);
  counter = await localCounter(app, data.dir);
  reviewer2 = await staffLogin(app, 'reviewer2', await addStaff(config, 'reviewer', 'reviewer2'));
  apiKey = await addApiKey(config, '办证平台');
});
afterAll(async () => {
  await app?.close();
  data.remove();
});

describe('staff accounts', () => {
  it('logs staff in and says who they are; a wrong password is 401 in Chinese', async () => {
    const me = await get(app, '/api/auth/me', reviewer);
    expect(me.json()).toEqual({ role: 'reviewer', name: 'reviewer' });
    expect((await get(app, '/api/auth/me', applicant)).json()).toEqual({ role: 'applicant', name: '申请人' });
    const bad = await app.inject({ method: 'POST', url: '/api/auth/staff-login', payload: { username: 'reviewer', password: 'nope' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toMatchObject({ code: 'BAD_CREDENTIALS', message: '用户名或密码不正确' });
    const unknown = await app.inject({ method: 'POST', url: '/api/auth/staff-login', payload: { username: 'ghost', password: 'x' } });
    expect(unknown.json().code).toBe('BAD_CREDENTIALS');
    expect((await get(app, '/api/auth/me')).statusCode).toBe(401);
  });
});

describe('the review queue', () => {
  it('lists submitted orders oldest first with waiting time, for reviewers only', async () => {
    const a = await submittedOrder(app, applicant);
    const b = await submittedOrder(app, applicant);
    const res = await get(app, '/api/review/queue', reviewer);
    expect(res.statusCode).toBe(200);
    const queue = res.json<ReviewQueueItem[]>();
    const ids = queue.map((q) => q.orderId);
    expect(ids.indexOf(a.id)).toBeLessThan(ids.indexOf(b.id));
    const item = queue.find((q) => q.orderId === a.id)!;
    expect(item).toMatchObject({ certType: 'resident_id', cityCode: '4403', claimedBy: null, claimExpiresAt: null });
    expect(item.waitingSeconds).toBeGreaterThanOrEqual(0);
    expect(item.photoUrl).toMatch(/photo\.jpg\?exp=/);
    for (const token of [applicant, counter]) {
      const denied = await get(app, '/api/review/queue', token);
      expect(denied.statusCode).toBe(403);
      expect(denied.json().code).toBe('FORBIDDEN');
    }
    expect((await get(app, '/api/review/queue')).statusCode).toBe(401);
    const view = (await get(app, `/api/review/${a.id}`, reviewer)).json<ReviewOrderView>();
    expect(view.applicant!.idNumber).toMatch(/^4403\*{10}\d{3}[\dX]$/);
  });

  it('lets exactly one of two concurrent claims win; the other gets 409 ALREADY_CLAIMED', async () => {
    const order = await submittedOrder(app, applicant);
    const [r1, r2] = await Promise.all([post(app, `/api/review/${order.id}/claim`, reviewer), post(app, `/api/review/${order.id}/claim`, reviewer2)]);
    const codes = [r1.statusCode, r2.statusCode].sort();
    expect(codes).toEqual([200, 409]);
    const loser = r1.statusCode === 409 ? r1 : r2;
    expect(loser.json().code).toBe('ALREADY_CLAIMED');
    const winner = (r1.statusCode === 200 ? r1 : r2).json<ReviewOrderView>();
    expect(winner).toMatchObject({ status: 'in_review', claimedByMe: true });
    // The holder renews; the other still cannot approve.
    const holder = r1.statusCode === 200 ? reviewer : reviewer2;
    const other = holder === reviewer ? reviewer2 : reviewer;
    expect((await post(app, `/api/review/${order.id}/claim`, holder)).statusCode).toBe(200);
    const notMine = await post(app, `/api/review/${order.id}/approve`, other);
    expect(notMine.statusCode).toBe(409);
    expect(notMine.json().code).toBe('NOT_CLAIMED');
  });

  it('needs a claim before approving', async () => {
    const order = await submittedOrder(app, applicant);
    const res = await post(app, `/api/review/${order.id}/approve`, reviewer);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('NOT_CLAIMED');
  });
});

describe('reject → resubmit → approve in one order', () => {
  it('keeps both attempts in the history and shows the reasons to the applicant', async () => {
    const order = await submittedOrder(app, applicant);
    await post(app, `/api/review/${order.id}/claim`, reviewer);
    const invalid = await post(app, `/api/review/${order.id}/reject`, reviewer, { reasons: [] });
    expect(invalid.statusCode).toBe(400);
    const rejected = await post(app, `/api/review/${order.id}/reject`, reviewer, { reasons: ['accessories', 'hair_covering'], note: '请摘下耳环' });
    expect(rejected.statusCode, rejected.body).toBe(200);

    let view = await getOrder(app, applicant, order.id);
    expect(view.status).toBe('rejected');
    expect(view.review).toMatchObject({
      decision: 'rejected',
      reasons: [
        { code: 'accessories', label: '佩戴饰品' },
        { code: 'hair_covering', label: '头发遮挡眉毛或耳朵' },
      ],
      note: '请摘下耳环',
    });
    expect(view.receipt).toBeNull();
    expect(view.history.at(-1)).toMatchObject({ event: 'reject', actor: 'reviewer', note: '佩戴饰品、头发遮挡眉毛或耳朵:请摘下耳环' });

    // Resubmission: a new photo in the same order, then submit again.
    expect((await uploadPhoto(app, applicant, order.id, fixture('deepface-img3.jpg'))).statusCode).toBe(202);
    expect((await waitUntilProcessed(app, applicant, order.id)).status).toBe('ready');
    expect((await post(app, `/api/orders/${order.id}/submit`, applicant)).statusCode).toBe(200);
    expect((await post(app, `/api/review/${order.id}/claim`, reviewer2)).statusCode).toBe(200);
    expect((await post(app, `/api/review/${order.id}/approve`, reviewer2)).statusCode).toBe(200);

    view = await getOrder(app, applicant, order.id);
    expect(view.status).toBe('approved');
    expect(view.review).toMatchObject({ decision: 'approved', reasons: [], note: null });
    expect(validateImageNumber(view.receipt!.number)).toBe(true);
    expect(view.receipt!.number).toMatch(/^A4403\d{6}/);
    const days = (Date.parse(view.receipt!.expiresAt) - Date.parse(view.receipt!.issuedAt)) / 86_400_000;
    expect(days).toBe(180);
    expect(view.receiptUrl).toMatch(new RegExp(`^/api/orders/${order.id}/receipt\\.png\\?exp=\\d+&sig=`));
    const events = view.history.map((h) => h.event);
    expect(events).toEqual(['create', 'upload_photo', 'photo_accepted', 'submit', 'start_review', 'reject', 'upload_photo', 'photo_accepted', 'submit', 'start_review', 'approve']);
  });
});

describe('image numbers', () => {
  it('gives 50 concurrent approvals 50 distinct valid numbers', async () => {
    const orders = [];
    for (let i = 0; i < 50; i++) orders.push(await submittedOrder(app, applicant, i % 2 ? '4401' : '4601'));
    for (const o of orders) expect((await post(app, `/api/review/${o.id}/claim`, reviewer)).statusCode).toBe(200);
    const results = await Promise.all(orders.map((o) => post(app, `/api/review/${o.id}/approve`, reviewer)));
    expect(results.map((r) => r.statusCode)).toEqual(orders.map(() => 200));
    const numbers = results.map((r) => r.json<ReviewOrderView>().receipt!.number);
    expect(new Set(numbers).size).toBe(50);
    for (const n of numbers) expect(validateImageNumber(n)).toBe(true);
  });
});

describe('the receipt image', () => {
  it('is a PNG whose QR code decodes to the image number; 404 before approval', async () => {
    const pending = await submittedOrder(app, applicant);
    const before = await get(app, `/api/orders/${pending.id}/receipt.png`, applicant);
    expect(before.statusCode).toBe(404);
    expect(before.json().code).toBe('RECEIPT_NOT_FOUND');

    const order = await approvedOrder(app, applicant, reviewer);
    const res = await get(app, order.receiptUrl!);
    expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    const png = res.rawPayload;
    const meta = await sharp(png).metadata();
    expect(meta).toMatchObject({ format: 'png', width: RECEIPT_LAYOUT.width, height: RECEIPT_LAYOUT.height });
    const { qr } = RECEIPT_LAYOUT;
    const code = await sharp(png)
      .extract({ left: qr.left - 20, top: qr.top - 20, width: qr.size + 40, height: qr.size + 40 })
      .png()
      .toBuffer();
    expect(await decodeQr(code)).toBe(order.receipt!.number);
    // Drawn once and kept sealed: the next fetch is the same file, and no PNG lies on disk.
    const kept = (await rawStoredFiles(config, order.id)).find((f) => f.name.endsWith('.receipt'));
    expect(kept?.name).toBe(`${order.receipt!.number}.receipt`);
    expect(kept!.bytes.subarray(0, 8).equals(png.subarray(0, 8))).toBe(false);
    // The owner's token works too; someone else's does not; nobody → 401.
    const again = await get(app, `/api/orders/${order.id}/receipt.png`, applicant);
    expect(again.statusCode).toBe(200);
    expect(again.rawPayload.equals(png)).toBe(true);
    expect((await get(app, `/api/orders/${order.id}/receipt.png`, await login(app, '别人'))).statusCode).toBe(404);
    expect((await get(app, `/api/orders/${order.id}/receipt.png`)).statusCode).toBe(401);
  });

  it('is drawn by a job right after the approval, so the first request finds it ready', async () => {
    const order = await approvedOrder(app, applicant, reviewer);
    const receipt = async () => (await storedFiles(config, order.id)).find((f) => f.name === `${order.receipt!.number}.receipt`);
    const drawnAt = await eventually('the receipt drawn without a request', async () => (await receipt())?.mtimeMs);
    expect((await get(app, order.receiptUrl!)).statusCode).toBe(200);
    expect((await receipt())?.mtimeMs, 'served as kept, not drawn again').toBe(drawnAt);
  });

  it('is drawn once even when the applicant asks while the job is still drawing it', async () => {
    const own = tempDataDir();
    const config = testConfig(own.dir);
    let draws = 0;
    const slowRender: typeof renderReceipt = async (drawing) => {
      draws++;
      await new Promise((r) => setTimeout(r, 300));
      return renderReceipt(drawing);
    };
    const other = await testApp(config, { processor: acceptingProcessor(), renderReceipt: slowRender });
    try {
      const owner = await login(other, '急着看的人');
      const order = await submittedOrder(other, owner);
      const reviewerToken = await localReviewer(other, own.dir);
      await decide(other, reviewerToken, order.id, 'approve');
      const view = await getOrder(other, owner, order.id);
      const [a, b] = await Promise.all([
        other.inject({ method: 'GET', url: view.receiptUrl! }),
        new Promise((r) => setTimeout(r, 100)).then(() => other.inject({ method: 'GET', url: view.receiptUrl! })),
      ]);
      expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
      expect(a.rawPayload.equals(b.rawPayload)).toBe(true);
      await eventually('the job finished', async () => (await other.inject({ method: 'GET', url: view.receiptUrl! })).statusCode === 200 && draws > 0);
      await new Promise((r) => setTimeout(r, 500));
      expect(draws).toBe(1);
    } finally {
      await other.close();
      own.remove();
    }
  });
});

describe('counter look-up and use', () => {
  it('answers counter staff and the API key; refuses applicants and reviewers (403) and nobody (401)', async () => {
    const order = await approvedOrder(app, applicant, reviewer);
    const number = order.receipt!.number;
    for (const token of [counter, apiKey]) {
      const res = await get(app, `/api/receipts/${number}`, token);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<ReceiptLookupView>()).toMatchObject({
        number,
        group: 'A',
        groupName: '居民身份证/居住证/社会保障卡',
        cityCode: '4403',
        cityName: '深圳市',
        certificates: ['居民身份证', '居住证', '社会保障卡'],
        usedAt: null,
        status: 'valid',
      });
    }
    for (const token of [applicant, reviewer]) expect((await get(app, `/api/receipts/${number}`, token)).statusCode).toBe(403);
    expect((await get(app, `/api/receipts/${number}`)).statusCode).toBe(401);
    expect((await get(app, `/api/receipts/${number}`, 'zk_notarealkeyatallxxxxxxxxxxxx')).statusCode).toBe(401);
  });

  it('rejects a typo (400), an unknown number (404), and uses a number once (409 the second time)', async () => {
    const order = await approvedOrder(app, applicant, reviewer);
    const number = order.receipt!.number;
    const typo = number.slice(0, 12) + (number[12] === '0' ? '1' : '0') + number.slice(13);
    const bad = await get(app, `/api/receipts/${typo}`, counter);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('INVALID_IMAGE_NUMBER');
    const other = (await approvedOrder(app, applicant, reviewer)).receipt!.number;
    // A valid shape that was never issued: change the date part and recompute the check character.
    const { mod3736CheckChar } = await import('../../shared/image-number');
    const body = `${other.slice(0, 5)}000101${other.slice(11, -1)}`;
    const unknown = await get(app, `/api/receipts/${body}${mod3736CheckChar(body)}`, counter);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('RECEIPT_NOT_FOUND');

    const used = await post(app, `/api/receipts/${number.toLowerCase()}/use`, counter);
    expect(used.statusCode, used.body).toBe(200);
    expect(used.json<ReceiptLookupView>()).toMatchObject({ status: 'used' });
    const again = await post(app, `/api/receipts/${number}/use`, apiKey);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('RECEIPT_USED');
    const view = await getOrder(app, applicant, order.id);
    expect(view.status).toBe('used');
    expect(view.receipt!.usedAt).not.toBeNull();
  });

  it('says 410 for an expired receipt, and the expire job moves approved orders past expiry to expired', async () => {
    const order = await approvedOrder(app, applicant, reviewer, '4601'); // Haikou: 30 days
    clock.offsetMs = 31 * 86_400_000;
    try {
      const res = await post(app, `/api/receipts/${order.receipt!.number}/use`, counter);
      expect(res.statusCode).toBe(410);
      expect(res.json().code).toBe('RECEIPT_EXPIRED');
      const deadline = Date.now() + 10_000;
      let view = await getOrder(app, applicant, order.id);
      while (view.status !== 'expired' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        view = await getOrder(app, applicant, order.id);
      }
      expect(view.status).toBe('expired');
      expect(view.history.at(-1)).toMatchObject({ event: 'expire', actor: 'system' });
      const lookup = await get(app, `/api/receipts/${order.receipt!.number}`, counter);
      expect(lookup.json<ReceiptLookupView>().status).toBe('expired');
      expect((await get(app, `/api/orders/${order.id}/receipt.png`, applicant)).statusCode).toBe(410);
    } finally {
      clock.offsetMs = 0;
    }
  });
});
