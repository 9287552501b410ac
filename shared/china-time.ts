/** Calendar parts in China Standard Time (UTC+8 all year, no daylight saving), whatever the
 * machine's time zone: image numbers, receipts and notification texts all date in China time. */
const CHINA_OFFSET_MS = 8 * 3_600_000;

export function chinaParts(at: Date | string): { y: number; m: number; d: number; hh: number; mm: number } {
  const t = new Date(new Date(at).getTime() + CHINA_OFFSET_MS);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate(), hh: t.getUTCHours(), mm: t.getUTCMinutes() };
}

export const pad2 = (n: number): string => String(n).padStart(2, '0');
