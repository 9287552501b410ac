/**
 * 「在手机上继续」: the desktop order page gets a short-lived ticket for a mini-program code
 * (scene `t=<ticket>`); the phone redeems it and opens the order. Only the order's owner can
 * redeem, as often as they like until it expires (a code may be scanned twice). A refused
 * redemption is audited.
 */
import type { HandoffView, RedeemHandoffView } from '../../../shared/api';
import { HANDOFF_TICKET_MINUTES, handoffScene } from '../../../shared/wechat';
import type { Clock } from '../repositories/clock.repository';
import type { CryptoRepository } from '../repositories/crypto.repository';
import type { HandoffRepository, HandoffTicketRecord } from '../repositories/handoff.repository';
import type { OrderRepository } from '../repositories/order.repository';
import { AppError } from './errors';

const TICKET_LENGTH = 12;
/** Expired tickets are kept a day so a late scan hears 「已过期」 rather than 「无效」. */
const KEEP_EXPIRED_MS = 86_400_000;

export class HandoffService {
  constructor(private readonly deps: { tickets: HandoffRepository; orders: OrderRepository; crypto: CryptoRepository; clock: Clock }) {}

  async issue(userId: string, orderId: string): Promise<HandoffView> {
    const { tickets, orders, crypto, clock } = this.deps;
    const order = await orders.findById(orderId);
    if (!order || order.userId !== userId) throw new AppError('NOT_FOUND');
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + HANDOFF_TICKET_MINUTES * 60_000).toISOString();
    const ticket = crypto.randomBase62(TICKET_LENGTH);
    await tickets.deleteExpired(new Date(now.getTime() - KEEP_EXPIRED_MS));
    await tickets.create({ ticketHash: crypto.hashToken(ticket), orderId, userId, createdAt: now.toISOString(), expiresAt });
    const scene = handoffScene(ticket);
    return { ticket, scene, codeUrl: `/api/wxacode?scene=${encodeURIComponent(scene)}`, expiresAt };
  }

  async redeem(userId: string, ticket: string): Promise<RedeemHandoffView> {
    const { tickets, crypto, clock } = this.deps;
    const found = await tickets.find(crypto.hashToken(ticket));
    if (!found) throw new AppError('HANDOFF_NOT_FOUND');
    const now = clock.now();
    if (found.userId !== userId) {
      await this.refused(userId, found, 'not_owner', now);
      throw new AppError('HANDOFF_NOT_OWNER');
    }
    if (Date.parse(found.expiresAt) <= now.getTime()) {
      await this.refused(userId, found, 'expired', now);
      throw new AppError('HANDOFF_EXPIRED');
    }
    return { orderId: found.orderId };
  }

  private refused(userId: string, ticket: HandoffTicketRecord, result: 'not_owner' | 'expired', at: Date): Promise<void> {
    return this.deps.orders.audit(
      { actorType: 'applicant', actorId: userId, actorName: null, action: 'handoff.redeem', orderId: ticket.orderId, details: { result } },
      at,
    );
  }
}
