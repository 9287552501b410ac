/**
 * Waiting, as a person sees it: with the server's answers held back 1.5 s (Playwright routes in
 * front of the real server), every tap that sends a request shows its button disabled with a
 * spinner for as long as the answer takes, a quick second tap sends nothing more, and pages that
 * load show a spinner or a progress bar until their data is there. Covered: sign-in (applicant
 * and staff), order creation, photo upload and processing, saving the applicant, submitting for
 * review, the eligibility check, and the loads of 订单 and an order's page.
 */
import path from 'node:path';
import type { Locator, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';

import { assertBrowserPrerequisites, openSession, PHONE, Shots, type Session } from './support/browser';
import { localStaff } from './support/api';
import { PAGES } from './support/pages';
import { PHOTOS } from './support/paths';
import { startServer, type RunningServer } from './support/server';
import { Story } from './support/story';
import { activate, button, isDisabled, press, pressButton, see, typeInto, waitForRoute } from './support/ui';

/** How long each held-back answer waits: well past the 300 ms a person waits without a sign. */
const HOLD_MS = 1_500;
/** The sign of waiting must be on screen well within the hold. */
const SHOWS_WITHIN_MS = 1_000;
const PHOTO = path.join(PHOTOS, 'deepface-img3.jpg');

let server: RunningServer;
let session: Session | null = null;
let shots: Shots;
const story = new Story(() => server);
const step = (name: string, fn: (page: Page) => Promise<void>, timeout?: number) => story.step(() => session, name, () => shots, fn, timeout);

/** Holds back the API requests `method path` for HOLD_MS each and counts them, while `fn` runs. */
async function heldBack(page: Page, method: string, pathname: RegExp, fn: (sent: () => number) => Promise<void>): Promise<void> {
  let sent = 0;
  const matches = (url: URL) => pathname.test(url.pathname);
  const hold = async (r: Route) => {
    if (r.request().method() !== method) return r.fallback();
    sent += 1;
    await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
    // The page may have moved on (or the test ended) meanwhile.
    await r.continue().catch(() => undefined);
  };
  await page.route(matches, hold);
  try {
    await fn(() => sent);
  } finally {
    await page.unroute(matches, hold);
  }
}

/** Two quick taps on a button, as an impatient thumb makes them (the second even on a button
 * that already looks disabled). */
async function doubleTap(page: Page, loc: Locator): Promise<void> {
  await activate(page, loc);
  await activate(page, loc, true);
}

/** The button is disabled and shows its spinner, soon after the tap and while the answer is held. */
async function expectBusy(loc: Locator, sent: () => number, what: string): Promise<void> {
  await expect.poll(() => isDisabled(loc), { timeout: SHOWS_WITHIN_MS, message: `${what}: button disabled while waiting` }).toBe(true);
  await loc.getByTestId('button-spinner').waitFor({ state: 'visible', timeout: SHOWS_WITHIN_MS });
  expect(sent(), `${what}: requests sent`).toBe(1);
}

/** A spinner (role status, aria-busy) or a progress bar is on screen. */
async function expectWaitShown(page: Page, what: string): Promise<void> {
  const sign = page.locator('[role="status"][aria-busy="true"], [role="progressbar"]').filter({ visible: true }).first();
  try {
    await sign.waitFor({ state: 'visible', timeout: SHOWS_WITHIN_MS });
  } catch {
    const shown = (await page.evaluate(() => document.body.innerText)).replace(/\s+/g, ' ').slice(0, 400);
    throw new Error(`${what}: no spinner or progress bar within ${SHOWS_WITHIN_MS} ms; the screen shows: ${shown}`);
  }
}

/** Opens a page of the app as a fresh load (a hash change alone would not leave the current page). */
async function open(page: Page, path: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${server.baseUrl}/#${path}`);
}

beforeAll(async () => {
  assertBrowserPrerequisites();
  server = await startServer();
  shots = new Shots('waits');
  session = await openSession(PHONE);
});

afterAll(async () => {
  await session?.close();
  await server?.stop();
});

describe('phone (390×844): every wait shows itself, every request button is busy and taps once', () => {
  step('sign-in (nickname): 登录 busy, one request', async (page) => {
    await page.goto(server.baseUrl + '/');
    await pressButton(page, '回执办理');
    await typeInto(page, '请输入昵称', '小王');
    await heldBack(page, 'POST', /^\/api\/auth\/local-login$/, async (sent) => {
      const login = button(page, '登录');
      await doubleTap(page, login);
      await expectBusy(login, sent, 'sign-in');
      await shots.take(page, 'login-busy', { still: false });
      await see(page, /选择要办理的证件/);
      expect(sent()).toBe(1);
    });
  });

  step('order creation: 确认城市 busy, one order', async (page) => {
    await press(page, '居民身份证');
    await typeInto(page, /搜索城市/, '深圳');
    await press(page, '深圳市');
    await heldBack(page, 'POST', /^\/api\/orders$/, async (sent) => {
      const confirm = button(page, '确认城市:深圳市');
      await doubleTap(page, confirm);
      await expectBusy(confirm, sent, 'order creation');
      await shots.take(page, 'create-order-busy', { still: false });
      await see(page, '个人信息处理规则');
      expect(sent()).toBe(1);
    });
  });

  step('photo upload: progress bar and disabled buttons, then the processing spinner', async (page) => {
    await page.getByRole('checkbox').filter({ visible: true }).first().tap();
    await pressButton(page, '同意并继续');
    await pressButton(page, '我已了解,去拍照');
    await see(page, '从相册选择');
    await heldBack(page, 'PUT', /^\/api\/orders\/[^/]+\/photo$/, async (sent) => {
      const chooser = page.waitForEvent('filechooser', { timeout: 10_000 });
      await pressButton(page, '从相册选择');
      await (await chooser).setFiles(PHOTO);
      await page.getByRole('progressbar').filter({ visible: true }).first().waitFor({ state: 'visible', timeout: SHOWS_WITHIN_MS });
      expect(await isDisabled(button(page, '从相册选择')), '从相册选择 while uploading').toBe(true);
      await see(page, '正在上传,请稍候');
      await shots.take(page, 'upload-progress', { still: false });
      // The upload's button cannot start a second one.
      await activate(page, button(page, '从相册选择'), true);
      expect(sent(), 'uploads sent').toBe(1);
      // The engine's real wait: the result page's spinner until the report is there.
      await waitForRoute(page, PAGES.result, 10_000);
      await expectWaitShown(page, 'photo processing');
    });
    await see(page, '下一步', 60_000);
    await shots.take(page, 'checked');
  }, 90_000);

  step('applicant: 保存并继续 busy, one save', async (page) => {
    await pressButton(page, '下一步');
    await typeInto(page, '与身份证一致的姓名', '王五');
    await typeInto(page, '18 位身份证号码', '11010519491231002X');
    await typeInto(page, '11 位手机号码', '13812345678');
    await heldBack(page, 'PUT', /^\/api\/orders\/[^/]+\/applicant$/, async (sent) => {
      const save = button(page, '保存并继续');
      await doubleTap(page, save);
      await expectBusy(save, sent, 'saving the applicant');
      await waitForRoute(page, PAGES.submit);
      expect(sent()).toBe(1);
    });
  });

  step('submit for review: 提交审核 busy, one submission', async (page) => {
    await see(page, '提交审核');
    await heldBack(page, 'POST', /^\/api\/orders\/[^/]+\/submit$/, async (sent) => {
      const submit = button(page, '提交审核');
      await doubleTap(page, submit);
      await expectBusy(submit, sent, 'submit for review');
      await shots.take(page, 'submit-busy', { still: false });
      await waitForRoute(page, PAGES.orderDetail);
      expect(sent()).toBe(1);
    });
    await see(page, '办理进度');
  });

  step('page loads: an order page and 订单 show a spinner until their data is there', async (page) => {
    const orderUrl = page.url();
    await heldBack(page, 'GET', /^\/api\/orders\/[^/]+$/, async (sent) => {
      await page.goto('about:blank');
      await page.goto(orderUrl);
      await expectWaitShown(page, 'order page load');
      await shots.take(page, 'order-loading', { still: false });
      await see(page, '办理进度');
      expect(sent()).toBeGreaterThanOrEqual(1);
    });
    await heldBack(page, 'GET', /^\/api\/orders$/, async () => {
      await open(page, PAGES.orders);
      await expectWaitShown(page, 'orders list load');
      await shots.take(page, 'orders-loading', { still: false });
      await see(page, '居民身份证');
      // Another tab: the list it had stays, with a sign that the new one is coming.
      await activate(page, page.getByText('已完成', { exact: true }).filter({ visible: true }).first());
      await expectWaitShown(page, 'orders tab switch');
    });
  });

  step('eligibility check: 查看结果 busy, one check', async (page) => {
    await open(page, PAGES.eligibilityCheck);
    for (const [group, choice] of [
      ['居住登记', '没有办理居住登记'],
      ['社保', '没有缴纳'],
      ['人才引进条件', '以上都不是'],
      ['在校生', '否'],
    ] as const) {
      await activate(page, page.getByRole('radiogroup', { name: group, exact: true }).filter({ visible: true }).first().getByRole('radio', { name: choice, exact: true }));
    }
    await heldBack(page, 'POST', /^\/api\/eligibility\//, async (sent) => {
      const check = page.getByTestId('eligibility-submit').filter({ visible: true }).first();
      await doubleTap(page, check);
      await expectBusy(check, sent, 'eligibility check');
      await waitForRoute(page, PAGES.eligibilityResult);
      expect(sent()).toBe(1);
    });
  });

  step('staff sign-in: 登录 busy, one request', async (page) => {
    const password = localStaff(server.dataDir).reviewer;
    expect(password, 'no reviewer in local-staff.txt').toBeTruthy();
    await open(page, PAGES.staffLogin);
    await typeInto(page, '用户名', 'reviewer');
    await typeInto(page, '密码', password!);
    await heldBack(page, 'POST', /^\/api\/auth\/staff-login$/, async (sent) => {
      const login = button(page, '登录');
      await doubleTap(page, login);
      await expectBusy(login, sent, 'staff sign-in');
      await shots.take(page, 'staff-login-busy', { still: false });
      await waitForRoute(page, PAGES.reviewQueue);
      expect(sent()).toBe(1);
    });
  });
});
