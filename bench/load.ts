/**
 * Load benchmark: `npm run -s bench:load` (not a test; prints figures).
 *
 * Starts the real server as a child process (`server/src/main.ts`, local mode, a fresh temporary
 * data directory, the real PhotoPool, MALLOC_ARENA_MAX=1 as in `npm run serve`), signs in
 * applicants by nickname and measures, with keep-alive HTTP from this process:
 *
 * 1. status reads (`GET /api/orders/:id`) at a fixed concurrency for LOAD_PHASE_SECONDS while the
 *    server is idle — the baseline, measured in the same run;
 * 2. the same reads while photos are being processed: uploaders keep the worker pool busy with
 *    the fixture photos (each uploads, waits for the verdict, uploads the next) → p50/p99, the
 *    ratio to the baseline, and photos per minute completed by the pool;
 * 3. a soak of SOAK_MINUTES of mixed traffic (reads, order lists, whole journeys: upload → details
 *    → submit → review → receipt image → counter look-up) → the server's RSS at start, peak, per
 *    minute, at the end and after a short rest.
 *
 * Settings (environment): LOAD_CONCURRENCY (16), LOAD_PHASE_SECONDS (20), SOAK_MINUTES (10; or
 * `-- --soak-minutes 1`), LOAD_UPLOADERS (2 × pool size), PHOTO_POOL_SIZE (cores), LOAD_WARMUP
 * (photos per worker before measuring, 10). Rate limits are lifted for the run: every request
 * comes from one address and one process.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { idCheckChar } from '../shared/identity';
import { RATE_LIMIT_NAMES, rateLimitVariable } from '../server/src/config';
import { LocalStaffFile } from '../server/src/repositories/local-staff.repository';
import { freePort, ServerProcess } from '../e2e/support/server';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');
const photosDir = path.join(root, 'server/test/fixtures/photos');

function argOrEnv(flag: string, env: string, fallback: number): number {
  const i = process.argv.indexOf(flag);
  const raw = i >= 0 ? process.argv[i + 1] : process.env[env];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} / ${env} must be a positive number, got "${raw}"`);
  return n;
}

const CONCURRENCY = argOrEnv('--concurrency', 'LOAD_CONCURRENCY', 16);
const PHASE_S = argOrEnv('--phase-seconds', 'LOAD_PHASE_SECONDS', 20);
const SOAK_MIN = argOrEnv('--soak-minutes', 'SOAK_MINUTES', 10);
const POOL = argOrEnv('--pool', 'PHOTO_POOL_SIZE', os.availableParallelism());
const UPLOADERS = argOrEnv('--uploaders', 'LOAD_UPLOADERS', 2 * POOL);
const WARMUP = argOrEnv('--warmup', 'LOAD_WARMUP', 10);
/** Orders whose status the readers poll (each reader walks through them in turn). */
const READ_ORDERS = 64;

const PHOTOS = readdirSync(photosDir)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .map((f) => ({ name: f, bytes: readFileSync(path.join(photosDir, f)) }));

// ---- small helpers ----

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const r1 = (v: number) => Math.round(v * 10) / 10;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The server's resident set (MB) and its high-water mark, from /proc. */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: Math.round(kb('VmRSS') / 1024), hwm: Math.round(kb('VmHWM') / 1024) };
}

/** Latencies and outcomes of one kind of request in one phase. */
export class Recorder {
  readonly ms: number[] = [];
  readonly statuses = new Map<string, number>();
  /** Requests that succeeded (2xx). */
  get ok(): number {
    return [...this.statuses].filter(([s]) => /^2\d\d$/.test(s)).reduce((n, [, c]) => n + c, 0);
  }
  add(ms: number, status: number | string): void {
    this.ms.push(ms);
    this.statuses.set(String(status), (this.statuses.get(String(status)) ?? 0) + 1);
  }
  summary(seconds: number) {
    const sorted = [...this.ms].sort((a, b) => a - b);
    const bad = [...this.statuses].filter(([s]) => !/^2\d\d$/.test(s));
    return {
      requests: sorted.length,
      perSecond: r1(sorted.length / seconds),
      p50: r1(percentile(sorted, 50)),
      p90: r1(percentile(sorted, 90)),
      p99: r1(percentile(sorted, 99)),
      max: r1(sorted.at(-1) ?? NaN),
      errors: bad.length ? Object.fromEntries(bad) : 0,
    };
  }
}

// ---- the server ----

interface Server {
  process: ServerProcess;
  dataDir: string;
}

