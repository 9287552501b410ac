/**
 * How receipts look, as data: an accent colour and notes per certificate group, a title pattern,
 * and per-city overrides. The renderer draws whatever this says; no branches per city in code.
 */
import type { ReceiptGroup } from '../../../shared/certificates';

export interface ReceiptStyle {
  accent: string;
  /** `{city}` and `{group}` are filled in. */
  title: string;
  notes: readonly string[];
}

const TITLE = '{city} {group} 数字相片回执';

export const GROUP_STYLES: Record<ReceiptGroup, ReceiptStyle> = {
  A: { accent: '#1565c0', title: TITLE, notes: ['办理时请出示本回执或告知图像号'] },
  B: { accent: '#2e7d32', title: TITLE, notes: ['出入境证件办理时请告知图像号'] },
  C: { accent: '#c62828', title: TITLE, notes: ['驾驶证业务办理时请告知图像号'] },
};

/** Per-city changes on top of the group style (notes are appended). */
export const CITY_STYLES: Record<string, Partial<ReceiptStyle>> = {
  '4403': { notes: ['深圳市各办证窗口及网上平台通用'] },
  '4601': { accent: '#00838f' },
};

export const SINGLE_USE_NOTE = '每个图像号仅可使用一次';
export const FOOTER = '照片回执 · 请在有效期内办理,过期需重新拍摄';

export function receiptStyle(group: ReceiptGroup, cityCode: string, cityName: string, groupName: string, singleUse: boolean): ReceiptStyle {
  const base = GROUP_STYLES[group];
  const city = CITY_STYLES[cityCode] ?? {};
  const title = (city.title ?? base.title).replace('{city}', cityName).replace('{group}', groupName);
  const notes = [...(singleUse ? [SINGLE_USE_NOTE] : []), ...base.notes, ...(city.notes ?? [])];
  return { accent: city.accent ?? base.accent, title, notes };
}
