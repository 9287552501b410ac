/**
 * The one WeChat API client (see wechat-api.ts for what it offers). It follows the documented
 * contract: query parameters for jscode2session, JSON bodies for everything else, `access_token`
 * as a query parameter, `errcode` in a 200 answer for failures, image bytes for a code.
 *
 * The access token (POST /cgi-bin/stable_token) is cached until shortly before `expires_in`;
 * concurrent callers share one refresh. When WeChat calls a token invalid or expired
 * (40001/42001/40014) the token is fetched again and the call made once more; if the normal mode
 * hands back the token just refused, `force_refresh` replaces it.
 */
import type { WeChatConfig } from '../config';
import type { Clock } from '../repositories/clock.repository';
import {
  ERRCODE,
  parseJsonObject,
  WECHAT_ENDPOINTS,
  type CodeImage,
  type CodeRequest,
  type Json,
  type SubscribeMessage,
  type WeChatApi,
  type WeChatEndpoint,
  type WeChatFailure,
  type WeChatResult,
} from './wechat-api';

export interface WeChatClientLogger {
  warn(obj: object, msg: string): void;
}

/** Worth trying again later: system busy, minute/daily quota. */
const RETRYABLE_ERRCODES = new Set<number>([ERRCODE.systemBusy, ERRCODE.dailyQuota, ERRCODE.minuteQuota]);
/** The access token is not (or no longer) valid. */
const TOKEN_ERRCODES = new Set<number>([ERRCODE.tokenInvalid, ERRCODE.tokenMalformed, ERRCODE.tokenExpired]);
/** Refresh this long before the token runs out (at most a tenth of its lifetime). */
const TOKEN_MARGIN_SECONDS = 300;

const ok = <T>(value: T): WeChatResult<T> => ({ ok: true, value });
const fail = (error: WeChatFailure): { ok: false; error: WeChatFailure } => ({ ok: false, error });

function wechatError(body: Json, what: WeChatEndpoint): { ok: false; error: WeChatFailure } {
  const errcode = Number(body.errcode);
  const errmsg = typeof body.errmsg === 'string' ? body.errmsg : '';
  return fail({ kind: 'wechat', errcode, errmsg, retryable: RETRYABLE_ERRCODES.has(errcode), message: `${what}: errcode ${errcode} ${errmsg}`.trim() });
}

function hasErrcode(body: Json): boolean {
  return body.errcode !== undefined && Number(body.errcode) !== 0;
}

