/**
 * The h5 face detector: tfjs (wasm backend) + BlazeFace, with the model and the wasm binaries served
 * from the h5 build (`static/face/`, copied by config/index.ts). Only ever loaded with `import()`
 * from the camera, so none of it is in the main bundle.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

import { createFaceDetector, type FaceDetector } from './blazeface';

export const FACE_ASSETS = '/static/face/';

export async function loadBrowserDetector(): Promise<FaceDetector> {
  setWasmPaths(FACE_ASSETS);
  await tf.setBackend('wasm');
  await tf.ready();
  const model = await loadGraphModel(`${FACE_ASSETS}blazeface.json`);
  return createFaceDetector(tf, model);
}
