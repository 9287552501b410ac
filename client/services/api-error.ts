import type { ApiErrorBody } from '@shared/api';

/** Codes the client adds for failures that never reached the server's error handler. */
export type ClientErrorCode = 'NETWORK' | 'TIMEOUT' | 'BAD_RESPONSE' | 'WECHAT_ONLY' | 'WECHAT_LOGIN_FAILED';

export const CLIENT_ERROR_MESSAGES: Record<ClientErrorCode, string> = {
  NETWORK: '网络连接失败,请检查网络后重试',
  TIMEOUT: '请求超时,请稍后重试',
  BAD_RESPONSE: '服务返回了无法识别的内容,请稍后重试',
  WECHAT_ONLY: '微信登录只能在微信小程序中使用,请用微信扫码打开',
  WECHAT_LOGIN_FAILED: '微信登录失败,请稍后重试',
};

/**
 * Every failed call becomes one of these: `message` is Chinese and can be shown to the person as
 * is; `fields` carries per-field messages for forms (VALIDATION_FAILED).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorBody['code'] | ClientErrorCode;
  readonly fields: Record<string, string>;

  constructor(status: number, code: ApiError['code'], message: string, fields?: Record<string, string>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields ?? {};
  }

  static client(code: ClientErrorCode, status = 0): ApiError {
    return new ApiError(status, code, CLIENT_ERROR_MESSAGES[code]);
  }

  get isUnauthorized(): boolean {
    return this.status === 401;
  }

  get isNetwork(): boolean {
    return this.code === 'NETWORK' || this.code === 'TIMEOUT';
  }
}

/** The message to show for anything thrown by a service call. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return CLIENT_ERROR_MESSAGES.NETWORK;
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  return typeof body === 'object' && body !== null && typeof (body as ApiErrorBody).message === 'string';
}

/** Turns a non-2xx response into an ApiError, keeping the server's Chinese message. */
export function errorFromResponse(status: number, body: unknown): ApiError {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = null;
    }
  }
  if (isErrorBody(parsed)) {
    return new ApiError(status, parsed.code ?? 'BAD_RESPONSE', parsed.message, parsed.fields);
  }
  if (status === 401) return new ApiError(401, 'UNAUTHORIZED', '请先登录');
  if (status >= 500) return new ApiError(status, 'INTERNAL', '服务暂时不可用,请稍后再试');
  return ApiError.client('BAD_RESPONSE', status);
}
