/**
 * Proves the test-support tools on real photos: the face-api verifier, the JPEG header parser and
 * the input degraders. Run: npx vitest run server/test/support
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import * as degrade from './degrade';
import { decodeRgb, detectFaces68, loadFaceApi, type FaceBox, type RgbImage } from './face-api';
import { findCrownY, measureOutput, readJpegHeader } from './verify-output';

const PHOTOS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/photos');
const photo = (name: string): Buffer => readFileSync(path.join(PHOTOS, name));

/** Mean Rec. 601 luma and per-channel means over a region (default: whole image). */
function stats(img: RgbImage, region?: { x0: number; x1: number; y0: number; y1: number }) {
  const { x0 = 0, x1 = img.width, y0 = 0, y1 = img.height } = region ?? {};
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  let maxChannelDiff = 0;
  let burnt = 0;
  for (let y = Math.max(0, Math.round(y0)); y < Math.min(img.height, Math.round(y1)); y++) {
    for (let x = Math.max(0, Math.round(x0)); x < Math.min(img.width, Math.round(x1)); x++) {
      const i = (y * img.width + x) * 3;
      const R = img.data[i]!;
      const G = img.data[i + 1]!;
      const B = img.data[i + 2]!;
      r += R;
      g += G;
      b += B;
      n++;
      maxChannelDiff = Math.max(maxChannelDiff, Math.abs(R - G), Math.abs(G - B), Math.abs(R - B));
      if (Math.min(R, G, B) >= 250) burnt++;
    }
  }
  r /= n;
  g /= n;
  b /= n;
  return { r, g, b, luma: 0.299 * r + 0.587 * g + 0.114 * b, maxChannelDiff, burntFraction: burnt / n };
}

/** Mean absolute difference between horizontal neighbours of the luma (a crude sharpness). */
function sharpness(img: RgbImage, box: FaceBox): number {
  let sum = 0;
  let n = 0;
  const luma = (x: number, y: number): number => {
    const i = (y * img.width + x) * 3;
    return 0.299 * img.data[i]! + 0.587 * img.data[i + 1]! + 0.114 * img.data[i + 2]!;
  };
  for (let y = Math.round(box.y); y < Math.round(box.y + box.height); y++) {
    for (let x = Math.round(box.x); x < Math.round(box.x + box.width) - 1; x++) {
      sum += Math.abs(luma(x + 1, y) - luma(x, y));
      n++;
    }
  }
  return sum / n;
}

/** The output must be a baseline JPEG sharp can decode. */
async function expectJpeg(buf: Buffer): Promise<RgbImage> {
  const header = await readJpegHeader(buf);
  expect(header.baseline).toBe(true);
  expect(header.components).toBe(3);
  expect((await sharp(buf).metadata()).format).toBe('jpeg');
  const img = await decodeRgb(buf);
  expect([img.width, img.height]).toEqual([header.width, header.height]);
  return img;
}

beforeAll(async () => {
  await loadFaceApi();
});

