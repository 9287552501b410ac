/**
 * The applicant's whole journey in a real browser: the h5 build served by the real server (its
 * real photo engine, SQLite and file store), driven by the texts a person reads, at a phone's
 * size; then the key pages at desktop width. Each step leaves a screenshot in test-results/e2e/.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  DESKTOP,
  PHONE,
  Shots,
  assertBrowserPrerequisites,
  assertScreenSound,
  openSession,
  type Device,
  type Session,
} from './support/browser';
import { PHOTOS, SHOTS_DIR } from './support/paths';
import { Api, PNG_SIGNATURE, localStaff } from './support/api';
import { PAGES } from './support/pages';
import { startServer, type RunningServer } from './support/server';
import { Story } from './support/story';
import { activate, button, isDisabled, notSee, press, pressButton, see, typeInto, visible, waitForRoute } from './support/ui';

const REJECTED_PHOTO = path.join(PHOTOS, 'deepface-couple.jpg'); // two people → MULTIPLE_FACES
const GOOD_PHOTO = path.join(PHOTOS, 'deepface-img3.jpg');
/** The photo sent again after the reviewer's rejection. */
const RESUBMIT_PHOTO = path.join(PHOTOS, 'hivision-test0.jpg');
const REVIEW_NOTE = '请摘下耳环后重新拍摄';
/** 图像号: group letter + 4-digit city + YYMMDD + 10 random + 1 check character. */
const IMAGE_NUMBER = /^[ABC]\d{10}[0-9A-Z]{11}$/;
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
let orderUrl = '';
const story = new Story(() => server);

/** One step of the applicant's story. */
function step(name: string, shots: () => Shots, fn: (page: Page) => Promise<void>, timeout?: number): void {
  story.step(() => session, name, shots, fn, timeout);
}

/** A step in another person's browser (the reviewer's, the counter clerk's). */
const stepAs = story.step.bind(story);

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

/** Signs a local-mode staff account in on the staff login page (password from local-staff.txt). */
async function signInStaff(page: Page, username: 'reviewer' | 'counter'): Promise<void> {
  const password = localStaff(server.dataDir)[username];
  expect(password, `no ${username} in local-staff.txt`).toBeTruthy();
  await typeInto(page, '用户名', username);
  await typeInto(page, '密码', password!);
}

/** The review queue's row for one order: a button named `证件名 订单号`. */
function queueRow(page: Page, certName: string, id: string) {
  return page.getByRole('button', { name: `${certName} ${id}`, exact: true }).filter({ visible: true }).first();
}

/** The photo on the review detail has really loaded. */
async function waitForReviewPhoto(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      Array.from(document.querySelectorAll('.review-photo img')).some(
        (img) => (img as HTMLImageElement).checkVisibility() && (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0,
      ),
    undefined,
    { timeout: 15_000 },
  );
}

