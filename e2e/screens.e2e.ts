/**
 * Every screen a person reaches without staff rights, at a phone's size (390×844) and a laptop's
 * (1366×900), signed in as an applicant with an order: a screenshot of each (test-results/e2e/
 * screens-*.png), and on each the things a person would notice at once — text running out of the
 * screen, a raw error code or a programming word shown as text, a Chinese font missing, a console
 * error from the app's Content-Security-Policy; the tab pages show the tab bar (首页 · 订单 · 客服)
 * and switching tabs logs nothing. Every other page has a way back that works even when it was
 * opened directly (a link, a code, a reload: nothing under it): the test uses it and checks where
 * it lands; and 「返回」 from a page opened inside the app lands on the page below.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { OrderView } from '../shared/api';
import { Api } from './support/api';
import { assertScreenSound, openSession, PHONE, presetApplicantSession, Shots, type Device, type Session } from './support/browser';
import { PAGES } from './support/pages';
import { startServer, type RunningServer } from './support/server';
import { activate, pressButton, route, see, waitForRoute } from './support/ui';

const LAPTOP: Device = { name: 'laptop', viewport: { width: 1366, height: 900 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false };
const NICKNAME = '小周';

/** Where a page's way back leads, with a text that shows the page there has loaded. */
interface Parent {
  /** The label of the way back when nothing is under the page. */
  label: string;
  route: string;
  shows: string;
}
const HOME: Parent = { label: '首页', route: PAGES.home, shows: '回执办理' };
const ORDERS: Parent = { label: '订单', route: PAGES.orders, shows: '全部' };
const ORDER: Parent = { label: '订单详情', route: PAGES.orderDetail, shows: '办理进度' };
const SELF_CHECK: Parent = { label: '资格自测', route: PAGES.eligibilityCheck, shows: '申请日期' };

/** A page, a text that shows it has loaded (and is drawn in the CJK font), and whether it is a
 * tab (else where its way back leads). */
interface Screen {
  name: string;
  path: (order: OrderView) => string;
  shows: string;
  tab?: boolean;
  up?: Parent;
}

const SCREENS: Screen[] = [
  { name: 'home', path: () => PAGES.home, shows: '回执办理', tab: true },
  { name: 'orders', path: () => PAGES.orders, shows: '全部', tab: true },
  { name: 'service', path: () => PAGES.service, shows: '常见问题', tab: true },
  { name: 'certificate', path: () => PAGES.certificate, shows: '选择要办理的证件。同一组(A/B/C)的证件可以共用一张回执。', up: HOME },
  // Opened directly the draft is empty: the page says to choose a certificate first.
  { name: 'city', path: () => PAGES.city, shows: '请先选择要办理的证件', up: HOME },
  { name: 'consent', path: (o) => `${PAGES.consent}?orderId=${o.id}`, shows: '个人信息处理规则', up: ORDER },
  { name: 'guide', path: () => PAGES.guide, shows: '拍摄要求', up: HOME },
  { name: 'guide-for-order', path: (o) => `${PAGES.guide}?orderId=${o.id}`, shows: '拍摄要求', up: ORDER },
  // No camera in this browser: the page says so and offers the album.
  { name: 'capture', path: (o) => `${PAGES.capture}?orderId=${o.id}`, shows: '从相册选择', up: ORDER },
  { name: 'result', path: (o) => `${PAGES.result}?orderId=${o.id}`, shows: '这个订单还没有上传照片', up: ORDER },
  { name: 'applicant', path: (o) => `${PAGES.applicant}?orderId=${o.id}`, shows: '保存并继续', up: ORDER },
  { name: 'submit', path: (o) => `${PAGES.submit}?orderId=${o.id}`, shows: '提交审核', up: ORDER },
  { name: 'order-detail', path: (o) => `${PAGES.orderDetail}?id=${o.id}`, shows: '办理进度', up: ORDERS },
  { name: 'notifications', path: () => PAGES.notifications, shows: '还没有消息。提交审核后,审核结果会在这里通知你。', up: HOME },
  { name: 'eligibility', path: () => PAGES.eligibilityCheck, shows: '申请日期', up: HOME },
  { name: 'eligibility-about', path: () => PAGES.eligibilityAbout, shows: '持证可以在深圳办的事', up: SELF_CHECK },
  // Opened directly (a reload) the answers are gone: the page offers to start.
  { name: 'eligibility-result', path: () => PAGES.eligibilityResult, shows: '还没有自测结果,请先回答几个问题', up: SELF_CHECK },
  { name: 'staff-login', path: () => PAGES.staffLogin, shows: '工作人员登录', up: HOME },
];

/** Text a person should never be shown: an API code (UPPER_SNAKE), or a leak of a program's values. */
const RAW_TEXT = /\b[A-Z][A-Z0-9]+_[A-Z0-9_]+\b|\bundefined\b|\bnull\b|\bNaN\b|\[object \w+\]/;
/** What Chromium logs when the page's Content-Security-Policy refuses something. */
const CSP_ERROR = /Content Security Policy|Content-Security-Policy/i;

