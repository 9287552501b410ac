import { sql, type Kysely } from 'kysely';
import { msType } from '../engine';

// Notifications (the in-app list and the WeChat outbox in one row), the answers to
// requestSubscribeMessage per order, and the 「在手机上继续」 tickets (hashed).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    .addColumn('wechat_state', 'text', (c) =>
      c.notNull().check(sql`wechat_state in ('pending', 'sending', 'sent', 'no_quota', 'refused', 'skipped', 'failed')`),
    )
    .addColumn('wechat_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('wechat_next_at', msType(db), (c) => c.notNull())
    .addColumn('wechat_error', 'text')
    .addColumn('wechat_sent_at', 'text')
    .execute();
  await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'created_at']).execute();
  await db.schema.createIndex('notifications_wechat_due').on('notifications').columns(['wechat_state', 'wechat_next_at']).execute();

  await db.schema
    .createTable('subscription_answers')
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('template_kind', 'text', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull().check(sql`answer in ('accept', 'reject', 'ban', 'filter')`))
    .addColumn('answered_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('subscription_answers_pk', ['order_id', 'template_kind'])
    .execute();

  await db.schema
    .createTable('handoff_tickets')
    .addColumn('ticket_hash', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('handoff_tickets_expires').on('handoff_tickets').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['handoff_tickets', 'subscription_answers', 'notifications']) await db.schema.dropTable(table).execute();
}
