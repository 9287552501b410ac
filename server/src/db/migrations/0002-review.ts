import { sql, type Kysely } from 'kysely';
import { serialId } from '../engine';

// Staff accounts (users with a role and a password), API keys, review claims and decisions,
// receipts (image numbers) and the audit log.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('role', 'text', (c) => c.notNull().defaultTo('applicant')).execute();
  await db.schema.alterTable('users').addColumn('username', 'text').execute();
  await db.schema.alterTable('users').addColumn('password_hash', 'text').execute();
  await db.schema.createIndex('users_username').on('users').column('username').unique().execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema.alterTable('orders').addColumn('submitted_at', 'text').execute();
  await db.schema.alterTable('orders').addColumn('claimed_by', 'text').execute();
  await db.schema.alterTable('orders').addColumn('claim_expires_at', 'text').execute();
  await db.schema.createIndex('orders_status').on('orders').columns(['status', 'submitted_at']).execute();

  await db.schema
    .createTable('receipts')
    .addColumn('number', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().unique().references('orders.id').onDelete('cascade'))
    .addColumn('cert_group', 'text', (c) => c.notNull())
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('receipts_expires').on('receipts').column('expires_at').execute();

  await db.schema
    .createTable('review_decisions')
    .$call(serialId(db))
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('reviewer_id', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('approved', 'rejected')`))
    .addColumn('reasons_json', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('review_decisions_order').on('review_decisions').column('order_id').execute();

  await db.schema
    .createTable('audit_log')
    .$call(serialId(db))
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text')
    .addColumn('receipt_number', 'text')
    .addColumn('details_json', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['audit_log', 'review_decisions', 'receipts', 'api_keys']) await db.schema.dropTable(table).execute();
}
