/**
 * 办证资格自测 through the API with real SQLite: POST /api/eligibility/shenzhen-residence answers
 * the shared evaluator's verdict to anyone, with or without a token, stores nothing and logs none
 * of the dates; its validation failures name each field in Chinese. An order made from the
 * self-check (Shenzhen 居住证 only) keeps the routes and talent kind, shows them in every view
 * and still has them after a restart.
 */
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView, ReviewOrderView } from '../../shared/api';
import { evaluateShenzhenResidence, monthsBetween, type EligibilityVerdict, type OrderEligibility } from '../../shared/eligibility';
import type { AppConfig } from '../src/config';
import { databaseFile } from '../src/db/database';
import {
  TEST_ENGINE,
  acceptingProcessor,
  auth,
  createOrder,
  expectError,
  fixture,
  getOrder,
  localReviewer,
  login,
  openOutbox,
  submit,
  TEST_APPLICANT,
  tempDataDir,
  testApp,
  testConfig,
  uploadPhoto,
  waitUntilProcessed,
} from './support/api-harness';

const URL = '/api/eligibility/shenzhen-residence';

/** Registered since March 2024, social insurance every month from June 2024 to May 2025. */
const ELIGIBLE = {
  applicationDate: '2025-06-15',
  residenceRegistrations: [{ from: '2024-03-01' }],
  socialInsuranceMonths: monthsBetween('2024-06', '2025-05'),
};

/** Registered since 2025-01-10 (5 months), six months of social insurance. */
const TOO_SOON = {
  applicationDate: '2025-06-15',
  residenceRegistrations: [{ from: '2025-01-10' }],
  socialInsuranceMonths: monthsBetween('2024-12', '2025-05'),
};

const data = tempDataDir();
/** Every log line the app wrote (level trace: fastify's request logs included). */
const logLines: string[] = [];
let config: AppConfig;
let app: FastifyInstance;
let applicant: string;
let reviewer: string;

beforeAll(async () => {
  config = testConfig(data.dir);
  app = await testApp(config, {
    processor: acceptingProcessor(),
    logger: { level: 'trace', stream: { write: (line: string) => void logLines.push(line) } },
  });
  applicant = await login(app, '自测的人');
  reviewer = await localReviewer(app, data.dir);
});
afterAll(async () => {
  await app?.close();
  data.remove();
});

function check(payload: unknown, token?: string) {
  return app.inject({ method: 'POST', url: URL, ...(token ? { headers: auth(token) } : {}), payload: payload as object });
}

function expectValidation(res: { statusCode: number; body: string; headers: Record<string, unknown> }): Record<string, string> {
  const body = expectError(res, 400, 'VALIDATION_FAILED');
  for (const message of Object.values(body.fields ?? {})) expect(message).toMatch(/[\u4e00-\u9fa5]/);
  return body.fields!;
}