describe('measureOutput (face-api second opinion)', () => {
  it('finds exactly one face of plausible width on a 358-wide portrait', async () => {
    const small = await sharp(photo('hivision-test0.jpg')).rotate().resize({ width: 358 }).jpeg({ quality: 70 }).toBuffer();
    const m = await measureOutput(small);
    expect(m.width).toBe(358);
    expect(m.height).toBe(477);
    expect(m.faces).toBe(1);
    // The source (576 wide) has a ~153 px jaw width, so ~95 px here.
    expect(m.faceWidth).toBeGreaterThan(85);
    expect(m.faceWidth).toBeLessThan(110);
    expect(Math.abs(m.faceCentreX - 358 / 2)).toBeLessThan(30);
    expect(Math.abs(m.eyeMidX - m.faceCentreX)).toBeLessThan(15);
    expect(m.eyeLineY).toBeGreaterThan(80);
    expect(m.chinY).toBeGreaterThan(m.eyeLineY + 40);
    expect(Math.abs(m.rollDeg)).toBeLessThan(8);
    expect(m.landmarks).toHaveLength(68);
  });

  it('measures the crown on a white background (real hair edge)', async () => {
    // The grey studio backdrop (165–205) is pushed to pure white, the dark hair stays dark: a real
    // hair edge on white like an engine output. The crown sits at y ≈ 36 (checked by eye).
    const white = await sharp(photo('hivision-test0.jpg'))
      .rotate()
      .linear(255 / 160, 0)
      .resize({ width: 358 })
      .jpeg({ quality: 70 })
      .toBuffer();
    const m = await measureOutput(white);
    expect(m.faces).toBe(1);
    expect(m.crownY).toBeGreaterThanOrEqual(32);
    expect(m.crownY).toBeLessThanOrEqual(40);
    expect(m.crownMargin).toBe(m.crownY);
    expect(m.headHeight).toBeCloseTo(m.chinY - m.crownY, 6);
    expect(m.headHeight).toBeGreaterThan(1.3 * m.faceWidth);
  });

  it('puts the crown at the first row of an antialiased dark shape on white, within 1 px', async () => {
    // An ellipse whose top is exactly y = 60, JPEG-compressed at quality 70 like an output.
    const svg = '<svg width="358" height="441"><ellipse cx="179" cy="180" rx="110" ry="120" fill="#2a211c"/></svg>';
    const jpeg = await sharp({ create: { width: 358, height: 441, channels: 3, background: '#ffffff' } })
      .composite([{ input: Buffer.from(svg) }])
      .jpeg({ quality: 70 })
      .toBuffer();
    const img = await decodeRgb(jpeg);
    const crown = findCrownY(img, 179, 200, 200);
    expect(Math.abs(crown - 60)).toBeLessThanOrEqual(1);
    // Hair cut by the top edge: the crown is row 0.
    const cut = await decodeRgb(await sharp(jpeg).extract({ left: 0, top: 100, width: 358, height: 341 }).toBuffer());
    expect(findCrownY(cut, 179, 200, 100)).toBe(0);
  });

  it('finds two faces in the couple photo and none in a no-face image', async () => {
    expect((await measureOutput(photo('deepface-couple.jpg'))).faces).toBe(2);
    const none = await measureOutput(await degrade.noFace());
    expect(none.faces).toBe(0);
    expect(Number.isNaN(none.faceWidth)).toBe(true);
  });
});

