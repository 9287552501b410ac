/**
 * 办证资格自测: who may apply for a Shenzhen Special Economic Zone residence permit (深圳居住证).
 * The rules are data (SHENZHEN_RESIDENCE_RULES, TALENT_OPTIONS); evaluateShenzhenResidence is a pure
 * function from dates to a verdict. How each rule is read (period arithmetic, gaps, which months of
 * social insurance count) is written down in docs/eligibility.md.
 *
 * Dates are `YYYY-MM-DD` calendar dates, months `YYYY-MM`; no time zones are involved.
 */

import type { CertCode } from './certificates';

/** The city (cities.ts code) and certificate the self-check is about. */
export const SHENZHEN_CITY_CODE = '4403';
export const RESIDENCE_PERMIT = 'residence_permit' satisfies CertCode;

/** Whether an order (or a draft) is the one the self-check is about: 居住证 in 深圳. */
export function isShenzhenResidencePermit(order: { certType: string | null; cityCode: string | null }): boolean {
  return order.certType === RESIDENCE_PERMIT && order.cityCode === SHENZHEN_CITY_CODE;
}

export const ELIGIBILITY_ROUTES = ['social_insurance', 'talent', 'student'] as const;
export type EligibilityRoute = (typeof ELIGIBILITY_ROUTES)[number];

export const ROUTE_LABELS: Record<EligibilityRoute, string> = {
  social_insurance: '社保+居住登记',
  talent: '人才引进',
  student: '在校生',
};

export const SHENZHEN_RESIDENCE_RULES = {
  /** Route 1: residence registration held continuously this many months up to the application day. */
  residenceMonths: 12,
  /** A gap of at most this many days without registration (a move) keeps residence continuous. */
  maxGapDays: 30,
  /** Route 1: social insurance paid in every one of this many months before the application month… */
  insuranceConsecutiveMonths: 12,
  /** …or in at least this many of the `insuranceWindowMonths` months before the application month. */
  insuranceTotalMonths: 18,
  insuranceWindowMonths: 24,
  /** A permit is renewed within this many days before it expires; unrenewed, it lapses. */
  renewalDaysBeforeExpiry: 15,
} as const;

export const TALENT_KINDS = [
  'high_level',
  'high_level_lapsed',
  'overseas_high_level',
  'returned_student',
  'degree_certified',
  'degree_uncertified',
  'skill_shenzhen_senior',
  'skill_other_city',
  'pengcheng_card',
] as const;
export type TalentKind = (typeof TALENT_KINDS)[number];

export interface TalentOption {
  kind: TalentKind;
  label: string;
  /** Whether this condition alone (with a residence registration) is a talent route. */
  qualifies: boolean;
  /** What the person brings to prove it (qualifying kinds), or why it does not count. */
  note: string;
}

/** The talent conditions in the order the questionnaire lists them. */
export const TALENT_OPTIONS: readonly TalentOption[] = [
  { kind: 'high_level', label: '深圳市高层次专业人才', qualifies: true, note: '高层次专业人才认定证书' },
  {
    kind: 'high_level_lapsed',
    label: '深圳市高层次专业人才(资质已过期)',
    qualifies: true,
    note: '原高层次专业人才认定证书(过期仍可使用)',
  },
  { kind: 'overseas_high_level', label: '海外高层次人才', qualifies: true, note: '海外高层次人才认定证书' },
  {
    kind: 'returned_student',
    label: '留学回国人员(有深圳市出国留学人员资格证明)',
    qualifies: true,
    note: '深圳市出国留学人员资格证明',
  },
  {
    kind: 'degree_certified',
    label: '全日制大专及以上学历(已经市人社局认证)',
    qualifies: true,
    note: '毕业证书,以及市人力资源和社会保障局的学历认证结果',
  },
  {
    kind: 'degree_uncertified',
    label: '全日制大专及以上学历(还没有认证)',
    qualifies: false,
    note: '学历要先经深圳市人力资源和社会保障局认证,认证通过后才能按人才引进申领',
  },
  {
    kind: 'skill_shenzhen_senior',
    label: '深圳市核发的高级工及以上职业资格证书(高级工、预备技师、技师、高级技师)',
    qualifies: true,
    note: '深圳市人力资源和社会保障部门核发的职业资格证书',
  },
  {
    kind: 'skill_other_city',
    label: '外市或国家核发的技能证书',
    qualifies: false,
    note: '只有深圳市人社部门核发的高级工及以上证书才算人才引进条件,外市或国家核发的证书暂时不能用',
  },
  { kind: 'pengcheng_card', label: '鹏城优才卡持有者', qualifies: true, note: '鹏城优才卡' },
];