describe('POST /api/eligibility/shenzhen-residence', () => {
  it('12 months of registration and 12 of social insurance: eligible by the social-insurance route', async () => {
    const res = await check(ELIGIBLE);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    const verdict = res.json<EligibilityVerdict>();
    expect(verdict).toMatchObject({ eligible: true, routes: ['social_insurance'] });
    expect(verdict.earliestDate).toBeUndefined();
    // The other routes are reported as not met, not hidden.
    expect(verdict.unmet.map((u) => [u.route, u.reason])).toEqual([
      ['talent', 'no_talent_condition'],
      ['student', 'not_student'],
    ]);
    // Exactly the evaluator's verdict, nothing added or dropped.
    expect(verdict).toEqual(evaluateShenzhenResidence(ELIGIBLE));
  });

  it('too soon: not eligible, what is missing route by route, and the exact day it will be', async () => {
    const res = await check(TOO_SOON);
    expect(res.statusCode).toBe(200);
    const verdict = res.json<EligibilityVerdict>();
    expect(verdict.eligible).toBe(false);
    expect(verdict.routes).toEqual([]);
    expect(verdict.unmet.map((u) => [u.route, u.reason, u.qualifiesOn])).toEqual([
      // 12 months from 2025-01-10.
      ['social_insurance', 'residence_too_short', '2026-01-10'],
      // Dec 2024 – May 2025 paid; paying on, December 2025 is the first month with 12 behind it.
      ['social_insurance', 'insurance_too_short', '2025-12-01'],
      ['talent', 'no_talent_condition', undefined],
      ['student', 'not_student', undefined],
    ]);
    expect(verdict.unmet[0]!.message).toContain('2026年1月10日');
    expect(verdict.earliestDate).toBe('2026-01-10');
    expect(verdict).toEqual(evaluateShenzhenResidence(TOO_SOON));
  });

  it('no registration held on the day: no earliest date (waiting alone does not get there)', async () => {
    const res = await check({ applicationDate: '2025-06-15', residenceRegistrations: [{ from: '2023-01-01', to: '2025-03-31' }], socialInsuranceMonths: [] });
    const verdict = res.json<EligibilityVerdict>();
    expect(verdict.eligible).toBe(false);
    expect(verdict.unmet.filter((u) => u.reason === 'no_residence_registration').map((u) => u.route)).toEqual(['social_insurance', 'talent', 'student']);
    expect(verdict).not.toHaveProperty('earliestDate');
  });

  it('the talent route: a qualifying talent condition with a registration, no social insurance needed', async () => {
    const body = { applicationDate: '2025-06-15', residenceRegistrations: [{ from: '2025-05-01' }], socialInsuranceMonths: [], talent: 'high_level' };
    const verdict = (await check(body)).json<EligibilityVerdict>();
    expect(verdict).toMatchObject({ eligible: true, routes: ['talent'] });
    expect(verdict.unmet.map((u) => u.route)).not.toContain('talent');
    // A degree not yet certified is not a talent route, and says why.
    const uncertified = (await check({ ...body, talent: 'degree_uncertified' })).json<EligibilityVerdict>();
    expect(uncertified.eligible).toBe(false);
    expect(uncertified.unmet).toContainEqual(expect.objectContaining({ route: 'talent', reason: 'degree_not_certified' }));
  });

  it('the student route', async () => {
    const verdict = (await check({ applicationDate: '2025-06-15', residenceRegistrations: [{ from: '2025-06-01' }], socialInsuranceMonths: [], student: true })).json<EligibilityVerdict>();
    expect(verdict).toMatchObject({ eligible: true, routes: ['student'] });
  });

  it('several routes at once, in the fixed order', async () => {
    const verdict = (await check({ ...ELIGIBLE, talent: 'pengcheng_card', student: true })).json<EligibilityVerdict>();
    expect(verdict).toEqual({ eligible: true, routes: ['social_insurance', 'talent', 'student'], unmet: [] });
  });

  it('answers the same with an applicant, staff or a broken token: no login needed', async () => {
    const anonymous = (await check(ELIGIBLE)).json();
    expect((await check(ELIGIBLE, applicant)).json()).toEqual(anonymous);
    expect((await check(ELIGIBLE, reviewer)).json()).toEqual(anonymous);
    const broken = await app.inject({ method: 'POST', url: URL, headers: { authorization: `Bearer ${'x'.repeat(40)}` }, payload: ELIGIBLE });
    expect(broken.statusCode).toBe(200);
    expect(broken.json()).toEqual(anonymous);
  });

  it('ignores fields it does not know', async () => {
    const res = await check({ ...ELIGIBLE, name: '张三', idNumber: TEST_APPLICANT.idNumber });
    expect(res.json()).toEqual(evaluateShenzhenResidence(ELIGIBLE));
  });
});

