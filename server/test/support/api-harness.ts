/**
 * Helpers for the API tests: a temp data directory, the app built on it, login, multipart bodies
 * and waiting for the photo job.
 *
 * The back end: SQLite in the data directory by default; with TEST_DATABASE_URL (scripts/test.sh
 * sets it for its second run of the server suites) every `testConfig` gets a fresh PostgreSQL
 * database of its own on that server, so the same tests run against both engines.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { API_ERRORS, type ApiErrorBody, type ApiErrorCode, type ApplicantBody, type OrderView, type RejectReason, type SubmitBody } from '../../../shared/api';
import type { CertCode } from '../../../shared/certificates';
import { idCheckChar } from '../../../shared/identity';
import type { OrderStatus } from '../../../shared/order-machine';
import type { PhotoReport } from '../../../shared/photo-report';
import { buildApp, type AppDeps } from '../../src/app';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { RATE_LIMIT_NAMES, loadStorageConfig, loadWeChatConfig, type AppConfig, type RateLimits, type StorageConfig, type WeChatConfig } from '../../src/config';
import { openPhotoStore } from '../../src/app';
import { CryptoRepository } from '../../src/repositories/crypto.repository';
import type { PhotoStoreRepository } from '../../src/repositories/photo-store.repository';
import { s3Client } from '../../src/repositories/s3-photo-store.repository';
import type { Clock } from '../../src/repositories/clock.repository';
import { LocalStaffFile } from '../../src/repositories/local-staff.repository';
import { startStandin, type WeChatStandin } from '../../src/wechat/standin';
import type { PhotoProcessor } from '../../src/services/photo-processing.service';

export function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zphz-api-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The TEST_S3_* settings scripts/services/s3.sh exports, as the server's S3_* would be. */
export function testS3Env(prefix?: string): Record<string, string> | null {
  const env = process.env;
  if (!env.TEST_S3_ENDPOINT) return null;
  return {
    S3_ENDPOINT: env.TEST_S3_ENDPOINT,
    S3_BUCKET: env.TEST_S3_BUCKET ?? '',
    S3_REGION: env.TEST_S3_REGION ?? '',
    S3_ACCESS_KEY_ID: env.TEST_S3_ACCESS_KEY_ID ?? '',
    S3_SECRET_ACCESS_KEY: env.TEST_S3_SECRET_ACCESS_KEY ?? '',
    S3_FORCE_PATH_STYLE: 'true',
    ...(prefix ? { S3_PREFIX: prefix } : {}),
  };
}

/**
 * An S3 server of the test's own (the same @20minutes/s3rver scripts/services/s3.sh runs), in
 * this process: for the store contract on S3 in every run, and for tests that stop the storage.
 */
