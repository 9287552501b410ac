/**
 * A local stand-in for the WeChat API, over real HTTP: the four documented endpoints the product
 * calls, answered the way the documentation describes (errcodes included), plus a control surface
 * under /__standin/ for people and tests: the sent messages, call counts, injected failures.
 *
 * - jscode2session: a code is accepted once (40163 after); the openid is derived from the part of
 *   the code before the first `.`, so `alice.1` and `alice.2` are the same person. Answers
 *   text/plain, as the real host does.
 * - stable_token: tokens live `tokenTtlSeconds`; normal mode returns the live token, force mode a
 *   new one (the old one then answers 40001).
 * - subscribe/send: every `data` value is checked against its field type's documented limit
 *   (47003), the page must not start with `/` (41030), refused users get 43101.
 * - getwxacodeunlimit: scene checked (40129), a PNG QR code of the h5 address of `page?scene=…`
 *   (so a phone on the same network opens the h5 app where the real code opens the mini-program).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import bwipjs from 'bwip-js/node';
import { fieldValueProblem, MINIPROGRAM_HOME_PAGE, SCENE_PATTERN } from '../../../shared/wechat';
import { ERRCODE, MINIPROGRAM_STATES, parseJsonObject, WECHAT_ENDPOINTS, type Json, type WeChatEndpoint } from './wechat-api';

const STANDIN_ENDPOINTS = Object.keys(WECHAT_ENDPOINTS) as WeChatEndpoint[];

export interface StandinOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  appid: string;
  secret: string;
  /** The h5 app's address that codes point at. */
  publicUrl: string;
  tokenTtlSeconds?: number;
}

export interface StandinFailure {
  endpoint: WeChatEndpoint;
  /** How many calls in a row fail (default 1). */
  times?: number;
  /** Answer this HTTP status (empty body)… */
  status?: number;
  /** …or a 200 with this errcode… */
  errcode?: number;
  errmsg?: string;
  /** …after waiting this long (alone: a slow but otherwise normal answer). */
  delayMs?: number;
}

export interface RecordedMessage {
  touser: string;
  template_id: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogram_state?: string;
  lang?: string;
  at: string;
}

export interface WeChatStandin {
  url: string;
  messages(): RecordedMessage[];
  calls(): Record<WeChatEndpoint, number>;
  fail(failure: StandinFailure): void;
  refuseUser(openid: string): void;
  openidFor(code: string): string;
  revokeTokens(): void;
  reset(): void;
  close(): Promise<void>;
}

const CODE_PATTERN = /^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64})?$/;
const LANGS = ['zh_CN', 'en_US', 'zh_HK', 'zh_TW'];

class Reply {
  constructor(
    readonly status: number,
    readonly body: Buffer | string,
    readonly type = 'application/json; charset=utf-8',
  ) {}
  static json(body: unknown, type?: string): Reply {
    return new Reply(200, JSON.stringify(body), type);
  }
  static err(errcode: number, errmsg: string): Reply {
    return Reply.json({ errcode, errmsg: `${errmsg} rid: ${randomBytes(4).toString('hex')}` });
  }
}

