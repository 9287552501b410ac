import { create } from 'zustand';

import { EligibilityBody, type EligibilityVerdict } from '@shared/api';
import { monthsBetween, type OrderEligibility, type TalentKind } from '@shared/eligibility';

import { ApiError, errorMessage } from '../services/api-error';
import { eligibilityService } from '../services/eligibility.service';

/**
 * 办证资格自测 (深圳居住证): the questionnaire's answers and the server's verdict. In memory only —
 * nothing is stored unless the person goes on to make a receipt (then the order keeps the routes).
 */

/** One period of residence registration (dates) or of social insurance (months). */
export interface Period {
  id: number;
  /** `YYYY-MM-DD` (residence) or `YYYY-MM` (social insurance); null until picked. */
  from: string | null;
  /** Last day / month; ignored while `ongoing`. */
  to: string | null;
  /** 「至今」: still registered / still paying (insurance: up to the application month). */
  ongoing: boolean;
}

export interface EligibilityAnswers {
  applicationDate: string;
  /** false = 「没有办理居住登记」. */
  hasResidence: boolean;
  residence: Period[];
  /** false = 「没有缴纳」. */
  hasInsurance: boolean;
  insurance: Period[];
  /** null = 「以上都不是」. */
  talent: TalentKind | null;
  student: boolean;
}

export interface EligibilityResult {
  /** The request the verdict answers (its talent kind is what an order keeps). */
  request: EligibilityBody;
  verdict: EligibilityVerdict;
}

export interface EligibilityState {
  answers: EligibilityAnswers;
  /**
   * Messages by field: `applicationDate`, `residence.<i>.from|to`, `residence`,
   * `insurance.<i>.from|to`, `insurance`, `talent`, `student`, `form` (i counts from 0).
   */
  fieldErrors: Record<string, string>;
  status: 'idle' | 'checking' | 'done' | 'error';
  error: string | null;
  result: EligibilityResult | null;
}

export type PeriodPatch = Partial<Omit<Period, 'id'>>;

/** The two questions answered with periods: residence registration and social insurance. */
export type PeriodSection = 'residence' | 'insurance';

/** The answer 「已办理 / 没有」 that turns a section's periods on or off. */
const HAS: Record<PeriodSection, 'hasResidence' | 'hasInsurance'> = { residence: 'hasResidence', insurance: 'hasInsurance' };

export interface EligibilityActions {
  setApplicationDate: (date: string) => void;
  setHas: (section: PeriodSection, has: boolean) => void;
  addPeriod: (section: PeriodSection) => void;
  /** Never the last period of a section. */
  removePeriod: (section: PeriodSection, id: number) => void;
  updatePeriod: (section: PeriodSection, id: number, patch: PeriodPatch) => void;
  chooseTalent: (talent: TalentKind | null) => void;
  setStudent: (student: boolean) => void;
  /** Validates with the API schema, asks the server; resolves with the verdict (null on a problem). */
  check: () => Promise<EligibilityVerdict | null>;
  reset: () => void;
}

