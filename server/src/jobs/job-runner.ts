/**
 * Runs durable jobs: up to `concurrency` at once, woken when a job is queued and polling for due
 * retries. A job whose handler throws is retried with exponential backoff, then given up.
 * Each claim is a lease in the job row, renewed every leaseMs/3 while the job runs: a runner
 * killed mid-job (SIGKILL, a lost machine) stops renewing, and once the lease runs out another
 * runner — in this process after a restart, or in another worker process — takes the job over.
 * Stopping leaves in-flight jobs `running`; a runner alone on its database (`requeueOnStart`)
 * puts them back at its next start, others wait for the lease.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../repositories/clock.repository';
import type { JobRecord, JobRepository } from '../repositories/job.repository';
import type { JobRegistry } from './job-registry';
import { backoffMs, PollLoop } from './poll-loop';
import { runWithRequestId } from '../observability/request-context';

export interface JobRunnerOptions {
  concurrency: number;
  pollMs: number;
  maxAttempts: number;
  /** First retry delay; doubles with each attempt. */
  retryBaseMs: number;
  /** How long a claim holds without renewal (default 30 s): how soon a killed worker's job resumes. */
  leaseMs?: number;
  /** Put jobs left running back in the queue at start: only where no other process runs jobs. */
  requeueOnStart?: boolean;
}

export const DEFAULT_LEASE_MS = 30_000;

export interface JobLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  /** A logger whose lines carry `bindings` (pino's child); the job's lines carry its request id. */
  child?(bindings: Record<string, unknown>): JobLogger;
}

/** Who holds a claim: unique per runner, readable in the job table. */
function newOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export class JobRunner {
  private readonly active = new Set<Promise<void>>();
  /** Ids of the jobs in flight (their leases are renewed). */
  private readonly held = new Set<number>();
  private readonly loop: PollLoop;
  private heartbeat: NodeJS.Timeout | null = null;
  readonly owner = newOwnerId();

  constructor(
    private readonly deps: { jobs: JobRepository; registry: JobRegistry; clock: Clock; log: JobLogger },
    private readonly options: JobRunnerOptions,
  ) {
    this.loop = new PollLoop(() => this.claimWhileFree(), options.pollMs, (err) => deps.log.error({ err }, 'job runner failed to claim a job'));
  }

  private get stopped(): boolean {
    return this.loop.stopped;
  }

  async start(): Promise<void> {
    const { jobs, registry, clock, log } = this.deps;
    const unknown = (await jobs.pendingNames()).filter((name) => !registry.has(name));
    if (unknown.length > 0) throw new Error(`job runner: no handler registered for pending job(s): ${unknown.join(', ')}`);
    if (this.options.requeueOnStart) {
      const requeued = await jobs.requeueRunning(clock.now());
      if (requeued > 0) log.info({ requeued }, 'jobs interrupted by a stop were queued again');
    }
    this.loop.start();
    this.heartbeat = setInterval(() => void this.renewLeases(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.heartbeat.unref();
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  private async renewLeases(): Promise<void> {
    const ids = [...this.held];
    if (ids.length === 0) return;
    try {
      const kept = new Set(await this.deps.jobs.renewLeases(ids, this.owner, this.deps.clock.now().getTime() + this.leaseMs));
      for (const id of ids) if (this.held.has(id) && !kept.has(id)) this.deps.log.error({ job: id }, 'job lease lost: another runner may have taken the job over');
    } catch (err) {
      this.deps.log.error({ err }, 'could not renew job leases');
    }
  }

  /** Look for work now (called after a job is queued). */
  wake(): void {
    this.loop.wake();
  }

  /** Stops claiming. Jobs in flight run on (a failure after the stop is not recorded, so the
   * next start resumes them); `drain` waits for them. */
  async stop(): Promise<void> {
    this.loop.stop();
  }

  /** After drain: no lease to renew any more. */
  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  async drain(): Promise<void> {
    // A claim in progress may still add a job: wait for it too.
    do await Promise.allSettled([...this.active, this.loop.settled()]);
    while (this.active.size > 0);
    this.stopHeartbeat();
  }

  private async claimWhileFree(): Promise<void> {
    while (!this.stopped && this.active.size < this.options.concurrency) {
      const job = await this.deps.jobs.claimNext(this.deps.clock.now(), this.owner, this.leaseMs);
      if (!job) break;
      this.held.add(job.id);
      const run: Promise<void> = runWithRequestId(job.requestId, () => this.execute(job)).finally(() => {
        this.held.delete(job.id);
        this.active.delete(run);
        this.wake();
      });
      this.active.add(run);
    }
  }

  private async execute(job: JobRecord): Promise<void> {
    const { jobs, registry, clock } = this.deps;
    const bindings = { job: job.id, name: job.name, attempt: job.attempts, ...(job.requestId ? { requestId: job.requestId } : {}) };
    const log = this.deps.log.child?.(bindings) ?? this.deps.log;
    // Without a child logger the bindings go on each line instead.
    const context = this.deps.log.child ? {} : bindings;
    const handler = registry.get(job.name);
    const owner = this.owner;
    try {
      if (!handler) throw new Error(`no handler registered for job "${job.name}"`);
      // Started more often than allowed without ever finishing or failing: something in it takes
      // the whole process down (a native crash). Give it up instead of crashing at every start.
      if (job.attempts > this.options.maxAttempts) throw new Error(`interrupted ${job.attempts - 1} times without finishing`);
      const started = Date.now();
      await handler.run(job.payload);
      if (await jobs.markDone(job.id, owner, clock.now())) log.info({ ...context, ms: Date.now() - started }, 'job done');
      else log.error(context, 'job finished after its lease was taken over by another runner');
    } catch (err) {
      // Stopping (the pool is closing under the job): leave it running, the next start resumes it.
      if (this.stopped) return;
      const message = err instanceof Error ? err.message : String(err);
      try {
        if (handler && job.attempts < this.options.maxAttempts) {
          const delay = backoffMs(this.options.retryBaseMs, job.attempts);
          log.error({ err, ...context }, 'job failed, will retry');
          await jobs.markRetry(job.id, owner, clock.now().getTime() + delay, message, clock.now());
        } else {
          log.error({ err, ...context }, 'job failed, giving up');
          // giveUp first: a crash between the two leaves the job `running`, so the next start
          // runs it again (handlers see their work is done); the other order would leave a
          // `failed` job whose giveUp never ran (an order stuck in processing).
          await handler?.giveUp?.(job.payload, err);
          await jobs.markFailed(job.id, owner, message, clock.now());
        }
      } catch (recordErr) {
        log.error({ err: recordErr, job: job.id }, 'could not record a job failure');
      }
    }
  }
}
