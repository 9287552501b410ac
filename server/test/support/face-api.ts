/**
 * Test-only loader for @vladmandic/face-api (SSD MobileNet v1 detector + 68-point landmarks) on
 * the tfjs WebAssembly backend, models read from disk. It is a second model family next to the
 * engine's MediaPipe mesh (@vladmandic/human), used to check the engine's output independently.
 *
 * Loading pitfalls handled here (face-api 1.7.15, tfjs 4.22):
 * - The package's `main`/`exports` point at `face-api.node.js`, which needs @tensorflow/tfjs-node
 *   (not installable here). The wasm build `dist/face-api.node-wasm.js` is loaded by path instead.
 * - That build does `require('@tensorflow/tfjs')` (the union package), which is not installed. We
 *   evaluate the bundle with our own `require` that answers '@tensorflow/tfjs' with
 *   tfjs-core + tfjs-converter (the same module instances the engine uses, so there is one tfjs
 *   engine and one wasm backend per process).
 * - face-api calls chained tensor methods (`t.as3D()`, `t.toInt()`, ...). Only the union package
 *   registers them; tfjs-core's own registration files are extension-less ESM that Node cannot
 *   import. We register them from those same files (see `registerChainedOps`).
 * - `setWasmPaths` must run before the wasm backend is first initialised; if the engine (human)
 *   already initialised it in this process we reuse it as it is.
 * - Models load with `loadFromDisk` (face-api's node env uses `fs`), so no `fetch` is needed.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import type * as TfCore from '@tensorflow/tfjs-core';

const require = createRequire(import.meta.url);

export interface Point {
  x: number;
  y: number;
}

export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Face68 {
  score: number;
  /** SSD detector box, input pixels. */
  box: FaceBox;
  /** The 68 iBUG landmarks, input pixels (0–16 jaw, 36–41 / 42–47 eyes, 8 chin). */
  landmarks: Point[];
}

export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/* Minimal structural types for the parts of face-api we use (its bundled .d.ts is huge). */
interface FaceApiPoint {
  x: number;
  y: number;
}
interface FaceApiResult {
  detection: { score: number; box: { x: number; y: number; width: number; height: number } };
  landmarks: { positions: FaceApiPoint[] };
}
interface FaceApiNet {
  loadFromDisk(dir: string): Promise<void>;
  isLoaded: boolean;
}
interface FaceApiModule {
  nets: { ssdMobilenetv1: FaceApiNet; faceLandmark68Net: FaceApiNet };
  SsdMobilenetv1Options: new (o: { minConfidence?: number; maxResults?: number }) => unknown;
  detectAllFaces(
    input: TfCore.Tensor3D,
    options: unknown,
  ): { withFaceLandmarks(): Promise<FaceApiResult[]> };
  version: string;
}

export interface FaceApiRuntime {
  faceapi: FaceApiModule;
  tf: typeof TfCore;
}

const FACE_API_DIR = path.dirname(require.resolve('@vladmandic/face-api/package.json'));
const FACE_API_BUNDLE = path.join(FACE_API_DIR, 'dist/face-api.node-wasm.js');
const FACE_API_MODELS = path.join(FACE_API_DIR, 'model');
const TFJS_CORE_DIR = path.dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
const WASM_DIR = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;

/**
 * Registers tfjs-core's chained tensor methods (`Tensor.prototype.as3D` etc.) on the CJS
 * instance. Each file in dist/public/chained_ops is `import {op} from '../../ops/x';
 * getGlobalTensorClass().prototype.name = function (...) { return op(this, ...) }`; we drop the
 * imports and bind the imported names to the same-named tfjs-core exports.
 */
