/**
 * Image-quality checks on the face region of the rendered photo (face ≈ 200 px wide, so one
 * threshold fits every input size). Each function returns the measured value; the limits sit in
 * QUALITY_LIMITS so that the report can show both.
 */
import type { FaceMeasure, Point } from './landmarks';

export const QUALITY_LIMITS = {
  /**
   * Mean |Laplacian| over local contrast in the eye/brow band, for a face 207 px wide (GA 461);
   * scaled by `sharpnessLimit` for other face sizes. On the fixture portraits good photos read
   * 0.12–0.46 and blurred ones ≤ 0.062 at 207 px; at 驾驶证 size (≈ 140 px faces) the same blur
   * reads up to 0.10, since shrinking hides it, so one fixed limit let blurred photos through.
   */
  sharpnessMin: 0.08,
  /** Median face luma 0..255. */
  lumaMin: 75,
  lumaMax: 225,
  /** Share of clipped (≥ 250) face pixels. */
  clippedMax: 0.2,
  /** Darker cheek over brighter cheek. */
  evennessMin: 0.62,
  /** Mean chroma (max − min channel) of the person; a grey photo reads < 4. */
  chromaMin: 6,
  /** Skin chromaticity distance from the box normal skin occupies (see skinCast). */
  castMax: 0.01,
  eyeOpennessMin: 0.1,
  mouthOpennessMax: 0.15,
  yawMax: 0.33,
  yawWarn: 0.18,
  noseDropMin: 0.28,
  noseDropMax: 0.62,
  /**
   * Roll straightened about the eye midpoint; more is HEAD_TILTED. Heads up to 8° must be
   * straightened (issue 13); the cut-off sits 2° beyond so that measurement noise (the mesh's
   * roll is good to about ±1°) does not turn away a head at 8.6° (deepface-img40).
   */
  rollStraightenMax: 10,
  whiteClothingMax: 0.4,
  foreheadSkinMin: 0.45,
  glassesGlareMax: 0.08,
} as const;

export interface Region {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface ImageView {
  rgb: Uint8Array;
  /** Luma of `rgb`, computed once for all checks. */
  luma: Float32Array;
  alpha: Float32Array;
  width: number;
  height: number;
}

function clampRegion(r: Region, w: number, h: number): Region {
  return {
    x0: Math.max(0, Math.min(w, Math.round(r.x0))),
    y0: Math.max(0, Math.min(h, Math.round(r.y0))),
    x1: Math.max(0, Math.min(w, Math.round(r.x1))),
    y1: Math.max(0, Math.min(h, Math.round(r.y1))),
  };
}

/**
 * Indices of the region's pixels (of the person only, by default), row by row, in a typed array:
 * no number[] growing one push at a time.
 */
function pixelsIn(img: ImageView, region: Region, personOnly = true): Int32Array {
  const r = clampRegion(region, img.width, img.height);
  const w = img.width;
  const alpha = img.alpha;
  const idx = new Int32Array(Math.max(0, r.x1 - r.x0) * Math.max(0, r.y1 - r.y0));
  let n = 0;
  for (let y = r.y0; y < r.y1; y++) {
    for (let x = r.x0, i = y * w + r.x0; x < r.x1; x++, i++) {
      if (!personOnly || alpha[i]! > 0.5) idx[n++] = i;
    }
  }
  return idx.subarray(0, n);
}

/**
 * The element at floor(n / 2) of the sorted luma values at `idx` (the upper median), exactly as a
 * full sort gives it: a histogram of floor(luma) finds the unit bin that holds that element, and
 * only the bin's values are sorted.
 */
function lumaMedian(luma: Float32Array, idx: Int32Array, hist: Uint32Array): number {
  const n = idx.length;
  if (n === 0) return Number.NaN;
  hist.fill(0);
  for (let k = 0; k < n; k++) hist[Math.min(255, Math.max(0, Math.floor(luma[idx[k]!]!)))]!++;
  let want = Math.floor(n / 2);
  let bin = 0;
  while (bin < 255 && want >= hist[bin]!) want -= hist[bin++]!;
  const values = new Float64Array(hist[bin]!);
  let m = 0;
  for (let k = 0; k < n; k++) {
    const v = luma[idx[k]!]!;
    if (Math.min(255, Math.max(0, Math.floor(v))) === bin) values[m++] = v;
  }
  return values.sort()[want]!;
}

/**
 * The upper median (element floor(n / 2) of the sorted values, what the sort gave) of 0–255
 * integers, from a histogram: channel `c` of `rgb` at the
 * pixels of `a` then `b`.
 */
function channelMedian(rgb: Uint8Array, a: Int32Array, b: Int32Array, c: number, hist: Uint32Array): number {
  const n = a.length + b.length;
  if (n === 0) return Number.NaN;
  hist.fill(0);
  for (let k = 0; k < a.length; k++) hist[rgb[a[k]! * 3 + c]!]!++;
  for (let k = 0; k < b.length; k++) hist[rgb[b[k]! * 3 + c]!]!++;
  const want = Math.floor(n / 2);
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += hist[v]!;
    if (seen > want) return v;
  }
  return 255;
}

