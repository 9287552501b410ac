/**
 * 办证资格自测 (深圳居住证) in a real browser against the real server, at a phone's size: a person
 * who does not qualify yet learns what is missing and from which day they will; a broken residence
 * restarts the count, a 30-day gap does not; an eligible person goes on to make a 居住证 receipt in
 * 深圳 and, once it is issued, the order reminds them what to bring; a talent and a student case.
 *
 * The application date is fixed (2026-11-21), so nothing depends on today's date. Every date the
 * page shows is checked twice: against the evaluator in shared/eligibility.ts given the same
 * answers, and as a literal worked out by hand from docs/eligibility.md.
 */
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  documentsToBring,
  evaluateShenzhenResidence,
  formatChineseDate,
  monthsBetween,
  type EligibilityInput,
  type EligibilityRoute,
  type EligibilityVerdict,
} from '../shared/eligibility';
import { Api, localStaff } from './support/api';
import { PHONE, Shots, assertBrowserPrerequisites, assertScreenSound, openSession, storedSessionToken, type Session } from './support/browser';
import { PHOTOS } from './support/paths';
import { PAGES } from './support/pages';
import { startServer, type RunningServer } from './support/server';
import { Story } from './support/story';
import { activate, see, typeInto, waitForRoute } from './support/ui';

const APPLICATION_DATE = '2026-11-21';
const APPLICATION_MONTH = APPLICATION_DATE.slice(0, 7);
const GOOD_PHOTO = path.join(PHOTOS, 'deepface-img3.jpg');
const NICKNAME = '小陈';
/** Upload + engine on a 2-core machine, with room for a cold model load. */
const ENGINE_WAIT = 90_000;

const UNCERTIFIED_DEGREE = '全日制大专及以上学历(还没有认证)';
const PENGCHENG_CARD = '鹏城优才卡持有者';
const NO_REGISTRATION = '申请当天没有有效的深圳居住登记,需要先办理居住登记';

let server: RunningServer;
let session: Session | null = null;
let shots: Shots;
const story = new Story(() => server);

/** One step of the story, in the one browser. */
function step(name: string, fn: (page: Page) => Promise<void>, timeout?: number): void {
  story.step(() => session, name, () => shots, fn, timeout);
}

// ---- driving the questionnaire ------------------------------------------------------------------

/** A native date / month input by its accessible name (申请日期, 居住登记1开始日期, 社保1开始月份…). */
function field(page: Page, name: string): Locator {
  return page.getByLabel(name, { exact: true }).and(page.locator('input')).filter({ visible: true }).first();
}

async function fillDate(page: Page, name: string, value: string): Promise<void> {
  const input = field(page, name);
  await input.waitFor({ state: 'visible' });
  await input.fill(value);
  expect(await input.inputValue(), `${name} after filling`).toBe(value);
}

function radio(page: Page, group: string, label: string): Locator {
  return page
    .getByRole('radiogroup', { name: group, exact: true })
    .filter({ visible: true })
    .first()
    .getByRole('radio', { name: label, exact: true });
}

async function choose(page: Page, group: string, label: string): Promise<void> {
  const choice = radio(page, group, label);
  await choice.waitFor({ state: 'visible' });
  if ((await choice.getAttribute('aria-checked')) !== 'true') await activate(page, choice);
  await expect.poll(() => choice.getAttribute('aria-checked'), { timeout: 5_000 }).toBe('true');
}

/** Ticks or unticks a 「至今」 box (居住登记1至今, 社保1至今). */
async function setOngoing(page: Page, name: string, ongoing: boolean): Promise<void> {
  const box = page.getByRole('checkbox', { name, exact: true }).filter({ visible: true }).first();
  await box.waitFor({ state: 'visible' });
  if ((await box.getAttribute('aria-checked')) !== String(ongoing)) await activate(page, box);
  await expect.poll(() => box.getAttribute('aria-checked'), { timeout: 5_000 }).toBe(String(ongoing));
}

async function tapButton(page: Page, name: string): Promise<void> {
  const btn = page.getByRole('button', { name, exact: true }).filter({ visible: true }).first();
  await btn.waitFor({ state: 'visible' });
  await activate(page, btn);
}

