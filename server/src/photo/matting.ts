/**
 * Background replacement with clean edges. The segmentation mask comes from a 256×256 model and is
 * soft and blocky once enlarged; a guided filter (He et al., 2010) steered by the photo itself
 * snaps the transition to the real edges of hair and shoulders. Colour from the old background
 * that bleeds into semi-transparent hair is then replaced by white, not just faded.
 */
import { boxMean, sampleBilinear } from './pixels';

export interface MattingOptions {
  radius: number;
  epsilon: number;
  /** Half-width, px, of the band around the mask's edge in which alpha is re-decided. */
  band: number;
}

const DEFAULTS: MattingOptions = { radius: 4, epsilon: 2e-3, band: 6 };

/**
 * The filters' working arrays, reused from call to call (one engine per thread, and none of them
 * outlives the call that fills it): ≈ 7 MB of short-lived typed arrays per photo otherwise, and
 * their memory counts towards V8's next full collection. Slot k holds one array; `scratch` hands
 * out its first `length` elements, uninitialised (every user writes them all).
 */
const scratchSlots: Float32Array[] = [];

function scratch(slot: number, length: number): Float32Array {
  if ((scratchSlots[slot]?.length ?? 0) < length) scratchSlots[slot] = new Float32Array(length);
  return scratchSlots[slot]!.subarray(0, length);
}

/**
 * Refines a coarse alpha (0..1) against an RGB guide of the same size with the colour guided
 * filter, so an edge between hair and a wall of similar brightness but another colour is found.
 * The filter's coefficients vary smoothly, so they are computed at half resolution and applied
 * to the full-resolution guide (the "fast guided filter", He & Sun 2015): a quarter of the work
 * for the same edges.
 */
export function refineAlpha(rgb: Uint8Array, coarse: Float32Array, width: number, height: number, options = DEFAULTS): Float32Array {
  const { epsilon, band } = options;
  const n = width * height;

  // Only a band around the mask's edge is re-decided; elsewhere the model's answer stands, so a
  // white shirt against a white wall cannot be dissolved by the guide.
  const hard = scratch(0, n);
  for (let i = 0; i < n; i++) hard[i] = coarse[i]! > 0.5 ? 1 : 0;
  const nearEdge = boxMean(hard, width, height, band, scratch(1, n));

  // Slots 2–6: the half-resolution guide and alpha, and each product (consumed by its box mean
  // at once); from 7 on, one slot per box mean and coefficient.
  const low = halve(rgb, coarse, width, height);
  const { w, h } = low;
  const m = w * h;
  const r = Math.max(1, Math.round(options.radius / 2));
  let slot = 7;
  const box = (a: Float32Array) => boxMean(a, w, h, r, scratch(slot++, m));
  const product = (a: Float32Array, b: Float32Array) => {
    const out = scratch(6, m);
    for (let i = 0; i < m; i++) out[i] = a[i]! * b[i]!;
    return out;
  };
  const I = low.channels;
  const meanI = I.map(box);
  const meanP = box(low.alpha);
  const meanIP = I.map((c) => box(product(c, low.alpha)));
  // Covariance of the guide: rr, rg, rb, gg, gb, bb.
  const pairs = [[0, 0], [0, 1], [0, 2], [1, 1], [1, 2], [2, 2]] as const;
  const meanII = pairs.map(([a, b]) => box(product(I[a]!, I[b]!)));

  const A = [scratch(slot++, m), scratch(slot++, m), scratch(slot++, m)];
  const B = scratch(slot++, m);
  for (let i = 0; i < m; i++) {
    const m0 = meanI[0]![i]!;
    const m1 = meanI[1]![i]!;
    const m2 = meanI[2]![i]!;
    const mp = meanP[i]!;
    const c0 = meanIP[0]![i]! - m0 * mp;
    const c1 = meanIP[1]![i]! - m1 * mp;
    const c2 = meanIP[2]![i]! - m2 * mp;
    const s00 = meanII[0]![i]! - m0 * m0 + epsilon;
    const s01 = meanII[1]![i]! - m0 * m1;
    const s02 = meanII[2]![i]! - m0 * m2;
    const s11 = meanII[3]![i]! - m1 * m1 + epsilon;
    const s12 = meanII[4]![i]! - m1 * m2;
    const s22 = meanII[5]![i]! - m2 * m2 + epsilon;
    // Inverse of the symmetric 3×3 covariance (cofactors over the determinant).
    const i00 = s11 * s22 - s12 * s12;
    const i01 = s02 * s12 - s01 * s22;
    const i02 = s01 * s12 - s02 * s11;
    const i11 = s00 * s22 - s02 * s02;
    const i12 = s01 * s02 - s00 * s12;
    const i22 = s00 * s11 - s01 * s01;
    const det = s00 * i00 + s01 * i01 + s02 * i02;
    const a0 = (i00 * c0 + i01 * c1 + i02 * c2) / det;
    const a1 = (i01 * c0 + i11 * c1 + i12 * c2) / det;
    const a2 = (i02 * c0 + i12 * c1 + i22 * c2) / det;
    A[0]![i] = a0;
    A[1]![i] = a1;
    A[2]![i] = a2;
    B[i] = mp - a0 * m0 - a1 * m1 - a2 * m2;
  }
  const meanA = A.map(box);
  const meanB = box(B);

  const alpha = new Float32Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const e = nearEdge[i]!;
      let q = hard[i]!;
      if (e > 0 && e < 1) {
        // Full-resolution centre (x + 0.5) in half-resolution pixels is (x + 0.5) / 2.
        const lx = (x + 0.5) / 2;
        const ly = (y + 0.5) / 2;
        const a0 = sampleBilinear(meanA[0]!, w, h, lx, ly);
        const a1 = sampleBilinear(meanA[1]!, w, h, lx, ly);
        const a2 = sampleBilinear(meanA[2]!, w, h, lx, ly);
        const b = sampleBilinear(meanB, w, h, lx, ly);
        q = (a0 * rgb[i * 3]! + a1 * rgb[i * 3 + 1]! + a2 * rgb[i * 3 + 2]!) / 255 + b;
      }
      // Snap near-certain values so the background is exactly white and the face exactly kept.
      alpha[i] = q <= 0.06 ? 0 : q >= 0.94 ? 1 : q;
    }
  }
  return alpha;
}