describe('readJpegHeader', () => {
  const base = () => sharp(photo('hivision-test0.jpg')).rotate().resize(358, 441, { fit: 'cover' });

  it('reads a sharp-made baseline JPEG', async () => {
    const h = await readJpegHeader(await base().jpeg({ quality: 70 }).toBuffer());
    expect(h).toMatchObject({ baseline: true, progressive: false, sof: 'SOF0', components: 3, width: 358, height: 441 });
    // sharp 0.35 (libvips + mozjpeg) writes no APP0/JFIF segment and no metadata by default.
    expect(h.jfif).toBeNull();
    expect(h).toMatchObject({ hasExif: false, hasXmp: false, hasIcc: false, appMarkers: [], comments: 0 });
  });

  it('detects the EXIF block that withMetadata() adds, and progressive / grey frames', async () => {
    const withMeta = await readJpegHeader(await base().withMetadata().jpeg().toBuffer());
    expect(withMeta.hasExif).toBe(true);
    expect(withMeta.appMarkers).toContain('APP1');
    const withDensity = await readJpegHeader(await base().withMetadata({ density: 350 }).jpeg().toBuffer());
    expect(withDensity.hasExif).toBe(true);
    const progressive = await readJpegHeader(await base().jpeg({ progressive: true }).toBuffer());
    expect(progressive).toMatchObject({ baseline: false, progressive: true, sof: 'SOF2' });
    const grey = await readJpegHeader(await base().toColourspace('b-w').jpeg().toBuffer());
    expect(grey.components).toBe(1);
  });

  it('reads JFIF density, comments and fill bytes in hand-made segments', async () => {
    const jpeg = await base().jpeg({ quality: 70 }).toBuffer();
    const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0', 'latin1'), 1, 1, 1, 0x01, 0x5e, 0x01, 0x5e, 0, 0]);
    const com = Buffer.from([0xff, 0xfe, 0x00, 0x05, ...Buffer.from('abc', 'latin1')]);
    const fill = Buffer.from([0xff, 0xff]); // fill bytes before the next marker's 0xff
    const crafted = Buffer.concat([jpeg.subarray(0, 2), app0, com, fill, jpeg.subarray(2)]);
    const h = await readJpegHeader(crafted);
    expect(h.jfif).toEqual({ units: 1, xDensity: 350, yDensity: 350 });
    expect(h.comments).toBe(1);
    expect(h.appMarkers).toEqual(['APP0']);
    expect(h).toMatchObject({ baseline: true, width: 358, height: 441 });
    expect((await sharp(crafted).metadata()).width).toBe(358);
  });

  it('reads real camera files and rejects non-JPEG data', async () => {
    const canon = await readJpegHeader(photo('hivision-test0.jpg'));
    expect(canon).toMatchObject({ baseline: true, width: 576, height: 768, hasExif: true, hasXmp: true, hasIcc: true });
    expect(canon.jfif).toEqual({ units: 1, xDensity: 72, yDensity: 72 });
    expect(await readJpegHeader(photo('deepface-img57.jpg'))).toMatchObject({ comments: 1 });
    expect(await readJpegHeader(photo('deepface-img13.jpg'))).toMatchObject({ progressive: true, width: 2048, height: 1364 });
    // hivision-test2.jpg is really a PNG, hivision-test1.jpg and deepface-img47.jpg are WebP.
    await expect(readJpegHeader(photo('hivision-test2.jpg'))).rejects.toThrow(/not a JPEG/);
    await expect(readJpegHeader(photo('hivision-test1.jpg'))).rejects.toThrow(/not a JPEG/);
    await expect(readJpegHeader(Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0x00, 0x43, 0x00]))).rejects.toThrow();
  });
});

