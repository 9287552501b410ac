import Taro from '@tarojs/taro';

import { ApiError, errorFromResponse } from './api-error';
import { apiUrl } from './config';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** An endpoint as data: the transport does the rest. */
export interface Endpoint {
  method: HttpMethod;
  /** Path with `:name` parameters. */
  path: string;
  /** Whether the call needs the session token (default true). */
  auth?: boolean;
}

export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string | undefined>;
  body?: unknown;
}

interface AuthHooks {
  getToken: () => string | null;
  onUnauthorized: () => void;
}

let authHooks: AuthHooks = { getToken: () => null, onUnauthorized: () => {} };

/** The session store registers how to read the token and what to do on 401. */
export function configureAuth(hooks: AuthHooks): void {
  authHooks = hooks;
}

export function authToken(): string | null {
  return authHooks.getToken();
}

/** Called by any transport (request or upload) that saw a 401. */
export function reportUnauthorized(): void {
  authHooks.onUnauthorized();
}

export function buildPath(endpoint: Endpoint, options: CallOptions = {}): string {
  const path = endpoint.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = options.params?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${endpoint.path}`);
    return encodeURIComponent(value);
  });
  const query = Object.entries(options.query ?? {})
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return query ? `${path}?${query}` : path;
}

export function authHeader(endpoint: Endpoint): Record<string, string> {
  if (endpoint.auth === false) return {};
  const token = authHooks.getToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** The one transport: Taro.request in, typed data or an ApiError out. */
export async function call<T>(endpoint: Endpoint, options: CallOptions = {}): Promise<T> {
  let response: Taro.request.SuccessCallbackResult<Record<string, unknown> | string>;
  try {
    response = await Taro.request({
      url: apiUrl(buildPath(endpoint, options)),
      method: endpoint.method,
      data: options.body as Taro.request.Option['data'],
      header: {
        ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...authHeader(endpoint),
      },
      dataType: 'json',
      timeout: 20_000,
    });
  } catch (error) {
    console.warn('[http]', endpoint.method, endpoint.path, error);
    const text = String((error as { errMsg?: string })?.errMsg ?? error);
    throw ApiError.client(/timeout/i.test(text) ? 'TIMEOUT' : 'NETWORK');
  }
  const status = response.statusCode;
  if (status >= 200 && status < 300) return response.data as T;
  const apiError = errorFromResponse(status, response.data);
  if (apiError.isUnauthorized && endpoint.auth !== false) reportUnauthorized();
  throw apiError;
}
