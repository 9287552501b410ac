/**
 * For looking at the reviewer-rule checks' disagreements by eye: runs the engine on the labelled
 * fixture portraits (optionally only those whose name contains one of the arguments) and writes,
 * per photo, the finished output (2×, the failed reviewer checks' regions boxed in red), and
 * prints the blocking failures and warnings.
 *
 *   REVIEWER_VIEWS=/tmp/reviewer-views npx tsx server/test/support/dump-reviewer-views.ts [name …]
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { processPhoto } from '../../src/photo/engine';
import { REVIEWER_CODES, labelledPhotos } from './reviewer-set';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
const OUT = process.env.REVIEWER_VIEWS ?? '/tmp/reviewer-views';
mkdirSync(OUT, { recursive: true });
const only = process.argv.slice(2);
for (const p of labelledPhotos()) {
  const name = path.basename(p.file);
  if (only.length && !only.some((o) => name.includes(o))) continue;
  const { report, jpeg } = await processPhoto(readFileSync(path.join(FIXTURES, p.file)), 'resident_id');
  console.log(name, 'failures:', report.failures.join(','), 'warnings:', report.warnings.join(','));
  if (!jpeg) continue;
  const { data: buf, info: v } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const red = (x: number, y: number) => buf.set([255, 0, 0], (y * v.width + x) * 3);
  for (const c of report.checks) {
    if (c.pass || !c.region || !(REVIEWER_CODES as readonly string[]).includes(c.code)) continue;
    const { x, y, width, height } = c.region;
    for (let i = x; i < x + width; i++) [y, y + height - 1].forEach((j) => red(i, j));
    for (let j = y; j < y + height; j++) [x, x + width - 1].forEach((i) => red(i, j));
  }
  const raw = { width: v.width, height: v.height, channels: 3 } as const;
  await sharp(buf, { raw }).resize(v.width * 2, v.height * 2, { kernel: 'nearest' }).png().toFile(path.join(OUT, `${name}.png`));
}
