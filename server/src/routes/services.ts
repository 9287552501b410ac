import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../services/auth.service';
import type { HandoffService } from '../services/handoff.service';
import type { NotificationService } from '../services/notification.service';
import type { OrderService } from '../services/order.service';
import type { PrintSheetService } from '../services/print-sheet.service';
import type { ReceiptService } from '../services/receipt.service';
import type { ReviewService } from '../services/review.service';
import type { WeChatService } from '../services/wechat.service';

/** What the routes may call. */
export interface RouteServices {
  auth: AuthService;
  orders: OrderService;
  review: ReviewService;
  receipts: ReceiptService;
  printSheets: PrintSheetService;
  wechat: WeChatService;
  notifications: NotificationService;
  handoff: HandoffService;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on authenticated routes. */
    userId: string;
  }
}

/** Every route of the plugin needs an applicant's session: checked on request (so an
 * unauthenticated upload is refused before its body is read), the user in `request.userId`. */
export function requireApplicantSession(app: Pick<FastifyInstance, 'decorateRequest' | 'addHook'>, auth: AuthService): void {
  app.decorateRequest('userId', '');
  app.addHook('onRequest', async (request) => {
    request.userId = (await auth.requireApplicant(request.headers.authorization)).userId;
  });
}
