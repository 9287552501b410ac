import { formatChineseDate, formatChineseMonth } from '@shared/eligibility';

export interface DateFieldProps {
  /** The visible label beside the value (开始日期, 按哪天申请…). */
  label: string;
  /**
   * The field's accessible name, unique on the page (居住登记1开始日期): the `aria-label` a screen
   * reader reads and browser tests look for (`getByLabel`).
   */
  name: string;
  /** `date` picks `YYYY-MM-DD`, `month` picks `YYYY-MM`. */
  mode?: 'date' | 'month';
  value: string | null;
  /** Earliest / latest choice, in the same format as the value. */
  start?: string;
  end?: string;
  /** Shown while nothing is picked. */
  placeholder?: string;
  /** A message under the field (and a red outline). */
  error?: string | null;
  /** `data-testid` (and, on h5, the input's `name`). */
  testId?: string;
  /** The picked value; null when it was cleared (h5 only). */
  onChange: (value: string | null) => void;
}

/** `2025-03-01` → 2025年3月1日, `2025-03` → 2025年3月. */
export function displayValue(value: string, mode: 'date' | 'month'): string {
  return mode === 'month' ? formatChineseMonth(value) : formatChineseDate(value);
}
