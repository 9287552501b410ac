/**
 * Receipts after approval: the PNG for the applicant, the counter's look-up and use (audited),
 * and the expiry sweep (job `expire-receipts`).
 */
import type { ReceiptLookupView } from '../../../shared/api';
import { CERTIFICATES, RECEIPT_GROUPS, type ReceiptGroup } from '../../../shared/certificates';
import { chinaParts, pad2 } from '../../../shared/china-time';
import { getCity } from '../../../shared/cities';
import { normalizeImageNumber, validateImageNumber } from '../../../shared/image-number';
import type { Clock } from '../repositories/clock.repository';
import type { ReceiptDrawing } from '../repositories/media.repository';
import type { AuditEntry, OrderRecord, OrderRepository, ReceiptRecord } from '../repositories/order.repository';
import type { PhotoStoreRepository } from '../repositories/photo-store.repository';
import type { StaffActor } from './auth.service';
import { AppError } from './errors';
import { receiptSubject, type FileAccess, type OrderService } from './order.service';
import { FOOTER, receiptStyle } from './receipt-style';

export const EXPIRE_RECEIPTS_JOB = 'expire-receipts';
/** Queued with each approval: the receipt image drawn ahead of the first request for it. */
export const DRAW_RECEIPT_JOB = 'draw-receipt';
export interface DrawReceiptPayload {
  orderId: string;
}
const EXPIRE_BATCH = 500;

/** `2025年03月08日` in China time. */
function paddedChinaDate(iso: string): string {
  const { y, m, d } = chinaParts(iso);
  return `${y}年${pad2(m)}月${pad2(d)}日`;
}

