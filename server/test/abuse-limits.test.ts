/**
 * The outer wall against scripts: rate limits (the shipped defaults) on sign-in, uploads, receipt
 * look-ups, code images and hand-off; security headers on every kind of response; CORS only for
 * configured origins; request size limits. Through the real app, addresses set per request.
 */
import { utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mod3736CheckChar } from '../../shared/image-number';
import { DEFAULT_RATE_LIMITS, loadConfig, loadCorsOrigins, loadRateLimits, type AppConfig } from '../src/config';
import { API_CSP, clientAddressKey, inlineScriptHashes } from '../src/routes/security';
import { RateLimiter } from '../src/services/rate-limiter';
import {
  acceptingProcessor,
  addApiKey,
  auth,
  createOrder,
  expectError,
  fixture,
  getOrder,
  localCounter,
  localStaffPassword,
  login,
  multipart,
  tempDataDir,
  testApp,
  testConfig,
  uploadPhoto,
  waitUntilProcessed,
  MovableClock,
} from './support/api-harness';

const INLINE = '!function(){document.documentElement.style.fontSize="20px"}();';
const data = tempDataDir();
const h5Dir = path.join(data.dir, 'h5');
const clock = new MovableClock();
let config: AppConfig;
let app: FastifyInstance;
let counter: string;
let apiKey: string;

beforeAll(async () => {
  mkdirSync(path.join(h5Dir, 'js'), { recursive: true });
  writeFileSync(path.join(h5Dir, 'index.html'), `<!doctype html><title>照片回执</title><script>${INLINE}</script><script defer src="/js/app.js"></script>`);
  writeFileSync(path.join(h5Dir, 'js', 'app.js'), 'console.log(1)');
  // The shipped limits; WeChat points at a port nobody listens on (sign-ins fail fast, 503).
  config = testConfig(data.dir, { rateLimits: DEFAULT_RATE_LIMITS, h5Dir });
  app = await testApp(config, { processor: acceptingProcessor(), clock });
  counter = await localCounter(app, data.dir);
  apiKey = await addApiKey(config, '办证平台');
});
afterAll(async () => {
  await app?.close();
  data.remove();
});

/** A request from `ip` (the socket's address: X-Forwarded-For is not believed by default). */
function from(ip: string, options: InjectOptions) {
  return app.inject({ ...options, remoteAddress: ip });
}

function expectLimited(res: { statusCode: number; body: string; headers: Record<string, unknown> }, windowS: number) {
  expectError(res, 429, 'TOO_MANY_REQUESTS');
  const retry = Number(res.headers['retry-after']);
  expect(Number.isInteger(retry)).toBe(true);
  expect(retry).toBeGreaterThanOrEqual(1);
  expect(retry).toBeLessThanOrEqual(windowS);
}

/** `n` requests in a row; none may be limited. */
async function times(n: number, make: (i: number) => Promise<{ statusCode: number; body: string }>) {
  for (let i = 0; i < n; i++) {
    const res = await make(i);
    expect(res.statusCode, `request ${i + 1}: ${res.body.slice(0, 200)}`).not.toBe(429);
  }
}

/** A valid-looking image number that was never issued. */
function unknownNumber(i: number): string {
  const body = `A4403250101${String(i).padStart(10, '0')}`;
  return body + mod3736CheckChar(body);
}

