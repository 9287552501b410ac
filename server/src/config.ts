/**
 * The server's one typed configuration: environment variables with defaults that run locally, so
 * `npm start` with no environment works. The encryption key comes from ENCRYPTION_KEY or is
 * generated once into the data directory.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import path from 'node:path';

import { PHOTO_UPLOAD_MAX_BYTES } from '../../shared/api';
import type { TemplateKind } from '../../shared/wechat';
import { parseDatabaseUrl } from './db/database';
import { ENV_VERSIONS, MINIPROGRAM_STATES } from './wechat/wechat-api';

export type AuthMode = 'local' | 'wechat';

/** `local` (nickname sign-in, seeded demo staff) exactly when WeChat runs on the stand-in. */
export function authModeOf(config: Pick<AppConfig, 'wechat'>): AuthMode {
  return config.wechat.mode === 'standin' ? 'local' : 'wechat';
}

export interface WeChatConfig {
  /** `wechat`: WECHAT_APPID and WECHAT_SECRET are set and the API at `apiBase` is used (the real
   *  host unless WECHAT_API_BASE says otherwise). `standin`: neither is set; `npm start` runs the
   *  local stand-in on `standinPort` and `apiBase` points at it. */
  mode: 'wechat' | 'standin';
  appid: string;
  secret: string;
  apiBase: string;
  /** Subscribe-message template ids (WECHAT_TEMPLATE_RESULT, WECHAT_TEMPLATE_EXPIRY). */
  templates: Record<TemplateKind, string | null>;
  /** subscribeMessage.send `miniprogram_state`: which version a tap on the message opens. */
  miniprogramState: (typeof MINIPROGRAM_STATES)[number];
  /** getwxacodeunlimit `env_version`; `check_path` is on only for `release`. */
  envVersion: (typeof ENV_VERSIONS)[number];
  timeoutMs: number;
  standinPort: number;
  /** Where the stand-in's codes send a phone: the h5 app's address as seen from the network. */
  publicUrl: string;
}

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  wechat: WeChatConfig;
  /** AES-256 key for ID numbers, phones and photos at rest; also the root of the URL-signing key. */
  encryptionKey: Buffer;
  /** Days photo files are kept after the receipt expires, or after the last change of an order
   *  that never finished (the `purge-photos` job; services/retention.service.ts). */
  photoRetentionDays: number;
  /** Applicant sessions last this many days; staff sessions `staffSessionHours` (a reviewer's or
   *  counter clerk's token opens other people's data, so it lives one shift). */
  sessionDays: number;
  staffSessionHours: number;
  /** Requests per window on the abuse-prone routes (see routes/security.ts). */
  rateLimits: RateLimits;
  /** Origins (scheme://host[:port]) allowed to call the API from a browser (CORS). The h5 app is
   *  served from the API's own origin and needs none. */
  corsOrigins: string[];
  /** The largest JSON (or other non-multipart) request body; photos have their own limit. */
  bodyLimitBytes: number;
  /** fastify's trustProxy: whether (or which) proxies' X-Forwarded-For to believe. Off by
   *  default: otherwise anyone could pick their own IP and walk around the per-IP limits. */
  trustProxy: boolean | string;
  /** Engine workers (PHOTO_WORKERS, formerly PHOTO_POOL_SIZE); defaults to the number of cores.
   *  0: this process runs no jobs at all (an API instance; `npm run worker` processes run them). */
  poolSize: number | undefined;
  /** DATABASE_URL: PostgreSQL (postgres://…) instead of SQLite in `dataDir`. */
  databaseUrl?: string | null;
  /** PostgreSQL connections per process (DATABASE_POOL_MAX, default 10). */
  databasePoolMax?: number;
  /** JOB_LEASE_MS: how long a claimed job stays a worker's without renewal (default 30 s). */
  jobLeaseMs?: number;
  jobPollMs: number;
  /** Where the built h5 app lives (served on `/`). */
  h5Dir: string;
  /** Where photos and receipt images are kept (docs/storage.md). */
  storage: StorageConfig;
  /** METRICS_TOKEN: when set, GET /metrics wants `Authorization: Bearer <token>`; unset, it
   *  answers only to clients on the loopback interface. */
  metricsToken: string | null;
  /** WORKER_HTTP_PORT: where `npm run worker` answers GET /metrics and /api/health (its engine's
   *  photo processing seconds live only there); unset, a worker listens on no port. */
  workerHttpPort?: number;
}

