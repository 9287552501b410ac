import type { Kysely } from 'kysely';
import { engineOf, msType } from '../engine';

// Several worker processes on one database (PostgreSQL): a running job is held under a lease
// (`locked_by`, `lease_expires_at` in ms) that its worker renews while it works; a job whose lease
// ran out (its worker was killed) is claimed again by another. `request_id` is the id of the HTTP
// request that queued the job, carried into the job's log lines.
// PostgreSQL has no rowid: `seq` orders orders and notifications by insertion there (ties between
// rows created in the same millisecond); SQLite keeps using its rowid.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('locked_by', 'text').execute();
  await db.schema.alterTable('jobs').addColumn('lease_expires_at', msType(db)).execute();
  await db.schema.alterTable('jobs').addColumn('request_id', 'text').execute();
  await db.schema.createIndex('jobs_lease').on('jobs').columns(['status', 'lease_expires_at']).execute();
  if (engineOf(db) === 'postgres') {
    await db.schema.alterTable('orders').addColumn('seq', 'bigserial').execute();
    await db.schema.alterTable('notifications').addColumn('seq', 'bigserial').execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (engineOf(db) === 'postgres') {
    await db.schema.alterTable('notifications').dropColumn('seq').execute();
    await db.schema.alterTable('orders').dropColumn('seq').execute();
  }
  await db.schema.dropIndex('jobs_lease').execute();
  for (const column of ['request_id', 'lease_expires_at', 'locked_by']) await db.schema.alterTable('jobs').dropColumn(column).execute();
}
