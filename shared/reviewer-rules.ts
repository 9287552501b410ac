/**
 * The photo rules reviewers reject by, as the source articles tell applicants (表情自然,露出五官,
 * 头发不能遮挡耳朵、眉毛、肩膀,不能佩戴耳环、项链、帽子、发卡等饰品), keyed by the check code that
 * flags each on the finished photo (server/src/photo/reviewer-checks.ts). Pure data.
 */
import type { CheckCode } from './check-codes';

export const REVIEWER_RULES: Partial<Record<CheckCode, string>> = {
  MOUTH_OPEN: '表情自然,不能张嘴或露齿大笑',
  EARRINGS: '不能佩戴耳环、项链、帽子、发卡等饰品',
  HAIR_OVER_EARS: '头发不能遮挡耳朵',
  HAIR_OVER_EYEBROWS: '头发不能遮挡眉毛,须露出五官',
  HAIR_OVER_SHOULDERS: '头发不能遮挡肩膀',
  LEFTOVER_BACKGROUND: '背景须为纯色,不能有其他物体或残留背景',
};

export function reviewerRule(code: CheckCode): string | null {
  return REVIEWER_RULES[code] ?? null;
}