describe('validation: VALIDATION_FAILED with a Chinese message at each field', () => {
  it('an impossible date (2025-02-29)', async () => {
    expect(expectValidation(await check({ ...ELIGIBLE, applicationDate: '2025-02-29' }))).toEqual({ applicationDate: '日期格式不正确,请重新选择' });
    expect(expectValidation(await check({ ...ELIGIBLE, residenceRegistrations: [{ from: '2024-02-30' }] }))).toEqual({
      'residenceRegistrations.0.from': '日期格式不正确,请重新选择',
    });
    expect(expectValidation(await check({ ...ELIGIBLE, applicationDate: '2025/06/15' }))).toEqual({ applicationDate: '日期格式不正确,请重新选择' });
    // Only the wrong date is named: the answers that would be compared with it are not flagged.
    expect(
      expectValidation(await check({ ...ELIGIBLE, applicationDate: '2025-02-29', residenceRegistrations: [{ from: '2025-02-30', to: '2025-02-28' }, { from: '2025-03-01' }] })),
    ).toEqual({ applicationDate: '日期格式不正确,请重新选择', 'residenceRegistrations.0.from': '日期格式不正确,请重新选择' });
  });

  it('a registration ending before it starts', async () => {
    const res = await check({ ...ELIGIBLE, residenceRegistrations: [{ from: '2023-01-01', to: '2023-12-31' }, { from: '2024-03-01', to: '2024-02-01' }] });
    expect(expectValidation(res)).toEqual({ 'residenceRegistrations.1.to': '居住登记的结束日期不能早于开始日期' });
  });

  it('a registration starting after the application date', async () => {
    const res = await check({ ...ELIGIBLE, residenceRegistrations: [{ from: '2024-03-01' }, { from: '2025-06-16' }] });
    expect(expectValidation(res)).toEqual({ 'residenceRegistrations.1.from': '居住登记的开始日期不能晚于申请日期' });
  });

  it('a social-insurance month after the application month, or not a month', async () => {
    const late = await check({ ...ELIGIBLE, socialInsuranceMonths: ['2025-04', '2025-05', '2025-06', '2025-07'] });
    expect(expectValidation(late)).toEqual({ 'socialInsuranceMonths.3': '社保月份不能晚于申请月份' });
    const bad = await check({ ...ELIGIBLE, socialInsuranceMonths: ['2025-13'] });
    expect(expectValidation(bad)).toEqual({ 'socialInsuranceMonths.0': '社保月份格式不正确' });
    const both = await check({ ...ELIGIBLE, socialInsuranceMonths: ['next', '2025-05', '2025-08'] });
    expect(expectValidation(both)).toEqual({ 'socialInsuranceMonths.0': '社保月份格式不正确', 'socialInsuranceMonths.2': '社保月份不能晚于申请月份' });
  });

  it('an unknown talent kind, a student answer that is not yes/no', async () => {
    expect(expectValidation(await check({ ...ELIGIBLE, talent: 'nobel_laureate' }))).toEqual({ talent: '请从列表中选择人才引进条件' });
    expect(expectValidation(await check({ ...ELIGIBLE, student: 'yes' }))).toEqual({ student: '格式不正确,请检查' });
  });

  it('missing answers, and a missing body', async () => {
    expect(expectValidation(await check({}))).toEqual({
      applicationDate: '请选择申请日期',
      residenceRegistrations: '请填写居住登记情况',
      socialInsuranceMonths: '请填写社保缴纳情况',
    });
    expect(expectValidation(await check({ ...ELIGIBLE, residenceRegistrations: [{ to: '2025-01-01' }] }))).toEqual({
      'residenceRegistrations.0.from': '请选择居住登记的开始日期',
    });
    // No body at all (and a JSON null): the body as a whole is wrong.
    expect(expectValidation(await app.inject({ method: 'POST', url: URL }))).toEqual({ body: '格式不正确,请检查' });
    expect(expectValidation(await app.inject({ method: 'POST', url: URL, headers: { 'content-type': 'application/json' }, payload: 'null' }))).toEqual({
      body: '格式不正确,请检查',
    });
  });

  it('too many registrations or months', async () => {
    // 21 one-day registrations, each one a valid answer on its own.
    const registrations = Array.from({ length: 21 }, (_, i) => {
      const day = `2000-01-${String(i + 1).padStart(2, '0')}`;
      return { from: day, to: day };
    });
    expect(expectValidation(await check({ ...ELIGIBLE, residenceRegistrations: registrations }))).toEqual({ residenceRegistrations: '居住登记最多填写 20 段' });
    expect((await check({ ...ELIGIBLE, residenceRegistrations: registrations.slice(0, 20) })).statusCode).toBe(200);
    const months = monthsBetween('1970-01', '2025-05');
    expect(months.length).toBeGreaterThan(600);
    expect(expectValidation(await check({ ...ELIGIBLE, socialInsuranceMonths: months }))).toEqual({ socialInsuranceMonths: '社保月份太多' });
  });
});

