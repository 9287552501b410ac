/** 「在手机上继续」 tickets, stored by SHA-256 only: a leaked database holds no usable ticket. */
import type { AppDb } from '../db/database';

export interface HandoffTicketRecord {
  orderId: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
}

export class HandoffRepository {
  constructor(private readonly db: AppDb) {}

  async create(ticket: HandoffTicketRecord & { ticketHash: string }): Promise<void> {
    await this.db
      .insertInto('handoff_tickets')
      .values({ ticket_hash: ticket.ticketHash, order_id: ticket.orderId, user_id: ticket.userId, created_at: ticket.createdAt, expires_at: ticket.expiresAt })
      .execute();
  }

  async find(ticketHash: string): Promise<HandoffTicketRecord | undefined> {
    const row = await this.db.selectFrom('handoff_tickets').selectAll().where('ticket_hash', '=', ticketHash).executeTakeFirst();
    return row ? { orderId: row.order_id, userId: row.user_id, createdAt: row.created_at, expiresAt: row.expires_at } : undefined;
  }

  /** Drops tickets that ran out before `before` (kept a while so a late scan still hears 「已过期」). */
  async deleteExpired(before: Date): Promise<void> {
    await this.db.deleteFrom('handoff_tickets').where('expires_at', '<', before.toISOString()).execute();
  }
}
