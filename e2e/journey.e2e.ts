/**
 * The applicant's whole journey in a real browser: the h5 build served by the real server (its
 * real photo engine, SQLite and file store), driven by the texts a person reads, at a phone's
 * size; then the key pages at desktop width. Each step leaves a screenshot in test-results/e2e/.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  DESKTOP,
  PHONE,
  Shots,
  assertBrowserPrerequisites,
  cjkFontFamilies,
  horizontalOverflow,
  openSession,
  renderedFonts,
  type Device,
  type Session,
} from './support/browser';
import { H5_DIST, PHOTOS, SHOTS_DIR } from './support/paths';
import { startServer, type RunningServer } from './support/server';
import { button, isDisabled, notSee, press, pressButton, see, typeInto, visible, waitForRoute } from './support/ui';

const REJECTED_PHOTO = path.join(PHOTOS, 'deepface-couple.jpg'); // two people → MULTIPLE_FACES
const GOOD_PHOTO = path.join(PHOTOS, 'deepface-img3.jpg');
const NICKNAME = '小张';
const NAME = '张三';
const BAD_ID = '110105194912310021'; // valid date, wrong check digit (the right one is X)
const GOOD_ID = '11010519491231002X';
const MASKED_ID = '1101**********002X';
const PHONE_NUMBER = '13812345678';
const MASKED_PHONE = '138****5678';
/** Upload + engine + polling on a 2-core machine, with room for a cold model load. */
const ENGINE_WAIT = 60_000;

let server: RunningServer;
let session: Session | null = null;
/** The first failed step: later steps say so instead of failing with a confusing message. */
let broken: string | null = null;
let orderUrl = '';

/** One step of the story: a clear failure (with a screenshot and the page's errors) or a pass. */
function step(name: string, shots: () => Shots, fn: (page: Page) => Promise<void>, timeout?: number): void {
  it(
    name,
    async () => {
      if (broken) throw new Error(`not run: the earlier step "${broken}" failed`);
      if (!session) throw new Error('no browser session');
      const errorsBefore = session.errors.length;
      try {
        await fn(session.page);
        // Console errors do not fail a step a person got through, but they are worth a look.
        const fresh = session.errors.slice(errorsBefore).filter((e) => !e.includes('status of 404'));
        if (fresh.length) console.warn(`[${name}] page errors:\n  ${fresh.join('\n  ')}`);
      } catch (err) {
        broken = name;
        const file = await shots()
          .take(session.page, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-')}`)
          .catch(() => 'none');
        const tail = server?.output().split('\n').slice(-30).join('\n') ?? '';
        (err as Error).message +=
          `\n  screenshot: ${file}` +
          `\n  page errors: ${session.errors.join(' | ') || 'none'}` +
          `\n  server output (last lines):\n${tail}`;
        throw err;
      }
    },
    timeout,
  );
}

/** What a person notices on every screen: nothing runs off the side, Chinese drawn in a CJK font. */
async function assertScreenSound(page: Page, cjkSample: string): Promise<void> {
  const overflow = await horizontalOverflow(page);
  expect(overflow, `the page scrolls sideways by ${overflow.px}px (${overflow.where})`).toEqual({
    px: 0,
    where: 'document',
  });
  const fonts = await renderedFonts(page, cjkSample);
  const cjk = cjkFontFamilies();
  expect(
    fonts.some((f) => cjk.includes(f)),
    `"${cjkSample}" is drawn with [${fonts.join(', ')}], none of the CJK fonts [${cjk.join(', ')}]`,
  ).toBe(true);
}

/** Every visible <img> showing the processed photo has really loaded (not a broken image). */
async function processedPhotoSizes(page: Page): Promise<{ src: string; w: number; h: number }[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('img'))
      .filter((img) => img.checkVisibility() && img.src.includes('/api/'))
      .map((img) => ({ src: img.src, w: img.naturalWidth, h: img.naturalHeight })),
  );
}

