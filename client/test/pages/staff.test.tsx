import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { SPECS } from '@shared/certificates';

import { guideShapes, GuideOverlay } from '../../components/GuideOverlay';
import { daysLeft } from '../../components/ReceiptCard';
import CounterPage from '../../packages/counter/pages/lookup/index';
import OrderDetailPage from '../../packages/orders/pages/detail/index';
import { RejectForm } from '../../packages/review/pages/detail/RejectForm';
import ReviewDetailPage from '../../packages/review/pages/detail/index';
import StaffLoginPage from '../../packages/account/pages/staff-login/index';
import { ApiError } from '../../services/api-error';
import { orderService } from '../../services/order.service';
import type { OrderWithReview, ReceiptLookupView } from '../../services/staff-contract';
import { receiptService, reviewService, staffAuthService } from '../../services/staff.service';
import { initialOrderState, useOrderStore } from '../../stores/order.store';
import { initialReviewState, useReviewStore, waitingText } from '../../stores/review.store';
import { initialSessionState, useSessionStore } from '../../stores/session.store';
import { OK_REPORT, order } from '../fixtures';
import { routerState } from '../setup';

const button = (name: string) => screen.getByRole('button', { name });

const RECEIPT: ReceiptLookupView = {
  number: 'A1B2C3D4',
  group: 'A',
  groupName: '居民身份证/居住证/社会保障卡',
  cityCode: '4403',
  cityName: '深圳',
  certificates: ['居民身份证', '居住证', '社会保障卡'],
  issuedAt: '2026-11-21T05:00:00.000Z',
  expiresAt: '2027-05-20T05:00:00.000Z',
  usedAt: null,
  status: 'valid',
  photoUrl: '/api/media/x.jpg?sig=1',
};

afterEach(() => vi.restoreAllMocks());

/** Taro's h5 Textarea is a web component: its input event carries `detail.value`. */
function typeNote(value: string) {
  const el = document.querySelector('taro-textarea-core, textarea');
  if (!el) throw new Error('no textarea');
  act(() => {
    el.dispatchEvent(new CustomEvent('input', { detail: { value }, bubbles: true }));
  });
}

describe('guide overlay', () => {
  it('places the GA 461 eye line at 234/441 of the height and the crown band at 7–21 px', () => {
    const shapes = guideShapes(SPECS.ga461);
    const eyes = shapes.find((s) => s.key === 'eyes')!;
    expect(eyes.kind).toBe('line-h');
    expect(eyes.start).toBeCloseTo((234 / 441) * 100, 1);
    const crown = shapes.find((s) => s.key === 'crown')!;
    expect(crown.start).toBeCloseTo((7 / 441) * 100, 1);
    expect(crown.size).toBeCloseTo((14 / 441) * 100, 1);
    const left = shapes.find((s) => s.key === 'face-left')!;
    // Face width 193–221 px of 358: the left strip runs from (358−221)/2 to (358−193)/2.
    expect(left.start).toBeCloseTo((68.5 / 358) * 100, 1);
    expect(left.size).toBeCloseTo((14 / 358) * 100, 1);
  });

  it('draws the exit-entry eye band and renders the shapes as percentages of the photo box', () => {
    const eyes = guideShapes(SPECS.exit_entry).find((s) => s.key === 'eyes')!;
    expect(eyes).toMatchObject({ kind: 'band-h' });
    expect(eyes.start).toBeCloseTo((176 / 472) * 100, 1);
    expect(guideShapes(SPECS.ga482).some((s) => s.key === 'eyes')).toBe(false);
    // The width band is named for what it measures: the face for GA 461, the whole head for the others.
    expect(guideShapes(SPECS.ga461).find((s) => s.key === 'face-left')!.label).toBe('脸宽');
    const head = guideShapes(SPECS.ga482).find((s) => s.key === 'face-left')!;
    expect(head.label).toBe('头宽');
    // GA 482 head width 165–189 px of 260.
    expect(head.start).toBeCloseTo(((260 - 189) / 2 / 260) * 100, 1);

    render(<GuideOverlay spec={SPECS.ga461} />);
    const line = screen.getByTestId('guide-eyes');
    expect(line.style.top).toBe(`${Math.round((234 / 441) * 10000) / 100}%`);
  });
});