/** Face regions in output coordinates, derived from the landmarks mapped onto the output. */
export function faceRegions(face: FaceMeasure) {
  const fw = face.faceWidth;
  const [ex, ey] = face.eyeMid;
  const nose: Point = face.noseTip;
  return {
    cheekLeft: { x0: face.cheekLeft[0] + 0.1 * fw, x1: nose[0] - 0.1 * fw, y0: ey + 0.12 * fw, y1: ey + 0.42 * fw },
    cheekRight: { x0: nose[0] + 0.1 * fw, x1: face.cheekRight[0] - 0.1 * fw, y0: ey + 0.12 * fw, y1: ey + 0.42 * fw },
    forehead: { x0: face.eyeLeft[0], x1: face.eyeRight[0], y0: ey - 0.48 * fw, y1: ey - 0.3 * fw },
    eyes: { x0: ex - 0.42 * fw, x1: ex + 0.42 * fw, y0: ey - 0.22 * fw, y1: ey + 0.1 * fw },
    eyeBoxes: [
      { x0: face.eyeLeft[0] - 0.13 * fw, x1: face.eyeLeft[0] + 0.13 * fw, y0: ey - 0.08 * fw, y1: ey + 0.08 * fw },
      { x0: face.eyeRight[0] - 0.13 * fw, x1: face.eyeRight[0] + 0.13 * fw, y0: ey - 0.08 * fw, y1: ey + 0.08 * fw },
    ],
    face: { x0: face.cheekLeft[0] + 0.08 * fw, x1: face.cheekRight[0] - 0.08 * fw, y0: ey - 0.3 * fw, y1: face.chin[1] - 0.08 * fw },
    torso: { x0: ex - 0.6 * fw, x1: ex + 0.6 * fw, y0: face.chin[1] + 0.25 * fw, y1: Number.POSITIVE_INFINITY },
  };
}

/** Blur: mean absolute Laplacian relative to the local contrast, over the eyes and brows. */
export function sharpness(img: ImageView, region: Region): number {
  const r = clampRegion(region, img.width, img.height);
  const { luma } = img;
  const w = img.width;
  let lap = 0;
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let y = Math.max(1, r.y0); y < Math.min(img.height - 1, r.y1); y++) {
    for (let x = Math.max(1, r.x0); x < Math.min(w - 1, r.x1); x++) {
      const i = y * w + x;
      const v = luma[i]!;
      lap += Math.abs(4 * v - luma[i - 1]! - luma[i + 1]! - luma[i - w]! - luma[i + w]!);
      sum += v;
      sumSq += v * v;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  const std = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
  return lap / n / Math.max(8, std);
}

export interface Exposure {
  medianLuma: number;
  clipped: number;
  evenness: number;
}

export function exposure(img: ImageView, face: FaceMeasure): Exposure {
  const regions = faceRegions(face);
  const { luma } = img;
  const facePixels = pixelsIn(img, regions.face);
  let clipped = 0;
  for (let k = 0; k < facePixels.length; k++) if (luma[facePixels[k]!]! >= 250) clipped++;
  const hist = new Uint32Array(256);
  const ml = lumaMedian(luma, pixelsIn(img, regions.cheekLeft), hist);
  const mr = lumaMedian(luma, pixelsIn(img, regions.cheekRight), hist);
  return {
    medianLuma: lumaMedian(luma, facePixels, hist),
    clipped: clipped / Math.max(1, facePixels.length),
    evenness: Math.min(ml, mr) / Math.max(1, ml, mr),
  };
}

/** Mean chroma of the person (max − min channel). */
export function personChroma(img: ImageView): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < img.width * img.height; i++) {
    if (img.alpha[i]! < 0.5) continue;
    const r = img.rgb[i * 3]!;
    const g = img.rgb[i * 3 + 1]!;
    const b = img.rgb[i * 3 + 2]!;
    sum += Math.max(r, g, b) - Math.min(r, g, b);
    n++;
  }
  return n ? sum / n : 0;
}

/**
 * Colour cast: the skin's chromaticity compared with where human skin of every tone sits under
 * neutral light. Redness r − g is 0.05–0.17 and blueness b = 1 − r − g is 0.24–0.31 on the
 * fixture portraits; a red filter pushes r − g past 0.2, a green one below 0.02. Distance 0
 * inside the allowed box.
 */
