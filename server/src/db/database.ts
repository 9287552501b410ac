/**
 * Opens `<dataDir>/app.db` (WAL) and brings it to the latest migration. Migrations are listed in
 * code (no directory scan) so they work the same under tsx, vitest and a bundler.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001-initial';
import * as m0002 from './migrations/0002-review';
import * as m0003 from './migrations/0003-notifications';
import * as m0004 from './migrations/0004-photo-retention';
import * as m0005 from './migrations/0005-order-eligibility';
import type { DB } from './schema';

const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-review': m0002,
  '0003-notifications': m0003,
  '0004-photo-retention': m0004,
  '0005-order-eligibility': m0005,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export type AppDb = Kysely<DB>;

export function databaseFile(dataDir: string): string {
  return path.join(dataDir, 'app.db');
}

export async function openDatabase(dataDir: string): Promise<AppDb> {
  // The data directory holds personal data: private to the server's user when we create it.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const sqlite = new Database(databaseFile(dataDir));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    await db.destroy();
    throw new Error(`database migration failed${failed ? ` at ${failed.migrationName}` : ''}: ${String(error)}`);
  }
  return db;
}
