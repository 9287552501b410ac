/**
 * buildApp: the whole server as a fastify instance, not listening. It opens the database (and
 * migrates it), wires repositories → services → routes and runs the job runner while the app is
 * ready. Closing the app stops the runner, closes the engine pool it created and the database.
 */
import path from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { PHOTO_MAX_BYTES, authModeOf, type AppConfig } from './config';
import { engineOf, openDatabase } from './db/database';
import { JobRegistry } from './jobs/job-registry';
import { JobRunner, type JobRunnerOptions } from './jobs/job-runner';
import { registerDrawReceipt, registerExpireReceipts } from './jobs/receipts.job';
import { registerPurgePhotos } from './jobs/purge-photos.job';
import { registerProcessPhoto } from './jobs/process-photo.job';
import { PhotoPool } from './photo/pool';
import { systemClock, type Clock } from './repositories/clock.repository';
import { CryptoRepository } from './repositories/crypto.repository';
import { HandoffRepository } from './repositories/handoff.repository';
import { JobRepository } from './repositories/job.repository';
import { LocalStaffFile } from './repositories/local-staff.repository';
import { readImageHeader, renderReceipt } from './repositories/media.repository';
import { NotificationRepository } from './repositories/notification.repository';
import { OrderRepository } from './repositories/order.repository';
import { FilePhotoStore, type PhotoStoreRepository } from './repositories/photo-store.repository';
import { openS3PhotoStore } from './repositories/s3-photo-store.repository';
import { OperationsRepository } from './repositories/operations.repository';
import { AppMetrics } from './observability/metrics';
import { requestIdGenerator, runWithRequestId } from './observability/request-context';
import { healthRoutes } from './routes/health.routes';
import { metricsRoutes } from './routes/metrics.routes';
import { HealthService } from './services/health.service';
import { UserRepository } from './repositories/user.repository';
import { DISPATCH_DEFAULTS, NotificationDispatcher, type DispatcherOptions } from './notifications/notification-dispatcher';
import { eligibilityRoutes } from './routes/eligibility.routes';
import { errorHandler, notFoundHandler } from './routes/error-handler';
import { handoffRoutes } from './routes/handoff.routes';
import { notificationRoutes } from './routes/notification.routes';
import { orderRoutes, photoFileRoutes } from './routes/order.routes';
import { publicRoutes } from './routes/public.routes';
import { authRoutes, receiptRoutes, reviewRoutes } from './routes/staff.routes';
import type { RouteServices } from './routes/services';
import { registerSecurity } from './routes/security';
import { registerH5 } from './routes/static.routes';
import { wechatRoutes } from './routes/wechat.routes';
import { AuthService } from './services/auth.service';
import { HandoffService } from './services/handoff.service';
import { NotificationService } from './services/notification.service';
import { OrderService } from './services/order.service';
import { PhotoProcessingService, type PhotoProcessor } from './services/photo-processing.service';
import { PrintSheetService } from './services/print-sheet.service';
import { EXPIRE_RECEIPTS_JOB, ReceiptService } from './services/receipt.service';
import { PURGE_PHOTOS_JOB, RetentionService } from './services/retention.service';
import { ReviewService } from './services/review.service';
import { StaffService } from './services/staff.service';
import { WeChatService } from './services/wechat.service';
import type { WeChatApi } from './wechat/wechat-api';
import { WeChatClient } from './wechat/wechat-client';

export interface AppDeps {
  config: AppConfig;
  /** The engine. Default: a PhotoPool of `config.poolSize` workers, closed with the app. A given
   * processor belongs to the caller, who closes it. */
  processor?: PhotoProcessor;
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
  jobs?: Partial<JobRunnerOptions>;
  /** How often the receipt sweep runs: queues `expire-receipts` and `purge-photos` when due and
   * writes expiry reminders (default hourly; also once at start). */
  expireEveryMs?: number;
  /** The WeChat API. Default: the HTTP client for `config.wechat` (real host or stand-in). */
  wechat?: WeChatApi;
  /** Draws a receipt image (default: the media repository's renderer). */
  renderReceipt?: typeof renderReceipt;
  /** How old a stored file must be before the start-up sweep may remove it (default: the
   * store's own — 0 for files, S3_SWEEP_GRACE_MS on a shared bucket). */
  sweepGraceMs?: number;
  /** The notification dispatcher's retry schedule (default DISPATCH_DEFAULTS; polls every jobPollMs). */
  notifications?: Partial<Omit<DispatcherOptions, 'pollMs' | 'leaseMs'>>;
  /**
   * What this process does: `all` (default) serves the API and runs the jobs (photo, receipt,
   * retention, notification dispatch, the periodic sweep) unless `config.poolSize` is 0; `worker`
   * runs only the jobs (no routes; `npm run worker`).
   */
  role?: 'all' | 'worker';
}

