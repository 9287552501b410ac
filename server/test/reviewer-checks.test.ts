/**
 * The reviewer-rule checks on the labelled fixture portraits: every labelled positive is flagged
 * and every labelled negative passes — except the disagreements listed below, which are the
 * checks' known limits on this set (docs/reviewer-checks.md). The list must match exactly: a check
 * that starts missing another photo fails, and so does one that starts getting a listed photo
 * right (then shorten the list and the README table).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECK_CODES } from '../../shared/check-codes';
import { getCertificate } from '../../shared/certificates';
import { REVIEWER_CODES, confusion, reachingReviewer, runReviewerSet, type ReviewerCode, type ReviewerRun } from './support/reviewer-set';

/**
 * What the checks get wrong on the set today (README "Reviewer checks"), judged on every photo
 * that gets as far as a rendered output — including the ones the engine refuses with a blocking
 * code, which no reviewer would see ([blocked: …] below). Those are kept here so that a false alarm
 * cannot hide behind a blocking code; the second test below judges the photos a reviewer sees.
 */
const KNOWN: Record<ReviewerCode, { falseAlarms: string[]; missed: string[] }> = {
  MOUTH_OPEN: {
    // [blocked: LOW_RESOLUTION, GRAYSCALE…] 45-px monochrome face, chin on a hand: the mesh puts a lip gap in the stubble.
    falseAlarms: ['vlfeat-perrone.jpg'],
    // [blocked: LOW_RESOLUTION, BLURRY] 120-px thumbnail: the teeth blur into the lips (gap 0.097, no bright pixel inside).
    missed: ['vlfeat-vedaldi.jpg'],
  },
  EARRINGS: {
    falseAlarms: [],
    missed: [
      // Her drop hangs at ear-lobe level, above the box; the old "hit" was the matting's soft edge below it.
      'deepface-img5.jpg',
      // Studs: too small.
      'deepface-img2.jpg',
    ],
  },
  // [blocked: HEAD_CUT_OFF, LOW_RESOLUTION] narrow blond hair over the ear; the box's outer part is backdrop.
  HAIR_OVER_EARS: { falseAlarms: [], missed: ['kphotoalbum-bar-left.jpg'] },
  HAIR_OVER_EYEBROWS: { falseAlarms: [], missed: [] },
  HAIR_OVER_SHOULDERS: {
    falseAlarms: [
      // [blocked: NOT_FACING_CAMERA] the dark poster wall the matting kept beside his black hair reads as hair.
      'kphotoalbum-new-wave.jpg',
      // [blocked: HEAD_CUT_OFF, LOW_RESOLUTION] head tilted onto her shoulder: chin-length hair rests on it.
      'kphotoalbum-bar-left.jpg',
    ],
    missed: [],
  },
  // Patches whose colour differs from the backdrop the matting removed around them are not seen,
  // nor deepface-img47's dark-blue triangle by the neck since the engine extends the frame's edges.
  LEFTOVER_BACKGROUND: { falseAlarms: [], missed: ['deepface-img15.jpg', 'deepface-img47.jpg', 'facedetect-grace-hopper.jpg'] },
};

let runs: ReviewerRun[];
beforeAll(async () => {
  runs = await runReviewerSet('resident_id');
}, 240_000);

describe('reviewer-rule checks on the labelled portraits (居民身份证 output)', () => {
  it('run on every single-person photo that got as far as a rendered output', () => {
    const judged = runs.filter((r) => Object.keys(r.results).length === REVIEWER_CODES.length);
    expect(judged.length).toBeGreaterThanOrEqual(20);
  });

  it.each(REVIEWER_CODES)('%s flags the labelled positives and passes the negatives', (code) => {
    const c = confusion(runs)[code];
    expect({ falseAlarms: c.fp.sort(), missed: c.fn.sort() }).toEqual({ falseAlarms: KNOWN[code].falseAlarms.sort(), missed: KNOWN[code].missed.sort() });
    // Each check has positives it catches on this set, and negatives it leaves alone.
    expect(c.tp.length).toBeGreaterThan(0);
    expect(c.tn).toBeGreaterThan(10);
  });

  it.each(REVIEWER_CODES)('%s on the photos a reviewer sees (no blocking failure): the same mistakes, minus the blocked photos', (code) => {
    const reaching = reachingReviewer(runs);
    expect(reaching.length).toBeGreaterThanOrEqual(15);
    const names = new Set(reaching.map((r) => r.file.split('/').pop()!));
    const c = confusion(reaching)[code];
    expect({ falseAlarms: c.fp.sort(), missed: c.fn.sort() }).toEqual({
      falseAlarms: KNOWN[code].falseAlarms.filter((f) => names.has(f)).sort(),
      missed: KNOWN[code].missed.filter((f) => names.has(f)).sort(),
    });
    expect(c.tp.length).toBeGreaterThan(0);
    expect(c.tn).toBeGreaterThan(10);
  });

  it('every result carries its value, limit, severity, the Chinese hint and a box on the photo', () => {
    const spec = getCertificate('resident_id').spec;
    for (const run of runs) {
      for (const result of Object.values(run.results)) {
        const info = CHECK_CODES[result.code];
        expect(result.severity).toBe(info.severity);
        expect(result.message).toBe(info.message);
        expect(typeof result.value).toBe('number');
        expect(result.limit).not.toBe('');
        const r = result.region!;
        expect(r.width).toBeGreaterThan(0);
        expect(r.height).toBeGreaterThan(0);
        expect(r.x).toBeGreaterThanOrEqual(0);
        expect(r.y).toBeGreaterThanOrEqual(0);
        expect(r.x + r.width).toBeLessThanOrEqual(spec.width);
        expect(r.y + r.height).toBeLessThanOrEqual(spec.height);
      }
    }
  });

  it('every reviewer rule warns with 审核可能不通过 and points at the patch it means', () => {
    // LEFTOVER_BACKGROUND too: with 1 of 4 patches found it may not turn a photo away.
    for (const code of REVIEWER_CODES) {
      expect(CHECK_CODES[code].severity).toBe('warn');
      expect(CHECK_CODES[code].message).toContain('审核可能不通过');
    }
    // deepface-img40: the photographers kept beside him, boxed where they are (left of the head).
    const run = runs.find((r) => r.file.endsWith('deepface-img40.jpg'))!;
    const leftover = run.results.LEFTOVER_BACKGROUND!;
    expect(leftover.pass).toBe(false);
    expect(leftover.region).toBeDefined();
  });
});