export function talentOption(kind: TalentKind): TalentOption {
  const option = TALENT_OPTIONS.find((o) => o.kind === kind);
  if (!option) throw new Error(`unknown talent kind ${kind}`);
  return option;
}

export interface ResidenceRegistration {
  /** First day of the registration. */
  from: string;
  /** Last day; absent while it is still held. */
  to?: string;
}

export interface EligibilityInput {
  applicationDate: string;
  residenceRegistrations: ResidenceRegistration[];
  /** Months in which social insurance was paid in Shenzhen (any one of the five insurances). */
  socialInsuranceMonths: string[];
  talent?: TalentKind;
  student?: boolean;
}

export type UnmetReason =
  /** No residence registration is held on the application day. */
  | 'no_residence_registration'
  /** Registration held, but not yet continuously for 12 months. */
  | 'residence_too_short'
  /** Neither 12 consecutive months nor 18 months within 24 of social insurance. */
  | 'insurance_too_short'
  /** No talent condition chosen. */
  | 'no_talent_condition'
  /** A degree not yet certified by the municipal HR bureau. */
  | 'degree_not_certified'
  /** A skill certificate from another city or a national one. */
  | 'skill_not_shenzhen'
  /** Not a full-time student in Shenzhen. */
  | 'not_student';

export interface UnmetCondition {
  route: EligibilityRoute;
  reason: UnmetReason;
  /** What is missing, in words the person can act on. */
  message: string;
  /** When this condition will be met if registration and social insurance carry on unbroken. */
  qualifiesOn?: string;
}

export interface EligibilityVerdict {
  eligible: boolean;
  /** The routes met on the application day. */
  routes: EligibilityRoute[];
  /** Every condition not met, route by route (also for routes other than the one met). */
  unmet: UnmetCondition[];
  /** When not eligible: the first day a route is met if the person keeps the current residence
   * registration and pays social insurance every month from the application month on. Absent when
   * waiting alone does not get there (no registration held) or when eligible already. */
  earliestDate?: string;
}

/** What an order remembers of the self-check when the person goes on to make a receipt. */
export interface OrderEligibility {
  routes: EligibilityRoute[];
  talent?: TalentKind;
}

// ---- calendar arithmetic ------------------------------------------------------------------------

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_PATTERN = /^(\d{4})-(\d{2})$/;
const DAY_MS = 86_400_000;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True for a real calendar date `YYYY-MM-DD` (2025-02-29 is not one). */
export function isCalendarDate(value: string): boolean {
  const m = DATE_PATTERN.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** True for a real month `YYYY-MM`. */
export function isCalendarMonth(value: string): boolean {
  const m = MONTH_PATTERN.exec(value);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y, m, d];
}

