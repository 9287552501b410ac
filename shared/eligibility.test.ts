import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  continuousResidence,
  daysBetween,
  documentsToBring,
  ELIGIBILITY_ROUTES,
  evaluateShenzhenResidence,
  formatChineseDate,
  formatChineseMonth,
  isCalendarDate,
  isCalendarMonth,
  monthsBetween,
  renewalStatus,
  renewalWindow,
  TALENT_KINDS,
  TALENT_OPTIONS,
  talentOption,
  type EligibilityInput,
  type EligibilityRoute,
  type EligibilityVerdict,
  type ResidenceRegistration,
  type TalentKind,
  type UnmetCondition,
} from './eligibility';

const CJK = /[\u4e00-\u9fff]/;
const DATED_REASONS = ['residence_too_short', 'insurance_too_short'];

/**
 * evaluateShenzhenResidence plus the invariants every verdict must keep, so that every case in
 * this file also checks them: `eligible` is `routes.length > 0`, routes in the canonical order,
 * every unmet condition belongs to a route not met and has a Chinese message, only the two dated
 * reasons carry a `qualifiesOn` (a real date after the application day), unmet conditions are
 * grouped in route order, and `earliestDate` is absent when eligible.
 */
function evaluate(input: EligibilityInput): EligibilityVerdict {
  const v = evaluateShenzhenResidence(input);
  expect(v.eligible).toBe(v.routes.length > 0);
  expect(v.routes).toEqual(ELIGIBILITY_ROUTES.filter((r) => v.routes.includes(r)));
  for (const route of ELIGIBILITY_ROUTES) {
    expect(v.routes.includes(route)).toBe(!v.unmet.some((u) => u.route === route));
  }
  for (const u of v.unmet) {
    expect(u.message.length).toBeGreaterThan(0);
    expect(u.message).toMatch(CJK);
    if (DATED_REASONS.includes(u.reason)) {
      expect(u.route).toBe('social_insurance');
      expect(isCalendarDate(u.qualifiesOn!)).toBe(true);
      expect(u.qualifiesOn! > input.applicationDate).toBe(true);
    } else {
      expect(u).not.toHaveProperty('qualifiesOn');
    }
  }
  const order = v.unmet.map((u) => ELIGIBILITY_ROUTES.indexOf(u.route));
  expect(order).toEqual([...order].sort((a, b) => a - b));
  if (v.eligible) expect(v).not.toHaveProperty('earliestDate');
  else if (v.earliestDate !== undefined) expect(v.earliestDate > input.applicationDate).toBe(true);
  return v;
}

/** `route:reason` for every unmet condition, in order. */
const reasons = (v: EligibilityVerdict) => v.unmet.map((u) => `${u.route}:${u.reason}`);
const unmetOf = (v: EligibilityVerdict, route: EligibilityRoute): UnmetCondition[] => v.unmet.filter((u) => u.route === route);
const find = (v: EligibilityVerdict, reason: string): UnmetCondition | undefined =>
  v.unmet.find((u) => u.route === 'social_insurance' && u.reason === reason);

const monthOf = (date: string) => date.slice(0, 7);
/** The month `n` months before (negative: after) the month of `date`. */
const monthShift = (date: string, n: number) => monthOf(addMonths(`${monthOf(date)}-01`, n));
/** `n` consecutive paid months ending with the month before the month of `applicationDate`. */
const paidBefore = (applicationDate: string, n: number) =>
  n === 0 ? [] : monthsBetween(monthShift(applicationDate, -n), monthShift(applicationDate, -1));

/** A registration held since long ago and still held. */
const SETTLED: ResidenceRegistration[] = [{ from: '2020-01-01' }];

function make(applicationDate: string, over: Partial<EligibilityInput> = {}): EligibilityInput {
  return { applicationDate, residenceRegistrations: SETTLED, socialInsuranceMonths: [], ...over };
}

// ---- calendar arithmetic -------------------------------------------------------------------------

describe('addMonths (Civil Code period arithmetic)', () => {
  it.each([
    ['2025-01-31', 1, '2025-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2024-01-30', 1, '2024-02-29'],
    ['2025-01-28', 1, '2025-02-28'],
    ['2025-01-15', 1, '2025-02-15'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2024-02-29', 48, '2028-02-29'],
    ['2024-02-29', 24, '2026-02-28'],
    ['2024-02-28', 12, '2025-02-28'],
    ['2025-11-21', 12, '2026-11-21'],
    ['2025-12-15', 1, '2026-01-15'],
    ['2025-12-31', 2, '2026-02-28'],
    ['2025-11-30', 3, '2026-02-28'],
    ['2025-03-31', 12, '2026-03-31'],
    ['2025-03-31', 1, '2025-04-30'],
    ['2025-05-31', 1, '2025-06-30'],
    ['2025-08-31', 1, '2025-09-30'],
    ['2025-01-31', 12, '2026-01-31'],
    ['2025-06-10', 0, '2025-06-10'],
    ['2025-06-10', 30, '2027-12-10'],
    ['2026-01-15', -1, '2025-12-15'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2025-03-29', -13, '2024-02-29'],
  ])('%s + %i months = %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });
});

describe('addDays / daysBetween', () => {
  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2025-12-31', 1, '2026-01-01'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2026-12-31', -15, '2026-12-16'],
    ['2025-01-01', 365, '2026-01-01'],
    ['2024-01-01', 366, '2025-01-01'],
  ])('%s + (%i days) = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
    expect(daysBetween(date, expected)).toBe(days);
  });
});

