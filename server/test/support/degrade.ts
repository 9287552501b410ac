/**
 * Degraded test inputs made from a good portrait, each returned as a JPEG Buffer. Every function
 * decodes once with the EXIF orientation applied (sharp `.rotate()`, alpha flattened on white) and
 * works on the upright pixels, so boxes are in upright source pixels, like `findFaceBox` returns.
 *
 * Intended engine reaction, per function: blur → BLURRY, darken → TOO_DARK, overexpose →
 * TOO_BRIGHT, grayscale → GRAYSCALE, colourCast → COLOR_CAST, rotate → HEAD_TILTED, cropToFace →
 * HEAD_CUT_OFF, tiny → LOW_RESOLUTION, sideBySide → MULTIPLE_FACES, noFace → NO_FACE,
 * halfShadow → UNEVEN_LIGHTING.
 */
import sharp, { type Sharp } from 'sharp';
import { decodeRgb, detectFaces68, type FaceBox, type RgbImage } from './face-api';

export type { FaceBox } from './face-api';

const JPEG_QUALITY = 92;

function fromRgb(img: RgbImage): Sharp {
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), {
    raw: { width: img.width, height: img.height, channels: 3 },
  });
}

function toJpeg(pipeline: Sharp): Promise<Buffer> {
  return pipeline.jpeg({ quality: JPEG_QUALITY }).toBuffer();
}

/** Upright RGB pixels of any image sharp reads (EXIF orientation applied, alpha on white). */
const upright = decodeRgb;

/** Mean colour of the outermost pixel ring. */
function edgeColour(img: RgbImage): { r: number; g: number; b: number } {
  const sum = [0, 0, 0];
  let n = 0;
  const add = (x: number, y: number): void => {
    const i = (y * img.width + x) * 3;
    sum[0]! += img.data[i]!;
    sum[1]! += img.data[i + 1]!;
    sum[2]! += img.data[i + 2]!;
    n++;
  };
  for (let x = 0; x < img.width; x++) {
    add(x, 0);
    add(x, img.height - 1);
  }
  for (let y = 1; y < img.height - 1; y++) {
    add(0, y);
    add(img.width - 1, y);
  }
  return { r: Math.round(sum[0]! / n), g: Math.round(sum[1]! / n), b: Math.round(sum[2]! / n) };
}

/**
 * The largest face found by face-api's SSD detector, in upright source pixels, or null. Large
 * photos are searched on a copy of at most 1280 px on the long side (SSD works at 512 px anyway).
 * The SSD box spans roughly eyebrows/forehead to chin, cheek to cheek; it does not include the hair.
 */
export async function findFaceBox(buf: Buffer): Promise<FaceBox | null> {
  return findFaceBoxIn(await upright(buf));
}

async function findFaceBoxIn(img: RgbImage): Promise<FaceBox | null> {
  const scale = Math.min(1, 1280 / Math.max(img.width, img.height));
  let work = img;
  if (scale < 1) work = await resizeRgb(img, Math.round(img.width * scale), Math.round(img.height * scale));
  const face = (await detectFaces68(work))[0];
  if (!face) return null;
  const sx = img.width / work.width;
  const sy = img.height / work.height;
  return { x: face.box.x * sx, y: face.box.y * sy, width: face.box.width * sx, height: face.box.height * sy };
}

