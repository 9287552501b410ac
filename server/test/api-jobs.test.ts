/**
 * The photo job is durable: a job interrupted by a stop resumes on the next start, an engine that
 * keeps failing ends in needs_retake with a note, and the runner will not start with a job it
 * cannot run.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { loadEncryptionKey, PHOTO_MAX_BYTES } from '../src/config';
import { INPUT_LIMITS } from '../src/photo/engine';
import { PROCESSING_FAILED_NOTE } from '../src/services/order.service';
import {
  storedNames,
  createOrder,
  fakeProcessor,
  fakeReport,
  fixture,
  getOrder,
  login,
  tempDataDir,
  testApp,
  testConfig,
  uploadPhoto,
  waitUntilProcessed,
} from './support/api-harness';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function jobRows(dataDir: string): { name: string; status: string; attempts: number; last_error: string | null }[] {
  const db = new Database(path.join(dataDir, 'app.db'), { readonly: true });
  try {
    return db.prepare('select name, status, attempts, last_error from jobs order by id').all() as never;
  } finally {
    db.close();
  }
}

/** An engine still busy when the app stops, so the job cannot finish first (the runner leaves
 * it running, as a crash would); it gives up a while after the app has closed. */
function busyEngine() {
  return fakeProcessor(() => new Promise((_, reject) => setTimeout(() => reject(new Error('stopped')), 300)));
}

/** Until the job has reached the engine. */
async function inTheEngine(engine: { calls: number }): Promise<void> {
  for (let i = 0; i < 100 && engine.calls === 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(engine.calls, 'the job reached the engine').toBe(1);
}

describe('an interrupted photo job', () => {
  it('is resumed by the next start on the same data directory', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const config = testConfig(data.dir); // poolSize 1: each app owns a one-worker PhotoPool

    const busy = busyEngine();
    const a = await testApp(config, { processor: busy });
    const token = await login(a);
    const { id } = await createOrder(a, token);
    expect((await uploadPhoto(a, token, id, fixture('hivision-test0.jpg'))).statusCode).toBe(202);
    await inTheEngine(busy);
    await a.close();

    const [job] = jobRows(data.dir);
    expect(job).toMatchObject({ name: 'process-photo' });
    expect(['queued', 'running']).toContain(job!.status);
    // As after a crash mid-job, whichever point the close reached.
    const db = new Database(path.join(data.dir, 'app.db'));
    db.prepare("update jobs set status = 'running'").run();
    db.close();

    const b = await testApp(config);
    cleanups.push(() => b.close());
    const order = await waitUntilProcessed(b, token, id);
    expect(order.status).toBe('ready');
    expect(order.report!.ok).toBe(true);
    // The runner marks the job done just after the order's transition: give it a moment.
    for (let i = 0; i < 50 && jobRows(data.dir)[0]?.status !== 'done'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(jobRows(data.dir).map((j) => j.status)).toEqual(['done']);
    expect(await storedNames(config, id)).toEqual([expect.stringMatching(/\.photo$/)]);
  });
  it('is given up, not run again, once it has been interrupted as often as it may be tried', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const config = testConfig(data.dir);
    const busy = busyEngine();
    const a = await testApp(config, { processor: busy });
    const token = await login(a);
    const { id } = await createOrder(a, token);
    expect((await uploadPhoto(a, token, id, fixture('deepface-img3.jpg'))).statusCode).toBe(202);
    await inTheEngine(busy);
    await a.close();
    // As after three starts that each died inside this job (a native crash in the engine).
    const db = new Database(path.join(data.dir, 'app.db'));
    db.prepare("update jobs set status = 'running', attempts = 3").run();
    db.close();

    const engine = fakeProcessor(async (input, cert) => ({ report: fakeReport(cert, true), jpeg: input }));
    const b = await testApp(config, { processor: engine });
    cleanups.push(() => b.close());
    const order = await waitUntilProcessed(b, token, id, 10_000);
    expect(order).toMatchObject({ status: 'needs_retake', photoUrl: null });
    expect(engine.calls).toBe(0);
    expect(jobRows(data.dir)).toEqual([{ name: 'process-photo', status: 'failed', attempts: 4, last_error: 'interrupted 3 times without finishing' }]);
  });
});

