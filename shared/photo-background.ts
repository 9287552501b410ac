/**
 * Background colour of the finished photo, per certificate and city. White is the default of
 * every spec in the catalogue (GA 461 "纯白色", exit-entry "白色", GA 482 "白色"); a city's
 * office may ask for another colour for one certificate, and then the same matte is composited
 * on that colour instead. Pure data and one function.
 */
import type { CertCode } from './certificates';

export type Rgb = readonly [number, number, number];

export interface PhotoBackground {
  /** Stable key (`white`, `light_blue`). */
  key: 'white' | 'light_blue';
  /** Shown to the person. */
  name: string;
  rgb: Rgb;
}

export const BACKGROUNDS = {
  white: { key: 'white', name: '白色', rgb: [255, 255, 255] },
  // The light blue of Chinese ID-photo studios (浅蓝/淡蓝, #8EC5F0 family); lighter than the 蓝底
  // of résumé photos so that dark hair still stands out.
  light_blue: { key: 'light_blue', name: '浅蓝色', rgb: [142, 197, 240] },
} as const satisfies Record<string, PhotoBackground>;

export interface BackgroundRule {
  cert: CertCode;
  /** City code (shared/cities.ts, first four digits of the division code); absent: every city. */
  city?: string;
  background: keyof typeof BACKGROUNDS;
  /** Why: the office's own requirement, as published. */
  source: string;
}

/**
 * Where an office asks for something other than white. The most specific rule wins (cert + city
 * over cert alone). No office in the catalogue's sources asks for another colour yet, so the
 * table is empty; add a row (with its source) as an office publishes one — nothing else changes.
 */
export const BACKGROUND_RULES: readonly BackgroundRule[] = [];

/** The background colour the photo for `cert` in `city` must have (white unless a rule says otherwise). */
export function photoBackgroundFor(cert: CertCode, city?: string | null, rules: readonly BackgroundRule[] = BACKGROUND_RULES): PhotoBackground {
  const exact = city ? rules.find((r) => r.cert === cert && r.city === city) : undefined;
  const general = rules.find((r) => r.cert === cert && r.city === undefined);
  const rule = exact ?? general;
  return BACKGROUNDS[rule?.background ?? 'white'];
}

export function isBackgroundKey(value: string): value is keyof typeof BACKGROUNDS {
  return Object.prototype.hasOwnProperty.call(BACKGROUNDS, value);
}