export async function startTestS3(bucket = 'zphz-own'): Promise<{ env: Record<string, string>; port: number; close: () => Promise<void> }> {
  const { default: S3rver } = await import('@20minutes/s3rver');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zphz-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true, allowMismatchedSignatures: true, configureBuckets: [{ name: bucket, configs: [] }] });
  const { port } = await server.run();
  let closed = false;
  return {
    port,
    env: {
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_BUCKET: bucket,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: 'true',
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Where the API suites keep photos: the S3 test server when TEST_S3_* is set (a fresh key
 * prefix per test app, so apps never see each other's objects), else files in the data dir. */
export function testStorage(): StorageConfig {
  const env = testS3Env(`test-${randomBytes(6).toString('hex')}/`);
  return env ? loadStorageConfig(env) : { kind: 'files' };
}

/** A second handle on an app's photo store, opened as the app opens it. */
export function openTestStore(config: AppConfig): Promise<PhotoStoreRepository> {
  return openPhotoStore(config, new CryptoRepository(config.encryptionKey));
}

/** The names stored for an order (`<key>.<kind>`, temporary ones too), sorted; [] when none. */
export async function storedNames(config: AppConfig, orderId: string): Promise<string[]> {
  const store = await openTestStore(config);
  try {
    return (await store.files(orderId)).map((f) => f.name).sort();
  } finally {
    await store.close();
  }
}

/** The files stored for an order (name, kind, key, mtimeMs), as the store lists them. */
export async function storedFiles(config: AppConfig, orderId: string) {
  const store = await openTestStore(config);
  try {
    return await store.files(orderId);
  } finally {
    await store.close();
  }
}

/** The raw bytes at rest of one order's files, `<key>.<kind>` → bytes. */
export async function rawStoredFiles(config: AppConfig, orderId: string): Promise<{ name: string; bytes: Buffer }[]> {
  return (await rawStoredObjects(config))
    .filter((o) => o.name.startsWith(`${orderId}/`))
    .map((o) => ({ name: o.name.slice(orderId.length + 1), bytes: o.bytes }));
}

/** The raw bytes at rest of everything in the photo store — files on disk, or the objects in
 * the bucket under the app's prefix — named `<orderId>/<key>.<kind>`. */
export async function rawStoredObjects(config: AppConfig): Promise<{ name: string; bytes: Buffer }[]> {
  const storage = config.storage;
  if (storage.kind === 'files') {
    const root = path.join(config.dataDir, 'photos');
    let files: string[] = [];
    try {
      files = allFiles(root);
    } catch {
      return [];
    }
    return files.map((f) => ({ name: path.relative(root, f).split(path.sep).join('/'), bytes: readFileSync(f) }));
  }
  const client = s3Client(storage);
  try {
    const out: { name: string; bytes: Buffer }[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: storage.bucket, Prefix: storage.prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        const res = await client.send(new GetObjectCommand({ Bucket: storage.bucket, Key: object.Key! }));
        out.push({ name: object.Key!.slice(storage.prefix.length), bytes: Buffer.from(await res.Body!.transformToByteArray()) });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => a.name.localeCompare(b.name));
  } finally {
    client.destroy();
  }
}

/** Every rate limit far above what a test does. */
export function unlimitedRates(): RateLimits {
  return Object.fromEntries(RATE_LIMIT_NAMES.map((name) => [name, { max: 1_000_000, windowMs: 60_000 }])) as RateLimits;
}

/** The engine the tests run on (TEST_DATABASE_URL set: PostgreSQL). */
export const TEST_ENGINE: 'sqlite' | 'postgres' = process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite';

/** Databases named by testConfig and not created yet (created on first use, see ensureTestDatabase). */
const pendingDatabases = new Set<string>();

/** A new database URL on TEST_DATABASE_URL's server (created when first opened); null on SQLite. */
export function freshTestDatabaseUrl(): string | null {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return null;
  const url = new URL(base);
  url.pathname = `/t_${randomBytes(6).toString('hex')}`;
  pendingDatabases.add(url.toString());
  return url.toString();
}

/** Creates the database a testConfig named, once (a no-op on SQLite and the second time). */
export async function ensureTestDatabase(config: Pick<AppConfig, 'databaseUrl'>): Promise<void> {
  const url = config.databaseUrl;
  if (!url || !pendingDatabases.has(url)) return;
  pendingDatabases.delete(url);
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${new URL(url).pathname.slice(1)}"`);
  } finally {
    await admin.end();
  }
}

/** buildApp on a test config: creates the config's PostgreSQL database first when it has one. */
export async function buildTestApp(deps: AppDeps): Promise<FastifyInstance> {
  await ensureTestDatabase(deps.config);
  return buildApp(deps);
}

/** openDatabase on a test config (its engine, its database). */
export async function openTestDatabase(config: AppConfig) {
  const { openDatabase } = await import('../../src/db/database');
  await ensureTestDatabase(config);
  return openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, poolMax: 2 });
}

/** PostgreSQL: every row of every table of the config's database, one buffer per table (what a
 * leaked dump would hold). SQLite: none (its rows are in `<dataDir>/app.db`, a file). */
export async function databaseRowsAsText(config: AppConfig): Promise<Buffer[]> {
  if (!config.databaseUrl) return [];
  const { sql } = await import('kysely');
  const db = await openTestDatabase(config);
  try {
    const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(db);
    const out: Buffer[] = [];
    for (const { name } of tables.rows) {
      const rows = await sql<{ row: string }>`select t::text as row from ${sql.table(name)} t`.execute(db);
      out.push(Buffer.from(rows.rows.map((r) => r.row).join('\n')));
    }
    return out;
  } finally {
    await db.destroy();
  }
}