describe('an engine that keeps failing', () => {
  it('is retried 3 times, then the order needs a retake with a note and no report', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const engine = fakeProcessor(async () => {
      throw new Error('worker crashed');
    });
    const config = testConfig(data.dir);
    const app = await testApp(config, { processor: engine });
    cleanups.push(() => app.close());
    const token = await login(app);
    const { id } = await createOrder(app, token);
    await uploadPhoto(app, token, id, fixture('deepface-img3.jpg'));

    const order = await waitUntilProcessed(app, token, id, 10_000);
    expect(engine.calls).toBe(3);
    expect(order).toMatchObject({ status: 'needs_retake', report: null, photoUrl: null });
    expect(order.history.at(-1)).toMatchObject({ from: 'processing', to: 'needs_retake', event: 'photo_rejected', actor: 'system', note: PROCESSING_FAILED_NOTE });
    expect(jobRows(data.dir)).toEqual([{ name: 'process-photo', status: 'failed', attempts: 3, last_error: 'worker crashed' }]);
    expect(await storedNames(config, id)).toEqual([]);
  });

  it('recovers on a retry before the third attempt', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const engine = fakeProcessor(async (input, cert) => {
      if (engine.calls < 2) throw new Error('transient');
      return { report: fakeReport(cert, true), jpeg: input };
    });
    const app = await testApp(testConfig(data.dir), { processor: engine });
    cleanups.push(() => app.close());
    const token = await login(app);
    const { id } = await createOrder(app, token);
    await uploadPhoto(app, token, id, fixture('deepface-img3.jpg'));
    expect((await waitUntilProcessed(app, token, id, 10_000)).status).toBe('ready');
    expect(engine.calls).toBe(2);
  });
});

describe('the job queue', () => {
  it('supersedes a queued job when a newer upload for the same order is queued', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    // The runner is never started (no ready), so jobs stay queued.
    const app = await buildApp({ config: testConfig(data.dir), processor: fakeProcessor(async (i, c) => ({ report: fakeReport(c, false), jpeg: i })) });
    cleanups.push(() => app.close());
    const { JobRepository } = await import('../src/repositories/job.repository');
    const { openDatabase } = await import('../src/db/database');
    const db = await openDatabase(data.dir);
    cleanups.push(() => db.destroy());
    const jobs = new JobRepository(db);
    await jobs.enqueue({ name: 'process-photo', payload: { n: 1 }, subject: 'order:x' }, new Date());
    await jobs.enqueue({ name: 'process-photo', payload: { n: 2 }, subject: 'order:x' }, new Date());
    await jobs.enqueue({ name: 'process-photo', payload: { n: 3 }, subject: 'order:y' }, new Date());
    const rows = await jobs.list();
    expect(rows.map((r) => [r.payload, r.status])).toEqual([
      [{ n: 1 }, 'failed'],
      [{ n: 2 }, 'queued'],
      [{ n: 3 }, 'queued'],
    ]);
  });

  it('refuses to start while a pending job names an unknown handler', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const config = testConfig(data.dir);
    const first = await testApp(config, { processor: fakeProcessor(async (i, c) => ({ report: fakeReport(c, true), jpeg: i })) });
    await first.close();
    const db = new Database(path.join(data.dir, 'app.db'));
    db.prepare("insert into jobs (name, payload, status, attempts, run_after, created_at, updated_at) values ('purge-everything', '{}', 'queued', 0, 0, 'now', 'now')").run();
    db.close();
    const app = await buildApp({ config, processor: fakeProcessor(async (i, c) => ({ report: fakeReport(c, true), jpeg: i })) });
    cleanups.push(() => app.close());
    await expect(app.ready()).rejects.toThrow(/purge-everything/);
  });
});

describe('configuration', () => {
  it('holds the upload limit to the engine’s input limit', () => {
    expect(PHOTO_MAX_BYTES).toBe(INPUT_LIMITS.maxBytes);
  });

  it('generates the encryption key once, private to the owner, and reuses it', () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const key = loadEncryptionKey(data.dir, undefined);
    expect(key.length).toBe(32);
    expect(statSync(path.join(data.dir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(loadEncryptionKey(data.dir, undefined).equals(key)).toBe(true);
    const fromEnv = Buffer.alloc(32, 7);
    expect(loadEncryptionKey(data.dir, fromEnv.toString('base64')).equals(fromEnv)).toBe(true);
    expect(() => loadEncryptionKey(data.dir, 'c2hvcnQ=')).toThrow(/32 bytes/);
  });
});
