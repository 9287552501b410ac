/**
 * What a reviewer rejects by eye, flagged on the finished photo before review: an open mouth
 * showing teeth, drop earrings, hair over the ears, eyebrows or shoulders, and a patch of the old
 * backdrop the matting kept. The source articles' rule: 表情自然,露出五官,头发不能遮挡耳朵、眉毛、
 * 肩膀,不能佩戴耳环、项链、帽子、发卡等饰品.
 *
 * Everything is measured on the output (≈ 200 px face width, the same scale for every input):
 * its RGB before and after the white composite, the person alpha on the output and the face mesh
 * carried onto it. Pixels are classed against two references taken from the same photo — skin
 * from the cheeks, hair from the top of the head — so one threshold fits every skin tone and hair
 * colour. Each result carries the measured value, the limit and the box a reviewer should look at.
 * Thresholds and their calibration: docs/reviewer-checks.md.
 */
import { CHECK_CODES, type CheckCode } from '../../../shared/check-codes';
import type { CheckResult, PhotoRegion } from '../../../shared/photo-report';
import type { FaceMeasure, Point } from './landmarks';

export const REVIEWER_LIMITS = {
  /** Inner-lip gap over mouth width above which the mouth is open whatever shows. */
  lipGapMax: 0.15,
  /** From this lip gap on, teeth showing over `teethMax` of the inner-lip area count as open. */
  teethLipGapMin: 0.1,
  /** Share of the inner-lip area that is teeth (bright, colourless). */
  teethMax: 0.3,
  /** Largest free-standing accessory blob below an ear, in (face width)² / 1000. */
  earringAreaMax: 0.6,
  /** Least mean local contrast (luma, camera image) of an earring blob: jewels have sharp detail. */
  earringDetailMin: 10,
  /** Share of the box beside an ear that is neither skin nor background (i.e. hair). */
  earCoveredMax: 0.7,
  /** Skin share of the band over the brows, on the better side; bangs leave none on either. */
  browSkinMin: 0.3,
  /**
   * Share of hair beside the jaw, above the shoulders — the lesser of the box there and the strip
   * above it, beside the cheek (hair on the shoulders hangs from the head; a collar does not).
   */
  shoulderHairMax: 0.55,
  /** Largest leftover-backdrop patch beside the head, in (face width)² / 1000. */
  leftoverAreaMax: 3,
} as const;
const L = REVIEWER_LIMITS;

export interface ReviewerView {
  /** Rendered output before the white composite (the old background still there), RGB. */
  rgb: Uint8Array;
  /** The finished photo on white, RGB. */
  photo: Uint8Array;
  /** Person alpha on the output, 0..1. */
  alpha: Float32Array;
  width: number;
  height: number;
  /** The 468-point face mesh carried onto the output. */
  mesh: readonly Point[];
  face: FaceMeasure;
}

/** MediaPipe FaceMesh inner-lip contour, from mouth corner to corner, upper then lower. */
const INNER_LIPS = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95];

type Box = { x0: number; y0: number; x1: number; y1: number };

function clampBox(b: Box, w: number, h: number): Box {
  return {
    x0: Math.max(0, Math.min(w, Math.floor(b.x0))),
    y0: Math.max(0, Math.min(h, Math.floor(b.y0))),
    x1: Math.max(0, Math.min(w, Math.ceil(b.x1))),
    y1: Math.max(0, Math.min(h, Math.ceil(b.y1))),
  };
}

