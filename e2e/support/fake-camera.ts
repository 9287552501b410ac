/**
 * Chromium's fake camera (`--use-file-for-fake-video-capture`) plays a YUV4MPEG2 file, looped:
 * made here from pictures, so a browser test or bench decides what the camera sees.
 */
import { writeFileSync } from 'node:fs';
import sharp from 'sharp';

export const FRAME = { width: 360, height: 480 };
export const FPS = 10;

/** Chromium switches for a fake camera playing `video` (and no permission prompt). */
export function fakeCameraArgs(video: string): string[] {
  return ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`];
}

/** YUV4MPEG2 (C420) frames from RGB pictures: what Chromium's fake camera plays (and loops). */
export async function writeY4m(file: string, segments: { png: Buffer; frames: number }[]): Promise<void> {
  const chunks: Buffer[] = [Buffer.from(`YUV4MPEG2 W${FRAME.width} H${FRAME.height} F${FPS}:1 Ip A1:1 C420\n`)];
  for (const { png, frames } of segments) {
    const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const { width: w, height: h } = FRAME;
    const y = Buffer.alloc(w * h);
    const u = Buffer.alloc((w / 2) * (h / 2));
    const v = Buffer.alloc((w / 2) * (h / 2));
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++) {
        const k = (j * w + i) * 3;
        const [r, g, b] = [data[k]!, data[k + 1]!, data[k + 2]!];
        y[j * w + i] = Math.round(0.257 * r + 0.504 * g + 0.098 * b + 16);
        if (j % 2 === 0 && i % 2 === 0) {
          const c = (j / 2) * (w / 2) + i / 2;
          u[c] = Math.round(-0.148 * r - 0.291 * g + 0.439 * b + 128);
          v[c] = Math.round(0.439 * r - 0.368 * g - 0.071 * b + 128);
        }
      }
    }
    const frame = Buffer.concat([Buffer.from('FRAME\n'), y, u, v]);
    for (let n = 0; n < frames; n++) chunks.push(frame);
  }
  writeFileSync(file, Buffer.concat(chunks));
}
