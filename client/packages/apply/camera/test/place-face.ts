/** Real photos placed in a camera frame where a test wants the face (tests and the browser test's video). */
import sharp from 'sharp';

import type { FaceDetector } from '../blazeface';
import type { GuideTarget } from '../face-guide';
import { rgbaFrame } from './node-detector';

export interface Placement {
  /** Eye midpoint offset from the target, in target face widths (+ = frame right / down). */
  dx?: number;
  dy?: number;
  scale?: number;
  rotateDeg?: number;
  /** Multiply every channel (0.25 = a dim room). */
  gain?: number;
}

/** The photo (PNG) scaled and shifted so its face lands where the placement says, as a camera frame. */
export async function placeFace(detector: FaceDetector, source: string, target: GuideTarget, { dx = 0, dy = 0, scale = 1, rotateDeg = 0, gain = 1 }: Placement) {
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
      .extract({ left: Math.round(pad + eyeX - wantX), top: Math.round(pad + eyeY - wantY), width: target.frame.width, height: target.frame.height })
      .toBuffer(),
  );
  if (rotateDeg) {
    // Rotate about the frame centre and crop back to the frame.
    const rotated = await img.rotate(rotateDeg, { background: grey }).toBuffer({ resolveWithObject: true });
    img = sharp(rotated.data).extract({
      left: Math.round((rotated.info.width - target.frame.width) / 2),
      top: Math.round((rotated.info.height - target.frame.height) / 2),
      width: target.frame.width,
      height: target.frame.height,
    });
  }
  if (gain !== 1) img = sharp(await img.linear(gain, 0).toBuffer());
  return img.removeAlpha().png().toBuffer();
}