describe('degrade', () => {
  const src = photo('hivision-test0.jpg');
  let original: RgbImage;
  let box: FaceBox;

  beforeAll(async () => {
    original = await decodeRgb(src);
    const found = await degrade.findFaceBox(src);
    if (!found) throw new Error('no face in hivision-test0');
    box = found;
  });

  it('findFaceBox returns the face in source pixels', () => {
    expect(box.width).toBeGreaterThan(120);
    expect(box.width).toBeLessThan(180);
    expect(box.x + box.width / 2).toBeGreaterThan(original.width * 0.4);
    expect(box.x + box.width / 2).toBeLessThan(original.width * 0.65);
  });

  it('findFaceBox maps boxes found on a shrunk copy back to large sources', async () => {
    const big = await degrade.findFaceBox(photo('deepface-img40.jpg')); // 3061×4600
    expect(big).not.toBeNull();
    expect(big!.width).toBeGreaterThan(900);
    expect(big!.x + big!.width).toBeLessThan(3061);
  });

  it('blur softens the face but keeps it detectable', async () => {
    const out = await expectJpeg(await degrade.blur(src));
    expect(sharpness(out, box)).toBeLessThan(0.6 * sharpness(original, box));
    expect(await detectFaces68(out)).toHaveLength(1);
  });

  it('darken lowers the mean luminance strongly', async () => {
    const out = await expectJpeg(await degrade.darken(src));
    expect(stats(out).luma).toBeLessThan(0.35 * stats(original).luma);
  });

  it('overexpose brightens and burns out part of the picture', async () => {
    const out = await expectJpeg(await degrade.overexpose(src));
    const faceRegion = { x0: box.x, x1: box.x + box.width, y0: box.y, y1: box.y + box.height };
    expect(stats(out, faceRegion).luma).toBeGreaterThan(stats(original, faceRegion).luma + 50);
    expect(stats(out, faceRegion).burntFraction).toBeGreaterThan(0.3);
  });

  it('grayscale gives equal channels in a 3-channel JPEG', async () => {
    expect(stats(original).maxChannelDiff).toBeGreaterThan(40);
    const out = await expectJpeg(await degrade.grayscale(src));
    expect(stats(out).maxChannelDiff).toBeLessThanOrEqual(3);
  });

  it('colourCast shifts the channel balance to red or green', async () => {
    const o = stats(original);
    const red = stats(await expectJpeg(await degrade.colourCast(src)));
    const green = stats(await expectJpeg(await degrade.colourCast(src, 'green')));
    expect(red.r - red.g).toBeGreaterThan(o.r - o.g + 50);
    expect(green.g - green.r).toBeGreaterThan(o.g - o.r + 50);
  });

  it('rotate rolls the head by about 35° on a larger canvas', async () => {
    const out = await expectJpeg(await degrade.rotate(src));
    const rad = (35 * Math.PI) / 180;
    expect(out.width).toBeCloseTo(original.width * Math.cos(rad) + original.height * Math.sin(rad), -1);
    const before = await measureOutput(src);
    const after = await measureOutput(await degrade.rotate(src));
    expect(after.faces).toBe(1);
    expect(after.rollDeg - before.rollDeg).toBeGreaterThan(28);
    expect(after.rollDeg - before.rollDeg).toBeLessThan(42);
  });

  it('cropToFace cuts off crown and chin', async () => {
    const out = await expectJpeg(await degrade.cropToFace(src, box));
    const face = (await detectFaces68(original))[0]!;
    const chinY = face.landmarks[8]!.y;
    const top = Math.round(box.y + 0.05 * box.height);
    expect(top + out.height).toBeLessThan(chinY - 10); // chin below the crop
    expect(top).toBeGreaterThan(box.y); // forehead top (and the hair) above the crop
    expect(out.width).toBeLessThan(box.width * 1.15);
    // Same result when the box is found automatically.
    const auto = await decodeRgb(await degrade.cropToFace(src));
    expect(Math.abs(auto.width - out.width)).toBeLessThanOrEqual(2);
  });

  it('tiny makes a 120 px wide copy', async () => {
    const out = await expectJpeg(await degrade.tiny(src));
    expect(out.width).toBe(120);
    expect(out.height).toBe(160);
  });

  it('sideBySide puts two similar-sized faces next to each other', async () => {
    const out = await expectJpeg(await degrade.sideBySide(src, photo('deepface-img10.jpg')));
    const faces = await detectFaces68(out);
    expect(faces).toHaveLength(2);
    const [a, b] = faces.map((f) => f.box.width) as [number, number];
    expect(Math.max(a, b) / Math.min(a, b)).toBeLessThan(1.25);
    const centres = faces.map((f) => f.box.x + f.box.width / 2).sort((p, q) => p - q);
    expect(centres[1]! - centres[0]!).toBeGreaterThan(out.width / 4);
  });

  it('noFace makes photo-like images without a face', async () => {
    const synthetic = await expectJpeg(await degrade.noFace());
    expect(synthetic.width).toBe(720);
    expect(stats(synthetic).luma).toBeGreaterThan(60);
    expect(await detectFaces68(synthetic)).toHaveLength(0);
    // Deterministic.
    expect((await degrade.noFace()).equals(await degrade.noFace())).toBe(true);
    const clothing = await expectJpeg(await degrade.noFace(src));
    expect(await detectFaces68(clothing)).toHaveLength(0);
  });

  it('halfShadow darkens the image-left half of the face only', async () => {
    const out = await expectJpeg(await degrade.halfShadow(src, box));
    const left = { x0: box.x + 0.1 * box.width, x1: box.x + 0.4 * box.width, y0: box.y + 0.3 * box.height, y1: box.y + 0.8 * box.height };
    const right = { ...left, x0: box.x + 0.6 * box.width, x1: box.x + 0.9 * box.width };
    const ratioBefore = stats(original, left).luma / stats(original, right).luma;
    const ratioAfter = stats(out, left).luma / stats(out, right).luma;
    expect(ratioBefore).toBeGreaterThan(0.6); // the studio light is a little stronger on the right
    expect(ratioAfter).toBeLessThan(0.5 * ratioBefore);
    expect(await detectFaces68(out)).toHaveLength(1);
  });
});
