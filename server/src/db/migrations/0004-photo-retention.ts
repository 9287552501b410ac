import type { Kysely } from 'kysely';

// Photo retention: when the purge job deleted an order's photo files (processed photo, receipt
// image, any original). The order row itself stays (history, image number); the marker lets the
// API say 「照片已按规定删除」 instead of failing. A new upload clears it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('orders').addColumn('photo_purged_at', 'text').execute();
  // The purge of unfinished orders looks for statuses untouched since a cut-off.
  await db.schema.createIndex('orders_status_updated').on('orders').columns(['status', 'updated_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('orders_status_updated').execute();
  await db.schema.alterTable('orders').dropColumn('photo_purged_at').execute();
}
