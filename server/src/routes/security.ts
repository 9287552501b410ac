/**
 * The server's outer wall, hooked on the root instance before any route exists:
 *
 * - Security headers on every response (API answers, errors, the h5 files): nosniff, no referrer,
 *   no framing, a Content-Security-Policy (the API's forbids everything; the h5 app's allows only
 *   its own scripts plus the hashes of index.html's inline scripts), `Cache-Control: no-store` on
 *   API answers that do not say otherwise (they carry personal data).
 * - CORS for the configured origins only: a preflight from any other origin is refused (403) and
 *   no other response carries CORS headers for it. The h5 app is same-origin and needs none.
 * - Rate limits on the abuse-prone routes (LIMITED_ROUTES): per IP before authentication (so a
 *   flood of bad tokens is counted too), per caller after it (an upload is refused before its
 *   body is read), per account for staff sign-in. 429 TOO_MANY_REQUESTS with Retry-After.
 *
 * Client addresses come from the socket unless `trustProxy` says which proxy to believe.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig, RateLimitName } from '../config';
import type { Clock } from '../repositories/clock.repository';
import { RateLimiter } from '../services/rate-limiter';
import { sendError } from './error-handler';

/** ip: the client's address, before authentication; caller: who the route's auth hook found;
 * account: the username a staff sign-in names (read from the validated body). */
type LimitScope = 'ip' | 'caller' | 'account';
interface RouteLimit {
  limit: RateLimitName;
  by: LimitScope;
  /** Routes with the same group share one counter (default: the limit's name). */
  group?: string;
}

const UPLOAD: RouteLimit[] = [
  { limit: 'uploadIp', by: 'ip' },
  { limit: 'upload', by: 'caller' },
];
const LOOKUP: RouteLimit[] = [
  { limit: 'lookupIp', by: 'ip' },
  { limit: 'lookup', by: 'caller' },
];

/** `METHOD url-pattern` → its limits. HEAD shares GET's. Every entry must name a real route
 * (checked when the app is ready), so a renamed route cannot silently lose its limit. */
export const LIMITED_ROUTES: Readonly<Record<string, readonly RouteLimit[]>> = {
  'POST /api/auth/local-login': [{ limit: 'login', by: 'ip', group: 'local-login' }],
  'POST /api/auth/staff-login': [
    { limit: 'login', by: 'ip', group: 'staff-login' },
    { limit: 'loginAccount', by: 'account' },
  ],
  'POST /api/auth/wechat': [{ limit: 'login', by: 'ip', group: 'wechat-login' }],
  'PUT /api/orders/:id/photo': UPLOAD,
  'POST /api/orders/:id/photo': UPLOAD,
  'GET /api/receipts/:number': LOOKUP,
  'POST /api/receipts/:number/use': LOOKUP,
  'GET /api/wxacode': [{ limit: 'wxacode', by: 'ip' }],
  'POST /api/handoff/redeem': [
    { limit: 'handoffIp', by: 'ip' },
    { limit: 'handoff', by: 'caller' },
  ],
};

const BASE_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'X-Permitted-Cross-Domain-Policies': 'none',
  // The h5 app takes photos through a file input (camera allowed for its own pages), nothing else.
  'Permissions-Policy': 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()',
};

/** JSON and images answer nothing that a browser should run, frame or embed elsewhere. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The h5 app's policy. Taro's runtime sets inline styles and injects <style> tags, so styles keep
 * 'unsafe-inline'; scripts do not: only our own files, index.html's inline scripts by hash, and
 * WebAssembly compilation.
 * Photos are previewed from blob: URLs and re-read with fetch() before upload.
 */
