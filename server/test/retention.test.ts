/**
 * Photo retention through the real app (SQLite, photo store, the sweep queuing the durable
 * `purge-photos` job) with a clock that jumps forward: photos and receipt images go
 * PHOTO_RETENTION_DAYS after the receipt's expiry, or after the last change of an order that
 * never finished; orders under review keep theirs; the order stays with a purged marker, its files
 * answer 410; purging is audited, idempotent and finishes an interrupted run.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERRORS, type OrderView, type ReceiptLookupView } from '../../shared/api';
import type { AppConfig } from '../src/config';
import { CryptoRepository } from '../src/repositories/crypto.repository';
import { OrderRepository } from '../src/repositories/order.repository';
import type { PhotoStoreRepository } from '../src/repositories/photo-store.repository';
import { PURGE_PHOTOS_JOB, RetentionService } from '../src/services/retention.service';
import {
  acceptingProcessor,
  approvedOrder,
  auth,
  eventually,
  fixture,
  getOrder,
  localCounter,
  localReviewer,
  login,
  openOutbox,
  openTestStore,
  storedNames,
  readyOrder,
  submit,
  submittedOrder,
  TEST_APPLICANT,
  tempDataDir,
  testApp,
  testConfig,
  uploadPhoto,
  waitUntilProcessed,
  MovableClock,
} from './support/api-harness';

const DAY = 86_400_000;
const RETENTION_DAYS = 30;

const data = tempDataDir();
const clock = new MovableClock();
let config: AppConfig;
let app: FastifyInstance;
let outbox: Awaited<ReturnType<typeof openOutbox>>;
let orderRepo: OrderRepository;
/** The service the app's job runs, on a second connection: asks what is due, or runs it again. */
let retention: RetentionService;
let store: PhotoStoreRepository;
let applicant: string;
let reviewer: string;
let counter: string;

/** Orders made at day 0, and the URLs their owner was given then. */
let haikou: OrderView; // approved, receipt valid 30 days → purge from day 60
let shenzhen: OrderView; // approved, receipt valid 180 days → purge from day 210
let used: OrderView; // approved and used at the counter (Shenzhen) → purge from day 210 too
let idle: OrderView; // ready, never submitted → purge from day 30
let touched: OrderView; // ready, applicant changed on day 20 → purge from day 50
let waiting: OrderView; // submitted, never reviewed → never purged

beforeAll(async () => {
  config = testConfig(data.dir, { sessionDays: 3650, photoRetentionDays: RETENTION_DAYS });
  // The sweep runs every 100 ms, so a jump of the clock is acted on at once.
  app = await testApp(config, { processor: acceptingProcessor(), clock, expireEveryMs: 100 });
  outbox = await openOutbox(config);
  orderRepo = new OrderRepository(outbox.db, new CryptoRepository(config.encryptionKey));
  retention = new RetentionService({
    orders: orderRepo,
    photos: (store = await openTestStore(config)),
    clock,
    retentionDays: RETENTION_DAYS,
  });
  applicant = await login(app, '申请人');
  reviewer = await localReviewer(app, data.dir);
  counter = await localCounter(app, data.dir);

  const approved = async (cityCode: string) => {
    const view = await approvedOrder(app, applicant, reviewer, cityCode);
    // Draw the receipt image, so there is a receipt file to purge as well.
    expect((await app.inject({ method: 'GET', url: view.receiptUrl! })).statusCode).toBe(200);
    return view;
  };
  haikou = await approved('4601');
  shenzhen = await approved('4403');
  used = await approved('4403');
  const use = await app.inject({ method: 'POST', url: `/api/receipts/${used.receipt!.number}/use`, headers: auth(counter) });
  expect(use.statusCode, use.body).toBe(200);
  idle = await readyOrder(app, applicant);
  touched = await readyOrder(app, applicant);
  waiting = await submittedOrder(app, applicant);
});
afterAll(async () => {
  clock.offsetMs = 0;
  await app?.close();
  await outbox?.close();
  await store?.close();
  data.remove();
});

const orderDir = (id: string) => path.join(data.dir, 'photos', id);
/** The order's stored names: files under <dataDir>/photos/<id>, or objects in the bucket on S3. */
const filesOf = (id: string) => storedNames(config, id);
/** Nothing of the order left in the store (for files, not even its folder). */
const gone = async (id: string) => (await filesOf(id)).length === 0 && (config.storage.kind !== 'files' || !existsSync(orderDir(id)));
const purgeRows = async (orderId: string) => (await orderRepo.auditLog({ orderId })).filter((a) => a.action === 'photo.purge');

async function at(day: number): Promise<void> {
  clock.offsetMs = day * DAY;
}

/** Waits until the app's own sweep and job have purged the order. */
function purged(orderId: string): Promise<OrderView> {
  return eventually(`photos of ${orderId} purged`, async () => {
    const view = await getOrder(app, applicant, orderId);
    // The folder itself, not just its files: while it exists the sweep still has leftovers to do.
    return view.photoPurgedAt && (await gone(orderId)) ? view : null;
  });
}

