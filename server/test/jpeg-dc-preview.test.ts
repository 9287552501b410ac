/**
 * The 1/8 preview read from a progressive JPEG's DC scans (the models' copy while libvips decodes
 * the working copy) matches what libvips itself makes at that size, upright, and stays out of the
 * way for files it does not cover.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import * as media from '../src/repositories/media.repository';

const photo = (name: string) => readFileSync(path.join(__dirname, 'fixtures/photos', name));

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** The JPEG with a minimal EXIF block holding only `orientation` (no ICC profile added). */
function withOrientation(jpeg: Buffer, orientation: number): Buffer {
  const tiff = Buffer.from([0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), app1, body, jpeg.subarray(2)]);
}

async function previewAndReference(input: Buffer) {
  const probed = await media.probe(input, 64e6);
  const preview = media.decodePreview(input, probed);
  const reference = await media.decodeUpright(input, Math.ceil(probed.width / 8), Math.ceil(probed.height / 8), 64e6);
  return { preview, reference };
}

describe('progressive JPEG preview from the DC scans', () => {
  it('matches libvips at 1/8 scale on the 14 MP fixture', async () => {
    const { preview, reference } = await previewAndReference(photo('deepface-img40.jpg'));
    expect(preview).not.toBeNull();
    expect([preview!.width, preview!.height]).toEqual([reference.width, reference.height]);
    // Block means against libvips' filtered shrink: close everywhere, equal on average.
    expect(meanAbsDiff(preview!.data, reference.data)).toBeLessThan(2.5);
  });

  it('reads DC scans sent one component at a time', async () => {
    const { preview, reference } = await previewAndReference(photo('deepface-img32.jpg'));
    expect(preview).not.toBeNull();
    expect(meanAbsDiff(preview!.data, reference.data)).toBeLessThan(3.5);
  });

  it('applies the EXIF orientation', async () => {
    const upright = await sharp(photo('deepface-img40.jpg')).resize(1200).jpeg({ progressive: true, quality: 90 }).toBuffer();
    // Stored turned by 90°: orientation 6 turns it back.
    const turned = await sharp(upright).rotate(-90).jpeg({ progressive: true, quality: 90 }).toBuffer();
    const stored = withOrientation(turned, 6);
    const { preview, reference } = await previewAndReference(stored);
    expect(preview).not.toBeNull();
    expect([preview!.width, preview!.height]).toEqual([reference.width, reference.height]);
    expect(meanAbsDiff(preview!.data, reference.data)).toBeLessThan(4);
    // The other quarter turn gives the same size and a very different picture.
    const wrong = withOrientation(turned, 8);
    expect(meanAbsDiff(media.decodePreview(wrong, await media.probe(wrong, 64e6))!.data, reference.data)).toBeGreaterThan(15);
  });

  it('is null for baseline JPEGs, other formats and a file cut inside its first scan', async () => {
    const baseline = photo('deepface-img3.jpg');
    expect(media.decodePreview(baseline, await media.probe(baseline, 64e6))).toBeNull();
    const png = await sharp(photo('deepface-img40.jpg')).resize(300).png().toBuffer();
    expect(media.decodePreview(png, await media.probe(png, 64e6))).toBeNull();
    const whole = photo('deepface-img40.jpg');
    const probed = await media.probe(whole, 64e6);
    expect(media.decodePreview(whole.subarray(0, 2000), probed)).toBeNull();
  });
});
