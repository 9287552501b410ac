/**
 * 办证资格自测 (issue 7): questionnaire → result → the photo flow with 居住证 and 深圳 chosen, the
 * entry points, the order page's reminder and 「居住证有什么用」. The service is spied at its
 * boundary; verdicts come from the same pure rules the server uses.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { evaluateShenzhenResidence, type EligibilityInput } from '@shared/eligibility';

import CityPage from '../../packages/apply/pages/city/index';
import AboutPage from '../../packages/eligibility/pages/about/index';
import CheckPage from '../../packages/eligibility/pages/check/index';
import ResultPage from '../../packages/eligibility/pages/result/index';
import OrderDetailPage from '../../packages/orders/pages/detail/index';
import HomePage from '../../pages/index/index';
import { eligibilityService } from '../../services/eligibility.service';
import { notificationService } from '../../services/notification.service';
import { orderService } from '../../services/order.service';
import { initialEligibilityState, useEligibilityStore } from '../../stores/eligibility.store';
import { initialOrderState, useOrderStore } from '../../stores/order.store';
import { initialSessionState, useSessionStore } from '../../stores/session.store';
import { OK_REPORT, order } from '../fixtures';
import { routerState } from '../setup';

const TODAY = '2026-11-21';
const CITY = '/packages/apply/pages/city/index';
const CHECK = '/packages/eligibility/pages/check/index';

const button = (name: string) => screen.getByRole('button', { name });
const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement;
const pick = (label: string, value: string) => fireEvent.change(field(label), { target: { value } });

/** The server, as far as the page can tell: the shared rules. */
function serverAnswers() {
  return vi
    .spyOn(eligibilityService, 'checkShenzhenResidence')
    .mockImplementation(async (body) => evaluateShenzhenResidence(body as EligibilityInput));
}

/** A verdict in the store as the questionnaire leaves it. */
function checked(input: EligibilityInput) {
  useEligibilityStore.setState({
    status: 'done',
    result: { request: input, verdict: evaluateShenzhenResidence(input) },
  });
}

const ELIGIBLE_INPUT: EligibilityInput = {
  applicationDate: TODAY,
  residenceRegistrations: [{ from: '2025-01-02' }],
  socialInsuranceMonths: ['2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'],
  talent: 'pengcheng_card',
  student: false,
};

const WAITING_INPUT: EligibilityInput = {
  applicationDate: TODAY,
  residenceRegistrations: [{ from: '2026-03-10' }],
  socialInsuranceMonths: ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'],
  talent: 'degree_uncertified',
  student: false,
};

beforeEach(() => {
  useSessionStore.setState({ ...initialSessionState, token: 'tok', role: 'applicant', nickname: '小明' });
  useOrderStore.setState(initialOrderState);
  useEligibilityStore.setState(initialEligibilityState(TODAY));
  vi.spyOn(notificationService, 'list').mockResolvedValue({ items: [], unread: 0 });
});
afterEach(() => vi.restoreAllMocks());

describe('entry points', () => {
  it('home: 办证资格自测 opens the questionnaire without signing in', () => {
    useSessionStore.setState({ token: null });
    render(<HomePage />);
    fireEvent.click(screen.getByTestId('eligibility-entry'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: CHECK });
  });

  it('city: a 深圳居住证 draft without a self-check offers one; an eligible one says what it found', () => {
    useOrderStore.getState().presetDraft({ certType: 'residence_permit', cityCode: '4403', eligibility: null });
    const { unmount } = render(<CityPage />);
    expect(button('确认城市:深圳市')).toBeTruthy();
    fireEvent.click(screen.getByRole('link', { name: '不确定能否办理?先做资格自测' }));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: CHECK });
    unmount();

    useOrderStore.getState().presetDraft({ certType: 'residence_permit', cityCode: '4403', eligibility: { routes: ['social_insurance'] } });
    render(<CityPage />);
    expect(screen.getByTestId('eligibility-summary').textContent).toBe('资格自测:符合(社保+居住登记)');
    expect(screen.queryByText('不确定能否办理?先做资格自测')).toBeNull();
  });
});

