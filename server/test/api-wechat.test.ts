/**
 * WeChat sign-in, the client configuration and code images through the API, with the stand-in
 * answering over real HTTP.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ClientConfigView } from '../../shared/api';
import { ENTRY_SCENE } from '../../shared/wechat';
import type { WeChatStandin } from '../src/wechat/standin';
import { acceptingProcessor, auth, createOrder, expectError, standinWeChat, startTestStandin, tempDataDir, testApp, testConfig, wechatLogin } from './support/api-harness';
import { decodeQr } from './support/qr';

const PUBLIC_URL = 'http://192.0.2.20:3000';

let standin: WeChatStandin;
let app: FastifyInstance;
const data = tempDataDir();

beforeAll(async () => {
  standin = await startTestStandin(PUBLIC_URL);
  app = await testApp(testConfig(data.dir, { wechat: standinWeChat(standin, { timeoutMs: 1500 }) }), { processor: acceptingProcessor() });
});
afterAll(async () => {
  await app.close();
  await standin.close();
  data.remove();
});
afterEach(() => standin.reset());

describe('POST /api/auth/wechat', () => {
  it('signs a person in by their openid: a later code of the same person reaches the same orders', async () => {
    const first = await wechatLogin(app, 'alice.1');
    const order = await createOrder(app, first);
    const again = await wechatLogin(app, 'alice.2');
    expect(again).not.toBe(first);
    const list = await app.inject({ method: 'GET', url: '/api/orders', headers: auth(again) });
    expect(list.json<{ id: string }[]>().map((o) => o.id)).toEqual([order.id]);
    const someoneElse = await wechatLogin(app, 'bob.1');
    expect((await app.inject({ method: 'GET', url: '/api/orders', headers: auth(someoneElse) })).json()).toEqual([]);
  });

  it('answers only a session token: the session_key stays on the server', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/wechat', payload: { code: 'carol.1' } });
    expect(Object.keys(res.json())).toEqual(['token']);
  });

  it('two sign-ins of a new person at once make one account', async () => {
    const [a, b] = await Promise.all([wechatLogin(app, 'dave.1'), wechatLogin(app, 'dave.2')]);
    const order = await createOrder(app, a);
    const seen = await app.inject({ method: 'GET', url: `/api/orders/${order.id}`, headers: auth(b) });
    expect(seen.statusCode).toBe(200);
  });

  it('explains a used or invalid code, a blocked account and an unavailable WeChat in Chinese', async () => {
    await wechatLogin(app, 'erin.1');
    expectError(await app.inject({ method: 'POST', url: '/api/auth/wechat', payload: { code: 'erin.1' } }), 401, 'WECHAT_CODE_INVALID');
    standin.fail({ endpoint: 'jscode2session', errcode: 40226, errmsg: 'code blocked' });
    expectError(await app.inject({ method: 'POST', url: '/api/auth/wechat', payload: { code: 'erin.2' } }), 403, 'WECHAT_LOGIN_BLOCKED');
    standin.fail({ endpoint: 'jscode2session', status: 500 });
    expectError(await app.inject({ method: 'POST', url: '/api/auth/wechat', payload: { code: 'erin.3' } }), 503, 'WECHAT_UNAVAILABLE');
    standin.fail({ endpoint: 'jscode2session', delayMs: 2500 });
    expectError(await app.inject({ method: 'POST', url: '/api/auth/wechat', payload: { code: 'erin.4' } }), 503, 'WECHAT_UNAVAILABLE');
    expectError(await app.inject({ method: 'POST', url: '/api/auth/wechat', payload: {} }), 400, 'VALIDATION_FAILED');
    expectError(await app.inject({ method: 'POST', url: '/api/auth/wechat', payload: { code: 'x'.repeat(200) } }), 400, 'VALIDATION_FAILED');
  });
});

describe('GET /api/client-config', () => {
  it('tells the client the sign-in mode and the template ids to subscribe to', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/client-config' });
    expect(res.json<ClientConfigView>()).toEqual({
      mode: 'local',
      subscribeTemplates: { result: 'standin-template-result', expiry: 'standin-template-expiry' },
    });
  });
});

describe('GET /api/wxacode', () => {
  it('serves the code image for a scene, fetched from WeChat once', async () => {
    const url = `/api/wxacode?scene=${encodeURIComponent(ENTRY_SCENE)}`;
    const [a, b] = await Promise.all([app.inject({ method: 'GET', url }), app.inject({ method: 'GET', url })]);
    expect(a.statusCode).toBe(200);
    expect(a.headers['content-type']).toBe('image/png');
    expect(await decodeQr(a.rawPayload)).toBe(`${PUBLIC_URL}/#/pages/index/index?scene=${encodeURIComponent(ENTRY_SCENE)}`);
    expect(b.rawPayload.equals(a.rawPayload)).toBe(true);
    await app.inject({ method: 'GET', url });
    expect(standin.calls().getwxacodeunlimit).toBe(1);
  });

  it('refuses a scene WeChat would refuse (too long, outside the allowed characters, missing)', async () => {
    for (const scene of ['a'.repeat(33), '中文', 'a%20b', 'a b', '']) {
      expectError(await app.inject({ method: 'GET', url: `/api/wxacode?scene=${encodeURIComponent(scene)}` }), 400, 'VALIDATION_FAILED');
    }
    expectError(await app.inject({ method: 'GET', url: '/api/wxacode' }), 400, 'VALIDATION_FAILED');
    expect(standin.calls().getwxacodeunlimit).toBe(0);
  });

  it('answers 503 when WeChat cannot make the code, and tries again on the next request', async () => {
    standin.fail({ endpoint: 'getwxacodeunlimit', status: 502 });
    const url = `/api/wxacode?scene=${encodeURIComponent('t=retry0000001')}`;
    expectError(await app.inject({ method: 'GET', url }), 503, 'WECHAT_UNAVAILABLE');
    expect((await app.inject({ method: 'GET', url })).statusCode).toBe(200);
  });
});
