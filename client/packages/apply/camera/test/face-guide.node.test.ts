import { describe, expect, test } from 'vitest';

import { SPECS } from '../../../../../shared/certificates';

import { FaceGuide, evaluateFrame, guideTarget, type FaceLandmarks, type FaceObservation, type HintCode } from '../face-guide';

const frame = { width: 480, height: 640 };
const target = guideTarget(SPECS.ga461, frame);

/** A face exactly on target, then moved / scaled / turned by the case. */
function face({ dx = 0, dy = 0, scale = 1, rollDeg = 0, yawDeg = 0, luma = 150 } = {}): FaceLandmarks {
  const w = target.faceWidth * scale;
  const cx = target.centreX + dx * target.faceWidth;
  const cy = target.eyeY + dy * target.faceWidth;
  const half = (w * 0.4) / 2;
  const r = (rollDeg * Math.PI) / 180;
  return {
    box: { x: cx - w / 2, y: cy - w * 0.4, width: w, height: w },
    eyeLeft: [cx - half * Math.cos(r), cy - half * Math.sin(r)],
    eyeRight: [cx + half * Math.cos(r), cy + half * Math.sin(r)],
    yawDeg,
    luma,
  };
}
const seen = (f: FaceLandmarks | null, faceCount = f ? 1 : 0): FaceObservation => ({ frame, face: f, faceCount });
const codes = (o: FaceObservation, mirrored = true) => evaluateFrame(o, target, { mirrored }).hints.map((h) => h.code);

describe('evaluateFrame', () => {
  const cases: [string, FaceObservation, HintCode[], boolean?][] = [
    ['no face', seen(null), ['NO_FACE']],
    ['on target', seen(face()), []],
    ['two people', seen(face(), 2), ['MULTIPLE_FACES']],
    ['dark', seen(face({ luma: 40 })), ['TOO_DARK']],
    ['bright', seen(face({ luma: 240 })), ['TOO_BRIGHT']],
    ['far away', seen(face({ scale: 0.7 })), ['MOVE_CLOSER']],
    ['too close', seen(face({ scale: 1.3 })), ['MOVE_BACK']],
    // Frame-right is the view's left in the mirrored front-camera view.
    ['frame-right, mirrored', seen(face({ dx: 0.3 })), ['MOVE_RIGHT']],
    ['frame-right, not mirrored', seen(face({ dx: 0.3 })), ['MOVE_LEFT'], false],
    ['frame-left, not mirrored', seen(face({ dx: -0.3 })), ['MOVE_RIGHT'], false],
    ['eyes low', seen(face({ dy: 0.3 })), ['MOVE_UP']],
    ['eyes high', seen(face({ dy: -0.3 })), ['MOVE_DOWN']],
    ['tilted', seen(face({ rollDeg: 10 })), ['HEAD_TILTED']],
    ['turned', seen(face({ yawDeg: 25 })), ['NOT_FACING_CAMERA']],
    ['dark and far: light first', seen(face({ luma: 30, scale: 0.6 })), ['TOO_DARK', 'MOVE_CLOSER']],
    ['far and tilted: distance first', seen(face({ scale: 0.6, rollDeg: 12 })), ['MOVE_CLOSER', 'HEAD_TILTED']],
  ];
  test.each(cases)('%s', (_name, observation, expected, mirrored = true) => {
    expect(codes(observation, mirrored)).toEqual(expected);
  });

  test('messages are the Chinese hints', () => {
    expect(evaluateFrame(seen(face({ scale: 0.6 })), target).hints[0]?.message).toBe('请靠近一点');
    expect(evaluateFrame(seen(face({ luma: 30 })), target).hints[0]?.message).toMatch(/^光线太暗/);
  });

  test('the oval follows the certificate: exit-entry eyes sit lower and the face larger than GA 482', () => {
    const exit = guideTarget(SPECS.exit_entry, frame);
    const drive = guideTarget(SPECS.ga482, frame);
    expect(exit.oval.y + exit.oval.height).toBeGreaterThan(drive.oval.y + drive.oval.height - 0.2);
    expect(exit.viewAspect).not.toBeCloseTo(drive.viewAspect, 2);
    for (const t of [target, exit, drive]) {
      expect(t.oval.x).toBeGreaterThan(0);
      expect(t.oval.y).toBeGreaterThan(0);
      expect(t.oval.y + t.oval.height).toBeLessThan(1);
    }
  });
});

describe('FaceGuide (hold, hysteresis, reset)', () => {
  test('captures once after the conditions hold for 800 ms of consecutive frames', () => {
    const guide = new FaceGuide(target);
    const fired: number[] = [];
    for (let t = 0; t <= 1500; t += 100) if (guide.update(seen(face()), t).capture) fired.push(t);
    expect(fired).toEqual([800]);
  });

  test('a bad frame restarts the wait; the face leaving forgets everything', () => {
    const guide = new FaceGuide(target);
    guide.update(seen(face()), 0);
    expect(guide.update(seen(face()), 500).holdProgress).toBeCloseTo(500 / 800);
    guide.update(seen(face({ scale: 0.5 })), 600);
    expect(guide.update(seen(face()), 700).holdProgress).toBe(0);
    expect(guide.update(seen(face()), 1400).capture).toBe(false);
    expect(guide.update(seen(face()), 1500).capture).toBe(true);
    guide.reset();
    expect(guide.update(seen(face()), 1600).capture).toBe(false);
  });

  test('hysteresis: a face that passed stays passing inside the slack, a new one does not', () => {
    const edge = seen(face({ scale: 0.86 })); // below 0.88, above 0.88 − 0.05
    const fresh = new FaceGuide(target);
    expect(fresh.update(edge, 0).hints.map((h) => h.code)).toEqual(['MOVE_CLOSER']);
    const settled = new FaceGuide(target);
    settled.update(seen(face()), 0);
    expect(settled.update(edge, 100).ready).toBe(true);
    // …until the face leaves.
    settled.update(seen(null), 200);
    expect(settled.update(edge, 300).ready).toBe(false);
  });
});
