/**
 * Solves the crop from the spec's own quantities: given the head measured on the (straightened)
 * source, find the scale and offset that put the width band's quantity (face width for GA 461,
 * head width for exit-entry and GA 482), head height, crown margin and eye line inside their
 * bands, as near the middle of each as they can all be. Pure arithmetic.
 */
import type { Band, PhotoSpec } from '../../../shared/certificates';
import type { OutputGeometry } from '../../../shared/photo-report';

/** Head measurements in the straightened source frame (eye line horizontal), source pixels. */
export interface HeadMeasure {
  crownY: number;
  eyeY: number;
  chinY: number;
  /** Where the face is centred horizontally (between the cheeks). */
  centreX: number;
  eyeMidX: number;
  faceWidth: number;
  /** The whole head at ear level, ears included (person mask). */
  headWidth: number;
  /**
   * Where the source photo ends below the face: a crop reaching further down needs rows that do
   * not exist (only a few may be made by repeating the last row), so the solver prefers scales
   * that keep the bottom edge inside the photo.
   */
  sourceBottomY?: number;
  /**
   * Share of the output height that may be made below the source (default BOTTOM_EXTEND_MAX;
   * SHOULDERS_EXTEND_MAX when the shoulder line itself is in the photo and only plain clothing
   * below it is missing).
   */
  bottomExtendMax?: number;
}

/** Output rows below the source that the renderer may make by repeating the last row. */
export const BOTTOM_EXTEND_MAX = 0.05;
/**
 * With the shoulders in the photo, the clothing below them may be continued over this share of
 * the output height (GA 482's tall frame needs 50–60 px more below the collar than a tightly
 * framed head-and-shoulders portrait holds); the solver still makes as little as the bands allow.
 */
export const SHOULDERS_EXTEND_MAX = 0.25;

/** Geometry of the photo in output pixels (the report's shape). */
export type PhotoGeometry = OutputGeometry;

export interface CropSolution {
  /** Output pixels per source pixel. */
  scale: number;
  /** Output origin in scaled source coordinates: output = scale·source − (left, top). */
  left: number;
  top: number;
  predicted: PhotoGeometry;
  /** Every band met (crown margin may be short where the spec lets the eye line win). */
  withinSpec: boolean;
  crownTrimmed: boolean;
}

const OUTSIDE = 1000;

/**
 * Face width has no single reading: mesh cheek points and 68-point jaw ends differ by ~3.6 %, and
 * our calibrated measure sits halfway between them. Within this relative margin outside the band the width
 * is still in band by one of the two readings; the solver may use that margin (at a price) when a
 * head-height band leaves no other way, as the exit-entry and GA 482 bands often do for real heads.
 */
export const FACE_WIDTH_MARGIN = 0.018;

/**
 * The solver keeps this share of each half-band as a safety margin: the output is measured again
 * by a fresh detection, which lands a few pixels from the prediction.
 */
const SAFETY = 0.25;
const SAFETY_MAX_PX = 5;

/**
 * The chin has no single reading either: MediaPipe's mesh chin (the engine's, at the visible
 * bottom of the chin on the output) and the 68-point model's landmark 8 (the verifier's) differ by
 * up to 0.135 face widths on the fixture portraits (median ≈ 0.03; 0.10–0.135 on deepface-img13,
 * -img29 and -img32, where landmark 8 sits on the chin's front, above its lowest point: seen on
 * the output images, the mesh chin is the one at the bottom of the chin). The
 * solver keeps the head height in band by both: the engine's reading and one this much shorter.
 */
export const CHIN_READING_SPREAD = 0.14;
/**
 * Weight of the second chin reading beyond its band: above any in-band preference, far below a
 * band missed by the engine's own reading (which wins when a head cannot satisfy both).
 */
const SECOND_READING_WEIGHT = 30;

/** 0 at the target, 1 at the band's (safe) edge, and a cliff beyond it. */
function cost(value: number, full: Band | undefined, outsideWeight = OUTSIDE): number {
  if (!full) return 0;
  const inset = Math.min(((full.max - full.min) / 2) * SAFETY, SAFETY_MAX_PX);
  // The safe band in locals, not a spread copy: this runs ~100 000 times per solve.
  const min = full.min + (full.min > 0 ? inset : 0);
  const max = full.max - inset;
  const half = (max - min) / 2;
  if (value < min) return outsideWeight * (1 + (min - value) / half);
  if (value > max) return outsideWeight * (1 + (value - max) / half);
  if (full.target === undefined) return 0;
  const d = (value - full.target) / half;
  return d * d;
}

