/**
 * The photo engine's report: what the CLI prints, what the server stores with an order and what
 * the client shows. Pure types.
 */
import type { CertCode } from './certificates';
import type { CheckCode, CheckSeverity } from './check-codes';

export interface CheckResult {
  code: CheckCode;
  pass: boolean;
  severity: CheckSeverity;
  /** What to do, in Chinese (from the check-code catalogue). */
  message: string;
  /** The measured value, rounded; null where the check could not measure. */
  value: number | null;
  /** The limit it was compared with, human-readable (e.g. "≥ 0.12", "193–221"). */
  limit: string;
  /** Where on the output photo the check looked or found the problem (reviewer-rule checks). */
  region?: PhotoRegion;
  /**
   * Which part of a check failed, machine-readable, where one code has several causes (e.g.
   * HEAD_CUT_OFF: `hair_top`, `chin`, `shoulders_bottom`, `shoulders_left`, `shoulders_right`).
   * `message` then says what to do about that cause.
   */
  detail?: string;
}

/** A box on the output photo, in output pixels (origin top-left). */
export interface PhotoRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PhotoOutputInfo {
  width: number;
  height: number;
  bytes: number;
  dpi: number;
  format: 'jpeg';
  quality: number;
  /** The background colour the person was put on (shared/photo-background.ts). */
  background?: { name: string; rgb: [number, number, number] };
}

/** Measured on the finished photo, in output pixels. */
export interface OutputGeometry {
  /** Cheek to cheek (calibrated mesh reading), ears excluded: GA 461's width band. */
  faceWidth: number;
  /**
   * The whole head at ear level, ears (and hair there) included, read from the person matte:
   * the width band of exit-entry and GA 482 photos.
   */
  headWidth: number;
  headHeight: number;
  crownMargin: number;
  eyeLine: number;
  eyeLineFromBottom: number;
  eyeMidX: number;
  centreOffset: number;
}

export interface PhotoReport {
  ok: boolean;
  cert: CertCode;
  /** Blocking check codes that failed. */
  failures: CheckCode[];
  /** Warning codes raised (the reviewer sees them; the person is told). */
  warnings: CheckCode[];
  checks: CheckResult[];
  output: PhotoOutputInfo | null;
  geometry: OutputGeometry | null;
  timingsMs: Record<string, number>;
}