export class ReceiptService {
  /** Receipts being drawn, by number. */
  private readonly drawing = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly deps: {
      orders: OrderRepository;
      photos: PhotoStoreRepository;
      orderViews: OrderService;
      clock: Clock;
      render: (drawing: ReceiptDrawing) => Promise<Buffer>;
    },
  ) {}

  /**
   * The receipt PNG for the owner (bearer token) or a valid signed URL; 404 before approval.
   * A receipt never changes once issued: it is drawn once — by the `draw-receipt` job queued with
   * the approval, or here if a request comes first — and kept (sealed).
   */
  async receiptPng(orderId: string, access: FileAccess): Promise<Buffer> {
    const { orders, orderViews } = this.deps;
    const found = await orders.findById(orderId);
    const receipt = found ? await orders.receiptForOrder(found.id) : undefined;
    const subject = receipt ? receiptSubject(orderId, receipt.number) : null;
    // Past retention the receipt image went with the photo (never drawn again without it).
    if (found?.photoPurgedAt && receipt) orderViews.refusePurged(found, subject, access);
    const order = orderViews.checkFileAccess(found, subject, access);
    if (!receipt) throw new AppError('RECEIPT_NOT_FOUND');
    if (order.status === 'expired') throw new AppError('RECEIPT_EXPIRED');
    return this.drawn(order, receipt);
  }

  /** The `draw-receipt` job: nothing to do once drawn, purged or gone. */
  async draw({ orderId }: DrawReceiptPayload): Promise<void> {
    const order = await this.deps.orders.findById(orderId);
    const receipt = order && !order.photoPurgedAt ? await this.deps.orders.receiptForOrder(orderId) : undefined;
    if (order && receipt) await this.drawn(order, receipt);
  }

  /** The kept image, or the one being drawn right now (a request arriving while the job draws
   * waits for it instead of drawing a second copy), or a new drawing. */
  private drawn(order: OrderRecord, receipt: ReceiptRecord): Promise<Buffer> {
    const inFlight = this.drawing.get(receipt.number);
    if (inFlight) return inFlight;
    const pending = this.keptOrDrawn(order, receipt).finally(() => this.drawing.delete(receipt.number));
    this.drawing.set(receipt.number, pending);
    return pending;
  }

  private async keptOrDrawn(order: OrderRecord, receipt: ReceiptRecord): Promise<Buffer> {
    const { photos, render } = this.deps;
    const kept = await photos.get(order.id, receipt.number, 'receipt');
    if (kept) return kept;
    const png = await render(await this.drawingOf(order, receipt));
    await photos.put(order.id, receipt.number, 'receipt', png);
    return png;
  }

  async lookup(actor: StaffActor, typed: string): Promise<ReceiptLookupView> {
    const number = this.checked(typed);
    const found = await this.find(number);
    await this.audit(actor, 'receipt.lookup', number, found?.order.id ?? null, { found: !!found });
    if (!found) throw new AppError('RECEIPT_NOT_FOUND');
    return this.lookupView(found.order, found.receipt);
  }

  async use(actor: StaffActor, typed: string): Promise<ReceiptLookupView> {
    const { orders, clock } = this.deps;
    const number = this.checked(typed);
    const found = await this.find(number);
    if (!found) {
      await this.audit(actor, 'receipt.use', number, null, { result: 'not_found' });
      throw new AppError('RECEIPT_NOT_FOUND');
    }
    const { order, receipt } = found;
    const now = clock.now();
    const state = this.state(order, receipt, now);
    if (state !== 'valid') {
      await this.audit(actor, 'receipt.use', number, order.id, { result: state });
      throw new AppError(state === 'used' ? 'RECEIPT_USED' : 'RECEIPT_EXPIRED');
    }
    const moved = await orders.applyTransition({
      orderId: order.id,
      from: 'approved',
      event: 'use',
      actor: 'staff',
      at: now,
      note: actor.type === 'api_key' ? `办证平台:${actor.name}` : `窗口:${actor.name}`,
      receiptUsedAt: now.toISOString(),
      audit: this.auditEntry(actor, 'receipt.use', number, order.id, { result: 'used' }),
    });
    if (!moved) {
      // Someone used (or the sweep expired) it between our read and our write.
      const again = await this.find(number);
      await this.audit(actor, 'receipt.use', number, order.id, { result: 'race' });
      throw new AppError(again && again.order.status === 'expired' ? 'RECEIPT_EXPIRED' : 'RECEIPT_USED');
    }
    const after = (await this.find(number))!;
    return this.lookupView(after.order, after.receipt);
  }

  /** True when some approved order's receipt has run out (the timer then queues the job). */
  async hasDue(): Promise<boolean> {
    return (await this.deps.orders.approvedPastExpiry(this.deps.clock.now(), 1)).length > 0;
  }

  /** Moves approved orders whose receipt ran out to `expired`; returns how many. */
  async expireDue(): Promise<number> {
    const { orders, clock } = this.deps;
    const now = clock.now();
    let count = 0;
    for (const order of await orders.approvedPastExpiry(now, EXPIRE_BATCH)) {
      const moved = await orders.applyTransition({
        orderId: order.id,
        from: 'approved',
        event: 'expire',
        actor: 'system',
        at: now,
        audit: { actorType: 'system', actorId: null, actorName: null, action: 'receipt.expire', orderId: order.id },
      });
      if (moved) count++;
    }
    return count;
  }

  // ---- helpers ----

  private checked(typed: string): string {
    const number = normalizeImageNumber(typed);
    if (!validateImageNumber(number)) throw new AppError('INVALID_IMAGE_NUMBER');
    return number;
  }

  private async find(number: string): Promise<{ order: OrderRecord; receipt: ReceiptRecord } | null> {
    const receipt = await this.deps.orders.receiptByNumber(number);
    const order = receipt ? await this.deps.orders.findById(receipt.orderId) : undefined;
    return receipt && order ? { order, receipt } : null;
  }

  private state(order: OrderRecord, receipt: ReceiptRecord, now: Date): 'valid' | 'used' | 'expired' {
    if (order.status === 'used' || receipt.usedAt) return 'used';
    if (order.status === 'expired' || Date.parse(receipt.expiresAt) <= now.getTime()) return 'expired';
    return 'valid';
  }

  private lookupView(order: OrderRecord, receipt: ReceiptRecord): ReceiptLookupView {
    const group = receipt.group as ReceiptGroup;
    const city = getCity(receipt.cityCode);
    return {
      number: receipt.number,
      group,
      groupName: RECEIPT_GROUPS[group]?.name ?? group,
      cityCode: receipt.cityCode,
      cityName: city?.name ?? receipt.cityCode,
      certificates: certificatesOf(group, receipt.cityCode),
      issuedAt: receipt.issuedAt,
      expiresAt: receipt.expiresAt,
      usedAt: receipt.usedAt,
      status: this.state(order, receipt, this.deps.clock.now()),
      photoUrl: this.deps.orderViews.photoUrl(order),
    };
  }

  private async drawingOf(order: OrderRecord, receipt: ReceiptRecord): Promise<ReceiptDrawing> {
    const group = receipt.group as ReceiptGroup;
    const city = getCity(receipt.cityCode);
    const cityName = city?.name ?? receipt.cityCode;
    const groupName = RECEIPT_GROUPS[group]?.name ?? group;
    const style = receiptStyle(group, cityName, groupName, city ?? null);
    const photo = order.photoKey ? await this.deps.photos.get(order.id, order.photoKey, 'photo') : null;
    return {
      accent: style.accent,
      title: style.title,
      fields: [
        { label: '办证城市', value: cityName },
        { label: '回执类别', value: groupName },
        { label: '签发日期', value: paddedChinaDate(receipt.issuedAt) },
        { label: '有效期至', value: paddedChinaDate(receipt.expiresAt) },
      ],
      number: receipt.number,
      qrText: receipt.number,
      lines: [`本回执可用于:${certificatesOf(group, receipt.cityCode).join('、')}`],
      notes: style.notes,
      footer: FOOTER,
      photo,
    };
  }

  private audit(actor: StaffActor, action: string, number: string, orderId: string | null, details: unknown): Promise<void> {
    return this.deps.orders.audit(this.auditEntry(actor, action, number, orderId, details), this.deps.clock.now());
  }

  private auditEntry(actor: StaffActor, action: string, number: string, orderId: string | null, details: unknown): AuditEntry {
    return { actorType: actor.type, actorId: actor.id, actorName: actor.name, action, orderId, receiptNumber: number, details };
  }
}

/** Chinese names of the certificates a receipt of this group serves in this city. */
function certificatesOf(group: ReceiptGroup, cityCode: string): string[] {
  const city = getCity(cityCode);
  return CERTIFICATES.filter((c) => c.group === group && (!city || city.certificates.includes(c.code))).map((c) => c.name);
}