async function waitForProcessedPhoto(page: Page): Promise<{ w: number; h: number }> {
  await page.waitForFunction(
    () =>
      Array.from(document.querySelectorAll('img')).some(
        (img) => img.checkVisibility() && img.src.includes('/api/') && img.complete && img.naturalWidth > 0,
      ),
    undefined,
    { timeout: 15_000 },
  );
  const loaded = (await processedPhotoSizes(page)).find((p) => p.w > 0);
  return { w: loaded!.w, h: loaded!.h };
}

/**
 * Picks a photo through the page's own file chooser (the album button opens an
 * `<input type=file>`), with the upload slowed down so the progress bar is something a person
 * would actually see.
 */
async function pickPhoto(page: Page, file: string, shots: Shots, shotName: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  // ~1 MB at 400 KB/s: the bar is on screen for a couple of seconds.
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 20,
    downloadThroughput: -1,
    uploadThroughput: 400 * 1024,
  });
  try {
    const chooser = page.waitForEvent('filechooser', { timeout: 10_000 });
    await pressButton(page, '从相册选择');
    await (await chooser).setFiles(file);
    const bar = page.getByRole('progressbar').filter({ visible: true }).first();
    await bar.waitFor({ state: 'visible', timeout: 10_000 });
    const label = await see(page, /上传中 \d+%|上传完成/);
    await shots.take(page, shotName, { still: false });
    const shown = (await label.innerText()).trim();
    // The bar shows the upload part-way, not a jump straight to the result.
    expect(shown, 'the progress label').toMatch(/^上传中 (\d|[1-9]\d)%$/);
  } finally {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await cdp.detach();
  }
}

beforeAll(async () => {
  // Fail, never skip, when the machine cannot run this tier.
  assertBrowserPrerequisites();
  if (!existsSync(path.join(H5_DIST, 'index.html'))) {
    throw new Error(`no h5 build in ${H5_DIST}: run \`npm run -s build:h5\` first (scripts/test.sh does)`);
  }
  if (existsSync(SHOTS_DIR)) {
    for (const f of readdirSync(SHOTS_DIR)) if (f.endsWith('.png')) rmSync(path.join(SHOTS_DIR, f));
  }
  server = await startServer();
});

afterAll(async () => {
  await session?.close();
  await server?.stop();
});

