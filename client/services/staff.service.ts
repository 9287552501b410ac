import { ENDPOINTS } from './endpoints';
import { call } from './http';
import type {
  MeView,
  ReceiptLookupView,
  RejectBody,
  ReviewOrderView,
  ReviewQueueItem,
  StaffLoginBody,
  StaffSession,
} from './staff-contract';

function listOf<T>(data: T[] | { items?: T[]; queue?: T[] }): T[] {
  if (Array.isArray(data)) return data;
  return data.items ?? data.queue ?? [];
}

/** Staff sign-in and who the token belongs to. */
export const staffAuthService = {
  login(body: StaffLoginBody): Promise<StaffSession> {
    return call<StaffSession>(ENDPOINTS.staffLogin, { body });
  },
  me(): Promise<MeView> {
    return call<MeView>(ENDPOINTS.me);
  },
};

/** The review console's calls. */
export const reviewService = {
  async queue(): Promise<ReviewQueueItem[]> {
    const items = listOf(await call<ReviewQueueItem[] | { items?: ReviewQueueItem[] }>(ENDPOINTS.reviewQueue));
    // Oldest first, whatever order the server sent.
    return [...items].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
  },
  get(orderId: string): Promise<ReviewOrderView> {
    return call<ReviewOrderView>(ENDPOINTS.reviewGet, { params: { orderId } });
  },
  claim(orderId: string): Promise<unknown> {
    return call<unknown>(ENDPOINTS.reviewClaim, { params: { orderId } });
  },
  approve(orderId: string): Promise<unknown> {
    return call<unknown>(ENDPOINTS.reviewApprove, { params: { orderId } });
  },
  reject(orderId: string, body: RejectBody): Promise<unknown> {
    return call<unknown>(ENDPOINTS.reviewReject, { params: { orderId }, body });
  },
};

/** The counter's receipt look-up. */
export const receiptService = {
  get(number: string): Promise<ReceiptLookupView> {
    return call<ReceiptLookupView>(ENDPOINTS.receiptGet, { params: { number } });
  },
  use(number: string): Promise<ReceiptLookupView> {
    return call<ReceiptLookupView>(ENDPOINTS.receiptUse, { params: { number } });
  },
};