export type EligibilityStore = EligibilityState & EligibilityActions;

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The local calendar date `YYYY-MM-DD` (the person's today, not UTC's). */
export function localDate(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad2(now.getMonth() + 1)}-${pad2(now.getDate())}`;
}

let nextPeriodId = 1;

function newPeriod(): Period {
  return { id: nextPeriodId++, from: null, to: null, ongoing: true };
}

/** Fresh answers: apply today, one registration and one insurance period 「至今」, no talent, not a student. */
export function initialAnswers(today: string = localDate()): EligibilityAnswers {
  return {
    applicationDate: today,
    hasResidence: true,
    residence: [newPeriod()],
    hasInsurance: true,
    insurance: [newPeriod()],
    talent: null,
    student: false,
  };
}

export function initialEligibilityState(today?: string): EligibilityState {
  return { answers: initialAnswers(today), fieldErrors: {}, status: 'idle', error: null, result: null };
}

/** At most this many periods of each kind (the schema allows 20 registrations). */
export const MAX_PERIODS = 20;

// ---- from answers to the request ----------------------------------------------------------------

const applicationMonthOf = (answers: EligibilityAnswers) => answers.applicationDate.slice(0, 7);

/** The last month of an insurance period: 「至今」 means up to the application month. */
function insuranceEnd(period: Period, applicationMonth: string): string | null {
  return period.ongoing ? applicationMonth : period.to;
}

/**
 * Every month with social insurance paid, from the 「从…到…」 periods (complete ones only), each
 * month once, in order. None when the person answered 「没有缴纳」.
 */
export function insuranceMonths(answers: EligibilityAnswers): string[] {
  if (!answers.hasInsurance) return [];
  const applicationMonth = applicationMonthOf(answers);
  const months = new Set<string>();
  for (const period of answers.insurance) {
    const end = insuranceEnd(period, applicationMonth);
    if (period.from === null || end === null) continue;
    for (const month of monthsBetween(period.from, end)) months.add(month);
  }
  return [...months].sort();
}

/** The UI field a schema or server path (`residenceRegistrations.0.from`) belongs to. */
function fieldKey(path: readonly (string | number)[]): string {
  const [head, index, leaf] = path;
  switch (head) {
    case 'applicationDate':
    case 'talent':
    case 'student':
      return head;
    case 'residenceRegistrations':
      if (index === undefined) return 'residence';
      return leaf === 'from' || leaf === 'to' ? `residence.${index}.${leaf}` : `residence.${index}.from`;
    case 'socialInsuranceMonths':
      // A month list has no field of its own; the periods' own checks (below) point at the field.
      return 'insurance';
    default:
      return 'form';
  }
}

/** Server `fields` (`residenceRegistrations.0.from` → message) keyed by the UI's fields. */
function fieldErrorsFrom(fields: Record<string, string>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [path, message] of Object.entries(fields)) {
    errors[fieldKey(path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)))] ??= message;
  }
  return errors;
}

/**
 * What the form checks itself: the schema cannot tell a missing end from 「至今」, points at months
 * rather than periods, and (its whole-body refinement) compares starts with the application date
 * only once every date is there. A missing start and an end before its start are the schema's.
 */
function periodProblems(answers: EligibilityAnswers): Record<string, string> {
  const errors: Record<string, string> = {};
  if (answers.hasResidence) {
    answers.residence.forEach((p, i) => {
      if (p.from !== null && p.from > answers.applicationDate) errors[`residence.${i}.from`] = '居住登记的开始日期不能晚于申请日期';
      if (!p.ongoing && p.to === null) errors[`residence.${i}.to`] = '请选择居住登记的结束日期,或勾选「至今」';
    });
  }
  if (answers.hasInsurance) {
    const applicationMonth = applicationMonthOf(answers);
    answers.insurance.forEach((p, i) => {
      if (p.from === null) errors[`insurance.${i}.from`] = '请选择开始缴纳社保的月份';
      else if (p.from > applicationMonth) errors[`insurance.${i}.from`] = '社保月份不能晚于申请月份';
      if (!p.ongoing) {
        if (p.to === null) errors[`insurance.${i}.to`] = '请选择社保的最后一个月,或勾选「至今」';
        else if (p.from !== null && p.to < p.from) errors[`insurance.${i}.to`] = '结束月份不能早于开始月份';
        else if (p.to > applicationMonth) errors[`insurance.${i}.to`] = '社保月份不能晚于申请月份';
      }
    });
  }
  return errors;
}

/** The request body the answers make, before validation (missing dates stay missing). */
function requestBody(answers: EligibilityAnswers): Record<string, unknown> {
  return {
    applicationDate: answers.applicationDate,
    residenceRegistrations: answers.hasResidence
      ? answers.residence.map((p) => ({
          ...(p.from !== null ? { from: p.from } : {}),
          ...(!p.ongoing && p.to !== null ? { to: p.to } : {}),
        }))
      : [],
    socialInsuranceMonths: insuranceMonths(answers),
    ...(answers.talent ? { talent: answers.talent } : {}),
    student: answers.student,
  };
}

export type BuiltRequest = { ok: true; body: EligibilityBody } | { ok: false; errors: Record<string, string> };

/** The answers as an `EligibilityBody`, validated with the API's own schema, or the field messages. */
export function buildRequest(answers: EligibilityAnswers): BuiltRequest {
  const errors = periodProblems(answers);
  const parsed = EligibilityBody.safeParse(requestBody(answers));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors[fieldKey(issue.path)] ??= issue.message;
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, body: parsed.data };
}

/** What an order keeps from an eligible result: the routes met (and the talent kind for 人才引进). */
export function orderEligibilityOf(result: EligibilityResult | null): OrderEligibility | null {
  if (!result || !result.verdict.eligible || result.verdict.routes.length === 0) return null;
  const { routes } = result.verdict;
  const talent = routes.includes('talent') ? result.request.talent : undefined;
  return talent ? { routes: [...routes], talent } : { routes: [...routes] };
}

// ---- the store ----------------------------------------------------------------------------------

/** Errors without those of one field (or, with a trailing '.', of a whole section). */
function clearErrors(errors: Record<string, string>, ...keys: string[]): Record<string, string> {
  const next = { ...errors };
  for (const key of Object.keys(next)) {
    if (keys.some((k) => (k.endsWith('.') ? key.startsWith(k) || key === k.slice(0, -1) : key === k))) delete next[key];
  }
  delete next.form;
  return next;
}

export const useEligibilityStore = create<EligibilityStore>()((set, get) => {
  const answer = (patch: Partial<EligibilityAnswers>, ...errorKeys: string[]) =>
    set((s) => ({ answers: { ...s.answers, ...patch }, fieldErrors: clearErrors(s.fieldErrors, ...errorKeys), error: null }));

  return {
    ...initialEligibilityState(),

    setApplicationDate(date) {
      // The date bounds the other answers: their messages are re-checked on 「查看结果」.
      answer({ applicationDate: date }, 'applicationDate', 'residence.', 'insurance.');
    },
    setHas(section, has) {
      answer({ [HAS[section]]: has }, `${section}.`);
    },
    addPeriod(section) {
      const periods = get().answers[section];
      if (periods.length >= MAX_PERIODS) return;
      answer({ [section]: [...periods, newPeriod()] }, section);
    },
    removePeriod(section, id) {
      const periods = get().answers[section];
      if (periods.length <= 1) return;
      // Indices shift: the section's messages no longer point at the right period.
      answer({ [section]: periods.filter((p) => p.id !== id) }, `${section}.`);
    },
    updatePeriod(section, id, patch) {
      const periods = get().answers[section];
      const index = periods.findIndex((p) => p.id === id);
      if (index < 0) return;
      const keys = Object.keys(patch).map((k) => `${section}.${index}.${k === 'ongoing' ? 'to' : k}`);
      answer({ [section]: periods.map((p) => (p.id === id ? { ...p, ...patch } : p)) }, ...keys, section);
    },
    chooseTalent(talent) {
      answer({ talent }, 'talent');
    },
    setStudent(student) {
      answer({ student }, 'student');
    },

    async check() {
      if (get().status === 'checking') return null;
      const built = buildRequest(get().answers);
      if (!built.ok) {
        set({ fieldErrors: built.errors, status: 'error', error: '有些回答还不完整或有误,请按提示修改' });
        return null;
      }
      set({ status: 'checking', error: null, fieldErrors: {} });
      try {
        const verdict = await eligibilityService.checkShenzhenResidence(built.body);
        set({ status: 'done', result: { request: built.body, verdict } });
        return verdict;
      } catch (error) {
        set({
          status: 'error',
          error: errorMessage(error),
          fieldErrors: error instanceof ApiError ? fieldErrorsFrom(error.fields) : {},
        });
        return null;
      }
    },

    reset() {
      set(initialEligibilityState());
    },
  };
});
