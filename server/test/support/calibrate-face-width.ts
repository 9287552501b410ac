/**
 * Calibration: how face-api's 68-point jaw width (landmarks 0↔16) relates to @vladmandic/human's
 * MediaPipe facemesh cheek width (mesh 234↔454) on the same image. The engine measures with the
 * mesh; the test verifier (verify-output.ts) measures with face-api; the ratio converts one into
 * the other.
 *
 * Each photo is scaled so that face-api's jaw width is about 200 px (an ID photo's face size),
 * then both models run on that same RGB image.
 *
 *   npx tsx server/test/support/calibrate-face-width.ts [targetJawPx = 200]
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { detectFaces } from '../../src/photo/detect';
import { MESH, dist, measureFace } from '../../src/photo/landmarks';
import { loadModels, type Models } from '../../src/photo/models';
import { decodeRgb, detectFaces68, loadFaceApi, type RgbImage } from './face-api';

const here = path.dirname(fileURLToPath(import.meta.url));
const PHOTOS = path.join(here, '../fixtures/photos');

/** The seven near-ideal ID-style portraits (SOURCES.md); the median is taken over these. */
const PORTRAITS = [
  'hivision-test0.jpg',
  'hivision-test1.jpg',
  'hivision-test2.jpg',
  'deepface-img10.jpg',
  'deepface-img29.jpg',
  'deepface-img3.jpg',
  'deepface-img47.jpg',
];
/** Ordinary frontal press photos, reported separately for comparison. */
const OTHERS = ['deepface-img13.jpg', 'deepface-img15.jpg', 'deepface-img18.jpg', 'deepface-img21.jpg', 'deepface-img24.jpg', 'deepface-img5.jpg'];

/** Target jaw width in px; override with the first argument, e.g. `... calibrate-face-width.ts 400`. */
const TARGET_JAW = Number(process.argv[2] ?? 200);

async function scaled(img: RgbImage, factor: number): Promise<RgbImage> {
  const width = Math.round(img.width * factor);
  const height = Math.round(img.height * factor);
  const { data, info } = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), {
    raw: { width: img.width, height: img.height, channels: 3 },
  })
    .resize(width, height, { kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

interface Row {
  file: string;
  size: string;
  jaw: number;
  mesh: number;
  ratio: number;
  yaw: number;
  roll: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const fmt = (v: number, d = 1): string => (Number.isFinite(v) ? v.toFixed(d) : '—');

async function measure(models: Models, file: string): Promise<Row | null> {
  const original = await decodeRgb(await readFile(path.join(PHOTOS, file)));
  // First pass on a ≤1280 px copy to find the face size, then scale so the jaw is ~TARGET_JAW px.
  const pre = Math.min(1, 1280 / Math.max(original.width, original.height));
  const first = (await detectFaces68(pre < 1 ? await scaled(original, pre) : original))[0];
  if (!first) return null;
  const jaw0 = Math.hypot(first.landmarks[0]!.x - first.landmarks[16]!.x, first.landmarks[0]!.y - first.landmarks[16]!.y) / pre;
  const img = await scaled(original, TARGET_JAW / jaw0);
  const fa = (await detectFaces68(img))[0];
  // The engine's own detector, exactly as the engine runs it.
  const hu = (await detectFaces(models, { ...img, channels: 3 })).sort((a, b) => b.score - a.score)[0];
  if (!fa || !hu) return null;
  const jaw = Math.hypot(fa.landmarks[0]!.x - fa.landmarks[16]!.x, fa.landmarks[0]!.y - fa.landmarks[16]!.y);
  const mesh = dist(hu.mesh[MESH.cheekLeft]!, hu.mesh[MESH.cheekRight]!);
  const face = measureFace(hu.mesh);
  return { file, size: `${img.width}×${img.height}`, jaw, mesh, ratio: jaw / mesh, yaw: face.yaw, roll: face.rollDeg };
}

function print(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  console.log('| photo | scaled to | face-api jaw 0↔16 (px) | human mesh 234↔454 (px) | jaw / mesh | yaw (−1…1) | roll° |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.file} | ${r.size} | ${fmt(r.jaw)} | ${fmt(r.mesh)} | ${fmt(r.ratio, 3)} | ${fmt(r.yaw, 2)} | ${fmt(r.roll)} |`);
  }
  const ratios = rows.map((r) => r.ratio);
  if (ratios.length) {
    console.log(
      `median jaw/mesh = ${median(ratios).toFixed(3)} (min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)}, n = ${ratios.length}); ` +
        `mesh reads ${((1 - 1 / median(ratios)) * 100).toFixed(1)} % narrower than the jaw`,
    );
  }
}

async function main(): Promise<void> {
  // The engine's models first: they initialise the wasm backend; face-api then reuses it.
  const models = await loadModels();
  await loadFaceApi();
  for (const [title, files] of [
    ['Near-ideal portraits (the calibration set)', PORTRAITS],
    ['Other frontal photos (for comparison only)', OTHERS],
  ] as const) {
    const rows: Row[] = [];
    for (const file of files) {
      const row = await measure(models, file);
      if (row) rows.push(row);
      else console.log(`${file}: a model found no face`);
    }
    print(title, rows);
  }
}

await main();
