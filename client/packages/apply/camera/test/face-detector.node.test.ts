/**
 * The h5 camera's detector + guide on real fixture photos, placed in a 480×640 frame the way a
 * person would stand in front of the camera: on target, then moved, scaled, darkened, rotated.
 */
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, test } from 'vitest';

import { SPECS } from '../../../../../shared/certificates';
import type { FaceDetector } from '../blazeface';
import { evaluateFrame, guideTarget, type HintCode } from '../face-guide';
import { loadNodeDetector, PHOTOS, rgbaFrame } from './node-detector';

const FRAME = { width: 480, height: 640 };
const target = guideTarget(SPECS.ga461, FRAME);
const PORTRAITS = ['hivision-test0.jpg', 'hivision-test1.jpg', 'deepface-img29.jpg'];

let detector: FaceDetector;
beforeAll(async () => {
  detector = await loadNodeDetector();
});

interface Placement {
  /** Eye midpoint offset from the target, in target face widths (+ = frame right / down). */
  dx?: number;
  dy?: number;
  scale?: number;
  rotateDeg?: number;
  /** Multiply every channel (0.25 = a dim room). */
  gain?: number;
}

/** The photo scaled and shifted so its face lands where the placement says, as a camera frame. */
async function placed(file: string, { dx = 0, dy = 0, scale = 1, rotateDeg = 0, gain = 1 }: Placement) {
  const source = path.join(PHOTOS, file);
  const seen = await detector.observe(await rgbaFrame(source));
  const face = seen.face!;
  const s = (target.faceWidth * scale) / face.box.width;
  const meta = await sharp(source).metadata();
  const w = Math.round((meta.width ?? 0) * s);
  const h = Math.round((meta.height ?? 0) * s);
  const eyeX = ((face.eyeLeft[0] + face.eyeRight[0]) / 2) * s;
  const eyeY = ((face.eyeLeft[1] + face.eyeRight[1]) / 2) * s;
  const pad = 2000;
  const grey = { r: 128, g: 128, b: 128, alpha: 1 };
  // One operation per pipeline: sharp runs extend after extract within one.
  const resized = await sharp(source).rotate().resize(w, h).removeAlpha().toBuffer();
  let img = sharp(await sharp(resized).extend({ top: pad, bottom: pad, left: pad, right: pad, background: grey }).toBuffer());
  const wantX = target.centreX + dx * target.faceWidth;
  const wantY = target.eyeY + dy * target.faceWidth;
  img = sharp(
    await img
      .extract({ left: Math.round(pad + eyeX - wantX), top: Math.round(pad + eyeY - wantY), width: FRAME.width, height: FRAME.height })
      .toBuffer(),
  );
  if (rotateDeg) {
    // Rotate about the frame centre and crop back to the frame.
    const rotated = await img.rotate(rotateDeg, { background: grey }).toBuffer({ resolveWithObject: true });
    img = sharp(rotated.data).extract({
      left: Math.round((rotated.info.width - FRAME.width) / 2),
      top: Math.round((rotated.info.height - FRAME.height) / 2),
      width: FRAME.width,
      height: FRAME.height,
    });
  }
  if (gain !== 1) img = sharp(await img.linear(gain, 0).toBuffer());
  return rgbaFrame(img);
}

async function hintsFor(file: string, placement: Placement, mirrored = false): Promise<HintCode[]> {
  const observation = await detector.observe(await placed(file, placement));
  return evaluateFrame(observation, target, { mirrored }).hints.map((h) => h.code);
}

describe.each(PORTRAITS)('%s in a 480×640 frame', (file) => {
  test('on target: ready (no hint)', async () => {
    expect(await hintsFor(file, {})).toEqual([]);
  });
  test('shifted to the frame left: 请向右移一点 (rear view), 请向左移一点 (mirrored front view)', async () => {
    expect(await hintsFor(file, { dx: -0.35 })).toEqual(['MOVE_RIGHT']);
    expect(await hintsFor(file, { dx: -0.35 }, true)).toEqual(['MOVE_LEFT']);
  });
  test('eyes too low: 请向上移一点', async () => {
    expect(await hintsFor(file, { dy: 0.35 })).toEqual(['MOVE_UP']);
  });
  test('far away: 请靠近一点; too close: 请离远一点', async () => {
    expect(await hintsFor(file, { scale: 0.65 })).toContain('MOVE_CLOSER');
    expect(await hintsFor(file, { scale: 1.4 })).toContain('MOVE_BACK');
  });
  test('dim room: 光线太暗 comes first', async () => {
    expect((await hintsFor(file, { gain: 0.3 }))[0]).toBe('TOO_DARK');
  });
  test('head rolled 14°: 请保持头部端正', async () => {
    expect(await hintsFor(file, { rotateDeg: 14 })).toContain('HEAD_TILTED');
  });
});

test('two people: 画面中只能有一个人', async () => {
  const observation = await detector.observe(await rgbaFrame(path.join(PHOTOS, 'deepface-couple.jpg')));
  expect(observation.faceCount).toBe(2);
  expect(evaluateFrame(observation, guideTarget(SPECS.ga461, observation.frame)).hints[0]?.code).toBe('MULTIPLE_FACES');
});

test('an empty wall: 请将脸部对准框内', async () => {
  const wall = sharp({ create: { width: 480, height: 640, channels: 3, background: { r: 200, g: 196, b: 190 } } }).png();
  const observation = await detector.observe(await rgbaFrame(wall));
  expect(evaluateFrame(observation, target).hints.map((h) => h.code)).toEqual(['NO_FACE']);
});
