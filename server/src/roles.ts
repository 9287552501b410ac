/**
 * The server's processes: `npm run serve` (main.ts: the API, and the jobs unless PHOTO_WORKERS=0)
 * and `npm run worker` (worker.ts: the jobs only, no HTTP). Both start the same way: configuration
 * first, then the database (connected and migrated) — a bad setting stops the process before it
 * serves or claims anything, with a message naming the setting.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import { loadConfig, type AppConfig } from './config';

/** Stops the process with one readable line (no stack trace for a configuration mistake). */
export function exitWithStartError(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${JSON.stringify({ level: 'fatal', time: Date.now(), msg: `could not start: ${message}` })}\n`);
  process.exit(1);
}

export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (err) {
    exitWithStartError(err);
  }
}

/** On SIGINT/SIGTERM: `close`, then exit 0 (1 if closing failed). */
export function exitOnStopSignals(log: FastifyInstance['log'], close: () => Promise<void>): void {
  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      log.info({ signal }, 'shutting down');
      close().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

/** `npm run worker`: photo, receipt, retention and notification jobs; no API routes, and only
 * GET /metrics + /api/health on WORKER_HTTP_PORT when that is set. */
export async function startWorker(config: AppConfig): Promise<FastifyInstance> {
  let app: FastifyInstance;
  try {
    app = await buildApp({ config, role: 'worker', logger: { level: process.env.LOG_LEVEL || 'info' } });
    // onReady starts the runner and the dispatcher.
    if (config.workerHttpPort !== undefined) await app.listen({ port: config.workerHttpPort, host: config.host });
    else await app.ready();
  } catch (err) {
    exitWithStartError(err);
  }
  exitOnStopSignals(app.log, () => app.close());
  app.log.info({ database: config.databaseUrl ? 'postgres' : 'sqlite', photoWorkers: config.poolSize ?? 'one per core' }, '照片回执 worker ready');
  return app;
}
