/**
 * Personal data at rest, after a whole journey (applicant details changed before submitting,
 * review, receipt drawn, counter look-up and use, notifications written): the raw bytes of every
 * file in the data directory — the SQLite file, its WAL (where fresh rows live until a checkpoint)
 * and the photo store — hold no ID number, phone or birth date in the clear, neither while the
 * server runs nor after it closed; photos are sealed; staff access is in the audit log.
 * (api-lifecycle.test.ts checks the same for an order just filled in; this one covers the rest of
 * its life and the reasons the bytes are not there: the rows are encrypted, not missing.)
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicantBody, OrderView } from '../../shared/api';
import { idCheckChar } from '../../shared/identity';
import type { AppConfig } from '../src/config';
import { CryptoRepository } from '../src/repositories/crypto.repository';
import { OrderRepository } from '../src/repositories/order.repository';
import type { PhotoKind } from '../src/repositories/photo-store.repository';
import {
  acceptingProcessor,
  addApiKey,
  allFiles,
  auth,
  decide,
  getOrder,
  localCounter,
  localReviewer,
  login,
  openOutbox,
  readyOrder,
  submit,
  tempDataDir,
  testApp,
  testConfig,
  openTestStore,
  rawStoredObjects,
} from './support/api-harness';

/** An ID number whose check character is X (typed in lower case: the API normalises it). */
function idEndingInX(): string {
  for (let seq = 100; seq < 1000; seq++) {
    const first17 = `44010619850614${seq}`;
    if (idCheckChar(first17) === 'X') return `${first17}X`;
  }
  throw new Error('no X check character found');
}

const FIRST: ApplicantBody = { name: '欧阳娜娜', idNumber: `46010219921130456${idCheckChar('46010219921130456')}`, phone: '13698765432', consent: true };
const FINAL: ApplicantBody = { name: '欧阳娜娜', idNumber: idEndingInX().toLowerCase(), phone: '18611112222', consent: true };
/** How image files begin, and markers long enough (≥ 5 bytes) that sealed, random-looking bytes
 * practically never hold them by chance (a 3-byte JPEG marker does, in about one 100 KB file in 160). */