export function geometryAt(spec: PhotoSpec, head: HeadMeasure, scale: number, left: number, top: number): PhotoGeometry {
  const eyeLine = head.eyeY * scale - top;
  const faceCentre = head.centreX * scale - left;
  return {
    faceWidth: head.faceWidth * scale,
    headWidth: head.headWidth * scale,
    headHeight: (head.chinY - head.crownY) * scale,
    crownMargin: head.crownY * scale - top,
    eyeLine,
    eyeLineFromBottom: spec.height - eyeLine,
    eyeMidX: head.eyeMidX * scale - left,
    centreOffset: faceCentre - spec.width / 2,
  };
}

function faceWidthCost(value: number, band: Band): number {
  const lo = band.min * (1 - FACE_WIDTH_MARGIN);
  const hi = band.max * (1 + FACE_WIDTH_MARGIN);
  if (value >= band.min && value <= band.max) return cost(value, band);
  if (value >= lo && value <= hi) return 20 + (value < band.min ? band.min - value : value - band.max);
  // Beyond even that, the head is shaped unlike the spec's assumed proportions (big hair, long
  // face): head height and position win, and the report says the width is off.
  return cost(value, band, 100);
}

function totalCost(spec: PhotoSpec, g: PhotoGeometry): number {
  // Where the eye line wins, a crown cut short (tall hair) costs less than a wrong eye line.
  const crownWeight = spec.eyeLineWins && g.crownMargin < spec.crownMargin.min ? 50 : OUTSIDE;
  const width = spec.widthBand.quantity === 'face' ? faceWidthCost(g.faceWidth, spec.widthBand) : cost(g.headWidth, spec.widthBand);
  return (
    width * 2 +
    cost(g.headHeight, spec.headHeight) +
    cost(g.headHeight - CHIN_READING_SPREAD * g.faceWidth, spec.headHeight, SECOND_READING_WEIGHT) +
    cost(g.crownMargin, spec.crownMargin, crownWeight) +
    cost(g.eyeLine, spec.eyeLine) +
    cost(g.eyeMidX, spec.eyeMidX)
  );
}

/**
 * A step where the crop would need more rows below the photo than may be made: above any
 * preference inside the bands, below a band missed (then the crop is reported as cut off, not
 * bent out of spec).
 */
function bottomCost(spec: PhotoSpec, head: HeadMeasure, scale: number, top: number): number {
  if (head.sourceBottomY === undefined) return 0;
  const missing = top + spec.height - head.sourceBottomY * scale;
  const free = spec.height * BOTTOM_EXTEND_MAX * 0.8;
  const allowed = spec.height * Math.max(BOTTOM_EXTEND_MAX, head.bottomExtendMax ?? BOTTOM_EXTEND_MAX) * 0.8;
  if (missing > allowed) return 100 * (1 + (missing - allowed) / 10);
  // Continued clothing is allowed but not free: within the bands the head moves lower and grows
  // a little to make less. Mildly: at 1 per 2 px it went to the bands' safe edges, and
  // deepface-img24's 驾驶证 head width read 191 by the verifier (band 165–189).
  return missing > free ? (missing - free) / 8 : 0;
}

type Measured = Omit<PhotoGeometry, 'eyeLineFromBottom' | 'centreOffset'>;

/** Bands a crop misses, by name (for the report: which quantities cannot all hold). */
export function bandsMissed(spec: PhotoSpec, g: Measured, crownTrimmed = false): string[] {
  const out = (v: number, b?: Band) => Boolean(b) && (v < b!.min || v > b!.max);
  const missed: string[] = [];
  if (!widthWithin(spec, g)) missed.push(spec.widthBand.quantity === 'head' ? 'headWidth' : 'faceWidth');
  if (out(g.headHeight, spec.headHeight)) missed.push('headHeight');
  if (!(crownTrimmed && spec.eyeLineWins) && out(g.crownMargin, spec.crownMargin)) missed.push('crownMargin');
  if (out(g.eyeLine, spec.eyeLine)) missed.push('eyeLine');
  if (out(g.eyeMidX, spec.eyeMidX)) missed.push('eyeMidX');
  return missed;
}