export function testConfig(dataDir: string, overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    databaseUrl: freshTestDatabaseUrl(),
    port: 0,
    host: '127.0.0.1',
    dataDir,
    // Stand-in mode pointing at a port nothing listens on; WeChat tests pass a running stand-in.
    wechat: loadWeChatConfig({}, 0, '127.0.0.1'),
    encryptionKey: randomBytes(32),
    photoRetentionDays: 30,
    sessionDays: 30,
    // Tests move their clocks by months (sessionDays: 365 where they do); staff sessions outlast
    // those jumps here (permissions.test.ts checks real lifetimes).
    staffSessionHours: 400 * 24,
    // Tests sign in and upload from one address far more often than a person would;
    // abuse-limits.test.ts checks the real limits.
    rateLimits: unlimitedRates(),
    corsOrigins: [],
    bodyLimitBytes: 64 * 1024,
    trustProxy: false,
    poolSize: 1,
    jobPollMs: 50,
    h5Dir: path.join(dataDir, 'no-h5-build'),
    storage: testStorage(),
    metricsToken: null,
    ...overrides,
  };
}

export async function testApp(config: AppConfig, deps: Omit<AppDeps, 'config'> = {}): Promise<FastifyInstance> {
  const app = await buildTestApp({ config, jobs: { retryBaseMs: 20 }, ...deps });
  await app.ready();
  return app;
}

