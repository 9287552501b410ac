/**
 * The job table under several runners, on the engine the run uses (SQLite, or PostgreSQL with
 * TEST_DATABASE_URL): two connections claiming at once never take the same job, a lease that runs
 * out passes the job to another runner (and the first can no longer record an outcome), a
 * renewed lease holds, and a job records the request that queued it. The notification outbox's
 * claims behave the same way across connections.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDb } from '../src/db/database';
import { runWithRequestId } from '../src/observability/request-context';
import { CryptoRepository } from '../src/repositories/crypto.repository';
import { JobRepository } from '../src/repositories/job.repository';
import { NotificationRepository } from '../src/repositories/notification.repository';
import { OrderRepository } from '../src/repositories/order.repository';
import { UserRepository } from '../src/repositories/user.repository';
import { openTestDatabase, tempDataDir, testConfig, TEST_ENGINE } from './support/api-harness';

const data = tempDataDir();
const config = testConfig(data.dir);
let a: AppDb;
let b: AppDb;

beforeAll(async () => {
  // Two connections (two pools on PostgreSQL, two handles on the SQLite file): two processes.
  a = await openTestDatabase(config);
  b = await openTestDatabase(config);
});
afterAll(async () => {
  await a?.destroy();
  await b?.destroy();
  data.remove();
});

async function clearJobs(): Promise<void> {
  await a.deleteFrom('jobs').execute();
}

describe(`job claims on ${TEST_ENGINE}`, () => {
  it('two runners claiming at once take every job exactly once', async () => {
    await clearJobs();
    const jobs = new JobRepository(a);
    const now = new Date();
    for (let i = 0; i < 40; i++) await jobs.enqueue({ name: 'n', payload: { i } }, now);
    const claimedBy = new Map<number, string[]>();
    const runner = async (db: AppDb, owner: string) => {
      const repo = new JobRepository(db);
      for (;;) {
        const job = await repo.claimNext(new Date(), owner, 60_000);
        if (!job) return;
        claimedBy.set(job.id, [...(claimedBy.get(job.id) ?? []), owner]);
      }
    };
    // Four loops on two connections, all claiming at the same time.
    await Promise.all([runner(a, 'a1'), runner(b, 'b1'), runner(a, 'a2'), runner(b, 'b2')]);
    expect(claimedBy.size).toBe(40);
    expect([...claimedBy.values()].filter((owners) => owners.length !== 1)).toEqual([]);
    const rows = await jobs.list();
    expect(rows.every((r) => r.status === 'running' && r.attempts === 1)).toBe(true);
  });

  it('passes a job whose lease ran out to another runner; the first can no longer finish it', async () => {
    await clearJobs();
    const first = new JobRepository(a);
    const second = new JobRepository(b);
    const t0 = new Date();
    await first.enqueue({ name: 'n', payload: {} }, t0);
    const claimed = await first.claimNext(t0, 'dead-worker', 1_000);
    expect(claimed).toMatchObject({ status: 'running', attempts: 1 });
    // Still held: nobody else gets it.
    expect(await second.claimNext(new Date(t0.getTime() + 500), 'live-worker', 1_000)).toBeUndefined();
    // Run out (the holder was killed): the next claim takes it over, one attempt more.
    const resumed = await second.claimNext(new Date(t0.getTime() + 1_001), 'live-worker', 1_000);
    expect(resumed).toMatchObject({ id: claimed!.id, attempts: 2 });
    expect(await first.markDone(claimed!.id, 'dead-worker', new Date())).toBe(false);
    expect(await first.renewLeases([claimed!.id], 'dead-worker', Date.now() + 60_000)).toEqual([]);
    expect(await second.markDone(claimed!.id, 'live-worker', new Date())).toBe(true);
    expect((await first.list()).map((r) => r.status)).toEqual(['done']);
  });

  it('keeps a job with its runner while the runner renews the lease', async () => {
    await clearJobs();
    const repo = new JobRepository(a);
    const t0 = new Date();
    await repo.enqueue({ name: 'n', payload: {} }, t0);
    const job = await repo.claimNext(t0, 'worker', 1_000);
    expect(await repo.renewLeases([job!.id], 'worker', t0.getTime() + 5_000)).toEqual([job!.id]);
    expect(await new JobRepository(b).claimNext(new Date(t0.getTime() + 2_000), 'other', 1_000)).toBeUndefined();
    expect(await new JobRepository(b).claimNext(new Date(t0.getTime() + 5_000), 'other', 1_000)).toMatchObject({ id: job!.id });
  });

  it('records the id of the request that queued the job', async () => {
    await clearJobs();
    const repo = new JobRepository(a);
    await runWithRequestId('req-abc', () => repo.enqueue({ name: 'n', payload: {} }, new Date()));
    await repo.enqueue({ name: 'n', payload: {} }, new Date());
    expect((await repo.list()).map((r) => r.requestId)).toEqual(['req-abc', null]);
  });
});

describe(`notification claims on ${TEST_ENGINE}`, () => {
  it('a row whose send lease ran out is claimed again; the first claim can no longer record its outcome', async () => {
    const crypto = new CryptoRepository(config.encryptionKey);
    const user = await new UserRepository(a).userForOpenid(`openid-${crypto.newId()}`, { id: crypto.newId(), nickname: '微信用户', createdAt: new Date().toISOString() });
    const orderId = crypto.newId();
    await new OrderRepository(a, crypto).create({ id: orderId, userId: user.userId, certType: 'resident_id', cityCode: '4403', at: new Date() });
    const t0 = Date.now();
    const first = new NotificationRepository(a);
    const second = new NotificationRepository(b);
    const id = crypto.newId();
    await first.insert({ id, userId: user.userId, payload: { kind: 'review_rejected', orderId, certType: 'resident_id', cityCode: '4403', applicantName: '张三', reasons: ['blurry'], note: null, decidedAt: new Date(t0).toISOString() }, at: new Date(t0) });
    const claimed = await first.claimNext(t0, 1_000);
    expect(claimed).toMatchObject({ id, wechatState: 'sending' });
    // Held: another process does not get it while the lease runs.
    expect(await second.claimNext(t0 + 999, 1_000)).toBeUndefined();
    const again = await second.claimNext(t0 + 1_000, 1_000);
    expect(again).toMatchObject({ id });
    // The first holder comes back late: its outcome is not recorded over the new claim's.
    await first.finish(id, { state: 'sent', attempts: 1, sentAt: new Date().toISOString() }, claimed!.wechatNextAt);
    expect(await first.findById(id)).toMatchObject({ wechatState: 'sending' });
    await second.finish(id, { state: 'sent', attempts: 1, sentAt: new Date().toISOString() }, again!.wechatNextAt);
    expect(await first.findById(id)).toMatchObject({ wechatState: 'sent', wechatAttempts: 1 });
  });
});