export function skinCast(img: ImageView, face: FaceMeasure): { distance: number; redness: number; blueness: number } {
  const regions = faceRegions(face);
  let sr = 0;
  let sg = 0;
  let sb = 0;
  const { rgb } = img;
  for (const idx of [pixelsIn(img, regions.cheekLeft), pixelsIn(img, regions.cheekRight)]) {
    for (let k = 0; k < idx.length; k++) {
      const o = idx[k]! * 3;
      sr += rgb[o]!;
      sg += rgb[o + 1]!;
      sb += rgb[o + 2]!;
    }
  }
  const total = Math.max(1, sr + sg + sb);
  const redness = (sr - sg) / total;
  const blueness = sb / total;
  const outside = (v: number, lo: number, hi: number) => (v < lo ? lo - v : v > hi ? v - hi : 0);
  return { distance: Math.hypot(outside(redness, 0.02, 0.19), outside(blueness, 0.17, 0.34)), redness, blueness };
}

/** Share of light, colourless pixels on the torso (white shirt on a white background). */
export function whiteClothing(img: ImageView, face: FaceMeasure): number {
  const idx = pixelsIn(img, faceRegions(face).torso);
  if (idx.length < 200) return 0;
  let white = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    const r = img.rgb[i * 3]!;
    const g = img.rgb[i * 3 + 1]!;
    const b = img.rgb[i * 3 + 2]!;
    if (Math.min(r, g, b) > 185 && Math.max(r, g, b) - Math.min(r, g, b) < 30) white++;
  }
  return white / idx.length;
}

/** Share of forehead pixels that look like the cheeks' skin; hair over the forehead lowers it. */
export function foreheadSkin(img: ImageView, face: FaceMeasure): number {
  const regions = faceRegions(face);
  const left = pixelsIn(img, regions.cheekLeft);
  const right = pixelsIn(img, regions.cheekRight);
  const forehead = pixelsIn(img, regions.forehead, false);
  if (!(left.length + right.length) || !forehead.length) return 1;
  const hist = new Uint32Array(256);
  const ref = [0, 1, 2].map((c) => channelMedian(img.rgb, left, right, c, hist));
  let skin = 0;
  for (let k = 0; k < forehead.length; k++) {
    const i = forehead[k]!;
    const d = Math.hypot(img.rgb[i * 3]! - ref[0]!, img.rgb[i * 3 + 1]! - ref[1]!, img.rgb[i * 3 + 2]! - ref[2]!);
    // Lighting varies across the face: compare chromaticity loosely and brightness very loosely.
    if (d < 70) skin++;
  }
  return skin / forehead.length;
}

/** Share of near-white pixels in the eye boxes beyond small catchlights (lens reflections). */
export function eyeGlare(img: ImageView, face: FaceMeasure): number {
  let glare = 0;
  let n = 0;
  for (const box of faceRegions(face).eyeBoxes) {
    const idx = pixelsIn(img, box, false);
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      n++;
      if (Math.min(img.rgb[i * 3]!, img.rgb[i * 3 + 1]!, img.rgb[i * 3 + 2]!) > 235) glare++;
    }
  }
  return n ? glare / n : 0;
}

const SHARPNESS_REFERENCE_FACE_WIDTH = 207;

/** The sharpness limit for a face of this width on the output: smaller faces hide blur. */
export function sharpnessLimit(faceWidth: number): number {
  return Math.round(QUALITY_LIMITS.sharpnessMin * (SHARPNESS_REFERENCE_FACE_WIDTH / Math.max(1, faceWidth)) * 1000) / 1000;
}

/**
 * One-sided light, as a studio retoucher evens it: only a light that falls off smoothly across
 * the face (no edge) is evened; a cast shadow with an edge is left for UNEVEN_LIGHTING.
 */
export const LIGHT_EVENING = {
  /**
   * Largest step of log luma between neighbouring 0.05 face widths on the middle of the forehead
   * (±0.28 face widths of the face centre, after the smooth gradient is taken out) for the light
   * to count as smooth. Good fixture portraits read 0.03–0.18 (0.62–0.72 with hair over the
   * forehead); the hard half-face shadows of every fixture 0.89–1.42.
   */
  edgeStepMax: 0.4,
  /** Share of the fitted gradient taken out (a retoucher lifts the shadow, does not flatten it). */
  strength: 0.6,
  /** Largest gain applied anywhere (darker side, towards the ear). */
  gainMax: 2,
} as const;

export interface LightingProfile {
  /** Slope of log luma across the face per face width, image left to right (> 0: right side brighter). */
  slope: number;
  /** Largest step of log luma over ±0.05 face widths on the middle of the forehead, slope taken out. */
  edgeStep: number;
}

/**
 * How the light falls across the face: per-column median luma (person pixels) on a forehead band
 * (0.28–0.45 face widths above the eye line) and a cheek band (0.12–0.42 below it), a straight
 * line fitted to log luma across both (one slope, one intercept per band), and the largest step
 * left after it on the middle of the forehead (where neither hair nor nose is).
 */
