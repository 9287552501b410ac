/**
 * What an operator relies on: GET /metrics (Prometheus text) whose numbers move with a journey
 * and that strangers cannot read; request ids in answers and JSON logs; /api/health reporting
 * database, storage and queue apart (503 naming storage when the S3 server is gone); and a start
 * that refuses bad S3 settings with an error naming the setting, in-process and as `main.ts`.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { loadConfig, loadStorageConfig, type AppConfig } from '../src/config';
import { currentRequestId, trustedPeer } from '../src/observability/request-context';
import { WeChatClient } from '../src/wechat/wechat-client';
import { systemClock } from '../src/repositories/clock.repository';
import type { WeChatStandin } from '../src/wechat/standin';
import {
  createOrder,
  decide,
  eventually,
  fakeProcessor,
  fakeReport,
  fixture,
  localReviewer,
  standinWeChat,
  startTestS3,
  startTestStandin,
  submittedOrder,
  tempDataDir,
  testApp,
  testConfig,
  uploadPhoto,
  waitUntilProcessed,
  wechatLogin,
} from './support/api-harness';

const GOOD = fixture('deepface-img3.jpg');
const BROKEN = fixture('deepface-couple.jpg');

/** `name{labels} value` lines of a Prometheus exposition → value by series ('' labels: none). */
function parseMetrics(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    series.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
  }
  return series;
}

async function scrape(app: FastifyInstance): Promise<Map<string, number>> {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(res.body);
}

const value = (m: Map<string, number>, key: string) => m.get(key) ?? 0;

