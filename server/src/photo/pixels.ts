/**
 * Small pixel kernels in plain TypeScript on typed arrays (the photos here are ~0.15 MP, so these
 * run in milliseconds): resampling, box filters, luminance.
 */
import type { RawImage } from '../repositories/media.repository';

/** An affine map (x, y) → (a·x + b·y + c, d·x + e·y + f). */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

export function applyAffine(m: Affine, x: number, y: number): [number, number] {
  return [m.a * x + m.b * y + m.c, m.d * x + m.e * y + m.f];
}

/** `outer` after `inner`. */
export function composeAffine(outer: Affine, inner: Affine): Affine {
  return {
    a: outer.a * inner.a + outer.b * inner.d,
    b: outer.a * inner.b + outer.b * inner.e,
    c: outer.a * inner.c + outer.b * inner.f + outer.c,
    d: outer.d * inner.a + outer.e * inner.d,
    e: outer.d * inner.b + outer.e * inner.e,
    f: outer.d * inner.c + outer.e * inner.f + outer.f,
  };
}

/**
 * Resamples an RGB image through an inverse mapping (output position → source position) with
 * bicubic interpolation; positions outside the source read as `fill`.
 *
 * Written out tap by tap with the weights in locals (no per-pixel calls or weight arrays): this
 * is the engine's hottest loop (16 taps × 3 channels × ~160 000 output pixels). The sums run in
 * the same order as the straightforward nested loops, so the result is bit-identical to them.
 */
