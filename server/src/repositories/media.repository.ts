/**
 * The only module that imports sharp. Everything the photo engine needs from libvips — probing,
 * decoding with orientation and colour space, resampling, encoding — goes through here, so limits
 * and settings live in one place.
 */
// Before sharp: fontconfig must see the bundled CJK font (receipts carry Chinese text).
import { RECEIPT_FONT_FAMILY } from './fonts';
import bwipjs from 'bwip-js/node';
import sharp, { type Metadata, type OutputInfo, type OverlayOptions, type Sharp } from 'sharp';
import { progressiveDcPreview } from './jpeg-dc-preview';

// One libvips thread per call: the worker pool already runs one engine per core.
sharp.concurrency(1);
sharp.cache(false);

export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

/** What a header tells without decoding pixels. */
export interface ImageHeader {
  /** libvips' name for the loader: jpeg, png, webp, heif, gif, … */
  format: string;
  /** As stored (before EXIF orientation). */
  width: number;
  height: number;
  pages: number;
  /** EXIF orientation, 1–8, when present. */
  orientation?: number;
  /** This build of libvips can decode the pixels (false for HEIC: no HEVC decoder). */
  decodable: boolean;
}

export type ImageHeaderRead =
  /** A format and a size of at least 1×1 were read. */
  | { readable: true; header: ImageHeader }
  /** libvips could not read a header; `declared` is the size the first bytes claim, if any. */
  | { readable: false; declared: { width: number; height: number } | null };

export interface ProbeResult {
  format: string;
  width: number;
  height: number;
  pages: number;
  /** EXIF orientation, 1–8 (1 when absent). */
  orientation: number;
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export class MediaError extends Error {
  constructor(
    readonly kind: 'unreadable' | 'unsupported' | 'too_large',
    message: string,
  ) {
    super(message);
  }
}

/** Formats a phone or album can give us that libvips decodes reliably. */
const DECODABLE = new Set(['jpeg', 'png', 'webp', 'tiff', 'gif', 'heif', 'avif']);

function raw(data: Buffer, info: OutputInfo): RawImage {
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
    channels: info.channels as RawImage['channels'],
  };
}

function fromRaw(img: RawImage): Sharp {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } });
}

/**
 * The header only (format, stored size, frames, codec); never decodes pixels, so a decompression
 * bomb costs nothing here. When libvips cannot read a header, the size the first bytes declare
 * (PNG IHDR, GIF screen, JPEG SOF) is given, so a bomb cut short after its size is still a bomb.
 */
export async function readImageHeader(input: Buffer): Promise<ImageHeaderRead> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    return { readable: false, declared: declaredSize(input) };
  }
  const { format, width, height } = meta;
  if (!format || !width || !height) return { readable: false, declared: declaredSize(input) };
  // sharp's own libvips carries libheif with an AV1 decoder only: HEIC (HEVC) has a readable
  // header but its pixels cannot be decoded.
  const decodable = DECODABLE.has(format) && (format !== 'heif' || meta.compression === 'av1');
  return { readable: true, header: { format, width, height, pages: meta.pages ?? 1, orientation: meta.orientation, decodable } };
}

/** The header as the engine needs it: upright size, or a MediaError saying why not. */
export async function probe(input: Buffer, maxPixels: number): Promise<ProbeResult> {
  const read = await readImageHeader(input);
  if (!read.readable) {
    const declared = read.declared;
    if (declared && declared.width * declared.height > maxPixels) {
      throw new MediaError('too_large', `${declared.width}×${declared.height} exceeds ${maxPixels} pixels`);
    }
    throw new MediaError('unreadable', 'cannot read image header');
  }
  const { format, width, height, pages, orientation, decodable } = read.header;
  if (!decodable) throw new MediaError('unsupported', `unsupported format: ${format}`);
  if (width * height > maxPixels) {
    throw new MediaError('too_large', `${width}×${height} exceeds ${maxPixels} pixels`);
  }
  // EXIF orientations 5–8 swap the axes.
  const swap = (orientation ?? 1) >= 5;
  return { format, width: swap ? height : width, height: swap ? width : height, pages, orientation: orientation ?? 1 };
}

/** Width and height as declared by a PNG, GIF or JPEG header, without decoding anything. */
function declaredSize(buf: Buffer): { width: number; height: number } | null {
  if (buf.length >= 24 && buf.readUInt32BE(0) === 0x89504e47 && buf.toString('latin1', 12, 16) === 'IHDR') {
    return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  }
  if (buf.length >= 10 && buf.toString('latin1', 0, 3) === 'GIF') return { width: buf.readUInt16LE(6), height: buf.readUInt16LE(8) };
  if (buf.length >= 4 && buf.readUInt16BE(0) === 0xffd8) {
    let at = 2;
    while (at + 9 < buf.length && buf[at] === 0xff) {
      const marker = buf[at + 1]!;
      const length = buf.readUInt16BE(at + 2);
      // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: buf.readUInt16BE(at + 7), height: buf.readUInt16BE(at + 5) };
      }
      at += 2 + length;
    }
  }
  return null;
}

