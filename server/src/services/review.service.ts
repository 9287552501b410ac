/**
 * The reviewer's work: the queue, one order, claim (a 15-minute lock), approve (issues the image
 * number) and reject (reasons + note for the applicant). Every decision is audited.
 */
import { rejectReasonLabel, type RejectReason, type ReviewOrderView, type ReviewQueueItem } from '../../../shared/api';
import { getCertificate } from '../../../shared/certificates';
import { getCity, imageCityCode } from '../../../shared/cities';
import { generateImageNumber } from '../../../shared/image-number';
import type { Clock } from '../repositories/clock.repository';
import type { CryptoRepository } from '../repositories/crypto.repository';
import { DuplicateReceiptNumber, type AuditEntry, type OrderRecord, type OrderRepository } from '../repositories/order.repository';
import type { SessionUser, UserRepository } from '../repositories/user.repository';
import { AppError } from './errors';
import type { OrderService } from './order.service';
import { DRAW_RECEIPT_JOB, type DrawReceiptPayload } from './receipt.service';

export const CLAIM_MINUTES = 15;
const QUEUE_LIMIT = 200;
const NUMBER_ATTEMPTS = 8;

export class ReviewService {
  constructor(
    private readonly deps: {
      orders: OrderRepository;
      users: UserRepository;
      orderViews: OrderService;
      crypto: CryptoRepository;
      clock: Clock;
      /** Wakes the notification dispatcher after a decision (and its notification) committed. */
      onNotification?: () => void;
      /** Wakes the job runner after an approval queued the drawing of its receipt. */
      onJobQueued?: () => void;
    },
  ) {}

  async queue(): Promise<ReviewQueueItem[]> {
    const { orders, users, orderViews, clock } = this.deps;
    const now = clock.now();
    const list = await orders.reviewQueue(QUEUE_LIMIT);
    const names = await users.names(list.flatMap((o) => (o.claimedBy ? [o.claimedBy] : [])));
    return list.map((o) => {
      const claim = this.liveClaim(o, now);
      const submittedAt = o.submittedAt ?? o.updatedAt;
      return {
        orderId: o.id,
        certType: o.certType,
        cityCode: o.cityCode,
        submittedAt,
        waitingSeconds: Math.max(0, Math.floor((now.getTime() - Date.parse(submittedAt)) / 1000)),
        claimedBy: claim ? (names.get(claim.by) ?? null) : null,
        claimExpiresAt: claim?.until ?? null,
        photoUrl: orderViews.photoUrl(o),
      };
    });
  }

  async get(reviewer: SessionUser, orderId: string): Promise<ReviewOrderView> {
    const order = await this.find(orderId);
    await this.deps.orders.audit({ ...this.actor(reviewer), action: 'review.view', orderId }, this.deps.clock.now());
    return this.reviewView(reviewer, order);
  }

  /** submitted → in_review with the claim, or renews/takes over a claim on an order in review. */
  async claim(reviewer: SessionUser, orderId: string): Promise<ReviewOrderView> {
    const { orders, clock } = this.deps;
    const order = await this.find(orderId);
    const now = clock.now();
    const until = new Date(now.getTime() + CLAIM_MINUTES * 60_000);
    const audit: AuditEntry = { ...this.actor(reviewer), action: 'review.claim', orderId, details: { until: until.toISOString() } };
    let ok: boolean;
    if (order.status === 'submitted') {
      ok = await orders.applyTransition({
        orderId,
        from: 'submitted',
        event: 'start_review',
        actor: 'reviewer',
        at: now,
        set: { claimedBy: reviewer.userId, claimExpiresAt: until.toISOString() },
        audit,
      });
    } else if (order.status === 'in_review') {
      ok = await orders.renewClaim(orderId, reviewer.userId, until, now, audit);
    } else {
      throw new AppError('WRONG_STATUS');
    }
    if (!ok) {
      const fresh = await this.find(orderId);
      if (fresh.status === 'in_review' && fresh.claimedBy !== reviewer.userId) throw new AppError('ALREADY_CLAIMED');
      throw new AppError('WRONG_STATUS');
    }
    return this.reviewView(reviewer, await this.find(orderId));
  }

