/**
 * Hair-edge halo per fixture: `npm run -s bench:halo -- [filter]`.
 *
 * Runs the engine for 居民身份证, 护照 and 驾驶证 on every fixture in both fixture folders and
 * prints the EDGE_HALO reading (docs/photo-engine.md, "Hair-edge halo") per photo and
 * certificate, good portraits (labels.json) marked with `*`, then the worst good reading.
 * `HALO_OUT=dir` also writes the output JPEGs there, to look at the rims.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CertCode } from '../shared/certificates';
import { processPhoto } from '../server/src/photo/engine';
import { EDGE_HALO_MAX } from '../server/src/photo/matting';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '../server/test/fixtures');
const CERTS: CertCode[] = ['resident_id', 'passport', 'driver_license'];
const labels = (JSON.parse(readFileSync(path.join(fixtures, 'portraits/labels.json'), 'utf8')) as { photos: { file: string; good_portrait: boolean }[] }).photos;
const good = new Set(labels.filter((l) => l.good_portrait).map((l) => l.file));
const filter = process.argv[2] ?? '';
const outDir = process.env.HALO_OUT;
if (outDir) mkdirSync(outDir, { recursive: true });

const files = ['photos', 'portraits'].flatMap((dir) =>
  readdirSync(path.join(fixtures, dir))
    .filter((f) => /\.(jpe?g|png)$/i.test(f))
    .map((f) => `${dir}/${f}`),
);
let worstGood = 0;
for (const file of files.filter((f) => f.includes(filter))) {
  const input = readFileSync(path.join(fixtures, file));
  const cells: string[] = [];
  for (const cert of CERTS) {
    const { report, jpeg } = await processPhoto(input, cert);
    const halo = report.checks.find((c) => c.code === 'EDGE_HALO')?.value;
    if (typeof halo === 'number' && good.has(file)) worstGood = Math.max(worstGood, halo);
    cells.push(typeof halo === 'number' ? `${halo.toFixed(1).padStart(6)}${halo > EDGE_HALO_MAX ? '!' : ' '}` : '     — ');
    if (outDir && jpeg) writeFileSync(path.join(outDir, `${path.basename(file).replace(/\.\w+$/, '')}-${cert}.jpg`), jpeg);
  }
  console.log(`${good.has(file) ? '*' : ' '} ${file.padEnd(44)} ${cells.join(' ')}`);
}
console.log(JSON.stringify({ limit: EDGE_HALO_MAX, worstGood }));