async function resizeRgb(img: RgbImage, width: number, height: number): Promise<RgbImage> {
  const { data, info } = await fromRgb(img).resize(width, height).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

async function boxOrFind(buf: Buffer, box: FaceBox | undefined): Promise<FaceBox> {
  const found = box ?? (await findFaceBox(buf));
  if (!found) throw new Error('no face found in the source photo');
  return found;
}

/**
 * Gaussian blur. The default sigma is 0.6 % of the short side (at least 2 px): on the fixture
 * portraits that is 2.5–5 px once the face is scaled to an ID photo's ~200 px face width, clearly
 * soft, while face-api still finds the face (at 1 % it often does not), so the engine can reach its
 * BLURRY check rather than stop at NO_FACE.
 */
export async function blur(buf: Buffer, sigma?: number): Promise<Buffer> {
  const img = await upright(buf);
  const s = sigma ?? Math.max(2, Math.min(img.width, img.height) * 0.006);
  return toJpeg(fromRgb(img).blur(s));
}

/** Strong underexposure: sRGB values × 0.25 (about −4 EV in linear light). */
export async function darken(buf: Buffer, factor = 0.25): Promise<Buffer> {
  return toJpeg(fromRgb(await upright(buf)).linear(factor, 0));
}

/**
 * Strong overexposure: values × 1.6 + 60, clipped at 255 (skin burns out towards white). Kept just
 * mild enough that face-api still finds the face on the fixture portraits (× 2.2 + 40 loses it).
 */
export async function overexpose(buf: Buffer): Promise<Buffer> {
  return toJpeg(fromRgb(await upright(buf)).linear(1.6, 60));
}

/** A grey photo stored as a 3-channel sRGB JPEG with R = G = B (as phones save "mono" shots). */
export async function grayscale(buf: Buffer): Promise<Buffer> {
  return toJpeg(fromRgb(await upright(buf)).grayscale().toColourspace('srgb'));
}

/** A strong colour cast: 'red' (default) or 'green'. */
export async function colourCast(buf: Buffer, colour: 'red' | 'green' = 'red'): Promise<Buffer> {
  const [mul, add]: [number[], number[]] =
    colour === 'red' ? [[1.15, 0.75, 0.7], [40, 0, 0]] : [[0.75, 1.15, 0.7], [0, 40, 0]];
  return toJpeg(fromRgb(await upright(buf)).linear(mul, add));
}

/**
 * Rotates by `deg` degrees (positive = clockwise, default 35, a head roll far beyond any
 * straightening), filling the new corners with the mean colour of the photo's edge.
 */
export async function rotate(buf: Buffer, deg = 35): Promise<Buffer> {
  const img = await upright(buf);
  return toJpeg(fromRgb(img).rotate(deg, { background: edgeColour(img) }));
}

/**
 * Keeps only the face: from a little below the top of the face box (forehead) to 12 % of the box
 * height above its bottom (the chin, which face-api puts at the box bottom), and 5 % beyond the
 * box at the sides. Crown and chin are both cut off. `faceBox` is in upright source pixels;
 * without it the face is found with face-api.
 */
export async function cropToFace(buf: Buffer, faceBox?: FaceBox): Promise<Buffer> {
  const img = await upright(buf);
  const box = await boxOrFind(buf, faceBox);
  const left = Math.max(0, Math.round(box.x - 0.05 * box.width));
  const right = Math.min(img.width, Math.round(box.x + 1.05 * box.width));
  const top = Math.max(0, Math.round(box.y + 0.05 * box.height));
  const bottom = Math.min(img.height, Math.round(box.y + 0.88 * box.height));
  return toJpeg(fromRgb(img).extract({ left, top, width: right - left, height: bottom - top }));
}

/** A tiny copy, `width` px wide (default 120). */
export async function tiny(buf: Buffer, width = 120): Promise<Buffer> {
  return toJpeg(fromRgb(await upright(buf)).resize({ width }));
}

/**
 * Two people next to each other at similar size. `b` is scaled so its face-api face box is as wide
 * as `a`'s (if either has no face, both are scaled to the same height instead); the shorter image
 * is extended downwards by repeating its bottom row, and the result is fitted into 2400×1200.
 * Pass the same photo twice for twins.
 */
export async function sideBySide(a: Buffer, b: Buffer): Promise<Buffer> {
  const ia = await upright(a);
  let ib = await upright(b);
  const [fa, fb] = await Promise.all([findFaceBoxIn(ia), findFaceBoxIn(ib)]);
  const scale = fa && fb ? fa.width / fb.width : ia.height / ib.height;
  ib = await resizeRgb(ib, Math.max(1, Math.round(ib.width * scale)), Math.max(1, Math.round(ib.height * scale)));
  const height = Math.max(ia.height, ib.height);
  const padded = await Promise.all(
    [ia, ib].map((img) =>
      fromRgb(img)
        .extend({ bottom: height - img.height, extendWith: 'copy' })
        .raw()
        .toBuffer({ resolveWithObject: true }),
    ),
  );
  const [pa, pb] = padded as [(typeof padded)[0], (typeof padded)[0]];
  const width = pa.info.width + pb.info.width;
  // Composite in one pipeline and resize in a second: sharp applies resize before composite
  // within one pipeline, and composite output gains an alpha channel (removed here).
  const { data } = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite([
      { input: pa.data, raw: { width: pa.info.width, height, channels: 3 }, left: 0, top: 0 },
      { input: pb.data, raw: { width: pb.info.width, height, channels: 3 }, left: pa.info.width, top: 0 },
    ])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const joined: RgbImage = { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width, height };
  return toJpeg(fromRgb(joined).resize(2400, 1200, { fit: 'inside', withoutEnlargement: true }));
}

/** Deterministic PRNG (mulberry32) so the no-face image is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A photo-like image with no face. Without an argument: a 720×960 wall-like picture (a warm
 * diagonal gradient, a few soft blotches, fine grain and a darker "floor" band), the same on every
 * run. With `source`: the bottom quarter of that portrait (clothing/shoulders, below the chin),
 * scaled to 720 px wide.
 */
export async function noFace(source?: Buffer): Promise<Buffer> {
  if (source) {
    const img = await upright(source);
    const top = Math.round(img.height * 0.75);
    return toJpeg(fromRgb(img).extract({ left: 0, top, width: img.width, height: img.height - top }).resize({ width: 720 }));
  }
  const width = 720;
  const height = 960;
  const rand = mulberry32(461);
  const blotches = Array.from({ length: 7 }, () => ({
    x: rand() * width,
    y: rand() * height,
    r: 60 + rand() * 160,
    d: (rand() - 0.5) * 50,
  }));
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2;
      let v = 0;
      for (const b of blotches) {
        const d2 = ((x - b.x) ** 2 + (y - b.y) ** 2) / (b.r * b.r);
        if (d2 < 4) v += b.d * Math.exp(-d2);
      }
      const floor = y > height * 0.8 ? -45 : 0;
      const grain = (rand() - 0.5) * 18;
      const i = (y * width + x) * 3;
      data[i] = clamp(205 - 50 * t + v + floor + grain);
      data[i + 1] = clamp(190 - 55 * t + v + floor + grain);
      data[i + 2] = clamp(165 - 60 * t + v * 0.8 + floor + grain);
    }
  }
  return toJpeg(fromRgb({ data, width, height }).blur(0.6));
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/**
 * A hard shadow over the image-left half of the face: pixels in the left half of the face box,
 * grown by 10 % on every side, are multiplied by `factor` (default 0.35). `faceBox` is in upright
 * source pixels; without it the face is found with face-api.
 */