/**
 * Decodes once, upright (EXIF orientation applied), in sRGB, any alpha flattened onto white, and
 * scaled to `width`×`height` (the oriented size divided by a power of two lets libvips shrink
 * while decoding the JPEG instead of decoding every pixel at full size).
 */
export async function decodeUpright(input: Buffer, width: number, height: number, maxPixels: number): Promise<RawImage> {
  try {
    const { data, info } = await sharp(input, { limitInputPixels: maxPixels, failOn: 'error', pages: 1 })
      .rotate()
      .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return raw(data, info);
  } catch (err) {
    throw new MediaError('unreadable', `cannot decode image: ${(err as Error).message}`);
  }
}

/**
 * An upright 1/8-scale copy read from a progressive JPEG's DC scans only, in a few milliseconds
 * (`jpeg-dc-preview.ts`); null for other files. Every pixel is the mean of an 8×8 block, so
 * preview pixel i covers source pixels 8i…8i+7. Runs on the calling thread, meant to overlap
 * `decodeUpright`, which libvips runs on its own thread.
 */
export function decodePreview(input: Buffer, probed: ProbeResult): RawImage | null {
  if (probed.format !== 'jpeg') return null;
  return progressiveDcPreview(input, probed.orientation);
}

/** Resamples a raw image (any channel count) to an exact size. */
export async function resize(img: RawImage, width: number, height: number, kernel: 'lanczos3' | 'linear' = 'lanczos3'): Promise<RawImage> {
  const { data, info } = await fromRaw(img)
    .resize(width, height, { fit: 'fill', kernel })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return raw(data, info);
}