function dayNumber(date: string): number {
  const [y, m, d] = parts(date);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function fromDayNumber(n: number): string {
  const date = new Date(n * DAY_MS);
  return `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(dayNumber(date) + days);
}

/** Days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}

/**
 * The day a period of `months` months starting on `date` is complete: the same day of the month
 * `months` later, or that month's last day when it has no such day (2024-02-29 + 12 → 2025-02-28;
 * 2025-01-31 + 1 → 2025-02-28). This is how the Civil Code (arts. 201–203) counts periods in months.
 */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${year}-${pad2(month)}-${pad2(Math.min(d, daysInMonth(year, month)))}`;
}

/** `2027-01-05` → `2027年1月5日`. */
export function formatChineseDate(date: string): string {
  const [y, m, d] = parts(date);
  return `${y}年${m}月${d}日`;
}

/** `2027-01` → `2027年1月`. */
export function formatChineseMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${y}年${m}月`;
}

function monthIndex(monthOrDate: string): number {
  const [y, m] = monthOrDate.split('-').map(Number);
  return y * 12 + (m - 1);
}

function monthOfIndex(index: number): string {
  return `${Math.floor(index / 12)}-${pad2((index % 12) + 1)}`;
}

/** Every month from `from` to `to` inclusive (`YYYY-MM`), for the questionnaire's 「从…到…」 periods. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let i = monthIndex(from); i <= monthIndex(to); i++) months.push(monthOfIndex(i));
  return months;
}

function laterOf(a: string, b: string): string {
  return a >= b ? a : b;
}

// ---- the rules ----------------------------------------------------------------------------------

const RULES = SHENZHEN_RESIDENCE_RULES;

interface ResidenceStanding {
  /** First day of the unbroken run of registrations that includes the application day. */
  since: string;
  /** Whether an earlier registration was cut off from that run by a gap of more than 30 days. */
  brokenBefore: boolean;
}

/** The continuous residence the person holds on `applicationDate`, or null when none is held. */
export function continuousResidence(
  registrations: readonly ResidenceRegistration[],
  applicationDate: string,
): ResidenceStanding | null {
  const relevant = registrations
    .filter((r) => r.from <= applicationDate)
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  let run: { since: string; until: string | null; brokenBefore: boolean } | null = null;
  for (const r of relevant) {
    const gap = run && run.until !== null ? daysBetween(run.until, r.from) - 1 : -1;
    if (run && gap <= RULES.maxGapDays) {
      run.until = run.until === null || r.to === undefined ? null : laterOf(run.until, r.to);
    } else {
      run = { since: r.from, until: r.to ?? null, brokenBefore: run !== null };
    }
  }
  if (!run || (run.until !== null && run.until < applicationDate)) return null;
  return { since: run.since, brokenBefore: run.brokenBefore };
}

interface InsuranceStanding {
  /** Paid months in an unbroken run ending with the month before the application month. */
  consecutive: number;
  /** Paid months among the 24 before the application month. */
  total: number;
  met: boolean;
}

function insuranceAt(paid: (index: number) => boolean, applicationMonth: number): InsuranceStanding {
  let consecutive = 0;
  while (consecutive < RULES.insuranceWindowMonths && paid(applicationMonth - 1 - consecutive)) consecutive++;
  let total = 0;
  for (let i = 1; i <= RULES.insuranceWindowMonths; i++) if (paid(applicationMonth - i)) total++;
  const met = consecutive >= RULES.insuranceConsecutiveMonths || total >= RULES.insuranceTotalMonths;
  return { consecutive, total, met };
}

/**
 * Social insurance on the application day: months before the application month count (the current
 * month's payment is not on record yet). `metOn`: the first day the rule is met if every month from
 * the application month on is paid (the application day itself when met already).
 */
function insuranceStanding(months: readonly string[], applicationDate: string): InsuranceStanding & { metOn: string } {
  const recorded = new Set(months.map(monthIndex));
  const applicationMonth = monthIndex(applicationDate);
  const now = insuranceAt((i) => recorded.has(i), applicationMonth);
  if (now.met) return { ...now, metOn: applicationDate };
  const projected = (i: number) => i >= applicationMonth || recorded.has(i);
  let month = applicationMonth + 1;
  while (!insuranceAt(projected, month).met) month++;
  return { ...now, metOn: `${monthOfIndex(month)}-01` };
}

const NO_REGISTRATION = '申请当天没有有效的深圳居住登记,需要先办理居住登记';

function socialInsuranceRoute(
  input: EligibilityInput,
  residence: ResidenceStanding | null,
): { unmet: UnmetCondition[]; metOn?: string } {
  const route = 'social_insurance';
  const unmet: UnmetCondition[] = [];
  const residenceOn = residence ? addMonths(residence.since, RULES.residenceMonths) : undefined;
  if (!residence) {
    unmet.push({
      route,
      reason: 'no_residence_registration',
      message: `${NO_REGISTRATION};登记后连续满 ${RULES.residenceMonths} 个月才符合此条件`,
    });
  } else if (residenceOn && residenceOn > input.applicationDate) {
    const restart = residence.brokenBefore ? `(之前的登记与这次之间中断超过 ${RULES.maxGapDays} 天,从这次登记重新计算)` : '';
    unmet.push({
      route,
      reason: 'residence_too_short',
      message: `居住登记从${formatChineseDate(residence.since)}起连续${restart},满 ${RULES.residenceMonths} 个月要到${formatChineseDate(residenceOn)}`,
      qualifiesOn: residenceOn,
    });
  }
  const insurance = insuranceStanding(input.socialInsuranceMonths, input.applicationDate);
  if (!insurance.met) {
    unmet.push({
      route,
      reason: 'insurance_too_short',
      message:
        `申请月之前连续缴纳社保 ${insurance.consecutive} 个月(需 ${RULES.insuranceConsecutiveMonths} 个月),` +
        `前 ${RULES.insuranceWindowMonths} 个月累计 ${insurance.total} 个月(需 ${RULES.insuranceTotalMonths} 个月);` +
        `每月按时缴纳的话,${formatChineseDate(insurance.metOn)}起满足`,
      qualifiesOn: insurance.metOn,
    });
  }
  // insurance.metOn is never before the application day, so neither is the later of the two.
  const metOn = residenceOn ? laterOf(residenceOn, insurance.metOn) : undefined;
  return { unmet, metOn };
}

function talentRoute(input: EligibilityInput, registered: boolean): UnmetCondition[] {
  const route = 'talent';
  const unmet: UnmetCondition[] = [];
  if (!input.talent) {
    unmet.push({ route, reason: 'no_talent_condition', message: '没有符合的人才引进条件' });
  } else if (input.talent === 'degree_uncertified') {
    unmet.push({ route, reason: 'degree_not_certified', message: talentOption(input.talent).note });
  } else if (input.talent === 'skill_other_city') {
    unmet.push({ route, reason: 'skill_not_shenzhen', message: talentOption(input.talent).note });
  }
  if (!registered) unmet.push({ route, reason: 'no_residence_registration', message: NO_REGISTRATION });
  return unmet;
}

function studentRoute(input: EligibilityInput, registered: boolean): UnmetCondition[] {
  const route = 'student';
  const unmet: UnmetCondition[] = [];
  if (!input.student) {
    unmet.push({ route, reason: 'not_student', message: '不是在深圳接受全日制中高等学历(职业)教育的学生' });
  }
  if (!registered) unmet.push({ route, reason: 'no_residence_registration', message: NO_REGISTRATION });
  return unmet;
}

/** The verdict for a Shenzhen residence permit applied for on `input.applicationDate`. */
export function evaluateShenzhenResidence(input: EligibilityInput): EligibilityVerdict {
  const residence = continuousResidence(input.residenceRegistrations, input.applicationDate);
  const registered = residence !== null;
  const social = socialInsuranceRoute(input, residence);
  const byRoute: Record<EligibilityRoute, UnmetCondition[]> = {
    social_insurance: social.unmet,
    talent: talentRoute(input, registered),
    student: studentRoute(input, registered),
  };
  const routes = ELIGIBILITY_ROUTES.filter((r) => byRoute[r].length === 0);
  const unmet = ELIGIBILITY_ROUTES.flatMap((r) => byRoute[r]);
  const eligible = routes.length > 0;
  return eligible || social.metOn === undefined
    ? { eligible, routes, unmet }
    : { eligible, routes, unmet, earliestDate: social.metOn };
}

// ---- after the self-check -----------------------------------------------------------------------

/** What to take along when applying with the receipt, for the routes the person qualified by. */
export function documentsToBring(eligibility: OrderEligibility): string[] {
  const documents = ['本人居民身份证原件', '照片回执上的图像号', '深圳居住登记凭证(如租赁登记或房产证明)'];
  if (eligibility.routes.includes('social_insurance')) documents.push('深圳社保参保缴费记录');
  if (eligibility.routes.includes('talent') && eligibility.talent) documents.push(talentOption(eligibility.talent).note);
  if (eligibility.routes.includes('student')) documents.push('学校出具的在读证明或学生证');
  return documents;
}

export interface RenewalWindow {
  /** First day a renewal may be applied for. */
  opensOn: string;
  /** The permit's last valid day: renew by then or it lapses. */
  lastDay: string;
}

/** When a permit expiring on `expiryDate` (its last valid day) can be renewed. */
export function renewalWindow(expiryDate: string): RenewalWindow {
  return { opensOn: addDays(expiryDate, -RULES.renewalDaysBeforeExpiry), lastDay: expiryDate };
}

export type RenewalStatus = 'too_early' | 'open' | 'lapsed';

export function renewalStatus(expiryDate: string, today: string): RenewalStatus {
  const window = renewalWindow(expiryDate);
  if (today < window.opensOn) return 'too_early';
  return today <= window.lastDay ? 'open' : 'lapsed';
}
