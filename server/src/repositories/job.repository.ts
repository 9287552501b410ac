/** The durable job table: rows survive a crash; the runner claims, retries and finishes them. */
import type { Selectable, Transaction } from 'kysely';
import type { AppDb } from '../db/database';
import type { DB, JobStatus, JobsTable } from '../db/schema';

export interface NewJob {
  name: string;
  payload: unknown;
  subject?: string | null;
}

export interface JobRecord {
  id: number;
  name: string;
  payload: unknown;
  subject: string | null;
  status: JobStatus;
  attempts: number;
  runAfter: number;
  lastError: string | null;
}

const SUPERSEDED = 'superseded by a newer job for the same subject';

/**
 * Inserts a job inside the caller's transaction (so it commits with the state change that needs
 * it). A queued job with the same subject is superseded: marked failed and never run.
 */
export async function insertJob(trx: Transaction<DB>, job: NewJob, now: Date): Promise<void> {
  const iso = now.toISOString();
  if (job.subject) {
    await trx
      .updateTable('jobs')
      .set({ status: 'failed', last_error: SUPERSEDED, updated_at: iso })
      .where('subject', '=', job.subject)
      .where('status', '=', 'queued')
      .execute();
  }
  await trx
    .insertInto('jobs')
    .values({
      name: job.name,
      payload: JSON.stringify(job.payload),
      subject: job.subject ?? null,
      status: 'queued',
      attempts: 0,
      run_after: now.getTime(),
      last_error: null,
      created_at: iso,
      updated_at: iso,
    })
    .execute();
}

function toRecord(row: Selectable<JobsTable>): JobRecord {
  return {
    id: row.id,
    name: row.name,
    payload: JSON.parse(row.payload) as unknown,
    subject: row.subject,
    status: row.status,
    attempts: row.attempts,
    runAfter: row.run_after,
    lastError: row.last_error,
  };
}

export class JobRepository {
  constructor(private readonly db: AppDb) {}

  async enqueue(job: NewJob, now: Date): Promise<void> {
    await this.db.transaction().execute((trx) => insertJob(trx, job, now));
  }

  /** Names of jobs that still have to run (the runner refuses to start if one has no handler). */
  async pendingNames(): Promise<string[]> {
    const rows = await this.db.selectFrom('jobs').select('name').distinct().where('status', 'in', ['queued', 'running']).execute();
    return rows.map((r) => r.name);
  }

  /** After a crash: jobs left running go back to the queue. */
  async requeueRunning(now: Date): Promise<number> {
    const result = await this.db
      .updateTable('jobs')
      .set({ status: 'queued', updated_at: now.toISOString() })
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Takes the next due job and marks it running (one attempt more). */
  async claimNext(now: Date): Promise<JobRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('jobs')
        .selectAll()
        .where('status', '=', 'queued')
        .where('run_after', '<=', now.getTime())
        .orderBy('run_after')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      if (!row) return undefined;
      await trx
        .updateTable('jobs')
        .set({ status: 'running', attempts: row.attempts + 1, updated_at: now.toISOString() })
        .where('id', '=', row.id)
        .execute();
      return toRecord({ ...row, status: 'running', attempts: row.attempts + 1 });
    });
  }

  async markDone(id: number, now: Date): Promise<void> {
    await this.db.updateTable('jobs').set({ status: 'done', updated_at: now.toISOString() }).where('id', '=', id).execute();
  }

  async markRetry(id: number, runAfter: number, error: string, now: Date): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ status: 'queued', run_after: runAfter, last_error: error, updated_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
  }

  async markFailed(id: number, error: string, now: Date): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ status: 'failed', last_error: error, updated_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
  }

  async list(): Promise<JobRecord[]> {
    const rows = await this.db.selectFrom('jobs').selectAll().orderBy('id').execute();
    return rows.map(toRecord);
  }
}