describe('isCalendarDate / isCalendarMonth', () => {
  it.each([
    ['2024-02-29', true],
    ['2000-02-29', true],
    ['1900-02-29', false],
    ['2025-02-29', false],
    ['2025-02-28', true],
    ['2026-04-30', true],
    ['2026-04-31', false],
    ['2026-06-31', false],
    ['2026-12-31', true],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-01-00', false],
    ['2026-01-32', false],
    ['2026-1-05', false],
    ['2026-01-5', false],
    ['20260105', false],
    ['2026/01/05', false],
    ['2026-01-05T00:00:00Z', false],
    [' 2026-01-05', false],
    ['2026-01-05 ', false],
    ['26-01-05', false],
    ['', false],
  ])('isCalendarDate(%j) = %s', (value, expected) => {
    expect(isCalendarDate(value)).toBe(expected);
  });

  it.each([
    ['2026-01', true],
    ['2026-12', true],
    ['2026-13', false],
    ['2026-00', false],
    ['2026-1', false],
    ['2026-01-01', false],
    ['202601', false],
    ['2026/01', false],
    ['', false],
  ])('isCalendarMonth(%j) = %s', (value, expected) => {
    expect(isCalendarMonth(value)).toBe(expected);
  });
});

describe('formatting and month lists', () => {
  it('formats dates and months in Chinese without leading zeros', () => {
    expect(formatChineseDate('2027-01-05')).toBe('2027年1月5日');
    expect(formatChineseDate('2026-11-21')).toBe('2026年11月21日');
    expect(formatChineseMonth('2027-01')).toBe('2027年1月');
    expect(formatChineseMonth('2026-12')).toBe('2026年12月');
  });

  it('lists every month of a period, inclusive, across a year boundary', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2025-12', '2026-01')).toEqual(['2025-12', '2026-01']);
    expect(monthsBetween('2026-03', '2026-03')).toEqual(['2026-03']);
    expect(monthsBetween('2026-04', '2026-03')).toEqual([]);
    expect(monthsBetween('2024-01', '2025-12')).toHaveLength(24);
    expect(monthsBetween('2023-12', '2026-01')).toHaveLength(26);
  });
});

// ---- continuous residence -------------------------------------------------------------------------

describe('continuousResidence', () => {
  it.each<[string, ResidenceRegistration[], string, ReturnType<typeof continuousResidence>]>([
    ['one open registration', [{ from: '2025-11-21' }], '2026-11-21', { since: '2025-11-21', brokenBefore: false }],
    ['starting on the application day', [{ from: '2026-11-21' }], '2026-11-21', { since: '2026-11-21', brokenBefore: false }],
    ['starting the day after', [{ from: '2026-11-22' }], '2026-11-21', null],
    ['none at all', [], '2026-11-21', null],
    ['ended the day before', [{ from: '2024-01-01', to: '2026-11-20' }], '2026-11-21', null],
    ['ended on the application day', [{ from: '2024-01-01', to: '2026-11-21' }], '2026-11-21', { since: '2024-01-01', brokenBefore: false }],
    ['ending later', [{ from: '2024-01-01', to: '2027-01-31' }], '2026-11-21', { since: '2024-01-01', brokenBefore: false }],
    // to 06-30, from 07-31: July 1–30 = 30 days without registration.
    ['30-day gap', [{ from: '2024-01-01', to: '2025-06-30' }, { from: '2025-07-31' }], '2026-01-15', { since: '2024-01-01', brokenBefore: false }],
    ['31-day gap', [{ from: '2024-01-01', to: '2025-06-30' }, { from: '2025-08-01' }], '2026-01-15', { since: '2025-08-01', brokenBefore: true }],
    ['no gap (next day)', [{ from: '2024-01-01', to: '2025-06-30' }, { from: '2025-07-01' }], '2026-01-15', { since: '2024-01-01', brokenBefore: false }],
    ['same-day hand-over', [{ from: '2024-01-01', to: '2025-06-30' }, { from: '2025-06-30' }], '2026-01-15', { since: '2024-01-01', brokenBefore: false }],
    ['overlapping', [{ from: '2024-01-01', to: '2025-06-30' }, { from: '2025-03-01' }], '2026-01-15', { since: '2024-01-01', brokenBefore: false }],
    [
      'contained in an earlier one',
      [{ from: '2024-01-01', to: '2026-12-31' }, { from: '2024-05-01', to: '2024-06-01' }],
      '2026-01-15',
      { since: '2024-01-01', brokenBefore: false },
    ],
    [
      'contained one does not shorten the run',
      [{ from: '2024-01-01', to: '2025-06-30' }, { from: '2024-05-01', to: '2024-06-01' }, { from: '2025-07-20' }],
      '2026-01-15',
      { since: '2024-01-01', brokenBefore: false },
    ],
    ['unsorted input', [{ from: '2025-07-31' }, { from: '2024-01-01', to: '2025-06-30' }], '2026-01-15', { since: '2024-01-01', brokenBefore: false }],
    [
      'three chained by small gaps, unsorted',
      [{ from: '2025-04-10' }, { from: '2024-03-01', to: '2024-08-31' }, { from: '2024-09-30', to: '2025-03-20' }],
      '2025-06-01',
      { since: '2024-03-01', brokenBefore: false },
    ],
    [
      'three, the last gap too long',
      [{ from: '2024-03-01', to: '2024-08-31' }, { from: '2024-09-30', to: '2025-03-20' }, { from: '2025-04-21' }],
      '2025-06-01',
      { since: '2025-04-21', brokenBefore: true },
    ],
    [
      'three, the first gap too long',
      [{ from: '2024-03-01', to: '2024-08-31' }, { from: '2024-10-02', to: '2025-03-20' }, { from: '2025-04-10' }],
      '2025-06-01',
      { since: '2024-10-02', brokenBefore: true },
    ],
    // Feb 2024 has 29 days: Feb 1–29 + Mar 1 = 30 days.
    ['gap over leap February, 30 days', [{ from: '2023-01-01', to: '2024-01-31' }, { from: '2024-03-02' }], '2024-06-01', { since: '2023-01-01', brokenBefore: false }],
    ['gap over leap February, 31 days', [{ from: '2023-01-01', to: '2024-01-31' }, { from: '2024-03-03' }], '2024-06-01', { since: '2024-03-03', brokenBefore: true }],
    // Feb 2025 has 28 days: Feb 1–28 + Mar 1–2 = 30 days.
    ['gap over February, 30 days', [{ from: '2024-01-01', to: '2025-01-31' }, { from: '2025-03-03' }], '2025-06-01', { since: '2024-01-01', brokenBefore: false }],
    ['gap over February, 31 days', [{ from: '2024-01-01', to: '2025-01-31' }, { from: '2025-03-04' }], '2025-06-01', { since: '2025-03-04', brokenBefore: true }],
    // Dec 2 – Dec 31 = 30 days.
    ['gap over the new year, 30 days', [{ from: '2024-01-01', to: '2025-12-01' }, { from: '2026-01-01' }], '2026-02-01', { since: '2024-01-01', brokenBefore: false }],
    ['gap over the new year, 31 days', [{ from: '2024-01-01', to: '2025-11-30' }, { from: '2026-01-01' }], '2026-02-01', { since: '2026-01-01', brokenBefore: true }],
    [
      'application day inside a gap',
      [{ from: '2024-01-01', to: '2026-11-20' }, { from: '2026-11-25' }],
      '2026-11-21',
      null,
    ],
    [
      'later registration starting after the application day is ignored',
      [{ from: '2024-01-01' }, { from: '2026-12-01' }],
      '2026-11-21',
      { since: '2024-01-01', brokenBefore: false },
    ],
  ])('%s', (_name, registrations, applicationDate, expected) => {
    expect(continuousResidence(registrations, applicationDate)).toEqual(expected);
    // The input is not reordered in place.
    const copy = registrations.map((r) => ({ ...r }));
    continuousResidence(copy, applicationDate);
    expect(copy).toEqual(registrations);
  });
});

