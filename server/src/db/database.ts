/**
 * Opens the database and brings it to the latest migration: SQLite in `<dataDir>/app.db` (WAL) by
 * default, PostgreSQL when a `databaseUrl` (DATABASE_URL) is given. Migrations are listed in code
 * (no directory scan) so they work the same under tsx, vitest and a bundler; the same list runs on
 * both engines, and several processes starting at once on one PostgreSQL take turns (Kysely's
 * migrator holds an advisory lock there).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import * as m0001 from './migrations/0001-initial';
import * as m0002 from './migrations/0002-review';
import * as m0003 from './migrations/0003-notifications';
import * as m0004 from './migrations/0004-photo-retention';
import * as m0005 from './migrations/0005-order-eligibility';
import * as m0006 from './migrations/0006-job-leases';
import type { DB } from './schema';

export { engineOf, type Engine } from './engine';

const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-review': m0002,
  '0003-notifications': m0003,
  '0004-photo-retention': m0004,
  '0005-order-eligibility': m0005,
  '0006-job-leases': m0006,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export type AppDb = Kysely<DB>;

/** Where the data lives: `databaseUrl` (PostgreSQL) when set, else SQLite under `dataDir`. */
export interface DatabaseTarget {
  dataDir: string;
  databaseUrl?: string | null;
  /** PostgreSQL connections this process keeps at most (default 10). */
  poolMax?: number;
}

export function databaseFile(dataDir: string): string {
  return path.join(dataDir, 'app.db');
}

/** A setting the server cannot start with; the message names it and says what to fix. */
export class DatabaseConfigError extends Error {}

/** `postgres://user:***@host:port/db`: safe to log. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(malformed)';
  }
}

/** Checks DATABASE_URL's form (config.ts calls this at start, before anything connects). */
export function parseDatabaseUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DatabaseConfigError('DATABASE_URL is not a URL: expected postgres://user:password@host:5432/database');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new DatabaseConfigError(`DATABASE_URL must start with postgres:// (got "${u.protocol}//…"); unset it to use SQLite in DATA_DIR`);
  }
  if (!u.hostname) throw new DatabaseConfigError('DATABASE_URL has no host: expected postgres://user:password@host:5432/database');
  if (u.pathname.replace(/^\//, '') === '') throw new DatabaseConfigError('DATABASE_URL names no database: expected postgres://user:password@host:5432/database');
  return u;
}

export async function openDatabase(target: string | DatabaseTarget): Promise<AppDb> {
  const t = typeof target === 'string' ? { dataDir: target } : target;
  const db = t.databaseUrl ? await connectPostgres(t.databaseUrl, t.poolMax ?? 10) : openSqlite(t.dataDir);
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    await db.destroy();
    throw new Error(`database migration failed${failed ? ` at ${failed.migrationName}` : ''}: ${String(error)}`);
  }
  return db;
}

function openSqlite(dataDir: string): AppDb {
  // The data directory holds personal data: private to the server's user when we create it.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const sqlite = new Database(databaseFile(dataDir));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
}

const INT8_OID = 20;

async function connectPostgres(url: string, max: number): Promise<AppDb> {
  const u = parseDatabaseUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    // COUNT(*) and BIGINT (millisecond times) come back as strings by default; every value we
    // store fits a double exactly.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary' ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // A connection that breaks while idle (server restart) must not take the process down; the
  // pool opens a new one for the next query.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new DatabaseConfigError(describeConnectError(err, u));
  }
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

function describeConnectError(err: unknown, u: URL): string {
  const e = err as { code?: string; message?: string };
  const where = `${u.hostname}:${u.port || 5432}`;
  const user = decodeURIComponent(u.username) || '(none)';
  const database = decodeURIComponent(u.pathname.slice(1));
  switch (e?.code) {
    case '28P01':
    case '28000':
      return `DATABASE_URL: PostgreSQL at ${where} refused user "${user}" (wrong user name or password)`;
    case '3D000':
      return `DATABASE_URL: PostgreSQL at ${where} has no database "${database}" (create it: createdb ${database})`;
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
      return `DATABASE_URL: cannot reach PostgreSQL at ${where} (${e.code}); is the server running and the host right?`;
    default:
      return `DATABASE_URL: cannot connect to PostgreSQL at ${where}: ${e?.message ?? String(err)}`;
  }
}