export function warpRgb(src: RawImage, outWidth: number, outHeight: number, inverse: Affine, fill: readonly [number, number, number] = [255, 255, 255]): Uint8Array {
  const out = new Uint8Array(outWidth * outHeight * 3);
  const { data, width, height, channels } = src;
  const { a, b, c, d, e, f } = inverse;
  const fill0 = fill[0];
  const fill1 = fill[1];
  const fill2 = fill[2];
  // Column offsets of the 4 taps (clamped at the border), reused for each of the 4 rows.
  const cols = new Int32Array(4);
  const rows = new Int32Array(4);
  let o = 0;
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++, o += 3) {
      // Pixel centres on both sides.
      const fx = a * (x + 0.5) + b * (y + 0.5) + c - 0.5;
      const fy = d * (x + 0.5) + e * (y + 0.5) + f - 0.5;
      if (fx < -1 || fy < -1 || fx > width || fy > height) {
        out[o] = fill0;
        out[o + 1] = fill1;
        out[o + 2] = fill2;
        continue;
      }
      const ix = Math.floor(fx);
      const iy = Math.floor(fy);
      // Catmull-Rom weights for the 4 taps around the sample.
      const tx = fx - ix;
      const tx2 = tx * tx;
      const tx3 = tx2 * tx;
      const wx0 = -0.5 * tx3 + tx2 - 0.5 * tx;
      const wx1 = 1.5 * tx3 - 2.5 * tx2 + 1;
      const wx2 = -1.5 * tx3 + 2 * tx2 + 0.5 * tx;
      const wx3 = 0.5 * tx3 - 0.5 * tx2;
      const ty = fy - iy;
      const ty2 = ty * ty;
      const ty3 = ty2 * ty;
      const wy0 = -0.5 * ty3 + ty2 - 0.5 * ty;
      const wy1 = 1.5 * ty3 - 2.5 * ty2 + 1;
      const wy2 = -1.5 * ty3 + 2 * ty2 + 0.5 * ty;
      const wy3 = 0.5 * ty3 - 0.5 * ty2;
      // Inside the image all 16 taps exist; only the border needs clamping.
      const interior = ix >= 1 && iy >= 1 && ix + 2 < width && iy + 2 < height;
      for (let i = 0; i < 4; i++) {
        const xx = interior ? ix - 1 + i : Math.min(width - 1, Math.max(0, ix - 1 + i));
        const yy = interior ? iy - 1 + i : Math.min(height - 1, Math.max(0, iy - 1 + i));
        cols[i] = xx * channels;
        rows[i] = yy * width * channels;
      }
      const c0 = cols[0]!;
      const c1 = cols[1]!;
      const c2 = cols[2]!;
      const c3 = cols[3]!;
      let r = 0;
      let g = 0;
      let bl = 0;
      {
        const row = rows[0]!;
        const p0 = row + c0;
        const p1 = row + c1;
        const p2 = row + c2;
        const p3 = row + c3;
        r += (0 + data[p0]! * wx0 + data[p1]! * wx1 + data[p2]! * wx2 + data[p3]! * wx3) * wy0;
        g += (0 + data[p0 + 1]! * wx0 + data[p1 + 1]! * wx1 + data[p2 + 1]! * wx2 + data[p3 + 1]! * wx3) * wy0;
        bl += (0 + data[p0 + 2]! * wx0 + data[p1 + 2]! * wx1 + data[p2 + 2]! * wx2 + data[p3 + 2]! * wx3) * wy0;
      }
      {
        const row = rows[1]!;
        const p0 = row + c0;
        const p1 = row + c1;
        const p2 = row + c2;
        const p3 = row + c3;
        r += (0 + data[p0]! * wx0 + data[p1]! * wx1 + data[p2]! * wx2 + data[p3]! * wx3) * wy1;
        g += (0 + data[p0 + 1]! * wx0 + data[p1 + 1]! * wx1 + data[p2 + 1]! * wx2 + data[p3 + 1]! * wx3) * wy1;
        bl += (0 + data[p0 + 2]! * wx0 + data[p1 + 2]! * wx1 + data[p2 + 2]! * wx2 + data[p3 + 2]! * wx3) * wy1;
      }
      {
        const row = rows[2]!;
        const p0 = row + c0;
        const p1 = row + c1;
        const p2 = row + c2;
        const p3 = row + c3;
        r += (0 + data[p0]! * wx0 + data[p1]! * wx1 + data[p2]! * wx2 + data[p3]! * wx3) * wy2;
        g += (0 + data[p0 + 1]! * wx0 + data[p1 + 1]! * wx1 + data[p2 + 1]! * wx2 + data[p3 + 1]! * wx3) * wy2;
        bl += (0 + data[p0 + 2]! * wx0 + data[p1 + 2]! * wx1 + data[p2 + 2]! * wx2 + data[p3 + 2]! * wx3) * wy2;
      }
      {
        const row = rows[3]!;
        const p0 = row + c0;
        const p1 = row + c1;
        const p2 = row + c2;
        const p3 = row + c3;
        r += (0 + data[p0]! * wx0 + data[p1]! * wx1 + data[p2]! * wx2 + data[p3]! * wx3) * wy3;
        g += (0 + data[p0 + 1]! * wx0 + data[p1 + 1]! * wx1 + data[p2 + 1]! * wx2 + data[p3 + 1]! * wx3) * wy3;
        bl += (0 + data[p0 + 2]! * wx0 + data[p1 + 2]! * wx1 + data[p2 + 2]! * wx2 + data[p3 + 2]! * wx3) * wy3;
      }
      out[o] = r < 0 ? 0 : r > 255 ? 255 : r;
      out[o + 1] = g < 0 ? 0 : g > 255 ? 255 : g;
      out[o + 2] = bl < 0 ? 0 : bl > 255 ? 255 : bl;
    }
  }
  return out;
}

