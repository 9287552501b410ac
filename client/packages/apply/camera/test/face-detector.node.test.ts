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
import { placeFace, type Placement } from './place-face';

const FRAME = { width: 480, height: 640 };
const target = guideTarget(SPECS.ga461, FRAME);
const PORTRAITS = ['hivision-test0.jpg', 'hivision-test1.jpg', 'deepface-img29.jpg'];

let detector: FaceDetector;
beforeAll(async () => {
  detector = await loadNodeDetector();
});

async function hintsFor(file: string, placement: Placement, mirrored = false): Promise<HintCode[]> {
  const observation = await detector.observe(await rgbaFrame(sharp(await placeFace(detector, path.join(PHOTOS, file), target, placement))));
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