function regionOf(b: Box, w: number, h: number): PhotoRegion {
  const c = clampBox(b, w, h);
  return { x: c.x0, y: c.y0, width: c.x1 - c.x0, height: c.y1 - c.y0 };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** A colour reference: median RGB and its chromaticity. */
interface Ref {
  rgb: [number, number, number];
  luma: number;
  redness: number;
  blueness: number;
  /** Unit vector from this colour's (redness, blueness) towards neutral grey (0, 1/3). */
  towardsGrey: [number, number];
}

function refOf(img: ReviewerView, box: Box, minAlpha: number): Ref | null {
  const b = clampBox(box, img.width, img.height);
  // Medians of 0–255 values from per-channel histograms: the same element the sort picked.
  const hist = new Uint32Array(768);
  const { photo, alpha } = img;
  let n = 0;
  for (let y = b.y0; y < b.y1; y++) {
    for (let x = b.x0, i = y * img.width + b.x0; x < b.x1; x++, i++) {
      if (alpha[i]! < minAlpha) continue;
      hist[photo[i * 3]!]!++;
      hist[256 + photo[i * 3 + 1]!]!++;
      hist[512 + photo[i * 3 + 2]!]!++;
      n++;
    }
  }
  if (n < 20) return null;
  const want = Math.floor(n / 2);
  const rgb: [number, number, number] = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    let seen = 0;
    let v = 0;
    while (v < 255 && (seen += hist[c * 256 + v]!) <= want) v++;
    rgb[c] = v;
  }
  return colourRef(rgb);
}

function colourRef(rgb: [number, number, number]): Ref {
  const s = Math.max(1, rgb[0] + rgb[1] + rgb[2]);
  const redness = (rgb[0] - rgb[1]) / s;
  const blueness = rgb[2] / s;
  const len = Math.max(1e-6, Math.hypot(redness, 1 / 3 - blueness));
  return { rgb, luma: lumaOf(...rgb), redness, blueness, towardsGrey: [-redness / len, (1 / 3 - blueness) / len] };
}

function lumaOf(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}


/**
 * Skin like the cheeks: brightness within shading range, and chromaticity (redness r − g,
 * blueness b) near the cheeks'. Light and shade move skin along the line towards neutral grey
 * (a highlight is less red and more blue), so that direction gets a wide tolerance; across it the
 * tolerance is narrow — blond hair is yellower (less blue) than skin of any tone.
 */
function isSkin(skin: Ref, r: number, g: number, b: number): boolean {
  const ratio = lumaOf(r, g, b) / Math.max(1, skin.luma);
  if (ratio < 0.45 || ratio > 1.45) return false;
  const s = Math.max(1, r + g + b);
  const dRed = (r - g) / s - skin.redness;
  const dBlue = b / s - skin.blueness;
  // Indexed, not destructured (see insidePolygon): this runs per pixel.
  const ux = skin.towardsGrey[0];
  const uy = skin.towardsGrey[1];
  const along = dRed * ux + dBlue * uy;
  const across = -dRed * uy + dBlue * ux;
  return (along / 0.06) ** 2 + (across / 0.03) ** 2 < 1;
}

/**
 * Hair like the top of the head: chromaticity near it and brightness from its shadows to its
 * highlights (hair spans a wide range of brightness); very dark pixels count as dark hair.
 */
function isHair(hairs: readonly Ref[], r: number, g: number, b: number): boolean {
  // An index loop: `for…of` allocates an iterator per call wherever V8 does not optimise it away.
  for (let k = 0; k < hairs.length; k++) if (likeHair(hairs[k]!, r, g, b)) return true;
  return false;
}

function likeHair(hair: Ref, r: number, g: number, b: number): boolean {
  const luma = lumaOf(r, g, b);
  if (hair.luma < 110 && luma < Math.max(45, hair.luma * 0.8) && Math.max(r, g, b) - Math.min(r, g, b) < 40) return true;
  if (luma < hair.luma * 0.4 || luma > hair.luma * 2.2 + 20) return false;
  const s = Math.max(1, r + g + b);
  return Math.hypot((r - g) / s - hair.redness, b / s - hair.blueness) < 0.06;
}

/** Class of each pixel in a box: 0 background, 1 skin, 2 hair, 3 other person. */
function classify(img: ReviewerView, box: Box, skin: Ref, hairs: readonly Ref[]): { b: Box; cls: Uint8Array; counts: number[] } {
  const b = clampBox(box, img.width, img.height);
  const w = b.x1 - b.x0;
  const cls = new Uint8Array(Math.max(0, w * (b.y1 - b.y0)));
  const counts = [0, 0, 0, 0];
  for (let y = b.y0; y < b.y1; y++) {
    for (let x = b.x0; x < b.x1; x++) {
      const i = y * img.width + x;
      const r = img.photo[i * 3]!;
      const g = img.photo[i * 3 + 1]!;
      const bl = img.photo[i * 3 + 2]!;
      let c = 0;
      if (img.alpha[i]! >= 0.5) c = isSkin(skin, r, g, bl) ? 1 : isHair(hairs, r, g, bl) ? 2 : 3;
      cls[(y - b.y0) * w + (x - b.x0)] = c;
      counts[c]!++;
    }
  }
  return { b, cls, counts };
}

