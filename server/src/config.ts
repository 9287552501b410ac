/**
 * The server's one typed configuration: environment variables with defaults that run locally, so
 * `npm start` with no environment works. The encryption key comes from ENCRYPTION_KEY or is
 * generated once into the data directory.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type AuthMode = 'local' | 'wechat';

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  authMode: AuthMode;
  /** AES-256 key for ID numbers, phones and photos at rest; also the root of the URL-signing key. */
  encryptionKey: Buffer;
  /** Days a photo is kept after its receipt expires (used by the purge job, issue 5). */
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const dataDir = path.resolve(env.DATA_DIR || './data');
  const authMode = (env.AUTH_MODE || 'local') as AuthMode;
  if (authMode !== 'local' && authMode !== 'wechat') throw new Error(`AUTH_MODE must be local or wechat, got "${authMode}"`);
  return {
    port: positiveInt(env.PORT, 3000, 'PORT'),
    host: env.HOST || '127.0.0.1',
    dataDir,
    authMode,
    encryptionKey: loadEncryptionKey(dataDir, env.ENCRYPTION_KEY),
    photoRetentionDays: positiveInt(env.PHOTO_RETENTION_DAYS, 30, 'PHOTO_RETENTION_DAYS'),
    sessionDays: positiveInt(env.SESSION_DAYS, 30, 'SESSION_DAYS'),
    poolSize: env.PHOTO_POOL_SIZE ? positiveInt(env.PHOTO_POOL_SIZE, 1, 'PHOTO_POOL_SIZE') : undefined,
    jobPollMs: positiveInt(env.JOB_POLL_MS, 1000, 'JOB_POLL_MS'),
    h5Dir: path.resolve(env.H5_DIR || 'dist/h5'),
  };
}
