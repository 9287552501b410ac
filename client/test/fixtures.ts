import type { NotificationView, OrderView } from '@shared/api';
import type { PhotoReport } from '@shared/photo-report';

export const FAILED_REPORT: PhotoReport = {
  ok: false,
  cert: 'residence_permit',
  failures: ['EYES_CLOSED'],
  warnings: ['GLASSES_GLARE'],
  checks: [
    { code: 'EYES_CLOSED', pass: false, severity: 'block', message: '请睁开双眼', value: 0.08, limit: '≥ 0.2' },
    { code: 'GLASSES_GLARE', pass: false, severity: 'warn', message: '镜片反光', value: null, limit: '' },
    { code: 'BLURRY', pass: true, severity: 'block', message: '', value: 120, limit: '≥ 60' },
  ],
  output: { width: 358, height: 441, bytes: 18000, dpi: 350, format: 'jpeg', quality: 90 },
  geometry: null,
  timingsMs: {},
};

export const OK_REPORT: PhotoReport = { ...FAILED_REPORT, ok: true, failures: [], warnings: [], checks: [] };

export function order(overrides: Partial<OrderView> = {}): OrderView {
  return {
    id: 'ord_12345678',
    certType: 'residence_permit',
    cityCode: '4403',
    cityName: '深圳市',
    status: 'draft',
    report: null,
    photoUrl: null,
    applicant: null,
    history: [{ from: null, to: 'draft', event: 'create', actor: 'applicant', at: '2026-11-21T05:00:00.000Z' }],
    createdAt: '2026-11-21T05:00:00.000Z',
    updatedAt: '2026-11-21T05:00:00.000Z',
    ...overrides,
  };
}

export function notification(overrides: Partial<NotificationView> = {}): NotificationView {
  return {
    id: 'ntf_00000001',
    kind: 'review_approved',
    orderId: 'ord_12345678',
    title: '照片审核通过',
    body: '居住证（深圳）的照片已审核通过。',
    createdAt: '2026-11-21T06:00:00.000Z',
    readAt: null,
    ...overrides,
  };
}
