/**
 * Issue 4's API shapes (staff sign-in, review, receipts) as the client uses them: the types come
 * from shared/api.ts; the reasons come from shared/review.ts, which has no zod, so pages importing
 * them do not pull the schema library into their package.
 */
import type {
  OrderView,
  ReceiptLookupView,
  ReceiptView,
  ReviewDecisionView,
  ReviewOrderView as SharedReviewOrderView,
  StaffLoginView,
  UserRole,
} from '@shared/api';

export type { MeView, RejectBody, ReceiptLookupView, ReviewQueueItem, StaffLoginBody } from '@shared/api';

export type Role = UserRole;
export type StaffSession = StaffLoginView;
export type ReceiptInfo = ReceiptView;
export type ReviewDecision = ReviewDecisionView;
export type ReceiptStatus = ReceiptLookupView['status'];

/** An order as the applicant sees it after issue 4 (receipt, receiptUrl and review are optional). */
export type OrderWithReview = OrderView;

/** The review detail: the order plus who holds the claim (fields optional for older servers). */
export type ReviewOrderView = OrderView & Partial<Pick<SharedReviewOrderView, 'claimedBy' | 'claimExpiresAt' | 'claimedByMe'>>;

export { REJECT_REASONS } from '@shared/review';
export type { RejectReason as RejectReasonCode } from '@shared/review';

export const RECEIPT_STATUS_LABELS: Record<ReceiptStatus, string> = {
  valid: '有效',
  used: '已使用',
  expired: '已过期',
};
