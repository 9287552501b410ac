/**
 * The applicant's orders: create, photo upload, applicant details, submit, and the system's
 * result of photo processing. Every status change goes through `transition()` and one repository
 * call that moves the order and writes its history together.
 */
import { rejectReasonLabel, type OrderView, type RejectReason, type SubmitBody } from '../../../shared/api';
import type { CertCode } from '../../../shared/certificates';
import { getCity } from '../../../shared/cities';
import type { OrderEligibility } from '../../../shared/eligibility';
import { maskIdNumber, maskPhone } from '../../../shared/identity';
import { transition, type Actor, type OrderEvent, type OrderStatus } from '../../../shared/order-machine';
import type { PhotoReport } from '../../../shared/photo-report';
import type { Clock } from '../repositories/clock.repository';
import type { CryptoRepository } from '../repositories/crypto.repository';
import type { OrderDetails, OrderRecord, OrderRepository, TransitionWrite } from '../repositories/order.repository';
import type { ImageHeaderRead } from '../repositories/media.repository';
import type { PhotoStoreRepository } from '../repositories/photo-store.repository';
import { AppError } from './errors';
import { checkUpload } from './image-format';

export const PROCESS_PHOTO_JOB = 'process-photo';

export interface ProcessPhotoPayload {
  orderId: string;
  uploadId: string;
}

/** The applicant may change their details until the order is submitted. */
const APPLICANT_EDITABLE: readonly OrderStatus[] = ['draft', 'processing', 'needs_retake', 'ready'];

/** Signed photo URLs live between one hour and 90 minutes; `exp` moves in 30-minute steps so the
 * URL (and the image cache) stays the same across polls. */
const URL_STEP_S = 1800;
const URL_MIN_LIFE_S = 3600;

/** Shown in the history when the engine kept failing on a photo (no report exists then). */
export const PROCESSING_FAILED_NOTE = '照片处理失败,请重新拍摄或换一张照片上传';

type ApplicantInput = { name: string; idNumber: string; phone: string; consent: true };

/** How a file of an order is asked for: the caller's session, and/or a signed URL's query. */
export interface FileAccess {
  /** The signed-in applicant, or null. */
  userId: string | null;
  /** The bearer is staff or an API key: without a valid signed URL they are refused (403). */
  notApplicant?: boolean;
  exp?: number;
  sig?: string;
}

export class OrderService {
  constructor(
    private readonly deps: {
      orders: OrderRepository;
      photos: PhotoStoreRepository;
      /** Reads an image header without decoding pixels (media repository). */
      readImageHeader: (bytes: Buffer) => Promise<ImageHeaderRead>;
      crypto: CryptoRepository;
      clock: Clock;
      /** Wakes the job runner after a job was queued. */
      onJobQueued: () => void;
    },
  ) {}

  // ---- applicant-facing ----

  /**
   * A new draft. `eligibility`: what the 居住证 self-check found, when the order comes from it
   * (CreateOrderBody allows it for the Shenzhen residence permit only: routes and talent kind).
   */
  async create(userId: string, certType: CertCode, cityCode: string, eligibility?: OrderEligibility): Promise<OrderView> {
    const city = getCity(cityCode);
    if (!city || !city.certificates.includes(certType)) throw new AppError('CITY_NOT_SUPPORTED');
    const id = this.deps.crypto.newId();
    await this.deps.orders.create({ id, userId, certType, cityCode, eligibility: eligibility ?? null, at: this.deps.clock.now() });
    return this.view(await this.mustFind(id));
  }

  async get(userId: string, orderId: string): Promise<OrderView> {
    return this.view(await this.owned(userId, orderId));
  }

  async list(userId: string, statuses?: readonly OrderStatus[]): Promise<OrderView[]> {
    return this.views(await this.deps.orders.listByUser(userId, statuses));
  }

  /** Stores the upload (sealed), moves the order to processing and queues the job, then returns. */
  async uploadPhoto(userId: string, orderId: string, bytes: Buffer): Promise<OrderView> {
    const { photos, crypto } = this.deps;
    const order = await this.owned(userId, orderId);
    // Refuse a wrong status before the upload is stored (throws TransitionError → 409).
    transition(order.status, 'upload_photo', 'applicant');
    // Only the bytes count: what the client calls the file, or its type, is never used.
    const verdict = await checkUpload(bytes, this.deps.readImageHeader);
    if (!verdict.ok) throw new AppError(verdict.code);
    const uploadId = crypto.newId();
    await photos.put(orderId, uploadId, 'original', bytes);
    const payload: ProcessPhotoPayload = { orderId, uploadId };
    const moved = await this.move(order, 'upload_photo', 'applicant', {
      set: { uploadId, photoKey: null, report: null },
      job: { name: PROCESS_PHOTO_JOB, payload, subject: `order:${orderId}` },
    });
    if (!moved) {
      await photos.delete(orderId, uploadId, 'original');
      throw new AppError('WRONG_STATUS');
    }
    // The previous photo is replaced; its upload may still have an original if its job never ran.
    if (order.photoKey) await photos.delete(orderId, order.photoKey, 'photo');
    if (order.uploadId) await photos.delete(orderId, order.uploadId, 'original');
    this.deps.onJobQueued();
    return this.view(await this.mustFind(orderId));
  }