/** 2×2 means of the guide's channels (0..1) and of the alpha. */
function halve(rgb: Uint8Array, alpha: Float32Array, width: number, height: number) {
  const w = Math.ceil(width / 2);
  const h = Math.ceil(height / 2);
  const channels = [scratch(2, w * h), scratch(3, w * h), scratch(4, w * h)];
  const low = scratch(5, w * h);
  for (let y = 0; y < h; y++) {
    const row0 = 2 * y * width;
    const row1 = Math.min(height - 1, 2 * y + 1) * width;
    for (let x = 0; x < w; x++) {
      const x0 = 2 * x;
      const x1 = Math.min(width - 1, 2 * x + 1);
      // The 2×2 pixels in the same order as ever (the sums stay bit-identical), without a pair
      // of index arrays per pixel.
      const i0 = row0 + x0;
      const i1 = row0 + x1;
      const i2 = row1 + x0;
      const i3 = row1 + x1;
      const r = 0 + rgb[i0 * 3]! + rgb[i1 * 3]! + rgb[i2 * 3]! + rgb[i3 * 3]!;
      const g = 0 + rgb[i0 * 3 + 1]! + rgb[i1 * 3 + 1]! + rgb[i2 * 3 + 1]! + rgb[i3 * 3 + 1]!;
      const b = 0 + rgb[i0 * 3 + 2]! + rgb[i1 * 3 + 2]! + rgb[i2 * 3 + 2]! + rgb[i3 * 3 + 2]!;
      const a = 0 + alpha[i0]! + alpha[i1]! + alpha[i2]! + alpha[i3]!;
      const o = y * w + x;
      channels[0]![o] = r / 1020;
      channels[1]![o] = g / 1020;
      channels[2]![o] = b / 1020;
      low[o] = a / 4;
    }
  }
  return { w, h, channels, alpha: low };
}

/** Keeps the part of a mask connected to `seed` (the face), dropping people in the background. */
export function keepConnected(mask: Float32Array, size: number, seed: [number, number], threshold = 0.5): void {
  const sx = Math.max(0, Math.min(size - 1, Math.round(seed[0])));
  const sy = Math.max(0, Math.min(size - 1, Math.round(seed[1])));
  const seen = new Uint8Array(size * size);
  if (mask[sy * size + sx]! <= threshold) return;
  // Flood fill with a typed stack (each pixel is pushed at most once) and the four neighbours
  // written out: no array per pixel.
  const stack = new Int32Array(size * size);
  let top = 0;
  stack[top++] = sy * size + sx;
  seen[sy * size + sx] = 1;
  const visit = (j: number) => {
    if (!seen[j] && mask[j]! > threshold) {
      seen[j] = 1;
      stack[top++] = j;
    }
  };
  while (top > 0) {
    const i = stack[--top]!;
    const x = i % size;
    const y = (i - x) / size;
    if (x > 0) visit(i - 1);
    if (x < size - 1) visit(i + 1);
    if (y > 0) visit(i - size);
    if (y < size - 1) visit(i + size);
  }
  // The kept part's soft edge lies just outside it: grow it by two pixels before cutting.
  let keep = seen;
  for (let pass = 0; pass < 2; pass++) {
    const grown = new Uint8Array(keep);
    for (let i = 0; i < size * size; i++) {
      if (keep[i]) continue;
      const x = i % size;
      if ((x > 0 && keep[i - 1]) || (x < size - 1 && keep[i + 1]) || (i >= size && keep[i - size]) || (i + size < size * size && keep[i + size])) grown[i] = 1;
    }
    keep = grown;
  }
  for (let i = 0; i < size * size; i++) if (!keep[i]) mask[i] = 0;
}