/** Rows in every table of the app's database. */
async function rowCounts(): Promise<Record<string, number>> {
  const outbox = await openOutbox(config);
  try {
    const tables =
      TEST_ENGINE === 'postgres'
        ? await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' order by table_name`.execute(outbox.db)
        : await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(outbox.db);
    const out: Record<string, number> = {};
    for (const { name } of tables.rows) {
      const count = await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(outbox.db);
      out[name] = Number(count.rows[0]!.n);
    }
    return out;
  } finally {
    await outbox.close();
  }
}

describe('nothing is kept', () => {
  it('writes no row to any table, with or without a token, valid or not', async () => {
    const before = await rowCounts();
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['orders', 'users', 'sessions', 'audit_log', 'jobs']));
    for (const token of [undefined, applicant, reviewer]) {
      expect((await check(ELIGIBLE, token)).statusCode).toBe(200);
      expect((await check(TOO_SOON, token)).statusCode).toBe(200);
      expect((await check({ ...ELIGIBLE, applicationDate: '2025-02-29' }, token)).statusCode).toBe(400);
    }
    expect(await rowCounts()).toEqual(before);
  });

  it('logs none of the answers: the request is logged by its URL only', async () => {
    // Dates nothing else in this file uses, so any trace of them in the log came from these bodies.
    const body = {
      applicationDate: '2031-10-17',
      residenceRegistrations: [{ from: '2019-07-23', to: '2026-04-09' }, { from: '2026-04-21' }],
      socialInsuranceMonths: ['2029-03', '2031-08'],
      talent: 'returned_student',
    };
    const from = logLines.length;
    expect((await check(body, applicant)).statusCode).toBe(200);
    expect((await check({ ...body, residenceRegistrations: [{ from: '2019-07-23', to: '2018-11-05' }] })).statusCode).toBe(400);
    expect((await check({ ...body, socialInsuranceMonths: ['2029-03', '2032-02'] })).statusCode).toBe(400);
    const written = logLines.slice(from).join('');
    // The log was on and saw these requests…
    expect(written).toContain(URL);
    // …but not what was in them.
    for (const secret of ['2031-10', '2019-07-23', '2026-04', '2029-03', '2018-11-05', '2032-02', 'returned_student', 'residenceRegistrations']) {
      expect(written).not.toContain(secret);
    }
  });
});

// ---- orders made from the self-check ----

const SOCIAL: OrderEligibility = { routes: ['social_insurance'] };
const TALENT: OrderEligibility = { routes: ['social_insurance', 'talent'], talent: 'overseas_high_level' };

function createWith(body: object, token = applicant) {
  return app.inject({ method: 'POST', url: '/api/orders', headers: auth(token), payload: body });
}

