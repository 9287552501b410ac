/**
 * Every way a request can go wrong answers `{code, message}` in Chinese with the right status.
 * The engine is a stand-in here: these tests are about the API's edges, not the photo.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../shared/api';
import { idCheckChar } from '../../shared/identity';
import { loadWeChatConfig } from '../src/config';
import {
  auth,
  createOrder,
  expectError,
  fakeProcessor,
  fakeReport,
  fixture,
  login,
  multipart,
  tempDataDir,
  testApp,
  testConfig,
  uploadPhoto,
  waitUntilProcessed,
} from './support/api-harness';

const JPEG = fixture('deepface-img3.jpg');
const ID_NUMBER = `44010519851224201${idCheckChar('44010519851224201')}`;
const APPLICANT = { name: '李四', idNumber: ID_NUMBER, phone: '13800138000', consent: true };

const data = tempDataDir();
let app: FastifyInstance;
let owner: string;
let stranger: string;
let readyOrder: OrderView;

beforeAll(async () => {
  // The stand-in returns the upload itself as "processed" and accepts it.
  app = await testApp(testConfig(data.dir), { processor: fakeProcessor(async (input, cert) => ({ report: fakeReport(cert, true), jpeg: input })) });
  owner = await login(app, '甲');
  stranger = await login(app, '乙');
  readyOrder = await createOrder(app, owner);
  expect((await uploadPhoto(app, owner, readyOrder.id, JPEG)).statusCode).toBe(202);
  readyOrder = await waitUntilProcessed(app, owner, readyOrder.id);
  expect(readyOrder.status).toBe('ready');
});
afterAll(async () => {
  await app?.close();
  data.remove();
});

describe('validation', () => {
  it('names each bad field with its Chinese message', async () => {
    const res = await app.inject({ method: 'PUT', url: `/api/orders/${readyOrder.id}/applicant`, headers: auth(owner), payload: { name: 'Bob', idNumber: '440105198512242010', phone: '123', consent: false } });
    const body = expectError(res, 400, 'VALIDATION_FAILED');
    expect(body.fields).toEqual({
      name: '请输入与身份证一致的中文姓名',
      idNumber: '身份证号校验位不正确,请逐位核对',
      phone: '请输入 11 位手机号',
      consent: '请先阅读并同意个人信息处理规则',
    });
  });

  it('reports missing fields and wrong types in Chinese', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/orders', headers: auth(owner), payload: { certType: 'visa', cityCode: 4403 } });
    const body = expectError(res, 400, 'VALIDATION_FAILED');
    // A number where a string belongs gets zod's English message: the handler swaps in Chinese.
    expect(body.fields).toEqual({ certType: '请选择证件类型', cityCode: '格式不正确,请检查' });
    const login = await app.inject({ method: 'POST', url: '/api/auth/local-login', payload: {} });
    expect(expectError(login, 400, 'VALIDATION_FAILED').fields).toEqual({ nickname: '请输入昵称' });
  });

  it('refuses malformed JSON and a bad status filter', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/orders', headers: { ...auth(owner), 'content-type': 'application/json' }, payload: '{"certType":' });
    expectError(res, 400, 'BAD_REQUEST');
    const list = await app.inject({ method: 'GET', url: '/api/orders?status=draft,bogus', headers: auth(owner) });
    expect(expectError(list, 400, 'VALIDATION_FAILED').fields).toEqual({ status: '订单状态不正确' });
  });

  it('refuses a city that does not use receipts for the certificate', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/orders', headers: auth(owner), payload: { certType: 'passport', cityCode: '4601' } });
    expectError(res, 422, 'CITY_NOT_SUPPORTED');
    const unknown = await app.inject({ method: 'POST', url: '/api/orders', headers: auth(owner), payload: { certType: 'passport', cityCode: '1100' } });
    expectError(unknown, 422, 'CITY_NOT_SUPPORTED');
  });
});

describe('authentication', () => {
  it('needs a bearer token on every order route', async () => {
    for (const [method, url] of [
      ['GET', '/api/orders'],
      ['POST', '/api/orders'],
      ['GET', `/api/orders/${readyOrder.id}`],
      ['PUT', `/api/orders/${readyOrder.id}/photo`],
      ['PUT', `/api/orders/${readyOrder.id}/applicant`],
      ['POST', `/api/orders/${readyOrder.id}/submit`],
      ['GET', `/api/orders/${readyOrder.id}/photo.jpg`],
    ] as const) {
      expectError(await app.inject({ method, url }), 401, 'UNAUTHORIZED');
      expectError(await app.inject({ method, url, headers: { authorization: `Bearer ${'x'.repeat(43)}` } }), 401, 'UNAUTHORIZED');
      expectError(await app.inject({ method, url, headers: { authorization: owner } }), 401, 'UNAUTHORIZED');
    }
  });

  it('leaves health and catalog open', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/catalog' })).statusCode).toBe(200);
  });

  it('refuses nickname login outside local mode', async () => {
    const wechat = tempDataDir();
    const other = await testApp(testConfig(wechat.dir, { wechat: loadWeChatConfig({ WECHAT_APPID: 'wx1234567890abcdef', WECHAT_SECRET: 'real-secret' }, 0, '127.0.0.1') }), { processor: fakeProcessor(async () => ({ report: fakeReport('resident_id', true), jpeg: null })) });
    try {
      expectError(await other.inject({ method: 'POST', url: '/api/auth/local-login', payload: { nickname: '甲' } }), 403, 'LOCAL_LOGIN_DISABLED');
    } finally {
      await other.close();
      wechat.remove();
    }
  });
});

describe('someone else’s order', () => {
  it('does not exist for them on any route', async () => {
    const id = readyOrder.id;
    const body = multipart('photo', JPEG);
    const attempts = [
      app.inject({ method: 'GET', url: `/api/orders/${id}`, headers: auth(stranger) }),
      app.inject({ method: 'PUT', url: `/api/orders/${id}/photo`, headers: { ...auth(stranger), ...body.headers }, payload: body.payload }),
      app.inject({ method: 'PUT', url: `/api/orders/${id}/applicant`, headers: auth(stranger), payload: APPLICANT }),
      app.inject({ method: 'POST', url: `/api/orders/${id}/submit`, headers: auth(stranger) }),
      app.inject({ method: 'GET', url: `/api/orders/${id}/photo.jpg`, headers: auth(stranger) }),
    ];
    for (const res of await Promise.all(attempts)) expectError(res, 404, 'NOT_FOUND');
    // Nothing changed for the owner.
    const mine = await app.inject({ method: 'GET', url: `/api/orders/${id}`, headers: auth(owner) });
    expect(mine.json<OrderView>()).toMatchObject({ status: 'ready', applicant: null });
  });

  it('answers a made-up order id the same way', async () => {
    expectError(await app.inject({ method: 'GET', url: '/api/orders/AAAAAAAAAAAAAAAAAAAAAA', headers: auth(owner) }), 404, 'NOT_FOUND');
  });
});

describe('order state', () => {
  it('refuses to submit a draft, and a ready order without applicant', async () => {
    const draft = await createOrder(app, owner);
    expectError(await app.inject({ method: 'POST', url: `/api/orders/${draft.id}/submit`, headers: auth(owner) }), 409, 'WRONG_STATUS');
    expectError(await app.inject({ method: 'POST', url: `/api/orders/${readyOrder.id}/submit`, headers: auth(owner) }), 409, 'APPLICANT_MISSING');
  });

  it('refuses a new photo once submitted', async () => {
    const order = await createOrder(app, owner);
    await uploadPhoto(app, owner, order.id, JPEG);
    await waitUntilProcessed(app, owner, order.id);
    await app.inject({ method: 'PUT', url: `/api/orders/${order.id}/applicant`, headers: auth(owner), payload: APPLICANT });
    expect((await app.inject({ method: 'POST', url: `/api/orders/${order.id}/submit`, headers: auth(owner) })).statusCode).toBe(200);
    expectError(await uploadPhoto(app, owner, order.id, JPEG), 409, 'WRONG_STATUS');
    // Submitting again is a double tap: the same submitted order, no second history row
    // (concurrency.test.ts has the simultaneous case).
    const again = await app.inject({ method: 'POST', url: `/api/orders/${order.id}/submit`, headers: auth(owner) });
    expect(again.statusCode).toBe(200);
    expect(again.json<OrderView>().history.filter((h) => h.event === 'submit')).toHaveLength(1);
  });
});

describe('photo upload', () => {
  it('needs the `photo` field', async () => {
    const order = await createOrder(app, owner);
    expectError(await uploadPhoto(app, owner, order.id, JPEG, 'picture'), 400, 'PHOTO_MISSING');
    const json = await app.inject({ method: 'PUT', url: `/api/orders/${order.id}/photo`, headers: auth(owner), payload: { photo: 'x' } });
    expectError(json, 400, 'PHOTO_MISSING');
  });

  it('refuses what is not an image, by its bytes', async () => {
    const order = await createOrder(app, owner);
    const pdf = Buffer.from('%PDF-1.7\n'.padEnd(4096, 'x'));
    expectError(await uploadPhoto(app, owner, order.id, pdf), 422, 'PHOTO_UNREADABLE');
    expectError(await uploadPhoto(app, owner, order.id, Buffer.alloc(0)), 422, 'PHOTO_UNREADABLE');
    // Nothing was queued: the order is still a draft.
    const after = await app.inject({ method: 'GET', url: `/api/orders/${order.id}`, headers: auth(owner) });
    expect(after.json<OrderView>().status).toBe('draft');
  });

  it('refuses more than 20 MiB', async () => {
    const order = await createOrder(app, owner);
    const big = Buffer.alloc(20 * 1024 * 1024 + 1, 0x20);
    JPEG.copy(big, 0, 0, 1024);
    expectError(await uploadPhoto(app, owner, order.id, big), 413, 'PHOTO_TOO_LARGE');
    const after = await app.inject({ method: 'GET', url: `/api/orders/${order.id}`, headers: auth(owner) });
    expect(after.json<OrderView>().status).toBe('draft');
  });
});

describe('photo URL', () => {
  it('refuses a forged, tampered, expired or borrowed signature', async () => {
    const url = new URL(readyOrder.photoUrl!, 'http://x');
    const exp = url.searchParams.get('exp')!;
    const sig = url.searchParams.get('sig')!;
    expect((await app.inject({ method: 'GET', url: readyOrder.photoUrl! })).statusCode).toBe(200);
    const forged = `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    expectError(await app.inject({ method: 'GET', url: `${url.pathname}?exp=${exp}&sig=${forged}` }), 401, 'UNAUTHORIZED');
    expectError(await app.inject({ method: 'GET', url: `${url.pathname}?exp=${Number(exp) + 1800}&sig=${sig}` }), 401, 'UNAUTHORIZED');
    expectError(await app.inject({ method: 'GET', url: `${url.pathname}?exp=1000&sig=${sig}` }), 401, 'UNAUTHORIZED');
    // The same signature on another order's path opens nothing.
    const other = await createOrder(app, owner);
    expectError(await app.inject({ method: 'GET', url: `/api/orders/${other.id}/photo.jpg?exp=${exp}&sig=${sig}` }), 401, 'UNAUTHORIZED');
  });

  it('has no photo to show before one is processed', async () => {
    const draft = await createOrder(app, owner);
    expectError(await app.inject({ method: 'GET', url: `/api/orders/${draft.id}/photo.jpg`, headers: auth(owner) }), 404, 'PHOTO_NOT_FOUND');
  });
});

describe('unknown routes', () => {
  it('answer JSON 404', async () => {
    expectError(await app.inject({ method: 'GET', url: '/api/nope' }), 404, 'ROUTE_NOT_FOUND');
    expectError(await app.inject({ method: 'DELETE', url: '/api/orders' }), 404, 'ROUTE_NOT_FOUND');
  });

  it('serve a Chinese note on / while the h5 app is not built', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('npm run build:h5');
  });
});

describe('the h5 build', () => {
  it('is served on / beside the API', async () => {
    const dir = tempDataDir();
    const h5Dir = path.join(dir.dir, 'h5');
    mkdirSync(path.join(h5Dir, 'js'), { recursive: true });
    writeFileSync(path.join(h5Dir, 'index.html'), '<!doctype html><div id="app"></div>');
    writeFileSync(path.join(h5Dir, 'js', 'app.1234abcd.js'), 'console.log(1)');
    const web = await testApp(testConfig(dir.dir, { h5Dir }), { processor: fakeProcessor(async () => ({ report: fakeReport('resident_id', true), jpeg: null })) });
    try {
      const index = await web.inject({ method: 'GET', url: '/' });
      expect(index.statusCode).toBe(200);
      expect(index.body).toContain('<div id="app">');
      expect(index.headers['cache-control']).toBe('no-cache');
      expect((await web.inject({ method: 'GET', url: '/js/app.1234abcd.js' })).body).toBe('console.log(1)');
      expectError(await web.inject({ method: 'GET', url: '/api/nope' }), 404, 'ROUTE_NOT_FOUND');
      expectError(await web.inject({ method: 'GET', url: '/missing.js' }), 404, 'ROUTE_NOT_FOUND');
    } finally {
      await web.close();
      dir.remove();
    }
  });
});
