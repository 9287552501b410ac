/**
 * The applicant's journey through the API with the real engine (one worker), real SQLite and
 * real photos: create → upload → processed → applicant → submit, and a retake in the same order.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogView, OrderView } from '../../shared/api';
import { idCheckChar } from '../../shared/identity';
import { PhotoPool } from '../src/photo/pool';
import {
  TEST_ENGINE,
  databaseRowsAsText,
  allFiles,
  auth,
  createOrder,
  fixture,
  getOrder,
  jpegMarkers,
  login,
  rawStoredFiles,
  rawStoredObjects,
  statuses,
  tempDataDir,
  testApp,
  testConfig,
  uploadPhoto,
  waitUntilProcessed,
} from './support/api-harness';

const ID_NUMBER = `44030519900307123${idCheckChar('44030519900307123')}`;
const PHONE = '13912345678';
const NAME = '张三丰';

const data = tempDataDir();
const pool = new PhotoPool({ size: 1 });
let app: FastifyInstance;
const config = testConfig(data.dir);

beforeAll(async () => {
  app = await testApp(config, { processor: pool });
});
afterAll(async () => {
  await app?.close();
  await pool.close();
  data.remove();
});

describe('an order from login to submission', () => {
  let token: string;
  let order: OrderView;

  it('lists certificates with their receipt group and the cities that use them', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/catalog' });
    expect(res.statusCode).toBe(200);
    const catalog = res.json<CatalogView>();
    const resident = catalog.certificates.find((c) => c.code === 'resident_id')!;
    expect(resident).toMatchObject({ group: 'A', width: 358, height: 441 });
    expect(catalog.cities.length).toBeGreaterThan(360); // every city of the country
    const haikou = catalog.cities.find((c) => c.code === '4601')!;
    // Haikou uses receipts only for ID-type certificates.
    expect(haikou.certificates).toContain('resident_id');
    expect(haikou.certificates).not.toContain('passport');
    expect(catalog.cities.find((c) => c.code === '4403')).toMatchObject({ name: '深圳市', province: '广东省', validityDays: 180, singleUse: true });
    expect(catalog.cities.find((c) => c.code === '1101')).toMatchObject({ name: '北京市', validityDays: 30, singleUse: false });
  });

  it('creates a draft order for a supported city', async () => {
    token = await login(app, '小明');
    order = await createOrder(app, token, 'resident_id', '4403');
    expect(order.id).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(order).toMatchObject({ status: 'draft', certType: 'resident_id', cityCode: '4403', report: null, photoUrl: null, applicant: null });
    expect(statuses(order)).toEqual([[null, 'draft']]);
  });

  it('accepts a photo, answers 202 processing, and the job makes it ready with a report and photo', async () => {
    const res = await uploadPhoto(app, token, order.id, fixture('deepface-img3.jpg'));
    expect(res.statusCode).toBe(202);
    expect(res.json<OrderView>().status).toBe('processing');

    order = await waitUntilProcessed(app, token, order.id);
    expect(order.status).toBe('ready');
    expect(order.report).toMatchObject({ ok: true, cert: 'resident_id', failures: [] });
    expect(order.photoUrl).toMatch(new RegExp(`^/api/orders/${order.id}/photo\\.jpg\\?exp=\\d+&sig=[A-Za-z0-9_-]+$`));
  });

  it('serves the processed photo through the signed URL as a JPEG without EXIF, never cached', async () => {
    const res = await app.inject({ method: 'GET', url: order.photoUrl! });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['cache-control']).toBe('private, no-store');
    const jpeg = res.rawPayload;
    expect(jpeg.length).toBeGreaterThanOrEqual(14 * 1024);
    const markers = jpegMarkers(jpeg);
    expect(markers).toContain(0xe0); // JFIF
    expect(markers).not.toContain(0xe1); // EXIF / XMP
    // The owner's token works without a signature too.
    const byToken = await app.inject({ method: 'GET', url: `/api/orders/${order.id}/photo.jpg`, headers: auth(token) });
    expect(byToken.statusCode).toBe(200);
    expect(byToken.rawPayload.equals(jpeg)).toBe(true);
  });

  it('keeps no original once processed, and stores the photo encrypted', async () => {
    // Files under <dataDir>/photos, or objects in the bucket when the suite runs on S3.
    const files = await rawStoredFiles(config, order.id);
    expect(files.map((f) => f.name.split('.').pop())).toEqual(['photo']);
    expect(files[0]!.bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
  });

  it('takes the applicant and answers with masked values only', async () => {
    const res = await app.inject({
      method: 'PUT',
      url: `/api/orders/${order.id}/applicant`,
      headers: auth(token),
      payload: { name: NAME, idNumber: ID_NUMBER.toLowerCase(), phone: PHONE, consent: true },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(ID_NUMBER);
    expect(res.body).not.toContain(PHONE);
    const applicant = res.json<OrderView>().applicant!;
    expect(applicant.name).toBe(NAME);
    expect(applicant.idNumber).toBe(`4403**********${ID_NUMBER.slice(-4)}`);
    expect(applicant.phone).toBe('139****5678');
    expect(Date.parse(applicant.consentAt)).not.toBeNaN();
  });

  it('submits, and the history lists every transition in order', async () => {
    const res = await app.inject({ method: 'POST', url: `/api/orders/${order.id}/submit`, headers: auth(token) });
    expect(res.statusCode).toBe(200);
    order = res.json<OrderView>();
    expect(order.status).toBe('submitted');
    expect(order.history.map((h) => [h.from, h.to, h.event, h.actor])).toEqual([
      [null, 'draft', 'create', 'applicant'],
      ['draft', 'processing', 'upload_photo', 'applicant'],
      ['processing', 'ready', 'photo_accepted', 'system'],
      ['ready', 'submitted', 'submit', 'applicant'],
    ]);
    for (const h of order.history) expect(Date.parse(h.at)).not.toBeNaN();
  });

  it('refuses applicant changes once submitted', async () => {
    const res = await app.inject({
      method: 'PUT',
      url: `/api/orders/${order.id}/applicant`,
      headers: auth(token),
      payload: { name: NAME, idNumber: ID_NUMBER, phone: PHONE, consent: true },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('WRONG_STATUS');
  });

  it('lists the caller’s orders newest first, filtered by status', async () => {
    const second = await createOrder(app, token, 'passport', '4401');
    const all = await app.inject({ method: 'GET', url: '/api/orders', headers: auth(token) });
    expect(all.json<OrderView[]>().map((o) => o.id)).toEqual([second.id, order.id]);
    const drafts = await app.inject({ method: 'GET', url: '/api/orders?status=draft,ready', headers: auth(token) });
    expect(drafts.json<OrderView[]>().map((o) => o.id)).toEqual([second.id]);
    const other = await login(app, '别人');
    const theirs = await app.inject({ method: 'GET', url: '/api/orders', headers: auth(other) });
    expect(theirs.json()).toEqual([]);
  });

  it('keeps the ID number and phone out of the database and photo store in plaintext', async () => {
    const files = allFiles(data.dir);
    if (TEST_ENGINE === 'sqlite') expect(files.some((f) => f.endsWith('app.db'))).toBe(true);
    const inBucket = config.storage.kind === 's3' ? (await rawStoredObjects(config)).map((o) => o.bytes) : [];
    if (config.storage.kind === 's3') expect(inBucket.length).toBeGreaterThan(0);
    // On PostgreSQL the database is not in the data directory: every row of it, as text.
    const bytes = [...files.map((f) => readFileSync(f)), ...inBucket, ...(await databaseRowsAsText(config))];
    // Control: the name is stored in the clear, so the scan does see the rows.
    expect(bytes.some((b) => b.includes(Buffer.from(NAME)))).toBe(true);
    for (const secret of [ID_NUMBER, PHONE, ID_NUMBER.slice(6, 14)]) {
      expect(bytes.filter((b) => b.includes(Buffer.from(secret))), secret).toEqual([]);
    }
  });
});

describe('a photo that fails a check', () => {
  it('goes to needs_retake with the reasons, and a retake in the same order becomes ready', async () => {
    const token = await login(app, '小红');
    const { id } = await createOrder(app, token, 'residence_permit', '4401');

    expect((await uploadPhoto(app, token, id, fixture('deepface-couple.jpg'))).statusCode).toBe(202);
    let order = await waitUntilProcessed(app, token, id);
    expect(order.status).toBe('needs_retake');
    expect(order.report!.ok).toBe(false);
    expect(order.report!.failures).toContain('MULTIPLE_FACES');
    expect(order.photoUrl).toBeNull();

    const submit = await app.inject({ method: 'POST', url: `/api/orders/${id}/submit`, headers: auth(token) });
    expect(submit.json().code).toBe('WRONG_STATUS');

    // The retake arrives by POST, as the mini-program's wx.uploadFile sends it.
    expect((await uploadPhoto(app, token, id, fixture('hivision-test0.jpg'), 'photo', 'POST')).statusCode).toBe(202);
    // While processing, the previous report is gone.
    expect((await getOrder(app, token, id)).report).toBeNull();
    order = await waitUntilProcessed(app, token, id);
    expect(order.status).toBe('ready');
    expect(order.report!.ok).toBe(true);
    expect(order.photoUrl).not.toBeNull();
    expect(order.history.map((h) => h.event)).toEqual(['create', 'upload_photo', 'photo_rejected', 'upload_photo', 'photo_accepted']);
  });
});
