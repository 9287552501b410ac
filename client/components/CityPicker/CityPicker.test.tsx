import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { CITIES, getCity } from '@shared/cities';

import { CityPicker } from '.';

const PROVINCES = [...new Set(CITIES.map((c) => c.province))];

/** City names in the order shown (rows only, not headers). */
function cityNames(): string[] {
  return within(screen.getByTestId('city-list'))
    .queryAllByTestId(/^city-\d+$/)
    .map((row) => row.querySelector('.city-item__name')?.textContent ?? '');
}

function search(text: string) {
  const input = document.querySelector('input') as HTMLInputElement;
  fireEvent.input(input, { target: { value: text } });
}

describe('CityPicker', () => {
  it('lists every city of the country under its province, municipalities first', () => {
    render(<CityPicker certType="resident_id" selected={null} onSelect={() => {}} />);
    expect(cityNames().length).toBe(CITIES.length);
    const headers = screen.getAllByTestId(/^city-group-/).map((g) => g.querySelector('.city-picker__group-title')?.textContent);
    expect(headers.slice(0, 3)).toEqual(['直辖市', '河北省', '山西省']);
    expect(within(screen.getByTestId('city-group-直辖市')).getAllByTestId(/^city-\d+$/).map((r) => r.textContent)).toEqual(['北京市', '天津市', '上海市', '重庆市']);
    const hainan = within(screen.getByTestId('city-group-海南省'));
    expect(hainan.getByTestId('city-469002').textContent).toContain('琼海市');
    expect(hainan.getByTestId('city-4601').textContent).toBe('海口市'); // no province repeated under its header
  });

  it('offers only cities that use receipts for the certificate', () => {
    render(<CityPicker certType="passport" selected={null} onSelect={() => {}} />);
    const names = cityNames();
    expect(names).toContain('深圳市');
    expect(names).not.toContain('海口市'); // Haikou takes receipts for ID documents only
    search('海口');
    expect(screen.getByText('海口市暂不办理普通护照的照片回执,请选择其他城市')).toBeTruthy();
  });

  it('finds 北京 by name, pinyin and initials, ranked', () => {
    render(<CityPicker certType="residence_permit" selected={null} onSelect={() => {}} />);
    search('北京');
    expect(cityNames()).toEqual(['北京市']);
    search('beijing');
    expect(cityNames()).toEqual(['北京市']);
    search('bj');
    expect(cityNames()).toEqual(['北京市', '毕节市', '宝鸡市']);
    search('深');
    expect(cityNames()[0]).toBe('深圳市');
    search('guangz');
    expect(cityNames()).toEqual(['广州市']);
    search('dali');
    expect(cityNames()).toEqual(['大理白族自治州', '大连市']); // exact before prefix (dalian)
    expect(screen.getByTestId('city-5329').textContent).toContain('云南省'); // the province beside a search result
    search('zzzz');
    expect(screen.queryByTestId('city-list')).toBeNull();
    expect(screen.getByText('没有找到“zzzz”,请输入城市名称或拼音,如 北京 / bj')).toBeTruthy();
  });

  it('never offers a province as a choice: a province name lists its cities', () => {
    const onSelect = vi.fn();
    render(<CityPicker certType="residence_permit" selected={null} onSelect={onSelect} />);
    search('广东');
    const names = cityNames();
    expect(names.length).toBe(21);
    expect(names).not.toContain('广东省');
    for (const row of within(screen.getByTestId('city-list')).getAllByTestId(/^city-\d+$/)) fireEvent.click(row);
    const chosen = onSelect.mock.calls.map((c) => c[0] as string);
    expect(chosen.every((code) => getCity(code)?.province === '广东省')).toBe(true);
    for (const province of PROVINCES) expect(onSelect).not.toHaveBeenCalledWith(province);
  });

  it('marks the selected city', () => {
    render(<CityPicker certType="resident_id" selected="4403" onSelect={() => {}} />);
    expect(screen.getByTestId('city-4403').className).toContain('city-item--selected');
  });

  it('puts the located city first, and offers a tap to locate when the platform would ask', () => {
    const onSelect = vi.fn();
    const onLocate = vi.fn();
    const { rerender } = render(<CityPicker certType="resident_id" selected={null} onSelect={onSelect} located={{ kind: 'can_ask' }} onLocate={onLocate} />);
    fireEvent.click(screen.getByTestId('city-locate'));
    expect(onLocate).toHaveBeenCalledOnce();

    rerender(<CityPicker certType="resident_id" selected={null} onSelect={onSelect} located={{ kind: 'locating' }} onLocate={onLocate} />);
    expect(within(screen.getByTestId('city-located')).getByText('正在定位…')).toBeTruthy();

    rerender(<CityPicker certType="resident_id" selected={null} onSelect={onSelect} located={{ kind: 'found', city: getCity('5329')! }} onLocate={onLocate} />);
    const list = screen.getByTestId('city-list');
    expect(list.firstElementChild).toBe(screen.getByTestId('city-located'));
    expect(cityNames()[0]).toBe('大理白族自治州');
    fireEvent.click(within(screen.getByTestId('city-located')).getByText('大理白族自治州'));
    expect(onSelect).toHaveBeenCalledWith('5329');
  });

  it('shows nothing for a location that failed, or a city not offered for the certificate', () => {
    const { rerender } = render(<CityPicker certType="passport" selected={null} onSelect={() => {}} located={{ kind: 'none' }} />);
    expect(screen.queryByTestId('city-located')).toBeNull();
    rerender(<CityPicker certType="passport" selected={null} onSelect={() => {}} located={{ kind: 'found', city: getCity('4601')! }} />);
    expect(screen.queryByTestId('city-located')).toBeNull();
  });
});