/**
 * Composites the photo onto a plain background colour (white unless the certificate and city
 * ask for another). Near the outline each pixel is explained as a mix I = a·F + (1 − a)·B of the
 * local person colour F and old background colour B (Levin et al.'s compositing equation), each
 * estimated from nearly certain pixels within about 12 px on a 4× coarser grid (both vary
 * slowly). Where F and B differ clearly, a pixel close to B gets its alpha capped by its position
 * between them, so a matte overshooting into the background (the guided filter's ramp runs up to
 * ~15 px into a plain wall above dark hair) leaves no rim of the old colour; the old background is
 * then taken out of the pixel before the new colour is blended in.
 */
export function compositeOnBackground(
  rgb: Uint8Array,
  alpha: Float32Array,
  width: number,
  height: number,
  target: readonly [number, number, number] = [255, 255, 255],
): Uint8Array {
  const n = width * height;
  const S = 4;
  const w = Math.ceil(width / S);
  const h = Math.ceil(height / S);
  const radius = Math.round(12 / S);
  // Background per block: weight (1 − a)⁴, so the soft edge itself (a mix) hardly counts.
  const bgWeight = new Float32Array(w * h);
  const bgSum = [new Float32Array(w * h), new Float32Array(w * h), new Float32Array(w * h)] as const;
  accumulateBlocks(rgb, alpha, width, height, S, bgWeight, bgSum, null, null);
  const meanBgW = boxMean(bgWeight, w, h, radius);
  const bgMean = bgSum.map((c) => boxMean(c, w, h, radius));
  // Each block's background colour, for the person-colour weights below (doubles, as divided there).
  const blockBg = new Float64Array(w * h * 3);
  for (let o = 0; o < w * h; o++) {
    const bw = meanBgW[o]!;
    if (!(bw > 1e-4)) continue;
    for (let c = 0; c < 3; c++) blockBg[o * 3 + c] = bgMean[c]![o]! / bw;
  }
  // Person colour per block: weight a⁴, times how unlike the block's background the pixel is, so
  // the background the matte overshot into (alpha 1 but the wall's colour) does not count as hair.
  const fgWeight = new Float32Array(w * h);
  const fgSum = [new Float32Array(w * h), new Float32Array(w * h), new Float32Array(w * h)] as const;
  accumulateBlocks(rgb, alpha, width, height, S, fgWeight, fgSum, meanBgW, blockBg);
  // Twice as far: the hair under a wide overshoot can lie ~20 px inside the matte's edge.
  const meanFgW = boxMean(fgWeight, w, h, 2 * radius);
  const fgMean = fgSum.map((c) => boxMean(c, w, h, 2 * radius));
  const [bgR, bgG, bgB] = bgMean as [Float32Array, Float32Array, Float32Array];
  const [fgR, fgG, fgB] = fgMean as [Float32Array, Float32Array, Float32Array];
  const [t0, t1, t2] = target;

  const out = new Uint8Array(n * 3);
  for (let y = 0; y < height; y++) {
    const blockRow = ((y / S) | 0) * w;
    // The bilinear taps of this row's block-grid position (as pixels.ts sampleBilinear takes them).
    const fy = (y + 0.5) / S - 0.5;
    const rowOutside = fy < -0.5 || fy > h - 0.5;
    const y0 = Math.max(0, Math.min(h - 1, Math.floor(fy)));
    const y1 = Math.min(h - 1, y0 + 1);
    const ty = Math.max(0, Math.min(1, fy - y0));
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const o = i * 3;
      let a = alpha[i]!;
      if (a <= 0) {
        out[o] = t0;
        out[o + 1] = t1;
        out[o + 2] = t2;
        continue;
      }
      // Alpha 1 away from any background (the block's weight, already a 12 px mean): the
      // person, as photographed.
      if (a >= 1 && !(meanBgW[blockRow + ((x / S) | 0)]! > NEAR_BACKGROUND)) {
        out[o] = rgb[o]!;
        out[o + 1] = rgb[o + 1]!;
        out[o + 2] = rgb[o + 2]!;
        continue;
      }
      const fx = (x + 0.5) / S - 0.5;
      const outside = rowOutside || fx < -0.5 || fx > w - 0.5;
      const x0 = Math.max(0, Math.min(w - 1, Math.floor(fx)));
      const x1 = Math.min(w - 1, x0 + 1);
      const tx = Math.max(0, Math.min(1, fx - x0));
      const i00 = y0 * w + x0;
      const i01 = y0 * w + x1;
      const i10 = y1 * w + x0;
      const i11 = y1 * w + x1;
      const bw = (outside ? 0 : bilinearTaps(meanBgW, i00, i01, i10, i11, tx, ty));
      const haveBg = bw > 1e-4;
      const B0 = haveBg ? (outside ? 0 : bilinearTaps(bgR, i00, i01, i10, i11, tx, ty)) / bw : t0;
      const B1 = haveBg ? (outside ? 0 : bilinearTaps(bgG, i00, i01, i10, i11, tx, ty)) / bw : t1;
      const B2 = haveBg ? (outside ? 0 : bilinearTaps(bgB, i00, i01, i10, i11, tx, ty)) / bw : t2;
      const e0 = rgb[o]! - B0;
      const e1 = rgb[o + 1]! - B1;
      const e2 = rgb[o + 2]! - B2;
      // Inside the matte (alpha above ~0.5) only a pixel of the background's own colour (within
      // 12 fully, beyond 24 not at all) is let go — the overshoot: F is pulled towards the skin,
      // so dark hair or a dark earring by a dark wall would otherwise read as a mix and fade.
      const ofWall = Math.min(1, Math.max(0, 2 - Math.sqrt(e0 * e0 + e1 * e1 + e2 * e2) / 12));
      let trust = Math.max(ofWall, Math.min(1, Math.max(0, (0.6 - a) / 0.2)));
      let F0 = 0;
      let F1 = 0;
      let F2 = 0;
      if (trust > 0) {
        const fw = (outside ? 0 : bilinearTaps(meanFgW, i00, i01, i10, i11, tx, ty));
        const haveFg = fw > 1e-4;
        F0 = haveFg ? (outside ? 0 : bilinearTaps(fgR, i00, i01, i10, i11, tx, ty)) / fw : rgb[o]!;
        F1 = haveFg ? (outside ? 0 : bilinearTaps(fgG, i00, i01, i10, i11, tx, ty)) / fw : rgb[o + 1]!;
        F2 = haveFg ? (outside ? 0 : bilinearTaps(fgB, i00, i01, i10, i11, tx, ty)) / fw : rgb[o + 2]!;
        // The pixel's position on the line from B to F, trusted as far as F and B differ (RGB
        // distance 30 → not at all, 90 → fully: a blond strand on a light wall keeps the matte's
        // alpha) and as far as the pixel lies on that line (within 15 fully, beyond 30 not at
        // all: skin, or a pale earring in the soft edge, is no mix of the two).
        const d0 = F0 - B0;
        const d1 = F1 - B1;
        const d2 = F2 - B2;
        const dd = d0 * d0 + d1 * d1 + d2 * d2;
        trust *= Math.min(1, Math.max(0, (Math.sqrt(dd) - 30) / 60));
        if (trust > 0) {
          const ac = (e0 * d0 + e1 * d1 + e2 * d2) / dd;
          const f0 = e0 - ac * d0;
          const f1 = e1 - ac * d1;
          const f2 = e2 - ac * d2;
          trust *= Math.min(1, Math.max(0, 2 - Math.sqrt(f0 * f0 + f1 * f1 + f2 * f2) / 15));
          // Only tightening: the colour never adds to what the matte kept.
          const cap = Math.max(0, ac);
          if (cap < a) a -= trust * (a - cap);
        }
      }
      if (a >= 1) {
        out[o] = rgb[o]!;
        out[o + 1] = rgb[o + 1]!;
        out[o + 2] = rgb[o + 2]!;
        continue;
      }
      // The pixel's own foreground colour is noisy where alpha is small (an error in B or alpha
      // is divided by it: a blue wall leaves brown hair beige), so a pixel explained as a mix of
      // F and B leans on F; one off that line (a thin earring) keeps its own colour.
      const lean = (1 - a) * trust;
      const div = Math.max(a, 0.05);
      const own0 = Math.max(0, Math.min(255, (rgb[o]! - (1 - a) * B0) / div));
      const own1 = Math.max(0, Math.min(255, (rgb[o + 1]! - (1 - a) * B1) / div));
      const own2 = Math.max(0, Math.min(255, (rgb[o + 2]! - (1 - a) * B2) / div));
      out[o] = Math.round(a * (own0 + (F0 - own0) * lean) + (1 - a) * t0);
      out[o + 1] = Math.round(a * (own1 + (F1 - own1) * lean) + (1 - a) * t1);
      out[o + 2] = Math.round(a * (own2 + (F2 - own2) * lean) + (1 - a) * t2);
    }
  }
  return out;
}

