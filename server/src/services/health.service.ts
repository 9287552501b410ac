/**
 * What GET /api/health reports, for a load balancer and a person looking: the database, the
 * photo storage and the job queue, each checked on its own (in parallel, each with a time
 * limit), so a 503 says which part is down. The queue lives in the database; it is reported
 * with its counts so one look shows a backlog.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { OperationsRepository } from '../repositories/operations.repository';
import type { PhotoStoreRepository } from '../repositories/photo-store.repository';

export type HealthPart = 'database' | 'storage' | 'queue';

export interface PartHealth {
  ok: boolean;
  /** Why it is down: an error name or code, never a message (it may name hosts). */
  error?: string;
}

export interface HealthReport {
  ok: boolean;
  /** The parts that are down, in the order database, storage, queue. */
  down: HealthPart[];
  database: PartHealth;
  storage: PartHealth & { kind: 'files' | 's3' };
  queue: PartHealth & { queued?: number; running?: number; failed?: number };
}

const CHECK_TIMEOUT_MS = 3000;

export class HealthService {
  constructor(private readonly deps: { operations: OperationsRepository; photos: PhotoStoreRepository; log: FastifyBaseLogger }) {}

  async report(): Promise<HealthReport> {
    const { operations, photos } = this.deps;
    const [database, storage, queue] = await Promise.all([
      this.part('database', () => operations.ping()),
      this.part('storage', () => photos.check()),
      this.part('queue', async () => {
        const counts = { queued: 0, running: 0, failed: 0 };
        for (const row of await operations.jobCounts()) counts[row.status as keyof typeof counts] += row.count;
        return counts;
      }),
    ]);
    const parts = { database, storage: { ok: storage.ok, ...(storage.error ? { error: storage.error } : {}), kind: photos.kind }, queue };
    const down = (['database', 'storage', 'queue'] as const).filter((p) => !parts[p].ok);
    return { ok: down.length === 0, down, ...parts };
  }

  private async part<T extends object = object>(name: HealthPart, check: () => Promise<T | void>): Promise<PartHealth & Partial<T>> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const value = await Promise.race([
        check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`), { name: 'TimeoutError' })), CHECK_TIMEOUT_MS);
        }),
      ]);
      return { ok: true, ...(value ?? {}) } as PartHealth & Partial<T>;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      this.deps.log.warn({ err, part: name }, `health: ${name} is down`);
      return { ok: false, error: e.code ?? e.name ?? 'Error' } as PartHealth & Partial<T>;
    } finally {
      clearTimeout(timer);
    }
  }
}
