import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { ActionButton } from '.';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ActionButton', () => {
  it('a handler that returns a promise keeps the button disabled with its spinner until it settles; a second tap sends nothing', async () => {
    const request = deferred();
    const onClick = vi.fn(() => request.promise);
    render(<ActionButton onClick={onClick}>提交审核</ActionButton>);
    const button = screen.getByRole('button');
    fireEvent.click(button);
    fireEvent.click(button);
    expect(onClick).toHaveBeenCalledTimes(1);
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(button.getAttribute('aria-busy')).toBe('true');
    expect(screen.getByTestId('button-spinner')).toBeTruthy();

    await act(async () => request.resolve());
    expect(button.getAttribute('aria-disabled')).toBe('false');
    expect(screen.queryByTestId('button-spinner')).toBeNull();
    fireEvent.click(button);
    expect(onClick).toHaveBeenCalledTimes(2);
  });

  it('a failed request frees the button too', async () => {
    let reject!: (e: Error) => void;
    const onClick = vi.fn(() => new Promise<void>((_, r) => (reject = r)));
    render(<ActionButton onClick={onClick}>登录</ActionButton>);
    fireEvent.click(screen.getByRole('button'));
    await act(async () => reject(new Error('offline')));
    expect(screen.getByRole('button').getAttribute('aria-disabled')).toBe('false');
  });

  it('a plain handler (navigation) leaves the button as it was', () => {
    const onClick = vi.fn();
    render(<ActionButton onClick={onClick}>拍摄指南</ActionButton>);
    fireEvent.click(screen.getByRole('button'));
    fireEvent.click(screen.getByRole('button'));
    expect(onClick).toHaveBeenCalledTimes(2);
    expect(screen.getByRole('button').getAttribute('aria-busy')).toBe('false');
  });
});
