/**
 * Loads the neural models once per process (each pool worker is a process-like isolate):
 * @vladmandic/human (BlazeFace + 468-point FaceMesh) and MediaPipe Selfie segmentation,
 * all on the tfjs WebAssembly backend with model files read from disk.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfConverter from '@tensorflow/tfjs-converter';

const require = createRequire(import.meta.url);
const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
const nodeModules = path.join(projectRoot, 'node_modules');

/** The human bundle's exports map is broken; load its node-wasm build by path (STACK.md). */
const HUMAN_BUNDLE = path.join(nodeModules, '@vladmandic/human/dist/human.node-wasm.js');
const HUMAN_MODELS = pathToFileURL(path.join(nodeModules, '@vladmandic/human/models/')).href;
const WASM_DIR = pathToFileURL(path.join(nodeModules, '@tensorflow/tfjs-backend-wasm/dist/')).href;
const SELFIE_MODEL = pathToFileURL(path.join(projectRoot, 'server/models/selfie.json')).href;

export interface HumanFace {
  score: number;
  box: [number, number, number, number];
  mesh: [number, number, number][];
  rotation?: { angle: { roll: number; yaw: number; pitch: number } } | null;
}
export interface HumanLike {
  detect(input: unknown): Promise<{ face: HumanFace[]; error?: string | null }>;
}

export interface Models {
  tf: typeof TfCore;
  human: HumanLike;
  selfie: TfConverter.GraphModel;
  selfieSize: number;
}

/** tfjs and human fetch model files; give them one that reads file:// URLs from disk. */
async function fileAwareFetch(url: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const href = typeof url === 'string' ? url : url instanceof URL ? url.href : url.url;
  if (href.startsWith('file://')) {
    const body = await readFile(fileURLToPath(href));
    const type = href.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    return new Response(body, { status: 200, headers: { 'content-type': type } });
  }
  return networkFetch(url, init);
}
const networkFetch = globalThis.fetch;

let loading: Promise<Models> | null = null;

export function loadModels(): Promise<Models> {
  loading ??= load().catch((err) => {
    loading = null;
    throw err;
  });
  return loading;
}

async function load(): Promise<Models> {
  globalThis.fetch = fileAwareFetch as typeof fetch;
  const tf = require('@tensorflow/tfjs-core') as typeof TfCore;
  const converter = require('@tensorflow/tfjs-converter') as typeof TfConverter;
  const { Human } = require(HUMAN_BUNDLE) as { Human: new (config: object) => HumanLike & { load(): Promise<void> } };
  const human = new Human({
    backend: 'wasm',
    wasmPath: WASM_DIR,
    modelBasePath: HUMAN_MODELS,
    debug: false,
    async: false,
    warmup: 'none',
    cacheSensitivity: 0,
    filter: { enabled: false },
    gesture: { enabled: false },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    segmentation: { enabled: false },
    face: {
      enabled: true,
      detector: { rotation: true, maxDetected: 6, minConfidence: 0.5, iouThreshold: 0.1, return: false },
      mesh: { enabled: true },
      // The eye centres come from the lids and corners; the iris model would add ~12 ms per photo.
      iris: { enabled: false },
      attention: { enabled: false },
      emotion: { enabled: false },
      description: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
  });
  await human.load();
  const selfie = await converter.loadGraphModel(SELFIE_MODEL, { fetchFunc: fileAwareFetch });
  const selfieSize = selfie.inputs[0]?.shape?.[1] ?? 256;
  return { tf, human, selfie, selfieSize };
}
