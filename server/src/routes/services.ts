import type { AuthService } from '../services/auth.service';
import type { OrderService } from '../services/order.service';
import type { ReceiptService } from '../services/receipt.service';
import type { ReviewService } from '../services/review.service';

/** What the routes may call. */
export interface RouteServices {
  auth: AuthService;
  orders: OrderService;
  review: ReviewService;
  receipts: ReceiptService;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on authenticated routes. */
    userId: string;
  }
}
