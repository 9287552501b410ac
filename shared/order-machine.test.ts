import { describe, expect, it } from 'vitest';
import { ORDER_EVENTS, ORDER_STATUSES, STATUS_LABELS, TransitionError, canTransition, transition } from './order-machine';

describe('order machine', () => {
  it('walks the happy path from draft to used', () => {
    let s = transition('draft', 'upload_photo', 'applicant');
    expect(s).toBe('processing');
    s = transition(s, 'photo_accepted', 'system');
    expect(s).toBe('ready');
    s = transition(s, 'submit', 'applicant');
    s = transition(s, 'start_review', 'reviewer');
    s = transition(s, 'approve', 'reviewer');
    expect(transition(s, 'use', 'staff')).toBe('used');
    expect(transition(s, 'expire', 'system')).toBe('expired');
  });

  it('lets a failed check be retaken in place and a rejected order be resubmitted', () => {
    expect(transition('processing', 'photo_rejected', 'system')).toBe('needs_retake');
    expect(transition('needs_retake', 'upload_photo', 'applicant')).toBe('processing');
    expect(transition('in_review', 'reject', 'reviewer')).toBe('rejected');
    expect(transition('rejected', 'upload_photo', 'applicant')).toBe('processing');
  });

  it.each([
    ['draft', 'submit', 'applicant'],
    ['processing', 'submit', 'applicant'],
    ['needs_retake', 'submit', 'applicant'],
    ['submitted', 'upload_photo', 'applicant'],
    ['approved', 'upload_photo', 'applicant'],
    ['in_review', 'approve', 'applicant'],
    ['ready', 'photo_accepted', 'applicant'],
    ['used', 'expire', 'system'],
  ] as const)('refuses %s --%s by %s', (status, event, actor) => {
    expect(canTransition(status, event, actor)).toBe(false);
    expect(() => transition(status, event, actor)).toThrow(TransitionError);
  });

  it('has a Chinese label for every status and every event leads somewhere', () => {
    for (const s of ORDER_STATUSES) expect(STATUS_LABELS[s]).toMatch(/[\u4e00-\u9fa5]/);
    for (const e of ORDER_EVENTS) expect(ORDER_STATUSES.some((s) => ['applicant', 'system', 'reviewer', 'staff'].some((a) => canTransition(s, e, a as never)))).toBe(true);
  });
});
