/**
 * Orders and their history. A status change is one transaction: the order row moves only if it
 * is still in the status the caller saw (optimistic), the history row is written with it, and a
 * job it needs is queued with it.
 */
import type { CertCode } from '../../../shared/certificates';
import type { OrderEligibility } from '../../../shared/eligibility';
import { transition, type Actor, type OrderEvent, type OrderStatus } from '../../../shared/order-machine';
import type { PhotoReport } from '../../../shared/photo-report';
import type { NotificationPayload } from '../../../shared/wechat';
import type { Selectable } from 'kysely';
import type { AppDb } from '../db/database';
import { insertionOrder, isUniqueViolation } from '../db/engine';
import type { DB } from '../db/schema';
import type { CryptoRepository } from './crypto.repository';
import { insertJob, type NewJob } from './job.repository';
import { insertNotification, upsertSubscriptionAnswers, type SubscriptionAnswers } from './notification.repository';

export interface ApplicantRecord {
  name: string;
  idNumber: string;
  phone: string;
  consentAt: string;
}

export interface OrderRecord {
  id: string;
  userId: string;
  certType: CertCode;
  cityCode: string;
  status: OrderStatus;
  uploadId: string | null;
  photoKey: string | null;
  report: PhotoReport | null;
  applicant: ApplicantRecord | null;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  claimedBy: string | null;
  claimExpiresAt: string | null;
  /** When the retention job deleted the order's photo files; null while they exist. */
  photoPurgedAt: string | null;
  /** What the 居住证 self-check found when the order came from it (routes + talent kind); else null. */
  eligibility: OrderEligibility | null;
}

export interface ReceiptRecord {
  number: string;
  orderId: string;
  group: string;
  cityCode: string;
  issuedAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export interface DecisionRecord {
  decision: 'approved' | 'rejected';
  reviewerId: string;
  reasons: string[];
  note: string | null;
  decidedAt: string;
}

export interface AuditEntry {
  actorType: 'staff' | 'api_key' | 'system' | 'applicant';
  actorId: string | null;
  actorName: string | null;
  action: string;
  orderId?: string | null;
  receiptNumber?: string | null;
  details?: unknown;
}

/** A receipt number that is already taken (the primary key said so, on either engine): draw another. */
export class DuplicateReceiptNumber extends Error {}

export interface HistoryRecord {
  from: OrderStatus | null;
  to: OrderStatus;
  event: OrderEvent | 'create';
  actor: Actor;
  at: string;
  note: string | null;
}

export interface OrderDetails {
  history: HistoryRecord[];
  receipt: ReceiptRecord | undefined;
  decision: DecisionRecord | undefined;
}

/** A status change: the new status is the state machine's answer to `from` + `event` + `actor`. */
export interface TransitionWrite {
  orderId: string;
  from: OrderStatus;
  event: OrderEvent;
  actor: Actor;
  at: Date;
  note?: string | null;
  /** Columns that change with the status. */
  set?: {
    uploadId?: string | null;
    photoKey?: string | null;
    report?: PhotoReport | null;
    submittedAt?: string | null;
    claimedBy?: string | null;
    claimExpiresAt?: string | null;
  };
  /** Only move if this reviewer holds the claim. */
  expectClaimedBy?: string;
  /** A job committed with the change. */
  job?: NewJob;
  /** A receipt issued with the change (approve). */
  receipt?: Omit<ReceiptRecord, 'usedAt' | 'orderId'>;
  /** Marks the order's receipt used (use). */
  receiptUsedAt?: string;
  decision?: Omit<DecisionRecord, 'decidedAt'>;
  audit?: AuditEntry;
  /** A notification to the order's owner (in-app, and WeChat through the outbox). */
  notification?: NotificationPayload;
  /** The answers to requestSubscribeMessage given with the change (submit). */
  subscriptions?: SubscriptionAnswers;
}

/** An order marked purged and the keys its files were stored under. */
export interface PurgedFiles {
  id: string;
  uploadId: string | null;
  photoKey: string | null;
  receiptNumber: string | null;
}

type OrderRow = DB['orders'];

export class OrderRepository {
  constructor(
    private readonly db: AppDb,
    private readonly crypto: CryptoRepository,
  ) {}