describe('questionnaire', () => {
  it('shows the schema messages next to the fields and does not ask the server with gaps', async () => {
    const check = serverAnswers();
    render(<CheckPage />);
    expect(field('申请日期').value).toBe(TODAY);
    fireEvent.click(button('查看结果'));
    expect(await screen.findByText('请选择居住登记的开始日期')).toBeTruthy();
    expect(screen.getByText('请选择开始缴纳社保的月份')).toBeTruthy();
    expect(check).not.toHaveBeenCalled();
    expect(Taro.navigateTo).not.toHaveBeenCalled();

    // 「至今」 off: an end date is needed; a start after the application day is refused.
    fireEvent.click(screen.getByRole('checkbox', { name: '居住登记1至今' }));
    pick('居住登记1开始日期', '2026-12-01');
    fireEvent.click(button('查看结果'));
    expect(await screen.findByText('居住登记的开始日期不能晚于申请日期')).toBeTruthy();
    expect(screen.getByText('请选择居住登记的结束日期,或勾选「至今」')).toBeTruthy();
  });

  it('adds and removes periods, and hides them for 没有办理居住登记 / 没有缴纳', () => {
    render(<CheckPage />);
    fireEvent.click(button('添加一段(搬家后重新登记)'));
    expect(field('居住登记2开始日期')).toBeTruthy();
    fireEvent.click(button('删除居住登记第1段'));
    expect(screen.queryByLabelText('居住登记2开始日期')).toBeNull();
    expect(field('居住登记1开始日期')).toBeTruthy();

    fireEvent.click(screen.getByRole('radio', { name: '没有办理居住登记' }));
    expect(screen.queryByLabelText('居住登记1开始日期')).toBeNull();
    fireEvent.click(screen.getByRole('radio', { name: '没有缴纳' }));
    expect(screen.queryByLabelText('社保1开始月份')).toBeNull();
    expect(screen.getByRole('radio', { name: '没有缴纳' }).getAttribute('aria-checked')).toBe('true');
  });

  it('answers → 查看结果 → the result page, with the months expanded from the periods', async () => {
    const check = serverAnswers();
    render(<CheckPage />);
    pick('居住登记1开始日期', '2026-06-15');
    pick('社保1开始月份', '2026-02');
    fireEvent.click(screen.getByRole('checkbox', { name: '社保1至今' }));
    pick('社保1结束月份', '2026-03');
    fireEvent.click(button('添加一段(断缴或换工作后)'));
    pick('社保2开始月份', '2026-05');
    fireEvent.click(screen.getByRole('radio', { name: '全日制大专及以上学历(还没有认证)' }));
    expect(screen.getByTestId('eligibility-insurance-months').textContent).toContain('合计 9 个月');
    fireEvent.click(button('查看结果'));

    await waitFor(() => expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/eligibility/pages/result/index' }));
    expect(check).toHaveBeenCalledWith({
      applicationDate: TODAY,
      residenceRegistrations: [{ from: '2026-06-15' }],
      socialInsuranceMonths: ['2026-02', '2026-03', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'],
      talent: 'degree_uncertified',
      student: false,
    });

    render(<ResultPage />);
    expect(screen.getByText('暂不符合申领条件')).toBeTruthy();
    // Registration since 2026-06-15 → 12 months on 2027-06-15; insurance (12 in a row from 2026-05)
    // is there by 2027-05-01 already.
    expect(screen.getByTestId('eligibility-earliest-date').textContent).toContain('预计 2027年6月15日 起符合条件');
  });
});

describe('result', () => {
  it('eligible: headline, routes (with the talent condition), what to bring; continuing preselects 深圳居住证 with the routes', () => {
    checked(ELIGIBLE_INPUT);
    render(<ResultPage />);
    expect(screen.getByText('符合申领条件')).toBeTruthy();
    const routes = screen.getByTestId('eligibility-routes');
    expect(within(routes).getByText('✓ 社保+居住登记')).toBeTruthy();
    expect(within(routes).getByText('✓ 人才引进(鹏城优才卡持有者)')).toBeTruthy();
    const documents = screen.getByTestId('eligibility-documents').textContent;
    expect(documents).toContain('本人居民身份证原件');
    expect(documents).toContain('深圳社保参保缴费记录');
    expect(documents).toContain('鹏城优才卡');
    expect(screen.getByRole('link', { name: '居住证有什么用?' })).toBeTruthy();

    fireEvent.click(button('办理居住证照片回执'));
    expect(useOrderStore.getState().draft).toEqual({
      certType: 'residence_permit',
      cityCode: '4403',
      eligibility: { routes: ['social_insurance', 'talent'], talent: 'pengcheng_card' },
    });
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: CITY });

    // Another city on the city page: the self-check no longer applies.
    useOrderStore.getState().chooseCity('4401');
    expect(useOrderStore.getState().draft.eligibility).toBeNull();
  });

  it('eligible without a session: sign-in first, back to the city page with the draft intact', async () => {
    useSessionStore.setState({ token: null });
    checked(ELIGIBLE_INPUT);
    render(<ResultPage />);
    fireEvent.click(button('办理居住证照片回执'));
    await waitFor(() =>
      expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `/packages/account/pages/login/index?redirect=${encodeURIComponent(CITY)}` }),
    );
    // Signing in keeps the in-memory draft: the city page opens with it.
    useSessionStore.setState({ token: 'tok' });
    routerState.path = CITY;
    render(<CityPage />);
    expect(button('确认城市:深圳市')).toBeTruthy();
    expect(screen.getByTestId('eligibility-summary').textContent).toContain('社保+居住登记');
  });

  it('not eligible: headline, the earliest date and its assumption, what is missing by route; 仍要办理 keeps no routes', () => {
    checked(WAITING_INPUT);
    render(<ResultPage />);
    expect(screen.getByText('暂不符合申领条件')).toBeTruthy();
    const earliest = screen.getByTestId('eligibility-earliest-date').textContent ?? '';
    // Registration complete on 2027-03-10; 12 months in a row (from 2026-05) only by 2027-05-01.
    expect(earliest).toContain('预计 2027年5月1日 起符合条件');
    expect(earliest).toContain('不中断');

    const social = screen.getByTestId('eligibility-unmet-social_insurance').textContent;
    expect(social).toContain('居住登记从2026年3月10日起连续');
    expect(social).toContain('满 12 个月要到2027年3月10日');
    expect(social).toContain('申请月之前连续缴纳社保 6 个月');
    expect(screen.getByTestId('eligibility-unmet-talent').textContent).toContain('学历要先经深圳市人力资源和社会保障局认证');
    expect(screen.getByTestId('eligibility-unmet-student').textContent).toContain('不是在深圳接受全日制中高等学历(职业)教育的学生');
    expect(screen.queryByText('办理居住证照片回执')).toBeNull();

    fireEvent.click(button('仍要办理照片回执'));
    expect(useOrderStore.getState().draft).toEqual({ certType: 'residence_permit', cityCode: '4403', eligibility: null });
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: CITY });
  });

  it('not eligible without a registration: no date to wait for', () => {
    checked({ ...WAITING_INPUT, residenceRegistrations: [], talent: undefined });
    render(<ResultPage />);
    expect(screen.getByText('暂不符合申领条件')).toBeTruthy();
    expect(screen.queryByTestId('eligibility-earliest-date')).toBeNull();
    expect(screen.getByTestId('eligibility-unmet-social_insurance').textContent).toContain('需要先办理居住登记');
  });

  it('修改回答 returns to the questionnaire below (or opens it), answers kept', () => {
    checked(WAITING_INPUT);
    const taro = Taro as unknown as { getCurrentPages: () => { route?: string }[] };
    const opened = taro.getCurrentPages;
    taro.getCurrentPages = () => [{ route: 'pages/index/index' }, { route: CHECK.slice(1) }, { route: 'packages/eligibility/pages/result/index' }];
    const { unmount } = render(<ResultPage />);
    fireEvent.click(button('修改回答'));
    expect(Taro.navigateBack).toHaveBeenCalled();
    unmount();

    // Opened directly: only the page itself in the stack.
    taro.getCurrentPages = opened;
    render(<ResultPage />);
    fireEvent.click(button('修改回答'));
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: CHECK });
  });

  it('without a result (opened directly) offers to start', () => {
    render(<ResultPage />);
    fireEvent.click(button('开始自测'));
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: CHECK });
  });
});

