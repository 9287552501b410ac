import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { CameraFrame } from './frame';

describe('CameraFrame', () => {
  it('while the camera opens or the detector loads, the hint is busy with a spinner', () => {
    render(<CameraFrame aspect={0.7} oval={null} message="正在加载人脸引导…" ready={false} progress={0} waiting>{null}</CameraFrame>);
    expect(screen.getByRole('status').getAttribute('aria-busy')).toBe('true');
    expect(screen.getByTestId('camera-waiting')).toBeTruthy();
  });

  it('a live hint shows no spinner', () => {
    render(<CameraFrame aspect={0.7} oval={null} message="请向左移一点" ready={false} progress={0}>{null}</CameraFrame>);
    expect(screen.getByRole('status').getAttribute('aria-busy')).toBe('false');
    expect(screen.queryByTestId('camera-waiting')).toBeNull();
  });
});