  async approve(reviewer: SessionUser, orderId: string): Promise<ReviewOrderView> {
    const { orders, crypto, clock } = this.deps;
    const order = await this.mustHoldClaim(reviewer, orderId);
    const city = getCity(order.cityCode);
    if (!city) throw new AppError('CITY_NOT_SUPPORTED');
    const group = getCertificate(order.certType).group;
    const now = clock.now();
    // Validity is per city (shared/cities.ts: the city's own figure or the national default).
    const expiresAt = new Date(now.getTime() + city.validityDays * 86_400_000);
    for (let attempt = 1; ; attempt++) {
      const number = generateImageNumber({ group, cityCode: imageCityCode(city.code), issuedAt: now }, (n) => crypto.randomBytes(n));
      try {
        const ok = await orders.applyTransition({
          orderId,
          from: 'in_review',
          event: 'approve',
          actor: 'reviewer',
          at: now,
          expectClaimedBy: reviewer.userId,
          set: { claimedBy: null, claimExpiresAt: null },
          receipt: { number, group, cityCode: city.code, issuedAt: now.toISOString(), expiresAt: expiresAt.toISOString() },
          decision: { decision: 'approved', reviewerId: reviewer.userId, reasons: [], note: null },
          audit: { ...this.actor(reviewer), action: 'review.approve', orderId, receiptNumber: number },
          // Drawn by a job right away, so the applicant's first look does not wait for it.
          job: { name: DRAW_RECEIPT_JOB, payload: { orderId } satisfies DrawReceiptPayload, subject: `receipt:${orderId}` },
          notification: {
            kind: 'review_approved',
            ...subject(order),
            applicantName: order.applicant?.name ?? '',
            imageNumber: number,
            expiresAt: expiresAt.toISOString(),
            decidedAt: now.toISOString(),
          },
        });
        if (!ok) throw new AppError(await this.lostDecision(orderId));
        break;
      } catch (err) {
        // A collision in the UNIQUE index (astronomically rare with 36^10 per city and day): draw again.
        if (err instanceof DuplicateReceiptNumber && attempt < NUMBER_ATTEMPTS) continue;
        throw err;
      }
    }
    this.deps.onNotification?.();
    this.deps.onJobQueued?.();
    return this.reviewView(reviewer, await this.find(orderId));
  }

  async reject(reviewer: SessionUser, orderId: string, body: { reasons: RejectReason[]; note?: string | undefined }): Promise<ReviewOrderView> {
    const { orders, clock } = this.deps;
    const order = await this.mustHoldClaim(reviewer, orderId);
    const reasons = [...new Set(body.reasons)];
    const note = body.note?.trim() || null;
    const labels = reasons.map(rejectReasonLabel).join('、');
    const now = clock.now();
    const ok = await orders.applyTransition({
      orderId,
      from: 'in_review',
      event: 'reject',
      actor: 'reviewer',
      at: now,
      expectClaimedBy: reviewer.userId,
      note: note ? `${labels}:${note}` : labels,
      set: { claimedBy: null, claimExpiresAt: null },
      decision: { decision: 'rejected', reviewerId: reviewer.userId, reasons, note },
      audit: { ...this.actor(reviewer), action: 'review.reject', orderId, details: { reasons, note } },
      notification: {
        kind: 'review_rejected',
        ...subject(order),
        applicantName: order.applicant?.name ?? '',
        reasons: reasons.map(rejectReasonLabel),
        note,
        decidedAt: now.toISOString(),
      },
    });
    if (!ok) throw new AppError(await this.lostDecision(orderId));
    this.deps.onNotification?.();
    return this.reviewView(reviewer, await this.find(orderId));
  }

  // ---- helpers ----

  /** Why a decision did not apply after the claim check passed: another decision (a double tap,
   * approve and reject at once) got there first, or someone took the run-out claim over. */
  private async lostDecision(orderId: string): Promise<'WRONG_STATUS' | 'NOT_CLAIMED'> {
    return (await this.find(orderId)).status === 'in_review' ? 'NOT_CLAIMED' : 'WRONG_STATUS';
  }

  private async mustHoldClaim(reviewer: SessionUser, orderId: string): Promise<OrderRecord> {
    const order = await this.find(orderId);
    if (order.status !== 'in_review') throw new AppError(order.status === 'submitted' ? 'NOT_CLAIMED' : 'WRONG_STATUS');
    // The holder may still decide after the 15 minutes, as long as nobody took the order over.
    if (order.claimedBy !== reviewer.userId) throw new AppError('NOT_CLAIMED');
    return order;
  }

  private liveClaim(order: OrderRecord, now: Date): { by: string; until: string } | null {
    if (order.status !== 'in_review' || !order.claimedBy || !order.claimExpiresAt) return null;
    return Date.parse(order.claimExpiresAt) > now.getTime() ? { by: order.claimedBy, until: order.claimExpiresAt } : null;
  }

  private async reviewView(reviewer: SessionUser, order: OrderRecord): Promise<ReviewOrderView> {
    const claim = this.liveClaim(order, this.deps.clock.now());
    const names = await this.deps.users.names(claim ? [claim.by] : []);
    return {
      ...(await this.deps.orderViews.view(order)),
      claimedBy: claim ? (names.get(claim.by) ?? null) : null,
      claimExpiresAt: claim?.until ?? null,
      claimedByMe: claim?.by === reviewer.userId,
    };
  }

  private async find(orderId: string): Promise<OrderRecord> {
    const order = await this.deps.orders.findById(orderId);
    if (!order) throw new AppError('NOT_FOUND');
    return order;
  }

  private actor(user: SessionUser): Pick<AuditEntry, 'actorType' | 'actorId' | 'actorName'> {
    return { actorType: 'staff', actorId: user.userId, actorName: user.nickname };
  }
}

/** What every notification about an order carries. */
function subject(order: OrderRecord): { orderId: string; certType: OrderRecord['certType']; cityCode: string } {
  return { orderId: order.id, certType: order.certType, cityCode: order.cityCode };
}
