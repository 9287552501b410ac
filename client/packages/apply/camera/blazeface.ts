/**
 * On-device face detection with MediaPipe BlazeFace ("back" model, 256×256 input, 896 anchors,
 * shipped as a tfjs graph model in @vladmandic/human/models). The same code runs in the h5 build
 * (tfjs wasm backend in the browser) and in Node tests on real photos: the caller passes tfjs and the
 * loaded model in, so this file imports no platform.
 *
 * Output: the faces in frame pixels with BlazeFace's six keypoints (eyes, nose tip, mouth, ears),
 * and the mean luma of the best face's central region, which together make a FaceObservation.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';

import type { FaceObservation, Point } from './face-guide';

type Tf = typeof TfCore;

export const BLAZEFACE_INPUT = 256;

/** A frame as RGBA bytes (canvas ImageData, sharp `ensureAlpha().raw()`). */
export interface RgbaFrame {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

export interface Detection {
  score: number;
  /** Box in frame pixels. */
  box: { x: number; y: number; width: number; height: number };
  /** Image-left eye, image-right eye, nose tip, mouth centre, image-left ear, image-right ear. */
  keypoints: Point[];
}

/** Anchor centres in input pixels: 16×16 cells × 2 (stride 16), then 8×8 cells × 6 (stride 32). */
function anchors(size: number): Float32Array {
  const out: number[] = [];
  for (const [stride, perCell] of [
    [size / 16, 2],
    [size / 8, 6],
  ] as const) {
    const cells = Math.ceil(size / stride);
    for (let row = 0; row < cells; row++) {
      for (let col = 0; col < cells; col++) {
        for (let k = 0; k < perCell; k++) out.push(stride * (col + 0.5), stride * (row + 0.5));
      }
    }
  }
  return Float32Array.from(out);
}

const ANCHORS = anchors(BLAZEFACE_INPUT);
const ANCHOR_COUNT = ANCHORS.length / 2;

function iou(a: Detection['box'], b: Detection['box']): number {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/**
 * Decodes the model's rows (score logit + 16 regressors per anchor, 512 rows then 384) into
 * detections in square-input pixels, with MediaPipe's weighted non-maximum suppression (overlapping
 * candidates are averaged, which steadies the box from frame to frame).
 */
export function decodeRows(rows: Float32Array, minScore: number): Detection[] {
  const candidates: { score: number; values: number[] }[] = [];
  for (let i = 0; i < ANCHOR_COUNT; i++) {
    const base = i * 17;
    const logit = Math.max(-100, Math.min(100, rows[base] ?? -100));
    const score = 1 / (1 + Math.exp(-logit));
    if (score < minScore) continue;
    const ax = ANCHORS[2 * i] ?? 0;
    const ay = ANCHORS[2 * i + 1] ?? 0;
    const r = (k: number) => rows[base + 1 + k] ?? 0;
    const values = [r(0) + ax, r(1) + ay, r(2), r(3)];
    for (let k = 0; k < 6; k++) values.push(r(4 + 2 * k) + ax, r(5 + 2 * k) + ay);
    candidates.push({ score, values });
  }
  candidates.sort((a, b) => b.score - a.score);
  const toBox = (v: number[]) => ({
    x: (v[0] ?? 0) - (v[2] ?? 0) / 2,
    y: (v[1] ?? 0) - (v[3] ?? 0) / 2,
    width: v[2] ?? 0,
    height: v[3] ?? 0,
  });
  const faces: Detection[] = [];
  const used = new Array<boolean>(candidates.length).fill(false);
  for (let i = 0; i < candidates.length; i++) {
    if (used[i]) continue;
    const head = candidates[i]!;
    const headBox = toBox(head.values);
    const sum = new Array<number>(16).fill(0);
    let weight = 0;
    for (let j = i; j < candidates.length; j++) {
      if (used[j]) continue;
      const other = candidates[j]!;
      if (iou(headBox, toBox(other.values)) < 0.3) continue;
      used[j] = true;
      weight += other.score;
      other.values.forEach((v, k) => (sum[k] = (sum[k] ?? 0) + v * other.score));
    }
    const avg = sum.map((v) => v / weight);
    const keypoints: Point[] = [];
    for (let k = 0; k < 6; k++) keypoints.push([avg[4 + 2 * k] ?? 0, avg[5 + 2 * k] ?? 0]);
    faces.push({ score: head.score, box: toBox(avg), keypoints });
  }
  return faces;
}

/** Rec. 601 luma mean over the middle of the face box (cheeks, nose, eyes; not hair or background). */
export function faceLuma(frame: RgbaFrame, box: Detection['box']): number {
  const x0 = Math.max(0, Math.round(box.x + box.width * 0.2));
  const x1 = Math.min(frame.width, Math.round(box.x + box.width * 0.8));
  const y0 = Math.max(0, Math.round(box.y + box.height * 0.2));
  const y1 = Math.min(frame.height, Math.round(box.y + box.height * 0.85));
  const step = Math.max(1, Math.round((x1 - x0) / 48));
  let sum = 0;
  let n = 0;
  for (let y = y0; y < y1; y += step) {
    for (let x = x0; x < x1; x += step) {
      const i = (y * frame.width + x) * 4;
      sum += 0.299 * (frame.data[i] ?? 0) + 0.587 * (frame.data[i + 1] ?? 0) + 0.114 * (frame.data[i + 2] ?? 0);
      n += 1;
    }
  }
  return n ? sum / n : 0;
}

export interface FaceDetector {
  /** Every face found (best first), in frame pixels. */
  detect(frame: RgbaFrame): Promise<Detection[]>;
  /** The frame as the guide sees it: the best face (or none) and how many faces there are. */
  observe(frame: RgbaFrame): Promise<FaceObservation>;
}

/** Faces smaller than this share of the best one's width do not count as "another person". */
const OTHER_FACE_MIN_RATIO = 0.6;

export function createFaceDetector(tf: Tf, model: GraphModel, minScore = 0.6): FaceDetector {
  const size = BLAZEFACE_INPUT;
  const detect = async (frame: RgbaFrame): Promise<Detection[]> => {
    // Letterbox to a square (aspect kept), resize to 256, scale to [-1, 1].
    const side = Math.max(frame.width, frame.height);
    const padX = Math.floor((side - frame.width) / 2);
    const padY = Math.floor((side - frame.height) / 2);
    const rows = tf.tidy(() => {
      const rgba = tf.tensor3d(Uint8Array.from(frame.data), [frame.height, frame.width, 4], 'int32');
      const rgb = tf.slice(rgba, [0, 0, 0], [frame.height, frame.width, 3]);
      const square = tf.pad(rgb, [
        [padY, side - frame.height - padY],
        [padX, side - frame.width - padX],
        [0, 0],
      ]);
      const resized = tf.image.resizeBilinear(tf.expandDims(tf.cast(square, 'float32'), 0) as TfCore.Tensor4D, [size, size]);
      const input = tf.sub(tf.div(resized, 127.5), 1);
      const outputs = model.execute(input) as TfCore.Tensor[];
      // Outputs come as scores and regressors for the 512- and 384-anchor grids, in no fixed order.
      const bySize = [...outputs].sort((a, b) => a.size - b.size);
      const [s384, s512, r384, r512] = bySize as [TfCore.Tensor, TfCore.Tensor, TfCore.Tensor, TfCore.Tensor];
      return tf.squeeze(tf.concat([tf.concat([s512, r512], 2), tf.concat([s384, r384], 2)], 1), [0]);
    });
    try {
      const values = (await rows.data()) as Float32Array;
      const scale = side / size;
      return decodeRows(values, minScore).map((d) => ({
        score: d.score,
        box: { x: d.box.x * scale - padX, y: d.box.y * scale - padY, width: d.box.width * scale, height: d.box.height * scale },
        keypoints: d.keypoints.map(([x, y]) => [x * scale - padX, y * scale - padY] as Point),
      }));
    } finally {
      rows.dispose();
    }
  };
  return {
    detect,
    async observe(frame) {
      const faces = await detect(frame);
      const best = faces[0];
      const frameSize = { width: frame.width, height: frame.height };
      if (!best) return { frame: frameSize, face: null, faceCount: 0 };
      const others = faces.slice(1).filter((f) => f.box.width >= best.box.width * OTHER_FACE_MIN_RATIO);
      const [eyeA, eyeB, nose, mouth, earA, earB] = best.keypoints as [Point, Point, Point, Point, Point, Point];
      return {
        frame: frameSize,
        faceCount: 1 + others.length,
        face: {
          box: best.box,
          eyeLeft: eyeA[0] <= eyeB[0] ? eyeA : eyeB,
          eyeRight: eyeA[0] <= eyeB[0] ? eyeB : eyeA,
          nose,
          mouth,
          earLeft: earA[0] <= earB[0] ? earA : earB,
          earRight: earA[0] <= earB[0] ? earB : earA,
          luma: faceLuma(frame, best.box),
        },
      };
    },
  };
}