interface Blob {
  area: number;
  box: Box;
  /** Indices of its pixels in the grid. */
  pixels: number[];
}

/** The 4-connected components of `on` pixels in a w×h grid, largest first. */
function blobsOf(on: Uint8Array, w: number, h: number): Blob[] {
  const seen = new Uint8Array(on.length);
  const stack: number[] = [];
  const blobs: Blob[] = [];
  for (let start = 0; start < on.length; start++) {
    if (!on[start] || seen[start]) continue;
    seen[start] = 1;
    stack.push(start);
    const pixels: number[] = [];
    let x0 = w;
    let y0 = h;
    let x1 = 0;
    let y1 = 0;
    while (stack.length) {
      const p = stack.pop()!;
      const x = p % w;
      const y = (p - x) / w;
      pixels.push(p);
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      // The four neighbours, in the same order as before (left, right, up, down); no per-pixel
      // array, which made this loop the engine's main source of garbage.
      if (x > 0 && on[p - 1] && !seen[p - 1]) {
        seen[p - 1] = 1;
        stack.push(p - 1);
      }
      if (x < w - 1 && on[p + 1] && !seen[p + 1]) {
        seen[p + 1] = 1;
        stack.push(p + 1);
      }
      if (y > 0 && on[p - w] && !seen[p - w]) {
        seen[p - w] = 1;
        stack.push(p - w);
      }
      if (y < h - 1 && on[p + w] && !seen[p + w]) {
        seen[p + w] = 1;
        stack.push(p + w);
      }
    }
    blobs.push({ area: pixels.length, box: { x0, y0, x1: x1 + 1, y1: y1 + 1 }, pixels });
  }
  return blobs.sort((p, q) => q.area - p.area);
}

/** Largest 4-connected component of `on` pixels in a w×h grid: its area and bounding box. */
function largestBlob(on: Uint8Array, w: number, h: number): { area: number; box: Box } {
  return blobsOf(on, w, h)[0] ?? { area: 0, box: { x0: 0, y0: 0, x1: 0, y1: 0 } };
}

