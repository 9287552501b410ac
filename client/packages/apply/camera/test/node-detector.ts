/**
 * Loads the h5 camera's BlazeFace detector in Node (tfjs wasm backend, model files from
 * node_modules) so tests run the very code the browser runs on real photos.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfConverter from '@tensorflow/tfjs-converter';
import sharp, { type Sharp } from 'sharp';

import { createFaceDetector, type FaceDetector, type RgbaFrame } from '../blazeface';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../../../../../', import.meta.url));
export const PHOTOS = path.join(root, 'server/test/fixtures/photos');
const MODEL = path.join(root, 'node_modules/@vladmandic/human/models/blazeface.json');
const WASM_DIR = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/');

async function fileFetch(url: RequestInfo | URL): Promise<Response> {
  const href = typeof url === 'string' ? url : url instanceof URL ? url.href : url.url;
  const file = href.startsWith('file://') ? fileURLToPath(href) : href;
  return new Response(await readFile(file), { status: 200 });
}

let loading: Promise<FaceDetector> | null = null;

export function loadNodeDetector(): Promise<FaceDetector> {
  loading ??= (async () => {
    const tf = require('@tensorflow/tfjs-core') as typeof TfCore;
    const converter = require('@tensorflow/tfjs-converter') as typeof TfConverter;
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
    wasm.setWasmPaths(WASM_DIR);
    await tf.setBackend('wasm');
    await tf.ready();
    const model = await converter.loadGraphModel(`file://${MODEL}`, { fetchFunc: fileFetch });
    return createFaceDetector(tf, model);
  })();
  return loading;
}

/** A photo file or a sharp pipeline as an RGBA frame, like a canvas ImageData. */
export async function rgbaFrame(input: string | Sharp): Promise<RgbaFrame> {
  const pipeline = typeof input === 'string' ? sharp(input).rotate() : input;
  const { data, info } = await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}
