import Taro from '@tarojs/taro';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { EligibilityVerdict } from '@shared/eligibility';

import { ApiError } from '../services/api-error';
import { eligibilityService } from '../services/eligibility.service';
import { storage } from '../test/setup';
import {
  buildRequest,
  initialAnswers,
  initialEligibilityState,
  insuranceMonths,
  localDate,
  orderEligibilityOf,
  useEligibilityStore,
  type EligibilityAnswers,
} from './eligibility.store';

const ELIGIBLE: EligibilityVerdict = { eligible: true, routes: ['social_insurance'], unmet: [] };

function answers(overrides: Partial<EligibilityAnswers> = {}): EligibilityAnswers {
  return { ...initialAnswers('2026-11-21'), ...overrides };
}

const period = (id: number, from: string | null, to: string | null, ongoing = to === null) => ({ id, from, to, ongoing });

const state = () => useEligibilityStore.getState();

describe('eligibility store', () => {
  beforeEach(() => useEligibilityStore.setState(initialEligibilityState('2026-11-21')));
  afterEach(() => vi.restoreAllMocks());

  it('starts on today (local date) with one registration and one insurance period 「至今」', () => {
    expect(localDate(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
    const fresh = initialAnswers();
    expect(fresh.applicationDate).toBe(localDate());
    expect(fresh.residence).toEqual([expect.objectContaining({ from: null, ongoing: true })]);
    expect(fresh.insurance).toEqual([expect.objectContaining({ from: null, ongoing: true })]);
    expect(fresh.talent).toBeNull();
    expect(fresh.student).toBe(false);
  });

  it('expands insurance periods into months: 「至今」 runs to the application month, overlaps count once', () => {
    const months = insuranceMonths(
      answers({
        insurance: [period(1, '2025-11', '2026-02', false), period(2, '2026-01', null, true), period(3, '2024-12', '2024-12', false)],
      }),
    );
    expect(months).toEqual([
      '2024-12',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
      '2026-11',
    ]);
    expect(insuranceMonths(answers({ hasInsurance: false, insurance: [period(1, '2025-01', null)] }))).toEqual([]);
    // Incomplete periods contribute nothing (the form flags them).
    expect(insuranceMonths(answers({ insurance: [period(1, null, null)] }))).toEqual([]);
  });

  it('builds the request body: 至今 has no end, 没有办理居住登记 sends no registrations, talent only when chosen', () => {
    const built = buildRequest(
      answers({
        residence: [period(1, '2024-03-01', '2025-06-30', false), period(2, '2025-07-15', null)],
        insurance: [period(1, '2026-09', null)],
        talent: 'pengcheng_card',
        student: false,
      }),
    );
    expect(built).toEqual({
      ok: true,
      body: {
        applicationDate: '2026-11-21',
        residenceRegistrations: [{ from: '2024-03-01', to: '2025-06-30' }, { from: '2025-07-15' }],
        socialInsuranceMonths: ['2026-09', '2026-10', '2026-11'],
        talent: 'pengcheng_card',
        student: false,
      },
    });

    const none = buildRequest(answers({ hasResidence: false, hasInsurance: false, student: true }));
    expect(none).toEqual({
      ok: true,
      body: { applicationDate: '2026-11-21', residenceRegistrations: [], socialInsuranceMonths: [], student: true },
    });
  });

  it('says which field is missing or wrong, in Chinese, keyed by period', () => {
    const built = buildRequest(
      answers({
        residence: [
          period(1, null, null),
          period(2, '2026-01-10', null, false),
          period(3, '2026-12-01', null),
          period(4, '2026-03-01', '2026-02-01', false),
        ],
        insurance: [period(1, '2026-05', '2026-03', false), period(2, '2027-01', null)],
      }),
    );
    expect(built.ok).toBe(false);
    if (built.ok) return;
    // A missing start and an end before its start come from the API schema itself.
    expect(built.errors).toEqual({
      'residence.0.from': '请选择居住登记的开始日期',
      'residence.1.to': '请选择居住登记的结束日期,或勾选「至今」',
      'residence.2.from': '居住登记的开始日期不能晚于申请日期',
      'residence.3.to': '居住登记的结束日期不能早于开始日期',
      'insurance.0.to': '结束月份不能早于开始月份',
      'insurance.1.from': '社保月份不能晚于申请月份',
    });
  });

  it('checks through the service and keeps the verdict with the request it answers', async () => {
    const check = vi.spyOn(eligibilityService, 'checkShenzhenResidence').mockResolvedValue(ELIGIBLE);
    const s = state();
    s.updatePeriod('residence', s.answers.residence[0].id, { from: '2025-01-02' });
    s.updatePeriod('insurance', s.answers.insurance[0].id, { from: '2025-10' });
    s.chooseTalent('high_level');
    const verdict = await state().check();
    expect(verdict).toEqual(ELIGIBLE);
    expect(check).toHaveBeenCalledWith({
      applicationDate: '2026-11-21',
      residenceRegistrations: [{ from: '2025-01-02' }],
      socialInsuranceMonths: ['2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'],
      talent: 'high_level',
      student: false,
    });
    expect(state().status).toBe('done');
    expect(state().result?.verdict).toEqual(ELIGIBLE);
    // The talent kind travels with an order only when the talent route was met.
    expect(orderEligibilityOf(state().result)).toEqual({ routes: ['social_insurance'] });
    expect(
      orderEligibilityOf({ request: state().result!.request, verdict: { eligible: true, routes: ['social_insurance', 'talent'], unmet: [] } }),
    ).toEqual({ routes: ['social_insurance', 'talent'], talent: 'high_level' });
    expect(orderEligibilityOf({ request: state().result!.request, verdict: { eligible: false, routes: [], unmet: [] } })).toBeNull();
  });

  it('does not call the server with incomplete answers; fixing a field clears its message', async () => {
    const check = vi.spyOn(eligibilityService, 'checkShenzhenResidence');
    expect(await state().check()).toBeNull();
    expect(check).not.toHaveBeenCalled();
    expect(state().fieldErrors).toEqual({
      'residence.0.from': '请选择居住登记的开始日期',
      'insurance.0.from': '请选择开始缴纳社保的月份',
    });
    expect(state().error).toBeTruthy();
    state().updatePeriod('residence', state().answers.residence[0].id, { from: '2025-01-02' });
    expect(state().fieldErrors).toEqual({ 'insurance.0.from': '请选择开始缴纳社保的月份' });
    state().setHas('insurance', false);
    expect(state().fieldErrors).toEqual({});
  });

  it('shows the server field messages next to the matching fields', async () => {
    vi.spyOn(eligibilityService, 'checkShenzhenResidence').mockRejectedValue(
      new ApiError(400, 'VALIDATION_FAILED', '填写的内容有误,请按提示修改', {
        'residenceRegistrations.0.to': '居住登记的结束日期不能早于开始日期',
      }),
    );
    state().setHas('insurance', false);
    state().updatePeriod('residence', state().answers.residence[0].id, { from: '2025-01-02' });
    expect(await state().check()).toBeNull();
    expect(state().error).toBe('填写的内容有误,请按提示修改');
    expect(state().fieldErrors).toEqual({ 'residence.0.to': '居住登记的结束日期不能早于开始日期' });
  });

  it('adds and removes periods (never the last one)', () => {
    state().addPeriod('residence');
    state().addPeriod('residence');
    expect(state().answers.residence).toHaveLength(3);
    const [first, second] = state().answers.residence;
    state().removePeriod('residence', second.id);
    expect(state().answers.residence.map((p) => p.id)).not.toContain(second.id);
    state().removePeriod('residence', state().answers.residence[1].id);
    state().removePeriod('residence', first.id);
    expect(state().answers.residence).toEqual([first]);
  });

  it('keeps everything in memory: nothing reaches storage', async () => {
    vi.spyOn(eligibilityService, 'checkShenzhenResidence').mockResolvedValue(ELIGIBLE);
    state().updatePeriod('residence', state().answers.residence[0].id, { from: '2025-01-02' });
    state().setHas('insurance', false);
    state().setStudent(true);
    await state().check();
    expect(Taro.setStorageSync).not.toHaveBeenCalled();
    expect(storage.size).toBe(0);
    expect('persist' in useEligibilityStore).toBe(false);
    state().reset();
    expect(state().result).toBeNull();
    expect(state().answers.student).toBe(false);
  });
});