// ---- route 1: residence -------------------------------------------------------------------------

describe('route 1: twelve months of residence', () => {
  // Twelve consecutive months paid before the application month, so only residence decides.
  const withInsurance = (applicationDate: string, registrations: ResidenceRegistration[]) =>
    make(applicationDate, { residenceRegistrations: registrations, socialInsuranceMonths: paidBefore(applicationDate, 12) });

  it.each([
    // [registered from, first qualifying day, the day before]
    ['2025-11-21', '2026-11-21', '2026-11-20'],
    ['2025-01-31', '2026-01-31', '2026-01-30'],
    ['2024-02-29', '2025-02-28', '2025-02-27'],
    ['2024-03-31', '2025-03-31', '2025-03-30'],
    ['2025-12-31', '2026-12-31', '2026-12-30'],
    ['2026-01-01', '2027-01-01', '2026-12-31'],
  ])('registered %s: eligible from %s, not on %s', (from, qualifying, dayBefore) => {
    const yes = evaluate(withInsurance(qualifying, [{ from }]));
    expect(yes).toEqual({
      eligible: true,
      routes: ['social_insurance'],
      unmet: [
        { route: 'talent', reason: 'no_talent_condition', message: '没有符合的人才引进条件' },
        { route: 'student', reason: 'not_student', message: '不是在深圳接受全日制中高等学历(职业)教育的学生' },
      ],
    });

    const no = evaluate(withInsurance(dayBefore, [{ from }]));
    expect(no.eligible).toBe(false);
    expect(no.routes).toEqual([]);
    expect(reasons(no)).toEqual(['social_insurance:residence_too_short', 'talent:no_talent_condition', 'student:not_student']);
    const residence = find(no, 'residence_too_short')!;
    expect(residence.qualifiesOn).toBe(qualifying);
    expect(residence.message).toBe(`居住登记从${formatChineseDate(from)}起连续,满 12 个月要到${formatChineseDate(qualifying)}`);
    expect(residence.message).not.toContain('中断');
    expect(no.earliestDate).toBe(qualifying);
  });

  it('counts a bridged 30-day gap towards the twelve months', () => {
    const regs = [{ from: '2025-01-10', to: '2025-06-30' }, { from: '2025-07-31' }];
    expect(evaluate(withInsurance('2026-01-10', regs)).routes).toEqual(['social_insurance']);
    const before = evaluate(withInsurance('2026-01-09', regs));
    expect(find(before, 'residence_too_short')!.qualifiesOn).toBe('2026-01-10');
    expect(before.earliestDate).toBe('2026-01-10');
  });

  it('restarts the count after a 31-day gap and says so', () => {
    const regs = [{ from: '2023-01-10', to: '2025-06-30' }, { from: '2025-08-01' }];
    const v = evaluate(withInsurance('2026-01-10', regs));
    expect(v.eligible).toBe(false);
    expect(reasons(v)).toEqual(['social_insurance:residence_too_short', 'talent:no_talent_condition', 'student:not_student']);
    const residence = find(v, 'residence_too_short')!;
    expect(residence.qualifiesOn).toBe('2026-08-01');
    expect(residence.message).toContain('2025年8月1日');
    expect(residence.message).toContain('2026年8月1日');
    expect(residence.message).toContain('中断超过 30 天');
    expect(v.earliestDate).toBe('2026-08-01');
    // Twelve months after the restart it is met again.
    expect(evaluate(make('2026-08-01', { residenceRegistrations: regs, socialInsuranceMonths: paidBefore('2026-08-01', 12) })).eligible).toBe(true);
    expect(evaluate(make('2026-07-31', { residenceRegistrations: regs, socialInsuranceMonths: paidBefore('2026-07-31', 12) })).eligible).toBe(false);
  });

  it.each<[string, ResidenceRegistration[], string, boolean, string | undefined]>([
    // Leap February: Feb 1–29 + Mar 1 = 30 days → continuous since 2023-06-01.
    ['leap February, 30-day gap', [{ from: '2023-06-01', to: '2024-01-31' }, { from: '2024-03-02' }], '2024-06-01', true, undefined],
    ['leap February, 31-day gap', [{ from: '2023-06-01', to: '2024-01-31' }, { from: '2024-03-03' }], '2024-06-01', false, '2025-03-03'],
    ['February 2025, 30-day gap', [{ from: '2024-06-01', to: '2025-01-31' }, { from: '2025-03-03' }], '2025-06-01', true, undefined],
    ['February 2025, 31-day gap', [{ from: '2024-06-01', to: '2025-01-31' }, { from: '2025-03-04' }], '2025-06-01', false, '2026-03-04'],
    ['overlapping', [{ from: '2025-01-01', to: '2025-09-30' }, { from: '2025-06-01' }], '2026-01-01', true, undefined],
    ['unsorted', [{ from: '2025-07-31' }, { from: '2025-01-01', to: '2025-06-30' }], '2026-01-01', true, undefined],
    [
      'three chained by small gaps',
      [{ from: '2025-09-15' }, { from: '2025-01-01', to: '2025-04-30' }, { from: '2025-05-30', to: '2025-08-20' }],
      '2026-01-01',
      true,
      undefined,
    ],
    [
      'three, a break in the middle',
      [{ from: '2025-09-15' }, { from: '2025-01-01', to: '2025-04-30' }, { from: '2025-06-01', to: '2025-08-20' }],
      '2026-01-01',
      false,
      '2026-06-01',
    ],
  ])('%s', (_name, regs, applicationDate, eligible, qualifiesOn) => {
    const v = evaluate(withInsurance(applicationDate, regs));
    expect(v.eligible).toBe(eligible);
    if (eligible) {
      expect(v.routes).toEqual(['social_insurance']);
    } else {
      const residence = find(v, 'residence_too_short')!;
      expect(residence.qualifiesOn).toBe(qualifiesOn);
      expect(residence.message).toContain('中断超过 30 天');
      expect(v.earliestDate).toBe(qualifiesOn);
    }
  });
});

