/**
 * Print sheets: the spec photo laid out as many times as fits on a photo-paper sheet, at the
 * photo's own printed size (its pixels at the density written in its file: GA 461 358×441 px at
 * 350 dpi = 26×32 mm), with gaps between the copies and cut marks at every corner — what a studio
 * or a person at home sends to a photo printer. Pure arithmetic: sizes in, pixel positions out;
 * the pixels are drawn by media.repository's renderPrintSheet.
 */
import { PRINT_SHEET_SIZES } from '../../../shared/api';
import type { PhotoSpec } from '../../../shared/certificates';

export interface SheetSize {
  code: PrintSheetCode;
  /** What studios call it. */
  name: string;
  widthMm: number;
  heightMm: number;
  dpi: number;
}

export type PrintSheetCode = (typeof PRINT_SHEET_SIZES)[number];

export const PRINT_SHEETS: Record<PrintSheetCode, SheetSize> = {
  // 6 寸 / 4R photo paper, portrait orientation, at the 300 dpi photo printers and kiosks print.
  '6inch': { code: '6inch', name: '6 寸(4R,102×152 mm)', widthMm: 102, heightMm: 152, dpi: 300 },
};

export function isPrintSheetCode(value: string): value is PrintSheetCode {
  return (PRINT_SHEET_SIZES as readonly string[]).includes(value);
}

/** White border kept clear on every side: many printers cannot print to the paper edge. */
export const SHEET_MARGIN_MM = 3;
/** Between neighbouring copies: room for one cut on each side and the marks between. */
export const SHEET_GAP_MM = 2;
/** Cut marks start this far from the photo corner (so a slightly-off cut never shows one)… */
export const CUT_MARK_OFFSET_PX = 3;
/** …and run this long, outward along the photo's edge line, this thick, centred on the line. */
export const CUT_MARK_LENGTH_PX = 8;
export const CUT_MARK_THICKNESS_PX = 2;

export interface PixelRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface PrintSheetLayout {
  sheet: SheetSize;
  /** The sheet in pixels at sheet.dpi. */
  width: number;
  height: number;
  /** One copy of the photo on the sheet, in sheet pixels (resampled to sheet.dpi). */
  photoWidth: number;
  photoHeight: number;
  /** The copy's printed size. */
  photoMm: { width: number; height: number };
  columns: number;
  rows: number;
  copies: number;
  gapPx: number;
  /** Top-left corner of every copy, row by row. */
  positions: { left: number; top: number }[];
  /** Black rectangles: two per corner of every copy, in the gaps and margins, never on a photo. */
  cutMarks: PixelRect[];
}

export function mmToPx(mm: number, dpi: number): number {
  return Math.round((mm / 25.4) * dpi);
}

/** How many of `size` fit in `room` with `gap` between neighbours. */
function fit(room: number, size: number, gap: number): number {
  return Math.max(0, Math.floor((room + gap) / (size + gap)));
}

/**
 * Lays out copies of a photo of `photo.width × photo.height` px at `photo.dpi` on `sheet`: a grid
 * of upright copies, centred on the sheet inside the margins (turning the copies sideways never
 * fits more for the three specs: checked in print-sheet.test.ts).
 */
export function layoutPrintSheet(sheet: SheetSize, photo: Pick<PhotoSpec, 'width' | 'height' | 'dpi'>): PrintSheetLayout {
  const width = mmToPx(sheet.widthMm, sheet.dpi);
  const height = mmToPx(sheet.heightMm, sheet.dpi);
  const photoWidth = Math.round((photo.width * sheet.dpi) / photo.dpi);
  const photoHeight = Math.round((photo.height * sheet.dpi) / photo.dpi);
  const margin = mmToPx(SHEET_MARGIN_MM, sheet.dpi);
  const gapPx = mmToPx(SHEET_GAP_MM, sheet.dpi);
  if (CUT_MARK_OFFSET_PX + CUT_MARK_LENGTH_PX > Math.floor(gapPx / 2)) throw new Error('cut marks of neighbouring copies would touch');
  const columns = fit(width - 2 * margin, photoWidth, gapPx);
  const rows = fit(height - 2 * margin, photoHeight, gapPx);
  const gridWidth = columns * photoWidth + Math.max(0, columns - 1) * gapPx;
  const gridHeight = rows * photoHeight + Math.max(0, rows - 1) * gapPx;
  const left0 = Math.floor((width - gridWidth) / 2);
  const top0 = Math.floor((height - gridHeight) / 2);

  const positions: { left: number; top: number }[] = [];
  const cutMarks: PixelRect[] = [];
  const half = CUT_MARK_THICKNESS_PX / 2;
  const far = CUT_MARK_OFFSET_PX + CUT_MARK_LENGTH_PX;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const left = left0 + c * (photoWidth + gapPx);
      const top = top0 + r * (photoHeight + gapPx);
      positions.push({ left, top });
      const right = left + photoWidth;
      const bottom = top + photoHeight;
      for (const x of [left, right]) {
        // Vertical marks above and below the copy, on the line x (the cut between pixels x−1 and x).
        cutMarks.push({ left: x - half, top: top - far, width: CUT_MARK_THICKNESS_PX, height: CUT_MARK_LENGTH_PX });
        cutMarks.push({ left: x - half, top: bottom + CUT_MARK_OFFSET_PX, width: CUT_MARK_THICKNESS_PX, height: CUT_MARK_LENGTH_PX });
      }
      for (const y of [top, bottom]) {
        cutMarks.push({ left: left - far, top: y - half, width: CUT_MARK_LENGTH_PX, height: CUT_MARK_THICKNESS_PX });
        cutMarks.push({ left: right + CUT_MARK_OFFSET_PX, top: y - half, width: CUT_MARK_LENGTH_PX, height: CUT_MARK_THICKNESS_PX });
      }
    }
  }
  const mm = (px: number) => Math.round(((px / sheet.dpi) * 25.4) * 10) / 10;
  return {
    sheet,
    width,
    height,
    photoWidth,
    photoHeight,
    photoMm: { width: mm(photoWidth), height: mm(photoHeight) },
    columns,
    rows,
    copies: positions.length,
    gapPx,
    positions,
    cutMarks,
  };
}
