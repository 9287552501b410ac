/**
 * The `process-photo` job's work: run the engine on the sealed original, keep the processed photo
 * (sealed; kept even when a check failed, so the person sees what was wrong), record the verdict,
 * and delete the original.
 */
import type { CertCode } from '../../../shared/certificates';
import type { PhotoReport } from '../../../shared/photo-report';
import type { PhotoStoreRepository } from '../repositories/photo-store.repository';
import type { OrderService, ProcessPhotoPayload } from './order.service';

/** What the engine pool offers (PhotoPool, or a stand-in in tests). */
export interface PhotoProcessor {
  readonly size: number;
  process(input: Buffer, cert: CertCode): Promise<{ report: PhotoReport; jpeg: Buffer | null }>;
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
    const { report, jpeg } = await processor.process(original, order.certType);
    if (jpeg) await photos.put(payload.orderId, payload.uploadId, 'photo', jpeg);
    await orders.recordPhotoResult(payload, report, jpeg !== null);
    await photos.delete(payload.orderId, payload.uploadId, 'original');
  }

  /** After the last failed attempt. */
  async giveUp(payload: ProcessPhotoPayload): Promise<void> {
    await this.deps.orders.recordProcessingFailure(payload);
    await this.deps.photos.delete(payload.orderId, payload.uploadId, 'original');
  }
}
