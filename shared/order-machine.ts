/**
 * The order lifecycle (PRODUCT.md): the only way an order's status changes, on the server and in
 * the client's expectations alike. Pure data and functions.
 */

export const ORDER_STATUSES = [
  'draft',
  'processing',
  'needs_retake',
  'ready',
  'submitted',
  'in_review',
  'approved',
  'rejected',
  'used',
  'expired',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_EVENTS = [
  'upload_photo',
  'photo_accepted',
  'photo_rejected',
  'submit',
  'start_review',
  'approve',
  'reject',
  'use',
  'expire',
] as const;
export type OrderEvent = (typeof ORDER_EVENTS)[number];

export type Actor = 'applicant' | 'system' | 'reviewer' | 'staff';

/** What each event does, from which statuses, and who may cause it. */
const TRANSITIONS: Record<OrderEvent, { from: readonly OrderStatus[]; to: OrderStatus; by: readonly Actor[] }> = {
  // A new photo: the first one, a retake after a failed check, a change of mind before
  // submitting, or a resubmission after the reviewer rejected the photo (same order, free).
  upload_photo: { from: ['draft', 'needs_retake', 'ready', 'rejected'], to: 'processing', by: ['applicant'] },
  photo_accepted: { from: ['processing'], to: 'ready', by: ['system'] },
  photo_rejected: { from: ['processing'], to: 'needs_retake', by: ['system'] },
  submit: { from: ['ready'], to: 'submitted', by: ['applicant'] },
  start_review: { from: ['submitted'], to: 'in_review', by: ['reviewer'] },
  approve: { from: ['in_review'], to: 'approved', by: ['reviewer'] },
  reject: { from: ['in_review'], to: 'rejected', by: ['reviewer'] },
  use: { from: ['approved'], to: 'used', by: ['staff'] },
  expire: { from: ['approved'], to: 'expired', by: ['system'] },
};

export class TransitionError extends Error {
  constructor(
    readonly status: OrderStatus,
    readonly event: OrderEvent,
    readonly actor: Actor,
  ) {
    super(`${event} by ${actor} is not allowed in status ${status}`);
    this.name = 'TransitionError';
  }
}

export function canTransition(status: OrderStatus, event: OrderEvent, actor: Actor): boolean {
  const t = TRANSITIONS[event];
  return t.from.includes(status) && t.by.includes(actor);
}

/** The status after `event`, or a TransitionError when the machine does not allow it. */
export function transition(status: OrderStatus, event: OrderEvent, actor: Actor): OrderStatus {
  if (!canTransition(status, event, actor)) throw new TransitionError(status, event, actor);
  return TRANSITIONS[event].to;
}

/** Chinese labels for every status, as the applicant sees them. */
export const STATUS_LABELS: Record<OrderStatus, string> = {
  draft: '待上传照片',
  processing: '照片处理中',
  needs_retake: '需重新拍摄',
  ready: '待提交',
  submitted: '已提交,等待审核',
  in_review: '审核中',
  approved: '审核通过',
  rejected: '审核未通过',
  used: '已使用',
  expired: '已过期',
};

/** Tabs of 我的订单: which statuses each shows. */
export const ORDER_TABS: readonly { key: string; label: string; statuses: readonly OrderStatus[] }[] = [
  { key: 'all', label: '全部', statuses: ORDER_STATUSES },
  { key: 'todo', label: '待完成', statuses: ['draft', 'processing', 'needs_retake', 'ready', 'rejected'] },
  { key: 'review', label: '审核中', statuses: ['submitted', 'in_review'] },
  { key: 'done', label: '已完成', statuses: ['approved', 'used', 'expired'] },
];

/** A photo may be (re)taken in these statuses. */
export const PHOTO_EDITABLE: readonly OrderStatus[] = TRANSITIONS.upload_photo.from;