describe('reject form', () => {
  it('needs at least one reason, then sends the codes and the note', () => {
    const onSubmit = vi.fn();
    render(<RejectForm busy={false} error={null} onSubmit={onSubmit} onCancel={vi.fn()} />);
    fireEvent.click(button('确认不通过'));
    expect(screen.getByText('请至少选择一项不通过原因')).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('checkbox', { name: '照片模糊' }));
    fireEvent.click(screen.getByRole('checkbox', { name: '佩戴饰品' }));
    typeNote(' 耳环明显 ');
    fireEvent.click(button('确认不通过'));
    expect(onSubmit).toHaveBeenCalledWith({ reasons: ['accessories', 'blurry'], note: '耳环明显' });
  });

  it('on the review page: claim, then reject through the store with codes and note', async () => {
    useSessionStore.setState({ ...initialSessionState, token: 't', role: 'reviewer', nickname: '审核员甲' });
    useReviewStore.setState(initialReviewState);
    routerState.params = { orderId: 'ord_12345678' };
    const submitted = order({ status: 'submitted', report: OK_REPORT, photoUrl: '/p.jpg' });
    const get = vi.spyOn(reviewService, 'get').mockResolvedValue(submitted);
    vi.spyOn(reviewService, 'queue').mockResolvedValue([]);
    const claim = vi.spyOn(reviewService, 'claim').mockResolvedValue({});
    const reject = vi.spyOn(reviewService, 'reject').mockResolvedValue({});
    render(<ReviewDetailPage />);
    expect(await screen.findByTestId('guide-eyes')).toBeTruthy();

    get.mockResolvedValue({ ...submitted, status: 'in_review', claimedBy: '审核员甲' });
    fireEvent.click(button('领取审核'));
    await waitFor(() => expect(claim).toHaveBeenCalledWith('ord_12345678'));
    fireEvent.click(await screen.findByRole('button', { name: '不通过' }));
    fireEvent.click(screen.getByRole('checkbox', { name: '表情不自然' }));
    typeNote('请自然平视');
    fireEvent.click(button('确认不通过'));
    await waitFor(() => expect(reject).toHaveBeenCalledWith('ord_12345678', { reasons: ['expression'], note: '请自然平视' }));
    await waitFor(() => expect(Taro.navigateBack).toHaveBeenCalled());
  });

  it('shows the server message when another reviewer already holds the order', async () => {
    useSessionStore.setState({ ...initialSessionState, token: 't', role: 'reviewer', nickname: '审核员甲' });
    useReviewStore.setState(initialReviewState);
    routerState.params = { orderId: 'ord_12345678' };
    vi.spyOn(reviewService, 'get').mockResolvedValue(order({ status: 'in_review', claimedBy: '审核员乙' } as Partial<OrderWithReview>));
    vi.spyOn(reviewService, 'queue').mockResolvedValue([]);
    vi.spyOn(reviewService, 'claim').mockRejectedValue(new ApiError(409, 'ALREADY_CLAIMED' as never, '该订单已被其他审核员领取'));
    render(<ReviewDetailPage />);
    fireEvent.click(await screen.findByRole('button', { name: '领取审核' }));
    expect(await screen.findByText('该订单已被其他审核员领取')).toBeTruthy();
  });

  it('formats the waiting time', () => {
    expect(waitingText(12 * 60 + 5)).toBe('等待 12 分钟');
    expect(waitingText(30)).toBe('等待不到 1 分钟');
    expect(waitingText(125 * 60)).toBe('等待 2 小时 5 分钟');
  });
});

