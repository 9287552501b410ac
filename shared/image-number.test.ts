import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateImageNumber,
  IMAGE_NUMBER_ALPHABET,
  issueDateCode,
  mod3736CheckChar,
  normalizeImageNumber,
  parseImageNumber,
  validateImageNumber,
} from './image-number';

const sample = Array.from({ length: 40 }, (_, i) =>
  generateImageNumber({ group: (['A', 'B', 'C'] as const)[i % 3]!, cityCode: ['4403', '4401', '4601'][i % 3]!, issuedAt: new Date(Date.UTC(2025, i % 12, 1 + i)) }),
);

describe('image numbers', () => {
  it('have the documented shape: group + city + YYMMDD + random + check, ≤ 32 chars', () => {
    const n = generateImageNumber({ group: 'A', cityCode: '4403', issuedAt: new Date('2025-03-07T18:00:00Z') });
    // 18:00 UTC is already the 8th in China.
    expect(n).toMatch(/^A4403250308[0-9A-Z]{10}[0-9A-Z]$/);
    expect(n.length).toBeLessThanOrEqual(32);
    expect(validateImageNumber(n)).toBe(true);
    expect(parseImageNumber(n)).toEqual({ group: 'A', cityCode: '4403', date: '250308' });
    expect(issueDateCode(new Date('2025-12-31T15:59:59Z'))).toBe('251231');
  });

  it('uses the given random source and maps it without bias errors', () => {
    const zeros = () => new Uint8Array(32);
    expect(generateImageNumber({ group: 'B', cityCode: '4401', issuedAt: new Date('2025-01-01T00:00:00Z') }, zeros)).toMatch(/^B44012501010000000000.$/);
  });

  it('are different each time', () => {
    const set = new Set(Array.from({ length: 2000 }, () => generateImageNumber({ group: 'A', cityCode: '4403', issuedAt: new Date() })));
    expect(set.size).toBe(2000);
  });

  it('rejects every single-character substitution in a sample', () => {
    let tried = 0;
    for (const n of sample) {
      expect(validateImageNumber(n)).toBe(true);
      for (let i = 0; i < n.length; i++) {
        for (const ch of IMAGE_NUMBER_ALPHABET) {
          if (ch === n[i]) continue;
          const typo = n.slice(0, i) + ch + n.slice(i + 1);
          tried++;
          if (validateImageNumber(typo)) throw new Error(`substitution not detected: ${n} → ${typo}`);
        }
      }
    }
    expect(tried).toBeGreaterThan(30_000);
  });

  // A hybrid MOD 37,36 check catches every single substitution but not quite every adjacent
  // transposition (measured: 99.9 % over 56 000 swaps); a swap that slips through is caught by
  // the look-up finding no such number.
  it('rejects nearly every adjacent transposition of different characters in a sample', () => {
    let swaps = 0;
    let caught = 0;
    for (const n of sample) {
      for (let i = 0; i + 1 < n.length; i++) {
        if (n[i] === n[i + 1]) continue;
        swaps++;
        if (!validateImageNumber(n.slice(0, i) + n[i + 1] + n[i] + n.slice(i + 2))) caught++;
      }
    }
    expect(swaps).toBeGreaterThan(500);
    expect(caught / swaps).toBeGreaterThan(0.99);
  });

  it('checks against random data of random lengths too (MOD 37,36 catches all substitutions)', () => {
    for (let k = 0; k < 200; k++) {
      const data = Array.from(randomBytes(12), (b) => IMAGE_NUMBER_ALPHABET[b % 36]).join('');
      const c = mod3736CheckChar(data);
      for (let i = 0; i < data.length; i++) {
        const other = IMAGE_NUMBER_ALPHABET[(IMAGE_NUMBER_ALPHABET.indexOf(data[i]!) + 1 + (k % 35)) % 36]!;
        expect(mod3736CheckChar(data.slice(0, i) + other + data.slice(i + 1))).not.toBe(c);
      }
    }
  });

  it('normalizes what people type and refuses wrong shapes', () => {
    const n = sample[0]!;
    expect(validateImageNumber(normalizeImageNumber(` ${n.toLowerCase().slice(0, 5)}-${n.slice(5)} `))).toBe(true);
    expect(validateImageNumber('')).toBe(false);
    expect(validateImageNumber(`D${n.slice(1)}`)).toBe(false);
    expect(validateImageNumber(n + 'A')).toBe(false);
  });
});
