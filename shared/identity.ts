/**
 * Resident identity numbers (GB 11643-1999: 17 digits + check character) and phone numbers:
 * validation and masking. Pure; the same rules run in the form and on the server.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The check character for the first 17 digits (ISO 7064 MOD 11-2). */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

export type IdNumberProblem = 'format' | 'birth_date' | 'check_digit';

/** Why an ID number is not valid, or null when it is. Accepts a lowercase x. */
export function idNumberProblem(value: string): IdNumberProblem | null {
  const id = value.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return 'format';
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || date.getTime() > Date.now()) {
    return 'birth_date';
  }
  if (idCheckChar(id) !== id[17]) return 'check_digit';
  return null;
}

export function normalizeIdNumber(value: string): string {
  return value.trim().toUpperCase();
}

/** `4403**********1234`: the region and the last four stay, the birth date never shows. */
export function maskIdNumber(id: string): string {
  return id.length < 8 ? '*'.repeat(id.length) : `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`;
}

export const PHONE_PATTERN = /^1[3-9]\d{9}$/;

/** `138****5678`. */
export function maskPhone(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : phone;
}

/** Names on Chinese ID cards: Chinese characters, with · for minority and foreign names. */
export const NAME_PATTERN = /^[\u4e00-\u9fa5][\u4e00-\u9fa5·]{0,28}[\u4e00-\u9fa5]$/;