describe('rate limits (shipped defaults)', () => {
  it('sign-in: 10 a minute per address and route, then 429 with Retry-After; other addresses, other routes and the next minute are fine', async () => {
    const nick = (ip: string) => from(ip, { method: 'POST', url: '/api/auth/local-login', payload: { nickname: '脚本' } });
    await times(10, () => nick('203.0.113.1'));
    expectLimited(await nick('203.0.113.1'), 60);
    expect((await nick('203.0.113.2')).statusCode).toBe(200);
    const staff = await from('203.0.113.1', { method: 'POST', url: '/api/auth/staff-login', payload: { username: 'counter', password: localStaffPassword(data.dir, 'counter') } });
    expect(staff.statusCode).toBe(200);
    clock.offsetMs = 61_000;
    try {
      expect((await nick('203.0.113.1')).statusCode).toBe(200);
    } finally {
      clock.offsetMs = 0;
    }
  });

  it('stops staff password guessing from one address after 10 tries, even when the 11th is right; X-Forwarded-For changes nothing', async () => {
    const attempt = (username: string, password: string, i: number) =>
      from('203.0.113.10', {
        method: 'POST',
        url: '/api/auth/staff-login',
        headers: { 'x-forwarded-for': `198.51.100.${i}`, 'x-real-ip': `198.51.100.${i}` },
        payload: { username, password },
      });
    for (let i = 0; i < 10; i++) expectError(await attempt(`guess${i}`, 'wrong', i), 401, 'BAD_CREDENTIALS');
    expectLimited(await attempt('counter', localStaffPassword(data.dir, 'counter'), 99), 60);
  });

  it('stops guessing one staff password from many addresses after 10 tries in 10 minutes; other accounts are unaffected', async () => {
    const attempt = (ip: string, username: string, password: string) => from(ip, { method: 'POST', url: '/api/auth/staff-login', payload: { username, password } });
    for (let i = 0; i < 10; i++) expectError(await attempt(`198.18.0.${i + 1}`, 'reviewer', `guess-${i}`), 401, 'BAD_CREDENTIALS');
    expectLimited(await attempt('198.18.1.1', 'REVIEWER', localStaffPassword(data.dir, 'reviewer')), 600);
    expect((await attempt('198.18.1.2', 'counter', localStaffPassword(data.dir, 'counter'))).statusCode).toBe(200);
  });

  it('WeChat sign-in: 10 a minute per address', async () => {
    const wx = (i: number) => from('203.0.113.20', { method: 'POST', url: '/api/auth/wechat', payload: { code: `bot.${i}` } });
    await times(10, wx);
    expectLimited(await wx(10), 60);
  });

  it('uploads: 20 per person per 10 minutes, refused before the body is read; another person at the same address may still upload', async () => {
    const ip = '203.0.113.30';
    const first = await login(app, '上传狂');
    const order = await createOrder(app, first);
    const junk = multipart('photo', Buffer.from('not an image'));
    await times(20, () => from(ip, { method: 'PUT', url: `/api/orders/${order.id}/photo`, headers: { ...auth(first), ...junk.headers }, payload: junk.payload }));
    const fresh = await createOrder(app, first);
    const photo = multipart('photo', fixture('deepface-img3.jpg'));
    const limited = await from(ip, { method: 'POST', url: `/api/orders/${fresh.id}/photo`, headers: { ...auth(first), ...photo.headers }, payload: photo.payload });
    expectLimited(limited, 600);
    // Refused before the handler: the order did not move.
    expect((await getOrder(app, first, fresh.id)).status).toBe('draft');

    const second = await login(app, '隔壁');
    const theirs = await createOrder(app, second);
    const ok = await from(ip, { method: 'PUT', url: `/api/orders/${theirs.id}/photo`, headers: { ...auth(second), ...photo.headers }, payload: photo.payload });
    expect(ok.statusCode, ok.body).toBe(202);
  });

  it('uploads: 60 per address per 10 minutes, signed in or not', async () => {
    const junk = multipart('photo', Buffer.from('x'));
    const put = () => from('203.0.113.31', { method: 'PUT', url: '/api/orders/AAAAAAAAAAAAAAAAAAAAAA/photo', headers: junk.headers, payload: junk.payload });
    await times(60, put);
    expectLimited(await put(), 600);
  });

  it('receipt look-ups and uses: 60 a minute per caller, 120 per address (anonymous guessing included)', async () => {
    const ip = '203.0.113.40';
    const lookup = (i: number, token: string) => from(ip, { method: 'GET', url: `/api/receipts/${unknownNumber(i)}`, headers: auth(token) });
    await times(60, (i) => lookup(i, counter));
    expectLimited(await lookup(60, counter), 60);
    // `use` counts with look-ups: the clerk is stopped there too.
    expectLimited(await from(ip, { method: 'POST', url: `/api/receipts/${unknownNumber(61)}/use`, headers: auth(counter) }), 60);
    // The platform's key is another caller.
    expectError(await lookup(62, apiKey), 404, 'RECEIPT_NOT_FOUND');

    const guess = (i: number) => from('203.0.113.41', { method: 'GET', url: `/api/receipts/${unknownNumber(i)}` });
    await times(120, guess);
    expectLimited(await guess(120), 60);
  });

  it('code images: 30 a minute per address (each may cost a WeChat call)', async () => {
    const code = (i: number) => from('203.0.113.50', { method: 'GET', url: `/api/wxacode?scene=x${i}` });
    await times(30, code);
    expectLimited(await code(30), 60);
  });

  it('hand-off tickets: 20 redemptions a minute per person (guessing tickets)', async () => {
    const person = await login(app, '猜票的人');
    const redeem = (i: number) =>
      from('203.0.113.60', { method: 'POST', url: '/api/handoff/redeem', headers: auth(person), payload: { ticket: `Ticket${String(i).padStart(6, '0')}` } });
    await times(20, redeem);
    expectLimited(await redeem(20), 60);
  });

  it('counts an IPv6 /64 as one address', async () => {
    const nick = (ip: string) => from(ip, { method: 'POST', url: '/api/auth/local-login', payload: { nickname: 'v6' } });
    await times(10, (i) => nick(`2001:db8:aa:bb::${i + 1}`));
    expectLimited(await nick('2001:db8:aa:bb:ffff:1:2:3'), 60);
    expect((await nick('2001:db8:aa:bc::1')).statusCode).toBe(200);
    expect(clientAddressKey('2001:0db8:00aa:00bb:0000:0000:0000:0001')).toBe('2001:db8:aa:bb::/64');
    expect(clientAddressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientAddressKey('::1')).toBe('0:0:0:0::/64');
    expect(clientAddressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(clientAddressKey('192.0.2.7')).toBe('192.0.2.7');
  });

  it('reads limits from the environment and refuses nonsense', () => {
    expect(loadRateLimits({ RATE_LIMIT_LOGIN: '5/30', RATE_LIMIT_UPLOAD_IP: '100/600' })).toMatchObject({
      login: { max: 5, windowMs: 30_000 },
      uploadIp: { max: 100, windowMs: 600_000 },
      lookup: DEFAULT_RATE_LIMITS.lookup,
    });
    expect(() => loadRateLimits({ RATE_LIMIT_LOGIN: 'lots' })).toThrow(/RATE_LIMIT_LOGIN/);
    expect(() => loadRateLimits({ RATE_LIMIT_LOOKUP: '0/60' })).toThrow(/RATE_LIMIT_LOOKUP/);
  });
});

describe('the limiter', () => {
  it('opens a new window when the old one ends and keeps its table bounded', () => {
    const limiter = new RateLimiter({ maxKeys: 100, sweepEveryMs: 1000 });
    const rule = { max: 2, windowMs: 10_000 };
    expect(limiter.hit('a', rule, 0)).toEqual({ allowed: true });
    expect(limiter.hit('a', rule, 1)).toEqual({ allowed: true });
    expect(limiter.hit('a', rule, 2_500)).toEqual({ allowed: false, retryAfterS: 8 });
    expect(limiter.hit('a', rule, 10_000)).toEqual({ allowed: true });
    for (let i = 0; i < 1000; i++) limiter.hit(`flood-${i}`, rule, 10_000);
    expect(limiter.size).toBeLessThanOrEqual(100);
    limiter.hit('late', rule, 30_000);
    expect(limiter.size).toBe(1);
  });
});

describe('security headers', () => {
  const base = (headers: Record<string, unknown>) => {
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(headers['access-control-allow-origin']).toBeUndefined();
    expect(headers['x-powered-by']).toBeUndefined();
  };

  it('on API answers, errors and unknown routes: the API policy and no caching', async () => {
    const owner = await login(app, '看头的人');
    for (const res of [
      await app.inject({ method: 'GET', url: '/api/health' }),
      await app.inject({ method: 'GET', url: '/api/orders', headers: auth(owner) }),
      await app.inject({ method: 'GET', url: '/api/orders' }),
      await app.inject({ method: 'GET', url: '/api/nothing-here' }),
      await app.inject({ method: 'POST', url: '/api/auth/local-login', payload: {} }),
    ]) {
      base(res.headers);
      expect(res.headers['content-security-policy']).toBe(API_CSP);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    }
  });

  it('on files: the photo keeps private no-store, the code image its own caching', async () => {
    const owner = await login(app, '有照片的人');
    const order = await createOrder(app, owner);
    expect((await uploadPhoto(app, owner, order.id, fixture('deepface-img3.jpg'))).statusCode).toBe(202);
    const view = await waitUntilProcessed(app, owner, order.id);
    const res = await app.inject({ method: 'GET', url: view.photoUrl! });
    expect(res.statusCode).toBe(200);
    base(res.headers);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.headers['content-security-policy']).toBe(API_CSP);
  });

  it('on the h5 app: a policy that allows its own scripts and the inline one by hash, nothing foreign, no framing', async () => {
    const index = await app.inject({ method: 'GET', url: '/' });
    expect(index.statusCode).toBe(200);
    base(index.headers);
    expect(index.headers['cache-control']).toBe('no-cache');
    const csp = String(index.headers['content-security-policy']);
    const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));
    const hash = `'sha256-${createHash('sha256').update(INLINE).digest('base64')}'`;
    // 'wasm-unsafe-eval' lets the camera's face detector compile its WebAssembly; it allows no
    // JavaScript eval and no inline script.
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", hash]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval|hashes)'/);

    const bundle = await app.inject({ method: 'GET', url: '/js/app.js' });
    base(bundle.headers);
    expect(bundle.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    // A rebuild changes the inline script: the policy follows without a restart.
    const rebuilt = 'console.log("rebuilt")';
    writeFileSync(path.join(h5Dir, 'index.html'), `<!doctype html><script>${rebuilt}</script>`);
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(h5Dir, 'index.html'), later, later);
    const after = await app.inject({ method: 'GET', url: '/index.html' });
    expect(String(after.headers['content-security-policy'])).toContain(`'sha256-${createHash('sha256').update(rebuilt).digest('base64')}'`);
    expect(inlineScriptHashes('<script src="/a.js"></script><script type="module">x()</script>')).toEqual([
      `sha256-${createHash('sha256').update('x()').digest('base64')}`,
    ]);
  });
});

