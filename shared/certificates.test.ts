import { describe, expect, it } from 'vitest';
import { CERT_CODES, CERTIFICATES, RECEIPT_GROUPS, getCertificate, isCertCode } from './certificates';
import { CHECK_CODES } from './check-codes';

const CJK = /[\u4e00-\u9fff]/;

describe('certificate catalogue', () => {
  it('holds the seven certificate codes in their receipt groups', () => {
    expect(Object.fromEntries(CERTIFICATES.map((c) => [c.code, c.group]))).toEqual({
      resident_id: 'A',
      residence_permit: 'A',
      social_security: 'A',
      passport: 'B',
      hk_macau_permit: 'B',
      taiwan_permit: 'B',
      driver_license: 'C',
    });
    for (const c of CERTIFICATES) expect(c.name).toMatch(CJK);
    for (const g of Object.values(RECEIPT_GROUPS)) expect(g.name).toMatch(CJK);
  });

  it('gives every spec its numbers with a source and consistent bands', () => {
    for (const { spec } of CERTIFICATES) {
      expect(spec.sources.length).toBeGreaterThan(0);
      for (const band of [spec.fileBytes, spec.widthBand, spec.crownMargin, spec.headHeight, spec.eyeLine, spec.eyeMidX]) {
        if (!band) continue;
        expect(band.min).toBeLessThan(band.max);
        if (band.target !== undefined) {
          expect(band.target).toBeGreaterThanOrEqual(band.min);
          expect(band.target).toBeLessThanOrEqual(band.max);
        }
      }
      expect(spec.widthBand.max).toBeLessThan(spec.width);
    }
    expect(getCertificate('resident_id').spec).toMatchObject({ width: 358, height: 441, dpi: 350 });
    expect(getCertificate('passport').spec).toMatchObject({ width: 354, height: 472, dpi: 300 });
    expect(getCertificate('driver_license').spec).toMatchObject({ width: 260, height: 378, dpi: 300 });
    // GA 461: eye line at least 207 px above the bottom edge.
    expect(getCertificate('resident_id').spec.eyeLine!.max).toBe(441 - 207);
  });

  it('recognises only known codes', () => {
    expect(CERT_CODES).toHaveLength(7);
    expect(isCertCode('passport')).toBe(true);
    expect(isCertCode('PASSPORT')).toBe(false);
    expect(() => getCertificate('nope' as never)).toThrow();
  });
});

describe('check codes', () => {
  it('every code has a severity and a Chinese title and message', () => {
    for (const [code, info] of Object.entries(CHECK_CODES)) {
      expect(code).toMatch(/^[A-Z_]+$/);
      expect(['block', 'warn']).toContain(info.severity);
      expect(info.title).toMatch(CJK);
      expect(info.message).toMatch(CJK);
    }
  });

  it('keeps the codes other tools key on', () => {
    const required = ['INPUT_UNREADABLE', 'INPUT_TOO_LARGE', 'NO_FACE', 'MULTIPLE_FACES', 'LOW_RESOLUTION', 'HEAD_TILTED', 'NOT_FACING_CAMERA', 'EYES_CLOSED', 'BLURRY', 'TOO_DARK', 'TOO_BRIGHT', 'UNEVEN_LIGHTING', 'GRAYSCALE', 'COLOR_CAST', 'HEAD_CUT_OFF'];
    for (const code of required) expect(CHECK_CODES[code as keyof typeof CHECK_CODES].severity).toBe('block');
    for (const code of ['MOUTH_OPEN', 'HAIR_OVER_FACE', 'WHITE_CLOTHING', 'GLASSES_GLARE']) {
      expect(CHECK_CODES[code as keyof typeof CHECK_CODES].severity).toBe('warn');
    }
  });
});