export function fixture(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/photos/${name}`, import.meta.url));
}

export async function login(app: FastifyInstance, nickname = '测试用户'): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/local-login', payload: { nickname } });
  expect(res.statusCode).toBe(200);
  return res.json<{ token: string }>().token;
}

export function auth(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** POST `url` as `token` (none: anonymous), with a JSON body when given. */
export function post(app: FastifyInstance, url: string, token?: string | null, payload?: object) {
  return app.inject({ method: 'POST', url, ...(token ? { headers: auth(token) } : {}), ...(payload ? { payload } : {}) });
}

/** GET `url` as `token` (none: anonymous). */
export function get(app: FastifyInstance, url: string, token?: string | null) {
  return app.inject({ method: 'GET', url, ...(token ? { headers: auth(token) } : {}) });
}

/** An error answer: JSON with the status, the code and that code's message from API_ERRORS. */
export function expectError(res: { statusCode: number; body: string; headers: Record<string, unknown> }, status: number, code: ApiErrorCode): ApiErrorBody {
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  const body = JSON.parse(res.body) as ApiErrorBody;
  expect({ status: res.statusCode, code: body.code, message: body.message }, res.body.slice(0, 300)).toEqual({ status, code, message: API_ERRORS[code] });
  return body;
}

export async function createOrder(app: FastifyInstance, token: string, certType: CertCode = 'resident_id', cityCode = '4403'): Promise<OrderView> {
  const res = await app.inject({ method: 'POST', url: '/api/orders', headers: auth(token), payload: { certType, cityCode } });
  expect(res.statusCode).toBe(201);
  return res.json<OrderView>();
}

/** A multipart/form-data body with one file part. */
export function multipart(field: string, bytes: Buffer, filename = 'photo.jpg', type = 'image/jpeg') {
  const boundary = `----zphz${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, bytes, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** PUT is the API's method; the mini-program's wx.uploadFile can only POST. */
export async function uploadPhoto(app: FastifyInstance, token: string, orderId: string, bytes: Buffer, field = 'photo', method: 'PUT' | 'POST' = 'PUT') {
  const body = multipart(field, bytes);
  return app.inject({ method, url: `/api/orders/${orderId}/photo`, headers: { ...auth(token), ...body.headers }, payload: body.payload });
}

export async function getOrder(app: FastifyInstance, token: string, orderId: string): Promise<OrderView> {
  const res = await app.inject({ method: 'GET', url: `/api/orders/${orderId}`, headers: auth(token) });
  expect(res.statusCode).toBe(200);
  return res.json<OrderView>();
}

/** Polls the order until it leaves `processing`. */
export async function waitUntilProcessed(app: FastifyInstance, token: string, orderId: string, timeoutMs = 45_000): Promise<OrderView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const order = await getOrder(app, token, orderId);
    if (order.status !== 'processing') return order;
    if (Date.now() > deadline) throw new Error(`order ${orderId} still processing after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function statuses(order: OrderView): (OrderStatus | null)[][] {
  return order.history.map((h) => [h.from, h.to]);
}

/** Every file under a directory, recursively. */
export function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? allFiles(full) : [full];
  });
}

/** JPEG segment markers up to the start of scan (APP1 = 0xe1 holds EXIF/XMP). */
export function jpegMarkers(jpeg: Buffer): number[] {
  expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  const markers: number[] = [];
  let i = 2;
  while (i + 4 <= jpeg.length) {
    if (jpeg[i] !== 0xff) throw new Error(`bad JPEG segment at ${i}`);
    const marker = jpeg[i + 1]!;
    markers.push(marker);
    if (marker === 0xda) break;
    i += 2 + jpeg.readUInt16BE(i + 2);
  }
  return markers;
}

export function fakeReport(cert: CertCode, ok: boolean): PhotoReport {
  return { ok, cert, failures: ok ? [] : ['NO_FACE'], warnings: [], checks: [], output: null, geometry: null, timingsMs: {} };
}

/** A stand-in engine: answers with a canned result (or whatever `run` does) without workers. */
export function fakeProcessor(
  run: (input: Buffer, cert: CertCode) => Promise<{ report: PhotoReport; jpeg: Buffer | null }>,
): PhotoProcessor & { calls: number } {
  const fake = {
    size: 1,
    calls: 0,
    async process(input: Buffer, cert: CertCode) {
      fake.calls++;
      return run(input, cert);
    },
    async close() {},
  };
  return fake;
}

/** A clock a test moves by setting `offsetMs` (jump to a week before expiry, back to now with 0). */
export class MovableClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

// ---- issue 4: staff, review, receipts ----

/** The admin CLI's StaffService on its own connection to the app's database. */
async function withStaffService<T>(config: AppConfig, fn: (staff: import('../../src/services/staff.service').StaffService) => Promise<T>): Promise<T> {
  const { CryptoRepository } = await import('../../src/repositories/crypto.repository');
  const { UserRepository } = await import('../../src/repositories/user.repository');
  const { StaffService } = await import('../../src/services/staff.service');
  const { systemClock } = await import('../../src/repositories/clock.repository');
  const db = await openTestDatabase(config);
  try {
    return await fn(new StaffService({ users: new UserRepository(db), crypto: new CryptoRepository(config.encryptionKey), clock: systemClock }));
  } finally {
    await db.destroy();
  }
}

/** Creates a staff account straight in the app's database (as the admin CLI does); returns its password. */
export function addStaff(config: AppConfig, role: 'reviewer' | 'counter' | 'admin', name: string): Promise<string> {
  return withStaffService(config, async (staff) => {
    const password = await staff.addUser(role, name);
    if (!password) throw new Error(`staff ${name} exists`);
    return password;
  });
}

export function addApiKey(config: AppConfig, name: string): Promise<string> {
  return withStaffService(config, (staff) => staff.addKey(name));
}

export async function staffLogin(app: FastifyInstance, username: string, password: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/staff-login', payload: { username, password } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ token: string }>().token;
}

/** The local-mode demo accounts seeded at start (`<dataDir>/local-staff.txt`). */
export function localStaffPassword(dataDir: string, username: 'reviewer' | 'counter'): string {
  const password = new LocalStaffFile(dataDir).read()[username];
  if (!password) throw new Error(`no local ${username}`);
  return password;
}

/** A processor that accepts every photo and hands the input back as the "processed" JPEG. */
export function acceptingProcessor() {
  return fakeProcessor(async (input, cert) => ({ report: fakeReport(cert, true), jpeg: input }));
}

export const TEST_APPLICANT = { name: '张三丰', idNumber: `44030519900307123${idCheckChar('44030519900307123')}`, phone: '13912345678', consent: true as const };

/** An order in `ready` with its applicant filled in (needs a processor that accepts the photo). */
export async function readyOrder(
  app: FastifyInstance,
  token: string,
  { cityCode = '4403', certType = 'resident_id' as CertCode, photo = 'deepface-img3.jpg', applicant = TEST_APPLICANT as ApplicantBody } = {},
): Promise<OrderView> {
  const order = await createOrder(app, token, certType, cityCode);
  expect((await uploadPhoto(app, token, order.id, fixture(photo))).statusCode).toBe(202);
  const ready = await waitUntilProcessed(app, token, order.id);
  expect(ready.status).toBe('ready');
  const res = await app.inject({ method: 'PUT', url: `/api/orders/${order.id}/applicant`, headers: auth(token), payload: applicant });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<OrderView>();
}

/** POST /api/orders/:id/submit, with the answers to requestSubscribeMessage when given. */
export async function submit(app: FastifyInstance, token: string, orderId: string, body?: SubmitBody): Promise<OrderView> {
  const res = await app.inject({ method: 'POST', url: `/api/orders/${orderId}/submit`, headers: auth(token), ...(body ? { payload: body } : {}) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<OrderView>();
}

/** An order in `submitted` (needs a processor that accepts the photo). */
export async function submittedOrder(app: FastifyInstance, token: string, cityCode = '4403', certType: CertCode = 'resident_id', photo = 'deepface-img3.jpg'): Promise<OrderView> {
  const order = await readyOrder(app, token, { cityCode, certType, photo });
  return submit(app, token, order.id);
}

/** An order submitted by `token` and claimed by `reviewerToken` (theirs to decide; the view is from before the claim). */
export async function claimedOrder(app: FastifyInstance, token: string, reviewerToken: string): Promise<OrderView> {
  const order = await submittedOrder(app, token);
  const res = await post(app, `/api/review/${order.id}/claim`, reviewerToken);
  expect(res.statusCode, res.body).toBe(200);
  return order;
}

/** An order submitted by `token` and approved by `reviewerToken`, as its owner sees it (receipt included). */
export async function approvedOrder(app: FastifyInstance, token: string, reviewerToken: string, cityCode = '4403'): Promise<OrderView> {
  const order = await submittedOrder(app, token, cityCode);
  await decide(app, reviewerToken, order.id, 'approve');
  return getOrder(app, token, order.id);
}

// ---- issue 5: WeChat ----

/** A WeChat stand-in on a free port with the app id and secret the server has in stand-in mode. */
export async function startTestStandin(publicUrl = 'http://127.0.0.1:9'): Promise<WeChatStandin> {
  const { appid, secret } = loadWeChatConfig({}, 0, '127.0.0.1');
  return startStandin({ port: 0, appid, secret, publicUrl });
}

/** The server's WeChat settings pointed at a running stand-in (started with the same appid/secret). */
export function standinWeChat(standin: { url: string }, overrides: Partial<WeChatConfig> = {}): WeChatConfig {
  return { ...loadWeChatConfig({}, 0, '127.0.0.1'), apiBase: standin.url, timeoutMs: 1000, ...overrides };
}

/** Signs in through POST /api/auth/wechat (the stand-in maps `alice.N` codes to one openid). */
export async function wechatLogin(app: FastifyInstance, code: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/wechat', payload: { code } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ token: string }>().token;
}

// ---- issue 5: notifications ----

/** A reviewer claims the order and approves it, or rejects it with reasons and a note. */
export async function decide(
  app: FastifyInstance,
  reviewerToken: string,
  orderId: string,
  decision: 'approve' | { reasons: RejectReason[]; note?: string },
): Promise<void> {
  const claim = await app.inject({ method: 'POST', url: `/api/review/${orderId}/claim`, headers: auth(reviewerToken) });
  expect(claim.statusCode, claim.body).toBe(200);
  const res =
    decision === 'approve'
      ? await app.inject({ method: 'POST', url: `/api/review/${orderId}/approve`, headers: auth(reviewerToken) })
      : await app.inject({ method: 'POST', url: `/api/review/${orderId}/reject`, headers: auth(reviewerToken), payload: decision });
  expect(res.statusCode, res.body).toBe(200);
}

/** The seeded local reviewer (local mode), signed in. */
export function localReviewer(app: FastifyInstance, dataDir: string): Promise<string> {
  return staffLogin(app, 'reviewer', localStaffPassword(dataDir, 'reviewer'));
}

/** The seeded local counter clerk (local mode), signed in. */
export function localCounter(app: FastifyInstance, dataDir: string): Promise<string> {
  return staffLogin(app, 'counter', localStaffPassword(dataDir, 'counter'));
}

/** A second connection to an app's database, to look at (or, for a crash, tamper with) the outbox. */
export async function openOutbox(config: AppConfig) {
  const { NotificationRepository } = await import('../../src/repositories/notification.repository');
  const db = await openTestDatabase(config);
  return { db, notifications: new NotificationRepository(db), close: () => db.destroy() };
}

/** Polls until `check` answers something truthy; fails with `what` after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`still waiting after ${timeoutMs} ms for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