/** Bilinear sample of a single-channel float map; 0 outside. */
export function sampleBilinear(map: Float32Array, width: number, height: number, x: number, y: number): number {
  const fx = x - 0.5;
  const fy = y - 0.5;
  if (fx < -0.5 || fy < -0.5 || fx > width - 0.5 || fy > height - 0.5) return 0;
  const x0 = Math.max(0, Math.min(width - 1, Math.floor(fx)));
  const y0 = Math.max(0, Math.min(height - 1, Math.floor(fy)));
  const x1 = Math.min(width - 1, x0 + 1);
  const y1 = Math.min(height - 1, y0 + 1);
  const tx = Math.max(0, Math.min(1, fx - x0));
  const ty = Math.max(0, Math.min(1, fy - y0));
  const a = map[y0 * width + x0]! * (1 - tx) + map[y0 * width + x1]! * tx;
  const b = map[y1 * width + x0]! * (1 - tx) + map[y1 * width + x1]! * tx;
  return a * (1 - ty) + b * ty;
}

/**
 * Samples a single-channel map at every pixel centre of an output grid, through an inverse mapping
 * from output positions to map positions (bilinear, 0 outside).
 */
export function warpMap(map: Float32Array, width: number, height: number, outWidth: number, outHeight: number, inverse: Affine): Float32Array {
  const out = new Float32Array(outWidth * outHeight);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const mx = inverse.a * (x + 0.5) + inverse.b * (y + 0.5) + inverse.c;
      const my = inverse.d * (x + 0.5) + inverse.e * (y + 0.5) + inverse.f;
      out[y * outWidth + x] = sampleBilinear(map, width, height, mx, my);
    }
  }
  return out;
}

/** Summed-area table reused across calls (one engine per thread): no fresh megabytes per filter. */
let satScratch = new Float64Array(0);

/** Mean over a (2r+1)² window, clamped at the borders (integral image, O(1) per pixel); into `out` when given. */
export function boxMean(src: Float32Array, width: number, height: number, r: number, out: Float32Array = new Float32Array(width * height)): Float32Array {
  const w1 = width + 1;
  if (satScratch.length < w1 * (height + 1)) satScratch = new Float64Array(w1 * (height + 1));
  const sat = satScratch;
  sat.fill(0, 0, w1);
  for (let y = 0; y < height; y++) {
    let row = 0;
    sat[(y + 1) * w1] = 0;
    for (let x = 0; x < width; x++) {
      row += src[y * width + x]!;
      sat[(y + 1) * w1 + x + 1] = sat[y * w1 + x + 1]! + row;
    }
  }
  // Columns whose window lies inside the image (x0 = x − r, x1 = x + r + 1) need no clamping:
  // the same four terms and the same divisor as at the borders, without per-pixel min/max.
  const innerStart = Math.min(width, r);
  const innerEnd = Math.max(innerStart, width - r - 1);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(height, y + r + 1);
    const top = y0 * w1;
    const bottom = y1 * w1;
    const rows = y1 - y0;
    const o = y * width;
    for (let x = 0; x < innerStart; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(width, x + r + 1);
      const sum = sat[bottom + x1]! - sat[top + x1]! - sat[bottom + x0]! + sat[top + x0]!;
      out[o + x] = sum / ((x1 - x0) * rows);
    }
    const area = (2 * r + 1) * rows;
    for (let x = innerStart; x < innerEnd; x++) {
      const x0 = x - r;
      const x1 = x + r + 1;
      const sum = sat[bottom + x1]! - sat[top + x1]! - sat[bottom + x0]! + sat[top + x0]!;
      out[o + x] = sum / area;
    }
    for (let x = innerEnd; x < width; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(width, x + r + 1);
      const sum = sat[bottom + x1]! - sat[top + x1]! - sat[bottom + x0]! + sat[top + x0]!;
      out[o + x] = sum / ((x1 - x0) * rows);
    }
  }
  return out;
}

/** Rec. 601 luma in 0..255 of an RGB (or RGBA) buffer. */
export function luminance(rgb: Uint8Array, channels = 3): Float32Array {
  const n = rgb.length / channels;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const p = i * channels;
    out[i] = 0.299 * rgb[p]! + 0.587 * rgb[p + 1]! + 0.114 * rgb[p + 2]!;
  }
  return out;
}