describe('CORS', () => {
  const preflight = (target: FastifyInstance, origin: string) =>
    target.inject({
      method: 'OPTIONS',
      url: '/api/orders',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });

  it('by default (the h5 app is same-origin) refuses every preflight and sends no CORS headers', async () => {
    expectError(await preflight(app, 'https://evil.example'), 403, 'ORIGIN_NOT_ALLOWED');
    const res = await app.inject({ method: 'GET', url: '/api/catalog', headers: { origin: 'https://evil.example' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers only the configured origins', async () => {
    const own = tempDataDir();
    const partner = 'https://partner.example';
    const other = await testApp(testConfig(own.dir, { corsOrigins: loadCorsOrigins(`${partner}/ , https://second.example:8443`) }), { processor: acceptingProcessor() });
    try {
      const ok = await preflight(other, partner);
      expect(ok.statusCode).toBe(204);
      expect(ok.headers).toMatchObject({
        'access-control-allow-origin': partner,
        'access-control-allow-methods': 'GET, HEAD, POST, PUT',
        'access-control-allow-headers': 'Authorization, Content-Type',
        vary: 'Origin',
      });
      const token = (await other.inject({ method: 'POST', url: '/api/auth/local-login', headers: { origin: partner }, payload: { nickname: '合作方' } })).json<{ token: string }>().token;
      const call = await other.inject({ method: 'GET', url: '/api/orders', headers: { origin: partner, ...auth(token) } });
      expect(call.statusCode).toBe(200);
      expect(call.headers['access-control-allow-origin']).toBe(partner);
      expect((await preflight(other, 'https://second.example:8443')).statusCode).toBe(204);

      for (const origin of ['https://evil.example', 'https://partner.example.evil.example', 'http://partner.example', 'null']) {
        const refused = await preflight(other, origin);
        expectError(refused, 403, 'ORIGIN_NOT_ALLOWED');
        expect(refused.headers['access-control-allow-origin']).toBeUndefined();
        const plain = await other.inject({ method: 'GET', url: '/api/catalog', headers: { origin } });
        expect(plain.headers['access-control-allow-origin']).toBeUndefined();
      }
    } finally {
      await other.close();
      own.remove();
    }
  });

  it('reads CORS_ORIGINS strictly: exact origins only', () => {
    expect(loadCorsOrigins(undefined)).toEqual([]);
    expect(loadCorsOrigins('https://A.example, http://b.example:8080/')).toEqual(['https://a.example', 'http://b.example:8080']);
    for (const bad of ['*', 'https://a.example/path', 'ftp://a.example', 'a.example']) expect(() => loadCorsOrigins(bad)).toThrow(/CORS_ORIGINS/);
    // And the defaults need no environment at all.
    const env = tempDataDir();
    try {
      const loaded = loadConfig({ DATA_DIR: env.dir });
      expect(loaded).toMatchObject({ corsOrigins: [], bodyLimitBytes: 65_536, trustProxy: false, staffSessionHours: 12, rateLimits: DEFAULT_RATE_LIMITS });
    } finally {
      env.remove();
    }
  });
});

describe('request size and shape', () => {
  it('refuses a JSON body over 64 KB with 413 BODY_TOO_LARGE', async () => {
    const owner = await login(app, '大包');
    const order = await createOrder(app, owner);
    const big = { nickname: '甲', padding: 'x'.repeat(70 * 1024) };
    expectError(await from('203.0.113.70', { method: 'POST', url: '/api/auth/local-login', payload: big }), 413, 'BODY_TOO_LARGE');
    expectError(await app.inject({ method: 'PUT', url: `/api/orders/${order.id}/applicant`, headers: auth(owner), payload: big }), 413, 'BODY_TOO_LARGE');
  });

  it('refuses bodies it does not read (text/plain: 415) and prototype pollution (400)', async () => {
    const plain = await from('203.0.113.70', { method: 'POST', url: '/api/auth/local-login', headers: { 'content-type': 'text/plain' }, payload: '{"nickname":"甲"}' });
    expect(plain.statusCode).toBe(415);
    expect(Object.keys(plain.json()).sort()).toEqual(['code', 'message']);
    const poisoned = await from('203.0.113.70', {
      method: 'POST',
      url: '/api/auth/local-login',
      headers: { 'content-type': 'application/json' },
      payload: '{"nickname":"甲","__proto__":{"isAdmin":true}}',
    });
    expect(poisoned.statusCode).toBe(400);
    expect(Object.keys(poisoned.json()).sort()).toEqual(['code', 'message']);
  });

  it('still takes a photo far above the JSON limit, and refuses a multipart body stuffed with fields', async () => {
    const owner = await login(app, '正常上传');
    const order = await createOrder(app, owner);
    const photo = fixture('deepface-img3.jpg');
    expect(photo.length).toBeGreaterThan(64 * 1024);
    expect((await uploadPhoto(app, owner, order.id, photo)).statusCode).toBe(202);

    const other = await createOrder(app, owner);
    const boundary = '----zphzstuffed';
    const fields = Array.from({ length: 40 }, (_, i) => `--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\n${'v'.repeat(2000)}\r\n`).join('');
    const payload = Buffer.concat([
      Buffer.from(fields),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
      photo,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const stuffed = await app.inject({
      method: 'PUT',
      url: `/api/orders/${other.id}/photo`,
      headers: { ...auth(owner), 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    expect(stuffed.statusCode, stuffed.body).toBeGreaterThanOrEqual(400);
    expect(stuffed.statusCode).toBeLessThan(500);
    expect(Object.keys(stuffed.json()).sort()).toEqual(['code', 'message']);
    expect((await getOrder(app, owner, other.id)).status).toBe('draft');
  });
});