/** Nothing is due now (the sweep asks the same question before it queues the job), and the
 * order still has its photo. */
async function kept(...orders: OrderView[]): Promise<void> {
  expect(await retention.hasDue()).toBe(false);
  // Give the sweep (every 100 ms) a few turns: it must not purge anything either.
  await new Promise((r) => setTimeout(r, 300));
  for (const order of orders) {
    expect((await filesOf(order.id)).filter((f) => f.endsWith('.photo')), order.id).toHaveLength(1);
    expect((await getOrder(app, applicant, order.id)).photoPurgedAt, order.id).toBeNull();
  }
}

describe('before anything is due', () => {
  it('keeps every file and queues no purge job', async () => {
    await kept(haikou, shenzhen, used, idle, touched, waiting);
    for (const order of [haikou, shenzhen, used]) {
      expect((await filesOf(order.id)).filter((f) => !f.endsWith('.photo'))).toEqual([`${order.receipt!.number}.receipt`]);
    }
    const jobs = await outbox.db.selectFrom('jobs').select('name').where('name', '=', PURGE_PHOTOS_JOB).execute();
    expect(jobs).toEqual([]);
  });
});

describe('an order that never finished', () => {
  it('loses its photo RETENTION_DAYS after its last change, keeps the order and its report', async () => {
    await at(20);
    const res = await app.inject({ method: 'PUT', url: `/api/orders/${touched.id}/applicant`, headers: auth(applicant), payload: TEST_APPLICANT });
    expect(res.statusCode, res.body).toBe(200);

    await at(RETENTION_DAYS + 1);
    const view = await purged(idle.id);
    expect(view).toMatchObject({ status: 'ready', photoUrl: null });
    expect(Date.parse(view.photoPurgedAt!)).toBeGreaterThan(Date.now());
    expect(view.report).toMatchObject({ ok: true });
    expect(view.applicant).toMatchObject({ name: TEST_APPLICANT.name });
    expect(await purgeRows(idle.id)).toEqual([
      expect.objectContaining({
        actorType: 'system',
        actorId: null,
        action: 'photo.purge',
        receiptNumber: null,
        details: { reason: 'unfinished', status: 'ready', retentionDays: RETENTION_DAYS },
      }),
    ]);
    // The same run looked at the others: changed on day 20, waiting for review, receipts valid.
    for (const order of [touched, waiting, haikou, shenzhen, used]) {
      expect((await filesOf(order.id)).some((f) => f.endsWith('.photo')), order.id).toBe(true);
      expect((await getOrder(app, applicant, order.id)).photoPurgedAt).toBeNull();
    }
  });

  it('cannot be submitted without a photo (410), and a new photo brings it back', async () => {
    const refused = await app.inject({ method: 'POST', url: `/api/orders/${idle.id}/submit`, headers: auth(applicant) });
    expect(refused.statusCode).toBe(410);
    expect(refused.json()).toEqual({ code: 'PHOTO_PURGED', message: API_ERRORS.PHOTO_PURGED });

    expect((await uploadPhoto(app, applicant, idle.id, fixture('deepface-img3.jpg'))).statusCode).toBe(202);
    const again = await waitUntilProcessed(app, applicant, idle.id);
    expect(again).toMatchObject({ status: 'ready', photoPurgedAt: null });
    expect(again.photoUrl).not.toBeNull();
    expect((await app.inject({ method: 'GET', url: again.photoUrl! })).statusCode).toBe(200);
    expect((await submit(app, applicant, idle.id)).status).toBe('submitted');
  });

  it('counts from the last change: the order touched on day 20 goes on day 51', async () => {
    await at(RETENTION_DAYS + 21);
    await purged(touched.id);
    expect((await purgeRows(touched.id)).length).toBe(1);
  });
});