async function startServer(): Promise<Server> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'zphz-load-'));
  const lifted = Object.fromEntries(
    RATE_LIMIT_NAMES.map((name) => [rateLimitVariable(name), '1000000/1']),
  );
  const running = await ServerProcess.start({
    ...lifted,
    MALLOC_ARENA_MAX: '1',
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    WECHAT_STANDIN_PORT: String(await freePort()),
    DATA_DIR: dataDir,
    PHOTO_POOL_SIZE: String(POOL),
    LOG_LEVEL: 'warn',
    H5_DIR: path.join(dataDir, 'no-h5'),
    WECHAT_APPID: '',
    WECHAT_SECRET: '',
  });
  return { process: running, dataDir };
}

async function stopServer(server: Server): Promise<void> {
  await server.process.stop(15_000);
  rmSync(server.dataDir, { recursive: true, force: true });
}

// ---- the API, as a client sees it ----

export class Client {
  constructor(
    readonly base: string,
    readonly token: string,
  ) {}

  static async signIn(base: string, body: object, url: string): Promise<Client> {
    const res = await fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`sign-in ${url}: ${res.status} ${await res.text()}`);
    return new Client(base, ((await res.json()) as { token: string }).token);
  }

  async call(method: string, url: string, body?: object | FormData): Promise<{ status: number; json: any; bytes: number }> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${this.base}${url}`, { method, headers, body: payload });
    const buf = Buffer.from(await res.arrayBuffer());
    const json = res.headers.get('content-type')?.includes('json') ? JSON.parse(buf.toString('utf8')) : null;
    return { status: res.status, json, bytes: buf.length };
  }
}

export interface OrderRef {
  client: Client;
  id: string;
}

export async function newOrder(client: Client, cityCode = '4403'): Promise<OrderRef> {
  const res = await client.call('POST', '/api/orders', { certType: 'resident_id', cityCode });
  if (res.status !== 201) throw new Error(`create order: ${res.status} ${JSON.stringify(res.json)}`);
  return { client, id: res.json.id as string };
}

let photoIndex = 0;
function nextPhoto(): FormData {
  const photo = PHOTOS[photoIndex++ % PHOTOS.length]!;
  const form = new FormData();
  form.append('photo', new Blob([photo.bytes], { type: 'image/jpeg' }), photo.name);
  return form;
}

/** Uploads the next fixture photo and waits for the verdict; the status, or null on a refusal. */
export async function processOnePhoto(order: OrderRef, latency: Recorder): Promise<string | null> {
  const started = performance.now();
  const up = await order.client.call('PUT', `/api/orders/${order.id}/photo`, nextPhoto());
  if (up.status !== 202) {
    latency.add(performance.now() - started, `upload ${up.status}`);
    await sleep(200);
    return null;
  }
  for (;;) {
    await sleep(100);
    const res = await order.client.call('GET', `/api/orders/${order.id}`);
    if (res.status === 200 && res.json.status !== 'processing') {
      latency.add(performance.now() - started, 200);
      return res.json.status as string;
    }
  }
}

/** `count` readers, each with one request in flight, until `stop()`. */
export async function readLoad(orders: OrderRef[], count: number, stop: () => boolean, rec: Recorder): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, async (_, r) => {
      for (let i = r; !stop(); i += count) {
        const order = orders[i % orders.length]!;
        const t = performance.now();
        try {
          const res = await order.client.call('GET', `/api/orders/${order.id}`);
          rec.add(performance.now() - t, res.status);
        } catch (err) {
          rec.add(performance.now() - t, (err as Error).name);
        }
      }
    }),
  );
}

/** Uploaders that keep the pool busy until `stop()`; counts verdicts. */
export async function photoLoad(orders: OrderRef[], stop: () => boolean, done: Recorder): Promise<void> {
  await Promise.all(
    orders.map(async (order) => {
      while (!stop()) await processOnePhoto(order, done);
    }),
  );
}

const ID17 = '44030519900307123';
const APPLICANT = { name: '测试用户', idNumber: `${ID17}${idCheckChar(ID17)}`, phone: '13912345678', consent: true };

/** One applicant's whole journey; returns false when the photo was refused (no receipt then). */
async function journey(
  client: Client,
  staff: { reviewer: Client; counter: Client },
  recs: { photo: Recorder; calls: Map<string, Recorder> },
): Promise<boolean> {
  const order = await newOrder(client);
  const status = await processOnePhoto(order, recs.photo);
  if (status !== 'ready') return false;
  const timed = async (what: string, call: () => Promise<{ status: number; json: any }>) => {
    const t = performance.now();
    const res = await call();
    const rec = recs.calls.get(what) ?? recs.calls.set(what, new Recorder()).get(what)!;
    rec.add(performance.now() - t, res.status);
    return res;
  };
  await timed('applicant', () => client.call('PUT', `/api/orders/${order.id}/applicant`, APPLICANT));
  await timed('submit', () => client.call('POST', `/api/orders/${order.id}/submit`, { subscriptions: { result: 'accept' } }));
  await timed('claim', () => staff.reviewer.call('POST', `/api/review/${order.id}/claim`));
  const approved = await timed('approve', () => staff.reviewer.call('POST', `/api/review/${order.id}/approve`));
  const view = await timed('view', () => client.call('GET', `/api/orders/${order.id}`));
  if (view.json?.receiptUrl) {
    await timed('receipt.png', async () => {
      const res = await fetch(`${client.base}${view.json.receiptUrl}`);
      await res.arrayBuffer();
      return { status: res.status, json: null };
    });
  }
  const number = approved.json?.receipt?.number ?? view.json?.receipt?.number;
  if (number) await timed('lookup', () => staff.counter.call('GET', `/api/receipts/${number}`));
  await timed('list', () => client.call('GET', '/api/orders'));
  await timed('notifications', () => client.call('GET', '/api/notifications'));
  return true;
}

// ---- the run ----

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${os.availableParallelism()} cores (${cpu}), ${Math.round(os.totalmem() / 1024 ** 3)} GB, node ${process.version}, ${os.platform()} ${os.release()}`;
  console.log(`load benchmark — ${new Date().toISOString().slice(0, 10)} — ${machine}`);
  // Other work on the machine skews every figure: say how busy it was.
  console.log(`load average before the run: ${os.loadavg().map(r1).join(' / ')} (1 / 5 / 15 min)`);
  console.log(
    `concurrency ${CONCURRENCY} status reads, phases of ${PHASE_S} s, pool of ${POOL} workers, ${UPLOADERS} uploaders, ` +
      `soak ${SOAK_MIN} min, ${PHOTOS.length} fixture photos in turn`,
  );

  const server = await startServer();
  const pid = server.process.pid;
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, memoryOf(pid).rss);
    } catch {
      // exited
    }
  }, 500);
  try {
    const memStart = memoryOf(pid);
    console.log(`server up (pid ${pid}): RSS ${memStart.rss} MB`);

    // Applicants: readers' orders (a few with a processed photo, most drafts), and one order per uploader.
    const applicants = await Promise.all(Array.from({ length: 16 }, (_, i) => Client.signIn(server.process.baseUrl, { nickname: `读者${i}` }, '/api/auth/local-login')));
    const readOrders = await Promise.all(Array.from({ length: READ_ORDERS }, (_, i) => newOrder(applicants[i % applicants.length]!)));
    const uploaders = await Promise.all(
      Array.from({ length: UPLOADERS }, async (_, i) => newOrder(await Client.signIn(server.process.baseUrl, { nickname: `上传${i}` }, '/api/auth/local-login'))),
    );
    const passwords = new LocalStaffFile(server.dataDir).read();
    const staff = {
      reviewer: await Client.signIn(server.process.baseUrl, { username: 'reviewer', password: passwords.reviewer }, '/api/auth/staff-login'),
      counter: await Client.signIn(server.process.baseUrl, { username: 'counter', password: passwords.counter }, '/api/auth/staff-login'),
    };

    // Warm-up: every worker processes WARMUP photos (V8 optimises the per-pixel code), readers warm the JIT.
    const warm = new Recorder();
    let warmed = 0;
    await Promise.all([
      Promise.all(
        uploaders.map(async (order) => {
          while (warmed < WARMUP * POOL) {
            warmed++;
            await processOnePhoto(order, warm);
          }
        }),
      ),
      readLoad(readOrders, CONCURRENCY, () => warmed >= WARMUP * POOL, new Recorder()),
    ]);
    // A processed photo on some of the readers' orders, so reads carry a report and a signed URL.
    await Promise.all(readOrders.slice(0, 8).map((o) => processOnePhoto(o, new Recorder())));
    const memWarm = memoryOf(pid);
    console.log(`warm-up: ${warm.ok} photos, RSS ${memWarm.rss} MB`);

    // 1. Idle baseline.
    const idle = new Recorder();
    let until = performance.now() + PHASE_S * 1000;
    await readLoad(readOrders, CONCURRENCY, () => performance.now() >= until, idle);
    const idleSummary = idle.summary(PHASE_S);

    // 2. The same reads while the pool works.
    const loaded = new Recorder();
    const photos = new Recorder();
    let stopPhotos = false;
    const photoRun = photoLoad(uploaders, () => stopPhotos, photos);
    await sleep(2000); // let the queue fill
    const photosBefore = photos.ok;
    const phaseStart = performance.now();
    until = phaseStart + PHASE_S * 1000;
    await readLoad(readOrders, CONCURRENCY, () => performance.now() >= until, loaded);
    const photosDone = photos.ok - photosBefore;
    const phaseMinutes = (performance.now() - phaseStart) / 60_000;
    stopPhotos = true;
    await photoRun;
    const loadedSummary = loaded.summary(PHASE_S);
    const photosPerMinute = r1(photosDone / phaseMinutes);
    const photoLatency = photos.summary(phaseMinutes * 60);

    console.log(`\nstatus reads (GET /api/orders/:id), ${CONCURRENCY} in flight, ${PHASE_S} s each, ms`);
    console.table({
      idle: idleSummary,
      'while photos process': loadedSummary,
      'ratio loaded/idle': { p50: r1(loadedSummary.p50 / idleSummary.p50), p90: r1(loadedSummary.p90 / idleSummary.p90), p99: r1(loadedSummary.p99 / idleSummary.p99) },
    });
    console.log(`\nphotos: ${photosPerMinute} per minute with ${POOL} workers (${UPLOADERS} uploaders); upload → verdict, ms:`);
    console.table({ 'upload → verdict': { photos: photoLatency.requests, p50: photoLatency.p50, p90: photoLatency.p90, p99: photoLatency.p99, errors: photoLatency.errors } });

    // 3. Soak: mixed traffic for SOAK_MIN minutes; RSS once a minute.
    console.log(`\nsoak: ${SOAK_MIN} min of mixed traffic (status reads at ${Math.max(1, CONCURRENCY / 4)} in flight, ${UPLOADERS} applicants doing whole journeys)`);
    const soakReads = new Recorder();
    const soakPhotos = new Recorder();
    const soakCalls = new Map<string, Recorder>();
    let journeys = 0;
    const soakEnd = performance.now() + SOAK_MIN * 60_000;
    const stopSoak = () => performance.now() >= soakEnd;
    const minutes: Record<string, number> = {};
    const minuteTimer = setInterval(() => {
      minutes[`min ${Object.keys(minutes).length + 1}`] = memoryOf(pid).rss;
    }, 60_000);
    const soakStart = performance.now();
    await Promise.all([
      readLoad(readOrders, Math.max(1, Math.round(CONCURRENCY / 4)), stopSoak, soakReads),
      Promise.all(
        uploaders.map(async (order) => {
          while (!stopSoak()) if (await journey(order.client, staff, { photo: soakPhotos, calls: soakCalls })) journeys++;
        }),
      ),
    ]);
    clearInterval(minuteTimer);
    const soakSeconds = (performance.now() - soakStart) / 1000;
    const memEnd = memoryOf(pid);
    await sleep(15_000);
    const memRest = memoryOf(pid);
    const soakReadSummary = soakReads.summary(soakSeconds);
    const soakPhotoSummary = soakPhotos.summary(soakSeconds);
    console.table({
      'status reads': soakReadSummary,
      'photo (upload → verdict)': soakPhotoSummary,
      ...Object.fromEntries([...soakCalls].map(([what, rec]) => [what, rec.summary(soakSeconds)])),
    });
    console.log(`journeys completed (receipt issued, drawn and looked up): ${journeys}`);
    console.log('\nserver RSS, MB (the process includes the pool worker threads)');
    console.table({
      RSS: {
        start: memStart.rss,
        'after warm-up': memWarm.rss,
        ...minutes,
        'end of soak': memEnd.rss,
        'after 15 s rest': memRest.rss,
        peak: Math.max(peak, memEnd.hwm),
      },
    });
    const line = {
      date: new Date().toISOString().slice(0, 10),
      machine,
      concurrency: CONCURRENCY,
      pool: POOL,
      idleP50: idleSummary.p50,
      idleP99: idleSummary.p99,
      loadedP50: loadedSummary.p50,
      loadedP99: loadedSummary.p99,
      p99Ratio: r1(loadedSummary.p99 / idleSummary.p99),
      photosPerMinute,
      soakMinutes: SOAK_MIN,
      rssStartMb: memStart.rss,
      rssPeakMb: Math.max(peak, memEnd.hwm),
      rssEndOfSoakMb: memEnd.rss,
      rssAfterRestMb: memRest.rss,
      journeys,
    };
    console.log(`load average after the run: ${os.loadavg().map(r1).join(' / ')} (1 / 5 / 15 min; includes this benchmark)`);
    console.log(JSON.stringify(line));
  } catch (err) {
    console.error(`benchmark failed: ${(err as Error).stack ?? String(err)}\n--- server log (last lines) ---\n${server.process.output().split('\n').slice(-40).join('\n')}`);
    process.exitCode = 1;
  } finally {
    clearInterval(sampler);
    await stopServer(server);
  }
}

// Run as the benchmark (npm run bench:load); imported for its client code by bench/workers.bench.ts.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main();
