/**
 * The reviewer's standard rejection reasons: plain data without zod, so mini-program pages can
 * import it without pulling the schema library into their package.
 */
export const REJECT_REASONS = [
  { code: 'accessories', label: '佩戴饰品' },
  { code: 'hair_covering', label: '头发遮挡眉毛或耳朵' },
  { code: 'expression', label: '表情不自然' },
  { code: 'clothing_background', label: '衣服颜色与背景相近' },
  { code: 'shadow_glare', label: '脸部有阴影或反光' },
  { code: 'blurry', label: '照片模糊' },
  { code: 'head_pose', label: '头部姿态不正' },
  { code: 'other', label: '其他' },
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number]['code'];

export function rejectReasonLabel(code: RejectReason): string {
  return REJECT_REASONS.find((r) => r.code === code)?.label ?? code;
}
