/**
 * The WeChat API client against the stand-in over real HTTP: sign-in, the access-token cache
 * (one fetch for many callers, refresh on 40001/42001 and before expiry), failures typed and
 * marked retryable or not, and code images.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENTRY_SCENE, templateData, type NotificationPayload } from '../../shared/wechat';
import { loadWeChatConfig, type WeChatConfig } from '../src/config';
import type { Clock } from '../src/repositories/clock.repository';
import { startStandin, type WeChatStandin } from '../src/wechat/standin';
import { WeChatClient } from '../src/wechat/wechat-client';
import { MovableClock } from './support/api-harness';
import { decodeQr } from './support/qr';

const APPID = 'wxtest000000000001';
const SECRET = 'test-secret';
const PUBLIC_URL = 'http://192.0.2.10:3000';

let standin: WeChatStandin;

beforeAll(async () => {
  standin = await startStandin({ port: 0, appid: APPID, secret: SECRET, publicUrl: PUBLIC_URL });
});
afterAll(() => standin.close());
afterEach(() => standin.reset());

function client(overrides: Partial<WeChatConfig> = {}, clock: Clock = new MovableClock()) {
  const config = { ...loadWeChatConfig({}, 0, '127.0.0.1'), appid: APPID, secret: SECRET, apiBase: standin.url, timeoutMs: 1000, ...overrides };
  return new WeChatClient(config, { clock });
}

const payload: NotificationPayload = {
  kind: 'review_approved',
  orderId: 'order-1234567890',
  certType: 'residence_permit',
  cityCode: '4403',
  applicantName: '张三',
  imageNumber: 'A440326112112345678909',
  expiresAt: '2027-05-20T04:00:00.000Z',
  decidedAt: '2026-11-21T07:01:00.000Z',
};
const message = (touser: string) => ({ touser, templateId: 'tmpl-result', page: 'packages/orders/pages/detail/index?id=x', data: templateData(payload, new Date()) });

describe('code2Session', () => {
  it('answers the openid for a code (text/plain JSON), the same person for the same code prefix, never the session_key', async () => {
    const wx = client();
    const first = await wx.code2Session('alice.1');
    const second = await wx.code2Session('alice.2');
    expect(first).toEqual({ ok: true, value: { openid: standin.openidFor('alice') } });
    expect(second).toEqual(first);
    expect(JSON.stringify(first)).not.toContain('session_key');
  });

  it('types WeChat refusals: a used code (40163), a bad code (40029), a wrong secret (40125), none retryable', async () => {
    const wx = client();
    await wx.code2Session('bob.1');
    const used = await wx.code2Session('bob.1');
    expect(used).toMatchObject({ ok: false, error: { kind: 'wechat', errcode: 40163, retryable: false } });
    expect(await wx.code2Session('not a code!')).toMatchObject({ ok: false, error: { errcode: 40029, retryable: false } });
    const wrong = await client({ secret: 'wrong' }).code2Session('carol.1');
    expect(wrong).toMatchObject({ ok: false, error: { errcode: 40125, retryable: false } });
    if (!wrong.ok) expect(wrong.error.message).not.toContain('wrong');
  });

  it('marks system busy (-1), HTTP 5xx, timeouts and refused connections retryable', async () => {
    const wx = client({ timeoutMs: 150 });
    standin.fail({ endpoint: 'jscode2session', errcode: -1, errmsg: 'system error' });
    expect(await wx.code2Session('dan.1')).toMatchObject({ ok: false, error: { kind: 'wechat', errcode: -1, retryable: true } });
    standin.fail({ endpoint: 'jscode2session', status: 502 });
    expect(await wx.code2Session('dan.2')).toMatchObject({ ok: false, error: { kind: 'http', status: 502, retryable: true } });
    standin.fail({ endpoint: 'jscode2session', delayMs: 600 });
    expect(await wx.code2Session('dan.3')).toMatchObject({ ok: false, error: { kind: 'timeout', retryable: true } });
    const closed = await client({ apiBase: 'http://127.0.0.1:9' }).code2Session('dan.4');
    expect(closed).toMatchObject({ ok: false, error: { kind: 'network', retryable: true } });
  });
});

describe('access token', () => {
  it('fetches one token for many concurrent sends', async () => {
    const wx = client();
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => wx.sendSubscribeMessage(message(`o-user-${i}`))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(standin.calls().stable_token).toBe(1);
    expect(standin.messages()).toHaveLength(25);
    // And keeps it for the next ones.
    await wx.sendSubscribeMessage(message('o-user-later'));
    expect(standin.calls().stable_token).toBe(1);
  });

  it('fetches a new token when WeChat calls the cached one invalid (40001) and sends again, once for all callers', async () => {
    const wx = client();
    expect((await wx.sendSubscribeMessage(message('o-1'))).ok).toBe(true);
    standin.revokeTokens();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => wx.sendSubscribeMessage(message(`o-after-${i}`))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(standin.calls().stable_token).toBe(2);
    expect(standin.messages()).toHaveLength(11);
  });

  it('forces a refresh when the normal mode hands back the token WeChat just refused', async () => {
    const wx = client();
    expect((await wx.sendSubscribeMessage(message('o-1'))).ok).toBe(true);
    standin.fail({ endpoint: 'subscribe_send', errcode: 40001, errmsg: 'invalid credential' });
    expect((await wx.sendSubscribeMessage(message('o-2'))).ok).toBe(true);
    // initial fetch, normal-mode fetch (same token back), force_refresh
    expect(standin.calls().stable_token).toBe(3);
    expect(standin.messages().map((m) => m.touser)).toEqual(['o-1', 'o-2']);
  });

  it('refreshes on 42001 (expired) too, and before expires_in runs out without being told', async () => {
    const clock = new MovableClock();
    const wx = client({}, clock);
    await wx.sendSubscribeMessage(message('o-1'));
    standin.fail({ endpoint: 'subscribe_send', errcode: 42001, errmsg: 'access_token expired' });
    expect((await wx.sendSubscribeMessage(message('o-2'))).ok).toBe(true);
    const afterExpired = standin.calls().stable_token;
    clock.offsetMs += 7200 * 1000 - 200 * 1000; // inside the last 5 minutes of the token's life
    await wx.sendSubscribeMessage(message('o-3'));
    expect(standin.calls().stable_token).toBe(afterExpired + 1);
  });

  it('does not loop when the token itself cannot be had: the failure is the answer', async () => {
    const wx = client({ secret: 'wrong' });
    const result = await wx.sendSubscribeMessage(message('o-1'));
    expect(result).toMatchObject({ ok: false, error: { kind: 'wechat', errcode: 40125, retryable: false } });
    expect(standin.calls().subscribe_send).toBe(0);
  });
});

describe('subscribeMessage.send', () => {
  it('sends the documented body: touser, template_id, page, data, miniprogram_state, lang', async () => {
    const wx = client({ miniprogramState: 'trial' });
    expect(await wx.sendSubscribeMessage(message('o-1'))).toEqual({ ok: true, value: undefined });
    const [sent] = standin.messages();
    expect(sent).toMatchObject({ touser: 'o-1', template_id: 'tmpl-result', page: 'packages/orders/pages/detail/index?id=x', miniprogram_state: 'trial', lang: 'zh_CN' });
    expect(sent!.data).toEqual(templateData(payload, new Date()));
  });

  it('answers 43101 (no subscription quota) as a failure not to retry', async () => {
    const wx = client();
    standin.refuseUser('o-refuser');
    expect(await wx.sendSubscribeMessage(message('o-refuser'))).toMatchObject({ ok: false, error: { errcode: 43101, retryable: false } });
    expect(standin.calls().subscribe_send).toBe(1);
  });

  it('gets 47003 for a value over its field limit (the stand-in checks like WeChat does)', async () => {
    const wx = client();
    const bad = { ...message('o-1'), data: { thing1: { value: '这是一段明显超过二十个字符限制的业务名称文字内容' } } };
    expect(await wx.sendSubscribeMessage(bad)).toMatchObject({ ok: false, error: { errcode: 47003, retryable: false } });
  });
});

describe('getwxacodeunlimit', () => {
  it('returns a code image whose QR (stand-in) opens the h5 home page with the scene', async () => {
    const wx = client();
    const result = await wx.getUnlimitedCode({ scene: ENTRY_SCENE, page: 'pages/index/index' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.contentType).toBe('image/png');
    expect(await decodeQr(result.value.bytes)).toBe(`${PUBLIC_URL}/#/pages/index/index?scene=${encodeURIComponent(ENTRY_SCENE)}`);
  });

  it('turns the JSON error body into a failure (40129 invalid scene, 41030 page with a slash)', async () => {
    const wx = client();
    expect(await wx.getUnlimitedCode({ scene: '中文场景', page: 'pages/index/index' })).toMatchObject({ ok: false, error: { errcode: 40129 } });
    expect(await wx.getUnlimitedCode({ scene: 'a=1', page: '/pages/index/index' })).toMatchObject({ ok: false, error: { errcode: 41030 } });
  });
});