  private toRecord(row: OrderRow): OrderRecord {
    const applicant =
      row.applicant_name && row.applicant_id_number && row.applicant_phone && row.consent_at
        ? {
            name: row.applicant_name,
            idNumber: this.crypto.openText(row.applicant_id_number, `order:${row.id}:id_number`),
            phone: this.crypto.openText(row.applicant_phone, `order:${row.id}:phone`),
            consentAt: row.consent_at,
          }
        : null;
    return {
      id: row.id,
      userId: row.user_id,
      certType: row.cert_type as CertCode,
      cityCode: row.city_code,
      status: row.status as OrderStatus,
      uploadId: row.upload_id,
      photoKey: row.photo_key,
      report: row.report_json ? (JSON.parse(row.report_json) as PhotoReport) : null,
      applicant,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      submittedAt: row.submitted_at,
      claimedBy: row.claimed_by,
      claimExpiresAt: row.claim_expires_at,
      photoPurgedAt: row.photo_purged_at,
      eligibility: row.eligibility_json ? (JSON.parse(row.eligibility_json) as OrderEligibility) : null,
    };
  }

  async create(order: { id: string; userId: string; certType: CertCode; cityCode: string; eligibility?: OrderEligibility | null; at: Date }): Promise<void> {
    const iso = order.at.toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('orders')
        .values({
          id: order.id,
          user_id: order.userId,
          cert_type: order.certType,
          city_code: order.cityCode,
          status: 'draft',
          upload_id: null,
          photo_key: null,
          report_json: null,
          applicant_name: null,
          applicant_id_number: null,
          applicant_phone: null,
          consent_at: null,
          submitted_at: null,
          claimed_by: null,
          claim_expires_at: null,
          photo_purged_at: null,
          eligibility_json: order.eligibility ? JSON.stringify(order.eligibility) : null,
          created_at: iso,
          updated_at: iso,
        })
        .execute();
      await trx
        .insertInto('order_history')
        .values({ order_id: order.id, from_status: null, to_status: 'draft', event: 'create', actor: 'applicant', note: null, at: iso })
        .execute();
    });
  }

  async findById(id: string): Promise<OrderRecord | undefined> {
    const row = await this.db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? this.toRecord(row) : undefined;
  }

  async listByUser(userId: string, statuses?: readonly OrderStatus[]): Promise<OrderRecord[]> {
    let query = this.db.selectFrom('orders').selectAll().where('user_id', '=', userId);
    if (statuses && statuses.length > 0) query = query.where('status', 'in', [...statuses]);
    // Insertion order breaks ties between orders created in the same millisecond.
    const rows = await query.orderBy('created_at', 'desc').orderBy(insertionOrder(this.db), 'desc').execute();
    return rows.map((r) => this.toRecord(r));
  }

  /** What a view of each order needs beyond its row: history, receipt, latest decision — three
   * queries for any number of orders (the order list used to make three per order). */
  async details(orderIds: readonly string[]): Promise<Map<string, OrderDetails>> {
    const out = new Map<string, OrderDetails>(orderIds.map((id) => [id, { history: [], receipt: undefined, decision: undefined }]));
    if (orderIds.length === 0) return out;
    const ids = [...orderIds];
    const [history, receipts, decisions] = await Promise.all([
      this.db.selectFrom('order_history').selectAll().where('order_id', 'in', ids).orderBy('id').execute(),
      this.db.selectFrom('receipts').selectAll().where('order_id', 'in', ids).execute(),
      this.db.selectFrom('review_decisions').selectAll().where('order_id', 'in', ids).orderBy('id').execute(),
    ]);
    for (const r of history) {
      out.get(r.order_id)!.history.push({
        from: r.from_status as OrderStatus | null,
        to: r.to_status as OrderStatus,
        event: r.event as OrderEvent | 'create',
        actor: r.actor as Actor,
        at: r.at,
        note: r.note,
      });
    }
    for (const r of receipts) out.get(r.order_id)!.receipt = toReceipt(r);
    // Ordered by id: the last one written wins.
    for (const r of decisions) out.get(r.order_id)!.decision = toDecision(r);
    return out;
  }

  /** Moves the order if it is still in `t.from`; false when it was not. Throws TransitionError
   * when the machine does not allow the event at all. */
  async applyTransition(t: TransitionWrite): Promise<boolean> {
    const to = transition(t.from, t.event, t.actor);
    const iso = t.at.toISOString();
    try {
      return await this.db.transaction().execute(async (trx) => {
        const set: Partial<OrderRow> = { status: to, updated_at: iso };
        if (t.set?.uploadId !== undefined) {
          set.upload_id = t.set.uploadId;
          // A new photo replaces a purged one: the order has a photo again.
          set.photo_purged_at = null;
        }
        if (t.set?.photoKey !== undefined) set.photo_key = t.set.photoKey;
        if (t.set?.report !== undefined) set.report_json = t.set.report ? JSON.stringify(t.set.report) : null;
        if (t.set?.submittedAt !== undefined) set.submitted_at = t.set.submittedAt;
        if (t.set?.claimedBy !== undefined) set.claimed_by = t.set.claimedBy;
        if (t.set?.claimExpiresAt !== undefined) set.claim_expires_at = t.set.claimExpiresAt;
        let update = trx.updateTable('orders').set(set).where('id', '=', t.orderId).where('status', '=', t.from);
        if (t.expectClaimedBy !== undefined) update = update.where('claimed_by', '=', t.expectClaimedBy);
        const result = await update.executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        await trx
          .insertInto('order_history')
          .values({ order_id: t.orderId, from_status: t.from, to_status: to, event: t.event, actor: t.actor, note: t.note ?? null, at: iso })
          .execute();
        if (t.job) await insertJob(trx, t.job, t.at);
        if (t.receipt) {
          await trx
            .insertInto('receipts')
            .values({
              number: t.receipt.number,
              order_id: t.orderId,
              cert_group: t.receipt.group,
              city_code: t.receipt.cityCode,
              issued_at: t.receipt.issuedAt,
              expires_at: t.receipt.expiresAt,
              used_at: null,
            })
            .execute();
        }
        if (t.receiptUsedAt) {
          await trx.updateTable('receipts').set({ used_at: t.receiptUsedAt }).where('order_id', '=', t.orderId).where('used_at', 'is', null).execute();
        }
        if (t.decision) {
          await trx
            .insertInto('review_decisions')
            .values({
              order_id: t.orderId,
              reviewer_id: t.decision.reviewerId,
              decision: t.decision.decision,
              reasons_json: JSON.stringify(t.decision.reasons),
              note: t.decision.note,
              decided_at: iso,
            })
            .execute();
        }
        if (t.audit) await trx.insertInto('audit_log').values(auditRow(t.audit, iso)).execute();
        if (t.subscriptions) await upsertSubscriptionAnswers(trx, t.orderId, t.subscriptions, t.at);
        if (t.notification) {
          const owner = await trx.selectFrom('orders').select('user_id').where('id', '=', t.orderId).executeTakeFirstOrThrow();
          await insertNotification(trx, { id: this.crypto.newId(), userId: owner.user_id, payload: t.notification, at: t.at });
        }
        return true;
      });
    } catch (err) {
      if (t.receipt && isUniqueViolation(err, 'receipts', 'number')) throw new DuplicateReceiptNumber(t.receipt.number);
      throw err;
    }
  }

  /**
   * Takes or renews the review claim of an order already in review, without a status change: the
   * same reviewer renews; another reviewer only takes over a claim that has run out.
   */
  async renewClaim(orderId: string, reviewerId: string, expiresAt: Date, now: Date, audit: AuditEntry): Promise<boolean> {
    const nowIso = now.toISOString();
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('orders')
        .set({ claimed_by: reviewerId, claim_expires_at: expiresAt.toISOString(), updated_at: nowIso })
        .where('id', '=', orderId)
        .where('status', '=', 'in_review')
        .where((eb) => eb.or([eb('claimed_by', '=', reviewerId), eb('claimed_by', 'is', null), eb('claim_expires_at', '<=', nowIso)]))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await trx.insertInto('audit_log').values(auditRow(audit, nowIso)).execute();
      return true;
    });
  }

  /** Orders waiting for a reviewer, oldest submission first. */
  async reviewQueue(limit: number): Promise<OrderRecord[]> {
    const rows = await this.db
      .selectFrom('orders')
      .selectAll()
      .where('status', 'in', ['submitted', 'in_review'])
      .orderBy('submitted_at')
      .orderBy(insertionOrder(this.db))
      .limit(limit)
      .execute();
    return rows.map((r) => this.toRecord(r));
  }

  async receiptForOrder(orderId: string): Promise<ReceiptRecord | undefined> {
    const row = await this.db.selectFrom('receipts').selectAll().where('order_id', '=', orderId).executeTakeFirst();
    return row ? toReceipt(row) : undefined;
  }

  async receiptByNumber(number: string): Promise<ReceiptRecord | undefined> {
    const row = await this.db.selectFrom('receipts').selectAll().where('number', '=', number).executeTakeFirst();
    return row ? toReceipt(row) : undefined;
  }

  async decisions(orderId: string): Promise<DecisionRecord[]> {
    const rows = await this.db.selectFrom('review_decisions').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
    return rows.map(toDecision);
  }

  /** Approved orders whose receipt has run out. */
  async approvedPastExpiry(now: Date, limit: number): Promise<OrderRecord[]> {
    const rows = await this.db
      .selectFrom('orders')
      .innerJoin('receipts', 'receipts.order_id', 'orders.id')
      .selectAll('orders')
      .where('orders.status', '=', 'approved')
      .where('receipts.expires_at', '<=', now.toISOString())
      .limit(limit)
      .execute();
    return rows.map((r) => this.toRecord(r));
  }

  // ---- photo retention ----

  /**
   * Orders whose receipt ended (approved, used or expired) with `expires_at` at or before
   * `cutoff`, photo files not yet purged.
   */
  async receiptEndedBefore(cutoff: Date, limit: number): Promise<(OrderRecord & { receiptNumber: string })[]> {
    const rows = await this.db
      .selectFrom('orders')
      .innerJoin('receipts', 'receipts.order_id', 'orders.id')
      .selectAll('orders')
      .select('receipts.number as receipt_number')
      .where('orders.status', 'in', ['approved', 'used', 'expired'])
      .where('receipts.expires_at', '<=', cutoff.toISOString())
      .where('orders.photo_purged_at', 'is', null)
      .orderBy('receipts.expires_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...this.toRecord(r), receiptNumber: r.receipt_number }));
  }

  /** Orders in one of `statuses` untouched (updated_at) since `cutoff`, photo files not yet purged. */
  async idleSince(statuses: readonly OrderStatus[], cutoff: Date, limit: number): Promise<OrderRecord[]> {
    const rows = await this.db
      .selectFrom('orders')
      .selectAll()
      .where('status', 'in', [...statuses])
      .where('updated_at', '<=', cutoff.toISOString())
      .where('photo_purged_at', 'is', null)
      .orderBy('updated_at')
      .limit(limit)
      .execute();
    return rows.map((r) => this.toRecord(r));
  }

  /**
   * Marks the order's photo files purged (with its audit row) if it is still as the caller saw
   * it: same status and, when given, same `updated_at`. False when it moved meanwhile.
   */
  async markPhotoPurged(
    orderId: string,
    seen: { status: OrderStatus; updatedAt?: string },
    at: Date,
    audit: AuditEntry,
  ): Promise<boolean> {
    const iso = at.toISOString();
    return this.db.transaction().execute(async (trx) => {
      let update = trx
        .updateTable('orders')
        .set({ photo_purged_at: iso })
        .where('id', '=', orderId)
        .where('status', '=', seen.status)
        .where('photo_purged_at', 'is', null);
      if (seen.updatedAt !== undefined) update = update.where('updated_at', '=', seen.updatedAt);
      const result = await update.executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await trx.insertInto('audit_log').values(auditRow(audit, iso)).execute();
      return true;
    });
  }

  /** Those of `ids` whose photo files are marked purged, with the keys of their files. */
  async photoPurgedAmong(ids: readonly string[]): Promise<PurgedFiles[]> {
    const found: PurgedFiles[] = [];
    // SQLite allows 32766 host parameters; stay far below.
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom('orders')
        .leftJoin('receipts', 'receipts.order_id', 'orders.id')
        .select(['orders.id', 'orders.upload_id', 'orders.photo_key', 'receipts.number'])
        .where('orders.id', 'in', ids.slice(i, i + 500))
        .where('orders.photo_purged_at', 'is not', null)
        .execute();
      for (const r of rows) found.push({ id: r.id, uploadId: r.upload_id, photoKey: r.photo_key, receiptNumber: r.number });
    }
    return found;
  }

  async audit(entry: AuditEntry, at: Date): Promise<void> {
    await this.db.insertInto('audit_log').values(auditRow(entry, at.toISOString())).execute();
  }

  async auditLog(filter: { orderId?: string; receiptNumber?: string } = {}): Promise<(AuditEntry & { at: string })[]> {
    let query = this.db.selectFrom('audit_log').selectAll();
    if (filter.orderId) query = query.where('order_id', '=', filter.orderId);
    if (filter.receiptNumber) query = query.where('receipt_number', '=', filter.receiptNumber);
    const rows = await query.orderBy('id').execute();
    return rows.map((r) => ({
      actorType: r.actor_type as AuditEntry['actorType'],
      actorId: r.actor_id,
      actorName: r.actor_name,
      action: r.action,
      orderId: r.order_id,
      receiptNumber: r.receipt_number,
      details: r.details_json ? (JSON.parse(r.details_json) as unknown) : null,
      at: r.at,
    }));
  }

  /** Stores the applicant (ID number and phone sealed) if the order is in one of `statuses`. */
  async setApplicant(orderId: string, statuses: readonly OrderStatus[], applicant: ApplicantRecord, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('orders')
      .set({
        applicant_name: applicant.name,
        applicant_id_number: this.crypto.sealText(applicant.idNumber, `order:${orderId}:id_number`),
        applicant_phone: this.crypto.sealText(applicant.phone, `order:${orderId}:phone`),
        consent_at: applicant.consentAt,
        updated_at: at.toISOString(),
      })
      .where('id', '=', orderId)
      .where('status', 'in', [...statuses])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}

function auditRow(entry: AuditEntry, at: string) {
  return {
    actor_type: entry.actorType,
    actor_id: entry.actorId,
    actor_name: entry.actorName,
    action: entry.action,
    order_id: entry.orderId ?? null,
    receipt_number: entry.receiptNumber ?? null,
    details_json: entry.details === undefined ? null : JSON.stringify(entry.details),
    at,
  };
}

function toDecision(row: Selectable<DB['review_decisions']>): DecisionRecord {
  return { decision: row.decision, reviewerId: row.reviewer_id, reasons: JSON.parse(row.reasons_json) as string[], note: row.note, decidedAt: row.decided_at };
}

function toReceipt(row: DB['receipts']): ReceiptRecord {
  return {
    number: row.number,
    orderId: row.order_id,
    group: row.cert_group,
    cityCode: row.city_code,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
  };
}