/** A process that runs no jobs has no engine: asking it to process a photo is a wiring bug. */
const NO_ENGINE: PhotoProcessor = {
  size: 0,
  process: () => Promise.reject(new Error('this process runs no photo jobs (PHOTO_WORKERS=0)')),
  close: async () => undefined,
};

/**
 * The photo store `config.storage` names: files under `<dataDir>/photos`, or the S3 bucket once
 * it answered (a bad S3 setting throws a StorageConfigError naming it, before anything starts).
 */
export async function openPhotoStore(config: AppConfig, crypto: CryptoRepository): Promise<PhotoStoreRepository> {
  if (config.storage.kind === 's3') return openS3PhotoStore(config.storage, crypto);
  return new FilePhotoStore(path.join(config.dataDir, 'photos'), crypto);
}

/**
 * Request ids and latency: every answer carries X-Request-Id (a trusted proxy's, else a new
 * UUID; fastify logs it as `requestId` on the request's lines), the id is the request context
 * services see (observability/request-context.ts), and each answer is timed by route pattern.
 */
function observeRequests(app: FastifyInstance, metrics: AppMetrics): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    runWithRequestId(request.id, done);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const clock = deps.clock ?? systemClock;
  const app = Fastify({
    logger: deps.logger ?? false,
    // JSON bodies are small; photos go through multipart, which has its own limits below.
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // fastify turns Node's 5-minute request timeout off; a request (a slow 20 MB upload included)
    // gets as long, then the socket closes.
    requestTimeout: 300_000,
    requestIdHeader: false,
    genReqId: requestIdGenerator(config.trustProxy),
    requestIdLogLabel: 'requestId',
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  const role = deps.role ?? 'all';
  // PHOTO_WORKERS=0: an API instance; the jobs are the worker processes' (npm run worker).
  const runsJobs = role === 'worker' || config.poolSize !== 0;
  if (role === 'worker' && config.poolSize === 0) throw new Error('PHOTO_WORKERS=0: a worker needs at least one engine worker');
  // Storage first: a bad S3 setting stops here, before the database opens or anything runs.
  const crypto = new CryptoRepository(config.encryptionKey);
  const photos = await openPhotoStore(config, crypto);
  let db: Awaited<ReturnType<typeof openDatabase>>;
  try {
    db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, poolMax: config.databasePoolMax });
  } catch (err) {
    await photos.close();
    throw err;
  }
  const operations = new OperationsRepository(db);
  const metrics = new AppMetrics(operations);
  observeRequests(app, metrics);
  // Headers, CORS and rate limits: before any route, so every route and every answer gets them
  // (a worker has no routes).
  if (role !== 'worker') registerSecurity(app, { config, clock });
  // Nothing here takes text/plain: fewer ways to smuggle a body past the JSON parser.
  app.removeContentTypeParser('text/plain');

  // Alone on its database: one process serving and running jobs on SQLite. Anywhere else other
  // processes may hold jobs and notification claims right now: leases decide, not this start.
  const aloneOnDatabase = engineOf(db) === 'sqlite' && role === 'all';
  const ownsProcessor = !deps.processor && runsJobs;
  const processor: PhotoProcessor = metrics.timeProcessor(deps.processor ?? (runsJobs ? new PhotoPool(config.poolSize ? { size: config.poolSize } : {}) : NO_ENGINE));

  const wechat: WeChatApi = metrics.countNotifications(deps.wechat ?? new WeChatClient(config.wechat, { clock, log: app.log }));
  const users = new UserRepository(db);
  const orderRepo = new OrderRepository(db, crypto);
  const jobRepo = new JobRepository(db);
  const notificationRepo = new NotificationRepository(db);

  const registry = new JobRegistry();
  const runner = new JobRunner(
    { jobs: jobRepo, registry, clock, log: app.log },
    {
      concurrency: processor.size,
      pollMs: config.jobPollMs,
      maxAttempts: 3,
      retryBaseMs: 2000,
      leaseMs: config.jobLeaseMs,
      requeueOnStart: aloneOnDatabase,
      ...deps.jobs,
    },
  );

  const auth = new AuthService({ users, crypto, clock, authMode: authModeOf(config), sessionDays: config.sessionDays, staffSessionHours: config.staffSessionHours, wechat, log: app.log });
  const orders = new OrderService({ orders: orderRepo, photos, readImageHeader, crypto, clock, onJobQueued: () => runner.wake() });
  const photoProcessing = new PhotoProcessingService({ orders, photos, processor });
  registerProcessPhoto(registry, photoProcessing);
  const dispatcher = new NotificationDispatcher(
    { notifications: notificationRepo, wechat, templates: config.wechat.templates, clock, log: app.log },
    // The lease outlasts the slowest send: token, send, new token, send again, each up to timeoutMs.
    {
      pollMs: config.jobPollMs,
      leaseMs: Math.max(60_000, 5 * config.wechat.timeoutMs),
      ...DISPATCH_DEFAULTS,
      requeueOnStart: aloneOnDatabase,
      ...deps.notifications,
    },
  );
  const notifications = new NotificationService({ notifications: notificationRepo, crypto, clock, onNotification: () => dispatcher.wake() });
  const handoff = new HandoffService({ tickets: new HandoffRepository(db), orders: orderRepo, crypto, clock });
  const review = new ReviewService({ orders: orderRepo, users, orderViews: orders, crypto, clock, onNotification: () => dispatcher.wake(), onJobQueued: () => runner.wake() });
  const receipts = new ReceiptService({ orders: orderRepo, photos, orderViews: orders, clock, render: deps.renderReceipt ?? renderReceipt });
  registerExpireReceipts(registry, receipts);
  registerDrawReceipt(registry, receipts);
  const retention = new RetentionService({ orders: orderRepo, photos, clock, retentionDays: config.photoRetentionDays });
  registerPurgePhotos(registry, retention);

  // Seeding is the API's (it prints the passwords); a worker never signs anyone in.
  if (authModeOf(config) === 'local' && role !== 'worker') {
    const seeded = await new StaffService({ users, crypto, clock }).seedLocal(new LocalStaffFile(config.dataDir));
    for (const s of seeded) app.log.info({ username: s.username, role: s.role }, `local staff account: ${s.username} / ${s.password}`);
  }

  // The periodic sweep. A job is queued only when it has work (receipts run out, photos past
  // PHOTO_RETENTION_DAYS), so the job table does not fill with empty sweeps; expiry reminders are
  // written directly (idempotent).
  const queueWhenDue = (name: string, hasDue: () => Promise<boolean>) =>
    hasDue()
      .then(async (due) => {
        if (!due) return;
        await jobRepo.enqueue({ name, payload: {}, subject: name }, clock.now());
        runner.wake();
      })
      .catch((err: unknown) => app.log.error({ err }, `could not queue ${name}`));
  const queueExpiry = () =>
    Promise.all([
      queueWhenDue(EXPIRE_RECEIPTS_JOB, () => receipts.hasDue()),
      queueWhenDue(PURGE_PHOTOS_JOB, () => retention.hasDue()),
      notifications.remindExpiring().catch((err: unknown) => app.log.error({ err }, 'could not write expiry reminders')),
    ]);
  let expiryTimer: NodeJS.Timeout | null = null;
  app.addHook('onReady', async () => {
    if (!runsJobs) return;
    // What a crash left in the photo store (temporary files, originals no job will read) goes
    // before any job or request runs. Where other processes share the database and the store, a
    // file younger than the longest upload (requestTimeout) may be one of theirs in flight, and
    // on a shared bucket another instance may be between storing an upload and committing its
    // order: those are left for a later start.
    const grace = deps.sweepGraceMs ?? (aloneOnDatabase ? photos.sweepGraceMs : Math.max(photos.sweepGraceMs, 600_000));
    const swept = await photoProcessing.sweep(Date.now() - grace);
    if (swept > 0) app.log.info({ removed: swept, storage: photos.kind }, 'photo store: files left by an interrupted run removed');
    await runner.start();
    await dispatcher.start();
    await queueExpiry();
    expiryTimer = setInterval(queueExpiry, deps.expireEveryMs ?? 3_600_000);
    expiryTimer.unref();
  });
  app.addHook('onClose', async () => {
    if (expiryTimer) clearInterval(expiryTimer);
    // Waits for a send in flight, so its outcome is recorded before the database closes.
    await dispatcher.stop();
    await runner.stop();
    // Closing the pool fails the jobs in flight; the runner leaves them `running` for the next start.
    if (ownsProcessor) await processor.close();
    await runner.drain();
    await db.destroy();
    await photos.close();
  });

  // Health and metrics answer in every process (a worker serves them on WORKER_HTTP_PORT).
  await app.register(healthRoutes, { health: new HealthService({ operations, photos, log: app.log }) });
  await app.register(metricsRoutes, { metrics, token: config.metricsToken });
  if (role === 'worker') return app;
  const printSheets = new PrintSheetService({ orders: orderRepo, photos, orderViews: orders });
  const services: RouteServices = { auth, orders, review, receipts, printSheets, wechat: new WeChatService({ config, wechat, log: app.log }), notifications, handoff };
  await app.register(fastifyMultipart, { limits: { fileSize: PHOTO_MAX_BYTES, files: 1, fields: 10, parts: 12, fieldSize: 1024, fieldNameSize: 100, headerPairs: 100 } });
  await app.register(publicRoutes, { services });
  await app.register(eligibilityRoutes);
  await app.register(wechatRoutes, { services });
  await app.register(authRoutes, { services });
  await app.register(reviewRoutes, { services });
  await app.register(receiptRoutes, { services });
  await app.register(orderRoutes, { services });
  await app.register(photoFileRoutes, { services });
  await app.register(notificationRoutes, { services });
  await app.register(handoffRoutes, { services });
  await registerH5(app, config.h5Dir);
  return app;
}
