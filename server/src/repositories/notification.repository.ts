/**
 * Notifications: one row is both the in-app message (read_at) and the WeChat outbox entry
 * (wechat_*), written in the transaction of the change it reports. Also the person's answers to
 * requestSubscribeMessage, per order and template kind (the latest answer wins).
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { CertCode } from '../../../shared/certificates';
import { templateKindOf, type NotificationKind, type NotificationPayload, type SubscribeAnswer, type TemplateKind } from '../../../shared/wechat';
import type { AppDb } from '../db/database';
import { insertionOrder, skipLocked } from '../db/engine';
import type { DB, NotificationsTable, WeChatDeliveryState } from '../db/schema';

export interface NewNotification {
  id: string;
  userId: string;
  payload: NotificationPayload;
  at: Date;
  /** A second notification with the same key is not written. */
  dedupeKey?: string | null;
}

export interface NotificationRecord {
  id: string;
  userId: string;
  orderId: string;
  kind: NotificationKind;
  payload: NotificationPayload;
  createdAt: string;
  readAt: string | null;
  wechatState: WeChatDeliveryState;
  wechatAttempts: number;
  wechatNextAt: number;
  wechatError: string | null;
  wechatSentAt: string | null;
}

/** A claimed outbox row with what sending needs: the person's openid and their answer. */
export interface DeliveryRecord extends NotificationRecord {
  openid: string | null;
  answer: SubscribeAnswer | null;
}

/** How one send attempt ended. */
export type DeliveryOutcome =
  | { state: 'sent'; attempts: number; sentAt: string }
  | { state: 'pending'; attempts: number; nextAt: number; error: string }
  | { state: 'no_quota' | 'refused' | 'skipped' | 'failed'; attempts: number; error: string | null };

/** An approved, unused receipt that will run out soon and has no reminder yet. */
export interface ExpiringReceipt {
  orderId: string;
  userId: string;
  certType: CertCode;
  cityCode: string;
  number: string;
  expiresAt: string;
}

export type SubscriptionAnswers = Partial<Record<TemplateKind, SubscribeAnswer>>;

const REMINDER_KEY_PREFIX = 'receipt_expiring:';

/** The dedupe key of a receipt's expiry reminder: one per image number. */
export function expiryReminderKey(imageNumber: string): string {
  return `${REMINDER_KEY_PREFIX}${imageNumber}`;
}

/** Writes notifications (pending for WeChat) in one statement, in the caller's transaction;
 * returns how many were written (one whose dedupe key was already used is not). */