function insidePolygon(poly: readonly Point[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    // Indexed, not destructured: array destructuring runs the iterator protocol when V8 does not
    // inline this function, and this runs for every pixel of the mouth box.
    const pi = poly[i]!;
    const pj = poly[j]!;
    const xi = pi[0];
    const yi = pi[1];
    const xj = pj[0];
    const yj = pj[1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Mean local contrast of a set of pixels in the camera image (before the composite): each pixel's
 * luma against the mean of its 3×3 neighbourhood. `pixels` index a w-wide grid placed at `b`.
 */
function detailOf(img: ReviewerView, b: Box, w: number, pixels: readonly number[]): number {
  let sum = 0;
  for (const p of pixels) {
    const x = b.x0 + (p % w);
    const y = b.y0 + Math.floor(p / w);
    let mean = 0;
    let n = 0;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const X = x + dx;
        const Y = y + dy;
        if (X < 0 || Y < 0 || X >= img.width || Y >= img.height) continue;
        const j = (Y * img.width + X) * 3;
        mean += lumaOf(img.rgb[j]!, img.rgb[j + 1]!, img.rgb[j + 2]!);
        n++;
      }
    }
    const j = (y * img.width + x) * 3;
    sum += Math.abs(lumaOf(img.rgb[j]!, img.rgb[j + 1]!, img.rgb[j + 2]!) - mean / n);
  }
  return pixels.length ? sum / pixels.length : 0;
}

export interface ReviewerMeasures {
  lipGap: number;
  teeth: number;
  mouth: Box;
  earHair: [number, number];
  ears: [Box, Box];
  browSkin: [number, number];
  brows: [Box, Box];
  shoulderHair: [number, number];
  shoulders: [Box, Box];
  earring: [number, number];
  earringBoxes: [Box, Box];
  leftover: number;
  leftoverBox: Box;
}

/** Every measurement, unjudged (the calibration script prints these). */
export function measureReviewerRules(img: ReviewerView): ReviewerMeasures {
  const f = img.face;
  const fw = f.faceWidth;
  const [, ey] = f.eyeMid;
  const cx = f.centre[0];
  const { width: W, height: H } = img;

  // References: skin from both cheeks, hair from the top of the head (null when that is skin or
  // nothing: a bald head or a crown trimmed off).
  const cheekBox = (side: -1 | 1): Box => ({ x0: cx + side * 0.38 * fw - 0.08 * fw, x1: cx + side * 0.38 * fw + 0.08 * fw, y0: ey + 0.15 * fw, y1: ey + 0.35 * fw });
  const skin =
    refOf(img, { x0: cheekBox(-1).x0, x1: cheekBox(1).x1, y0: ey + 0.15 * fw, y1: ey + 0.35 * fw }, 0.9) ??
    colourRef([200, 160, 140]);
  // Hair from the crown and both temples: dark roots, blond lengths and grey sides all count.
  const hairs = [
    { x0: cx - 0.25 * fw, x1: cx + 0.25 * fw, y0: ey - 0.95 * fw, y1: ey - 0.7 * fw },
    { x0: cx - 0.62 * fw, x1: cx - 0.45 * fw, y0: ey - 0.55 * fw, y1: ey - 0.3 * fw },
    { x0: cx + 0.45 * fw, x1: cx + 0.62 * fw, y0: ey - 0.55 * fw, y1: ey - 0.3 * fw },
  ]
    .map((box) => refOf(img, box, 0.8))
    .filter((ref): ref is Ref => ref !== null && !isSkin(skin, ...ref.rgb));

  // Mouth: lip gap from the mesh, and teeth — bright, colourless pixels inside the inner lips.
  const lips = INNER_LIPS.map((i) => img.mesh[i]!);
  const mouthWidth = Math.max(1e-6, Math.hypot(img.mesh[308]![0] - img.mesh[78]![0], img.mesh[308]![1] - img.mesh[78]![1]));
  const lipGap = Math.hypot(img.mesh[14]![0] - img.mesh[13]![0], img.mesh[14]![1] - img.mesh[13]![1]) / mouthWidth;
  const mouth: Box = {
    x0: Math.min(...lips.map((p) => p[0])),
    x1: Math.max(...lips.map((p) => p[0])),
    y0: Math.min(...lips.map((p) => p[1])),
    y1: Math.max(...lips.map((p) => p[1])),
  };
  let teethPx = 0;
  let lipPx = 0;
  const mb = clampBox(mouth, W, H);
  for (let y = mb.y0; y < mb.y1; y++) {
    for (let x = mb.x0; x < mb.x1; x++) {
      if (!insidePolygon(lips, x + 0.5, y + 0.5)) continue;
      lipPx++;
      const i = (y * W + x) * 3;
      const r = img.photo[i]!;
      const g = img.photo[i + 1]!;
      const b = img.photo[i + 2]!;
      const luma = lumaOf(r, g, b);
      // Teeth: brighter than the cheeks' shading would make skin, and nearly colourless.
      if (luma > skin.luma * 0.75 && Math.max(r, g, b) - Math.min(r, g, b) < 0.28 * Math.max(r, g, b)) teethPx++;
    }
  }
  const teeth = lipPx > 0 ? teethPx / lipPx : 0;

  // Ears: beside the cheek line at ear-attachment level, from brow to nose base.
  const earBox = (side: -1 | 1): Box => {
    const edge = side < 0 ? f.cheekLeft[0] : f.cheekRight[0];
    const outer = edge + side * 0.2 * fw;
    return { x0: Math.min(edge, outer), x1: Math.max(edge, outer), y0: ey - 0.05 * fw, y1: f.noseTip[1] + 0.05 * fw };
  };
  const ears: [Box, Box] = [earBox(-1), earBox(1)];
  const earHair = ears.map((box) => {
    const { counts } = classify(img, box, skin, hairs);
    // A visible ear shows as skin, or as background just beyond it; hair over the ear leaves
    // neither: the box is all hair (or hair the references miss).
    const total = Math.max(1, counts[0]! + counts[1]! + counts[2]! + counts[3]!);
    return (counts[2]! + counts[3]!) / total;
  }) as [number, number];

  // Eyebrows: the band just above each brow should be forehead skin.
  const browBox = (ids: readonly number[]): Box => {
    const pts = ids.map((i) => img.mesh[i]!);
    const top = Math.min(...pts.map((p) => p[1]));
    return { x0: Math.min(...pts.map((p) => p[0])), x1: Math.max(...pts.map((p) => p[0])), y0: top - 0.2 * fw, y1: top - 0.02 * fw };
  };
  const brows: [Box, Box] = [browBox([70, 63, 105, 66, 107]), browBox([300, 293, 334, 296, 336])];
  if (brows[0].x0 > brows[1].x0) brows.reverse();
  const browSkin = brows.map((box) => {
    const { counts } = classify(img, box, skin, hairs);
    const total = counts.reduce((a, b) => a + b, 0);
    return total ? counts[1]! / total : 1;
  }) as [number, number];

  // Shoulders: beside the jaw from the chin down, outside the neck — hair here hangs down.
  const shoulderBox = (side: -1 | 1): Box => {
    const inner = cx + side * 0.45 * fw;
    const outer = cx + side * 0.7 * fw;
    return { x0: Math.min(inner, outer), x1: Math.max(inner, outer), y0: f.chin[1] - 0.2 * fw, y1: f.chin[1] + 0.05 * fw };
  };
  const shoulders: [Box, Box] = [shoulderBox(-1), shoulderBox(1)];
  const hairShare = (box: Box): number => {
    const { counts } = classify(img, box, skin, hairs);
    const total = counts.reduce((a, b) => a + b, 0);
    return total ? counts[2]! / total : 0;
  };
  const beside = shoulders.map(hairShare);
  // Hair that reaches the shoulders hangs from the head: the strip above the box, beside the
  // cheek from the nose base down, is hair too. A dark collar or jacket, or a dark backdrop the
  // matting kept, comes up from below with background or skin above it.
  const bridges = shoulders.map((box) => ({ ...box, y0: f.noseTip[1], y1: box.y0 })) as [Box, Box];
  const shoulderBridge = bridges.map(hairShare) as [number, number];
  const shoulderHair = [0, 1].map((k) => Math.min(beside[k]!, shoulderBridge[k]!)) as [number, number];

  // Earrings: below the ear lobe, beside the jaw — a compact blob that is neither skin, hair nor
  // background, shiny or coloured like metal and stones, and free-standing (touching the box's
  // sides or bottom means a collar, a strand of hair or clothing).
  const earringBox = (side: -1 | 1): Box => {
    const edge = side < 0 ? f.cheekLeft[0] : f.cheekRight[0];
    const out = 0.12 * fw;
    const inn = 0.05 * fw;
    return { x0: side < 0 ? edge - out : edge - inn, x1: side < 0 ? edge + inn : edge + out, y0: f.noseTip[1], y1: f.chin[1] - 0.05 * fw };
  };
  const earringBoxes: [Box, Box] = [earringBox(-1), earringBox(1)];
  const unit = (fw * fw) / 1000;
  const earring = earringBoxes.map((box, k) => {
    const b = clampBox(box, W, H);
    const w = b.x1 - b.x0;
    const h = b.y1 - b.y0;
    const on = new Uint8Array(Math.max(0, w * h));
    for (let y = b.y0; y < b.y1; y++) {
      for (let x = b.x0; x < b.x1; x++) {
        const i = (y * W + x) * 3;
        const r = img.photo[i]!;
        const g = img.photo[i + 1]!;
        const bl = img.photo[i + 2]!;
        // What the photo shows, whatever the mask says: the matting often keeps a thin jewel
        // only half-opaque, and the reviewer sees it anyway.
        if (Math.min(r, g, bl) > 215 || isSkin(skin, r, g, bl) || isHair(hairs, r, g, bl)) continue;
        const luma = lumaOf(r, g, bl);
        const sat = (Math.max(r, g, bl) - Math.min(r, g, bl)) / Math.max(1, Math.max(r, g, bl));
        // Shiny (brighter than the skin), or strongly coloured and not in shadow: metal, stones,
        // enamel. Very dark pixels beside the jaw are shadow, a dark strand or clothing, and a
        // colour read on them is noise.
        if (!(luma > skin.luma * 1.05 || (sat > 0.55 && luma >= skin.luma * 0.35))) continue;
        on[(y - b.y0) * w + (x - b.x0)] = 1;
      }
    }
    // The largest free-standing blob with a jewel's sharp detail (facets, rim, highlights): the
    // soft edge of the face or hair that the white composite lightened is smooth, so is a collar.
    const blob = blobsOf(on, w, h).find((c) => {
      const touches = c.box.x0 === 0 || c.box.x1 === w || c.box.y0 === 0 || c.box.y1 === h;
      return !touches && c.area >= 0.3 * unit && detailOf(img, b, w, c.pixels) >= L.earringDetailMin;
    });
    const found = blob ? blob.area / unit : 0;
    if (blob) earringBoxes[k] = { x0: b.x0 + blob.box.x0 - 3, x1: b.x0 + blob.box.x1 + 3, y0: b.y0 + blob.box.y0 - 3, y1: b.y0 + blob.box.y1 + 3 };
    return found;
  }) as [number, number];

  const { leftover, leftoverBox } = leftoverBackdrop(img, skin, hairs, unit);

  return { lipGap, teeth, mouth, earHair, ears, browSkin, brows, shoulderHair, shoulders, earring, earringBoxes, leftover, leftoverBox };
}

/**
 * Leftover backdrop (see measureReviewerRules). Its own function: inside the long measuring
 * function V8 left these per-pixel loops unoptimised (≈ 25 ms a photo instead of ≈ 2).
 */
function leftoverBackdrop(img: ReviewerView, skin: Ref, hairs: readonly Ref[], unit: number): { leftover: number; leftoverBox: Box } {
  const f = img.face;
  const fw = f.faceWidth;
  const ey = f.eyeMid[1];
  const cx = f.centre[0];
  const { width: W, height: H } = img;
  // Leftover backdrop: beside and above the head, down to the chin, pixels the matting kept as
  // person whose colour before the composite is the old backdrop's colour there (estimated from
  // the pixels it did remove nearby) and that are neither skin nor hair.
  const zone = clampBox({ x0: cx - 1.2 * fw, x1: cx + 1.2 * fw, y0: 0, y1: f.chin[1] + 0.05 * fw }, W, H);
  const zw = zone.x1 - zone.x0;
  const zh = zone.y1 - zone.y0;
  const cell = 12;
  const gw = Math.ceil(W / cell);
  const gh = Math.ceil(H / cell);
  const bgSum = new Float64Array(gw * gh * 3);
  const bgN = new Uint32Array(gw * gh);
  for (let y = zone.y0; y < zone.y1; y++) {
    for (let x = zone.x0; x < zone.x1; x++) {
      const i = y * W + x;
      if (img.alpha[i]! > 0.05) continue;
      const g = Math.floor(y / cell) * gw + Math.floor(x / cell);
      bgN[g]!++;
      bgSum[g * 3]! += img.rgb[i * 3]!;
      bgSum[g * 3 + 1]! += img.rgb[i * 3 + 1]!;
      bgSum[g * 3 + 2]! += img.rgb[i * 3 + 2]!;
    }
  }
  // The backdrop colour around each cell: the removed pixels of the 5×5 cells around it.
  const local = new Float32Array(gw * gh * 3).fill(Number.NaN);
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      let n = 0;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let Y = Math.max(0, gy - 2); Y <= Math.min(gh - 1, gy + 2); Y++) {
        for (let X = Math.max(0, gx - 2); X <= Math.min(gw - 1, gx + 2); X++) {
          const k = Y * gw + X;
          n += bgN[k]!;
          r += bgSum[k * 3]!;
          g += bgSum[k * 3 + 1]!;
          b += bgSum[k * 3 + 2]!;
        }
      }
      if (n < 8) continue;
      const k = (gy * gw + gx) * 3;
      local[k] = r / n;
      local[k + 1] = g / n;
      local[k + 2] = b / n;
    }
  }
  const on = new Uint8Array(zw * zh);
  for (let y = zone.y0; y < zone.y1; y++) {
    for (let x = zone.x0; x < zone.x1; x++) {
      const i = y * W + x;
      if (img.alpha[i]! < 0.5) continue;
      // The face itself is not where backdrop is left.
      if (Math.abs(x - cx) < 0.5 * fw && y > ey - 0.45 * fw) continue;
      const k = (Math.floor(y / cell) * gw + Math.floor(x / cell)) * 3;
      const br = local[k]!;
      const r = img.rgb[i * 3]!;
      const g = img.rgb[i * 3 + 1]!;
      const b = img.rgb[i * 3 + 2]!;
      if (Number.isNaN(br) || Math.abs(r - br) + Math.abs(g - local[k + 1]!) + Math.abs(b - local[k + 2]!) > 36) continue;
      const pr = img.photo[i * 3]!;
      const pg = img.photo[i * 3 + 1]!;
      const pb = img.photo[i * 3 + 2]!;
      if (Math.min(pr, pg, pb) > 235 || isSkin(skin, pr, pg, pb) || isHair(hairs, pr, pg, pb)) continue;
      on[(y - zone.y0) * zw + (x - zone.x0)] = 1;
    }
  }
  const patch = largestBlob(on, zw, zh);
  const leftover = patch.area / unit;
  const leftoverBox: Box = patch.area
    ? { x0: zone.x0 + patch.box.x0, x1: zone.x0 + patch.box.x1, y0: zone.y0 + patch.box.y0, y1: zone.y0 + patch.box.y1 }
    : zone;
  return { leftover, leftoverBox };
}

