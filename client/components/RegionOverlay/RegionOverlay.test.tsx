import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { getCertificate } from '@shared/certificates';
import { CHECK_CODES } from '@shared/check-codes';
import type { PhotoReport } from '@shared/photo-report';

import { FAILED_REPORT } from '../../test/fixtures';
import { RegionOverlay, regionBoxes } from '.';

const spec = getCertificate('resident_id').spec; // 358×441

const REPORT: PhotoReport = {
  ...FAILED_REPORT,
  failures: ['LEFTOVER_BACKGROUND'],
  warnings: ['EARRINGS'],
  checks: [
    { code: 'EARRINGS', pass: false, severity: 'warn', message: CHECK_CODES.EARRINGS.message, value: 1.9, limit: '≤ 0.6', region: { x: 179, y: 220.5, width: 35.8, height: 44.1 } },
    { code: 'LEFTOVER_BACKGROUND', pass: false, severity: 'block', message: CHECK_CODES.LEFTOVER_BACKGROUND.message, value: 4.7, limit: '≤ 3', region: { x: 0, y: 0, width: 35.8, height: 44.1 } },
    // Passed: nothing to highlight, even though the check says where it looked.
    { code: 'HAIR_OVER_EARS', pass: true, severity: 'warn', message: CHECK_CODES.HAIR_OVER_EARS.message, value: 0.1, limit: '≤ 0.7', region: { x: 10, y: 10, width: 20, height: 20 } },
    // Failed but without a place on the photo.
    { code: 'EYES_CLOSED', pass: false, severity: 'block', message: '请睁开双眼', value: 0.08, limit: '≥ 0.2' },
  ],
};

describe('RegionOverlay (review console)', () => {
  it('draws a box with the check title where each failed check found its problem, scaled to the photo', () => {
    render(<RegionOverlay report={REPORT} spec={spec} />);
    const earrings = screen.getByTestId('region-EARRINGS');
    expect(earrings.textContent).toBe(CHECK_CODES.EARRINGS.title);
    expect(earrings.style.left).toBe('50%');
    expect(earrings.style.top).toBe('50%');
    expect(earrings.style.width).toBe('10%');
    expect(earrings.style.height).toBe('10%');
    expect(earrings.className).toContain('regions__box--warn');
    const leftover = screen.getByTestId('region-LEFTOVER_BACKGROUND');
    expect(leftover.textContent).toBe(CHECK_CODES.LEFTOVER_BACKGROUND.title);
    expect(leftover.className).toContain('regions__box--block');
    expect(screen.queryByTestId('region-HAIR_OVER_EARS')).toBeNull();
    expect(screen.queryByTestId('region-EYES_CLOSED')).toBeNull();
  });

  it('draws nothing for a report without located problems', () => {
    render(<RegionOverlay report={FAILED_REPORT} spec={spec} />);
    expect(screen.queryByTestId('region-overlay')).toBeNull();
    expect(regionBoxes(null, spec)).toEqual([]);
  });
});