/** `files`: sealed files under `<dataDir>/photos` (one machine; the default). `s3`: sealed
 *  objects in an S3-compatible bucket (AWS S3, Tencent COS, Aliyun OSS, MinIO…), when every
 *  S3_* setting below is given. */
export type StorageConfig = { kind: 'files' } | S3StorageConfig;

export interface S3StorageConfig {
  kind: 's3';
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** S3_FORCE_PATH_STYLE=true: `endpoint/bucket/key` instead of `bucket.endpoint/key` (local
   *  servers; COS and OSS want the virtual-host style, the default). */
  forcePathStyle: boolean;
  /** S3_PREFIX: every key starts with it (several deployments in one bucket); '' by default. */
  prefix: string;
}

/** The settings that turn S3 storage on; all of them or none. */
export const S3_REQUIRED = ['S3_ENDPOINT', 'S3_BUCKET', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;

/** S3_* settings → where photos are kept. A partial set is an error naming what is missing:
 *  half an S3 configuration silently falling back to local files would lose photos on a fleet. */
export function loadStorageConfig(env: NodeJS.ProcessEnv): StorageConfig {
  const value = (name: string) => env[name]?.trim() ?? '';
  const given = S3_REQUIRED.filter((name) => value(name) !== '');
  const optional = ['S3_FORCE_PATH_STYLE', 'S3_PREFIX'].filter((name) => value(name) !== '');
  if (given.length === 0) {
    if (optional.length > 0) throw new Error(`${optional.join(', ')} set without S3 storage: also set ${S3_REQUIRED.join(', ')}`);
    return { kind: 'files' };
  }
  const missing = S3_REQUIRED.filter((name) => value(name) === '');
  if (missing.length > 0) throw new Error(`S3 storage is half configured: ${missing.join(', ')} missing (${S3_REQUIRED.join(', ')} are set together)`);
  let endpoint: URL;
  try {
    endpoint = new URL(value('S3_ENDPOINT'));
  } catch {
    throw new Error(`S3_ENDPOINT must be a URL like https://cos.ap-guangzhou.myqcloud.com, got "${value('S3_ENDPOINT')}"`);
  }
  if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') throw new Error(`S3_ENDPOINT must be an http(s) URL, got "${value('S3_ENDPOINT')}"`);
  const bucket = value('S3_BUCKET');
  // The S3 rules (COS and OSS apply the same or stricter): 3–63 of a-z 0-9 . -, starting and ending alphanumeric.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new Error(`S3_BUCKET "${bucket}" is not a valid bucket name (3–63 lower-case letters, digits, dots, hyphens)`);
  const pathStyle = value('S3_FORCE_PATH_STYLE');
  if (pathStyle !== '' && pathStyle !== 'true' && pathStyle !== 'false') throw new Error(`S3_FORCE_PATH_STYLE must be true or false, got "${pathStyle}"`);
  const prefix = value('S3_PREFIX');
  if (prefix !== '' && !/^([A-Za-z0-9_.-]+\/)+$/.test(prefix)) throw new Error(`S3_PREFIX must be folder names ending in /, e.g. zphz/prod/; got "${prefix}"`);
  return {
    kind: 's3',
    endpoint: endpoint.toString().replace(/\/$/, ''),
    bucket,
    region: value('S3_REGION'),
    accessKeyId: value('S3_ACCESS_KEY_ID'),
    secretAccessKey: value('S3_SECRET_ACCESS_KEY'),
    forcePathStyle: pathStyle === 'true',
    prefix,
  };
}

export interface RateLimit {
  max: number;
  windowMs: number;
}

export const RATE_LIMIT_NAMES = ['login', 'loginAccount', 'upload', 'uploadIp', 'lookup', 'lookupIp', 'wxacode', 'handoff', 'handoffIp'] as const;
export type RateLimitName = (typeof RATE_LIMIT_NAMES)[number];

/** The environment variable of a limit: uploadIp → RATE_LIMIT_UPLOAD_IP. */
export function rateLimitVariable(name: RateLimitName): string {
  return `RATE_LIMIT_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}
export type RateLimits = Record<RateLimitName, RateLimit>;

/**
 * Defaults: generous for a person (and for the e2e journey, which signs in a handful of times and
 * uploads a few photos from one address), tight for a script.
 * - login: per IP and sign-in route (local, staff, WeChat)
 * - loginAccount: staff sign-in attempts per username, from anywhere (password guessing spread
 *   over many addresses); a staff member already signed in is not affected
 * - upload / uploadIp: photo uploads per signed-in user / per IP
 * - lookup / lookupIp: receipt look-ups and uses per caller (counter clerk, API key) / per IP
 * - wxacode: mini-program code images per IP (each miss costs a WeChat API call)
 * - handoff / handoffIp: ticket redemptions per user / per IP
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  login: { max: 10, windowMs: 60_000 },
  loginAccount: { max: 10, windowMs: 600_000 },
  upload: { max: 20, windowMs: 600_000 },
  uploadIp: { max: 60, windowMs: 600_000 },
  lookup: { max: 60, windowMs: 60_000 },
  lookupIp: { max: 120, windowMs: 60_000 },
  wxacode: { max: 30, windowMs: 60_000 },
  handoff: { max: 20, windowMs: 60_000 },
  handoffIp: { max: 60, windowMs: 60_000 },
};

/** `RATE_LIMIT_<NAME>=<max>/<seconds>`, e.g. RATE_LIMIT_LOGIN=10/60, RATE_LIMIT_UPLOAD_IP=60/600. */
export function loadRateLimits(env: NodeJS.ProcessEnv): RateLimits {
  const out = { ...DEFAULT_RATE_LIMITS };
  for (const name of RATE_LIMIT_NAMES) {
    const variable = rateLimitVariable(name);
    const value = env[variable]?.trim();
    if (!value) continue;
    const match = /^(\d+)\/(\d+)$/.exec(value);
    if (!match || Number(match[1]) <= 0 || Number(match[2]) <= 0) throw new Error(`${variable} must be <max>/<seconds>, e.g. 10/60; got "${value}"`);
    out[name] = { max: Number(match[1]), windowMs: Number(match[2]) * 1000 };
  }
  return out;
}

/** CORS_ORIGINS=https://a.example,https://b.example → exact origins (no wildcards). */
export function loadCorsOrigins(value: string | undefined): string[] {
  const out: string[] = [];
  for (const raw of (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new Error(`CORS_ORIGINS: "${raw}" is not an origin like https://example.com`);
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== raw.replace(/\/$/, '').toLowerCase()) {
      throw new Error(`CORS_ORIGINS: "${raw}" is not an origin like https://example.com (scheme, host and port only)`);
    }
    out.push(url.origin);
  }
  return out;
}

