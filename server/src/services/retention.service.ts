/**
 * Photo retention (PRODUCT.md, privacy): face photos are not kept longer than the service needs
 * them. The job `purge-photos` deletes an order's photo files — processed photo, receipt image
 * and any original left over — `retentionDays` (config PHOTO_RETENTION_DAYS) after:
 *
 * - the receipt's expiry, for orders that got one (approved, used or expired: a used receipt is
 *   counted from its expiry too, since it stays downloadable until then);
 * - the last change, for orders that never finished (needs_retake, ready, rejected), so the face
 *   of someone who gave up does not linger.
 *
 * Never purged: drafts (no photo yet), `processing` (a job owns the photo) and orders waiting for
 * or under review (`submitted`, `in_review`: the detection centre needs the photo).
 *
 * The order row stays (history, image number, applicant) with `photo_purged_at` set, so the API
 * answers 「照片已按规定删除」 (410 PHOTO_PURGED) for the files and null URLs in views. The mark
 * and its audit row commit first, then the files go; a crash in between leaves files of a marked
 * order, which the next run deletes (leftovers). Running it again is harmless. Originals are not
 * this job's business in the normal course: the photo job deletes them once processed.
 *
 * Only files under the keys the marked order knows (upload, photo, receipt number) are deleted: a
 * new photo for a purged order is stored under a new key before the commit that clears the mark,
 * and must not go. (Stray files under other keys are the start-up sweep's.)
 */
import type { OrderStatus } from '../../../shared/order-machine';
import type { Clock } from '../repositories/clock.repository';
import type { AuditEntry, OrderRecord, OrderRepository, PurgedFiles } from '../repositories/order.repository';
import type { PhotoStoreRepository } from '../repositories/photo-store.repository';

export const PURGE_PHOTOS_JOB = 'purge-photos';

/** Orders that never finished: their photo goes `retentionDays` after the last change. */
export const PURGE_WHEN_IDLE: readonly OrderStatus[] = ['needs_retake', 'ready', 'rejected'];

const BATCH = 200;
/** Batches per run; the next run (the sweep queues one while any is due) picks up the rest. */
const MAX_BATCHES = 50;
const DAY_MS = 86_400_000;

export type PurgeReason = 'receipt_ended' | 'unfinished';

export interface PurgeResult {
  /** Orders whose photos were purged in this run. */
  purged: number;
  /** Orders purged before whose files were still on disk (an interrupted run). */
  leftovers: number;
}

export class RetentionService {
  constructor(
    private readonly deps: {
      orders: OrderRepository;
      photos: PhotoStoreRepository;
      clock: Clock;
      retentionDays: number;
    },
  ) {}

  /** Everything at or before this instant is past retention. */
  private cutoff(): Date {
    return new Date(this.deps.clock.now().getTime() - this.deps.retentionDays * DAY_MS);
  }

  /** True when some order's photos are due for purging (the sweep then queues the job). */
  async hasDue(): Promise<boolean> {
    const { orders } = this.deps;
    const cutoff = this.cutoff();
    if ((await orders.receiptEndedBefore(cutoff, 1)).length > 0) return true;
    if ((await orders.idleSince(PURGE_WHEN_IDLE, cutoff, 1)).length > 0) return true;
    return (await this.leftovers()).length > 0;
  }

  /** Purges every order past retention, then the leftovers of an interrupted run. */
  async purgeDue(): Promise<PurgeResult> {
    const { orders } = this.deps;
    let purged = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const cutoff = this.cutoff();
      const ended = await orders.receiptEndedBefore(cutoff, BATCH);
      const idle = await orders.idleSince(PURGE_WHEN_IDLE, cutoff, BATCH);
      for (const order of ended) if (await this.purge(order, 'receipt_ended', order.receiptNumber)) purged++;
      for (const order of idle) if (await this.purge(order, 'unfinished', null)) purged++;
      if (ended.length < BATCH && idle.length < BATCH) break;
    }
    const leftovers = await this.leftovers();
    for (const order of leftovers) await this.deps.photos.deleteKeys(order.id, keysOf(order));
    return { purged, leftovers: leftovers.length };
  }

  private async purge(order: OrderRecord, reason: PurgeReason, receiptNumber: string | null): Promise<boolean> {
    const { orders, photos, clock } = this.deps;
    const audit: AuditEntry = {
      actorType: 'system',
      actorId: null,
      actorName: null,
      action: 'photo.purge',
      orderId: order.id,
      receiptNumber,
      details: { reason, status: order.status, retentionDays: this.deps.retentionDays },
    };
    // An unfinished order must still be untouched: a person who came back keeps their photo.
    const seen = reason === 'unfinished' ? { status: order.status, updatedAt: order.updatedAt } : { status: order.status };
    if (!(await orders.markPhotoPurged(order.id, seen, clock.now(), audit))) return false;
    await photos.deleteKeys(order.id, keysOf({ ...order, receiptNumber }));
    return true;
  }

  /** Orders marked purged that still have some of their files in the store. */
  private async leftovers(): Promise<PurgedFiles[]> {
    const { orders, photos } = this.deps;
    const onDisk = await photos.orderIds();
    const marked = onDisk.length === 0 ? [] : await orders.photoPurgedAmong(onDisk);
    const left: PurgedFiles[] = [];
    for (const order of marked) if ((await photos.filesUnder(order.id, keysOf(order))).length > 0) left.push(order);
    return left;
  }
}

function keysOf(order: Pick<PurgedFiles, 'uploadId' | 'photoKey' | 'receiptNumber'>): string[] {
  return [order.uploadId, order.photoKey, order.receiptNumber].filter((k): k is string => k !== null);
}
