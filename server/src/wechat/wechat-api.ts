/**
 * The server's view of the WeChat HTTP API: the four calls the product makes, each answering a
 * typed result instead of throwing. The implementation (wechat-client.ts) speaks the documented
 * contract to `WECHAT_API_BASE`: the real host in production, the local stand-in otherwise.
 */
import type { TemplateData } from '../../../shared/wechat';

export type WeChatFailureKind =
  /** WeChat answered with a non-zero `errcode`. */
  | 'wechat'
  /** An HTTP status other than 200 (a gateway, an outage). */
  | 'http'
  | 'timeout'
  /** Connection refused, reset, DNS. */
  | 'network'
  /** A 200 whose body is not what the documentation promises. */
  | 'bad_response';

export interface WeChatFailure {
  kind: WeChatFailureKind;
  errcode?: number;
  errmsg?: string;
  status?: number;
  /** True when the same call may succeed later (system busy, rate limits, 5xx, timeouts). */
  retryable: boolean;
  /** One line for logs and the outbox's last_error. */
  message: string;
}

export type WeChatResult<T> = { ok: true; value: T } | { ok: false; error: WeChatFailure };

export interface SubscribeMessage {
  touser: string;
  templateId: string;
  /** No leading slash; may carry a query (`packages/orders/pages/detail/index?id=…`). */
  page: string;
  data: TemplateData;
}

export interface CodeRequest {
  scene: string;
  /** No leading slash, no query. */
  page: string;
}

export interface CodeImage {
  contentType: string;
  bytes: Buffer;
}

/** The documented errcodes the product acts on: the client and the services read them, the
 * stand-in answers them. */
export const ERRCODE = {
  systemBusy: -1,
  /** access_token invalid, or not the latest (replaced by a force refresh). */
  tokenInvalid: 40001,
  tokenMalformed: 40014,
  tokenExpired: 42001,
  codeInvalid: 40029,
  codeUsed: 40163,
  /** jscode2session: the account is blocked (high risk). */
  loginBlocked: 40226,
  sceneInvalid: 40129,
  /** The person has no subscription quota left (refused, or never subscribed). */
  noQuota: 43101,
  dailyQuota: 45009,
  minuteQuota: 45011,
} as const;

/** The four endpoints: the client calls them, the stand-in serves them. */
export const WECHAT_ENDPOINTS = {
  jscode2session: { method: 'GET', path: '/sns/jscode2session' },
  stable_token: { method: 'POST', path: '/cgi-bin/stable_token' },
  subscribe_send: { method: 'POST', path: '/cgi-bin/message/subscribe/send' },
  getwxacodeunlimit: { method: 'POST', path: '/wxa/getwxacodeunlimit' },
} as const;
export type WeChatEndpoint = keyof typeof WECHAT_ENDPOINTS;

/** subscribeMessage.send `miniprogram_state` and getwxacodeunlimit `env_version` values. */
export const MINIPROGRAM_STATES = ['developer', 'trial', 'formal'] as const;
export const ENV_VERSIONS = ['release', 'trial', 'develop'] as const;

export type Json = Record<string, unknown>;

/** A JSON object, or null for anything else (not JSON, an array, a primitive). */
export function parseJsonObject(text: string): Json | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null;
  } catch {
    return null;
  }
}

export interface WeChatApi {
  /** GET /sns/jscode2session. The session_key stays inside the client: nobody needs it. */
  code2Session(code: string): Promise<WeChatResult<{ openid: string }>>;
  /** POST /cgi-bin/message/subscribe/send (with a cached access token; a token WeChat calls
   * invalid or expired is refreshed and the call made once more). */
  sendSubscribeMessage(message: SubscribeMessage): Promise<WeChatResult<void>>;
  /** POST /wxa/getwxacodeunlimit → the image bytes. */
  getUnlimitedCode(request: CodeRequest): Promise<WeChatResult<CodeImage>>;
}