/** TRUST_PROXY: unset/false → off; `true` (any proxy: only when nothing else can reach the
 *  port); or the proxies' addresses/CIDRs, comma-separated (e.g. `127.0.0.1` or `loopback`). */
export function loadTrustProxy(value: string | undefined): boolean | string {
  const v = value?.trim() ?? '';
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  return v;
}

/** The upload limit; equal to the engine's INPUT_LIMITS.maxBytes (a test holds them together). */
export const PHOTO_MAX_BYTES = PHOTO_UPLOAD_MAX_BYTES;

const KEY_FILE = 'secret.key';

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${value}"`);
  return n;
}

function parseKey(base64: string, origin: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${origin}: the encryption key must be 32 bytes in base64 (got ${key.length})`);
  return key;
}

/** The key from the environment, else from `<dataDir>/secret.key`, created (0600) on first start. */
export function loadEncryptionKey(dataDir: string, envKey: string | undefined): Buffer {
  if (envKey) return parseKey(envKey, 'ENCRYPTION_KEY');
  const file = path.join(dataDir, KEY_FILE);
  if (existsSync(file)) return parseKey(readFileSync(file, 'utf8'), file);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  // 'wx' fails if another process created it meanwhile; then read theirs.
  try {
    writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return parseKey(readFileSync(file, 'utf8'), file);
    throw err;
  }
  chmodSync(file, 0o600);
  return key;
}

function nonNegativeInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be 0 or a positive integer, got "${value}"`);
  return n;
}

/** PHOTO_WORKERS (0 allowed: API only), else the older PHOTO_POOL_SIZE; undefined: one per core. */
export function loadPhotoWorkers(env: NodeJS.ProcessEnv): number | undefined {
  const workers = nonNegativeInt(env.PHOTO_WORKERS, 'PHOTO_WORKERS');
  if (workers !== undefined) return workers;
  return env.PHOTO_POOL_SIZE ? positiveInt(env.PHOTO_POOL_SIZE, 1, 'PHOTO_POOL_SIZE') : undefined;
}