export async function insertNotifications(db: Kysely<DB>, list: readonly NewNotification[]): Promise<number> {
  if (list.length === 0) return 0;
  const result = await db
    .insertInto('notifications')
    .values(
      list.map((n) => ({
        id: n.id,
        user_id: n.userId,
        order_id: n.payload.orderId,
        kind: n.payload.kind,
        payload_json: JSON.stringify(n.payload),
        created_at: n.at.toISOString(),
        read_at: null,
        dedupe_key: n.dedupeKey ?? null,
        wechat_state: 'pending' as const,
        wechat_attempts: 0,
        wechat_next_at: n.at.getTime(),
        wechat_error: null,
        wechat_sent_at: null,
      })),
    )
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

/** One notification (see insertNotifications); false when its dedupe key was already used. */
export async function insertNotification(db: Kysely<DB>, n: NewNotification): Promise<boolean> {
  return (await insertNotifications(db, [n])) === 1;
}

/** Records the answers to requestSubscribeMessage (in the caller's transaction). */
export async function upsertSubscriptionAnswers(db: Kysely<DB>, orderId: string, answers: SubscriptionAnswers, at: Date): Promise<void> {
  for (const [kind, answer] of Object.entries(answers)) {
    if (!answer) continue;
    await db
      .insertInto('subscription_answers')
      .values({ order_id: orderId, template_kind: kind, answer, answered_at: at.toISOString() })
      .onConflict((oc) => oc.columns(['order_id', 'template_kind']).doUpdateSet({ answer, answered_at: at.toISOString() }))
      .execute();
  }
}

function toRecord(row: Selectable<NotificationsTable>): NotificationRecord {
  return {
    id: row.id,
    userId: row.user_id,
    orderId: row.order_id,
    kind: row.kind as NotificationKind,
    payload: JSON.parse(row.payload_json) as NotificationPayload,
    createdAt: row.created_at,
    readAt: row.read_at,
    wechatState: row.wechat_state,
    wechatAttempts: row.wechat_attempts,
    wechatNextAt: row.wechat_next_at,
    wechatError: row.wechat_error,
    wechatSentAt: row.wechat_sent_at,
  };
}

export class NotificationRepository {
  constructor(private readonly db: AppDb) {}

  // ---- the in-app list ----

  /** Newest first. */
  async listForUser(userId: string, limit: number): Promise<NotificationRecord[]> {
    const rows = await this.db
      .selectFrom('notifications')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy(insertionOrder(this.db), 'desc')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  async unreadCount(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Marks one of the user's notifications read (the first read time stays); undefined when the
   * user has no such notification. */
  async markRead(userId: string, id: string, at: Date): Promise<NotificationRecord | undefined> {
    await this.db
      .updateTable('notifications')
      .set({ read_at: at.toISOString() })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .execute();
    const row = await this.db.selectFrom('notifications').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async markAllRead(userId: string, at: Date): Promise<number> {
    const result = await this.db
      .updateTable('notifications')
      .set({ read_at: at.toISOString() })
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  // ---- writes outside a status change ----

  /** How many were written (see insertNotifications). */
  async insert(...list: NewNotification[]): Promise<number> {
    return insertNotifications(this.db, list);
  }

  /** Receipts of approved orders, not used, expiring in (now, until], without a reminder yet. */
  async expiringWithoutReminder(now: Date, until: Date, limit: number): Promise<ExpiringReceipt[]> {
    const rows = await this.db
      .selectFrom('receipts')
      .innerJoin('orders', 'orders.id', 'receipts.order_id')
      .select([
        'orders.id as orderId',
        'orders.user_id as userId',
        'orders.cert_type as certType',
        'orders.city_code as cityCode',
        'receipts.number as number',
        'receipts.expires_at as expiresAt',
      ])
      .where('orders.status', '=', 'approved')
      .where('receipts.used_at', 'is', null)
      .where('receipts.expires_at', '>', now.toISOString())
      .where('receipts.expires_at', '<=', until.toISOString())
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('notifications')
              .select('notifications.id')
              .where('notifications.dedupe_key', '=', sql<string>`cast(${REMINDER_KEY_PREFIX} as text) || receipts.number`),
          ),
        ),
      )
      .orderBy('receipts.expires_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...r, certType: r.certType as CertCode }));
  }

  // ---- the WeChat outbox ----

  /**
   * At the start of a process alone on its database (SQLite): every row left `sending` (the
   * process died during its send) is `pending` and due now, whatever its lease said — the process
   * that held it is gone. Its send may or may not have reached WeChat; sending again beats never.
   * Where several processes dispatch (PostgreSQL) this is never called: a row another process is
   * sending right now would go out twice; a dead process's rows come back when their lease ends.
   */
  async requeueSending(nowMs: number): Promise<number> {
    const result = await this.db
      .updateTable('notifications')
      .set({ wechat_state: 'pending', wechat_next_at: nowMs })
      .where('wechat_state', '=', 'sending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /**
   * Takes the row due first — pending, or a claim that ran out (its holder died) — for `leaseMs`
   * (→ sending). One UPDATE picks and takes it, so two loops never get the same row: on
   * PostgreSQL the pick skips rows another process is taking (FOR UPDATE SKIP LOCKED) and the
   * row is checked again after any wait for a lock.
   */
  async claimNext(nowMs: number, leaseMs: number): Promise<DeliveryRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('notifications')
        .set({ wechat_state: 'sending', wechat_next_at: nowMs + leaseMs })
        .where('id', '=', (eb) =>
          eb
            .selectFrom('notifications')
            .select('id')
            .where('wechat_state', 'in', ['pending', 'sending'])
            .where('wechat_next_at', '<=', nowMs)
            .orderBy('wechat_next_at')
            .orderBy(insertionOrder(this.db))
            .limit(1)
            .$call(skipLocked(this.db)),
        )
        .where('wechat_state', 'in', ['pending', 'sending'])
        .where('wechat_next_at', '<=', nowMs)
        .returningAll()
        .executeTakeFirst();
      if (!row) return undefined;
      const record = toRecord(row);
      const recipient = await trx
        .selectFrom('users')
        .select('openid')
        .select((eb) =>
          eb
            .selectFrom('subscription_answers')
            .select('answer')
            .where('order_id', '=', record.orderId)
            .where('template_kind', '=', templateKindOf(record.kind))
            .as('answer'),
        )
        .where('id', '=', record.userId)
        .executeTakeFirstOrThrow();
      return { ...record, openid: recipient.openid, answer: (recipient.answer as SubscribeAnswer | null) ?? null };
    });
  }

  /** Records how the attempt on a claimed (`sending`) row ended. `leaseUntil` (the claimed row's
   * wechat_next_at) makes sure the claim is still this one: a row whose lease ran out and was
   * claimed again is the new holder's to record. */
  async finish(id: string, outcome: DeliveryOutcome, leaseUntil?: number): Promise<void> {
    await this.db
      .updateTable('notifications')
      .set({
        wechat_state: outcome.state,
        wechat_attempts: outcome.attempts,
        ...(outcome.state === 'sent' ? { wechat_sent_at: outcome.sentAt, wechat_error: null } : { wechat_error: outcome.error }),
        ...(outcome.state === 'pending' ? { wechat_next_at: outcome.nextAt } : {}),
      })
      .where('id', '=', id)
      .where('wechat_state', '=', 'sending')
      .$if(leaseUntil !== undefined, (q) => q.where('wechat_next_at', '=', leaseUntil!))
      .execute();
  }

  // ---- inspection (tests, admin) ----

  async findById(id: string): Promise<NotificationRecord | undefined> {
    const row = await this.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async listForOrder(orderId: string): Promise<NotificationRecord[]> {
    const rows = await this.db.selectFrom('notifications').selectAll().where('order_id', '=', orderId).orderBy(insertionOrder(this.db)).execute();
    return rows.map(toRecord);
  }

  async answers(orderId: string): Promise<SubscriptionAnswers> {
    const rows = await this.db.selectFrom('subscription_answers').select(['template_kind', 'answer']).where('order_id', '=', orderId).execute();
    return Object.fromEntries(rows.map((r) => [r.template_kind, r.answer])) as SubscriptionAnswers;
  }
}
