/**
 * Orders and their history. A status change is one transaction: the order row moves only if it
 * is still in the status the caller saw (optimistic), the history row is written with it, and a
 * job it needs is queued with it.
 */
import type { CertCode } from '../../../shared/certificates';
import type { Actor, OrderEvent, OrderStatus } from '../../../shared/order-machine';
import type { PhotoReport } from '../../../shared/photo-report';
import type { AppDb } from '../db/database';
import type { DB } from '../db/schema';
import type { CryptoRepository } from './crypto.repository';
import { insertJob, type NewJob } from './job.repository';

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
}

export interface HistoryRecord {
  from: OrderStatus | null;
  to: OrderStatus;
  event: OrderEvent | 'create';
  actor: Actor;
  at: string;
  note: string | null;
}

export interface TransitionWrite {
  orderId: string;
  from: OrderStatus;
  to: OrderStatus;
  event: OrderEvent;
  actor: Actor;
  at: Date;
  note?: string | null;
  /** Columns that change with the status. */
  set?: { uploadId?: string | null; photoKey?: string | null; report?: PhotoReport | null };
  /** A job committed with the change. */
  job?: NewJob;
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
    };
  }

  async create(order: { id: string; userId: string; certType: CertCode; cityCode: string; at: Date }): Promise<void> {
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
    // rowid breaks ties between orders created in the same millisecond.
    const rows = await query.orderBy('created_at', 'desc').orderBy('rowid' as 'id', 'desc').execute();
    return rows.map((r) => this.toRecord(r));
  }

  async history(orderId: string): Promise<HistoryRecord[]> {
    const rows = await this.db.selectFrom('order_history').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
    return rows.map((r) => ({
      from: r.from_status as OrderStatus | null,
      to: r.to_status as OrderStatus,
      event: r.event as OrderEvent | 'create',
      actor: r.actor as Actor,
      at: r.at,
      note: r.note,
    }));
  }

  /** Moves the order from `from` to `to`; false when its status had already changed. */
  async applyTransition(t: TransitionWrite): Promise<boolean> {
    const iso = t.at.toISOString();
    return this.db.transaction().execute(async (trx) => {
      const set: Partial<OrderRow> = { status: t.to, updated_at: iso };
      if (t.set?.uploadId !== undefined) set.upload_id = t.set.uploadId;
      if (t.set?.photoKey !== undefined) set.photo_key = t.set.photoKey;
      if (t.set?.report !== undefined) set.report_json = t.set.report ? JSON.stringify(t.set.report) : null;
      const result = await trx.updateTable('orders').set(set).where('id', '=', t.orderId).where('status', '=', t.from).executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await trx
        .insertInto('order_history')
        .values({ order_id: t.orderId, from_status: t.from, to_status: t.to, event: t.event, actor: t.actor, note: t.note ?? null, at: iso })
        .execute();
      if (t.job) await insertJob(trx, t.job, t.at);
      return true;
    });
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