  async setApplicant(userId: string, orderId: string, body: ApplicantInput): Promise<OrderView> {
    const order = await this.owned(userId, orderId);
    if (!APPLICANT_EDITABLE.includes(order.status)) throw new AppError('WRONG_STATUS');
    const now = this.deps.clock.now();
    const saved = await this.deps.orders.setApplicant(
      orderId,
      APPLICANT_EDITABLE,
      { name: body.name, idNumber: body.idNumber, phone: body.phone, consentAt: now.toISOString() },
      now,
    );
    if (!saved) throw new AppError('WRONG_STATUS');
    return this.view(await this.mustFind(orderId));
  }

  /**
   * Submits for review, recording the answers to requestSubscribeMessage given with the tap.
   * Idempotent for the owner's repeat: a double-tapped 提交 (the second request arriving while or
   * after the first commits) answers the same submitted order, with one history row; once a
   * reviewer has picked the order up (or in any other status) a submit is 409 as before.
   */
  async submit(userId: string, orderId: string, body?: SubmitBody): Promise<OrderView> {
    const order = await this.owned(userId, orderId);
    if (order.status === 'submitted') return this.view(order);
    transition(order.status, 'submit', 'applicant');
    if (!order.applicant) throw new AppError('APPLICANT_MISSING');
    // A `ready` order left alone past retention lost its photo: a new one has to be taken.
    if (order.photoPurgedAt) throw new AppError('PHOTO_PURGED');
    const set = { submittedAt: this.deps.clock.now().toISOString(), claimedBy: null, claimExpiresAt: null };
    if (!(await this.move(order, 'submit', 'applicant', { set, subscriptions: body?.subscriptions }))) {
      // The other tap of a double tap won the race: answer what it made.
      const now = await this.mustFind(orderId);
      if (now.status === 'submitted') return this.view(now);
      throw new AppError('WRONG_STATUS');
    }
    return this.view(await this.mustFind(orderId));
  }

  /** The processed photo for the owner (bearer token) or for a valid signed URL. */
  async photoFile(orderId: string, access: FileAccess): Promise<Buffer> {
    const order = await this.deps.orders.findById(orderId);
    const subject = order?.photoKey ? photoSubject(order.id, order.photoKey) : null;
    if (order?.photoPurgedAt) this.refusePurged(order, subject, access);
    return this.readPhoto(this.checkFileAccess(order, subject, access));
  }

  /**
   * A file of an order whose photos were purged: 410 PHOTO_PURGED for whoever could have had it —
   * the owner, or the holder of a URL once signed for `subject`, even one that has run out since
   * (an old link says what happened instead of failing). Anyone else learns nothing (401/404).
   */
  refusePurged(order: OrderRecord, subject: string | null, access: FileAccess): never {
    const { exp, sig } = access;
    if (subject && exp !== undefined && sig !== undefined && this.deps.crypto.verify(`${subject}:${exp}`, sig)) {
      throw new AppError('PHOTO_PURGED');
    }
    this.checkFileAccess(order, null, access);
    throw new AppError('PHOTO_PURGED');
  }

  /**
   * A file of an order may be fetched with a valid signed URL for `subject` (what the URL was
   * signed for: this photo, this receipt), or by the order's owner. Anyone else: the order does
   * not exist.
   */
  checkFileAccess(order: OrderRecord | undefined, subject: string | null, access: FileAccess): OrderRecord {
    const { exp, sig } = access;
    if (order && subject && exp !== undefined && sig !== undefined && exp * 1000 >= this.deps.clock.now().getTime()) {
      if (this.deps.crypto.verify(`${subject}:${exp}`, sig)) return order;
    }
    if (access.notApplicant) throw new AppError('FORBIDDEN');
    if (access.userId === null) throw new AppError('UNAUTHORIZED');
    if (!order || order.userId !== access.userId) throw new AppError('NOT_FOUND');
    return order;
  }

  /** `path?exp=…&sig=…`, signed for `subject`. */
  signedUrl(path: string, subject: string): string {
    const nowS = Math.floor(this.deps.clock.now().getTime() / 1000);
    const exp = (Math.floor((nowS + URL_MIN_LIFE_S) / URL_STEP_S) + 1) * URL_STEP_S;
    return `${path}?exp=${exp}&sig=${this.deps.crypto.sign(`${subject}:${exp}`)}`;
  }

  /** The processed photo's signed URL; it changes with every new photo. Null once purged. */
  photoUrl(order: Pick<OrderRecord, 'id' | 'photoKey' | 'photoPurgedAt'>): string | null {
    return order.photoKey && !order.photoPurgedAt ? this.signedUrl(`/api/orders/${order.id}/photo.jpg`, photoSubject(order.id, order.photoKey)) : null;
  }

  // ---- system (the process-photo job) ----