/** sampleBilinear's arithmetic with its four taps and weights worked out once for several maps. */
function bilinearTaps(map: Float32Array, i00: number, i01: number, i10: number, i11: number, tx: number, ty: number): number {
  const a = map[i00]! * (1 - tx) + map[i01]! * tx;
  const b = map[i10]! * (1 - tx) + map[i11]! * tx;
  return a * (1 - ty) + b * ty;
}

/**
 * Sums colour per 4×4 block, weighted per pixel: without `blockBg` by (1 − a)⁴ (the background),
 * with it by a⁴ times how unlike the block's background colour the pixel is (the person).
 */
function accumulateBlocks(
  rgb: Uint8Array,
  alpha: Float32Array,
  width: number,
  height: number,
  S: number,
  weight: Float32Array,
  [sumR, sumG, sumB]: readonly [Float32Array, Float32Array, Float32Array],
  meanBgW: Float32Array | null,
  blockBg: Float64Array | null,
): void {
  const w = Math.ceil(width / S);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / S) * w;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const ai = alpha[i]!;
      let wt: number;
      const o = row + ((x / S) | 0);
      if (!blockBg || !meanBgW) {
        const u = (1 - ai) * (1 - ai);
        wt = u * u;
        if (wt === 0) continue;
      } else {
        const a2 = ai * ai;
        if (a2 === 0) continue;
        let unlike = 1;
        if (meanBgW[o]! > 1e-4) {
          const dr = rgb[i * 3]! - blockBg[o * 3]!;
          const dg = rgb[i * 3 + 1]! - blockBg[o * 3 + 1]!;
          const db = rgb[i * 3 + 2]! - blockBg[o * 3 + 2]!;
          unlike = Math.min(1, (dr * dr + dg * dg + db * db) / (UNLIKE_BACKGROUND * UNLIKE_BACKGROUND));
        }
        wt = a2 * a2 * unlike;
      }
      weight[o] += wt;
      sumR[o] += rgb[i * 3]! * wt;
      sumG[o] += rgb[i * 3 + 1]! * wt;
      sumB[o] += rgb[i * 3 + 2]! * wt;
    }
  }
}

