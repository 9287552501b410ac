/**
 * How receipts look, as data: an accent colour and notes per certificate group, a title pattern,
 * and the city's own changes (shared/cities.ts `receiptStyle`, absent for most cities: the
 * national default is the group's style). The renderer draws whatever this says; no branches
 * per city in code.
 */
import type { ReceiptGroup } from '../../../shared/certificates';
import type { CityFacts } from '../../../shared/cities';

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

export const SINGLE_USE_NOTE = '每个图像号仅可使用一次';
export const FOOTER = '照片回执 · 请在有效期内办理,过期需重新拍摄';

/** `city`: the receipt's city facts; null for a code no longer in the catalogue (group style only). */
export function receiptStyle(group: ReceiptGroup, cityName: string, groupName: string, city: Pick<CityFacts, 'singleUse' | 'receiptStyle'> | null): ReceiptStyle {
  const base = GROUP_STYLES[group];
  const own = city?.receiptStyle ?? {};
  const title = base.title.replace('{city}', cityName).replace('{group}', groupName);
  const notes = [...(city?.singleUse ? [SINGLE_USE_NOTE] : []), ...base.notes, ...(own.notes ?? [])];
  return { accent: own.accent ?? base.accent, title, notes };
}
