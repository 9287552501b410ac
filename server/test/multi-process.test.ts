/**
 * Scaled out, with real processes: 2 API processes (`npm run serve` with PHOTO_WORKERS=0) and 2
 * worker processes (`npm run worker`, one engine each) on one PostgreSQL database and one photo
 * store (the shared data directory; S3 when the run provides one). Uploads go through both APIs;
 * one worker is SIGKILLed while it holds a job. Then: every order reached its verdict exactly
 * once, every job ran to `done` once (the killed one resumed by the other worker after its lease),
 * no job ran in an API process, the job lines carry the id of the request that queued the job;
 * two reviewers racing through the two APIs get one claim, and the approvals made at once through
 * both APIs issue distinct receipt numbers.
 *
 * PostgreSQL only: scripts/test.sh runs it in its PostgreSQL pass (TEST_DATABASE_URL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../shared/api';
import { freePort, ServerProcess } from '../../e2e/support/server';
import type { AppDb } from '../src/db/database';
import { LocalStaffFile } from '../src/repositories/local-staff.repository';
import { addStaff, ensureTestDatabase, eventually, fixture, openTestDatabase, tempDataDir, testConfig, TEST_APPLICANT, TEST_ENGINE } from './support/api-harness';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PHOTOS = ['deepface-img3.jpg', 'deepface-img47.jpg', 'hivision-test1.jpg', 'deepface-couple.jpg', 'hivision-test0.jpg', 'deepface-img3.jpg', 'deepface-img47.jpg', 'deepface-couple.jpg'];
const LEASE_MS = 3000;

/** `npm run worker` as a child process in its own group; ready when it logs so. */
class WorkerProcess {
  private log = '';
  private exitCode: number | null | undefined;
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (b: Buffer) => (this.log += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (this.log += b.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => ((this.exitCode = code), resolve())));
  }

  static async start(env: Record<string, string>): Promise<WorkerProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/worker.ts'], { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const worker = new WorkerProcess(child);
    await eventually('worker ready', () => {
      if (worker.exitCode !== undefined) throw new Error(`worker exited (${worker.exitCode}):\n${worker.log}`);
      return worker.log.includes('worker ready');
    }, 90_000);
    return worker;
  }

  get pid(): number {
    return this.child.pid!;
  }

  output(): string {
    return this.log;
  }

  async kill(): Promise<void> {
    if (this.exitCode !== undefined) return;
    process.kill(-this.pid, 'SIGKILL');
    await this.exited;
  }

  async stop(): Promise<number | null | undefined> {
    if (this.exitCode !== undefined) return this.exitCode;
    process.kill(-this.pid, 'SIGTERM');
    const timer = setTimeout(() => void this.kill(), 15_000);
    await this.exited;
    clearTimeout(timer);
    return this.exitCode;
  }
}

async function call<T>(base: string, method: string, url: string, token: string | null, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : null) as T };
}