beforeAll(async () => {
  // Fail, never skip, when the machine cannot run this tier.
  assertBrowserPrerequisites();
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
    await waitForRoute(page, PAGES.orderDetail);
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
    await waitForRoute(page, PAGES.orders);
    const card = visible(page, '居民身份证');
    await card.waitFor({ state: 'visible' });
    await see(page, '已提交,等待审核');
    await see(page, /深圳市 · \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    await assertScreenSound(page, '已提交,等待审核');
    await shots.take(page, 'orders');
    // The card opens the same order.
    await press(page, '已提交,等待审核');
    await waitForRoute(page, PAGES.orderDetail);
    await see(page, '办理进度');
    expect(page.url().split('?')[1]).toContain(orderUrl.split('id=')[1]?.split('&')[0] ?? '');
  });

  step('客服 at the bottom answers the common questions', s, async (page) => {
    // The tab bar under every tab page: 订单 from the home page, then 客服 one tap away.
    await page.goto(server.baseUrl + '/');
    await press(page, '订单');
    await waitForRoute(page, PAGES.orders);
    await press(page, '客服');
    await waitForRoute(page, PAGES.service);
    await see(page, '常见问题');
    await notSee(page, '免费重新上传', 1_000);
    await press(page, '照片为什么没通过?怎么改?');
    await see(page, /免费重新上传/);
    await assertScreenSound(page, '常见问题');
    await shots.take(page, 'service');
    // Back to the order list through the tab bar, not the browser.
    await press(page, '订单');
    await waitForRoute(page, PAGES.orders);
    await see(page, '已提交,等待审核');
  });

  // ---- issue 4: review, rejection and resubmission, approval, the receipt, the counter ----

  let reviewer: Session | null = null;
  let counter: Session | null = null;
  const asReviewer = () => reviewer;
  const asCounter = () => counter;
  let orderId = '';
  let receiptNumber = '';

  afterAll(async () => {
    await reviewer?.close();
    await counter?.close();
    reviewer = counter = null;
  });

  stepAs(
    () => session,
    'the reviewer opens 工作人员入口 and signs in',
    s,
    async () => {
      orderId = new URL(orderUrl.replace('#', '')).searchParams.get('id') ?? '';
      expect(orderId, `no order id in ${orderUrl}`).toMatch(/^[A-Za-z0-9_-]{8,40}$/);
      reviewer = await openSession(device);
      const page = reviewer.page;
      await page.goto(server.baseUrl + '/');
      await press(page, '工作人员入口');
      await see(page, '工作人员登录');
      await signInStaff(page, 'reviewer');
      await shots.take(page, 'staff-login');
      await pressButton(page, '登录');
      await waitForRoute(page, PAGES.reviewQueue);
      await see(page, /待审核 \d+ 单/);
      await queueRow(page, '居民身份证', orderId).waitFor({ state: 'visible' });
      await assertScreenSound(page, '居民身份证');
      await shots.take(page, 'review-queue');
    },
  );

  stepAs(asReviewer, 'the reviewer claims the order and rejects it: 佩戴饰品 + a note', s, async (page) => {
    await activate(page, queueRow(page, '居民身份证', orderId));
    await waitForRoute(page, PAGES.reviewDetail);
    await pressButton(page, '领取审核');
    await see(page, /由你审核/);
    await waitForReviewPhoto(page);
    // The spec's guide lines over the photo, with their legend.
    await see(page, /蓝色:头顶位置 · 绿色:眼睛位置 · 红色:脸宽范围/);
    await assertScreenSound(page, '证件照');
    await shots.take(page, 'review-detail');
    await pressButton(page, '不通过');
    const reasons = page.getByRole('checkbox').filter({ visible: true });
    expect(await reasons.allInnerTexts().then((t) => t.map((x) => x.trim()))).toEqual([
      '佩戴饰品',
      '头发遮挡眉毛或耳朵',
      '表情不自然',
      '衣服颜色与背景相近',
      '脸部有阴影或反光',
      '照片模糊',
      '头部姿态不正',
      '其他',
    ]);
    const chip = page.getByRole('checkbox', { name: '佩戴饰品' }).filter({ visible: true }).first();
    await activate(page, chip);
    expect(await chip.getAttribute('aria-checked')).toBe('true');
    await typeInto(page, /补充说明/, REVIEW_NOTE);
    await shots.take(page, 'review-reject-form');
    await pressButton(page, '确认不通过');
    await waitForRoute(page, PAGES.reviewQueue);
    // The row leaves the queue once decided.
    await queueRow(page, '居民身份证', orderId).waitFor({ state: 'hidden' });
    await see(page, '暂无待审核的订单');
  });

  step('the applicant sees the reasons and the note', s, async (page) => {
    await page.goto(orderUrl);
    await page.reload();
    await waitForRoute(page, PAGES.orderDetail);
    await see(page, '审核未通过的原因');
    await see(page, /佩戴饰品/);
    await see(page, `审核员说明:${REVIEW_NOTE}`);
    await assertScreenSound(page, '审核未通过的原因');
    await shots.take(page, 'rejected');
  });

  step(
    '审核失败,重新提交: a new photo for the same order, then submit again',
    s,
    async (page) => {
      await pressButton(page, '审核失败,重新提交');
      await see(page, '拍摄前确认');
      expect(page.url(), 'the capture page is for the same order').toContain(orderId);
      await pickPhoto(page, RESUBMIT_PHOTO, shots, 'resubmit-progress');
      await see(page, '照片检测合格', ENGINE_WAIT);
      await waitForProcessedPhoto(page);
      await shots.take(page, 'resubmit-passed');
      await pressButton(page, '下一步');
      await see(page, MASKED_ID);
      await shots.take(page, 'resubmit');
      await pressButton(page, '提交审核');
      await waitForRoute(page, PAGES.orderDetail);
      await see(page, '已提交,等待审核');
      expect(page.url()).toContain(orderId);
    },
    120_000,
  );

  stepAs(asReviewer, 'the reviewer claims it again and approves', s, async (page) => {
    await page.goto(server.baseUrl + '/#' + PAGES.reviewQueue);
    await waitForRoute(page, PAGES.reviewQueue);
    const row = queueRow(page, '居民身份证', orderId);
    await row.waitFor({ state: 'visible' });
    await activate(page, row);
    await waitForRoute(page, PAGES.reviewDetail);
    await pressButton(page, '领取审核');
    await see(page, /由你审核/);
    await waitForReviewPhoto(page);
    await shots.take(page, 'review-approve');
    await pressButton(page, '通过');
    await waitForRoute(page, PAGES.reviewQueue);
  });

  step('the applicant sees the receipt and downloads it', s, async (page) => {
    await page.goto(orderUrl);
    await page.reload();
    await waitForRoute(page, PAGES.orderDetail);
    await see(page, '数码照片回执');
    await page.waitForFunction(
      () =>
        Array.from(document.querySelectorAll('img')).some(
          (img) => img.checkVisibility() && img.src.includes('receipt.png') && img.complete && img.naturalWidth > 0,
        ),
      undefined,
      { timeout: 15_000 },
    );
    const number = page.getByTestId('receipt-number').filter({ visible: true }).first();
    receiptNumber = (await number.innerText()).trim();
    expect(receiptNumber).toHaveLength(22);
    expect(receiptNumber).toMatch(IMAGE_NUMBER);
    expect(receiptNumber.slice(0, 5), 'group A, 深圳 (4403)').toBe('A4403');
    await see(page, '签发日期');
    await see(page, '有效期至');
    await see(page, /^剩余 \d+ 天$/);
    await assertScreenSound(page, '数码照片回执');
    await shots.take(page, 'receipt');
    await visible(page, '有效期至').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shots.take(page, 'receipt-details');

    const download = page.waitForEvent('download', { timeout: 15_000 });
    await pressButton(page, '下载回执图片');
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.png$/);
    const saved = path.join(SHOTS_DIR, 'receipt-A-shenzhen.png');
    await file.saveAs(saved);
    const bytes = readFileSync(saved);
    expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE), 'the download is a PNG').toBe(true);
    expect(bytes.length).toBeGreaterThan(10_000);
  });

  step('消息: both review results wait in the in-app list, unread, and open the order', s, async (page) => {
    await page.goto(server.baseUrl + '/');
    await see(page, '回执办理');
    const badge = page.getByTestId('unread-badge').filter({ visible: true }).first();
    await expect.poll(async () => ((await badge.count()) ? (await badge.innerText()).trim() : ''), { timeout: 15_000 }).toBe('2');
    await shots.take(page, 'home-unread');
    await press(page, '消息');
    await see(page, '照片审核未通过');
    await see(page, '照片审核通过');
    await see(page, new RegExp(`图像号 ${receiptNumber}`));
    await shots.take(page, 'notifications');
    await press(page, '照片审核通过');
    await waitForRoute(page, PAGES.orderDetail);
    await see(page, '数码照片回执');
  });

  it('a second receipt: 普通护照 in 广州市 (group B), through the API', { timeout: 120_000 }, async () => {
    story.assertUnbroken();
    const applicant = await Api.applicant(server.baseUrl, '小李');
    const id = await applicant.submittedOrder('passport', '4401', GOOD_PHOTO, {
      name: '李四',
      idNumber: GOOD_ID,
      phone: '13912345678',
    });
    const staff = localStaff(server.dataDir);
    const rev = await Api.staff(server.baseUrl, 'reviewer', staff.reviewer!);
    await rev.call('POST', `/api/review/${id}/claim`);
    await rev.call('POST', `/api/review/${id}/approve`);
    const view = await applicant.call<{ status: string; receipt: { number: string }; receiptUrl: string }>(
      'GET',
      `/api/orders/${id}`,
    );
    expect(view.status).toBe('approved');
    expect(view.receipt.number).toMatch(IMAGE_NUMBER);
    expect(view.receipt.number.slice(0, 5), 'group B, 广州 (4401)').toBe('B4401');
    const png = await applicant.bytes(view.receiptUrl);
    expect(png.status).toBe(200);
    expect(png.type).toBe('image/png');
    expect(png.body.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    writeFileSync(path.join(SHOTS_DIR, 'receipt-B-guangzhou.png'), png.body);
  });

  stepAs(
    () => session,
    'the counter looks the number up (有效) and marks it used; a second use is refused',
    s,
    async () => {
      await reviewer?.close();
      reviewer = null;
      counter = await openSession(device);
      const page = counter.page;
      await page.goto(server.baseUrl + '/');
      await press(page, '工作人员入口');
      await see(page, '工作人员登录');
      await signInStaff(page, 'counter');
      await pressButton(page, '登录');
      await waitForRoute(page, PAGES.counter);
      // A second window of the same counter looks the receipt up too, before it is used.
      const other = await counter.context.newPage();
      for (const p of [page, other]) {
        if (p === other) await other.goto(server.baseUrl + '/#' + PAGES.counter);
        await typeInto(p, '输入回执上的图像号', receiptNumber);
        await pressButton(p, '查询');
        await see(p, `图像号 ${receiptNumber}`);
        await see(p, '有效');
      }
      await page.bringToFront();
      await see(page, /居民身份证、居住证、社会保障卡/);
      await see(page, '深圳市');
      await assertScreenSound(page, '有效');
      await shots.take(page, 'counter-valid');
      await pressButton(page, '标记已使用');
      await see(page, /标记后这张回执不能再次使用/);
      await shots.take(page, 'counter-confirm');
      await press(page, '确认使用');
      await see(page, '已使用');
      await see(page, '使用时间');
      await shots.take(page, 'counter-used');
      // Marked used here: the button now says why it cannot be pressed.
      expect(await isDisabled(button(page, '标记已使用'))).toBe(true);
      await see(page, '这张回执已使用');

      // The other window still shows 有效: pressing 标记已使用 there is refused by the server.
      await other.bringToFront();
      await pressButton(other, '标记已使用');
      await press(other, '确认使用');
      const alert = other.getByRole('alert').filter({ visible: true }).first();
      await alert.waitFor({ state: 'visible' });
      expect((await alert.innerText()).trim()).toBe('这张回执已经使用过,不能重复使用');
      await see(other, '已使用');
      await shots.take(other, 'counter-refused');
      await other.close();

      // And the API says the same to anyone calling it directly.
      const staff = localStaff(server.dataDir);
      const api = await Api.staff(server.baseUrl, 'counter', staff.counter!);
      const again = await api.call<{ code: string; message: string }>('POST', `/api/receipts/${receiptNumber}/use`, undefined, 409);
      expect(again.code).toBe('RECEIPT_USED');
      expect(again.message).toMatch(/[\u4e00-\u9fff]/);
    },
  );
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
    await waitForRoute(page, PAGES.orders);
    // This nickname is a different person: the phone's order is not theirs; the draft is.
    await see(page, '待上传照片');
    await notSee(page, '已提交,等待审核', 1_000);
    await assertScreenSound(page, '待上传照片');
    await assertCentred(page, '待上传照片');
    await shots.take(page, 'orders');
  });

  step(
    'review console: the queue and the detail at desktop width, with the shortcut hint',
    s,
    async (page) => {
      // An order waiting for review: 机动车驾驶证 (group C) in 深圳市, through the API.
      const applicant = await Api.applicant(server.baseUrl, '小王');
      const id = await applicant.submittedOrder('driver_license', '4403', GOOD_PHOTO, {
        name: '王五',
        idNumber: GOOD_ID,
        phone: '13712345678',
      });
      await page.goto(server.baseUrl + '/');
      await press(page, '工作人员入口');
      await signInStaff(page, 'reviewer');
      await pressButton(page, '登录');
      await waitForRoute(page, PAGES.reviewQueue);
      const row = queueRow(page, '机动车驾驶证', id);
      await row.waitFor({ state: 'visible' });
      await assertScreenSound(page, '机动车驾驶证');
      await shots.take(page, 'review-queue');
      await activate(page, row);
      await waitForRoute(page, PAGES.reviewDetail);
      await see(page, '快捷键:A 通过 · R 不通过 · J 下一单 · K 上一单');
      await pressButton(page, '领取审核');
      await see(page, /由你审核/);
      await waitForReviewPhoto(page);
      // The photo and the decision buttons are on the first screen.
      for (const label of ['通过', '不通过']) {
        const box = await button(page, label).boundingBox();
        expect(box, `${label} has no box`).not.toBeNull();
        expect(box!.y + box!.height, `${label} is below the first screen`).toBeLessThanOrEqual(DESKTOP.viewport.height);
      }
      await assertScreenSound(page, '快捷键');
      await shots.take(page, 'review-detail');
      // R opens the rejection form from the keyboard.
      await page.keyboard.press('r');
      await see(page, '确认不通过');
      expect(await page.getByRole('checkbox').filter({ visible: true }).count()).toBe(8);
      await shots.take(page, 'review-reject-form');
    },
    90_000,
  );
});