describe('order detail after review', () => {
  beforeEach(() => {
    useSessionStore.setState({ ...initialSessionState, token: 'tok', role: 'applicant', consentAt: '2026-11-21T00:00:00.000Z' });
    useOrderStore.setState(initialOrderState);
    routerState.params = { id: 'ord_12345678' };
  });

  it('rejected: shows the reasons, the note and 审核失败,重新提交 into capture for this order', async () => {
    const rejected: OrderWithReview = order({
      status: 'rejected',
      report: OK_REPORT,
      photoUrl: '/p.jpg',
    });
    rejected.review = {
      decision: 'rejected',
      reasons: [
        { code: 'accessories', label: '佩戴饰品' },
        { code: 'blurry', label: '照片模糊' },
      ],
      note: '请摘下耳环',
      decidedAt: '2026-11-21T06:00:00.000Z',
    };
    rejected.receipt = null;
    rejected.receiptUrl = null;
    vi.spyOn(orderService, 'get').mockResolvedValue(rejected);
    render(<OrderDetailPage />);
    expect(await screen.findByText('· 佩戴饰品')).toBeTruthy();
    expect(screen.getByText('· 照片模糊')).toBeTruthy();
    expect(screen.getByText('审核员说明:请摘下耳环')).toBeTruthy();
    fireEvent.click(button('审核失败,重新提交'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/apply/pages/capture/index?orderId=ord_12345678' });
  });

  it('approved: shows the receipt image, its number and the days left, and saves it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-21T08:00:00.000Z'));
    const approved: OrderWithReview = order({ status: 'approved', report: OK_REPORT, photoUrl: '/p.jpg' });
    approved.receipt = { number: 'A1B2C3D4', issuedAt: '2026-11-21T06:00:00.000Z', expiresAt: '2026-12-01T06:00:00.000Z', usedAt: null };
    approved.receiptUrl = '/api/orders/ord_12345678/receipt.png?sig=abc';
    approved.review = { decision: 'approved', reasons: [], note: null, decidedAt: '2026-11-21T06:00:00.000Z' };
    vi.spyOn(orderService, 'get').mockResolvedValue(approved);
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    render(<OrderDetailPage />);
    expect((await screen.findByTestId('receipt-number')).textContent).toBe('A1B2C3D4');
    expect(screen.getByText('剩余 10 天')).toBeTruthy();
    expect(document.querySelector('img[src="/api/orders/ord_12345678/receipt.png?sig=abc"]')).toBeTruthy();
    fireEvent.click(button('下载回执图片'));
    await waitFor(() => expect(click).toHaveBeenCalled());
    vi.useRealTimers();
  });

  it('counts whole days left', () => {
    expect(daysLeft('2026-12-01T00:00:00.000Z', Date.parse('2026-11-30T12:00:00.000Z'))).toBe(1);
    expect(daysLeft('2026-12-01T00:00:00.000Z', Date.parse('2026-12-02T00:00:00.000Z'))).toBe(0);
  });
});

describe('counter look-up', () => {
  beforeEach(() => {
    useSessionStore.setState({ ...initialSessionState, token: 't', role: 'counter', nickname: '一号窗口' });
  });

  const typeNumber = (value: string) => {
    const input = document.querySelector('input[name="imageNumber"]') as HTMLInputElement;
    fireEvent.input(input, { target: { value } });
  };

  it('upper-cases the number, shows the receipt and marks it used after confirming', async () => {
    const get = vi.spyOn(receiptService, 'get').mockResolvedValue(RECEIPT);
    const use = vi.spyOn(receiptService, 'use').mockResolvedValue({ ...RECEIPT, status: 'used', usedAt: '2026-11-22T02:00:00.000Z' });
    render(<CounterPage />);
    typeNumber('a1b2c3d4');
    fireEvent.click(button('查询'));
    await waitFor(() => expect(get).toHaveBeenCalledWith('A1B2C3D4'));
    expect(await screen.findByText('有效')).toBeTruthy();
    expect(screen.getByText('深圳')).toBeTruthy();
    fireEvent.click(button('标记已使用'));
    await waitFor(() => expect(use).toHaveBeenCalledWith('A1B2C3D4'));
    expect(Taro.showModal).toHaveBeenCalled();
    expect(await screen.findByText('已使用')).toBeTruthy();
  });

  it.each([
    [400, 'INVALID_IMAGE_NUMBER', '图像号格式不正确,请核对回执上的图像号后重新输入'],
    [404, 'RECEIPT_NOT_FOUND', '没有找到这个图像号的回执,请核对后重新输入'],
    [409, 'RECEIPT_USED', '这张回执已经使用过,不能重复使用'],
    [410, 'RECEIPT_EXPIRED', '这张回执已过期,请申请人重新办理'],
  ])('shows the Chinese message for %i %s', async (status, code, message) => {
    vi.spyOn(receiptService, 'get').mockRejectedValue(new ApiError(status, code as never, 'server text'));
    render(<CounterPage />);
    typeNumber('X1');
    fireEvent.click(button('查询'));
    expect(await screen.findByText(message)).toBeTruthy();
  });
});

describe('staff login', () => {
  it('signs a reviewer in and opens 审核台; a counter clerk goes to 窗口查询', async () => {
    useSessionStore.setState(initialSessionState);
    const login = vi.spyOn(staffAuthService, 'login').mockResolvedValue({ token: 'st', role: 'reviewer', name: '审核员甲' });
    render(<StaffLoginPage />);
    fireEvent.click(button('登录'));
    expect(await screen.findByText('请输入用户名')).toBeTruthy();
    fireEvent.input(document.querySelector('input[name="username"]')!, { target: { value: 'rev1' } });
    fireEvent.input(document.querySelector('input[name="password"]')!, { target: { value: 'secret' } });
    fireEvent.click(button('登录'));
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/packages/review/pages/queue/index' }));
    expect(login).toHaveBeenCalledWith({ username: 'rev1', password: 'secret' });
    expect(useSessionStore.getState()).toMatchObject({ token: 'st', role: 'reviewer' });
  });
});
