/**
 * The live camera guide's detector in headless Chromium: `npm run -s bench:camera`.
 *
 * The real server and h5 build (`npm run -s build:h5` first), system Chromium with a fake camera
 * playing a fixture portrait placed off to the side of the oval (so the guide never captures and
 * the page keeps detecting), the capture page of a real order. The page records each frame's
 * detection time (frame grab + BlazeFace on tfjs-wasm) in `window.__faceTimings`; after a warm-up
 * this prints the median and p90 ms per frame, the frames per second the guide's loop achieved
 * (it waits 100 ms after each frame), and — measured in the same run — the same detector (same
 * code, tfjs-wasm) in Node on the same frame. Figures only: nothing here passes or fails on time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';

import { SPECS } from '../shared/certificates';
import { guideTarget } from '../client/packages/apply/camera/face-guide';
import { loadNodeDetector, rgbaFrame } from '../client/packages/apply/camera/test/node-detector';
import { placeFace } from '../client/packages/apply/camera/test/place-face';
import { Api } from '../e2e/support/api';
import { CHROMIUM, openSession, PHONE, presetApplicantSession } from '../e2e/support/browser';
import { fakeCameraArgs, FPS, FRAME, writeY4m } from '../e2e/support/fake-camera';
import { PAGES } from '../e2e/support/pages';
import { PHOTOS } from '../e2e/support/paths';
import { startServer } from '../e2e/support/server';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP_FRAMES = 10;
const NODE_RUNS = Number(process.env.BENCH_NODE_RUNS ?? 60);
const PHOTO = path.join(PHOTOS, 'hivision-test1.jpg');

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
const ms = (v: number) => `${v.toFixed(1)} ms`;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-camera-'));
  const detector = await loadNodeDetector();
  const target = guideTarget(SPECS.ga461, FRAME);
  // Off to the side for the whole (looped) video: the hint says to move, nothing is captured.
  const png = await placeFace(detector, PHOTO, target, { dx: -0.45 });
  const video = path.join(dir, 'camera.y4m');
  await writeY4m(video, [{ png, frames: 3 * FPS }]);

  // The same detector in Node on the same frame, in this run (before the browser starts, so the
  // two never share the cores).
  const frame = await rgbaFrame(sharp(png));
  for (let i = 0; i < 5; i++) await detector.observe(frame);
  const node: number[] = [];
  for (let i = 0; i < NODE_RUNS; i++) {
    const start = performance.now();
    await detector.observe(frame);
    node.push(performance.now() - start);
  }
  const loadBefore = os.loadavg()[0]!;
  // Which build of the wasm backend Node chose (SIMD, threads), to read the comparison.
  const tf = createRequire(import.meta.url)('@tensorflow/tfjs-core') as typeof import('@tensorflow/tfjs-core');
  const nodeWasm = `simd ${String(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))}, threads ${String(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))}`;

  const server = await startServer();
  const session = await openSession(PHONE, fakeCameraArgs(video));
  try {
    const api = await Api.applicant(server.baseUrl, '测速');
    const order = await api.call<{ id: string }>('POST', '/api/orders', { certType: 'resident_id', cityCode: '4403' });
    await presetApplicantSession(session.context, api.token!, '测速', new Date().toISOString());
    const { page } = session;
    // Which build of the wasm backend the page fetched (threads need cross-origin isolation).
    const wasmFiles = new Set<string>();
    page.on('request', (r) => {
      if (r.url().endsWith('.wasm')) wasmFiles.add(path.basename(new URL(r.url()).pathname));
    });
    await page.goto(`${server.baseUrl}/#${PAGES.capture}?orderId=${order.id}`);
    // Warm-up: the detector chunk, model and wasm load, the first frames compile kernels.
    await page.waitForFunction((n) => ((window as { __faceTimings?: number[] }).__faceTimings?.length ?? 0) >= n, WARMUP_FRAMES, {
      timeout: 120_000,
    });
    const t0 = await page.evaluate(() => {
      (window as { __faceTimings?: number[] }).__faceTimings = [];
      return performance.now();
    });
    await page.waitForTimeout(SECONDS * 1000);
    const { timings, t1, hint } = await page.evaluate(() => ({
      timings: [...((window as { __faceTimings?: number[] }).__faceTimings ?? [])],
      t1: performance.now(),
      hint: document.querySelector('[data-testid="camera-hint"]')?.textContent ?? '',
    }));
    const browserVersion = session.context.browser()?.version() ?? CHROMIUM;


    const loopFps = (timings.length / (t1 - t0)) * 1000;
    const med = quantile(timings, 0.5);
    console.log(`Live camera detector (BlazeFace 256 px, tfjs-wasm), ${FRAME.width}×${FRAME.height} fake camera, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'})`);
    console.log(`1-min load average: ${loadBefore.toFixed(1)} before the browser, ${os.loadavg()[0]!.toFixed(1)} after`);
    console.log(`Chromium ${browserVersion} headless, capture page, ${timings.length} frames over ${((t1 - t0) / 1000).toFixed(1)} s (hint shown: ${hint}); wasm fetched: ${[...wasmFiles].join(', ') || 'none seen'}`);
    console.log(`Node's wasm backend: ${nodeWasm}`);
    console.log('');
    console.log('| where | frames | median | p90 | max | frames/s |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    console.log(
      `| Chromium, frame grab + detect | ${timings.length} | ${ms(med)} | ${ms(quantile(timings, 0.9))} | ${ms(Math.max(...timings))} | ${loopFps.toFixed(1)} achieved (loop waits 100 ms); ${(1000 / med).toFixed(0)} if detecting back to back |`,
    );
    console.log(
      `| Node ${process.version}, same detector, same frame | ${node.length} | ${ms(quantile(node, 0.5))} | ${ms(quantile(node, 0.9))} | ${ms(Math.max(...node))} | ${(1000 / quantile(node, 0.5)).toFixed(0)} back to back |`,
    );
    console.log('');
    console.log(JSON.stringify({ chromiumMedianMs: med, chromiumP90Ms: quantile(timings, 0.9), loopFps, nodeMedianMs: quantile(node, 0.5), nodeP90Ms: quantile(node, 0.9), frames: timings.length }));
  } finally {
    await session.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