describe('an order from the self-check', () => {
  it('keeps the routes and talent kind: in the answer, the order, the list', async () => {
    const res = await createWith({ certType: 'residence_permit', cityCode: '4403', eligibility: TALENT });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json<OrderView>();
    expect(created.eligibility).toEqual(TALENT);
    expect((await getOrder(app, applicant, created.id)).eligibility).toEqual(TALENT);

    const plain = await createOrder(app, applicant, 'residence_permit', '4403');
    expect(plain.eligibility).toBeNull();
    const social = (await createWith({ certType: 'residence_permit', cityCode: '4403', eligibility: SOCIAL })).json<OrderView>();
    expect(social.eligibility).toEqual(SOCIAL);
    expect(social.eligibility).not.toHaveProperty('talent');

    const list = await app.inject({ method: 'GET', url: '/api/orders', headers: auth(applicant) });
    const views = list.json<OrderView[]>();
    const byId = new Map(views.map((o) => [o.id, o.eligibility]));
    expect(byId.get(created.id)).toEqual(TALENT);
    expect(byId.get(plain.id)).toBeNull();
    expect(byId.get(social.id)).toEqual(SOCIAL);
    // Every order in the list says one or the other, never leaves the field out.
    for (const view of views) expect(view).toHaveProperty('eligibility');
  });

  it('keeps only the routes and talent kind, not what else the client sends along', async () => {
    const res = await createWith({
      certType: 'residence_permit',
      cityCode: '4403',
      eligibility: { ...SOCIAL, applicationDate: '2025-06-15', residenceRegistrations: [{ from: '2024-03-01' }] },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<OrderView>().eligibility).toEqual(SOCIAL);
    const outbox = await openOutbox(config);
    try {
      const row = await outbox.db.selectFrom('orders').select('eligibility_json').where('id', '=', res.json<OrderView>().id).executeTakeFirstOrThrow();
      expect(JSON.parse(row.eligibility_json!)).toEqual(SOCIAL);
    } finally {
      await outbox.close();
    }
  });

  it('the reviewer sees it too', async () => {
    const created = (await createWith({ certType: 'residence_permit', cityCode: '4403', eligibility: TALENT })).json<OrderView>();
    expect((await uploadPhoto(app, applicant, created.id, fixture('deepface-img3.jpg'))).statusCode).toBe(202);
    expect((await waitUntilProcessed(app, applicant, created.id)).status).toBe('ready');
    const filled = await app.inject({ method: 'PUT', url: `/api/orders/${created.id}/applicant`, headers: auth(applicant), payload: TEST_APPLICANT });
    expect(filled.json<OrderView>().eligibility).toEqual(TALENT);
    expect((await submit(app, applicant, created.id)).eligibility).toEqual(TALENT);
    const review = await app.inject({ method: 'GET', url: `/api/review/${created.id}`, headers: auth(reviewer) });
    expect(review.statusCode, review.body).toBe(200);
    expect(review.json<ReviewOrderView>().eligibility).toEqual(TALENT);
    const claimed = await app.inject({ method: 'POST', url: `/api/review/${created.id}/claim`, headers: auth(reviewer) });
    expect(claimed.json<ReviewOrderView>().eligibility).toEqual(TALENT);
  });

  it('is refused for another certificate or another city, and nothing is created', async () => {
    const before = (await app.inject({ method: 'GET', url: '/api/orders', headers: auth(applicant) })).json<OrderView[]>().length;
    for (const [certType, cityCode] of [
      ['resident_id', '4403'],
      ['passport', '4403'],
      ['residence_permit', '4401'],
    ]) {
      const res = await createWith({ certType, cityCode, eligibility: SOCIAL });
      expect(expectValidation(res), `${certType} ${cityCode}`).toEqual({ eligibility: '资格自测结果只适用于深圳居住证' });
    }
    const after = (await app.inject({ method: 'GET', url: '/api/orders', headers: auth(applicant) })).json<OrderView[]>().length;
    expect(after).toBe(before);
  });

  it('is refused when the talent route has no qualifying talent kind, or the result is not one', async () => {
    const base = { certType: 'residence_permit', cityCode: '4403' };
    for (const eligibility of [{ routes: ['talent'] }, { routes: ['talent'], talent: 'degree_uncertified' }, { routes: ['talent'], talent: 'skill_other_city' }]) {
      expect(expectValidation(await createWith({ ...base, eligibility })), JSON.stringify(eligibility)).toEqual({ 'eligibility.talent': '人才引进条件不符合,请重新自测' });
    }
    expect(expectValidation(await createWith({ ...base, eligibility: { routes: [] } }))).toEqual({ 'eligibility.routes': '请先完成资格自测' });
    expect(expectValidation(await createWith({ ...base, eligibility: { routes: ['student', 'student'] } }))).toEqual({ 'eligibility.routes': '资格自测结果重复' });
    expect(expectValidation(await createWith({ ...base, eligibility: { routes: ['lottery'] } }))).toEqual({ 'eligibility.routes.0': '格式不正确,请检查' });
    expect(expectValidation(await createWith({ ...base, eligibility: { routes: ['social_insurance'], talent: 'astronaut' } }))).toEqual({
      'eligibility.talent': '请从列表中选择人才引进条件',
    });
  });

  it('orders without a self-check answer eligibility: null', async () => {
    const order = await createOrder(app, applicant, 'passport', '4401');
    expect(order).toHaveProperty('eligibility', null);
    expect(await getOrder(app, applicant, order.id)).toHaveProperty('eligibility', null);
  });
});

describe('across a restart and a database upgrade', () => {
  // The upgrade of an existing SQLite file (PostgreSQL databases start at 0006 with the column).
  it.skipIf(TEST_ENGINE === 'postgres')('an order keeps its self-check after the server restarts; orders from before the column read null', async () => {
    const own = tempDataDir();
    const ownConfig = testConfig(own.dir);
    let first: FastifyInstance | undefined = await testApp(ownConfig, { processor: acceptingProcessor() });
    let second: FastifyInstance | undefined;
    try {
      const token = await login(first, '重启前');
      const old = await createOrder(first, token, 'residence_permit', '4403');
      await first.close();
      first = undefined;
      // The database as it was before migration 0005: no eligibility column, 0005 (and the later
      // 0006) not applied.
      const raw = new Database(databaseFile(own.dir));
      raw.exec(`ALTER TABLE orders DROP COLUMN eligibility_json;
        DROP INDEX jobs_lease; ALTER TABLE jobs DROP COLUMN locked_by; ALTER TABLE jobs DROP COLUMN lease_expires_at; ALTER TABLE jobs DROP COLUMN request_id;
        DELETE FROM kysely_migration WHERE name IN ('0005-order-eligibility', '0006-job-leases');`);
      raw.close();

      // Upgraded on start: the old order has no self-check, a new one keeps it.
      first = await testApp(ownConfig, { processor: acceptingProcessor() });
      expect((await getOrder(first, token, old.id)).eligibility).toBeNull();
      const res = await first.inject({ method: 'POST', url: '/api/orders', headers: auth(token), payload: { certType: 'residence_permit', cityCode: '4403', eligibility: TALENT } });
      expect(res.statusCode, res.body).toBe(201);
      const created = res.json<OrderView>();
      await first.close();
      first = undefined;

      second = await testApp(ownConfig, { processor: acceptingProcessor() });
      expect((await getOrder(second, token, created.id)).eligibility).toEqual(TALENT);
      const list = (await second.inject({ method: 'GET', url: '/api/orders', headers: auth(token) })).json<OrderView[]>();
      expect(list.map((o) => [o.id, o.eligibility])).toEqual([
        [created.id, TALENT],
        [old.id, null],
      ]);
    } finally {
      await first?.close();
      await second?.close();
      own.remove();
    }
  });
});
