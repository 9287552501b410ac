/**
 * Image numbers (图像号): group letter + 4-digit city code + issue date YYMMDD (China time) +
 * random part + one ISO/IEC 7064 MOD 37,36 check character. Uppercase 0-9A-Z, ≤ 32 characters.
 * Pure: the randomness comes from a CSPRNG the caller passes (default: globalThis.crypto).
 */
import { chinaParts, pad2 } from './china-time';

export const IMAGE_NUMBER_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const IMAGE_NUMBER_RANDOM_LENGTH = 10;
export const IMAGE_NUMBER_MAX_LENGTH = 32;

const M = 36;

/** Fills a byte array with cryptographically secure random bytes. */
export type RandomBytes = (length: number) => Uint8Array;

const defaultRandom: RandomBytes = (length) => {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
};

const PATTERN = /^[ABC]\d{4}\d{6}[0-9A-Z]{8,20}$/;

function valueOf(ch: string): number {
  return IMAGE_NUMBER_ALPHABET.indexOf(ch);
}

/** ISO/IEC 7064 MOD 37,36 (hybrid system): the check character for `data` (0-9A-Z). */
export function mod3736CheckChar(data: string): string {
  let p = M;
  for (const ch of data) {
    const v = valueOf(ch);
    if (v < 0) throw new Error(`not in 0-9A-Z: ${ch}`);
    let s = (p + v) % M;
    if (s === 0) s = M;
    p = (2 * s) % (M + 1);
  }
  return IMAGE_NUMBER_ALPHABET[(M + 1 - p) % M]!;
}

/** Issue date as YYMMDD in China time (UTC+8). */
export function issueDateCode(at: Date): string {
  const { y, m, d } = chinaParts(at);
  return `${pad2(y % 100)}${pad2(m)}${pad2(d)}`;
}

/** Uniform random characters from 0-9A-Z (rejection sampling: no modulo bias). */
function randomPart(length: number, random: RandomBytes): string {
  let out = '';
  while (out.length < length) {
    for (const b of random(length * 2)) {
      if (b >= 252) continue; // 252 = 7 × 36
      out += IMAGE_NUMBER_ALPHABET[b % M];
      if (out.length === length) break;
    }
  }
  return out;
}

export function generateImageNumber(input: { group: 'A' | 'B' | 'C'; cityCode: string; issuedAt: Date }, random: RandomBytes = defaultRandom): string {
  if (!/^\d{4}$/.test(input.cityCode)) throw new Error(`city code must be 4 digits: ${input.cityCode}`);
  const body = `${input.group}${input.cityCode}${issueDateCode(input.issuedAt)}${randomPart(IMAGE_NUMBER_RANDOM_LENGTH, random)}`;
  return body + mod3736CheckChar(body);
}

/** What a person typed, made comparable: spaces and dashes dropped, uppercase. */
export function normalizeImageNumber(value: string): string {
  return value.replace(/[\s-]/g, '').toUpperCase();
}

/** True when the (normalized) number has the right shape and its check character matches. */
export function validateImageNumber(value: string): boolean {
  if (value.length > IMAGE_NUMBER_MAX_LENGTH || !PATTERN.test(value)) return false;
  return mod3736CheckChar(value.slice(0, -1)) === value.slice(-1);
}

/** The parts of a valid number (null otherwise). */
export function parseImageNumber(value: string): { group: 'A' | 'B' | 'C'; cityCode: string; date: string } | null {
  if (!validateImageNumber(value)) return null;
  return { group: value[0] as 'A' | 'B' | 'C', cityCode: value.slice(1, 5), date: value.slice(5, 11) };
}