describe('a registration that is not held on the application day', () => {
  const everything = (applicationDate: string, registrations: ResidenceRegistration[]) =>
    make(applicationDate, {
      residenceRegistrations: registrations,
      socialInsuranceMonths: paidBefore(applicationDate, 24),
      talent: 'high_level',
      student: true,
    });

  it('ended the day before: no route, no earliest date', () => {
    const v = evaluate(everything('2026-11-21', [{ from: '2020-01-01', to: '2026-11-20' }]));
    expect(v).toEqual({
      eligible: false,
      routes: [],
      unmet: [
        {
          route: 'social_insurance',
          reason: 'no_residence_registration',
          message: '申请当天没有有效的深圳居住登记,需要先办理居住登记;登记后连续满 12 个月才符合此条件',
        },
        { route: 'talent', reason: 'no_residence_registration', message: '申请当天没有有效的深圳居住登记,需要先办理居住登记' },
        { route: 'student', reason: 'no_residence_registration', message: '申请当天没有有效的深圳居住登记,需要先办理居住登记' },
      ],
    });
  });

  it('ended on the application day: still held', () => {
    const v = evaluate(everything('2026-11-21', [{ from: '2020-01-01', to: '2026-11-21' }]));
    expect(v).toEqual({ eligible: true, routes: ['social_insurance', 'talent', 'student'], unmet: [] });
  });

  it('no registrations at all', () => {
    const v = evaluate(everything('2026-11-21', []));
    expect(reasons(v)).toEqual([
      'social_insurance:no_residence_registration',
      'talent:no_residence_registration',
      'student:no_residence_registration',
    ]);
    expect(v).not.toHaveProperty('earliestDate');
  });

  it('ignores a registration that starts after the application day', () => {
    const v = evaluate(everything('2026-11-21', [{ from: '2026-11-22' }]));
    expect(reasons(v)).toEqual([
      'social_insurance:no_residence_registration',
      'talent:no_residence_registration',
      'student:no_residence_registration',
    ]);
    expect(v).not.toHaveProperty('earliestDate');
    // …and one that starts on the application day counts (for talent and student, not yet route 1).
    const today = evaluate(everything('2026-11-21', [{ from: '2026-11-21' }]));
    expect(today.routes).toEqual(['talent', 'student']);
    expect(reasons(today)).toEqual(['social_insurance:residence_too_short']);
    expect(find(today, 'residence_too_short')!.qualifiesOn).toBe('2027-11-21');
  });

  it('reports both missing registration and insurance for route 1, without dates', () => {
    const v = evaluate(make('2026-11-21', { residenceRegistrations: [] }));
    expect(reasons(v)).toEqual([
      'social_insurance:no_residence_registration',
      'social_insurance:insurance_too_short',
      'talent:no_talent_condition',
      'talent:no_residence_registration',
      'student:not_student',
      'student:no_residence_registration',
    ]);
    // The insurance condition has its own date even though there is no earliest date overall.
    expect(find(v, 'insurance_too_short')!.qualifiesOn).toBe('2027-11-01');
    expect(v).not.toHaveProperty('earliestDate');
  });
});