/** DATABASE_URL, checked for form here (reachability and credentials at connect). */
export function loadDatabaseUrl(value: string | undefined): string | null {
  const url = value?.trim();
  if (!url) return null;
  parseDatabaseUrl(url);
  return url;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T, name: string): T {
  if (!value) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

/** The first non-internal IPv4 address: what a phone on the same network would reach. */
function lanAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

const REAL_WECHAT_API = 'https://api.weixin.qq.com';

export function loadWeChatConfig(env: NodeJS.ProcessEnv, port: number, host: string): WeChatConfig {
  const appid = env.WECHAT_APPID?.trim() ?? '';
  const secret = env.WECHAT_SECRET?.trim() ?? '';
  if (Boolean(appid) !== Boolean(secret)) throw new Error('WECHAT_APPID and WECHAT_SECRET must be set together');
  const standinPort = positiveInt(env.WECHAT_STANDIN_PORT, port + 1, 'WECHAT_STANDIN_PORT');
  const real = Boolean(appid);
  const template = (value: string | undefined, standin: string) => value?.trim() || (real ? null : standin);
  const reachable = host === '0.0.0.0' || host === '::' ? (lanAddress() ?? '127.0.0.1') : host;
  return {
    mode: real ? 'wechat' : 'standin',
    appid: real ? appid : 'wx0000000000standin',
    secret: real ? secret : 'standin-secret',
    apiBase: (real ? env.WECHAT_API_BASE?.trim() || REAL_WECHAT_API : `http://127.0.0.1:${standinPort}`).replace(/\/$/, ''),
    templates: {
      result: template(env.WECHAT_TEMPLATE_RESULT, 'standin-template-result'),
      expiry: template(env.WECHAT_TEMPLATE_EXPIRY, 'standin-template-expiry'),
    },
    miniprogramState: oneOf(env.WECHAT_MINIPROGRAM_STATE, MINIPROGRAM_STATES, 'formal', 'WECHAT_MINIPROGRAM_STATE'),
    envVersion: oneOf(env.WECHAT_ENV_VERSION, ENV_VERSIONS, 'release', 'WECHAT_ENV_VERSION'),
    timeoutMs: positiveInt(env.WECHAT_TIMEOUT_MS, 5000, 'WECHAT_TIMEOUT_MS'),
    standinPort,
    publicUrl: (env.PUBLIC_URL?.trim() || `http://${reachable}:${port}`).replace(/\/$/, ''),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const dataDir = path.resolve(env.DATA_DIR || './data');
  const port = positiveInt(env.PORT, 3000, 'PORT');
  const host = env.HOST || '127.0.0.1';
  const wechat = loadWeChatConfig(env, port, host);
  return {
    port,
    host,
    dataDir,
    wechat,
    encryptionKey: loadEncryptionKey(dataDir, env.ENCRYPTION_KEY),
    photoRetentionDays: positiveInt(env.PHOTO_RETENTION_DAYS, 30, 'PHOTO_RETENTION_DAYS'),
    sessionDays: positiveInt(env.SESSION_DAYS, 30, 'SESSION_DAYS'),
    staffSessionHours: positiveInt(env.STAFF_SESSION_HOURS, 12, 'STAFF_SESSION_HOURS'),
    rateLimits: loadRateLimits(env),
    corsOrigins: loadCorsOrigins(env.CORS_ORIGINS),
    bodyLimitBytes: positiveInt(env.BODY_LIMIT_BYTES, 64 * 1024, 'BODY_LIMIT_BYTES'),
    trustProxy: loadTrustProxy(env.TRUST_PROXY),
    poolSize: loadPhotoWorkers(env),
    databaseUrl: loadDatabaseUrl(env.DATABASE_URL),
    databasePoolMax: positiveInt(env.DATABASE_POOL_MAX, 10, 'DATABASE_POOL_MAX'),
    jobLeaseMs: positiveInt(env.JOB_LEASE_MS, 30_000, 'JOB_LEASE_MS'),
    jobPollMs: positiveInt(env.JOB_POLL_MS, 1000, 'JOB_POLL_MS'),
    h5Dir: path.resolve(env.H5_DIR || 'dist/h5'),
    storage: loadStorageConfig(env),
    metricsToken: env.METRICS_TOKEN?.trim() || null,
    workerHttpPort: nonNegativeInt(env.WORKER_HTTP_PORT, 'WORKER_HTTP_PORT'),
  };
}
