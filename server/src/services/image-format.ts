/**
 * What an upload is, decided before anything is stored or queued. Nothing the client says about
 * the file (part content type, filename) is used: only its bytes.
 *
 * 1. The first bytes: JPEG, PNG, WebP and HEIF-family containers go on; image formats we do not
 *    take (GIF, SVG, TIFF, BMP, …) and videos are "unsupported"; anything else is "unreadable".
 *    Only the accepted formats ever reach libvips here (an SVG is never parsed, for instance).
 * 2. The header, read by the media repository without decoding pixels: a size over the pixel
 *    limit (a decompression bomb declares its size up front), more than one frame (an animation),
 *    or a codec this libvips cannot decode (HEIC's HEVC) is refused.
 * 3. The structure: a JPEG without its end marker, a PNG without IEND or a WebP shorter than its
 *    RIFF size was cut off (a dropped connection, a half-synced album file); the engine would
 *    refuse it anyway, so the person hears it now.
 *
 * An image that passes and still fails in the engine ends as the order's report (INPUT_*).
 */
import type { ApiErrorCode } from '../../../shared/api';
import type { ImageHeaderRead } from '../repositories/media.repository';

/** The largest image we take, in pixels; equal to the engine's INPUT_LIMITS.maxPixels (a test holds them together). */
export const UPLOAD_MAX_PIXELS = 64_000_000;

/** Containers whose header is worth reading. HEIF covers HEIC (HEVC) and AVIF (AV1). */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'heif';

export type Sniffed =
  | { kind: 'image'; format: ImageFormat }
  /** An image (or video) format we recognise and do not take. */
  | { kind: 'unsupported'; format: string }
  | { kind: 'unknown' };

/** ISO-BMFF brands of still images (HEIC, HEIF, AVIF). Other brands (mp4, mov, …) are videos. */
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1', 'avif', 'avis']);

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));
}

/** Text that opens like SVG (optionally after a BOM, whitespace, an XML declaration or comments). */
function looksLikeSvg(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (!head.startsWith('<')) return false;
  return /<svg[\s>]/i.test(head) || /<!DOCTYPE\s+svg/i.test(head);
}

export function sniffImageFormat(bytes: Uint8Array): Sniffed {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: 'image', format: 'jpeg' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'image', format: 'png' };
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return { kind: 'image', format: 'webp' };
  // ISO-BMFF: box size (4) 'ftyp' major brand (4) minor version (4) compatible brands (4 each).
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp') {
    const boxEnd = Math.min(bytes.length, Buffer.from(bytes.subarray(0, 4)).readUInt32BE(0) || 32);
    const brands = [ascii(bytes, 8, 12)];
    for (let at = 16; at + 4 <= boxEnd; at += 4) brands.push(ascii(bytes, at, at + 4));
    return brands.some((b) => HEIF_BRANDS.has(b)) ? { kind: 'image', format: 'heif' } : { kind: 'unsupported', format: 'video' };
  }
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return { kind: 'unsupported', format: 'gif' };
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]) || startsWith(bytes, [0x49, 0x49, 0x2b, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2b])) {
    return { kind: 'unsupported', format: 'tiff' };
  }
  if (ascii(bytes, 0, 2) === 'BM' && bytes.length >= 26) return { kind: 'unsupported', format: 'bmp' };
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00]) || startsWith(bytes, [0x00, 0x00, 0x02, 0x00])) return { kind: 'unsupported', format: 'ico' };
  if (startsWith(bytes, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20]) || startsWith(bytes, [0xff, 0x4f, 0xff, 0x51])) return { kind: 'unsupported', format: 'jpeg2000' };
  if (startsWith(bytes, [0xff, 0x0a]) || startsWith(bytes, [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) return { kind: 'unsupported', format: 'jxl' };
  if (ascii(bytes, 0, 4) === '8BPS') return { kind: 'unsupported', format: 'psd' };
  if (looksLikeSvg(bytes)) return { kind: 'unsupported', format: 'svg' };
  return { kind: 'unknown' };
}

/**
 * False when the file was visibly cut off: a JPEG with no end-of-image marker after its first
 * scan, a PNG whose chunks run past the end before IEND, a WebP shorter than its RIFF size.
 * (Trailing data after the end is fine: phones append motion-photo videos to JPEGs.)
 */
export function looksComplete(bytes: Buffer, format: ImageFormat): boolean {
  switch (format) {
    case 'jpeg': {
      let at = 2;
      // Segments up to the first start of scan; entropy-coded data never contains FF D9.
      while (at + 4 <= bytes.length) {
        if (bytes[at] !== 0xff) {
          // Stray bytes between segments: decoders skip them to the next marker, so do we.
          at = bytes.indexOf(0xff, at);
          if (at === -1) return false;
          continue;
        }
        const marker = bytes[at + 1]!;
        if (marker === 0xff) {
          at += 1; // fill byte
          continue;
        }
        if (marker === 0xda) return bytes.indexOf(Buffer.from([0xff, 0xd9]), at + 2) !== -1;
        if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
          at += 2;
          continue;
        }
        at += 2 + bytes.readUInt16BE(at + 2);
      }
      return false;
    }
    case 'png':
      for (const chunk of pngChunks(bytes)) if (chunk.type === 'IEND') return true;
      return false;
    case 'webp':
      return bytes.length >= 12 && bytes.readUInt32LE(4) + 8 <= bytes.length;
    case 'heif':
      // Boxes may come in any order (mdat first or last); libvips' header read has checked the
      // item properties, and the engine refuses a file it cannot decode.
      return true;
  }
}