// ---- route 1: social insurance ------------------------------------------------------------------

describe('route 1: social insurance', () => {
  const APPLY = '2026-11-21';
  const insurance = (months: string[], applicationDate = APPLY) =>
    evaluate(make(applicationDate, { socialInsuranceMonths: months }));

  it.each<[string, string[], string | undefined]>([
    // [case, months paid, qualifiesOn when not met]
    ['12 consecutive ending last month', monthsBetween('2025-11', '2026-10'), undefined],
    ['24 consecutive ending last month', monthsBetween('2024-11', '2026-10'), undefined],
    ['11 consecutive ending last month', monthsBetween('2025-12', '2026-10'), '2026-12-01'],
    ['1 month, last month', ['2026-10'], '2027-10-01'],
    ['nothing', [], '2027-11-01'],
    // 12 consecutive but nothing last month: total 12 of 24; 18 reached after six more months.
    ['12 consecutive ending two months before', monthsBetween('2025-10', '2026-09'), '2027-05-01'],
    // The current month's payment is not on record yet.
    ['11 before + the current month', monthsBetween('2025-12', '2026-11'), '2026-12-01'],
    ['only future months', monthsBetween('2026-11', '2027-12'), '2027-11-01'],
    ['duplicates do not count twice', [...monthsBetween('2025-12', '2026-10'), '2026-10', '2026-01'], '2026-12-01'],
    // 18 of the 24 months 2024-11 … 2026-10, nothing in the last two.
    ['18 of 24', [...monthsBetween('2024-11', '2025-10'), ...monthsBetween('2026-03', '2026-08')], undefined],
    ['17 of 24', [...monthsBetween('2024-12', '2025-10'), ...monthsBetween('2026-03', '2026-08')], '2026-12-01'],
    ['18 scattered, a gap last month', [...monthsBetween('2025-04', '2026-09')], undefined],
    // 17 in 2025-05 … 2026-09 plus one exactly 24 months before (2024-11): counts.
    ['18 with one exactly 24 months before', ['2024-11', ...monthsBetween('2025-05', '2026-09')], undefined],
    // …plus one 25 months before (2024-10): outside the window.
    ['17 + one 25 months before', ['2024-10', ...monthsBetween('2025-05', '2026-09')], '2026-12-01'],
    // 6 + 11 = 17 within the window and nothing last month: one more (the current month) suffices.
    ['17 within, gap last month, 11 consecutive before', [...monthsBetween('2025-04', '2025-09'), ...monthsBetween('2025-11', '2026-09')], '2026-12-01'],
  ])('%s', (_name, months, qualifiesOn) => {
    const v = insurance(months);
    if (qualifiesOn === undefined) {
      expect(v.routes).toEqual(['social_insurance']);
      expect(find(v, 'insurance_too_short')).toBeUndefined();
    } else {
      expect(v.eligible).toBe(false);
      expect(reasons(v)).toEqual(['social_insurance:insurance_too_short', 'talent:no_talent_condition', 'student:not_student']);
      expect(find(v, 'insurance_too_short')!.qualifiesOn).toBe(qualifiesOn);
      expect(v.earliestDate).toBe(qualifiesOn);
      // Met on that day with the months in between paid, not on the day before.
      const projected = [...months, ...monthsBetween(monthOf(APPLY), monthShift(qualifiesOn, -1))];
      expect(insurance(projected, qualifiesOn).eligible).toBe(true);
      expect(insurance(projected, addDays(qualifiesOn, -1)).eligible).toBe(false);
    }
  });

  it('states the counts in the message', () => {
    const eleven = find(insurance(monthsBetween('2025-12', '2026-10')), 'insurance_too_short')!;
    expect(eleven.message).toBe(
      '申请月之前连续缴纳社保 11 个月(需 12 个月),前 24 个月累计 11 个月(需 18 个月);每月按时缴纳的话,2026年12月1日起满足',
    );
    const gap = find(insurance(monthsBetween('2025-10', '2026-09')), 'insurance_too_short')!;
    expect(gap.message).toContain('连续缴纳社保 0 个月');
    expect(gap.message).toContain('累计 12 个月');
    expect(gap.message).toContain('2027年5月1日');
    const seventeen = find(insurance(['2024-10', ...monthsBetween('2025-05', '2026-09')]), 'insurance_too_short')!;
    expect(seventeen.message).toContain('累计 17 个月');
  });

  it('counts across a year boundary (Dec → Jan)', () => {
    // Applying in January: the twelve months are January … December of the year before.
    expect(insurance(monthsBetween('2025-01', '2025-12'), '2026-01-10').eligible).toBe(true);
    expect(insurance(monthsBetween('2025-02', '2025-12'), '2026-01-10').eligible).toBe(false);
    expect(find(insurance(monthsBetween('2025-02', '2025-12'), '2026-01-10'), 'insurance_too_short')!.qualifiesOn).toBe('2026-02-01');
    // Applying in February, the run spans the new year.
    expect(insurance(monthsBetween('2025-02', '2026-01'), '2026-02-05').eligible).toBe(true);
    expect(insurance([...monthsBetween('2025-02', '2025-11'), '2026-01'], '2026-02-05').eligible).toBe(false);
    // December counts from 1 January.
    const dec = insurance(monthsBetween('2025-01', '2025-11'), '2025-12-31');
    expect(find(dec, 'insurance_too_short')!.qualifiesOn).toBe('2026-01-01');
    expect(dec.earliestDate).toBe('2026-01-01');
  });

  it('is the same on every day of the application month', () => {
    const months = monthsBetween('2025-11', '2026-10');
    for (const day of ['2026-11-01', '2026-11-15', '2026-11-30']) expect(insurance(months, day).eligible).toBe(true);
    for (const day of ['2026-10-01', '2026-10-31']) {
      expect(find(insurance(months, day), 'insurance_too_short')!.qualifiesOn).toBe('2026-11-01');
    }
    // Once a month is missed the run no longer ends last month, and twelve is short of eighteen.
    expect(insurance(months, '2026-12-01').eligible).toBe(false);
  });
});