/**
 * The width band met: face width (GA 461) in band by at least one of the two landmark readings;
 * head width (exit-entry, GA 482) in band as the matte reads it.
 */
export function widthWithin(spec: PhotoSpec, g: Pick<Measured, 'faceWidth' | 'headWidth'>): boolean {
  const b = spec.widthBand;
  if (b.quantity === 'head') return g.headWidth >= b.min && g.headWidth <= b.max;
  return g.faceWidth >= b.min * (1 - FACE_WIDTH_MARGIN) && g.faceWidth <= b.max * (1 + FACE_WIDTH_MARGIN);
}

/** Position and head size in band (the width band is judged separately, see widthWithin). */
export function withinSpec(spec: PhotoSpec, g: Measured): boolean {
  const inBand = (v: number, b?: Band) => !b || (v >= b.min && v <= b.max);
  return (
    inBand(g.headHeight, spec.headHeight) &&
    inBand(g.crownMargin, spec.crownMargin) &&
    inBand(g.eyeLine, spec.eyeLine) &&
    inBand(g.eyeMidX, spec.eyeMidX)
  );
}

export function solveCrop(spec: PhotoSpec, head: HeadMeasure): CropSolution {
  const headHeight = head.chinY - head.crownY;
  // Scales that could put the face width or head height in band; search a little beyond them.
  const wb = spec.widthBand;
  const measured = wb.quantity === 'face' ? head.faceWidth : head.headWidth;
  const candidates = [wb.min / measured, wb.max / measured];
  if (spec.headHeight) candidates.push(spec.headHeight.min / headHeight, spec.headHeight.max / headHeight);
  const lo = Math.min(...candidates) * 0.9;
  const hi = Math.max(...candidates) * 1.1;

  // Coarse grid over scale × eye-line placement (every placement that keeps the eyes inside the
  // photo), then a fine grid around the best cell.
  type Candidate = { scale: number; top: number; cost: number };
  const search = (scales: number[], eyeLines: number[], seed: Candidate | null): Candidate | null => {
    let best = seed;
    for (const scale of scales) {
      // Horizontal: the face centred (or the eye midpoint on its target where the spec sets one).
      const left = horizontalOffset(spec, head, scale);
      for (const eyeLine of eyeLines) {
        const top = head.eyeY * scale - eyeLine;
        const c = totalCost(spec, geometryAt(spec, head, scale, left, top)) + bottomCost(spec, head, scale, top);
        if (!best || c < best.cost) best = { scale, top, cost: c };
      }
    }
    return best;
  };
  const range = (from: number, to: number, step: number) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);
  const scaleStep = (hi - lo) / 80;
  const coarse = search(range(lo, hi, scaleStep), range(0, spec.height, 2), null);
  if (!coarse) throw new Error('no crop candidates');
  const eye = head.eyeY * coarse.scale - coarse.top;
  const best = search(range(coarse.scale - scaleStep, coarse.scale + scaleStep, scaleStep / 20), range(eye - 3, eye + 3, 0.25), coarse)!;
  const left = horizontalOffset(spec, head, best.scale);
  const predicted = geometryAt(spec, head, best.scale, left, best.top);
  const crownTrimmed = predicted.crownMargin < spec.crownMargin.min;
  const relaxed = spec.eyeLineWins && crownTrimmed ? { ...predicted, crownMargin: spec.crownMargin.min } : predicted;
  return { scale: best.scale, left, top: best.top, predicted, withinSpec: withinSpec(spec, relaxed) && widthWithin(spec, relaxed), crownTrimmed };
}

function horizontalOffset(spec: PhotoSpec, head: HeadMeasure, scale: number): number {
  if (spec.eyeMidX?.target !== undefined) {
    const centred = head.centreX * scale - spec.width / 2;
    const eyeAt = head.eyeMidX * scale - centred;
    if (eyeAt < spec.eyeMidX.min || eyeAt > spec.eyeMidX.max) return head.eyeMidX * scale - spec.eyeMidX.target;
    return centred;
  }
  return head.centreX * scale - spec.width / 2;
}
