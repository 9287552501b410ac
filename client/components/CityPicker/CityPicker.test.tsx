import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { CITIES } from '@shared/cities';

import { CityPicker } from '.';

const PROVINCES = [...new Set(CITIES.map((c) => c.province))];

function cityNames(): string[] {
  return within(screen.getByTestId('city-list'))
    .getAllByText(/市$/)
    .map((el) => el.textContent ?? '');
}

function search(text: string) {
  const input = document.querySelector('input') as HTMLInputElement;
  fireEvent.input(input, { target: { value: text } });
}

describe('CityPicker', () => {
  it('offers only cities that use receipts for the certificate', () => {
    render(<CityPicker certType="passport" selected={null} onSelect={() => {}} />);
    const names = cityNames();
    expect(names).toContain('深圳市');
    expect(names).not.toContain('海口市'); // Haikou takes receipts for ID documents only
  });

  it('filters by pinyin initials and full pinyin', () => {
    render(<CityPicker certType="residence_permit" selected={null} onSelect={() => {}} />);
    search('sz');
    expect(cityNames()).toEqual(['深圳市']);
    search('guangz');
    expect(cityNames()).toEqual(['广州市']);
    search('海口');
    expect(cityNames()).toEqual(['海口市']);
  });

  it('never offers a province as a choice, even when searching for one', () => {
    const onSelect = vi.fn();
    render(<CityPicker certType="residence_permit" selected={null} onSelect={onSelect} />);
    for (const item of screen.getByTestId('city-list').children) fireEvent.click(item);
    const chosen = onSelect.mock.calls.map((c) => c[0] as string);
    expect(chosen.length).toBe(CITIES.length);
    expect(chosen.every((code) => /^\d{4}$/.test(code) && CITIES.some((c) => c.code === code))).toBe(true);

    search('广东');
    expect(screen.queryByTestId('city-list')).toBeNull();
    expect(screen.getByText(/没有找到“广东”/)).toBeTruthy();
    for (const province of PROVINCES) expect(onSelect).not.toHaveBeenCalledWith(province);
  });

  it('shows the province only as secondary text of a city', () => {
    render(<CityPicker certType="resident_id" selected="4403" onSelect={() => {}} />);
    const row = screen.getByTestId('city-4403');
    expect(row.textContent).toContain('深圳市');
    expect(row.textContent).toContain('广东省');
    expect(row.className).toContain('city-item--selected');
  });
});