async function ok<T>(base: string, method: string, url: string, token: string | null, body?: unknown): Promise<T> {
  const res = await call<T>(base, method, url, token, body);
  if (res.status >= 300) throw new Error(`${method} ${base}${url} → ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

async function upload(base: string, token: string, orderId: string, photo: Buffer): Promise<void> {
  const form = new FormData();
  form.append('photo', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'photo.jpg');
  const res = await fetch(`${base}/api/orders/${orderId}/photo`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: form });
  expect(res.status, await res.text()).toBe(202);
}

describe.skipIf(TEST_ENGINE !== 'postgres')('2 API processes + 2 workers on one PostgreSQL (scripts/test.sh PostgreSQL pass)', () => {
  const data = tempDataDir();
  const config = testConfig(data.dir);
  const apis: ServerProcess[] = [];
  const workers: WorkerProcess[] = [];
  let db: AppDb;
  let env: Record<string, string>;

  beforeAll(async () => {
    await ensureTestDatabase(config);
    db = await openTestDatabase(config);
    env = {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      DATA_DIR: data.dir,
      DATABASE_URL: config.databaseUrl!,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      H5_DIR: path.join(data.dir, 'no-h5'),
      MALLOC_ARENA_MAX: '2',
      JOB_POLL_MS: '200',
      JOB_LEASE_MS: String(LEASE_MS),
      LOG_LEVEL: 'info',
    };
    // One after the other: the first seeds the local staff accounts the second then finds.
    const standinPorts: string[] = [];
    for (let i = 0; i < 2; i++) {
      standinPorts.push(String(await freePort()));
      apis.push(await ServerProcess.start({ ...env, PORT: String(await freePort()), WECHAT_STANDIN_PORT: standinPorts[i]!, PHOTO_WORKERS: '0', LOG_LEVEL: 'warn' }));
    }
    // The workers send notifications to the first API's WeChat stand-in (local mode).
    for (let i = 0; i < 2; i++) workers.push(await WorkerProcess.start({ ...env, PHOTO_WORKERS: '1', WECHAT_STANDIN_PORT: standinPorts[0]! }));
  }, 240_000);

  afterAll(async () => {
    for (const w of workers) await w.stop().catch(() => undefined);
    for (const a of apis) await a.stop().catch(() => undefined);
    await db?.destroy();
    data.remove();
  });

  const jobsOf = (name: string) => db.selectFrom('jobs').selectAll().where('name', '=', name).orderBy('id').execute();

  it('uploads through both APIs, one worker SIGKILLed mid-job: every verdict once, every job done once', async () => {
    const base = (i: number) => apis[i % 2]!.baseUrl;
    const orders: { id: string; token: string; api: number; photo: string }[] = [];
    for (const [i, photo] of PHOTOS.entries()) {
      const { token } = await ok<{ token: string }>(base(i), 'POST', '/api/auth/local-login', null, { nickname: `用户${i}` });
      const order = await ok<OrderView>(base(i), 'POST', '/api/orders', token, { certType: 'resident_id', cityCode: '4403' });
      await upload(base(i), token, order.id, fixture(photo));
      orders.push({ id: order.id, token, api: i % 2, photo });
    }

    // Kill the first worker while it holds a job.
    const victim = workers[0]!;
    const held = await eventually(
      'the first worker running a photo job',
      async () => (await jobsOf('process-photo')).find((j) => j.status === 'running' && j.locked_by?.includes(`:${victim.pid}:`)),
      120_000,
    );
    // Killed at once: a photo job takes hundreds of milliseconds, the query and the kill a few.
    await victim.kill();
    const atKill = (await jobsOf('process-photo')).find((j) => j.id === held.id)!;
    expect(atKill.status, 'the first worker died holding its job').toBe('running');

    // Every order through the OTHER API than the one it was uploaded to: one database.
    for (const o of orders) {
      await eventually(`order ${o.id} processed`, async () => (await ok<OrderView>(base(o.api + 1), 'GET', `/api/orders/${o.id}`, o.token)).status !== 'processing', 180_000);
    }
    for (const o of orders) {
      const view = await ok<OrderView>(base(o.api + 1), 'GET', `/api/orders/${o.id}`, o.token);
      expect(view.status, o.photo).toBe(o.photo === 'deepface-couple.jpg' ? 'needs_retake' : 'ready');
      // The verdict written once, although one job ran twice.
      expect(view.history.filter((h) => h.from === 'processing').map((h) => h.to)).toEqual([view.status]);
      if (view.status === 'ready') expect((await fetch(`${base(o.api)}${view.photoUrl}`)).status).toBe(200);
    }

    const jobs = await eventually('every photo job done', async () => {
      const rows = await jobsOf('process-photo');
      return rows.every((j) => j.status === 'done') && rows;
    });
    expect(jobs).toHaveLength(PHOTOS.length);
    expect(new Set(jobs.map((j) => (JSON.parse(j.payload) as { orderId: string }).orderId))).toEqual(new Set(orders.map((o) => o.id)));
    // The held job was taken over by the surviving worker, one attempt more; others ran once.
    const survivor = workers[1]!;
    const resumed = jobs.find((j) => j.id === held.id)!;
    expect(resumed.attempts).toBe(held.attempts + 1);
    expect(resumed.locked_by).toContain(`:${survivor.pid}:`);
    expect(jobs.filter((j) => j.id !== held.id).every((j) => j.attempts === 1)).toBe(true);
    // No job ran in an API process (PHOTO_WORKERS=0).
    for (const j of jobs) expect([victim.pid, survivor.pid].some((pid) => j.locked_by?.includes(`:${pid}:`)), String(j.locked_by)).toBe(true);
    // The job remembers the upload request, and the survivor's line for it says so.
    expect(jobs.every((j) => j.request_id)).toBe(true);
    const doneLine = survivor
      .output()
      .split('\n')
      .find((l) => l.includes('"msg":"job done"') && l.includes(`"job":${held.id},`));
    expect(doneLine, survivor.output().slice(-3000)).toBeDefined();
    expect(JSON.parse(doneLine!)).toMatchObject({ job: held.id, requestId: held.request_id });

    // ---- review through both APIs at once ----
    const ready = orders.filter((o) => o.photo !== 'deepface-couple.jpg');
    for (const o of ready) {
      await ok(base(o.api), 'PUT', `/api/orders/${o.id}/applicant`, o.token, TEST_APPLICANT);
      await ok(base(o.api + 1), 'POST', `/api/orders/${o.id}/submit`, o.token);
    }
    const password = new LocalStaffFile(data.dir).read().reviewer!;
    const second = await addStaff(config, 'reviewer', '审核员二');
    const reviewers = [
      (await ok<{ token: string }>(base(0), 'POST', '/api/auth/staff-login', null, { username: 'reviewer', password })).token,
      (await ok<{ token: string }>(base(1), 'POST', '/api/auth/staff-login', null, { username: '审核员二', password: second })).token,
    ];
    // Both reviewers claim every order at the same moment, each through their own API.
    const winners: number[] = [];
    for (const o of ready) {
      const answers = await Promise.all(reviewers.map((t, r) => call(base(r), 'POST', `/api/review/${o.id}/claim`, t)));
      expect(answers.map((a) => a.status).sort(), JSON.stringify(answers)).toEqual([200, 409]);
      winners.push(answers.findIndex((a) => a.status === 200));
    }
    // Every approval at once, through both APIs.
    const approvals = await Promise.all(ready.map((o, i) => call(base(winners[i]!), 'POST', `/api/review/${o.id}/approve`, reviewers[winners[i]!]!)));
    expect(approvals.map((a) => a.status)).toEqual(ready.map(() => 200));
    const receipts = await db.selectFrom('receipts').select(['number', 'order_id']).execute();
    expect(receipts).toHaveLength(ready.length);
    expect(new Set(receipts.map((r) => r.number)).size).toBe(ready.length);
    expect(new Set(receipts.map((r) => r.order_id))).toEqual(new Set(ready.map((o) => o.id)));
    // The receipt images, drawn by the surviving worker.
    await eventually('every receipt drawn', async () => {
      const draws = await jobsOf('draw-receipt');
      return draws.length === ready.length && draws.every((j) => j.status === 'done');
    }, 60_000);
    // A clean stop of a worker: exit 0.
    expect(await survivor.stop()).toBe(0);
  }, 420_000);
});
