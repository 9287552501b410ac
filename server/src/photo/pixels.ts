/**
 * Small pixel kernels in plain TypeScript on typed arrays (the photos here are ~0.15 MP, so these
 * run in milliseconds): resampling, box filters, luminance.
 */
import type { RawImage } from '../repositories/media.repository';

/** Catmull-Rom weights for the 4 taps around a sample at fractional offset t. */
function cubicWeights(t: number, w: Float64Array): void {
  const t2 = t * t;
  const t3 = t2 * t;
  w[0] = -0.5 * t3 + t2 - 0.5 * t;
  w[1] = 1.5 * t3 - 2.5 * t2 + 1;
  w[2] = -1.5 * t3 + 2 * t2 + 0.5 * t;
  w[3] = 0.5 * t3 - 0.5 * t2;
}

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
 */
export function warpRgb(src: RawImage, outWidth: number, outHeight: number, inverse: Affine, fill: readonly [number, number, number] = [255, 255, 255]): Uint8Array {
  const out = new Uint8Array(outWidth * outHeight * 3);
  const wx = new Float64Array(4);
  const wy = new Float64Array(4);
  const { data, width, height, channels } = src;
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      // Pixel centres on both sides.
      const fx = inverse.a * (x + 0.5) + inverse.b * (y + 0.5) + inverse.c - 0.5;
      const fy = inverse.d * (x + 0.5) + inverse.e * (y + 0.5) + inverse.f - 0.5;
      const o = (y * outWidth + x) * 3;
      if (fx < -1 || fy < -1 || fx > width || fy > height) {
        out[o] = fill[0];
        out[o + 1] = fill[1];
        out[o + 2] = fill[2];
        continue;
      }
      const ix = Math.floor(fx);
      const iy = Math.floor(fy);
      cubicWeights(fx - ix, wx);
      cubicWeights(fy - iy, wy);
      let r = 0;
      let g = 0;
      let b = 0;
      // Inside the image all 16 taps exist; only the border needs clamping.
      const interior = ix >= 1 && iy >= 1 && ix + 2 < width && iy + 2 < height;
      for (let j = 0; j < 4; j++) {
        const yy = interior ? iy - 1 + j : Math.min(height - 1, Math.max(0, iy - 1 + j));
        const row = yy * width;
        let rr = 0;
        let gg = 0;
        let bb = 0;
        for (let i = 0; i < 4; i++) {
          const xx = interior ? ix - 1 + i : Math.min(width - 1, Math.max(0, ix - 1 + i));
          const p = (row + xx) * channels;
          const w = wx[i]!;
          rr += data[p]! * w;
          gg += data[p + 1]! * w;
          bb += data[p + 2]! * w;
        }
        const w = wy[j]!;
        r += rr * w;
        g += gg * w;
        b += bb * w;
      }
      out[o] = r < 0 ? 0 : r > 255 ? 255 : r;
      out[o + 1] = g < 0 ? 0 : g > 255 ? 255 : g;
      out[o + 2] = b < 0 ? 0 : b > 255 ? 255 : b;
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

/** Mean over a (2r+1)² window, clamped at the borders (integral image, O(1) per pixel). */
export function boxMean(src: Float32Array, width: number, height: number, r: number): Float32Array {
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
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(height, y + r + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(width, x + r + 1);
      const sum = sat[y1 * w1 + x1]! - sat[y0 * w1 + x1]! - sat[y1 * w1 + x0]! + sat[y0 * w1 + x0]!;
      out[y * width + x] = sum / ((x1 - x0) * (y1 - y0));
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