let server: RunningServer;
let order: OrderView;
let screensToken = '';

beforeAll(async () => {
  server = await startServer();
  const api = await Api.applicant(server.baseUrl, NICKNAME);
  order = await api.call<OrderView>('POST', '/api/orders', { certType: 'resident_id', cityCode: '4403' });
  screensToken = api.token!;
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

async function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => document.body.innerText);
}

/** The page's way back (h5 draws it; WeChat draws its own on weapp). */
function backButton(page: Page) {
  return page.getByTestId('back-button').filter({ visible: true }).first();
}

/** Opens `path` as a fresh load (no page of the app under it), the way a link or a reload does. */
async function openDirectly(page: Page, path: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${server.baseUrl}/#${path}`);
}

function cspErrors(session: Session, from: number): string[] {
  return session.errors.slice(from).filter((e) => CSP_ERROR.test(e));
}

describe.each([PHONE, LAPTOP])('every screen at $viewport.width×$viewport.height', (device) => {
  let session: Session;
  const shots = new Shots(`screens-${device.name}`);

  beforeAll(async () => {
    session = await openSession(device);
    await presetApplicantSession(session.context, screensToken, NICKNAME, new Date().toISOString());
  }, 60_000);
  afterAll(async () => {
    await session?.close();
  });

  it.each(SCREENS)('$name', async (screen) => {
    const { page } = session;
    const errorsBefore = session.errors.length;
    await openDirectly(page, screen.path(order));
    await see(page, screen.shows);
    await assertScreenSound(page, screen.shows);
    const text = await visibleText(page);
    expect(text.match(RAW_TEXT)?.[0] ?? null, `raw text on ${screen.name}`).toBeNull();
    if (screen.tab) {
      for (const tab of ['首页', '订单', '客服']) await see(page, tab);
      expect(await backButton(page).count(), `a back button on the tab page ${screen.name}`).toBe(0);
    }
    await shots.take(page, screen.name);
    expect(cspErrors(session, errorsBefore), `CSP errors on ${screen.name}`).toEqual([]);

    if (screen.up) {
      // Opened directly: nothing under the page, so the way back names where it leads.
      const back = backButton(page);
      await back.waitFor({ state: 'visible', timeout: 5_000 });
      expect((await back.innerText()).trim(), `the way back from ${screen.name}`).toBe(screen.up.label);
      await activate(page, back);
      await waitForRoute(page, screen.up.route);
      await see(page, screen.up.shows);
    }
  }, 60_000);

  it('tab bar: switching 订单 → 客服 → 首页 works and the CSP refuses nothing', async () => {
    const { page } = session;
    await openDirectly(page, PAGES.home);
    await see(page, '回执办理');
    const errorsBefore = session.errors.length;
    for (const [tab, path, shows] of [
      ['订单', PAGES.orders, '全部'],
      ['客服', PAGES.service, '常见问题'],
      ['首页', PAGES.home, '回执办理'],
    ] as const) {
      await activate(page, page.locator('.weui-tabbar__item').filter({ hasText: tab, visible: true }).first());
      await waitForRoute(page, path);
      await see(page, shows);
    }
    // Console messages arrive asynchronously: give a refused navigation time to be reported.
    await page.waitForTimeout(300);
    expect(cspErrors(session, errorsBefore), 'CSP errors on tab switches').toEqual([]);
  }, 60_000);

  it('返回 from a page opened inside the app lands on the page below', async () => {
    const { page } = session;
    // 首页 → 回执办理 (证件) → 返回 → 首页
    await openDirectly(page, PAGES.home);
    await pressButton(page, '回执办理');
    await waitForRoute(page, PAGES.certificate);
    expect((await backButton(page).innerText()).trim()).toBe('返回');
    await activate(page, backButton(page));
    await waitForRoute(page, PAGES.home);
    await see(page, '回执办理');
    // 订单 → an order → 返回 → 订单
    await openDirectly(page, PAGES.orders);
    await activate(page, page.locator('.order-card').filter({ visible: true }).first());
    await waitForRoute(page, PAGES.orderDetail);
    await see(page, '办理进度');
    expect((await backButton(page).innerText()).trim()).toBe('返回');
    await activate(page, backButton(page));
    await waitForRoute(page, PAGES.orders);
    // 资格自测 → 居住证有什么用 → 返回 → 资格自测 (not the about page's parent by name)
    await openDirectly(page, PAGES.eligibilityCheck);
    await see(page, '申请日期');
    await activate(page, page.getByRole('link').filter({ visible: true }).first());
    await waitForRoute(page, PAGES.eligibilityAbout);
    expect((await backButton(page).innerText()).trim()).toBe('返回');
    await activate(page, backButton(page));
    await waitForRoute(page, PAGES.eligibilityCheck);
    expect(await route(page)).toBe(PAGES.eligibilityCheck);
  }, 60_000);
});
