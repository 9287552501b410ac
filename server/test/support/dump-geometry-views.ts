/**
 * For looking at head height and head width by eye where the engine and the verifier disagree:
 * runs the engine on fixture photos (paths under server/test/fixtures, e.g.
 * photos/deepface-img21.jpg) for one certificate and writes, per photo, the finished output at 3×
 * with the engine's crown and chin (blue, red), the verifier's crown and landmark 8 (cyan,
 * orange) and its 68 landmarks (yellow), and prints both sets of figures.
 *
 *   GEOMETRY_VIEWS=/tmp/geometry-views npx tsx server/test/support/dump-geometry-views.ts <cert> <photo> [photo …]
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { isCertCode } from '../../../shared/certificates';
import { processPhoto } from '../../src/photo/engine';
import { measureOutput } from './verify-output';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
const OUT = process.env.GEOMETRY_VIEWS ?? '/tmp/geometry-views';
const ZOOM = 3;
const [cert, ...photos] = process.argv.slice(2);
if (!cert || !isCertCode(cert) || photos.length === 0) throw new Error('usage: dump-geometry-views.ts <cert> <photo> [photo …]');
mkdirSync(OUT, { recursive: true });
const r1 = (v: number) => Math.round(v * 10) / 10;
for (const file of photos) {
  const { report, jpeg } = await processPhoto(readFileSync(path.join(FIXTURES, file)), cert);
  if (!jpeg || !report.geometry) {
    console.log(file, 'no output:', report.failures.join(','));
    continue;
  }
  const g = report.geometry;
  const m = await measureOutput(jpeg);
  console.log(
    file,
    JSON.stringify({
      engine: { crownY: g.crownMargin, chinY: r1(g.crownMargin + g.headHeight), headHeight: g.headHeight, headWidth: g.headWidth },
      verifier: { crownY: m.crownY, chinY: r1(m.chinY), headHeight: r1(m.headHeight), headWidth: m.headWidth },
    }),
  );
  const { width, height } = await sharp(jpeg).metadata();
  const W = width! * ZOOM;
  const line = (y: number, colour: string) => `<line x1="0" x2="${W}" y1="${y * ZOOM}" y2="${y * ZOOM}" stroke="${colour}"/>`;
  const marks = [
    line(g.crownMargin, 'blue'),
    line(g.crownMargin + g.headHeight, 'red'),
    line(m.crownY, 'cyan'),
    line(m.chinY, 'orange'),
    ...m.landmarks.map((p) => `<circle cx="${p.x * ZOOM}" cy="${p.y * ZOOM}" r="2" fill="yellow"/>`),
  ];
  const svg = `<svg width="${W}" height="${height! * ZOOM}" xmlns="http://www.w3.org/2000/svg">${marks.join('')}</svg>`;
  await sharp(jpeg)
    .resize(W, height! * ZOOM, { kernel: 'nearest' })
    .composite([{ input: Buffer.from(svg) }])
    .png()
    .toFile(path.join(OUT, `${path.parse(file).name}-${cert}.png`));
}