function byTestId(page: Page, id: string): Locator {
  return page.getByTestId(id).filter({ visible: true }).first();
}

async function textOf(page: Page, id: string): Promise<string> {
  const loc = byTestId(page, id);
  await loc.waitFor({ state: 'visible' });
  return (await loc.innerText()).replace(/\s+/g, ' ').trim();
}

/** 「查看结果」, then the result page with its verdict on screen. */
async function showResult(page: Page, headline: '符合申领条件' | '暂不符合申领条件'): Promise<void> {
  await tapButton(page, '查看结果');
  await waitForRoute(page, PAGES.eligibilityResult);
  expect(await textOf(page, 'eligibility-verdict')).toContain(headline);
}

/** 「修改回答」: back on the questionnaire. */
async function editAnswers(page: Page): Promise<void> {
  await tapButton(page, '修改回答');
  await waitForRoute(page, PAGES.eligibilityCheck);
  await field(page, '申请日期').waitFor({ state: 'visible' });
}

/** What the page shows for each route the verdict finds unmet: every one of the evaluator's messages. */
async function assertUnmetShown(page: Page, verdict: EligibilityVerdict): Promise<void> {
  const routes = [...new Set(verdict.unmet.map((u) => u.route))];
  for (const route of routes) {
    const shown = await textOf(page, `eligibility-unmet-${route}`);
    for (const u of verdict.unmet.filter((x) => x.route === route)) {
      expect(shown, `the 「${route}」 card`).toContain(u.message);
    }
  }
  for (const route of ['social_insurance', 'talent', 'student'] as EligibilityRoute[]) {
    if (!routes.includes(route)) expect(await page.getByTestId(`eligibility-unmet-${route}`).filter({ visible: true }).count()).toBe(0);
  }
}

beforeAll(async () => {
  assertBrowserPrerequisites();
  server = await startServer();
  shots = new Shots('eligibility');
});

afterAll(async () => {
  await session?.close();
  await server?.stop();
});

