import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { CHECK_CODES } from '@shared/check-codes';

import { FAILED_REPORT, OK_REPORT } from '../../test/fixtures';
import { ReportView } from '.';

describe('ReportView', () => {
  it('lists each failed check with its title and what to do, and offers 重新拍摄', () => {
    const onRetake = vi.fn();
    const onNext = vi.fn();
    render(
      <ReportView status="needs_retake" report={FAILED_REPORT} processedSrc="/p.jpg" originalSrc="blob:o" onRetake={onRetake} onNext={onNext} />,
    );
    const failures = screen.getByTestId('report-failures');
    expect(within(failures).getByText(new RegExp(CHECK_CODES.EYES_CLOSED.title))).toBeTruthy();
    expect(within(failures).getByText(CHECK_CODES.EYES_CLOSED.message)).toBeTruthy();
    expect(within(failures).queryByText(new RegExp(CHECK_CODES.BLURRY.title))).toBeNull(); // passed
    // Warnings are listed apart, softer.
    expect(within(screen.getByTestId('report-warnings')).getByText(CHECK_CODES.GLASSES_GLARE.title)).toBeTruthy();
    expect(screen.queryByText('下一步')).toBeNull();
    fireEvent.click(screen.getByText('重新拍摄'));
    expect(onRetake).toHaveBeenCalledTimes(1);
    expect(onNext).not.toHaveBeenCalled();
  });

  it('shows a spinner while processing and a disabled 下一步 with its reason', () => {
    const onNext = vi.fn();
    render(<ReportView status="processing" report={null} processedSrc={null} originalSrc="blob:o" onRetake={vi.fn()} onNext={onNext} />);
    expect(screen.getByText(/正在处理照片/)).toBeTruthy();
    expect(screen.getByText('照片处理完成后才能继续')).toBeTruthy();
    fireEvent.click(screen.getByText('下一步'));
    expect(onNext).not.toHaveBeenCalled();
  });

  it('tells the applicant about reviewer-rule warnings: the hint (审核可能不通过) and the photo rule', () => {
    const report = {
      ...OK_REPORT,
      warnings: ['HAIR_OVER_EARS' as const],
      checks: [
        { code: 'HAIR_OVER_EARS' as const, pass: false, severity: 'warn' as const, message: CHECK_CODES.HAIR_OVER_EARS.message, value: 0.98, limit: '≤ 70%', region: { x: 40, y: 190, width: 40, height: 80 } },
      ],
    };
    render(<ReportView status="ready" report={report} processedSrc="/p.jpg" originalSrc={null} onRetake={vi.fn()} onNext={vi.fn()} />);
    const warnings = screen.getByTestId('report-warnings');
    expect(within(warnings).getByText(CHECK_CODES.HAIR_OVER_EARS.title)).toBeTruthy();
    expect(within(warnings).getByText(/审核可能不通过/)).toBeTruthy();
    expect(within(warnings).getByText('照片要求:头发不能遮挡耳朵')).toBeTruthy();
    // A warning does not stop the applicant.
    expect(screen.getByText('下一步')).toBeTruthy();
  });

  it('offers 下一步 when the photo passed', () => {
    const onNext = vi.fn();
    render(<ReportView status="ready" report={OK_REPORT} processedSrc="/p.jpg" originalSrc={null} onRetake={vi.fn()} onNext={onNext} />);
    expect(screen.getByText('照片检测合格')).toBeTruthy();
    fireEvent.click(screen.getByText('下一步'));
    expect(onNext).toHaveBeenCalledTimes(1);
  });
});
