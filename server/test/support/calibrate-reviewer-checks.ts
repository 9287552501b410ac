/**
 * Calibration of the reviewer-rule checks: runs the engine on the labelled fixture portraits and
 * prints, per check, every photo's measured value against its label, then precision and recall.
 * The table in README "Reviewer checks" comes from this.
 *
 *   npx tsx server/test/support/calibrate-reviewer-checks.ts [cert = resident_id]
 */
import path from 'node:path';
import type { CertCode } from '../../../shared/certificates';
import { REVIEWER_CODES, confusion, reachingReviewer, runReviewerSet, type ReviewerRun } from './reviewer-set';

const cert = (process.argv[2] ?? 'resident_id') as CertCode;
const runs = await runReviewerSet(cert);

for (const code of REVIEWER_CODES) {
  console.log(`\n${code}`);
  for (const run of runs) {
    const r = run.results[code];
    const truth = run.truth[code];
    if (!r) continue;
    const mark = truth === null ? '  ?' : !r.pass === truth ? '  ok' : !r.pass ? '  FALSE ALARM' : '  MISSED';
    const blocked = run.blocked.length ? ` [blocked: ${run.blocked.join(',')}]` : '';
    console.log(`  ${path.basename(run.file).padEnd(30)} label ${String(truth).padEnd(5)} value ${String(r.value).padEnd(7)} ${r.pass ? "pass" : "FLAG"} (${r.limit}) @${r.region ? [r.region.x, r.region.y, r.region.width, r.region.height].join(",") : "-"}${mark}${blocked}`);
  }
}

const pct = (a: number, b: number) => (b === 0 ? '—' : `${Math.round((100 * a) / b)} % (${a}/${b})`);
function table(title: string, set: readonly ReviewerRun[]): void {
  console.log(`\n${title}\n`);
  console.log(`| check | positives | negatives | precision | recall | false alarms | missed |`);
  console.log(`|---|---|---|---|---|---|---|`);
  for (const [code, c] of Object.entries(confusion(set))) {
    const pos = c.tp.length + c.fn.length;
    console.log(
      `| \`${code}\` | ${pos} | ${c.fp.length + c.tn} | ${pct(c.tp.length, c.tp.length + c.fp.length)} | ${pct(c.tp.length, pos)} | ${c.fp.join(', ') || '—'} | ${c.fn.join(', ') || '—'} |`,
    );
  }
}
const rendered = runs.filter((r) => Object.keys(r.results).length === REVIEWER_CODES.length);
table(`Every photo with a rendered output (${rendered.length})`, rendered);
const reaching = reachingReviewer(runs);
table(`Only photos that reach a reviewer: no blocking failure (${reaching.length})`, reaching);
