/**
 * The durable job table: rows survive a crash; runners claim, retry and finish them. A claim is a
 * lease: the claiming worker (`owner`) holds the job until `lease_expires_at` and renews it while
 * it works; a job whose lease ran out (its worker died) is claimed again by whoever looks next.
 * On PostgreSQL the claim skips rows another worker is claiming (FOR UPDATE SKIP LOCKED), so
 * workers in several processes never take the same job.
 */
import type { ExpressionBuilder, Selectable, Transaction } from 'kysely';
import type { AppDb } from '../db/database';
import { skipLocked } from '../db/engine';
import type { DB, JobStatus, JobsTable } from '../db/schema';
import { currentRequestId } from '../observability/request-context';

export interface NewJob {
  name: string;
  payload: unknown;
  subject?: string | null;
  /** Default: the request being served (see observability/request-context.ts). */
  requestId?: string | null;
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
  requestId: string | null;
  /** Running: until when the claim holds (ms). */
  leaseExpiresAt: number | null;
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
      locked_by: null,
      lease_expires_at: null,
      request_id: job.requestId === undefined ? currentRequestId() : job.requestId,
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
    requestId: row.request_id,
    leaseExpiresAt: row.lease_expires_at,
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

  /**
   * One process alone on its database (SQLite, API and jobs together), at start: jobs left
   * running were its own, interrupted by a stop or crash; they go back to the queue at once
   * instead of waiting out their lease. Never called where other processes run jobs.
   */
  async requeueRunning(now: Date): Promise<number> {
    const result = await this.db
      .updateTable('jobs')
      .set({ status: 'queued', locked_by: null, lease_expires_at: null, updated_at: now.toISOString() })
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /**
   * Takes the next due job for `owner` until now + leaseMs (one attempt more): a queued job that
   * is due, or a running one whose lease ran out (its worker is gone). One UPDATE picks and takes
   * it, so two runners never get the same job.
   */
  async claimNext(now: Date, owner: string, leaseMs: number): Promise<JobRecord | undefined> {
    const nowMs = now.getTime();
    const due = (eb: ExpressionBuilder<DB, 'jobs'>) =>
      eb.or([
        eb.and([eb('status', '=', 'queued'), eb('run_after', '<=', nowMs)]),
        eb.and([eb('status', '=', 'running'), eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', nowMs)])]),
      ]);
    const row = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'running',
        attempts: eb('attempts', '+', 1),
        locked_by: owner,
        lease_expires_at: nowMs + leaseMs,
        updated_at: now.toISOString(),
      }))
      .where('id', '=', (eb) =>
        eb.selectFrom('jobs').select('id').where(due).orderBy('run_after').orderBy('id').limit(1).$call(skipLocked(this.db)),
      )
      // Checked again on the row itself: on PostgreSQL the subquery's pick is not re-read when
      // the UPDATE waited for another transaction's lock.
      .where(due)
      .returningAll()
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Extends `owner`'s leases on `ids`; returns the ids it still holds (a lost one was taken over). */
  async renewLeases(ids: readonly number[], owner: string, until: number): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .updateTable('jobs')
      .set({ lease_expires_at: until })
      .where('id', 'in', [...ids])
      .where('status', '=', 'running')
      .where('locked_by', '=', owner)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** The outcome of `owner`'s run; false when the job is no longer its own (lease taken over). */
  async markDone(id: number, owner: string, now: Date): Promise<boolean> {
    return this.finish(id, owner, { status: 'done', updated_at: now.toISOString() });
  }

  async markRetry(id: number, owner: string, runAfter: number, error: string, now: Date): Promise<boolean> {
    return this.finish(id, owner, { status: 'queued', run_after: runAfter, last_error: error, updated_at: now.toISOString() });
  }

  async markFailed(id: number, owner: string, error: string, now: Date): Promise<boolean> {
    return this.finish(id, owner, { status: 'failed', last_error: error, updated_at: now.toISOString() });
  }

  private async finish(id: number, owner: string, set: Partial<Selectable<JobsTable>>): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      // locked_by stays: who ran the job last (for an operator reading the table).
      .set({ ...set, lease_expires_at: null })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('locked_by', '=', owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async list(): Promise<JobRecord[]> {
    const rows = await this.db.selectFrom('jobs').selectAll().orderBy('id').execute();
    return rows.map(toRecord);
  }
}