/** RGB distance from the local background at which a pixel fully counts towards the person colour. */
const UNLIKE_BACKGROUND = 60;
/** Mean background weight around a pixel (alpha 1) above which its colour is still checked. */
const NEAR_BACKGROUND = 0.02;

/**
 * Halo check's limit: mean RGB distance from the target colour in the 3 px band just outside the
 * matte. Fine hair that belongs in the photo also lies there, so the limit is set above what
 * clean edges and soft hair read on the fixture portraits (docs/photo-engine.md, "Hair-edge halo").
 */
export const EDGE_HALO_MAX = 50;

/**
 * Halo at the outline: the mean distance (RGB, 0–441) from the target background colour of the
 * pixels in a band `band` px wide just outside the person (alpha < 0.5 within that distance of
 * alpha ≥ 0.5), over the part above the shoulders (the hair outline; the top 70 % of the photo).
 * Old-background colour left in the hair's edge (a grey or green rim) raises it.
 */
export function edgeHalo(photo: Uint8Array, alpha: Float32Array, width: number, height: number, target: readonly [number, number, number], band = 3): number {
  const inside = scratch(0, width * height);
  for (let i = 0; i < inside.length; i++) inside[i] = alpha[i]! >= 0.5 ? 1 : 0;
  // A pixel is within `band` px of the person when the box mean of `inside` around it is > 0.
  const near = boxMean(inside, width, height, band, scratch(1, width * height));
  const rows = Math.round(height * 0.7);
  let sum = 0;
  let n = 0;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (inside[i] || near[i]! <= 0) continue;
      const o = i * 3;
      sum += Math.hypot(photo[o]! - target[0], photo[o + 1]! - target[1], photo[o + 2]! - target[2]);
      n++;
    }
  }
  return n ? sum / n : 0;
}