export async function startStandin(options: StandinOptions): Promise<WeChatStandin> {
  const ttl = options.tokenTtlSeconds ?? 7200;
  let tokens = new Map<string, number>(); // token → expiry (ms)
  let current: string | null = null;
  let usedCodes = new Set<string>();
  let refused = new Set<string>();
  let messages: RecordedMessage[] = [];
  let failures: StandinFailure[] = [];
  let counts = Object.fromEntries(STANDIN_ENDPOINTS.map((e) => [e, 0])) as Record<WeChatEndpoint, number>;

  const openidFor = (code: string) => {
    const person = code.split('.')[0]!;
    return `o${createHash('sha256').update(`${options.appid}:${person}`).digest('base64url').slice(0, 27)}`;
  };

  /** The token check every access_token endpoint does first. */
  const tokenProblem = (url: URL): Reply | null => {
    const token = url.searchParams.get('access_token');
    if (!token) return Reply.err(41001, 'access_token missing');
    const expiry = tokens.get(token);
    if (expiry === undefined) return Reply.err(ERRCODE.tokenInvalid, 'invalid credential, access_token is invalid or not latest');
    if (expiry <= Date.now()) return Reply.err(ERRCODE.tokenExpired, 'access_token expired');
    return null;
  };

  const handlers: Record<WeChatEndpoint, (url: URL, body: Json | null) => Promise<Reply>> = {
    async jscode2session(url) {
      const q = (k: string) => url.searchParams.get(k);
      // Like the real host: JSON in a text/plain answer.
      const text = (r: Reply) => new Reply(r.status, r.body, 'text/plain');
      if (!q('appid')) return text(Reply.err(41002, 'appid missing'));
      if (!q('secret')) return text(Reply.err(41004, 'appsecret missing'));
      if (!q('js_code')) return text(Reply.err(41008, 'missing code'));
      if (q('grant_type') !== 'authorization_code') return text(Reply.err(40002, 'invalid grant_type'));
      if (q('appid') !== options.appid) return text(Reply.err(40013, 'invalid appid'));
      if (q('secret') !== options.secret) return text(Reply.err(40125, 'invalid appsecret'));
      const code = q('js_code')!;
      if (!CODE_PATTERN.test(code)) return text(Reply.err(ERRCODE.codeInvalid, 'invalid code'));
      if (usedCodes.has(code)) return text(Reply.err(ERRCODE.codeUsed, 'code been used'));
      usedCodes.add(code);
      return Reply.json({ session_key: randomBytes(16).toString('base64'), openid: openidFor(code) }, 'text/plain');
    },

    async stable_token(_url, body) {
      if (!body) return Reply.err(47001, 'data format error');
      if (body.grant_type !== 'client_credential') return Reply.err(40002, 'invalid grant_type');
      if (!body.appid) return Reply.err(41002, 'appid missing');
      if (!body.secret) return Reply.err(41004, 'appsecret missing');
      if (body.appid !== options.appid) return Reply.err(40013, 'invalid appid');
      if (body.secret !== options.secret) return Reply.err(40125, 'invalid appsecret');
      const now = Date.now();
      const live = current !== null && (tokens.get(current) ?? 0) > now;
      if (body.force_refresh === true || !live) {
        if (current) tokens.delete(current);
        current = randomBytes(24).toString('base64url');
        tokens.set(current, now + ttl * 1000);
      }
      return Reply.json({ access_token: current, expires_in: Math.round(((tokens.get(current!) ?? now) - now) / 1000) });
    },

    async subscribe_send(url, body) {
      const bad = tokenProblem(url);
      if (bad) return bad;
      if (!body) return Reply.err(47001, 'data format error');
      if (typeof body.touser !== 'string' || !body.touser) return Reply.err(40003, 'invalid openid');
      if (typeof body.template_id !== 'string' || !body.template_id) return Reply.err(40037, 'invalid template_id');
      if (body.page !== undefined && (typeof body.page !== 'string' || body.page.startsWith('/'))) return Reply.err(41030, 'invalid page');
      if (body.miniprogram_state !== undefined && !(MINIPROGRAM_STATES as readonly string[]).includes(String(body.miniprogram_state))) {
        return Reply.err(47003, 'argument invalid! miniprogram_state');
      }
      if (body.lang !== undefined && !LANGS.includes(String(body.lang))) return Reply.err(47003, 'argument invalid! lang');
      const data = body.data;
      if (!data || typeof data !== 'object' || Object.keys(data).length === 0) return Reply.err(47003, 'argument invalid! data is empty');
      for (const [key, entry] of Object.entries(data as Json)) {
        const problem = fieldValueProblem(key, (entry as { value?: unknown } | null)?.value);
        if (problem) return Reply.err(47003, `argument invalid! data.${key}.value ${problem}`);
      }
      if (refused.has(body.touser)) return Reply.err(ERRCODE.noQuota, 'user refuse to accept the msg');
      messages.push({ ...(body as unknown as Omit<RecordedMessage, 'at'>), at: new Date().toISOString() });
      return Reply.json({ errcode: 0, errmsg: 'ok', msgid: Date.now() });
    },

    async getwxacodeunlimit(url, body) {
      const bad = tokenProblem(url);
      if (bad) return bad;
      if (!body) return Reply.err(47001, 'data format error');
      const scene = body.scene;
      if (typeof scene !== 'string' || !SCENE_PATTERN.test(scene)) return Reply.err(ERRCODE.sceneInvalid, 'invalid scene');
      const page = body.page === undefined ? MINIPROGRAM_HOME_PAGE : body.page;
      if (typeof page !== 'string' || page.startsWith('/') || page.includes('?')) return Reply.err(41030, 'invalid page');
      const width = body.width === undefined ? 430 : Number(body.width);
      if (!(width >= 280 && width <= 1280)) return Reply.err(40097, 'invalid args: width');
      const target = `${options.publicUrl}/#/${page}?scene=${encodeURIComponent(scene)}`;
      const png = await bwipjs.toBuffer({ bcid: 'qrcode', text: target, scale: 6, eclevel: 'M', paddingwidth: 8, paddingheight: 8, backgroundcolor: 'FFFFFF' } as never);
      return new Reply(200, png, 'image/png');
    },
  };

  const ROUTES = new Map(STANDIN_ENDPOINTS.map((endpoint) => [WECHAT_ENDPOINTS[endpoint].path as string, { ...WECHAT_ENDPOINTS[endpoint], endpoint }]));

  const handle = {
    url: '',
    messages: () => messages.map((m) => structuredClone(m)),
    calls: () => ({ ...counts }),
    fail(failure: StandinFailure) {
      failures.push({ times: 1, ...failure });
    },
    refuseUser(openid: string) {
      refused.add(openid);
    },
    openidFor,
    revokeTokens() {
      tokens = new Map();
      current = null;
    },
    reset() {
      tokens = new Map();
      current = null;
      usedCodes = new Set();
      refused = new Set();
      messages = [];
      failures = [];
      counts = Object.fromEntries(STANDIN_ENDPOINTS.map((e) => [e, 0])) as Record<WeChatEndpoint, number>;
    },
    close: async () => undefined as void,
  } satisfies WeChatStandin;

  /** The next injected failure for an endpoint, used up one call at a time. */
  const takeFailure = (endpoint: WeChatEndpoint): StandinFailure | undefined => {
    const f = failures.find((x) => x.endpoint === endpoint);
    if (!f) return undefined;
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) failures = failures.filter((x) => x !== f);
    return f;
  };

  const control = async (req: IncomingMessage, url: URL, body: Json | null): Promise<Reply> => {
    const path = url.pathname.replace(/\/$/, '');
    if (req.method === 'GET' && path === '/__standin') return new Reply(200, controlPage(messages, counts), 'text/html; charset=utf-8');
    if (req.method === 'GET' && path === '/__standin/messages') return Reply.json(messages);
    if (req.method === 'GET' && path === '/__standin/calls') return Reply.json(counts);
    if (req.method === 'POST' && path === '/__standin/fail' && body && STANDIN_ENDPOINTS.includes(body.endpoint as WeChatEndpoint)) {
      handle.fail(body as unknown as StandinFailure);
      return Reply.json({ ok: true });
    }
    if (req.method === 'POST' && path === '/__standin/refuse' && typeof body?.openid === 'string') {
      handle.refuseUser(body.openid);
      return Reply.json({ ok: true });
    }
    if (req.method === 'POST' && path === '/__standin/revoke-tokens') {
      handle.revokeTokens();
      return Reply.json({ ok: true });
    }
    if (req.method === 'POST' && path === '/__standin/reset') {
      handle.reset();
      return Reply.json({ ok: true });
    }
    return new Reply(404, JSON.stringify({ error: 'unknown stand-in control path' }));
  };

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    const raw = await readBody(req);
    const body = raw ? parseJsonObject(raw) : null;
    let reply: Reply;
    const route = ROUTES.get(url.pathname);
    if (url.pathname.startsWith('/__standin')) {
      reply = await control(req, url, body);
    } else if (!route) {
      reply = new Reply(404, 'not found', 'text/plain');
    } else if (req.method !== route.method) {
      reply = Reply.err(43002, `require ${route.method} method`);
    } else {
      counts[route.endpoint] += 1;
      const failure = takeFailure(route.endpoint);
      if (failure?.delayMs) await new Promise((r) => setTimeout(r, failure.delayMs));
      if (failure?.status) reply = new Reply(failure.status, '', 'text/plain');
      else if (failure?.errcode !== undefined) reply = Reply.err(failure.errcode, failure.errmsg ?? 'injected failure');
      else reply = await handlers[route.endpoint](url, route.method === 'POST' ? body : null);
    }
    if (res.destroyed) return;
    res.writeHead(reply.status, { 'content-type': reply.type, 'content-length': Buffer.byteLength(reply.body) });
    res.end(reply.body);
  };

  const server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  handle.url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  handle.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return handle;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1_000_000) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** /__standin: what a developer wants to see — the messages WeChat would have delivered. */
function controlPage(messages: RecordedMessage[], counts: Record<string, number>): string {
  const rows = messages
    .slice()
    .reverse()
    .map((m) => {
      const fields = Object.entries(m.data)
        .map(([k, v]) => `${escapeHtml(k)}: ${escapeHtml(v.value)}`)
        .join('<br>');
      return `<tr><td>${escapeHtml(m.at)}</td><td>${escapeHtml(m.touser)}</td><td>${escapeHtml(m.template_id)}</td><td>${escapeHtml(m.page ?? '')}</td><td>${fields}</td></tr>`;
    })
    .join('');
  return `<!doctype html><meta charset="utf-8"><title>WeChat stand-in</title>
<h1>WeChat stand-in</h1><p>Calls: ${escapeHtml(JSON.stringify(counts))}</p>
<table border="1" cellpadding="4"><tr><th>at</th><th>touser</th><th>template</th><th>page</th><th>data</th></tr>${rows}</table>`;
}
