/**
 * The photo engine on real portraits: outputs meet their spec as measured by a second, independent
 * face model on the output file; degraded photos are refused with the matching code; hostile
 * inputs get a clear code and never crash the process.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getCertificate, type CertCode } from '../../shared/certificates';
import { processPhoto } from '../src/photo/engine';
import { BACKGROUNDS } from '../../shared/photo-background';
import * as degrade from './support/degrade';
import { measureOutput, readJpegHeader } from './support/verify-output';

const photos = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/photos');
const photo = (name: string) => readFileSync(path.join(photos, name));

const GOOD = ['hivision-test0.jpg', 'hivision-test1.jpg', 'hivision-test2.jpg', 'deepface-img10.jpg', 'deepface-img29.jpg', 'deepface-img3.jpg', 'deepface-img47.jpg'];
const CERTS: CertCode[] = ['resident_id', 'passport', 'driver_license'];

describe.each(CERTS)('good portraits → %s', (cert) => {
  const spec = getCertificate(cert).spec;

  it.each(GOOD)('%s meets every number of the spec on the output file', async (name) => {
    const { report, jpeg } = await processPhoto(photo(name), cert);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(jpeg).not.toBeNull();
    const file = jpeg!;

    // The file itself: exact pixels, baseline 24-bit JPEG, density in the JFIF header, no metadata.
    const header = await readJpegHeader(file);
    expect([header.width, header.height]).toEqual([spec.width, spec.height]);
    expect(header.baseline).toBe(true);
    expect(header.components).toBe(3);
    expect(header.jfif).toEqual({ units: 1, xDensity: spec.dpi, yDensity: spec.dpi });
    expect(header.hasExif || header.hasXmp || header.hasIcc).toBe(false);
    expect(header.appMarkers).toEqual(['APP0']);
    expect(file.length).toBeGreaterThanOrEqual(spec.fileBytes.min);
    expect(file.length).toBeLessThanOrEqual(spec.fileBytes.max);
    expect(report.output).toMatchObject({ width: spec.width, height: spec.height, bytes: file.length, dpi: spec.dpi, format: 'jpeg' });

    // Geometry re-measured by face-api (68 landmarks), not taken from the report.
    const m = await measureOutput(file);
    expect(m.faces).toBe(1);
    expect(m.crownMargin).toBeGreaterThanOrEqual(spec.crownMargin.min);
    expect(m.crownMargin).toBeLessThanOrEqual(spec.crownMargin.max);
    if (spec.eyeLine) {
      expect(m.eyeLineY).toBeGreaterThanOrEqual(spec.eyeLine.min);
      expect(m.eyeLineY).toBeLessThanOrEqual(spec.eyeLine.max);
    }
    if (spec.headHeight) {
      expect(m.headHeight).toBeGreaterThanOrEqual(spec.headHeight.min - 2);
      expect(m.headHeight).toBeLessThanOrEqual(spec.headHeight.max + 2);
    }
    expect(Math.abs(m.faceCentreX - spec.width / 2)).toBeLessThanOrEqual(8);
    expect(Math.abs(m.rollDeg)).toBeLessThanOrEqual(3);
    // The width band, as the standard means it: GA 461 face width (jaw reading), exit-entry and
    // GA 482 head width at ear level, ears included (the verifier's own edge reading).
    const band = spec.widthBand;
    if (band.quantity === 'face') {
      expect(m.faceWidth).toBeGreaterThanOrEqual(band.min);
      expect(m.faceWidth).toBeLessThanOrEqual(band.max);
    } else {
      expect(m.headWidth).toBeGreaterThanOrEqual(band.min);
      expect(m.headWidth).toBeLessThanOrEqual(band.max);
      expect(report.warnings).not.toContain('FACE_WIDTH_OUT_OF_BAND');
      // The engine's matte and the verifier's pixel edge agree within 10 % of the band's top
      // (deepface-img3's fine hair against a light-blue logo wall differs most: 22 px).
      expect(Math.abs(report.geometry!.headWidth - m.headWidth)).toBeLessThanOrEqual(band.max * 0.1);
    }
    // The report's own geometry is measured on the output too, and agrees with the second model.
    expect(Math.abs(report.geometry!.eyeLine - m.eyeLineY)).toBeLessThanOrEqual(6);
    expect(Math.abs(report.geometry!.crownMargin - m.crownMargin)).toBeLessThanOrEqual(6);
  });
});

it('the background is replaced with pure white', async () => {
  // deepface-img3 stands against a light-blue backdrop with a logo.
  const { jpeg } = await processPhoto(photo('deepface-img3.jpg'), 'resident_id');
  const { decodeRgb } = await import('./support/face-api');
  const img = await decodeRgb(jpeg!);
  // Top corners are background: white up to JPEG rounding.
  for (const [x, y] of [[3, 3], [img.width - 4, 3], [3, 40], [img.width - 4, 40]] as const) {
    const i = (y * img.width + x) * 3;
    expect(Math.min(img.data[i]!, img.data[i + 1]!, img.data[i + 2]!)).toBeGreaterThanOrEqual(250);
  }
});

describe('degraded photos are refused with the matching code, their originals are not', () => {
  const sources = ['deepface-img3.jpg', 'hivision-test1.jpg', 'deepface-img10.jpg'];
  const cases = degrade.DEGRADATIONS;

  it.each(sources)('%s original passes every check the variants trip', async (name) => {
    const { report } = await processPhoto(photo(name), 'resident_id');
    const tripped = new Set(cases.map((c) => c[2]));
    expect(report.failures.filter((code) => tripped.has(code))).toEqual([]);
    expect(report.ok).toBe(true);
  });

  for (const source of sources) {
    it.each(cases)(`${source}: %s → %s`, async (_label, make, code) => {
      const { report } = await processPhoto(await make(photo(source)), 'resident_id');
      expect(report.ok).toBe(false);
      expect(report.failures).toContain(code);
    });
  }

  it('two people side by side → MULTIPLE_FACES', async () => {
    const pair = await degrade.sideBySide(photo('deepface-img3.jpg'), photo('deepface-img10.jpg'));
    const { report, jpeg } = await processPhoto(pair, 'resident_id');
    expect(report.failures).toEqual(['MULTIPLE_FACES']);
    expect(jpeg).toBeNull();
  });

  it('real group photos → MULTIPLE_FACES', async () => {
    for (const name of ['deepface-couple.jpg', 'deepface-selfie-many-people.jpg']) {
      const { report } = await processPhoto(photo(name), 'resident_id');
      expect(report.failures, name).toEqual(['MULTIPLE_FACES']);
    }
  });

  it('no face → NO_FACE', async () => {
    const { report } = await processPhoto(await degrade.noFace(), 'passport');
    expect(report.failures).toEqual(['NO_FACE']);
    const { report: clothes } = await processPhoto(await degrade.noFace(photo('deepface-img10.jpg')), 'passport');
    expect(clothes.failures).toEqual(['NO_FACE']);
  });

  it('a crown a few pixels below the top edge is accepted: the margin above is made', async () => {
    // deepface-img32: the hair comes within a few pixels of the top edge (it used to be refused).
    const { report, jpeg } = await processPhoto(photo('deepface-img32.jpg'), 'resident_id');
    expect(report.failures).toEqual([]);
    const m = await measureOutput(jpeg!);
    expect(m.crownMargin).toBeGreaterThanOrEqual(7);
    expect(m.crownMargin).toBeLessThanOrEqual(21);
    // A portrait cut so that its crown sits 3 px below the top edge passes too.
    const source = photo('hivision-test1.jpg');
    const near = await degrade.cropTopAt(source, await degrade.crownRow(source), 3);
    expect((await processPhoto(near, 'resident_id')).report.failures).toEqual([]);
  });

  it('hair really running out of the top → HEAD_CUT_OFF naming the hair', async () => {
    const source = photo('deepface-img32.jpg');
    // Cut 120 px into the hair (the head is ~600 px wide): the crown is not in the photo.
    const cut = await degrade.cropTopAt(source, 0, -120);
    const { report, jpeg } = await processPhoto(cut, 'resident_id');
    expect(report.failures).toContain('HEAD_CUT_OFF');
    const check = report.checks.find((c) => c.code === 'HEAD_CUT_OFF')!;
    expect(check.detail).toBe('hair_top');
    expect(check.message).toMatch(/头顶/);
    expect(jpeg).toBeNull();
  });

  it('a burnt-out photo → TOO_BRIGHT, not NO_FACE', async () => {
    for (const name of ['hivision-test1.jpg', 'deepface-img10.jpg']) {
      const { report } = await processPhoto(await degrade.overexposeStrong(photo(name)), 'resident_id');
      expect(report.failures, name).not.toContain('NO_FACE');
      expect(report.failures, name).toContain('TOO_BRIGHT');
    }
  });
});

describe('studio light and tight framing (issue 13)', () => {
  it('a smooth one-sided key light is evened and accepted; a hard shadow over half the face is still UNEVEN_LIGHTING', async () => {
    // deepface-img24: studio key light from the image-right side (cheeks 0.46 before evening).
    const source = photo('deepface-img24.jpg');
    const { report } = await processPhoto(source, 'passport');
    expect(report.failures).toEqual([]);
    const light = report.checks.find((c) => c.code === 'UNEVEN_LIGHTING')!;
    expect(light.pass).toBe(true);
    expect(light.value).toBeGreaterThanOrEqual(0.7);
    expect(light.limit).toMatch(/单侧光已均衡/);
    // The reviewer checks judge the photo's content as it was: no ear warning from the lift.
    expect(report.warnings).not.toContain('HAIR_OVER_EARS');
    const shadow = await processPhoto(await degrade.halfShadow(source), 'passport');
    expect(shadow.report.failures).toContain('UNEVEN_LIGHTING');
    const shade = shadow.report.checks.find((c) => c.code === 'UNEVEN_LIGHTING')!;
    expect(shade.value).toBeLessThan(0.4);
    expect(shade.limit).not.toMatch(/均衡/);
    // The same on another face: a smooth side light made on hivision-test0 (×0.4 → ×1 across the
    // face: cheeks 0.52) is evened and accepted; its hard half shadow is not.
    const made = await processPhoto(await degrade.sideLight(photo('hivision-test0.jpg')), 'resident_id');
    expect(made.report.failures).toEqual([]);
    expect(made.report.checks.find((c) => c.code === 'UNEVEN_LIGHTING')!.limit).toMatch(/单侧光已均衡/);
    expect((await processPhoto(await degrade.halfShadow(photo('hivision-test0.jpg')), 'resident_id')).report.failures).toContain('UNEVEN_LIGHTING');
  });

  it('驾驶证 with the shoulders in the photo but little below the collar: the clothing is continued, smoothly', async () => {
    // deepface-img32: the photo ends just below the collar; GA 482's tall frame needs ≈ 50 px more.
    const { report, jpeg } = await processPhoto(photo('deepface-img32.jpg'), 'driver_license');
    expect(report.failures).toEqual([]);
    const spec = getCertificate('driver_license').spec;
    const m = await measureOutput(jpeg!);
    expect(m.headHeight).toBeGreaterThanOrEqual(spec.headHeight!.min);
    expect(m.headHeight).toBeLessThanOrEqual(spec.headHeight!.max);
    expect(m.headWidth).toBeGreaterThanOrEqual(spec.widthBand.min);
    expect(m.headWidth).toBeLessThanOrEqual(spec.widthBand.max);
    expect(m.crownMargin).toBeGreaterThanOrEqual(spec.crownMargin.min);
    expect(m.crownMargin).toBeLessThanOrEqual(spec.crownMargin.max);
    // The made rows are smooth cloth, not streaks of repeated edge pixels: little change from one
    // column to the next in the bottom 8 rows (0.8 per channel; streaked edge copies read 6.6).
    const { decodeRgb } = await import('./support/face-api');
    const img = await decodeRgb(jpeg!);
    let diff = 0;
    let n = 0;
    for (let y = img.height - 8; y < img.height; y++) {
      for (let x = 1; x < img.width; x++) {
        for (let c = 0; c < 3; c++) diff += Math.abs(img.data[(y * img.width + x) * 3 + c]! - img.data[(y * img.width + x - 1) * 3 + c]!);
        n += 3;
      }
    }
    expect(diff / n).toBeLessThan(4);
    // The matte over made clothing follows the real edge's: deepface-img24's 驾驶证 bottom rows
    // are clothing, not white patches where the person mask gave up (6 % white; 17 % before).
    const other = await decodeRgb((await processPhoto(photo('deepface-img24.jpg'), 'driver_license')).jpeg!);
    let white = 0;
    for (let y = other.height - 10; y < other.height; y++) {
      for (let x = 0; x < other.width; x++) {
        const i = (y * other.width + x) * 3;
        if (Math.min(other.data[i]!, other.data[i + 1]!, other.data[i + 2]!) > 235) white++;
      }
    }
    expect(white / (10 * other.width)).toBeLessThan(0.1);
  });

  it('the same photo cut at the neck → HEAD_CUT_OFF naming the shoulders', async () => {
    const source = photo('deepface-img32.jpg');
    const box = (await degrade.findFaceBox(source))!;
    // Cut a little below the chin (face-api's box ends at the chin): only the neck is left.
    const neck = await degrade.cropBottomAt(source, Math.round(box.y + box.height * 1.1));
    for (const cert of ['driver_license', 'passport'] as const) {
      const { report, jpeg } = await processPhoto(neck, cert);
      const check = report.checks.find((c) => c.code === 'HEAD_CUT_OFF')!;
      expect(check.pass, cert).toBe(false);
      expect(check.detail, cert).toBe('shoulders_bottom');
      expect(jpeg, cert).toBeNull();
    }
  });
});

it('hair cut by the top edge that the mask loses is still HEAD_CUT_OFF naming the hair', async () => {
  // kphotoalbum-jesper-talking: the hair runs off the top edge over about a face width, but the
  // person mask ends 0.08 face widths below it (the model sees the hair end at the edge).
  const source = readFileSync(path.join(photos, '../portraits/kphotoalbum-jesper-talking.jpg'));
  for (const cert of ['resident_id', 'driver_license'] as const) {
    const { report } = await processPhoto(source, cert);
    const check = report.checks.find((c) => c.code === 'HEAD_CUT_OFF')!;
    expect(check.pass, cert).toBe(false);
    expect(check.detail, cert).toBe('hair_top');
  }
});

describe('straightening', () => {
  it('a head rolled 7° comes out level (≤ 1° by the second model)', async () => {
    const { report, jpeg } = await processPhoto(await degrade.rotate(photo('deepface-img10.jpg'), 7), 'resident_id');
    expect(report.failures).toEqual([]);
    expect(Math.abs(report.checks.find((c) => c.code === 'HEAD_TILTED')!.value!)).toBeGreaterThan(5);
    expect(Math.abs((await measureOutput(jpeg!)).rollDeg)).toBeLessThanOrEqual(1);
  });

  it('a head rolled 15° → HEAD_TILTED with the measured angle', async () => {
    const { report } = await processPhoto(await degrade.rotate(photo('deepface-img10.jpg'), 15), 'resident_id');
    expect(report.failures).toEqual(['HEAD_TILTED']);
    const value = report.checks.find((c) => c.code === 'HEAD_TILTED')!.value!;
    expect(Math.abs(value)).toBeGreaterThan(12);
    expect(Math.abs(value)).toBeLessThan(18);
  });
});

describe('background colour', () => {
  it('the same matte on light blue, as one setting', async () => {
    const { report, jpeg } = await processPhoto(photo('hivision-test1.jpg'), 'resident_id', { background: BACKGROUNDS.light_blue });
    expect(report.ok).toBe(true);
    expect(report.output!.background).toEqual({ name: '浅蓝色', rgb: [142, 197, 240] });
    const { decodeRgb } = await import('./support/face-api');
    const img = await decodeRgb(jpeg!);
    for (const [x, y] of [[3, 3], [img.width - 4, 3]] as const) {
      const i = (y * img.width + x) * 3;
      const [r, g, b] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
      expect(Math.abs(r - 142) + Math.abs(g - 197) + Math.abs(b - 240)).toBeLessThanOrEqual(12);
    }
  });
});

describe('hostile input gets a clear code and never crashes', () => {
  it('garbage bytes → INPUT_UNREADABLE', async () => {
    const { report, jpeg } = await processPhoto(Buffer.from('this is not an image at all, just text'), 'resident_id');
    expect(report.failures).toEqual(['INPUT_UNREADABLE']);
    expect(report.checks[0]!.message).toMatch(/[\u4e00-\u9fff]/);
    expect(jpeg).toBeNull();
  });

  it('zero bytes → INPUT_UNREADABLE', async () => {
    expect((await processPhoto(Buffer.alloc(0), 'resident_id')).report.failures).toEqual(['INPUT_UNREADABLE']);
  });

  it('a truncated JPEG → INPUT_UNREADABLE', async () => {
    const full = photo('deepface-img3.jpg');
    const { report } = await processPhoto(full.subarray(0, Math.floor(full.length / 3)), 'resident_id');
    expect(report.failures).toEqual(['INPUT_UNREADABLE']);
  });

  it('a 60000×60000 PNG header (decompression bomb) → INPUT_TOO_LARGE without decoding', async () => {
    const bomb = pngHeader(60000, 60000);
    const before = process.memoryUsage.rss();
    const { report } = await processPhoto(bomb, 'resident_id');
    expect(report.failures).toEqual(['INPUT_TOO_LARGE']);
    expect(process.memoryUsage.rss() - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('a 30 MB file → INPUT_TOO_LARGE', async () => {
    const big = Buffer.concat([photo('deepface-img3.jpg'), Buffer.alloc(30 * 1024 * 1024, 0x20)]);
    expect((await processPhoto(big, 'resident_id')).report.failures).toEqual(['INPUT_TOO_LARGE']);
  });

  it('an SVG → INPUT_UNSUPPORTED', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="500"><rect width="400" height="500" fill="red"/></svg>');
    expect((await processPhoto(svg, 'resident_id')).report.failures).toEqual(['INPUT_UNSUPPORTED']);
  });

  it('the engine still works after all of that', async () => {
    expect((await processPhoto(photo('deepface-img10.jpg'), 'resident_id')).report.ok).toBe(true);
  });
});

it('honours EXIF orientation and keeps no metadata', async () => {
  const sharp = (await import('sharp')).default;
  // Store the portrait rotated on its side with an EXIF tag that says "rotate 90° to view".
  const sideways = await sharp(photo('deepface-img10.jpg')).rotate(-90).withMetadata({ orientation: 6 }).jpeg().toBuffer();
  expect((await sharp(sideways).metadata()).orientation).toBe(6);
  const { report, jpeg } = await processPhoto(sideways, 'resident_id');
  expect(report.ok).toBe(true);
  const header = await readJpegHeader(jpeg!);
  expect(header.hasExif).toBe(false);
  expect(Math.abs((await measureOutput(jpeg!)).rollDeg)).toBeLessThan(3);
});

/** A valid PNG signature + IHDR chunk claiming the given size, and nothing else. */
function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // colour type RGB
  const type = Buffer.from('IHDR');
  const crc = crc32(Buffer.concat([type, ihdr]));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(13);
  const crcBuf = Buffer.alloc(4);
  crcBuf.writeUInt32BE(crc >>> 0);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), len, type, ihdr, crcBuf]);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c;
}