// ---- route 1: earliest date ---------------------------------------------------------------------

describe('earliestDate', () => {
  it('is the later of the residence date and the insurance date', () => {
    // Residence 2027-03-10, insurance (none paid) 2027-11-01.
    const a = evaluate(make('2026-11-21', { residenceRegistrations: [{ from: '2026-03-10' }] }));
    expect(find(a, 'residence_too_short')!.qualifiesOn).toBe('2027-03-10');
    expect(find(a, 'insurance_too_short')!.qualifiesOn).toBe('2027-11-01');
    expect(a.earliestDate).toBe('2027-11-01');

    // Residence 2027-06-15, insurance (11 paid) 2026-12-01.
    const b = evaluate(
      make('2026-11-21', { residenceRegistrations: [{ from: '2026-06-15' }], socialInsuranceMonths: monthsBetween('2025-12', '2026-10') }),
    );
    expect(find(b, 'residence_too_short')!.qualifiesOn).toBe('2027-06-15');
    expect(find(b, 'insurance_too_short')!.qualifiesOn).toBe('2026-12-01');
    expect(b.earliestDate).toBe('2027-06-15');

    // Both on the same day.
    const c = evaluate(make('2026-11-21', { residenceRegistrations: [{ from: '2026-11-01' }] }));
    expect(find(c, 'residence_too_short')!.qualifiesOn).toBe('2027-11-01');
    expect(find(c, 'insurance_too_short')!.qualifiesOn).toBe('2027-11-01');
    expect(c.earliestDate).toBe('2027-11-01');
  });

  it('is the residence date when insurance is met already, and vice versa', () => {
    const residenceOnly = evaluate(
      make('2026-11-21', { residenceRegistrations: [{ from: '2026-02-14' }], socialInsuranceMonths: paidBefore('2026-11-21', 12) }),
    );
    expect(reasons(residenceOnly)[0]).toBe('social_insurance:residence_too_short');
    expect(residenceOnly.earliestDate).toBe('2027-02-14');
    const insuranceOnly = evaluate(make('2026-11-21', { socialInsuranceMonths: paidBefore('2026-11-21', 3) }));
    expect(reasons(insuranceOnly)[0]).toBe('social_insurance:insurance_too_short');
    expect(insuranceOnly.earliestDate).toBe('2027-08-01');
  });

  it('is absent when eligible by any route', () => {
    const v = evaluate(make('2026-11-21', { residenceRegistrations: [{ from: '2026-11-01' }], talent: 'pengcheng_card' }));
    expect(v.routes).toEqual(['talent']);
    expect(find(v, 'residence_too_short')!.qualifiesOn).toBe('2027-11-01');
    expect(v).not.toHaveProperty('earliestDate');
  });

  it('is absent without a registration held, however good the insurance', () => {
    const v = evaluate(make('2026-11-21', { residenceRegistrations: [{ from: '2020-01-01', to: '2026-10-31' }], socialInsuranceMonths: paidBefore('2026-11-21', 24) }));
    expect(v).not.toHaveProperty('earliestDate');
  });

  it('assumes a registration with a future end date carries on', () => {
    const v = evaluate(make('2026-11-21', { residenceRegistrations: [{ from: '2026-06-15', to: '2026-12-31' }], socialInsuranceMonths: paidBefore('2026-11-21', 12) }));
    expect(v.earliestDate).toBe('2027-06-15');
  });

  // Property: for a generated range of inputs, the earliest date is the first day on which the
  // projected inputs (every month from the application month on paid) are eligible.
  it('is the first day the projected inputs are eligible (generated inputs)', () => {
    let seed = 20261121;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const applicationDates = ['2026-11-21', '2026-01-01', '2025-12-31', '2024-02-29', '2025-03-31', '2026-07-15'];
    const sinceOffsets = [-400, -366, -365, -364, -200, -31, -1, 0];
    let checked = 0;
    for (const applicationDate of applicationDates) {
      for (const offset of sinceOffsets) {
        for (let pattern = 0; pattern < 8; pattern++) {
          // Patterns: k consecutive months before, random months over 30 months, a gap last month.
          let months: string[];
          if (pattern < 3) months = paidBefore(applicationDate, [0, 6, 11][pattern]!);
          else if (pattern === 3) months = paidBefore(applicationDate, 14).slice(0, 12);
          else months = monthsBetween(monthShift(applicationDate, -30), monthShift(applicationDate, 1)).filter(() => random() < 0.45 + pattern * 0.08);
          const since = addDays(applicationDate, offset);
          // Sometimes an older registration broken off by a long gap, sometimes bridged.
          const registrations: ResidenceRegistration[] = [{ from: since }];
          if (pattern % 2 === 1) registrations.push({ from: addDays(since, -500), to: addDays(since, pattern === 5 ? -31 : -32) });
          const input = make(applicationDate, { residenceRegistrations: registrations, socialInsuranceMonths: months });
          const v = evaluate(input);
          if (v.eligible) {
            expect(v.routes).toEqual(['social_insurance']);
            continue;
          }
          const earliest = v.earliestDate!;
          expect(isCalendarDate(earliest)).toBe(true);
          // The later of the two conditions' dates.
          const dates = unmetOf(v, 'social_insurance').map((u) => u.qualifiesOn!);
          expect(earliest).toBe(dates.reduce((a, b) => (a > b ? a : b)));
          const projected = [...months, ...monthsBetween(monthOf(applicationDate), monthShift(earliest, -1))];
          const on = evaluate({ ...input, applicationDate: earliest, socialInsuranceMonths: projected });
          expect(on.eligible, `${JSON.stringify(input)} on ${earliest}`).toBe(true);
          expect(on.routes).toEqual(['social_insurance']);
          const dayBefore = addDays(earliest, -1);
          const before = evaluate({ ...input, applicationDate: dayBefore, socialInsuranceMonths: projected });
          expect(before.eligible, `${JSON.stringify(input)} on ${dayBefore}`).toBe(false);
          expect(before.earliestDate).toBe(earliest);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
  });
});

// ---- route 2: talent ----------------------------------------------------------------------------

describe('route 2: talent', () => {
  const QUALIFYING: TalentKind[] = [
    'high_level',
    'high_level_lapsed',
    'overseas_high_level',
    'returned_student',
    'degree_certified',
    'skill_shenzhen_senior',
    'pengcheng_card',
  ];

  it('has the nine kinds, in the questionnaire order, with the qualifying ones marked', () => {
    expect(TALENT_OPTIONS.map((o) => o.kind)).toEqual([...TALENT_KINDS]);
    expect(TALENT_KINDS).toHaveLength(9);
    expect(TALENT_OPTIONS.filter((o) => o.qualifies).map((o) => o.kind)).toEqual(QUALIFYING);
    for (const o of TALENT_OPTIONS) {
      expect(o.label).toMatch(CJK);
      expect(o.note).toMatch(CJK);
      expect(talentOption(o.kind)).toBe(o);
    }
    expect(() => talentOption('nope' as TalentKind)).toThrow('unknown talent kind nope');
  });

  // A registration from this month and no insurance at all: only talent can decide.
  const fresh = (talent: TalentKind | undefined, registrations: ResidenceRegistration[] = [{ from: '2026-11-01' }]) =>
    evaluate(make('2026-11-21', { residenceRegistrations: registrations, talent }));

  it.each(QUALIFYING)('%s qualifies with a registration and no insurance', (kind) => {
    const v = fresh(kind);
    expect(v.eligible).toBe(true);
    expect(v.routes).toEqual(['talent']);
    expect(reasons(v)).toEqual(['social_insurance:residence_too_short', 'social_insurance:insurance_too_short', 'student:not_student']);
    expect(unmetOf(v, 'talent')).toEqual([]);
    expect(v).not.toHaveProperty('earliestDate');
  });

  it.each(QUALIFYING)('%s without a registration held does not qualify', (kind) => {
    const v = fresh(kind, [{ from: '2025-01-01', to: '2026-11-20' }]);
    expect(v.eligible).toBe(false);
    expect(unmetOf(v, 'talent')).toEqual([
      { route: 'talent', reason: 'no_residence_registration', message: '申请当天没有有效的深圳居住登记,需要先办理居住登记' },
    ]);
    expect(v).not.toHaveProperty('earliestDate');
  });

  it.each<[TalentKind, string]>([
    ['degree_uncertified', 'degree_not_certified'],
    ['skill_other_city', 'skill_not_shenzhen'],
  ])('%s does not qualify (%s)', (kind, reason) => {
    const v = fresh(kind);
    expect(v.eligible).toBe(false);
    expect(v.routes).toEqual([]);
    expect(unmetOf(v, 'talent')).toEqual([{ route: 'talent', reason, message: talentOption(kind).note }]);
    // Route 1 still gives a date: residence from 2026-11-01 and twelve months of insurance.
    expect(v.earliestDate).toBe('2027-11-01');
    // Without a registration both talent problems are listed.
    const none = fresh(kind, []);
    expect(reasons(none).filter((r) => r.startsWith('talent:'))).toEqual([`talent:${reason}`, 'talent:no_residence_registration']);
  });

  it('no talent condition chosen', () => {
    const v = fresh(undefined);
    expect(unmetOf(v, 'talent')).toEqual([{ route: 'talent', reason: 'no_talent_condition', message: '没有符合的人才引进条件' }]);
    const none = fresh(undefined, []);
    expect(reasons(none).filter((r) => r.startsWith('talent:'))).toEqual(['talent:no_talent_condition', 'talent:no_residence_registration']);
  });
});

// ---- route 3: student ---------------------------------------------------------------------------

describe('route 3: student', () => {
  const student = (value: boolean | undefined, registrations: ResidenceRegistration[]) =>
    evaluate(make('2026-11-21', { residenceRegistrations: registrations, student: value }));

  it('a student with a registration held is eligible, with no insurance and a fresh registration', () => {
    const v = student(true, [{ from: '2026-11-21' }]);
    expect(v.eligible).toBe(true);
    expect(v.routes).toEqual(['student']);
    expect(reasons(v)).toEqual(['social_insurance:residence_too_short', 'social_insurance:insurance_too_short', 'talent:no_talent_condition']);
  });

  it('a student without a registration held is not', () => {
    const v = student(true, []);
    expect(v.eligible).toBe(false);
    expect(unmetOf(v, 'student')).toEqual([
      { route: 'student', reason: 'no_residence_registration', message: '申请当天没有有效的深圳居住登记,需要先办理居住登记' },
    ]);
    expect(v).not.toHaveProperty('earliestDate');
  });

  it.each([false, undefined])('student = %s is not_student', (value) => {
    const v = student(value, [{ from: '2026-11-01' }]);
    expect(v.eligible).toBe(false);
    expect(unmetOf(v, 'student')).toEqual([
      { route: 'student', reason: 'not_student', message: '不是在深圳接受全日制中高等学历(职业)教育的学生' },
    ]);
    const none = student(value, []);
    expect(reasons(none).filter((r) => r.startsWith('student:'))).toEqual(['student:not_student', 'student:no_residence_registration']);
  });
});

// ---- several routes -----------------------------------------------------------------------------

describe('several routes at once', () => {
  it.each<[string, Partial<EligibilityInput>, EligibilityRoute[]]>([
    ['all three', { socialInsuranceMonths: paidBefore('2026-11-21', 12), talent: 'high_level', student: true }, ['social_insurance', 'talent', 'student']],
    ['insurance + student', { socialInsuranceMonths: paidBefore('2026-11-21', 12), student: true }, ['social_insurance', 'student']],
    ['insurance + talent', { socialInsuranceMonths: paidBefore('2026-11-21', 12), talent: 'returned_student' }, ['social_insurance', 'talent']],
    ['talent + student', { talent: 'degree_certified', student: true }, ['talent', 'student']],
    ['none', { talent: 'skill_other_city', student: false }, []],
  ])('%s', (_name, over, routes) => {
    const v = evaluate(make('2026-11-21', over));
    expect(v.routes).toEqual(routes);
    expect(v.eligible).toBe(routes.length > 0);
  });

  it('lists unmet conditions of other routes even when eligible', () => {
    const v = evaluate(make('2026-11-21', { socialInsuranceMonths: paidBefore('2026-11-21', 12), talent: 'degree_uncertified' }));
    expect(v.routes).toEqual(['social_insurance']);
    expect(reasons(v)).toEqual(['talent:degree_not_certified', 'student:not_student']);
  });
});

// ---- after the self-check -----------------------------------------------------------------------

describe('documentsToBring', () => {
  const BASE = ['本人居民身份证原件', '照片回执上的图像号', '深圳居住登记凭证(如租赁登记或房产证明)'];

  it.each<[string, Parameters<typeof documentsToBring>[0], string[]]>([
    ['social insurance', { routes: ['social_insurance'] }, [...BASE, '深圳社保参保缴费记录']],
    ['talent: high-level', { routes: ['talent'], talent: 'high_level' }, [...BASE, '高层次专业人才认定证书']],
    ['talent: lapsed', { routes: ['talent'], talent: 'high_level_lapsed' }, [...BASE, '原高层次专业人才认定证书(过期仍可使用)']],
    ['talent: degree', { routes: ['talent'], talent: 'degree_certified' }, [...BASE, '毕业证书,以及市人力资源和社会保障局的学历认证结果']],
    ['talent: pengcheng', { routes: ['talent'], talent: 'pengcheng_card' }, [...BASE, '鹏城优才卡']],
    ['talent route without a kind', { routes: ['talent'] }, BASE],
    ['a kind without the talent route', { routes: ['student'], talent: 'high_level' }, [...BASE, '学校出具的在读证明或学生证']],
    ['student', { routes: ['student'] }, [...BASE, '学校出具的在读证明或学生证']],
    [
      'all three',
      { routes: ['social_insurance', 'talent', 'student'], talent: 'overseas_high_level' },
      [...BASE, '深圳社保参保缴费记录', '海外高层次人才认定证书', '学校出具的在读证明或学生证'],
    ],
    ['none', { routes: [] }, BASE],
  ])('%s', (_name, eligibility, expected) => {
    expect(documentsToBring(eligibility)).toEqual(expected);
  });

  it('takes every qualifying talent document from TALENT_OPTIONS', () => {
    for (const o of TALENT_OPTIONS.filter((t) => t.qualifies)) {
      expect(documentsToBring({ routes: ['talent'], talent: o.kind })).toEqual([...BASE, o.note]);
    }
  });
});

describe('renewal', () => {
  it.each([
    ['2026-12-31', '2026-12-16'],
    ['2026-03-10', '2026-02-23'],
    ['2024-03-10', '2024-02-24'],
    ['2024-03-01', '2024-02-15'],
    ['2025-03-01', '2025-02-14'],
    ['2024-03-15', '2024-02-29'],
    ['2027-01-05', '2026-12-21'],
    ['2026-01-15', '2025-12-31'],
  ])('a permit expiring %s can be renewed from %s', (expiry, opensOn) => {
    expect(renewalWindow(expiry)).toEqual({ opensOn, lastDay: expiry });
    expect(daysBetween(opensOn, expiry)).toBe(15);
    expect(renewalStatus(expiry, addDays(opensOn, -1))).toBe('too_early');
    expect(renewalStatus(expiry, '2000-01-01')).toBe('too_early');
    expect(renewalStatus(expiry, opensOn)).toBe('open');
    expect(renewalStatus(expiry, addDays(opensOn, 1))).toBe('open');
    expect(renewalStatus(expiry, addDays(expiry, -1))).toBe('open');
    expect(renewalStatus(expiry, expiry)).toBe('open');
    expect(renewalStatus(expiry, addDays(expiry, 1))).toBe('lapsed');
    expect(renewalStatus(expiry, addMonths(expiry, 12))).toBe('lapsed');
  });

  it('spells out the boundary days across a year end', () => {
    expect(renewalStatus('2027-01-05', '2026-12-20')).toBe('too_early');
    expect(renewalStatus('2027-01-05', '2026-12-21')).toBe('open');
    expect(renewalStatus('2027-01-05', '2027-01-05')).toBe('open');
    expect(renewalStatus('2027-01-05', '2027-01-06')).toBe('lapsed');
  });
});