function imageType(bytes: Buffer): string | null {
  if (bytes.length > 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return null;
}

export class WeChatClient implements WeChatApi {
  private token: { value: string; refreshAt: number } | null = null;
  private refreshing: Promise<WeChatResult<string>> | null = null;
  private readonly fetch: typeof fetch;

  constructor(
    private readonly config: WeChatConfig,
    private readonly deps: { clock: Clock; log?: WeChatClientLogger; fetch?: typeof fetch },
  ) {
    this.fetch = deps.fetch ?? globalThis.fetch;
  }

  async code2Session(code: string): Promise<WeChatResult<{ openid: string }>> {
    const query = new URLSearchParams({ appid: this.config.appid, secret: this.config.secret, js_code: code, grant_type: 'authorization_code' });
    const res = await this.request('jscode2session', `?${query}`);
    if (!res.ok) return res;
    const body = await this.json(res.value, 'jscode2session');
    if (!body.ok) return body;
    if (hasErrcode(body.value)) return wechatError(body.value, 'jscode2session');
    const { openid } = body.value;
    if (typeof openid !== 'string' || openid.length === 0) return this.badResponse('jscode2session', 'no openid');
    // session_key is deliberately dropped: the product decrypts nothing, so nothing needs it.
    return ok({ openid });
  }

  async sendSubscribeMessage(message: SubscribeMessage): Promise<WeChatResult<void>> {
    const payload = {
      touser: message.touser,
      template_id: message.templateId,
      page: message.page,
      data: message.data,
      miniprogram_state: this.config.miniprogramState,
      lang: 'zh_CN',
    };
    return this.withToken(async (token) => {
      const res = await this.request('subscribe_send', `?access_token=${encodeURIComponent(token)}`, payload);
      if (!res.ok) return res;
      const body = await this.json(res.value, 'subscribe_send');
      if (!body.ok) return body;
      return hasErrcode(body.value) ? wechatError(body.value, 'subscribe_send') : ok(undefined);
    });
  }

  async getUnlimitedCode(request: CodeRequest): Promise<WeChatResult<CodeImage>> {
    const payload = {
      scene: request.scene,
      page: request.page,
      // Only a published release can check that the page exists; trial/develop builds cannot.
      check_path: this.config.envVersion === 'release',
      env_version: this.config.envVersion,
    };
    return this.withToken(async (token) => {
      const res = await this.request('getwxacodeunlimit', `?access_token=${encodeURIComponent(token)}`, payload);
      if (!res.ok) return res;
      const declared = (res.value.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      let bytes: Buffer;
      try {
        bytes = Buffer.from(await res.value.arrayBuffer());
      } catch (err) {
        return fail({ kind: 'network', retryable: true, message: `getwxacodeunlimit: body cut off (${(err as Error).name})` });
      }
      // The documented failure is a JSON body with errcode, whatever the headers say.
      const parsed = bytes[0] === 0x7b ? parseJsonObject(bytes.toString('utf8')) : null;
      if (parsed && hasErrcode(parsed)) return wechatError(parsed, 'getwxacodeunlimit');
      const type = imageType(bytes) ?? (declared.startsWith('image/') ? declared : null);
      if (type && bytes.length > 0) return ok({ contentType: type, bytes });
      return this.badResponse('getwxacodeunlimit', 'neither an image nor an error');
    });
  }

  // -------------------------------------------------------------------------------------------
  // Access token

  private async accessToken(): Promise<WeChatResult<string>> {
    if (this.token && this.deps.clock.now().getTime() < this.token.refreshAt) return ok(this.token.value);
    return this.refresh(false);
  }

  /** One refresh at a time: callers arriving meanwhile wait for the same answer. */
  private refresh(force: boolean): Promise<WeChatResult<string>> {
    this.refreshing ??= this.fetchToken(force).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async fetchToken(force: boolean): Promise<WeChatResult<string>> {
    const payload = { grant_type: 'client_credential', appid: this.config.appid, secret: this.config.secret, force_refresh: force };
    const res = await this.request('stable_token', '', payload);
    if (!res.ok) return res;
    const body = await this.json(res.value, 'stable_token');
    if (!body.ok) return body;
    if (hasErrcode(body.value)) return wechatError(body.value, 'stable_token');
    const { access_token: value, expires_in: expiresIn } = body.value;
    if (typeof value !== 'string' || value.length === 0 || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
      return this.badResponse('stable_token', 'no access_token/expires_in');
    }
    const margin = Math.min(TOKEN_MARGIN_SECONDS, expiresIn / 10);
    this.token = { value, refreshAt: this.deps.clock.now().getTime() + (expiresIn - margin) * 1000 };
    return ok(value);
  }

  /** Calls with the cached token; a token WeChat refuses is replaced and the call made once more. */
  private async withToken<T>(call: (token: string) => Promise<WeChatResult<T>>): Promise<WeChatResult<T>> {
    const first = await this.accessToken();
    if (!first.ok) return first;
    const result = await call(first.value);
    if (result.ok || !TOKEN_ERRCODES.has(result.error.errcode ?? 0)) return result;
    this.deps.log?.warn({ errcode: result.error.errcode }, 'WeChat refused the access token; fetching a new one');
    if (this.token?.value === first.value) this.token = null;
    let fresh = await this.accessToken();
    if (fresh.ok && fresh.value === first.value) fresh = await this.refresh(true);
    if (!fresh.ok) return fresh;
    return call(fresh.value);
  }

  // -------------------------------------------------------------------------------------------
  // HTTP

  /** One HTTP exchange (a JSON body when there is a payload); a non-200 status, a timeout or a
   * network error become a typed failure. The URL is never put in a message: jscode2session
   * carries the secret in its query. */
  private async request(endpoint: WeChatEndpoint, query: string, payload?: unknown): Promise<WeChatResult<Response>> {
    const { method, path } = WECHAT_ENDPOINTS[endpoint];
    const body = payload === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) };
    try {
      const res = await this.fetch(`${this.config.apiBase}${path}${query}`, { method, ...body, signal: AbortSignal.timeout(this.config.timeoutMs) });
      if (res.status !== 200) {
        await res.body?.cancel().catch(() => undefined);
        return fail({ kind: 'http', status: res.status, retryable: res.status >= 500 || res.status === 429, message: `${endpoint}: HTTP ${res.status}` });
      }
      return ok(res);
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        return fail({ kind: 'timeout', retryable: true, message: `${endpoint}: no answer within ${this.config.timeoutMs} ms` });
      }
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      return fail({ kind: 'network', retryable: true, message: `${endpoint}: ${cause}` });
    }
  }

  /** The body as a JSON object, whatever the content type says (jscode2session answers text/plain). */
  private async json(res: Response, what: WeChatEndpoint): Promise<WeChatResult<Json>> {
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      return fail({ kind: 'network', retryable: true, message: `${what}: body cut off (${(err as Error).name})` });
    }
    const parsed = parseJsonObject(text);
    return parsed ? ok(parsed) : this.badResponse(what, 'not JSON');
  }

  private badResponse(what: WeChatEndpoint, why: string): { ok: false; error: WeChatFailure } {
    this.deps.log?.warn({ what, why }, 'unexpected answer from the WeChat API');
    return fail({ kind: 'bad_response', retryable: true, message: `${what}: ${why}` });
  }
}