function result(code: CheckCode, pass: boolean, value: number, limit: string, box: Box, img: ReviewerView): CheckResult {
  const info = CHECK_CODES[code];
  return { code, pass, severity: info.severity, message: info.message, value: round3(value), limit, region: regionOf(box, img.width, img.height) };
}

/** The reviewer-rule checks on a finished photo, each with its value, limit and region. */
export function reviewerChecks(img: ReviewerView): CheckResult[] {
  const m = measureReviewerRules(img);
  const worst = (v: readonly [number, number], higherIsWorse: boolean): 0 | 1 => ((higherIsWorse ? v[0] >= v[1] : v[0] <= v[1]) ? 0 : 1);
  const ear = worst(m.earHair, true);
  const shoulder = worst(m.shoulderHair, true);
  const ring = worst(m.earring, true);
  // Bangs cover both brows: the better side decides; the box drawn is the worse one.
  const browBest = Math.max(...m.browSkin);
  const brow = worst(m.browSkin, false);
  const open = m.lipGap > L.lipGapMax || (m.lipGap >= L.teethLipGapMin && m.teeth > L.teethMax);
  return [
    result('MOUTH_OPEN', !open, m.lipGap, `唇间距/嘴宽 ≤ ${L.lipGapMax}(≥ ${L.teethLipGapMin} 时露齿 ≤ ${Math.round(L.teethMax * 100)}%,实测 ${Math.round(m.teeth * 100)}%)`, m.mouth, img),
    result('EARRINGS', m.earring[ring] <= L.earringAreaMax, m.earring[ring], `饰物面积 ≤ ${L.earringAreaMax}`, m.earringBoxes[ring], img),
    result('HAIR_OVER_EARS', m.earHair[ear] <= L.earCoveredMax, m.earHair[ear], `耳部被头发覆盖 ≤ ${Math.round(L.earCoveredMax * 100)}%`, m.ears[ear], img),
    result('HAIR_OVER_EYEBROWS', browBest >= L.browSkinMin, browBest, `眉上皮肤 ≥ ${Math.round(L.browSkinMin * 100)}%`, m.brows[brow], img),
    result('HAIR_OVER_SHOULDERS', m.shoulderHair[shoulder] <= L.shoulderHairMax, m.shoulderHair[shoulder], `颈侧及上方脸侧头发 ≤ ${Math.round(L.shoulderHairMax * 100)}%`, m.shoulders[shoulder], img),
    result('LEFTOVER_BACKGROUND', m.leftover <= L.leftoverAreaMax, m.leftover, `残留面积 ≤ ${L.leftoverAreaMax}`, m.leftoverBox, img),
  ];
}