async function solid(width: number, height: number, channels: 3 | 4, fill: number[]): Promise<RawImage> {
  const { data, info } = await sharp({ create: { width, height, channels, background: background(fill) } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return raw(data, info);
}

function background(fill: number[]) {
  return { r: fill[0] ?? 0, g: fill[1] ?? fill[0] ?? 0, b: fill[2] ?? fill[0] ?? 0, alpha: (fill[3] ?? 255) / 255 };
}

/**
 * How the parts of a rect outside the image are made: `fill` paints them with the fill colour;
 * `extend` repeats the image's edge pixels at the left, right and bottom (clothing and
 * shoulders continue) and paints only the part above the image with the fill colour (above
 * the crown there is only background).
 */
export type OutsideEdges = 'fill' | 'extend';

/** Pads a pipeline's output by `pad`, the top with `fill`, the rest as `edges` says. */
async function padOut(pipeline: Sharp, pad: { left: number; top: number; right: number; bottom: number }, fill: number[], edges: OutsideEdges): Promise<RawImage> {
  const bg = background(fill);
  if (edges === 'fill' || pad.left + pad.right + pad.bottom === 0) {
    if (pad.left + pad.top + pad.right + pad.bottom > 0) pipeline = pipeline.extend({ ...pad, background: bg });
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    return raw(data, info);
  }
  const sides = await pipeline
    .extend({ left: pad.left, right: pad.right, bottom: pad.bottom, top: 0, extendWith: 'copy' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (pad.top === 0) return raw(sides.data, sides.info);
  const { data, info } = await sharp(sides.data, { raw: { width: sides.info.width, height: sides.info.height, channels: sides.info.channels } })
    .extend({ top: pad.top, left: 0, right: 0, bottom: 0, background: bg })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return raw(data, info);
}

/**
 * Cuts `rect` out of an image; parts of the rect outside the image are made as `edges` says
 * (default: filled with `fill`, one value per channel).
 */
export async function extractPadded(img: RawImage, rect: Rect, fill: number[], edges: OutsideEdges = 'fill'): Promise<RawImage> {
  const left = Math.max(0, rect.left);
  const top = Math.max(0, rect.top);
  const right = Math.min(img.width, rect.left + rect.width);
  const bottom = Math.min(img.height, rect.top + rect.height);
  if (img.channels === 1) throw new Error('extractPadded takes RGB or RGBA');
  if (right <= left || bottom <= top) return solid(rect.width, rect.height, img.channels, fill);
  const pipeline = fromRaw(img).extract({ left, top, width: right - left, height: bottom - top });
  const pad = { left: left - rect.left, top: top - rect.top, right: rect.left + rect.width - right, bottom: rect.top + rect.height - bottom };
  return padOut(pipeline, pad, fill, edges);
}

/**
 * `rect` of an image scaled to `width`×`height` in one pass: only the part inside the image is
 * resampled, the rest is made as `edges` says. Cheaper than cutting out a large padded rect first.
 */
export async function extractScaled(img: RawImage, rect: Rect, width: number, height: number, fill: number[], edges: OutsideEdges = 'fill'): Promise<RawImage> {
  if (img.channels === 1) throw new Error('extractScaled takes RGB or RGBA');
  const left = Math.max(0, rect.left);
  const top = Math.max(0, rect.top);
  const right = Math.min(img.width, rect.left + rect.width);
  const bottom = Math.min(img.height, rect.top + rect.height);
  const kx = width / rect.width;
  const ky = height / rect.height;
  const inner = {
    left: Math.round((left - rect.left) * kx),
    top: Math.round((top - rect.top) * ky),
    right: Math.round((right - rect.left) * kx),
    bottom: Math.round((bottom - rect.top) * ky),
  };
  if (inner.right - inner.left < 1 || inner.bottom - inner.top < 1) {
    return solid(width, height, img.channels, fill);
  }
  const pipeline = fromRaw(img)
    .extract({ left, top, width: right - left, height: bottom - top })
    .resize(inner.right - inner.left, inner.bottom - inner.top, { fit: 'fill', kernel: 'lanczos3' });
  const pad = { left: inner.left, top: inner.top, right: width - inner.right, bottom: height - inner.bottom };
  return padOut(pipeline, pad, fill, edges);
}

/**
 * Rotates about the image centre by `degrees` (clockwise), growing the canvas to hold the result;
 * uncovered corners are transparent white.
 */
export async function rotate(img: RawImage, degrees: number): Promise<RawImage> {
  const { data, info } = await fromRaw(img)
    .rotate(degrees, { background: { r: 255, g: 255, b: 255, alpha: 0 } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return raw(data, info);
}

/**
 * Baseline JPEG with no metadata at all (sharp writes none unless asked), 4:2:0 chroma like the
 * standards' reference files. Density is patched into the JFIF header by the caller.
 */
export async function encodeJpeg(rgb: RawImage, quality: number): Promise<Buffer> {
  return fromRaw(rgb)
    .jpeg({ quality, progressive: false, chromaSubsampling: '4:2:0', mozjpeg: false, optimiseCoding: true })
    .toBuffer();
}

// ---- receipts ----

/** Everything a receipt shows, decided by the receipt service; here it is only drawn. */
export interface ReceiptDrawing {
  accent: string;
  title: string;
  /** Label/value rows beside the photo. */
  fields: { label: string; value: string }[];
  number: string;
  /** Encoded in the QR code (usually the number itself). */
  qrText: string;
  lines: readonly string[];
  notes: readonly string[];
  footer: string;
  /** The processed photo (JPEG), or null. */
  photo: Buffer | null;
}

/** Where the codes sit on the receipt (tests crop there). */
export const RECEIPT_LAYOUT = {
  width: 1000,
  height: 1400,
  photo: { left: 60, top: 170, width: 300, height: 380 },
  qr: { left: 60, top: 700, size: 300 },
  barcode: { left: 410, top: 760, width: 530, height: 170 },
} as const;

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A PNG receipt: SVG text and frame, the photo, a QR code and a code128 barcode of the number. */
export async function renderReceipt(d: ReceiptDrawing): Promise<Buffer> {
  const L = RECEIPT_LAYOUT;
  const font = `font-family="${RECEIPT_FONT_FAMILY}"`;
  const text = (x: number, y: number, size: number, value: string, extra = '') =>
    `<text x="${x}" y="${y}" font-size="${size}" ${font} ${extra}>${xml(value)}</text>`;
  const parts: string[] = [
    `<rect width="${L.width}" height="${L.height}" fill="#ffffff"/>`,
    `<rect x="0" y="0" width="${L.width}" height="130" fill="${xml(d.accent)}"/>`,
    text(L.width / 2, 80, 32, d.title, 'font-weight="700" fill="#ffffff" text-anchor="middle"'),
    `<rect x="${L.photo.left - 2}" y="${L.photo.top - 2}" width="${L.photo.width + 4}" height="${L.photo.height + 4}" fill="none" stroke="#cccccc" stroke-width="2"/>`,
  ];
  d.fields.forEach((f, i) => {
    const y = L.photo.top + 40 + i * 80;
    parts.push(text(410, y, 22, f.label, 'fill="#888888"'));
    parts.push(text(410, y + 32, 28, f.value, 'fill="#222222"'));
  });
  parts.push(text(L.width / 2, 640, 24, '图像号', 'fill="#888888" text-anchor="middle"'));
  parts.push(text(L.width / 2, 685, 40, d.number, `font-weight="700" fill="${xml(d.accent)}" text-anchor="middle" letter-spacing="2"`));
  parts.push(text(L.barcode.left + L.barcode.width / 2, L.barcode.top + L.barcode.height + 36, 22, d.number, 'fill="#444444" text-anchor="middle"'));
  let y = 1070;
  for (const line of d.lines) {
    parts.push(text(60, y, 26, line, 'fill="#222222"'));
    y += 44;
  }
  for (const note of d.notes) {
    parts.push(text(60, y, 24, `· ${note}`, `fill="${xml(d.accent)}"`));
    y += 40;
  }
  parts.push(`<rect x="0" y="${L.height - 60}" width="${L.width}" height="60" fill="#f4f4f4"/>`);
  parts.push(text(L.width / 2, L.height - 22, 20, d.footer, 'fill="#888888" text-anchor="middle"'));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${L.width}" height="${L.height}">${parts.join('')}</svg>`;

  const qrPng = await bwipjs.toBuffer({ bcid: 'qrcode', text: d.qrText, scale: 8, eclevel: 'M', paddingwidth: 2, paddingheight: 2 } as never);
  const qr = await sharp(qrPng).resize(L.qr.size, L.qr.size, { fit: 'contain', kernel: 'nearest', background: '#ffffff' }).png().toBuffer();
  const barPng = await bwipjs.toBuffer({ bcid: 'code128', text: d.number, scale: 3, height: 18, includetext: false } as never);
  const bar = await sharp(barPng)
    .resize(L.barcode.width, L.barcode.height, { fit: 'contain', kernel: 'nearest', background: '#ffffff' })
    .png()
    .toBuffer();

  const layers: OverlayOptions[] = [
    { input: qr, left: L.qr.left, top: L.qr.top },
    { input: bar, left: L.barcode.left, top: L.barcode.top },
  ];
  if (d.photo) {
    const photo = await sharp(d.photo, { limitInputPixels: 4_000_000 })
      .resize(L.photo.width, L.photo.height, { fit: 'contain', background: '#ffffff' })
      .png()
      .toBuffer();
    layers.push({ input: photo, left: L.photo.left, top: L.photo.top });
  }
  return sharp(Buffer.from(svg)).composite(layers).png({ compressionLevel: 6 }).toBuffer();
}

/** Decoded RGBA of any image (tests and tools). */
export async function decodeRgba(input: Buffer): Promise<{ data: Uint8ClampedArray; width: number; height: number }> {
  const { data, info } = await sharp(input).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

// ---- print sheets (issue 13: `photo --print 6inch`, GET /api/orders/:id/print-sheet) ----
// Kept in its own block at the end of the file: the layout is computed by photo/print-sheet.ts.

/** Where the copies and cut marks go, in sheet pixels (a PrintSheetLayout fits this). */
export interface PrintSheetDrawing {
  width: number;
  height: number;
  photoWidth: number;
  photoHeight: number;
  positions: readonly { left: number; top: number }[];
  cutMarks: readonly Rect[];
}

/** JPEG quality of a sheet: it goes to a photo printer, not through an upload limit. */
export const PRINT_SHEET_QUALITY = 95;

/**
 * The sheet as a baseline JPEG without metadata (4:4:4, so the thin cut marks stay sharp):
 * white paper, black cut marks, and the photo resampled once to the sheet's copy size and
 * pasted at every position. Density is patched into the JFIF header by the caller.
 */
export async function renderPrintSheet(photo: Buffer, d: PrintSheetDrawing): Promise<Buffer> {
  const copy = await sharp(photo, { limitInputPixels: 4_000_000 })
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .resize(d.photoWidth, d.photoHeight, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const paper = Buffer.alloc(d.width * d.height * 3, 255);
  for (const m of d.cutMarks) {
    const x0 = Math.max(0, m.left);
    const x1 = Math.min(d.width, m.left + m.width);
    for (let y = Math.max(0, m.top); y < Math.min(d.height, m.top + m.height); y++) {
      paper.fill(0, (y * d.width + x0) * 3, (y * d.width + x1) * 3);
    }
  }
  const layers: OverlayOptions[] = d.positions.map((p) => ({
    input: copy.data,
    raw: { width: copy.info.width, height: copy.info.height, channels: 3 },
    left: p.left,
    top: p.top,
  }));
  return sharp(paper, { raw: { width: d.width, height: d.height, channels: 3 } })
    .composite(layers)
    .jpeg({ quality: PRINT_SHEET_QUALITY, progressive: false, chromaSubsampling: '4:4:4', mozjpeg: false })
    .toBuffer();
}