describe('phone (390×844): the applicant journey', () => {
  const device: Device = PHONE;
  let shots: Shots;
  const s = () => shots;

  beforeAll(async () => {
    shots = new Shots('phone');
    session = await openSession(device);
  });
  afterAll(async () => {
    await session?.close();
    session = null;
  });

  step('home page', s, async (page) => {
    await page.goto(server.baseUrl + '/');
    await see(page, '照片回执');
    await assertScreenSound(page, '照片回执');
    await shots.take(page, 'home');
  });

  step('start and sign in with a nickname', s, async (page) => {
    await pressButton(page, '回执办理');
    await see(page, '输入一个昵称即可开始办理。订单与这个昵称绑定,请记住它。');
    await typeInto(page, '请输入昵称', NICKNAME);
    await shots.take(page, 'login');
    await pressButton(page, '登录');
  });

  step('choose the business: 居民身份证', s, async (page) => {
    await see(page, /选择要办理的证件/);
    await assertScreenSound(page, '居民身份证');
    await shots.take(page, 'certificate');
    await press(page, '居民身份证');
  });

  step('choose the city: search 深圳, pick 深圳市', s, async (page) => {
    await see(page, /请选择办证所在的城市/);
    await typeInto(page, /搜索城市/, '深圳');
    await see(page, '深圳市');
    // The search narrows the list: another Guangdong city is gone.
    await notSee(page, '广州市');
    await press(page, '深圳市');
    await see(page, '确认城市:深圳市');
    await assertScreenSound(page, '深圳市');
    await shots.take(page, 'city');
    await pressButton(page, '确认城市:深圳市');
  });

  step('separate consent before any photo or ID number', s, async (page) => {
    await see(page, '个人信息处理规则');
    // The button says why it cannot be used yet, and does nothing until the box is ticked.
    await see(page, '请先勾选同意,才能拍照和填写身份信息');
    await shots.take(page, 'consent');
    expect(await isDisabled(button(page, '同意并继续')), 'the consent button works before the box is ticked').toBe(true);
    await pressButton(page, '同意并继续', { force: true });
    await see(page, '个人信息处理规则');
    const box = page.getByRole('checkbox').filter({ visible: true }).first();
    await box.tap();
    expect(await box.getAttribute('aria-checked')).toBe('true');
    await notSee(page, '请先勾选同意,才能拍照和填写身份信息');
    expect(await isDisabled(button(page, '同意并继续'))).toBe(false);
    await shots.take(page, 'consent-given');
    await pressButton(page, '同意并继续');
  });

  step('photo guide', s, async (page) => {
    await see(page, /按下面的要求拍一张半身照/);
    await see(page, '拍摄要求');
    await assertScreenSound(page, '拍摄要求');
    await shots.take(page, 'guide');
    await pressButton(page, '我已了解,去拍照');
  });

  step(
    'a photo with two people: upload progress, then the failed check in Chinese',
    s,
    async (page) => {
      await see(page, '拍摄前确认');
      await shots.take(page, 'capture');
      await pickPhoto(page, REJECTED_PHOTO, shots, 'upload-progress');
      await see(page, '照片未通过检测,请重新拍摄', ENGINE_WAIT);
      await see(page, /照片中只能有一个人/);
      await see(page, '照片中只能有一个人,请单独拍摄');
      await notSee(page, '照片检测合格', 1_000);
      await assertScreenSound(page, '照片未通过检测,请重新拍摄');
      await shots.take(page, 'check-failed');
    },
    120_000,
  );

  step(
    'retake in place with a good photo: processed photo and a pass',
    s,
    async (page) => {
      await pressButton(page, '重新拍摄');
      await see(page, '拍摄前确认');
      await pickPhoto(page, GOOD_PHOTO, shots, 'retake-progress');
      await see(page, '照片检测合格', ENGINE_WAIT);
      await notSee(page, /照片中只能有一个人/, 1_000);
      const photo = await waitForProcessedPhoto(page);
      // 居民身份证: 358×441.
      expect(photo).toEqual({ w: 358, h: 441 });
      await assertScreenSound(page, '照片检测合格');
      await shots.take(page, 'check-passed');
      await pressButton(page, '下一步');
    },
    120_000,
  );

  step('applicant form: a wrong ID number is caught, then a valid one', s, async (page) => {
    await see(page, /填写申请人信息/);
    await typeInto(page, '与身份证一致的姓名', NAME);
    await typeInto(page, '18 位身份证号码', BAD_ID);
    await typeInto(page, '11 位手机号码', PHONE_NUMBER);
    await pressButton(page, '保存并继续');
    await see(page, '身份证号校验位不正确,请逐位核对');
    await shots.take(page, 'form-wrong-id');
    await typeInto(page, '18 位身份证号码', GOOD_ID);
    await notSee(page, '身份证号校验位不正确,请逐位核对');
    await shots.take(page, 'form-filled');
    await pressButton(page, '保存并继续');
  });

  step('review and submit', s, async (page) => {
    await see(page, '提交审核');
    await see(page, NAME);
    await see(page, MASKED_ID);
    await see(page, MASKED_PHONE);
    expect(await page.locator('body').innerText()).not.toContain(GOOD_ID);
    await waitForProcessedPhoto(page);
    await assertScreenSound(page, '提交审核');
    await shots.take(page, 'submit');
    await pressButton(page, '提交审核');
  });

  step('order detail: submitted, with a status timeline', s, async (page) => {
    await waitForRoute(page, '/packages/orders/pages/detail/index');
    await see(page, '已提交,等待审核');
    await see(page, '办理进度');
    // The timeline lists the steps the order went through, newest first.
    for (const label of ['待上传照片', '照片处理中', '需重新拍摄', '待提交']) await see(page, label);
    await see(page, MASKED_ID);
    await see(page, '深圳市');
    await waitForProcessedPhoto(page);
    await assertScreenSound(page, '已提交,等待审核');
    orderUrl = page.url();
    await shots.take(page, 'order-detail');
    // Pages scroll inside Taro's page box, so a full-page shot would not reach the timeline.
    await visible(page, '办理进度').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shots.take(page, 'order-timeline');
  });

  step('我的订单 lists it', s, async (page) => {
    await page.goto(server.baseUrl + '/');
    await pressButton(page, '我的订单');
    await waitForRoute(page, '/packages/orders/pages/list/index');
    const card = visible(page, '居民身份证');
    await card.waitFor({ state: 'visible' });
    await see(page, '已提交,等待审核');
    await see(page, /深圳市 · \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    await assertScreenSound(page, '已提交,等待审核');
    await shots.take(page, 'orders');
    // The card opens the same order.
    await press(page, '已提交,等待审核');
    await waitForRoute(page, '/packages/orders/pages/detail/index');
    await see(page, '办理进度');
    expect(page.url().split('?')[1]).toContain(orderUrl.split('id=')[1]?.split('&')[0] ?? '');
  });
});

describe('desktop (1440×900): the key pages are usable', () => {
  let shots: Shots;
  const s = () => shots;

  beforeAll(async () => {
    shots = new Shots('desktop');
    session = await openSession(DESKTOP);
  });
  afterAll(async () => {
    await session?.close();
    session = null;
  });

  /** The main column is visible and centred (phone-width column in the middle of the screen). */
  async function assertCentred(page: Page, text: string): Promise<void> {
    const box = await visible(page, text).boundingBox();
    expect(box, `"${text}" has no box`).not.toBeNull();
    const column = await page.evaluate(() => {
      const el = Array.from(document.querySelectorAll<HTMLElement>('.screen, .home')).find((e) => e.checkVisibility());
      const r = (el ?? document.body).getBoundingClientRect();
      return { left: r.left, right: r.right, width: r.width };
    });
    const vw = DESKTOP.viewport.width;
    expect(column.width, 'the content column fills the screen').toBeLessThan(vw);
    expect(Math.abs(column.left - (vw - column.right)), 'the content column is off-centre').toBeLessThanOrEqual(2);
    expect(box!.x).toBeGreaterThanOrEqual(column.left - 1);
    expect(box!.x + box!.width).toBeLessThanOrEqual(column.right + 1);
  }

  step('home page', s, async (page) => {
    await page.goto(server.baseUrl + '/');
    await see(page, '照片回执');
    await assertScreenSound(page, '照片回执');
    await assertCentred(page, '照片回执');
    await shots.take(page, 'home');
  });

  step('sign in and choose the business', s, async (page) => {
    await pressButton(page, '回执办理');
    await typeInto(page, '请输入昵称', '桌面用户');
    await shots.take(page, 'login');
    await pressButton(page, '登录');
    await see(page, /选择要办理的证件/);
    await assertScreenSound(page, '居民身份证');
    await assertCentred(page, '居民身份证');
    await shots.take(page, 'certificate');
    await press(page, '居民身份证');
  });

  step('city picker', s, async (page) => {
    await typeInto(page, /搜索城市/, 'sz');
    await press(page, '深圳市');
    await see(page, '确认城市:深圳市');
    await assertScreenSound(page, '深圳市');
    await assertCentred(page, '深圳市');
    await shots.take(page, 'city');
    await pressButton(page, '确认城市:深圳市');
    await see(page, '个人信息处理规则');
    await assertScreenSound(page, '个人信息处理规则');
    await shots.take(page, 'consent');
  });

  step('我的订单', s, async (page) => {
    await page.goto(server.baseUrl + '/');
    await pressButton(page, '我的订单');
    await waitForRoute(page, '/packages/orders/pages/list/index');
    // This nickname is a different person: the phone's order is not theirs; the draft is.
    await see(page, '待上传照片');
    await notSee(page, '已提交,等待审核', 1_000);
    await assertScreenSound(page, '待上传照片');
    await assertCentred(page, '待上传照片');
    await shots.take(page, 'orders');
  });
});