describe('order detail', () => {
  const approved = (overrides: Parameters<typeof order>[0] = {}) =>
    order({
      status: 'approved',
      report: OK_REPORT,
      photoUrl: '/p.jpg',
      receipt: { number: 'A1B2C3D4', issuedAt: '2026-11-21T06:00:00.000Z', expiresAt: '2027-05-20T06:00:00.000Z', usedAt: null },
      receiptUrl: '/api/orders/ord_12345678/receipt.png?sig=abc',
      ...overrides,
    });

  it('an approved 居住证 order from an eligible self-check reminds the routes and what to bring', async () => {
    routerState.params = { id: 'ord_12345678' };
    vi.spyOn(orderService, 'get').mockResolvedValue(approved({ eligibility: { routes: ['talent'], talent: 'high_level' } }));
    render(<OrderDetailPage />);
    const reminder = await screen.findByTestId('eligibility-reminder');
    expect(reminder.textContent).toContain('你自测符合:人才引进(深圳市高层次专业人才)');
    expect(reminder.textContent).toContain('办理时请带上');
    expect(reminder.textContent).toContain('高层次专业人才认定证书');
    expect(reminder.textContent).toContain('本人居民身份证原件');
    fireEvent.click(within(reminder).getByRole('link', { name: '居住证有什么用?' }));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/eligibility/pages/about/index' });
  });

  it('nothing to remind for an order without a self-check (a link to take one instead)', async () => {
    routerState.params = { id: 'ord_12345678' };
    vi.spyOn(orderService, 'get').mockResolvedValue(approved({ eligibility: null }));
    render(<OrderDetailPage />);
    await screen.findByTestId('receipt-number');
    expect(screen.queryByTestId('eligibility-reminder')).toBeNull();
    expect(screen.queryByText('办理时请带上')).toBeNull();
    expect(screen.getByTestId('eligibility-check-link')).toBeTruthy();
  });

  it('no reminder before the receipt is issued, nor for other certificates', async () => {
    routerState.params = { id: 'ord_12345678' };
    const get = vi.spyOn(orderService, 'get').mockResolvedValue(order({ status: 'submitted', eligibility: { routes: ['social_insurance'] } }));
    const { unmount } = render(<OrderDetailPage />);
    await screen.findByText('办理信息');
    expect(screen.queryByTestId('eligibility-reminder')).toBeNull();
    unmount();

    useOrderStore.setState(initialOrderState);
    get.mockResolvedValue(approved({ certType: 'passport', eligibility: null }));
    render(<OrderDetailPage />);
    await screen.findByTestId('receipt-number');
    expect(screen.queryByTestId('eligibility-reminder')).toBeNull();
    expect(screen.queryByTestId('eligibility-check-link')).toBeNull();
  });
});

describe('居住证有什么用', () => {
  it('lists what the permit is for and works out the renewal window from the expiry date', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(2026, 10, 21, 10, 0));
    try {
      render(<AboutPage />);
      expect(screen.getByText(/驾驶证/)).toBeTruthy();
      expect(screen.getByText(/护照/)).toBeTruthy();

      pick('居住证有效期至', '2027-01-10');
      expect(screen.getByTestId('renewal-window').textContent).toBe('2026年12月26日 起可以续期,最晚 2027年1月10日');
      expect(screen.getByTestId('renewal-status').textContent).toContain('再过 35 天');

      pick('居住证有效期至', '2026-12-01');
      expect(screen.getByTestId('renewal-window').textContent).toBe('2026年11月16日 起可以续期,最晚 2026年12月1日');
      expect(screen.getByTestId('renewal-status').textContent).toContain('现在就在续期时间内');

      pick('居住证有效期至', '2026-11-20');
      expect(screen.getByTestId('renewal-status').textContent).toContain('已失效');
    } finally {
      vi.useRealTimers();
    }
  });
});