const IMAGE_SIGNATURES = [Buffer.from([0xff, 0xd8, 0xff]), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
const IMAGE_MARKERS = [
  IMAGE_SIGNATURES[1]!,
  Buffer.from('JFIF\0', 'latin1'),
  Buffer.from('Exif\0\0', 'latin1'),
  Buffer.from('\0\0\0\x0dIHDR', 'latin1'),
];
const SECRETS = [
  FIRST.idNumber,
  FINAL.idNumber.toUpperCase(),
  FINAL.idNumber,
  FIRST.phone,
  FINAL.phone,
  // The birth dates alone (YYYYMMDD inside the ID number).
  FIRST.idNumber.slice(6, 14),
  FINAL.idNumber.slice(6, 14),
];

const data = tempDataDir();
let config: AppConfig;
let app: FastifyInstance;
let order: OrderView;
let number: string;
let closed = false;

beforeAll(async () => {
  config = testConfig(data.dir);
  app = await testApp(config, { processor: acceptingProcessor() });
  const applicant = await login(app, '隐私测试');
  order = await readyOrder(app, applicant, { applicant: FIRST });
  // Changed before submitting: the first details must not survive in the clear either.
  const changed = await app.inject({ method: 'PUT', url: `/api/orders/${order.id}/applicant`, headers: auth(applicant), payload: FINAL });
  expect(changed.statusCode, changed.body).toBe(200);
  await submit(app, applicant, order.id, { subscriptions: { result: 'accept', expiry: 'accept' } });

  const reviewer = await localReviewer(app, data.dir);
  expect((await app.inject({ method: 'GET', url: `/api/review/${order.id}`, headers: auth(reviewer) })).statusCode).toBe(200);
  await decide(app, reviewer, order.id, 'approve');
  order = await getOrder(app, applicant, order.id);
  number = order.receipt!.number;
  expect((await app.inject({ method: 'GET', url: order.receiptUrl! })).statusCode).toBe(200);

  const counter = await localCounter(app, data.dir);
  const platform = await addApiKey(config, '办证平台');
  expect((await app.inject({ method: 'GET', url: `/api/receipts/${number}`, headers: auth(platform) })).statusCode).toBe(200);
  expect((await app.inject({ method: 'POST', url: `/api/receipts/${number}/use`, headers: auth(counter) })).statusCode).toBe(200);
  // The in-app notification list (written with the decision) is read too.
  expect((await app.inject({ method: 'GET', url: '/api/notifications', headers: auth(applicant) })).statusCode).toBe(200);
});
afterAll(async () => {
  if (!closed) await app?.close();
  data.remove();
});

/** Every file of the data directory, with the byte strings found in it. */
function scan(needles: string[]): { file: string; found: string[] }[] {
  return allFiles(data.dir).map((file) => {
    const bytes = readFileSync(file);
    return { file: path.relative(data.dir, file), found: needles.filter((n) => bytes.includes(Buffer.from(n, 'utf8'))) };
  });
}

function expectNoSecrets(): void {
  const files = scan(SECRETS);
  expect(files.map((f) => f.file)).toEqual(expect.arrayContaining(['app.db', 'local-staff.txt']));
  // Control: the scan does see the rows (the name and the image number are stored in the clear).
  const control = scan([FINAL.name, number]);
  expect(new Set(control.flatMap((f) => f.found))).toEqual(new Set([FINAL.name, number]));
  expect(files.filter((f) => f.found.length > 0)).toEqual([]);
}

describe('the data directory while the server runs', () => {
  it('has the recent rows in the WAL, and no ID number, phone or birth date in the clear in any file', () => {
    const wal = path.join(data.dir, 'app.db-wal');
    expect(existsSync(wal)).toBe(true);
    expect(statSync(wal).size).toBeGreaterThan(0);
    const [walScan] = scan([FINAL.name]).filter((f) => f.file === 'app.db-wal');
    expect(walScan!.found, 'the WAL holds the latest rows (control)').toEqual([FINAL.name]);
    expectNoSecrets();
  });

  it('stores the ID number and phone encrypted: the raw columns open only with the key, bound to the order', async () => {
    const db = new Database(path.join(data.dir, 'app.db'), { readonly: true });
    let row: { applicant_id_number: string; applicant_phone: string; applicant_name: string };
    try {
      row = db.prepare('select applicant_id_number, applicant_phone, applicant_name from orders where id = ?').get(order.id) as typeof row;
    } finally {
      db.close();
    }
    expect(row.applicant_name).toBe(FINAL.name);
    expect(row.applicant_id_number).not.toContain(FINAL.idNumber.toUpperCase().slice(0, 6));
    const crypto = new CryptoRepository(config.encryptionKey);
    expect(crypto.openText(row.applicant_id_number, `order:${order.id}:id_number`)).toBe(FINAL.idNumber.toUpperCase());
    expect(crypto.openText(row.applicant_phone, `order:${order.id}:phone`)).toBe(FINAL.phone);
    // Moved to another order's row, the ciphertext does not open.
    expect(() => crypto.openText(row.applicant_id_number, `order:someoneelse:id_number`)).toThrow();
  });

  it('keeps photos and receipt images sealed: no JPEG, PNG or EXIF bytes in the photo store', async () => {
    // The files under <dataDir>/photos, or the objects in the bucket when the suite runs on S3.
    const stored = await rawStoredObjects(config);
    expect(stored.map((f) => path.extname(f.name)).sort()).toEqual(['.photo', '.receipt']);
    const store = await openTestStore(config);
    for (const { name, bytes: sealed } of stored) {
      for (const secret of SECRETS) expect(sealed.includes(Buffer.from(secret, 'utf8')), `${name} holds ${secret}`).toBe(false);
      expect(IMAGE_SIGNATURES.some((sig) => sealed.subarray(0, sig.length).equals(sig)), `${name} starts like an image`).toBe(false);
      expect(IMAGE_MARKERS.filter((m) => sealed.includes(m)).map((m) => m.toString('latin1')), `${name} holds image markers`).toEqual([]);
      // Control: opened with the key, the same file is an image the checks above would have caught.
      const [orderId, base] = name.split('/') as [string, string];
      const kind = path.extname(base).slice(1) as PhotoKind;
      const opened = (await store.get(orderId, path.basename(base, `.${kind}`), kind))!;
      expect(IMAGE_SIGNATURES.some((sig) => opened.subarray(0, sig.length).equals(sig)), `${name} opens to an image`).toBe(true);
      expect(IMAGE_MARKERS.some((m) => opened.includes(m)), `${name} opens to bytes with an image marker`).toBe(true);
    }
    await store.close();
  });

  it('audits every staff access to the order: who, what, when', async () => {
    const outbox = await openOutbox(config);
    try {
      const log = await new OrderRepository(outbox.db, new CryptoRepository(config.encryptionKey)).auditLog({ orderId: order.id });
      const staff = log.filter((a) => a.actorType !== 'system');
      expect(staff.map((a) => [a.actorType, a.actorName, a.action])).toEqual([
        ['staff', 'reviewer', 'review.view'],
        ['staff', 'reviewer', 'review.claim'],
        ['staff', 'reviewer', 'review.approve'],
        ['api_key', '办证平台', 'receipt.lookup'],
        ['staff', 'counter', 'receipt.use'],
      ]);
      for (const entry of staff) {
        expect(entry.actorId).toBeTruthy();
        expect(Date.parse(entry.at)).not.toBeNaN();
      }
      expect(staff.slice(2).every((a) => a.receiptNumber === number)).toBe(true);
      // The log itself holds no personal data.
      for (const secret of SECRETS) expect(JSON.stringify(log)).not.toContain(secret);
    } finally {
      await outbox.close();
    }
  });
});

describe('the data directory after the server closed', () => {
  it('still holds none of them once the WAL is checkpointed into app.db', async () => {
    closed = true;
    await app.close();
    expect(existsSync(path.join(data.dir, 'app.db-wal'))).toBe(false);
    expectNoSecrets();
  });
});
