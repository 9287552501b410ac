/**
 * WeChat on a desktop, in a real browser against the real server and its WeChat stand-in: the
 * 「微信扫码进入小程序」 panel shows a code that a scanner reads as the configured target, and the
 * 「在手机上继续」 code of an order opens that order on the owner's phone and nobody else's.
 * The codes are read from screenshots of what the page shows, as a phone camera would.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { decodeQr } from '../server/test/support/qr';
import { Api } from './support/api';
import { DESKTOP, PHONE, Shots, assertBrowserPrerequisites, openSession, presetApplicantSession, settle, type Device, type Session } from './support/browser';
import { PAGES } from './support/pages';
import { startServer, type RunningServer } from './support/server';
import { see, waitForRoute } from './support/ui';

const ENTRY_TARGET = (base: string) => `${base}/#${PAGES.home}?scene=${encodeURIComponent('from=desktop')}`;
const HANDOFF_TARGET = /^(http:\/\/127\.0\.0\.1:\d+)\/#\/pages\/index\/index\?scene=t%3D([0-9A-Za-z]{12})$/;

let server: RunningServer;
const sessions: Session[] = [];
let desktopShots: Shots;
let phoneShots: Shots;

beforeAll(async () => {
  assertBrowserPrerequisites();
  server = await startServer();
  desktopShots = new Shots('wechat-desktop');
  phoneShots = new Shots('wechat-phone');
});

afterAll(async () => {
  for (const s of sessions) await s.close();
  await server?.stop();
});

/** A browser already signed in as `api`'s user (the session store persisted in localStorage). */
async function signedInBrowser(device: Device, api: Api | null, nickname: string): Promise<Session> {
  const session = await openSession(device);
  sessions.push(session);
  if (api) await presetApplicantSession(session.context, api.token!, nickname);
  return session;
}

/** What a scanner reads off the element as drawn on screen. */
async function scan(element: Locator): Promise<string | null> {
  await element.waitFor({ state: 'visible' });
  await element.evaluate((img) => (img instanceof HTMLImageElement ? img.decode() : undefined)).catch(() => undefined);
  return decodeQr(await element.screenshot());
}

async function codeImage(page: Page, testId: string): Promise<Locator> {
  const holder = page.getByTestId(testId).filter({ visible: true }).first();
  await holder.waitFor({ state: 'visible', timeout: 15_000 });
  // Taro's <Image> is a wrapper around an <img>.
  const img = holder.locator('img').first();
  return (await img.count()) > 0 ? img : holder;
}

describe('desktop panel 「微信扫码进入小程序」', () => {
  it('shows, on a wide screen, a code that reads as the configured target', async () => {
    const { page } = await signedInBrowser(DESKTOP, null, '');
    await page.goto(server.baseUrl + '/');
    await see(page, '微信扫码进入小程序');
    const code = await codeImage(page, 'desktop-entry-code');
    expect(await scan(code)).toBe(ENTRY_TARGET(server.baseUrl));
    await desktopShots.take(page, 'entry-panel');
  });

  it('is not shown on a phone', async () => {
    const { page } = await signedInBrowser(PHONE, null, '');
    await page.goto(server.baseUrl + '/');
    await see(page, '回执办理');
    await settle(page);
    expect(await page.getByTestId('desktop-entry-panel').filter({ visible: true }).count()).toBe(0);
  });
});

describe('「在手机上继续」', () => {
  let owner: Api;
  let orderId: string;
  let target: string;

  beforeAll(async () => {
    owner = await Api.applicant(server.baseUrl, '桌面用户');
    orderId = (await owner.call<{ id: string }>('POST', '/api/orders', { certType: 'passport', cityCode: '4401' })).id;
  });

  it('gives the owner, on the desktop order page, a code for this order', async () => {
    const { page } = await signedInBrowser(DESKTOP, owner, '桌面用户');
    await page.goto(`${server.baseUrl}/#${PAGES.orderDetail}?id=${orderId}`);
    await see(page, '普通护照');
    await page.getByTestId('handoff-button').filter({ visible: true }).first().click();
    await see(page, /10\s*分钟内有效/);
    const read = await scan(await codeImage(page, 'handoff-code'));
    expect(read).toMatch(HANDOFF_TARGET);
    target = read!;
    expect(HANDOFF_TARGET.exec(target)![1]).toBe(server.baseUrl);
    await desktopShots.take(page, 'handoff-code');
  });

  it('opens the order on the owner’s phone', async () => {
    const { page } = await signedInBrowser(PHONE, owner, '桌面用户');
    await page.goto(target);
    await waitForRoute(page, PAGES.orderDetail);
    expect(page.url()).toContain(orderId);
    await see(page, '普通护照');
    await phoneShots.take(page, 'handoff-opened');
  });

  it('is refused to anyone else, who stays out of the order', async () => {
    const stranger = await Api.applicant(server.baseUrl, '路人');
    const { page } = await signedInBrowser(PHONE, stranger, '路人');
    await page.goto(target);
    await see(page, '该二维码只能由下单本人使用,请用下单时的微信扫码');
    expect(page.url()).not.toContain(PAGES.orderDetail);
    await phoneShots.take(page, 'handoff-refused');
  });
});
