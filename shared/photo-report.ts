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
}

/** Measured on the output file by detecting the face again, in output pixels. */
export interface OutputGeometry {
  faceWidth: number;
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
