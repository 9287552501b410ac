/**
 * The labelled set for the reviewer-rule checks: the fixture portraits with what a person sees on
 * them (portraits/labels.json, plus reviewer-labels.json for what only the output shows), run
 * through the engine. Shared by the calibration script and the test.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CertCode } from '../../../shared/certificates';
import type { CheckCode } from '../../../shared/check-codes';
import type { CheckResult } from '../../../shared/photo-report';
import { processPhoto } from '../../src/photo/engine';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');

export const REVIEWER_CODES = ['MOUTH_OPEN', 'EARRINGS', 'HAIR_OVER_EARS', 'HAIR_OVER_EYEBROWS', 'HAIR_OVER_SHOULDERS', 'LEFTOVER_BACKGROUND'] as const satisfies readonly CheckCode[];
export type ReviewerCode = (typeof REVIEWER_CODES)[number];

interface SourceLabel {
  file: string;
  subjects: number;
  smile_teeth: boolean;
  earrings: 'none' | 'stud' | 'drop';
  hair_over_ears: boolean;
  hair_over_eyebrows: boolean;
  hair_over_shoulders: boolean;
}

export interface LabelledPhoto {
  file: string;
  /** true = a reviewer would reject for this rule; null = cannot be judged on this photo. */
  truth: Record<ReviewerCode, boolean | null>;
  /** Where a labelled leftover patch is on the output: a flag elsewhere is not a hit. */
  leftoverBox?: [number, number, number, number];
}

/** Photos of one person (the others stop at MULTIPLE_FACES before any output exists). */
export function labelledPhotos(): LabelledPhoto[] {
  const source = JSON.parse(readFileSync(path.join(FIXTURES, 'portraits/labels.json'), 'utf8')) as { photos: SourceLabel[] };
  const extra = JSON.parse(readFileSync(path.join(FIXTURES, 'reviewer-labels.json'), 'utf8')) as {
    leftover_background: Record<string, boolean | null>;
    leftover_boxes: Record<string, [number, number, number, number]>;
    overrides: Record<string, Partial<SourceLabel>>;
  };
  return source.photos
    .filter((p) => p.subjects === 1)
    .map((p) => {
      const l = { ...p, ...extra.overrides[p.file] };
      return {
        file: p.file,
        truth: {
          MOUTH_OPEN: l.smile_teeth,
          EARRINGS: l.earrings !== 'none',
          HAIR_OVER_EARS: l.hair_over_ears,
          HAIR_OVER_EYEBROWS: l.hair_over_eyebrows,
          HAIR_OVER_SHOULDERS: l.hair_over_shoulders,
          LEFTOVER_BACKGROUND: extra.leftover_background[p.file] ?? null,
        },
        leftoverBox: extra.leftover_boxes[p.file],
      };
    });
}

export interface ReviewerRun {
  file: string;
  truth: LabelledPhoto['truth'];
  leftoverBox?: LabelledPhoto['leftoverBox'];
  /** The reviewer-rule results of the report, by code (absent when the engine stopped earlier). */
  results: Partial<Record<ReviewerCode, CheckResult>>;
  /**
   * The blocking codes the engine refused the photo with (LOW_RESOLUTION, GRAYSCALE, …): such a
   * photo is never sent to a detection centre, so no reviewer looks at it. Empty = it reaches one.
   */
  blocked: string[];
}

/** The runs a reviewer would see: an output and no blocking failure. */
export function reachingReviewer(runs: readonly ReviewerRun[]): ReviewerRun[] {
  return runs.filter((r) => r.blocked.length === 0 && Object.keys(r.results).length === REVIEWER_CODES.length);
}

export async function runReviewerSet(cert: CertCode = 'resident_id'): Promise<ReviewerRun[]> {
  const runs: ReviewerRun[] = [];
  for (const photo of labelledPhotos()) {
    const { report } = await processPhoto(readFileSync(path.join(FIXTURES, photo.file)), cert);
    const results: ReviewerRun['results'] = {};
    for (const c of report.checks) if ((REVIEWER_CODES as readonly string[]).includes(c.code)) results[c.code as ReviewerCode] = c;
    runs.push({ file: photo.file, truth: photo.truth, leftoverBox: photo.leftoverBox, results, blocked: report.failures });
  }
  return runs;
}

export interface Confusion {
  tp: string[];
  fp: string[];
  fn: string[];
  tn: number;
}

/** Per check: which photos it flags rightly and wrongly (photos it could not judge are left out). */
export function confusion(runs: readonly ReviewerRun[]): Record<ReviewerCode, Confusion> {
  const out = Object.fromEntries(REVIEWER_CODES.map((c) => [c, { tp: [], fp: [], fn: [], tn: 0 } as Confusion])) as Record<ReviewerCode, Confusion>;
  for (const run of runs) {
    for (const code of REVIEWER_CODES) {
      const truth = run.truth[code];
      const result = run.results[code];
      if (truth === null || !result) continue;
      const flagged = !result.pass;
      const name = path.basename(run.file);
      // A leftover patch flagged somewhere else than where it is: a false alarm and a miss.
      if (code === 'LEFTOVER_BACKGROUND' && flagged && truth && run.leftoverBox && result.region && !overlaps(result.region, run.leftoverBox)) {
        out[code].fp.push(name);
        out[code].fn.push(name);
        continue;
      }
      if (flagged && truth) out[code].tp.push(name);
      else if (flagged) out[code].fp.push(name);
      else if (truth) out[code].fn.push(name);
      else out[code].tn++;
    }
  }
  return out;
}

function overlaps(r: { x: number; y: number; width: number; height: number }, [x, y, w, h]: [number, number, number, number]): boolean {
  return r.x < x + w && x < r.x + r.width && r.y < y + h && y < r.y + r.height;
}