export async function halfShadow(buf: Buffer, faceBox?: FaceBox, factor = 0.35): Promise<Buffer> {
  const img = await upright(buf);
  const box = await boxOrFind(buf, faceBox);
  const x0 = Math.max(0, Math.round(box.x - 0.1 * box.width));
  const x1 = Math.min(img.width, Math.round(box.x + 0.5 * box.width));
  const y0 = Math.max(0, Math.round(box.y - 0.1 * box.height));
  const y1 = Math.min(img.height, Math.round(box.y + 1.1 * box.height));
  const data = Uint8Array.from(img.data);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * img.width + x) * 3;
      data[i] = Math.round(data[i]! * factor);
      data[i + 1] = Math.round(data[i + 1]! * factor);
      data[i + 2] = Math.round(data[i + 2]! * factor);
    }
  }
  return toJpeg(fromRgb({ data, width: img.width, height: img.height }));
}

/**
 * A smooth one-sided light (a key light from the image-right side, no edge): pixels are
 * multiplied by a gain rising linearly from `factor` at the face box's left edge to 1 at its
 * right edge (constant beyond). Not a degradation: a studio evens it out.
 */
export async function sideLight(buf: Buffer, faceBox?: FaceBox, factor = 0.4): Promise<Buffer> {
  const img = await upright(buf);
  const box = await boxOrFind(buf, faceBox);
  const data = Uint8Array.from(img.data);
  for (let x = 0; x < img.width; x++) {
    const t = Math.min(1, Math.max(0, (x - box.x) / box.width));
    const g = factor + (1 - factor) * t;
    for (let y = 0; y < img.height; y++) {
      const i = (y * img.width + x) * 3;
      for (let c = 0; c < 3; c++) data[i + c] = Math.round(data[i + c]! * g);
    }
  }
  return toJpeg(fromRgb({ data, width: img.width, height: img.height }));
}

