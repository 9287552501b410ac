/**
 * The city page (issue 15): every city, searchable, under province headers, with the city the
 * person is in offered first. The browser's Geolocation and Permissions APIs are replaced in
 * jsdom (which has neither) by stand-ins that answer as a browser does; the order service is
 * spied at its boundary.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import CityPage from '../../packages/apply/pages/city/index';
import { orderService } from '../../services/order.service';
import { initialOrderState, useOrderStore } from '../../stores/order.store';
import { initialSessionState, useSessionStore } from '../../stores/session.store';
import { order } from '../fixtures';

type PermissionState = 'granted' | 'prompt' | 'denied';

/** A browser whose location permission is `state` and whose position is `at` (null: it fails). */
function browserLocation(state: PermissionState | null, at: { lng: number; lat: number } | null) {
  const getCurrentPosition = vi.fn((ok: PositionCallback, fail?: PositionErrorCallback | null) => {
    if (at) ok({ coords: { longitude: at.lng, latitude: at.lat, accuracy: 5000 } } as GeolocationPosition);
    else fail?.({ code: 1, message: 'User denied Geolocation' } as GeolocationPositionError);
  });
  Object.defineProperty(navigator, 'geolocation', { configurable: true, value: state === null ? undefined : { getCurrentPosition } });
  Object.defineProperty(navigator, 'permissions', {
    configurable: true,
    value: state === null ? undefined : { query: vi.fn(async () => ({ state })) },
  });
  return getCurrentPosition;
}

const rows = () => within(screen.getByTestId('city-list')).getAllByTestId(/^city-\d+$/);

beforeEach(() => {
  useSessionStore.setState({ ...initialSessionState, token: 'tok', role: 'applicant', nickname: '小明' });
  useOrderStore.setState(initialOrderState);
  useOrderStore.getState().chooseCertificate('resident_id');
});
afterEach(() => {
  vi.restoreAllMocks();
  browserLocation(null, null);
});

describe('the city page', () => {
  it('offers the located city first when the browser already allows it, and orders for it', async () => {
    const located = browserLocation('granted', { lng: 100.225, lat: 25.589 }); // 大理古城
    const create = vi.spyOn(orderService, 'create').mockResolvedValue(order({ id: 'o-dali', cityCode: '5329' }));
    render(<CityPage />);
    await waitFor(() => expect(screen.getByTestId('city-located').textContent).toContain('大理白族自治州'));
    expect(located).toHaveBeenCalledOnce();
    expect(rows()[0].textContent).toContain('大理白族自治州');

    fireEvent.click(rows()[0]);
    fireEvent.click(screen.getByRole('button', { name: '确认城市:大理白族自治州' }));
    await waitFor(() => expect(create).toHaveBeenCalledWith({ certType: 'resident_id', cityCode: '5329' }));
  });

  it('asks only on a tap when the browser would prompt', async () => {
    const located = browserLocation('prompt', { lng: 116.397, lat: 39.909 }); // 天安门
    render(<CityPage />);
    const ask = await screen.findByTestId('city-locate');
    expect(located).not.toHaveBeenCalled();
    fireEvent.click(ask);
    await waitFor(() => expect(screen.getByTestId('city-located').textContent).toContain('北京市'));
  });

  it.each([
    ['refused before', 'denied' as const, { lng: 116.4, lat: 39.9 }],
    ['failing', 'granted' as const, null],
    ['abroad', 'granted' as const, { lng: 139.69, lat: 35.69 }],
    ['without geolocation', null, null],
  ])('stays silent %s: no located row, no error, the full list', async (_, state, at) => {
    browserLocation(state, at);
    render(<CityPage />);
    await waitFor(() => expect(rows().length).toBeGreaterThan(360));
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId('city-located')).toBeNull();
    expect(screen.queryByText(/失败|错误/)).toBeNull();
  });

  it('finds 北京 and orders for it (the city, never the province)', async () => {
    browserLocation(null, null);
    const create = vi.spyOn(orderService, 'create').mockResolvedValue(order({ id: 'o-bj', cityCode: '1101' }));
    render(<CityPage />);
    fireEvent.input(document.querySelector('input')!, { target: { value: 'bj' } });
    expect(rows()[0].textContent).toContain('北京市');
    fireEvent.click(rows()[0]);
    fireEvent.click(screen.getByRole('button', { name: '确认城市:北京市' }));
    await waitFor(() => expect(create).toHaveBeenCalledWith({ certType: 'resident_id', cityCode: '1101' }));
  });
});