describe('an approved order', () => {
  it('keeps photo and receipt image while its receipt ended less than RETENTION_DAYS ago', async () => {
    await at(30 + RETENTION_DAYS - 1); // Haikou's receipt expired on day 30
    await eventually('the Haikou receipt expired', async () => (await getOrder(app, applicant, haikou.id)).status === 'expired');
    await kept(haikou);
    expect(await filesOf(haikou.id)).toContain(`${haikou.receipt!.number}.receipt`);
  });

  it('loses photo and receipt image RETENTION_DAYS after the receipt expired; the order stays', async () => {
    await at(30 + RETENTION_DAYS + 1);
    const view = await purged(haikou.id);
    expect(await gone(haikou.id)).toBe(true);
    expect(view).toMatchObject({ status: 'expired', photoUrl: null, receiptUrl: null });
    expect(view.receipt).toMatchObject({ number: haikou.receipt!.number });
    expect(view.history.map((h) => h.event)).toEqual(['create', 'upload_photo', 'photo_accepted', 'submit', 'start_review', 'approve', 'expire']);
    expect(await purgeRows(haikou.id)).toEqual([
      expect.objectContaining({
        actorType: 'system',
        action: 'photo.purge',
        receiptNumber: haikou.receipt!.number,
        details: { reason: 'receipt_ended', status: 'expired', retentionDays: RETENTION_DAYS },
      }),
    ]);
  });

  it('answers 410 PHOTO_PURGED to the old links and the owner, and nothing to strangers', async () => {
    for (const url of [haikou.photoUrl!, haikou.receiptUrl!]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(410);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toEqual({ code: 'PHOTO_PURGED', message: '照片已超过保存期限,已按规定删除' });
    }
    for (const file of ['photo.jpg', 'receipt.png']) {
      const url = `/api/orders/${haikou.id}/${file}`;
      expect((await app.inject({ method: 'GET', url, headers: auth(applicant) })).statusCode).toBe(410);
      expect((await app.inject({ method: 'GET', url, headers: auth(await login(app, '别人')) })).statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
      // A forged signature is no old link.
      expect((await app.inject({ method: 'GET', url: `${url}?exp=${Math.floor(Date.now() / 1000)}&sig=forged` })).statusCode).toBe(401);
    }
    // Lists and the counter's look-up still work, without a photo.
    const list = await app.inject({ method: 'GET', url: '/api/orders', headers: auth(applicant) });
    expect(list.statusCode).toBe(200);
    expect(list.json<OrderView[]>().find((o) => o.id === haikou.id)).toMatchObject({ photoUrl: null, receiptUrl: null });
    // Staff sessions are short: sign in again after the jump.
    const counterNow = await localCounter(app, data.dir);
    const lookup = await app.inject({ method: 'GET', url: `/api/receipts/${haikou.receipt!.number}`, headers: auth(counterNow) });
    expect(lookup.statusCode, lookup.body).toBe(200);
    expect(lookup.json<ReceiptLookupView>()).toMatchObject({ status: 'expired', photoUrl: null });
  });

  it('goes RETENTION_DAYS after expiry whether it was used or not; orders under review never go', async () => {
    await at(180 + RETENTION_DAYS - 1);
    await kept(shenzhen, used, waiting);

    await at(180 + RETENTION_DAYS + 1);
    expect((await purged(shenzhen.id)).status).toBe('expired');
    expect((await purged(used.id)).status).toBe('used');
    expect((await purgeRows(used.id))[0]).toMatchObject({ details: { reason: 'receipt_ended', status: 'used', retentionDays: RETENTION_DAYS } });
    await kept(waiting);
    const stillWaiting = await getOrder(app, applicant, waiting.id);
    expect(stillWaiting).toMatchObject({ status: 'submitted', photoPurgedAt: null });
    expect((await app.inject({ method: 'GET', url: stillWaiting.photoUrl! })).statusCode).toBe(200);
  });
});

describe('the purge job', () => {
  it('is harmless run again: nothing more purged, one audit row per order', async () => {
    expect(await retention.purgeDue()).toEqual({ purged: 0, leftovers: 0 });
    expect(await retention.purgeDue()).toEqual({ purged: 0, leftovers: 0 });
    expect(await retention.hasDue()).toBe(false);
    for (const order of [haikou, shenzhen, used, touched]) expect((await purgeRows(order.id)).length, order.id).toBe(1);
    const jobs = await outbox.db.selectFrom('jobs').select(['status', 'last_error']).where('name', '=', PURGE_PHOTOS_JOB).execute();
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.filter((j) => j.status === 'failed' && j.last_error !== 'superseded by a newer job for the same subject')).toEqual([]);
  });

  it('finishes a run interrupted between the mark and the delete (files of a marked order go)', async () => {
    // As if the process died after committing the mark: the receipt image is still on disk.
    await store.put(haikou.id, haikou.receipt!.number, 'receipt', Buffer.from('left behind'));
    expect(await filesOf(haikou.id)).toEqual([`${haikou.receipt!.number}.receipt`]);
    await eventually('the leftover deleted by the sweep', () => gone(haikou.id));
    expect((await purgeRows(haikou.id)).length).toBe(1);
  });

  it('leaves alone a new upload to a purged order (stored before the commit that clears the mark)', async () => {
    // As if the owner's new photo were on disk while the upload's commit is still to come.
    await store.put(touched.id, 'newupload-0001', 'original', Buffer.from('a new photo'));
    expect(await retention.purgeDue()).toEqual({ purged: 0, leftovers: 0 });
    expect(await retention.hasDue()).toBe(false);
    // The app's own sweep (every 100 ms) leaves it too.
    await new Promise((r) => setTimeout(r, 300));
    expect(await filesOf(touched.id)).toEqual(['newupload-0001.original']);
    expect((await store.get(touched.id, 'newupload-0001', 'original'))!.toString()).toBe('a new photo');
  });
});