describe('phone (390×844): 办证资格自测 → 居住证 receipt', () => {
  beforeAll(async () => {
    session = await openSession(PHONE);
  });
  afterAll(async () => {
    await session?.close();
    session = null;
  });

  // Registration from 2026-03-10, insurance from 2026-03 (both still going), an uncertified degree.
  const notYet: EligibilityInput = {
    applicationDate: APPLICATION_DATE,
    residenceRegistrations: [{ from: '2026-03-10' }],
    socialInsuranceMonths: monthsBetween('2026-03', APPLICATION_MONTH),
    talent: 'degree_uncertified',
    student: false,
  };

  step('not signed in: home → 办证资格自测', async (page) => {
    await page.goto(server.baseUrl + '/');
    await see(page, '办证资格自测');
    await activate(page, byTestId(page, 'eligibility-entry'));
    await waitForRoute(page, PAGES.eligibilityCheck);
    await field(page, '申请日期').waitFor({ state: 'visible' });
    await assertScreenSound(page, '深圳居住登记');
    await shots.take(page, 'questionnaire');
  });

  step('not yet eligible: the earliest date, what is missing by route', async (page) => {
    await fillDate(page, '申请日期', APPLICATION_DATE);
    await choose(page, '居住登记', '已办理居住登记');
    await fillDate(page, '居住登记1开始日期', '2026-03-10');
    await setOngoing(page, '居住登记1至今', true);
    await choose(page, '社保', '在深圳缴纳过社保');
    await fillDate(page, '社保1开始月份', '2026-03');
    await setOngoing(page, '社保1至今', true);
    // 2026-03 … 2026-11 (至今 = up to the application month).
    expect(await textOf(page, 'eligibility-insurance-months')).toContain('合计 9 个月');
    await choose(page, '人才引进条件', UNCERTIFIED_DEGREE);
    await choose(page, '在校生', '否');
    await shots.take(page, 'not-yet-answers');

    await showResult(page, '暂不符合申领条件');
    const verdict = evaluateShenzhenResidence(notYet);
    expect(verdict.eligible).toBe(false);
    // Residence: 2026-03-10 + 12 months = 2027-03-10; insurance: 8 months before 2026-11, 12 by
    // 2027-03-01. The later of the two.
    expect(verdict.earliestDate).toBe('2027-03-10');
    const earliest = await textOf(page, 'eligibility-earliest-date');
    expect(earliest).toContain(`预计 ${formatChineseDate(verdict.earliestDate!)} 起符合条件`);
    expect(earliest).toContain('预计 2027年3月10日 起符合条件');
    expect(await textOf(page, 'eligibility-verdict')).toContain('按你的回答,2026年11月21日还不能申领深圳居住证');

    const social = await textOf(page, 'eligibility-unmet-social_insurance');
    expect(social).toContain('居住登记从2026年3月10日起连续,满 12 个月要到2027年3月10日');
    expect(social).toContain('申请月之前连续缴纳社保 8 个月(需 12 个月)');
    expect(social).toContain('2027年3月1日起满足');
    expect(await textOf(page, 'eligibility-unmet-talent')).toContain(
      '学历要先经深圳市人力资源和社会保障局认证,认证通过后才能按人才引进申领',
    );
    await assertUnmetShown(page, verdict);
    await assertScreenSound(page, '暂不符合申领条件');
    await shots.take(page, 'not-yet-result');
  });

  // Moved: 2025-06-01 … 2025-12-31, then again from 2026-02-01 (31 days without registration).
  const broken31: EligibilityInput = {
    applicationDate: APPLICATION_DATE,
    residenceRegistrations: [{ from: '2025-06-01', to: '2025-12-31' }, { from: '2026-02-01' }],
    socialInsuranceMonths: monthsBetween('2025-01', APPLICATION_MONTH),
    talent: 'degree_uncertified',
    student: false,
  };

  step('修改回答 keeps the answers; a 31-day gap restarts the residence count', async (page) => {
    await editAnswers(page);
    expect(await field(page, '申请日期').inputValue()).toBe(APPLICATION_DATE);
    expect(await field(page, '居住登记1开始日期').inputValue()).toBe('2026-03-10');
    expect(await field(page, '社保1开始月份').inputValue()).toBe('2026-03');
    expect(await radio(page, '人才引进条件', UNCERTIFIED_DEGREE).getAttribute('aria-checked')).toBe('true');

    await fillDate(page, '居住登记1开始日期', '2025-06-01');
    await setOngoing(page, '居住登记1至今', false);
    await fillDate(page, '居住登记1结束日期', '2025-12-31');
    await tapButton(page, '添加一段(搬家后重新登记)');
    await fillDate(page, '居住登记2开始日期', '2026-02-01');
    await setOngoing(page, '居住登记2至今', true);
    await fillDate(page, '社保1开始月份', '2025-01');
    await shots.take(page, 'broken-answers');

    await showResult(page, '暂不符合申领条件');
    const verdict = evaluateShenzhenResidence(broken31);
    expect(verdict.eligible).toBe(false);
    // Counted from 2026-02-01 only: 12 months on 2027-02-01. Insurance (22 months) is met.
    expect(verdict.earliestDate).toBe('2027-02-01');
    const earliest = await textOf(page, 'eligibility-earliest-date');
    expect(earliest).toContain(`预计 ${formatChineseDate(verdict.earliestDate!)} 起符合条件`);
    expect(earliest).toContain('预计 2027年2月1日 起符合条件');
    const social = await textOf(page, 'eligibility-unmet-social_insurance');
    expect(social).toContain(
      '居住登记从2026年2月1日起连续(之前的登记与这次之间中断超过 30 天,从这次登记重新计算),满 12 个月要到2027年2月1日',
    );
    expect(social).not.toContain('社保');
    await assertUnmetShown(page, verdict);
    await assertScreenSound(page, '暂不符合申领条件');
    await shots.take(page, 'broken-result');
  });

  // The same, but registered again on 2026-01-31: 30 days without registration, still continuous.
  const bridged30: EligibilityInput = {
    ...broken31,
    residenceRegistrations: [{ from: '2025-06-01', to: '2025-12-31' }, { from: '2026-01-31' }],
  };

  step('a 30-day gap is still continuous: eligible by 社保+居住登记', async (page) => {
    await editAnswers(page);
    expect(await field(page, '居住登记1结束日期').inputValue()).toBe('2025-12-31');
    expect(await field(page, '居住登记2开始日期').inputValue()).toBe('2026-02-01');
    await fillDate(page, '居住登记2开始日期', '2026-01-31');

    await showResult(page, '符合申领条件');
    const verdict = evaluateShenzhenResidence(bridged30);
    expect(verdict).toMatchObject({ eligible: true, routes: ['social_insurance'] });
    expect(verdict.earliestDate).toBeUndefined();
    expect(await textOf(page, 'eligibility-verdict')).toContain('按你的回答,2026年11月21日可以申领深圳居住证');
    expect(await textOf(page, 'eligibility-routes')).toBe('✓ 社保+居住登记');
    const documents = await textOf(page, 'eligibility-documents');
    for (const doc of documentsToBring({ routes: ['social_insurance'] })) expect(documents).toContain(doc);
    expect(documents).toContain('深圳社保参保缴费记录');
    expect(await page.getByTestId('eligibility-earliest-date').filter({ visible: true }).count()).toBe(0);
    await assertScreenSound(page, '符合申领条件');
    await shots.take(page, 'eligible-result');
  });

  let orderId = '';
  let token = '';

  step('办理居住证照片回执: sign in, then 居住证 in 深圳市 with the self-check summary', async (page) => {
    await tapButton(page, '办理居住证照片回执');
    await waitForRoute(page, PAGES.login);
    await typeInto(page, '请输入昵称', NICKNAME);
    await tapButton(page, '登录');
    await waitForRoute(page, PAGES.city);
    await see(page, '居住证');
    expect(await textOf(page, 'eligibility-summary')).toBe('资格自测:符合(社保+居住登记)');
    await page.getByRole('button', { name: '确认城市:深圳市', exact: true }).filter({ visible: true }).first().waitFor();
    await assertScreenSound(page, '资格自测');
    await shots.take(page, 'city');

    await tapButton(page, '确认城市:深圳市');
    await page.waitForFunction(
      (next: string[]) => next.includes(location.hash.replace(/^#/, '').split('?')[0] ?? ''),
      [PAGES.consent, PAGES.guide],
      { timeout: 15_000 },
    );
    const query = page.url().split('?')[1] ?? '';
    orderId = new URLSearchParams(query).get('orderId') ?? '';
    expect(orderId, `no orderId in ${page.url()}`).toMatch(/^[A-Za-z0-9_-]{8,40}$/);
    token = await storedSessionToken(page);
    await shots.take(page, 'after-city');
  });

  step(
    'the order keeps the route; photo, applicant, submit and approval through the API',
    async () => {
      const owner = new Api(server.baseUrl, token);
      const created = await owner.call<{ certType: string; cityCode: string; eligibility: unknown }>('GET', `/api/orders/${orderId}`);
      expect(created.certType).toBe('residence_permit');
      expect(created.cityCode).toBe('4403');
      expect(created.eligibility).toEqual({ routes: ['social_insurance'] });

      await owner.completeAndSubmit(
        orderId,
        GOOD_PHOTO,
        { name: '陈六', idNumber: '11010519491231002X', phone: '13612345678' },
        ENGINE_WAIT,
      );
      const staff = localStaff(server.dataDir);
      const reviewer = await Api.staff(server.baseUrl, 'reviewer', staff.reviewer!);
      await reviewer.call('POST', `/api/review/${orderId}/claim`);
      await reviewer.call('POST', `/api/review/${orderId}/approve`);
      const approved = await owner.call<{ status: string; eligibility: unknown }>('GET', `/api/orders/${orderId}`);
      expect(approved.status).toBe('approved');
      expect(approved.eligibility).toEqual({ routes: ['social_insurance'] });
    },
    ENGINE_WAIT + 30_000,
  );

  step('the issued order reminds: 社保+居住登记, and what to bring', async (page) => {
    await page.goto(`${server.baseUrl}/#${PAGES.orderDetail}?id=${orderId}`);
    await page.reload();
    await waitForRoute(page, PAGES.orderDetail);
    const reminder = await textOf(page, 'eligibility-reminder');
    expect(reminder).toContain('你自测符合:社保+居住登记');
    expect(reminder).toContain('办理时请带上');
    for (const doc of documentsToBring({ routes: ['social_insurance'] })) expect(reminder).toContain(doc);
    expect(reminder).toContain('深圳社保参保缴费记录');
    expect(reminder).toContain('本人居民身份证原件');
    await byTestId(page, 'eligibility-reminder').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await assertScreenSound(page, '办理时请带上');
    await shots.take(page, 'order-reminder');
  });
});

describe('phone: a talent and a student', () => {
  beforeAll(async () => {
    session = await openSession(PHONE);
  });
  afterAll(async () => {
    await session?.close();
    session = null;
  });

  step('鹏城优才卡 with a registration, no social insurance: eligible by 人才引进', async (page) => {
    await page.goto(server.baseUrl + '/');
    await activate(page, byTestId(page, 'eligibility-entry'));
    await waitForRoute(page, PAGES.eligibilityCheck);
    await fillDate(page, '申请日期', APPLICATION_DATE);
    await choose(page, '居住登记', '已办理居住登记');
    await fillDate(page, '居住登记1开始日期', '2026-10-01');
    await setOngoing(page, '居住登记1至今', true);
    await choose(page, '社保', '没有缴纳');
    expect(await page.getByLabel('社保1开始月份', { exact: true }).filter({ visible: true }).count()).toBe(0);
    await choose(page, '人才引进条件', PENGCHENG_CARD);
    await choose(page, '在校生', '否');

    await showResult(page, '符合申领条件');
    const verdict = evaluateShenzhenResidence({
      applicationDate: APPLICATION_DATE,
      residenceRegistrations: [{ from: '2026-10-01' }],
      socialInsuranceMonths: [],
      talent: 'pengcheng_card',
      student: false,
    });
    expect(verdict).toMatchObject({ eligible: true, routes: ['talent'] });
    expect(await textOf(page, 'eligibility-routes')).toBe('✓ 人才引进(鹏城优才卡持有者)');
    const documents = await textOf(page, 'eligibility-documents');
    for (const doc of documentsToBring({ routes: ['talent'], talent: 'pengcheng_card' })) expect(documents).toContain(doc);
    expect(documents).toContain('鹏城优才卡');
    expect(documents).not.toContain('深圳社保参保缴费记录');
    await assertScreenSound(page, '人才引进');
    await shots.take(page, 'talent-result');
  });

  step('a student without a residence registration: not eligible, and no date to wait for', async (page) => {
    await editAnswers(page);
    await choose(page, '居住登记', '没有办理居住登记');
    expect(await page.getByLabel('居住登记1开始日期', { exact: true }).filter({ visible: true }).count()).toBe(0);
    await choose(page, '人才引进条件', '以上都不是');
    await choose(page, '在校生', '是');

    await showResult(page, '暂不符合申领条件');
    const verdict = evaluateShenzhenResidence({
      applicationDate: APPLICATION_DATE,
      residenceRegistrations: [],
      socialInsuranceMonths: [],
      student: true,
    });
    expect(verdict.eligible).toBe(false);
    expect(verdict.earliestDate).toBeUndefined();
    // Waiting does not help: the person must register first, so no date is promised.
    expect(await page.getByTestId('eligibility-earliest-date').filter({ visible: true }).count()).toBe(0);
    expect(await textOf(page, 'eligibility-unmet-student')).toContain(NO_REGISTRATION);
    expect(await textOf(page, 'eligibility-unmet-student')).not.toContain('不是在深圳接受全日制');
    expect(await textOf(page, 'eligibility-unmet-social_insurance')).toContain(NO_REGISTRATION);
    await assertUnmetShown(page, verdict);
    await assertScreenSound(page, '暂不符合申领条件');
    await shots.take(page, 'student-unregistered');
  });
});
