/**
 * Read-only questions operators ask the database: is it there, how many jobs wait, run or
 * failed by type, where the WeChat outbox stands. Plain SQL both SQLite and PostgreSQL run.
 */
import { sql, type Kysely } from 'kysely';
import type { DB, JobStatus, WeChatDeliveryState } from '../db/schema';

export const JOB_STATES_REPORTED = ['queued', 'running', 'failed'] as const satisfies readonly JobStatus[];

export class OperationsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async jobCounts(): Promise<{ name: string; status: JobStatus; count: number }[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .select(['name', 'status', (eb) => eb.fn.countAll().as('count')])
      .where('status', 'in', [...JOB_STATES_REPORTED])
      .groupBy(['name', 'status'])
      .execute();
    return rows.map((r) => ({ name: r.name, status: r.status, count: Number(r.count) }));
  }

  async outboxCounts(): Promise<{ state: WeChatDeliveryState; count: number }[]> {
    const rows = await this.db
      .selectFrom('notifications')
      .select(['wechat_state', (eb) => eb.fn.countAll().as('count')])
      .groupBy('wechat_state')
      .execute();
    return rows.map((r) => ({ state: r.wechat_state, count: Number(r.count) }));
  }
}
