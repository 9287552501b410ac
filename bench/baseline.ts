/**
 * The benchmark's yardstick: sharp alone turning the photo into a spec-size JPEG (it shrinks
 * while decoding). Benchmarks may import sharp; the product calls it from one module only.
 */
import sharp from 'sharp';

export function baselineSpecJpeg(input: Buffer, width: number, height: number): Promise<Buffer> {
  return sharp(input).rotate().resize(width, height, { fit: 'cover' }).jpeg().toBuffer();
}

/** The same photo as a baseline (sequential) JPEG, as most phone cameras write it. */
export function sequentialJpeg(input: Buffer): Promise<Buffer> {
  return sharp(input).jpeg({ quality: 92, progressive: false }).withMetadata().toBuffer();
}
