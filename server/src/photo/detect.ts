/**
 * Runs the models on small copies of the photo: faces with their mesh, and the person mask.
 */
import type { RawImage } from '../repositories/media.repository';
import type { Models } from './models';

export interface DetectedFace {
  score: number;
  /** Detector box in the coordinates of the image passed in. */
  box: { x: number; y: number; width: number; height: number };
  /** 468 mesh points [x, y] in the coordinates of the image passed in. */
  mesh: [number, number][];
}

/**
 * The models' inputs converted in reused buffers: tfjs would convert the bytes into a new typed
 * array per call (≈ 3 MB per photo), and the wasm backend copies a tensor's values into its own
 * memory as the tensor is made, so the buffer is free again right after.
 */
let int32Scratch = new Int32Array(0);
let float32Scratch = new Float32Array(0);

function asInt32(data: Uint8Array): Int32Array {
  if (int32Scratch.length < data.length) int32Scratch = new Int32Array(data.length);
  const out = int32Scratch.subarray(0, data.length);
  out.set(data);
  return out;
}

function asFloat32(data: Uint8Array): Float32Array {
  if (float32Scratch.length < data.length) float32Scratch = new Float32Array(data.length);
  const out = float32Scratch.subarray(0, data.length);
  out.set(data);
  return out;
}

export async function detectFaces(models: Models, img: RawImage): Promise<DetectedFace[]> {
  const { tf, human } = models;
  if (img.channels !== 3) throw new Error('detectFaces takes RGB');
  const input = tf.tidy(() => tf.expandDims(tf.tensor3d(asInt32(img.data), [img.height, img.width, 3], 'int32'), 0));
  try {
    const result = await human.detect(input);
    if (result.error) throw new Error(`face detection failed: ${result.error}`);
    return result.face
      .filter((f) => f.mesh.length >= 468)
      .map((f) => ({
        score: f.score,
        box: { x: f.box[0], y: f.box[1], width: f.box[2], height: f.box[3] },
        mesh: f.mesh.map((p) => [p[0], p[1]] as [number, number]),
      }));
  } finally {
    input.dispose();
  }
}

/** Person probability (0..1) for every pixel of a square RGB image of the model's input size. */
export async function segmentPerson(models: Models, img: RawImage): Promise<Float32Array> {
  const { tf, selfie, selfieSize } = models;
  if (img.width !== selfieSize || img.height !== selfieSize || img.channels !== 3) {
    throw new Error(`segmentPerson takes ${selfieSize}×${selfieSize} RGB`);
  }
  const output = tf.tidy(() => {
    const x = tf.div(tf.tensor4d(asFloat32(img.data), [1, selfieSize, selfieSize, 3], 'float32'), 255);
    return selfie.execute(x) as ReturnType<typeof tf.tensor>;
  });
  try {
    return Float32Array.from(await output.data());
  } finally {
    output.dispose();
  }
}
