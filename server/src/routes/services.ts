import type { AuthService } from '../services/auth.service';
import type { OrderService } from '../services/order.service';

/** What the routes may call. */
export interface RouteServices {
  auth: AuthService;
  orders: OrderService;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on authenticated routes. */
    userId: string;
  }
}
