/**
 * The `process-photo` job's work: run the engine on the sealed original, keep the processed photo
 * (sealed; kept even when a check failed, so the person sees what was wrong), record the verdict,
 * and delete the original.
 */
import type { CertCode } from '../../../shared/certificates';
import { photoBackgroundFor, type PhotoBackground } from '../../../shared/photo-background';
import type { PhotoReport } from '../../../shared/photo-report';
import type { PhotoStoreRepository } from '../repositories/photo-store.repository';
import type { OrderService, ProcessPhotoPayload } from './order.service';

/** What the engine pool offers (PhotoPool, or a stand-in in tests). */
export interface PhotoProcessor {
  readonly size: number;
  /** `background`: the colour the certificate and city ask for (white when not given). */
  process(input: Buffer, cert: CertCode, background?: PhotoBackground): Promise<{ report: PhotoReport; jpeg: Buffer | null }>;
  close(): Promise<void>;
}

export class PhotoProcessingService {
  constructor(
    private readonly deps: { orders: OrderService; photos: PhotoStoreRepository; processor: PhotoProcessor },
  ) {}

  async process(payload: ProcessPhotoPayload): Promise<void> {
    const { orders, photos, processor } = this.deps;
    const order = await orders.pendingUpload(payload);
    if (!order) {
      // Superseded or already recorded (e.g. a crash after the verdict): only tidy up.
      await photos.delete(payload.orderId, payload.uploadId, 'original');
      return;
    }
    const original = await photos.get(payload.orderId, payload.uploadId, 'original');
    if (!original) {
      await orders.recordProcessingFailure(payload);
      return;
    }
    const { report, jpeg } = await processor.process(original, order.certType, photoBackgroundFor(order.certType, order.cityCode));
    if (jpeg) await photos.put(payload.orderId, payload.uploadId, 'photo', jpeg);
    await orders.recordPhotoResult(payload, report, jpeg !== null);
    await photos.delete(payload.orderId, payload.uploadId, 'original');
  }

  /**
   * Run at start, before jobs and requests (one server process per data directory): removes what
   * a crash left in the photo store — temporary files of interrupted writes, originals no job will
   * read (an upload killed between storing the file and committing the order), photos no order
   * points at. Files changed at or after `before` are left alone. Receipts are not touched.
   */
  async sweep(before: number): Promise<number> {
    const { orders, photos } = this.deps;
    let removed = 0;
    for (const orderId of await photos.orderIds()) {
      const files = (await photos.files(orderId)).filter((f) => f.kind !== 'receipt' && f.mtimeMs < before);
      if (files.length === 0) continue;
      const inUse = await orders.filesInUse(orderId);
      for (const f of files) {
        const needed =
          (f.kind === 'original' && inUse.originals.includes(f.key)) || (f.kind === 'photo' && inUse.photos.includes(f.key));
        if (needed) continue;
        await photos.remove(orderId, f);
        removed++;
      }
    }
    return removed;
  }

  /** After the last failed attempt. */
  async giveUp(payload: ProcessPhotoPayload): Promise<void> {
    // The original goes first: once the order shows the failure, nothing of the upload is left.
    // (A crash in between: the rerun finds no original and records the same failure.)
    await this.deps.photos.delete(payload.orderId, payload.uploadId, 'original');
    await this.deps.orders.recordProcessingFailure(payload);
  }
}