function registerChainedOps(tf: typeof TfCore): void {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  if (typeof proto.as3D === 'function') return; // already registered (e.g. by @tensorflow/tfjs)
  const dir = path.join(TFJS_CORE_DIR, 'dist/public/chained_ops');
  const ns = tf as unknown as Record<string, unknown>;
  const image = tf.image as unknown as Record<string, unknown>;
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.js') || file.startsWith('register_all') || file.endsWith('_test.js')) continue;
    const text = readFileSync(path.join(dir, file), 'utf8');
    const names: string[] = [];
    for (const m of text.matchAll(/^import \{([^}]*)\} from '[^']*';$/gm)) {
      names.push(...(m[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean));
    }
    const values = names.map((n) => {
      if (n === 'getGlobalTensorClass') return () => tf.Tensor;
      if (n === 'Tensor') return tf.Tensor;
      if (n === 'assert') return tf.util.assert;
      const v = ns[n] ?? image[n];
      if (v === undefined) throw new Error(`chained op ${file}: tfjs-core has no export "${n}"`);
      return v;
    });
    const body = text.replace(/^import .*$/gm, '').replace(/^\/\/# sourceMappingURL=.*$/gm, '');
    new Function(...names, body)(...values);
  }
}

function loadBundle(tf: typeof TfCore): FaceApiModule {
  const converter = require('@tensorflow/tfjs-converter') as object;
  const tfjsUnion = { ...tf, ...converter };
  const localRequire = (id: string): unknown => (id === '@tensorflow/tfjs' ? tfjsUnion : require(id));
  const mod: { exports: unknown } = { exports: {} };
  const src = readFileSync(FACE_API_BUNDLE, 'utf8');
  new Function('require', 'module', 'exports', '__filename', '__dirname', src)(
    localRequire,
    mod,
    mod.exports,
    FACE_API_BUNDLE,
    path.dirname(FACE_API_BUNDLE),
  );
  return mod.exports as FaceApiModule;
}

let loading: Promise<FaceApiRuntime> | null = null;

/** Loads face-api and its two models once per process. */
export function loadFaceApi(): Promise<FaceApiRuntime> {
  loading ??= (async () => {
    const tf = require('@tensorflow/tfjs-core') as typeof TfCore;
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
    registerChainedOps(tf);
    const faceapi = loadBundle(tf);
    // `tf.getBackend()` would itself initialise a backend; read the engine's field instead.
    const current = (tf.engine() as unknown as { backendName: string | null }).backendName;
    if (current !== 'wasm') {
      wasm.setWasmPaths(WASM_DIR);
      const ok = await tf.setBackend('wasm');
      if (!ok) throw new Error('tfjs wasm backend failed to initialise');
    }
    await tf.ready();
    if (!faceapi.nets.ssdMobilenetv1.isLoaded) await faceapi.nets.ssdMobilenetv1.loadFromDisk(FACE_API_MODELS);
    if (!faceapi.nets.faceLandmark68Net.isLoaded) await faceapi.nets.faceLandmark68Net.loadFromDisk(FACE_API_MODELS);
    return { faceapi, tf };
  })().catch((err: unknown) => {
    loading = null;
    throw err;
  });
  return loading;
}

/** Decodes any image sharp reads to packed RGB, EXIF orientation applied, alpha flattened on white. */
export async function decodeRgb(buf: Buffer): Promise<RgbImage> {
  const { data, info } = await sharp(buf)
    .rotate()
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

export interface DetectOptions {
  /** SSD score threshold; face-api's default is 0.5. */
  minConfidence?: number;
}

/** All faces (SSD + 68 landmarks), largest box first, in the image's pixel coordinates. */
export async function detectFaces68(img: RgbImage, opts: DetectOptions = {}): Promise<Face68[]> {
  const { faceapi, tf } = await loadFaceApi();
  const input = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
  try {
    const results = await faceapi
      .detectAllFaces(input, new faceapi.SsdMobilenetv1Options({ minConfidence: opts.minConfidence ?? 0.5 }))
      .withFaceLandmarks();
    return results
      .map((r) => ({
        score: r.detection.score,
        box: { x: r.detection.box.x, y: r.detection.box.y, width: r.detection.box.width, height: r.detection.box.height },
        landmarks: r.landmarks.positions.map((p) => ({ x: p.x, y: p.y })),
      }))
      .sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
  } finally {
    input.dispose();
  }
}
