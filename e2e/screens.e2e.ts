/**
 * Every screen a person reaches without staff rights, at a phone's size (390×844) and a laptop's
 * (1366×900), signed in as an applicant with an order: a screenshot of each (test-results/e2e/
 * screens-*.png), and on each the things a person would notice at once — text running out of the
 * screen, a raw error code or a programming word shown as text, a Chinese font missing; the tab
 * pages show the tab bar (首页 · 订单 · 客服).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { OrderView } from '../shared/api';
import { Api } from './support/api';
import { assertScreenSound, openSession, PHONE, presetApplicantSession, Shots, type Device, type Session } from './support/browser';
import { PAGES } from './support/pages';
import { startServer, type RunningServer } from './support/server';
import { see } from './support/ui';

const LAPTOP: Device = { name: 'laptop', viewport: { width: 1366, height: 900 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false };
const NICKNAME = '小周';

/** A page, a text that shows it has loaded (and is drawn in the CJK font), and whether it is a tab. */
interface Screen {
  name: string;
  path: (order: OrderView) => string;
  shows: string;
  tab?: boolean;
}

const SCREENS: Screen[] = [
  { name: 'home', path: () => PAGES.home, shows: '回执办理', tab: true },
  { name: 'orders', path: () => PAGES.orders, shows: '全部', tab: true },
  { name: 'service', path: () => PAGES.service, shows: '常见问题', tab: true },
  { name: 'certificate', path: () => PAGES.certificate, shows: '选择要办理的证件。同一组(A/B/C)的证件可以共用一张回执。' },
  { name: 'guide', path: () => PAGES.guide, shows: '拍摄要求' },
  { name: 'order-detail', path: (o) => `${PAGES.orderDetail}?id=${o.id}`, shows: '办理进度' },
  { name: 'notifications', path: () => PAGES.notifications, shows: '还没有消息。提交审核后,审核结果会在这里通知你。' },
  { name: 'eligibility', path: () => PAGES.eligibilityCheck, shows: '申请日期' },
  { name: 'eligibility-about', path: () => PAGES.eligibilityAbout, shows: '持证可以在深圳办的事' },
  { name: 'staff-login', path: () => PAGES.staffLogin, shows: '工作人员登录' },
];

/** Text a person should never be shown: an API code (UPPER_SNAKE), or a leak of a program's values. */
const RAW_TEXT = /\b[A-Z][A-Z0-9]+_[A-Z0-9_]+\b|\bundefined\b|\bnull\b|\bNaN\b|\[object \w+\]/;

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

describe.each([PHONE, LAPTOP])('every screen at $viewport.width×$viewport.height', (device) => {
  let session: Session;
  const shots = new Shots(`screens-${device.name}`);

  beforeAll(async () => {
    session = await openSession(device);
    await presetApplicantSession(session.context, screensToken, NICKNAME);
  }, 60_000);
  afterAll(async () => {
    await session?.close();
  });

  it.each(SCREENS)('$name', async (screen) => {
    const { page } = session;
    await page.goto(`${server.baseUrl}/#${screen.path(order)}`);
    await see(page, screen.shows);
    await assertScreenSound(page, screen.shows);
    const text = await visibleText(page);
    expect(text.match(RAW_TEXT)?.[0] ?? null, `raw text on ${screen.name}`).toBeNull();
    if (screen.tab) {
      for (const tab of ['首页', '订单', '客服']) await see(page, tab);
    }
    await shots.take(page, screen.name);
  }, 60_000);
});