export function lightingProfile(img: ImageView, face: FaceMeasure): LightingProfile {
  const fw = face.faceWidth;
  const ey = face.eyeMid[1];
  const xa = Math.round(face.cheekLeft[0] + 0.05 * fw);
  const xb = Math.round(face.cheekRight[0] - 0.05 * fw);
  const cx = face.centre[0];
  const hist = new Uint32Array(256);
  const column = new Int32Array(img.height);
  const band = (y0: number, y1: number) => {
    const prof: number[] = [];
    for (let x = xa; x <= xb; x++) {
      let n = 0;
      if (x >= 0 && x < img.width) {
        for (let y = Math.max(0, Math.round(y0)); y < Math.min(img.height, Math.round(y1)); y++) {
          const i = y * img.width + x;
          if (img.alpha[i]! > 0.5) column[n++] = i;
        }
      }
      prof.push(n >= 3 ? Math.log(Math.max(4, lumaMedian(img.luma, column.subarray(0, n), hist))) : Number.NaN);
    }
    return prof;
  };
  const u = (j: number) => (xa + j - cx) / fw;
  const bands = [band(ey - 0.45 * fw, ey - 0.28 * fw), band(ey + 0.12 * fw, ey + 0.42 * fw)];
  let sxx = 0;
  let sxy = 0;
  for (const prof of bands) {
    const pts = prof.map((v, j) => [u(j), v] as const).filter(([, v]) => Number.isFinite(v));
    if (pts.length < 3) continue;
    const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
    const my = pts.reduce((s, p) => s + p[1], 0) / pts.length;
    for (const [x, y] of pts) {
      sxx += (x - mx) ** 2;
      sxy += (x - mx) * (y - my);
    }
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const k = Math.max(2, Math.round(0.05 * fw));
  const forehead = bands[0]!.map((v, j) => (Math.abs(u(j)) <= 0.28 ? v - slope * u(j) : Number.NaN));
  let edgeStep = 0;
  for (let j = k; j + k <= forehead.length; j++) {
    const left = forehead.slice(j - k, j).filter(Number.isFinite);
    const right = forehead.slice(j, j + k).filter(Number.isFinite);
    if (left.length < k / 2 || right.length < k / 2) continue;
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    edgeStep = Math.max(edgeStep, Math.abs(mean(left) - mean(right)));
  }
  return { slope, edgeStep };
}

/**
 * Evens out a smooth one-sided light in place, as a retoucher would: when the cheeks are uneven
 * (evenness below the limit) and the forehead shows no shadow edge, the darker side of the photo
 * is lifted by a smooth gain that grows from the face centre towards that side's ear
 * (LIGHT_EVENING.strength of the difference to the mirrored point on the brighter side, at most
 * gainMax); the brighter side is left as it is. Returns the gain at the
 * darker cheek's centre, or null when nothing was done. The quality checks then measure the
 * evened photo; the reviewer checks (ears, hair, mouth: content, tuned on unevened photos) are
 * given the pixels as they were.
 */
export interface LightEvened {
  /** Gain at the darker cheek's centre. */
  gain: number;
  evennessBefore: number;
  /** The pixels before evening (the reviewer checks judge content, not light, on them). */
  original: Uint8Array;
}

export function evenOutLight(img: ImageView, face: FaceMeasure): LightEvened | null {
  const before = exposure(img, face).evenness;
  if (!(before < QUALITY_LIMITS.evennessMin)) return null;
  const profile = lightingProfile(img, face);
  if (profile.edgeStep > LIGHT_EVENING.edgeStepMax || profile.slope === 0) return null;
  const original = Uint8Array.from(img.rgb);
  const fw = face.faceWidth;
  const cx = face.centre[0];
  const slope = LIGHT_EVENING.strength * profile.slope;
  const maxLog = Math.log(LIGHT_EVENING.gainMax);
  const gainAt = (x: number) => {
    // Distance into the darker side, in face widths (0 on the brighter side); the point there
    // and its mirror on the brighter side differ by slope × 2d.
    const d = Math.max(0, -Math.sign(slope) * ((x - cx) / fw));
    return Math.exp(Math.min(maxLog, Math.abs(slope) * 2 * d));
  };
  for (let x = 0; x < img.width; x++) {
    const g = gainAt(x + 0.5);
    if (g === 1) continue;
    for (let y = 0; y < img.height; y++) {
      const i = (y * img.width + x) * 3;
      for (let c = 0; c < 3; c++) img.rgb[i + c] = Math.min(255, Math.round(img.rgb[i + c]! * g));
      img.luma[i / 3] = Math.min(255, img.luma[i / 3]! * g);
    }
  }
  return { gain: Math.round(gainAt(cx - Math.sign(slope) * 0.25 * fw) * 100) / 100, evennessBefore: before, original };
}
