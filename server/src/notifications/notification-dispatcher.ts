/**
 * Sends the notification outbox to WeChat (subscribeMessage.send). Woken when a notification is
 * committed, and polling for retries that fall due. One row at a time is claimed atomically
 * (pending → sending, for a lease), so a row is sent once even with two loops on the same
 * database.
 *
 *   no openid (h5/local user)           → skipped   (they have the in-app list)
 *   template id not configured          → skipped
 *   answered reject / ban / filter      → refused   (no call)
 *   ok                                  → sent
 *   errcode 43101 (no quota)            → no_quota  (never retried)
 *   retryable (5xx, timeout, busy, …)   → pending again after base·2^(n−1) (capped), then failed
 *   anything else                       → failed
 *
 * A stop waits for the send in flight and records its outcome. With SQLite (one process per
 * database file) a row a crash left `sending` is put back to `pending` by the next start, at
 * once: whoever claimed it is gone (waiting out its lease would only delay the message by a
 * minute or more). A send cut off mid-way may therefore reach the person twice if WeChat had
 * taken it before the crash, never zero times. With PostgreSQL several processes dispatch from
 * one outbox (`requeueOnStart: false`): a claim is taken with FOR UPDATE SKIP LOCKED and is not
 * due again until its lease runs out (longer than the slowest send), so no row is sent by two
 * processes; a dead process's rows are sent by another once their lease ends.
 */
import { orderDetailPage, templateData, templateKindOf, type TemplateKind } from '../../../shared/wechat';
import { backoffMs, PollLoop } from '../jobs/poll-loop';
import type { Clock } from '../repositories/clock.repository';
import type { DeliveryOutcome, DeliveryRecord, NotificationRepository } from '../repositories/notification.repository';
import { ERRCODE, type WeChatApi, type WeChatResult } from '../wechat/wechat-api';

export interface DispatcherOptions {
  pollMs: number;
  /** How long a claim lasts: longer than the longest send can take (token + send + retry). */
  leaseMs: number;
  /** Delay before the first retry; doubles with each further attempt up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Send attempts before a retryable failure is given up as `failed`. */
  maxAttempts: number;
  /** Put rows left `sending` back at start (default): only where no other process dispatches. */
  requeueOnStart?: boolean;
}

/** 5 s, 10 s, 20 s … 320 s: eight attempts over about ten minutes. */
export const DISPATCH_DEFAULTS: Omit<DispatcherOptions, 'pollMs' | 'leaseMs'> = { retryBaseMs: 5_000, retryMaxMs: 600_000, maxAttempts: 8 };

export interface DispatcherLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const REFUSING_ANSWERS = new Set(['reject', 'ban', 'filter']);

/** Enough of an openid to tell people apart in a log, not enough to address them. */
function maskOpenid(openid: string): string {
  return `${openid.slice(0, 4)}…`;
}

export class NotificationDispatcher {
  private readonly loop: PollLoop;

  constructor(
    private readonly deps: {
      notifications: NotificationRepository;
      wechat: WeChatApi;
      templates: Record<TemplateKind, string | null>;
      clock: Clock;
      log: DispatcherLogger;
    },
    private readonly options: DispatcherOptions,
  ) {
    this.loop = new PollLoop(() => this.sendDue(), options.pollMs, (err) => deps.log.error({ err }, 'notification dispatcher failed'));
  }

  private get stopped(): boolean {
    return this.loop.stopped;
  }

  async start(): Promise<void> {
    if (this.options.requeueOnStart ?? true) {
      const requeued = await this.deps.notifications.requeueSending(this.deps.clock.now().getTime());
      if (requeued > 0) this.deps.log.info({ requeued }, 'notifications interrupted by a crash were queued again');
    }
    this.loop.start();
  }

  /** Look for due notifications now (called after one was committed). */
  wake(): void {
    this.loop.wake();
  }

  /** Stops claiming and waits for the send in flight (its outcome is recorded). */
  async stop(): Promise<void> {
    this.loop.stop();
    await this.loop.settled();
  }

  /** The delay after the n-th failed attempt (n ≥ 1). */
  retryDelay(attempt: number): number {
    return backoffMs(this.options.retryBaseMs, attempt, this.options.retryMaxMs);
  }

  private async sendDue(): Promise<void> {
    const { notifications, clock } = this.deps;
    while (!this.stopped) {
      const row = await notifications.claimNext(clock.now().getTime(), this.options.leaseMs);
      if (!row) break;
      await notifications.finish(row.id, await this.deliver(row), row.wechatNextAt);
    }
  }

  private async deliver(row: DeliveryRecord): Promise<DeliveryOutcome> {
    const { wechat, templates, clock, log } = this.deps;
    const attempts = row.wechatAttempts;
    const templateKind = templateKindOf(row.kind);
    const templateId = templates[templateKind];
    if (!row.openid) return { state: 'skipped', attempts, error: 'no openid (not a WeChat user)' };
    if (!templateId) return { state: 'skipped', attempts, error: `no template configured for "${templateKind}"` };
    if (row.answer && REFUSING_ANSWERS.has(row.answer)) return { state: 'refused', attempts, error: `subscription answer: ${row.answer}` };

    const context = { notification: row.id, kind: row.kind, touser: maskOpenid(row.openid), attempt: attempts + 1 };
    let data;
    try {
      data = templateData(row.payload, clock.now());
    } catch (err) {
      log.error({ ...context, err }, 'notification payload does not fit its template');
      return { state: 'failed', attempts, error: `template data: ${(err as Error).message}` };
    }

    let result: WeChatResult<void>;
    try {
      result = await wechat.sendSubscribeMessage({ touser: row.openid, templateId, page: orderDetailPage(row.orderId), data });
    } catch (err) {
      result = { ok: false, error: { kind: 'network', retryable: true, message: `send threw: ${(err as Error).message}` } };
    }
    const n = attempts + 1;
    if (result.ok) return { state: 'sent', attempts: n, sentAt: clock.now().toISOString() };
    const { error } = result;
    if (error.errcode === ERRCODE.noQuota) {
      log.info({ ...context, errcode: error.errcode }, 'no subscription quota: notification stays in-app only');
      return { state: 'no_quota', attempts: n, error: error.message };
    }
    if (error.retryable && n < this.options.maxAttempts) {
      const delay = this.retryDelay(n);
      log.warn({ ...context, failure: error.message, retryInMs: delay }, 'notification send failed, will retry');
      return { state: 'pending', attempts: n, nextAt: clock.now().getTime() + delay, error: error.message };
    }
    log.error({ ...context, failure: error.message }, 'notification send failed, giving up');
    return { state: 'failed', attempts: n, error: error.message };
  }
}