describe('GET /metrics after a journey', () => {
  const data = tempDataDir();
  let standin: WeChatStandin;
  let config: AppConfig;
  let app: FastifyInstance;
  let before: Map<string, number>;
  let after: Map<string, number>;

  beforeAll(async () => {
    standin = await startTestStandin();
    config = testConfig(data.dir, { wechat: standinWeChat(standin) });
    // The engine accepts every photo but one, on which it crashes (every attempt).
    const engine = fakeProcessor(async (input, cert) => {
      if (input.equals(BROKEN)) throw new Error('engine crashed');
      return { report: fakeReport(cert, true), jpeg: input };
    });
    app = await testApp(config, { processor: engine, notifications: { retryBaseMs: 50 } });
    before = await scrape(app);

    const token = await wechatLogin(app, 'ops.1');
    const reviewer = await localReviewer(app, data.dir);
    const first = await submittedOrder(app, token);
    await decide(app, reviewer, first.id, 'approve');
    // WeChat answers the next send with a 500: one failed send, then the retry goes through.
    standin.fail({ endpoint: 'subscribe_send', status: 500, times: 1 });
    const second = await submittedOrder(app, token);
    await decide(app, reviewer, second.id, 'approve');
    await eventually('both results sent', () => standin.messages().length >= 2 && true);
    const broken = await createOrder(app, token);
    expect((await uploadPhoto(app, token, broken.id, BROKEN)).statusCode).toBe(202);
    expect((await waitUntilProcessed(app, token, broken.id, 20_000)).status).toBe('needs_retake');
    expect((await app.inject({ method: 'GET', url: '/no/such/route' })).statusCode).toBe(404);
    after = await eventually('the failed job counted', async () => {
      const m = await scrape(app);
      return value(m, 'zphz_jobs{type="process-photo",state="failed"}') === 1 && m;
    });
  });
  afterAll(async () => {
    await app?.close();
    await standin?.close();
    data.remove();
  });

  it('times requests by route pattern (not by URL), 404s as unmatched', () => {
    const uploads = 'zphz_http_request_duration_seconds_count{method="PUT",route="/api/orders/:id/photo",status_code="202"}';
    expect(value(before, uploads)).toBe(0);
    expect(value(after, uploads)).toBe(3);
    expect(value(after, 'zphz_http_request_duration_seconds_bucket{le="+Inf",method="PUT",route="/api/orders/:id/photo",status_code="202"}')).toBe(3);
    expect(value(after, 'zphz_http_request_duration_seconds_sum{method="PUT",route="/api/orders/:id/photo",status_code="202"}')).toBeGreaterThan(0);
    expect(value(after, 'zphz_http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"}')).toBe(1);
    // A pattern, never a URL with an order id in it.
    expect([...after.keys()].filter((k) => /route="\/api\/orders\/[A-Za-z0-9_-]{8,}/.test(k))).toEqual([]);
  });

  it('counts photo processing seconds by outcome', () => {
    expect(value(before, 'zphz_photo_processing_seconds_count{outcome="accepted"}')).toBe(0);
    expect(value(after, 'zphz_photo_processing_seconds_count{outcome="accepted"}')).toBe(2);
    expect(value(after, 'zphz_photo_processing_seconds_count{outcome="error"}')).toBe(3); // three attempts
  });

  it('shows jobs by type and state, and the failed one', () => {
    expect(value(before, 'zphz_jobs{type="process-photo",state="failed"}')).toBe(0);
    expect(value(after, 'zphz_jobs{type="process-photo",state="failed"}')).toBe(1);
    expect(value(after, 'zphz_jobs{type="process-photo",state="queued"}')).toBe(0);
  });

  it('counts notifications sent and failed, and the outbox by state', () => {
    expect(value(before, 'zphz_notifications_total{outcome="sent"}')).toBe(0);
    expect(before.has('zphz_notifications_total{outcome="failed"}')).toBe(true);
    expect(value(after, 'zphz_notifications_total{outcome="sent"}')).toBe(2);
    expect(value(after, 'zphz_notifications_total{outcome="failed"}')).toBe(1);
    expect(value(after, 'zphz_notification_outbox{state="sent"}')).toBe(2);
  });

  it('has the process metrics next to ours', () => {
    expect(value(after, 'zphz_process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
  });
});

describe('who may read /metrics', () => {
  const data = tempDataDir();
  const data2 = tempDataDir();
  let open: FastifyInstance;
  let tokened: FastifyInstance;
  beforeAll(async () => {
    open = await testApp(testConfig(data.dir));
    tokened = await testApp(testConfig(data2.dir, { metricsToken: 'scrape-secret' }));
  });
  afterAll(async () => {
    await open?.close();
    await tokened?.close();
    data.remove();
    data2.remove();
  });

  it('without METRICS_TOKEN: a loopback client only; anyone else gets a plain 404', async () => {
    expect((await open.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    const remote = await open.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' });
    expect(remote.statusCode).toBe(404);
    expect(remote.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    // X-Forwarded-For does not make a client local.
    expect((await open.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9', headers: { 'x-forwarded-for': '127.0.0.1' } })).statusCode).toBe(404);
  });

  it('with METRICS_TOKEN: the bearer token, from anywhere; without it 401', async () => {
    expect((await tokened.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await tokened.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
    const ok = await tokened.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9', headers: { authorization: 'Bearer scrape-secret' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('# TYPE zphz_http_request_duration_seconds histogram');
  });
});

describe('request ids', () => {
  const data = tempDataDir();
  const data2 = tempDataDir();
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  let direct: FastifyInstance;
  let proxied: FastifyInstance;
  beforeAll(async () => {
    direct = await testApp(testConfig(data.dir), { logger: { level: 'info', stream } });
    proxied = await testApp(testConfig(data2.dir, { trustProxy: '127.0.0.1' }));
  });
  afterAll(async () => {
    await direct?.close();
    await proxied?.close();
    data.remove();
    data2.remove();
  });

  it('answers every request with a fresh X-Request-Id, also errors, and logs it as requestId', async () => {
    const a = await direct.inject({ method: 'GET', url: '/api/catalog' });
    const b = await direct.inject({ method: 'GET', url: '/api/orders' }); // 401
    expect(b.statusCode).toBe(401);
    for (const res of [a, b]) expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    const logged = lines.filter((l) => l.requestId === a.headers['x-request-id']);
    expect(logged.map((l) => l.msg)).toEqual(expect.arrayContaining(['incoming request', 'request completed']));
  });

  it('ignores an incoming X-Request-Id from an untrusted peer', async () => {
    const res = await direct.inject({ method: 'GET', url: '/api/catalog', headers: { 'x-request-id': 'lb-1234' } });
    expect(res.headers['x-request-id']).not.toBe('lb-1234');
  });

  it('keeps a trusted proxy’s X-Request-Id (TRUST_PROXY), unless it is not a plain token', async () => {
    expect((await proxied.inject({ method: 'GET', url: '/api/catalog', headers: { 'x-request-id': 'lb-1234' } })).headers['x-request-id']).toBe('lb-1234');
    const odd = await proxied.inject({ method: 'GET', url: '/api/catalog', headers: { 'x-request-id': 'has space"quote' } });
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const untrusted = await proxied.inject({ method: 'GET', url: '/api/catalog', remoteAddress: '198.51.100.7', headers: { 'x-request-id': 'lb-1234' } });
    expect(untrusted.headers['x-request-id']).not.toBe('lb-1234');
  });

  it('is what code running for the request sees (currentRequestId), and nothing outside one', async () => {
    const data3 = tempDataDir();
    const config = testConfig(data3.dir);
    const client = new WeChatClient(config.wechat, { clock: systemClock });
    const seen: (string | null)[] = [];
    const app = await testApp(config, {
      wechat: {
        async code2Session(code) {
          seen.push(currentRequestId());
          return client.code2Session(code);
        },
        sendSubscribeMessage: (m) => client.sendSubscribeMessage(m),
        getUnlimitedCode: (r) => client.getUnlimitedCode(r),
      },
    });
    try {
      const res = await app.inject({ method: 'POST', url: '/api/auth/wechat', payload: { code: 'ops.2' } });
      expect(seen).toEqual([res.headers['x-request-id']]);
      expect(currentRequestId()).toBeNull();
    } finally {
      await app.close();
      data3.remove();
    }
  });

  it('matches TRUST_PROXY entries as proxy-addr does: addresses, CIDRs, names', () => {
    const trusted = trustedPeer('10.0.0.0/8, loopback, 192.0.2.5');
    expect(['10.1.2.3', '127.0.0.1', '::1', '::ffff:127.0.0.1', '192.0.2.5'].map(trusted)).toEqual([true, true, true, true, true]);
    expect(['11.0.0.1', '192.0.2.6', undefined].map(trusted)).toEqual([false, false, false]);
  });
});

describe('/api/health', () => {
  it('is 200 with database, storage and queue each up (the fields ServerProcess waits for)', async () => {
    const data = tempDataDir();
    const app = await testApp(testConfig(data.dir));
    try {
      const res = await app.inject({ method: 'GET', url: '/api/health' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        ok: true,
        down: [],
        database: { ok: true },
        storage: { ok: true, kind: process.env.TEST_S3_ENDPOINT ? 's3' : 'files' },
        queue: { ok: true, queued: 0, running: 0, failed: 0 },
      });
    } finally {
      await app.close();
      data.remove();
    }
  });

  it('a worker process answers health and metrics (its engine timings live there) and nothing of the API', async () => {
    const data = tempDataDir();
    const worker = await testApp(testConfig(data.dir), { role: 'worker', processor: fakeProcessor(async (_input, cert) => ({ report: fakeReport(cert, true), jpeg: null })) });
    try {
      expect((await worker.inject({ method: 'GET', url: '/api/health' })).json()).toMatchObject({ ok: true, down: [] });
      const metrics = await worker.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.statusCode).toBe(200);
      expect(metrics.body).toContain('zphz_photo_processing_seconds');
      expect((await worker.inject({ method: 'GET', url: '/api/orders' })).statusCode).toBe(404);
    } finally {
      await worker.close();
      data.remove();
    }
  });

  it('is 503 naming storage (and only storage) when the S3 server is gone', async () => {
    const data = tempDataDir();
    const s3 = await startTestS3();
    const app = await testApp(testConfig(data.dir, { storage: loadStorageConfig({ ...s3.env, S3_PREFIX: 'health/' }) }));
    try {
      expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
      await s3.close();
      const res = await app.inject({ method: 'GET', url: '/api/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ ok: false, code: 'INTERNAL', down: ['storage'], database: { ok: true }, storage: { ok: false, kind: 's3' }, queue: { ok: true } });
      expect(res.json().storage.error).toBeTruthy();
      expect(res.body).not.toContain('127.0.0.1'); // no host names to the public
    } finally {
      await app.close();
      await s3.close();
      data.remove();
    }
  });
});

describe('a start with bad S3 settings', () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  beforeAll(async () => {
    s3 = await startTestS3('zphz-start');
  });
  afterAll(async () => s3?.close());

  const start = (env: Record<string, string>) => {
    const data = tempDataDir();
    return buildApp({ config: testConfig(data.dir, { storage: loadStorageConfig(env) }) }).finally(data.remove);
  };

  it('names S3_BUCKET when the bucket does not exist', async () => {
    await expect(start({ ...s3.env, S3_BUCKET: 'no-such-bucket' })).rejects.toThrow(/^S3_BUCKET: there is no bucket "no-such-bucket"/);
  });

  it('names the credentials when the server does not know the key', async () => {
    await expect(start({ ...s3.env, S3_ACCESS_KEY_ID: 'NOT-A-KEY' })).rejects.toThrow(/^S3_ACCESS_KEY_ID \/ S3_SECRET_ACCESS_KEY: .* refused these credentials/);
  });

  it('names S3_ENDPOINT when nothing answers there', async () => {
    const port = await closedPort();
    await expect(start({ ...s3.env, S3_ENDPOINT: `http://127.0.0.1:${port}` })).rejects.toThrow(/^S3_ENDPOINT: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it('names what is missing from a partial S3_* set, and bad values', () => {
    const { S3_BUCKET: _bucket, S3_SECRET_ACCESS_KEY: _secret, ...partial } = s3.env;
    expect(() => loadConfig({ ...partial, DATA_DIR: tempDataDir().dir })).toThrow('S3 storage is half configured: S3_BUCKET, S3_SECRET_ACCESS_KEY missing');
    expect(() => loadStorageConfig({ S3_FORCE_PATH_STYLE: 'true' })).toThrow(/S3_FORCE_PATH_STYLE set without S3 storage/);
    expect(() => loadStorageConfig({ ...s3.env, S3_ENDPOINT: 'cos.example' })).toThrow(/^S3_ENDPOINT must be/);
    expect(() => loadStorageConfig({ ...s3.env, S3_BUCKET: 'Bad_Bucket' })).toThrow(/^S3_BUCKET "Bad_Bucket" is not a valid bucket name/);
    expect(() => loadStorageConfig({ ...s3.env, S3_FORCE_PATH_STYLE: 'yes' })).toThrow(/^S3_FORCE_PATH_STYLE must be true or false/);
    expect(loadStorageConfig({})).toEqual({ kind: 'files' });
  });

  it('as `main.ts`: exits 1 with one log line naming the setting, and never listens', async () => {
    const port = await closedPort();
    const data = tempDataDir();
    try {
      const run = await runMain({ ...s3.env, S3_BUCKET: 'no-such-bucket', PORT: String(port), DATA_DIR: data.dir, WECHAT_STANDIN_PORT: String(await closedPort()) }, port);
      expect(run.code).toBe(1);
      expect(run.listened).toBe(false);
      const line = run.stderr.split('\n').find((l) => l.includes('could not start'));
      expect(JSON.parse(line!)).toMatchObject({ level: 'fatal', msg: expect.stringMatching(/^could not start: S3_BUCKET: there is no bucket "no-such-bucket"/) });
    } finally {
      data.remove();
    }
  }, 60_000);
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs the real entry point until it exits, probing its port meanwhile. */
async function runMain(env: Record<string, string>, port: number): Promise<{ code: number | null; stderr: string; listened: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    env: { ...process.env, ...env, TEST_S3_ENDPOINT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  let listened = false;
  const probe = setInterval(() => {
    fetch(`http://127.0.0.1:${port}/api/health`).then(
      () => (listened = true),
      () => undefined,
    );
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(probe);
  return { code, stderr, listened };
}
