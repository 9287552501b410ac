import Taro from '@tarojs/taro';
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { ROUTES } from '../../route-paths';
import { routerState } from '../../test/setup';
import { BackBar } from '.';
import { parentPage } from './parent';

describe('parentPage: where the way back leads when nothing is under the page', () => {
  it.each([
    [ROUTES.home, {}, null],
    [ROUTES.orders, {}, null],
    [ROUTES.service, {}, null],
    [ROUTES.certificate, {}, { url: ROUTES.home, label: '首页' }],
    [ROUTES.orderDetail, { id: 'o1' }, { url: ROUTES.orders, label: '订单' }],
    [ROUTES.capture, { orderId: 'o1' }, { url: `${ROUTES.orderDetail}?id=o1`, label: '订单详情' }],
    [ROUTES.submit, { orderId: 'o%201' }, { url: `${ROUTES.orderDetail}?id=o%201`, label: '订单详情' }],
    [ROUTES.guide, {}, { url: ROUTES.home, label: '首页' }],
    [ROUTES.reviewDetail, { id: 'o1' }, { url: ROUTES.reviewQueue, label: '审核台' }],
    [ROUTES.eligibilityAbout, {}, { url: ROUTES.eligibilityCheck, label: '资格自测' }],
  ])('%s %o → %o', (path, params, expected) => {
    expect(parentPage(path, params)).toEqual(expected);
  });
});

describe('BackBar (h5)', () => {
  it('返回 goes back when a page is under this one', () => {
    routerState.path = ROUTES.certificate;
    vi.mocked(Taro.getCurrentPages).mockReturnValue([{}, {}] as never);
    render(<BackBar />);
    fireEvent.click(screen.getByTestId('back-button'));
    expect(screen.getByTestId('back-button').textContent).toBe('返回');
    expect(Taro.navigateBack).toHaveBeenCalled();
  });

  it('opened directly: names the parent and relaunches it', () => {
    routerState.path = ROUTES.orderDetail;
    routerState.params = { id: 'o1' };
    vi.mocked(Taro.getCurrentPages).mockReturnValue([{}] as never);
    render(<BackBar />);
    expect(screen.getByTestId('back-button').textContent).toBe('订单');
    fireEvent.click(screen.getByTestId('back-button'));
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: ROUTES.orders });
    expect(Taro.navigateBack).not.toHaveBeenCalled();
  });

  it('tab pages have none', () => {
    routerState.path = ROUTES.orders;
    render(<BackBar />);
    expect(screen.queryByTestId('back-bar')).toBeNull();
  });
});