export function h5Csp(inlineScriptHashes: readonly string[]): string {
  // 'wasm-unsafe-eval': the live camera's face detector (tfjs WebAssembly) compiles wasm; it allows
  // no JavaScript eval and no inline script.
  const scripts = ["'self'", "'wasm-unsafe-eval'", ...inlineScriptHashes.map((h) => `'${h}'`)].join(' ');
  return [
    "default-src 'self'",
    `script-src ${scripts}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self' data:",
    "connect-src 'self' blob: data:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** `sha256-…` of every inline <script> in an HTML page (the form CSP wants). */
export function inlineScriptHashes(html: string): string[] {
  const out: string[] = [];
  for (const match of html.matchAll(/<script(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    out.push(`sha256-${createHash('sha256').update(match[1]!, 'utf8').digest('base64')}`);
  }
  return out;
}

/** The h5 CSP for the index.html on disk, recomputed when the file changes (a rebuild). */
function h5CspSource(h5Dir: string): () => string {
  const index = path.join(h5Dir, 'index.html');
  let cached: { mtimeMs: number; csp: string } | null = null;
  return () => {
    let mtimeMs = -1;
    try {
      mtimeMs = statSync(index).mtimeMs;
    } catch {
      /* not built: no inline scripts to allow */
    }
    if (!cached || cached.mtimeMs !== mtimeMs) {
      const html = mtimeMs >= 0 ? readFileSync(index, 'utf8') : '';
      cached = { mtimeMs, csp: h5Csp(inlineScriptHashes(html)) };
    }
    return cached.csp;
  };
}

/** The address a limit counts: IPv4 as is; IPv6 by its /64 (one subscriber's whole prefix). */
export function clientAddressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** Who a per-caller limit counts: the user, counter clerk or API key the route's auth hook set. */
function callerKey(request: FastifyRequest): string | null {
  if (request.counter) return `${request.counter.type}:${request.counter.id}`;
  if (request.staff) return `user:${request.staff.userId}`;
  if (request.userId) return `user:${request.userId}`;
  return null;
}

/** The account a sign-in names (usernames are case-sensitive, but a guesser may vary case). */
function accountKey(request: FastifyRequest): string | null {
  const username = (request.body as { username?: unknown } | undefined)?.username;
  return typeof username === 'string' && username ? `account:${username.toLowerCase()}` : null;
}

function routeKey(request: FastifyRequest): string | null {
  const url = request.routeOptions.url;
  if (!url) return null;
  return `${request.method === 'HEAD' ? 'GET' : request.method} ${url}`;
}

function tooMany(reply: FastifyReply, retryAfterS: number): FastifyReply {
  return sendError(reply.header('Retry-After', String(retryAfterS)), 'TOO_MANY_REQUESTS');
}

export interface SecurityOptions {
  config: Pick<AppConfig, 'rateLimits' | 'corsOrigins' | 'h5Dir'>;
  clock: Clock;
}

/** Call on the root instance before registering any route. */
export function registerSecurity(app: FastifyInstance, { config, clock }: SecurityOptions): void {
  const limiter = new RateLimiter();
  const allowedOrigins = new Set(config.corsOrigins);
  const h5CspNow = h5CspSource(config.h5Dir);

  const registered = new Set<string>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) registered.add(`${method} ${route.url}`);
  });
  app.addHook('onReady', async () => {
    const missing = Object.keys(LIMITED_ROUTES).filter((key) => !registered.has(key));
    if (missing.length) throw new Error(`rate limits name routes that do not exist: ${missing.join(', ')}`);
  });

  const check = (request: FastifyRequest, reply: FastifyReply, by: LimitScope): FastifyReply | undefined => {
    const key = routeKey(request);
    const limits = key ? LIMITED_ROUTES[key] : undefined;
    if (!limits) return undefined;
    for (const { limit, by: scope, group } of limits) {
      if (scope !== by) continue;
      const ip = `ip:${clientAddressKey(request.ip)}`;
      const who = scope === 'ip' ? ip : scope === 'caller' ? (callerKey(request) ?? ip) : accountKey(request);
      if (!who) continue;
      const verdict = limiter.hit(`${group ?? limit}|${who}`, config.rateLimits[limit], clock.now().getTime());
      if (!verdict.allowed) {
        request.log.warn({ limit, route: key, scope }, 'rate limit reached');
        return tooMany(reply, verdict.retryAfterS);
      }
    }
    return undefined;
  };

  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin !== undefined && allowedOrigins.size > 0) reply.header('Vary', 'Origin');
    const allowed = origin !== undefined && allowedOrigins.has(origin);
    if (allowed) {
      reply.header('Access-Control-Allow-Origin', origin);
      reply.header('Access-Control-Expose-Headers', 'Retry-After');
    }
    if (request.method === 'OPTIONS' && origin !== undefined && request.headers['access-control-request-method'] !== undefined) {
      if (!allowed) return sendError(reply, 'ORIGIN_NOT_ALLOWED');
      return reply
        .code(204)
        .header('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT')
        .header('Access-Control-Allow-Headers', 'Authorization, Content-Type')
        .header('Access-Control-Max-Age', '600')
        .send();
    }
    return check(request, reply, 'ip');
  });

  // preParsing: after every onRequest hook (the routes' auth hooks set the caller), before the
  // body is read. A hook that answers returns the reply: fastify then waits for it to be sent and
  // runs nothing more (no body parsing, no handler).
  app.addHook('preParsing', async (request, reply, payload) => {
    const refused = check(request, reply, 'caller');
    return refused ? (refused as unknown as typeof payload) : payload;
  });

  // preHandler: the body is parsed and validated (the account limit reads the username).
  app.addHook('preHandler', async (request, reply) => check(request, reply, 'account'));

  app.addHook('onSend', async (request, reply, payload) => {
    for (const [name, value] of Object.entries(BASE_HEADERS)) reply.header(name, value);
    const api = request.url.startsWith('/api/') || request.url === '/api';
    reply.header('Content-Security-Policy', api ? API_CSP : h5CspNow());
    // Images are for our own pages (and the configured origins, which then need them cross-origin).
    if (allowedOrigins.size === 0) reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    if (request.protocol === 'https') reply.header('Strict-Transport-Security', 'max-age=15552000');
    if (api && !reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });
}
