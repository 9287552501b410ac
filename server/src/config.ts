/**
 * The server's one typed configuration: environment variables with defaults that run locally, so
 * `npm start` with no environment works. The encryption key comes from ENCRYPTION_KEY or is
 * generated once into the data directory.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import path from 'node:path';

import type { TemplateKind } from '../../shared/wechat';

export type AuthMode = 'local' | 'wechat';

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
  miniprogramState: 'developer' | 'trial' | 'formal';
  /** getwxacodeunlimit `env_version`; `check_path` is on only for `release`. */
  envVersion: 'release' | 'trial' | 'develop';
  timeoutMs: number;
  standinPort: number;
  /** Where the stand-in's codes send a phone: the h5 app's address as seen from the network. */
  publicUrl: string;
}

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  /** `local` (nickname login, seeded staff) exactly when WeChat runs on the stand-in. */
  authMode: AuthMode;
  wechat: WeChatConfig;
  /** AES-256 key for ID numbers, phones and photos at rest; also the root of the URL-signing key. */
  encryptionKey: Buffer;
  /** Days a photo is kept after its receipt expires (used by the purge job). */
  photoRetentionDays: number;
  sessionDays: number;
  /** Engine workers; defaults to the number of cores. */
  poolSize: number | undefined;
  jobPollMs: number;
  /** Where the built h5 app lives (served on `/`). */
  h5Dir: string;
}

/** The upload limit; equal to the engine's INPUT_LIMITS.maxBytes (a test holds them together). */
export const PHOTO_MAX_BYTES = 20 * 1024 * 1024;

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

export const REAL_WECHAT_API = 'https://api.weixin.qq.com';

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
    miniprogramState: oneOf(env.WECHAT_MINIPROGRAM_STATE, ['developer', 'trial', 'formal'] as const, 'formal', 'WECHAT_MINIPROGRAM_STATE'),
    envVersion: oneOf(env.WECHAT_ENV_VERSION, ['release', 'trial', 'develop'] as const, 'release', 'WECHAT_ENV_VERSION'),
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
    authMode: wechat.mode === 'standin' ? 'local' : 'wechat',
    wechat,
    encryptionKey: loadEncryptionKey(dataDir, env.ENCRYPTION_KEY),
    photoRetentionDays: positiveInt(env.PHOTO_RETENTION_DAYS, 30, 'PHOTO_RETENTION_DAYS'),
    sessionDays: positiveInt(env.SESSION_DAYS, 30, 'SESSION_DAYS'),
    poolSize: env.PHOTO_POOL_SIZE ? positiveInt(env.PHOTO_POOL_SIZE, 1, 'PHOTO_POOL_SIZE') : undefined,
    jobPollMs: positiveInt(env.JOB_POLL_MS, 1000, 'JOB_POLL_MS'),
    h5Dir: path.resolve(env.H5_DIR || 'dist/h5'),
  };
}
