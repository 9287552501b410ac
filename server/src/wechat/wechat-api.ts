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
  width?: number;
}

export interface CodeImage {
  contentType: string;
  bytes: Buffer;
}

/** errcode 43101: the person has no subscription quota left (refused, or never subscribed). */
export const ERRCODE_NO_QUOTA = 43101;

export interface WeChatApi {
  /** GET /sns/jscode2session. The session_key stays inside the client: nobody needs it. */
  code2Session(code: string): Promise<WeChatResult<{ openid: string; unionid?: string }>>;
  /** POST /cgi-bin/message/subscribe/send (with a cached access token; a token WeChat calls
   * invalid or expired is refreshed and the call made once more). */
  sendSubscribeMessage(message: SubscribeMessage): Promise<WeChatResult<void>>;
  /** POST /wxa/getwxacodeunlimit → the image bytes. */
  getUnlimitedCode(request: CodeRequest): Promise<WeChatResult<CodeImage>>;
}
