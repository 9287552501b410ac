/**
 * Worker scaling benchmark: `npm run -s bench:workers` (not a test; prints figures).
 *
 * On a real PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL when set, else one started by
 * scripts/services/postgres.sh for the run and stopped after), with the real server processes:
 *
 * 1. photos per minute with 1, 2 and 4 worker processes (`npm run worker`, one engine each)
 *    behind one API process (`npm run serve`, PHOTO_WORKERS=0): uploaders keep every worker busy
 *    with the fixture photos (2 per worker, each uploads, waits for the verdict, uploads the
 *    next); after a warm-up (engines load their models) verdicts are counted for
 *    WORKERS_PHASE_SECONDS → photos/min and the ratio to one worker, measured in the same run;
 * 2. status reads (`GET /api/orders/:id`, LOAD_CONCURRENCY readers) on an idle API process, once
 *    on SQLite and once on PostgreSQL → p50/p99 and the ratio PostgreSQL/SQLite.
 *
 * Settings: WORKERS_PHASE_SECONDS (30), WORKERS_COUNTS (1,2,4), LOAD_CONCURRENCY (16),
 * LOAD_PHASE_SECONDS (20), WORKERS_WARMUP (photos per worker before measuring, 2).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { RATE_LIMIT_NAMES, rateLimitVariable } from '../server/src/config';
import { freePort, ServerProcess } from '../e2e/support/server';
import { Client, newOrder, processOnePhoto, readLoad, Recorder, type OrderRef } from './load';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const PHASE_S = num('WORKERS_PHASE_SECONDS', 30);
const READ_S = num('LOAD_PHASE_SECONDS', 20);
const CONCURRENCY = num('LOAD_CONCURRENCY', 16);
const WARMUP = num('WORKERS_WARMUP', 2);
const COUNTS = (process.env.WORKERS_COUNTS ?? '1,2,4').split(',').map(Number);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const r1 = (v: number) => Math.round(v * 10) / 10;

/** PostgreSQL for the run: given, or a throw-away server (stopped at the end). */
function postgres(): { url: string; stop: () => void } {
  const given = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (given) return { url: given, stop: () => undefined };
  const out = execFileSync('bash', [path.join(root, 'scripts/services/postgres.sh'), 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const vars = Object.fromEntries([...out.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]));
  return {
    url: vars.TEST_DATABASE_URL!,
    stop: () => execFileSync('bash', [path.join(root, 'scripts/services/postgres.sh'), 'stop'], { env: { ...process.env, ...vars }, stdio: 'inherit' }),
  };
}

async function freshDatabase(serverUrl: string): Promise<string> {
  const name = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function worker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/worker.ts'], { cwd: root, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      if (log.length < 100_000) log += b.toString();
      if (log.includes('worker ready')) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}):\n${log}`)));
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid!, 'SIGTERM');
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function serverEnv(dataDir: string, databaseUrl: string | null): Record<string, string> {
  return {
    ...Object.fromEntries(RATE_LIMIT_NAMES.map((name) => [rateLimitVariable(name), '1000000/1'])),
    MALLOC_ARENA_MAX: '1',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    JOB_POLL_MS: '100',
    H5_DIR: path.join(dataDir, 'no-h5'),
    WECHAT_APPID: '',
    WECHAT_SECRET: '',
  };
}

/** One API (no jobs) and `n` workers on a fresh database: verdicts per minute. */
async function photosPerMinute(pgServer: string, n: number): Promise<{ perMinute: number; photos: number; verdictP50: number }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'zphz-workers-'));
  const env = serverEnv(dataDir, await freshDatabase(pgServer));
  const standinPort = String(await freePort());
  const api = await ServerProcess.start({ ...env, PORT: String(await freePort()), WECHAT_STANDIN_PORT: standinPort, PHOTO_WORKERS: '0' });
  const workers: ChildProcess[] = [];
  try {
    // Info: the worker says when it is ready (its job lines are read and dropped).
    for (let i = 0; i < n; i++) workers.push(await worker({ ...env, PHOTO_WORKERS: '1', WECHAT_STANDIN_PORT: standinPort, LOG_LEVEL: 'info' }));
    const uploaders: OrderRef[] = await Promise.all(
      Array.from({ length: 2 * n }, async (_, i) => newOrder(await Client.signIn(api.baseUrl, { nickname: `上传${i}` }, '/api/auth/local-login'))),
    );
    // Warm-up: every engine has loaded its models and processed a few photos.
    const warm = new Recorder();
    await Promise.all(uploaders.map(async (o) => { for (let i = 0; i < WARMUP / 2; i++) await processOnePhoto(o, warm); }));
    const done = new Recorder();
    const until = performance.now() + PHASE_S * 1000;
    const started = performance.now();
    await Promise.all(uploaders.map(async (o) => { while (performance.now() < until) await processOnePhoto(o, done); }));
    const seconds = (performance.now() - started) / 1000;
    const sorted = [...done.ms].sort((a, b) => a - b);
    return { perMinute: r1((done.ok / seconds) * 60), photos: done.ok, verdictP50: Math.round(sorted[Math.floor(sorted.length / 2)] ?? NaN) };
  } finally {
    for (const w of workers) await stopWorker(w);
    await api.stop(15_000);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** An idle API process (no jobs) on SQLite or PostgreSQL: status reads at CONCURRENCY. */
async function statusReads(databaseUrl: string | null) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'zphz-reads-'));
  const api = await ServerProcess.start({ ...serverEnv(dataDir, databaseUrl), PORT: String(await freePort()), WECHAT_STANDIN_PORT: String(await freePort()), PHOTO_WORKERS: '0' });
  try {
    const applicants = await Promise.all(Array.from({ length: 16 }, (_, i) => Client.signIn(api.baseUrl, { nickname: `读者${i}` }, '/api/auth/local-login')));
    const orders = await Promise.all(Array.from({ length: 64 }, (_, i) => newOrder(applicants[i % applicants.length]!)));
    // A short warm-up (connections, JIT), then the measured phase.
    let stop = false;
    const warm = readLoad(orders, CONCURRENCY, () => stop, new Recorder());
    await sleep(2000);
    stop = true;
    await warm;
    const rec = new Recorder();
    const until = performance.now() + READ_S * 1000;
    await readLoad(orders, CONCURRENCY, () => performance.now() > until, rec);
    return rec.summary(READ_S);
  } finally {
    await api.stop(15_000);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`worker benchmark — ${new Date().toISOString().slice(0, 10)} — ${os.availableParallelism()} cores (${cpu}), node ${process.version}`);
  console.log(`load average before the run: ${os.loadavg().map(r1).join(' / ')} (1 / 5 / 15 min)`);
  const db = postgres();
  try {
    console.log(`\nphotos per minute (1 API with PHOTO_WORKERS=0 + N worker processes × 1 engine, PostgreSQL; ${PHASE_S} s each after ${WARMUP} photos per worker)`);
    const results: { n: number; perMinute: number }[] = [];
    for (const n of COUNTS) {
      const r = await photosPerMinute(db.url, n);
      results.push({ n, perMinute: r.perMinute });
      const base = results[0]!.perMinute;
      console.log(`  ${n} worker(s): ${r.perMinute} photos/min (${r.photos} verdicts, upload→verdict p50 ${r.verdictP50} ms), ratio to 1 worker ${r1(r.perMinute / base)}×`);
    }
    console.log(`\nstatus reads, idle API (GET /api/orders/:id, ${CONCURRENCY} concurrent, ${READ_S} s each)`);
    const sqlite = await statusReads(null);
    console.log(`  SQLite:     ${JSON.stringify(sqlite)}`);
    const postgresReads = await statusReads(await freshDatabase(db.url));
    console.log(`  PostgreSQL: ${JSON.stringify(postgresReads)}`);
    console.log(`  p99 PostgreSQL / SQLite: ${r1(postgresReads.p99 / sqlite.p99)}×, p50: ${r1(postgresReads.p50 / sqlite.p50)}×`);
    console.log(`load average after the run: ${os.loadavg().map(r1).join(' / ')}`);
  } finally {
    db.stop();
  }
}

await main();
