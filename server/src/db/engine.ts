/**
 * The two database engines the same migrations and repositories run on: SQLite (one process, the
 * default) and PostgreSQL (`DATABASE_URL`, several API and worker processes). The few places where
 * they differ ask here instead of guessing from errors.
 */
import { PostgresAdapter, type CreateTableBuilder, type Kysely, type SelectQueryBuilder } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export function engineOf(db: AnyDb): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** An auto-numbered integer primary key `id`: INTEGER AUTOINCREMENT on SQLite, SERIAL on PostgreSQL. */
export function serialId(db: AnyDb) {
  return <T extends CreateTableBuilder<string, string>>(table: T): T =>
    (engineOf(db) === 'postgres'
      ? table.addColumn('id', 'serial', (c) => c.primaryKey())
      : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())) as T;
}

/** Milliseconds since 1970 need 64 bits: SQLite's INTEGER is; PostgreSQL's is 32, so BIGINT there. */
export function msType(db: AnyDb): 'integer' | 'bigint' {
  return engineOf(db) === 'postgres' ? 'bigint' : 'integer';
}

/**
 * The column that orders rows of a table by insertion, for tables whose key is a random id:
 * SQLite's rowid; on PostgreSQL the `seq` column migration 0006 adds (PostgreSQL has no rowid).
 */
export function insertionOrder(db: AnyDb): 'id' {
  return (engineOf(db) === 'postgres' ? 'seq' : 'rowid') as 'id';
}

/**
 * `FOR UPDATE SKIP LOCKED` on PostgreSQL: a row another transaction is claiming is passed over
 * instead of waited for (or, worse, claimed twice). SQLite has one writer at a time and no such
 * clause; its single UPDATE … RETURNING is already atomic.
 */
export function skipLocked(db: AnyDb) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return <Q extends SelectQueryBuilder<any, any, any>>(query: Q): Q => (engineOf(db) === 'postgres' ? (query.forUpdate().skipLocked() as Q) : query);
}

/** A UNIQUE or PRIMARY KEY violation on `table.column`, in either engine's words. */
export function isUniqueViolation(err: unknown, table: string, column: string): boolean {
  const e = err as { code?: string; message?: string; constraint?: string; detail?: string; table?: string };
  if (e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE') return (e.message ?? '').includes(`${table}.${column}`);
  // PostgreSQL: unique_violation; the detail reads `Key (number)=(…) already exists.`
  return e?.code === '23505' && e.table === table && (e.detail ?? '').startsWith(`Key (${column})=`);
}