/**
 * Burnt-out overexposure: values × 2.2 + 40, clipped at 255, past the point where face detectors
 * find the face on the plain pixels (face-api loses it on the fixtures). The engine must still
 * name it TOO_BRIGHT (it detects on a tone-normalised copy), not NO_FACE.
 */
export async function overexposeStrong(buf: Buffer): Promise<Buffer> {
  return toJpeg(fromRgb(await upright(buf)).linear(2.2, 40));
}

/**
 * Cuts the photo `rows` px above (positive) or below (negative) the given source row — e.g. the
 * crown — and keeps everything beneath: a portrait whose crown sits just below the top edge, or
 * whose hair runs out of the frame.
 */
export async function cropTopAt(buf: Buffer, row: number, rows: number): Promise<Buffer> {
  const img = await upright(buf);
  const top = Math.max(0, Math.min(img.height - 2, Math.round(row - rows)));
  return toJpeg(fromRgb(img).extract({ left: 0, top, width: img.width, height: img.height - top }));
}

/** Keeps the rows above `row` (a portrait cut off at the neck, say). */
export async function cropBottomAt(buf: Buffer, row: number): Promise<Buffer> {
  const img = await upright(buf);
  const height = Math.max(2, Math.min(img.height, Math.round(row)));
  return toJpeg(fromRgb(img).extract({ left: 0, top: 0, width: img.width, height }));
}

/**
 * The topmost row of the person above the face: the first row, searching down from the top,
 * where the column band over the face box is mostly unlike the photo's top-corner colour
 * (for portraits on a plain, light background).
 */
export async function crownRow(buf: Buffer): Promise<number> {
  const img = await upright(buf);
  const box = await boxOrFind(buf, undefined);
  const corner = edgeColour({ ...img, height: Math.min(img.height, 8) });
  const x0 = Math.round(box.x + box.width * 0.3);
  const x1 = Math.round(box.x + box.width * 0.7);
  for (let y = 0; y < box.y; y++) {
    let person = 0;
    for (let x = x0; x < x1; x++) {
      const i = (y * img.width + x) * 3;
      if (Math.abs(img.data[i]! - corner.r) + Math.abs(img.data[i + 1]! - corner.g) + Math.abs(img.data[i + 2]! - corner.b) > 90) person++;
    }
    if (person > (x1 - x0) * 0.3) return y;
  }
  return Math.round(box.y);
}

/** Each degradation the engine must refuse, and the code it must be refused with (the engine
 * tests and bench/acceptance.bench.ts). */
export const DEGRADATIONS: readonly [label: string, make: (b: Buffer) => Promise<Buffer>, code: string][] = [
  ['blur', (b) => blur(b), 'BLURRY'],
  ['dark', (b) => darken(b), 'TOO_DARK'],
  ['overexposed', (b) => overexpose(b), 'TOO_BRIGHT'],
  ['grayscale', (b) => grayscale(b), 'GRAYSCALE'],
  ['red cast', (b) => colourCast(b, 'red'), 'COLOR_CAST'],
  ['green cast', (b) => colourCast(b, 'green'), 'COLOR_CAST'],
  ['35° roll', (b) => rotate(b, 35), 'HEAD_TILTED'],
  ['face only', (b) => cropToFace(b), 'HEAD_CUT_OFF'],
  ['tiny', (b) => tiny(b), 'LOW_RESOLUTION'],
  ['hard shadow over half the face', (b) => halfShadow(b), 'UNEVEN_LIGHTING'],
];
