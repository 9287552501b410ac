/**
 * Runs durable jobs: up to `concurrency` at once, woken when a job is queued and polling for due
 * retries. A job whose handler throws is retried with exponential backoff, then given up.
 * Stopping leaves in-flight jobs `running`; the next start puts them back in the queue.
 */
import type { Clock } from '../repositories/clock.repository';
import type { JobRecord, JobRepository } from '../repositories/job.repository';
import type { JobRegistry } from './job-registry';
import { backoffMs, PollLoop } from './poll-loop';

export interface JobRunnerOptions {
  concurrency: number;
  pollMs: number;
  maxAttempts: number;
  /** First retry delay; doubles with each attempt. */
  retryBaseMs: number;
}

export interface JobLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export class JobRunner {
  private readonly active = new Set<Promise<void>>();
  private readonly loop: PollLoop;

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
    const requeued = await jobs.requeueRunning(clock.now());
    if (requeued > 0) log.info({ requeued }, 'jobs interrupted by a stop were queued again');
    this.loop.start();
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

  async drain(): Promise<void> {
    // A claim in progress may still add a job: wait for it too.
    do await Promise.allSettled([...this.active, this.loop.settled()]);
    while (this.active.size > 0);
  }

  private async claimWhileFree(): Promise<void> {
    while (!this.stopped && this.active.size < this.options.concurrency) {
      const job = await this.deps.jobs.claimNext(this.deps.clock.now());
      if (!job) break;
      const run: Promise<void> = this.execute(job).finally(() => {
        this.active.delete(run);
        this.wake();
      });
      this.active.add(run);
    }
  }

  private async execute(job: JobRecord): Promise<void> {
    const { jobs, registry, clock, log } = this.deps;
    const handler = registry.get(job.name);
    try {
      if (!handler) throw new Error(`no handler registered for job "${job.name}"`);
      // Started more often than allowed without ever finishing or failing: something in it takes
      // the whole process down (a native crash). Give it up instead of crashing at every start.
      if (job.attempts > this.options.maxAttempts) throw new Error(`interrupted ${job.attempts - 1} times without finishing`);
      await handler.run(job.payload);
      await jobs.markDone(job.id, clock.now());
    } catch (err) {
      // Stopping (the pool is closing under the job): leave it running, the next start resumes it.
      if (this.stopped) return;
      const message = err instanceof Error ? err.message : String(err);
      try {
        if (handler && job.attempts < this.options.maxAttempts) {
          const delay = backoffMs(this.options.retryBaseMs, job.attempts);
          log.error({ err, job: job.id, name: job.name, attempt: job.attempts }, 'job failed, will retry');
          await jobs.markRetry(job.id, clock.now().getTime() + delay, message, clock.now());
        } else {
          log.error({ err, job: job.id, name: job.name, attempt: job.attempts }, 'job failed, giving up');
          // giveUp first: a crash between the two leaves the job `running`, so the next start
          // runs it again (handlers see their work is done); the other order would leave a
          // `failed` job whose giveUp never ran (an order stuck in processing).
          await handler?.giveUp?.(job.payload, err);
          await jobs.markFailed(job.id, message, clock.now());
        }
      } catch (recordErr) {
        log.error({ err: recordErr, job: job.id }, 'could not record a job failure');
      }
    }
  }
}
