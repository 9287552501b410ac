import type { Kysely } from 'kysely';

// 办证资格自测 → 去办理照片回执: a Shenzhen residence-permit order remembers what the self-check
// found, as JSON `{routes, talent?}` (the routes met and the talent condition chosen). Never the
// dates the person answered with: those are not stored anywhere. Null for every other order.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('orders').addColumn('eligibility_json', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('orders').dropColumn('eligibility_json').execute();
}