  /** The order waiting for this upload, or null when it was superseded or is already finished. */
  async pendingUpload(payload: ProcessPhotoPayload): Promise<OrderRecord | null> {
    const order = await this.deps.orders.findById(payload.orderId);
    return order && order.status === 'processing' && order.uploadId === payload.uploadId ? order : null;
  }

  /**
   * The stored files an order still needs (keys): its current photo, and while an upload waits
   * for its job, that upload's original and the photo the job may have written before a crash.
   * Nothing once the order's photos were purged, or when there is no such order.
   */
  async filesInUse(orderId: string): Promise<{ originals: string[]; photos: string[] }> {
    const order = await this.deps.orders.findById(orderId);
    if (!order || order.photoPurgedAt) return { originals: [], photos: [] };
    const pending = order.status === 'processing' && order.uploadId ? order.uploadId : null;
    return {
      originals: pending ? [pending] : [],
      photos: [order.photoKey, pending].filter((k): k is string => k !== null),
    };
  }

  /** Records the engine's verdict: ready when every blocking check passed, else needs_retake. */
  async recordPhotoResult(payload: ProcessPhotoPayload, report: PhotoReport, hasPhoto: boolean): Promise<void> {
    const order = await this.pendingUpload(payload);
    if (!order) return;
    const event: OrderEvent = report.ok ? 'photo_accepted' : 'photo_rejected';
    await this.move(order, event, 'system', {
      set: { report, photoKey: hasPhoto ? payload.uploadId : null },
    });
  }

  /** The engine kept failing: the person has to try another photo. */
  async recordProcessingFailure(payload: ProcessPhotoPayload): Promise<void> {
    const order = await this.pendingUpload(payload);
    if (!order) return;
    await this.move(order, 'photo_rejected', 'system', {
      note: PROCESSING_FAILED_NOTE,
      set: { report: null, photoKey: null },
    });
  }

  // ---- helpers ----

  private move(
    order: OrderRecord,
    event: OrderEvent,
    actor: Actor,
    extra: Pick<TransitionWrite, 'set' | 'job' | 'note' | 'subscriptions'> = {},
  ): Promise<boolean> {
    return this.deps.orders.applyTransition({ orderId: order.id, from: order.status, event, actor, at: this.deps.clock.now(), ...extra });
  }

  private async owned(userId: string, orderId: string): Promise<OrderRecord> {
    const order = await this.deps.orders.findById(orderId);
    // Someone else's order does not exist, as far as the caller can tell.
    if (!order || order.userId !== userId) throw new AppError('NOT_FOUND');
    return order;
  }

  private async mustFind(orderId: string): Promise<OrderRecord> {
    const order = await this.deps.orders.findById(orderId);
    if (!order) throw new Error(`order ${orderId} vanished`);
    return order;
  }

  private async readPhoto(order: OrderRecord): Promise<Buffer> {
    const bytes = order.photoKey ? await this.deps.photos.get(order.id, order.photoKey, 'photo') : null;
    if (!bytes) throw new AppError('PHOTO_NOT_FOUND');
    return bytes;
  }

  /** The order as its owner (or a reviewer) sees it: applicant masked, URLs signed. */
  async view(order: OrderRecord): Promise<OrderView> {
    return (await this.views([order]))[0]!;
  }

  private async views(orders: readonly OrderRecord[]): Promise<OrderView[]> {
    const details = await this.deps.orders.details(orders.map((o) => o.id));
    return orders.map((order) => this.toView(order, details.get(order.id)!));
  }

  private toView(order: OrderRecord, { history, receipt, decision }: OrderDetails): OrderView {
    return {
      id: order.id,
      certType: order.certType,
      cityCode: order.cityCode,
      cityName: getCity(order.cityCode)?.name ?? order.cityCode,
      status: order.status,
      report: order.report,
      photoUrl: this.photoUrl(order),
      photoPurgedAt: order.photoPurgedAt,
      applicant: order.applicant
        ? {
            name: order.applicant.name,
            idNumber: maskIdNumber(order.applicant.idNumber),
            phone: maskPhone(order.applicant.phone),
            consentAt: order.applicant.consentAt,
          }
        : null,
      history: history.map((h) => ({ ...h })),
      createdAt: order.createdAt,
      updatedAt: order.updatedAt,
      receipt: receipt ? { number: receipt.number, issuedAt: receipt.issuedAt, expiresAt: receipt.expiresAt, usedAt: receipt.usedAt } : null,
      receiptUrl: receipt && !order.photoPurgedAt ? this.signedUrl(`/api/orders/${order.id}/receipt.png`, receiptSubject(order.id, receipt.number)) : null,
      review: decision
        ? {
            decision: decision.decision,
            reasons: decision.reasons.map((code) => ({ code: code as RejectReason, label: rejectReasonLabel(code as RejectReason) })),
            note: decision.note,
            decidedAt: decision.decidedAt,
          }
        : null,
      eligibility: order.eligibility,
    };
  }
}

/** What a signed URL grants: one photo, or one receipt, of one order. */
function photoSubject(orderId: string, photoKey: string): string {
  return `${orderId}:${photoKey}`;
}
export function receiptSubject(orderId: string, number: string): string {
  return `${orderId}:receipt:${number}`;
}
