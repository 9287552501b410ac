/**
 * Where the API lives. On h5 the pages are served by the API server itself, so calls are relative.
 * On weapp the base comes from TARO_APP_API_BASE at build time (Taro inlines TARO_APP_* variables;
 * production points at the real host), defaulting to the local server.
 */
const DEFAULT_WEAPP_BASE = 'http://127.0.0.1:3000';

function configuredBase(): string | undefined {
  // Replaced at build time when set; otherwise there is no `process` on weapp: fall back.
  try {
    return process.env.TARO_APP_API_BASE || undefined;
  } catch {
    return undefined;
  }
}

export function apiBase(): string {
  if (process.env.TARO_ENV === 'h5') return (configuredBase() ?? '').replace(/\/$/, '');
  return (configuredBase() ?? DEFAULT_WEAPP_BASE).replace(/\/$/, '');
}

/** Absolute URL for an API path or a server-relative URL (e.g. a signed photo URL). */
export function apiUrl(pathOrUrl: string): string {
  if (/^(https?:|blob:|data:|wxfile:)/.test(pathOrUrl)) return pathOrUrl;
  return `${apiBase()}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`;
}