/** The chunks of a PNG after its signature, as long as a chunk's length, type and CRC fit. */
function* pngChunks(bytes: Buffer): Generator<{ type: string; length: number; at: number }> {
  for (let at = 8; at + 12 <= bytes.length; at += 12 + bytes.readUInt32BE(at)) {
    yield { type: bytes.toString('latin1', at + 4, at + 8), length: bytes.readUInt32BE(at), at };
  }
}

/** An animated PNG (APNG): an acTL chunk before the image data announcing more than one frame.
 * libvips reads only its default image, so the header alone does not tell. */
function isAnimatedPng(bytes: Buffer): boolean {
  for (const { type, length, at } of pngChunks(bytes)) {
    if (type === 'acTL') return length >= 4 && bytes.readUInt32BE(at + 8) > 1;
    if (type === 'IDAT' || type === 'IEND') return false;
  }
  return false;
}

export type UploadVerdict = { ok: true; format: ImageFormat } | { ok: false; code: ApiErrorCode; reason: string };

/** The checks above, in order: bytes, header, structure. */
export async function checkUpload(bytes: Buffer, readHeader: (bytes: Buffer) => Promise<ImageHeaderRead>): Promise<UploadVerdict> {
  const refuse = (code: ApiErrorCode, reason: string): UploadVerdict => ({ ok: false, code, reason });
  if (bytes.length === 0) return refuse('PHOTO_UNREADABLE', 'empty file');
  const sniffed = sniffImageFormat(bytes);
  if (sniffed.kind === 'unknown') return refuse('PHOTO_UNREADABLE', 'not an image');
  if (sniffed.kind === 'unsupported') return refuse('PHOTO_UNSUPPORTED_FORMAT', sniffed.format);

  const read = await readHeader(bytes);
  const tooMany = (size: { width: number; height: number }) => size.width * size.height > UPLOAD_MAX_PIXELS;
  if (!read.readable) {
    // A header cut short after the size still declares a bomb.
    if (read.declared && tooMany(read.declared)) return refuse('PHOTO_DIMENSIONS_TOO_LARGE', `${read.declared.width}×${read.declared.height}`);
    return refuse('PHOTO_UNREADABLE', 'no readable header');
  }
  const { header } = read;
  if (!header.decodable) return refuse('PHOTO_UNSUPPORTED_FORMAT', `${header.format} (cannot decode)`);
  if (header.pages > 1) return refuse('PHOTO_UNSUPPORTED_FORMAT', `${header.format} with ${header.pages} frames`);
  if (sniffed.format === 'png' && isAnimatedPng(bytes)) return refuse('PHOTO_UNSUPPORTED_FORMAT', 'animated PNG');
  if (tooMany(header)) return refuse('PHOTO_DIMENSIONS_TOO_LARGE', `${header.width}×${header.height}`);
  if (!looksComplete(bytes, sniffed.format)) return refuse('PHOTO_UNREADABLE', 'truncated');
  return { ok: true, format: sniffed.format };
}
