/**
 * System Chromium through playwright-core (never a downloaded browser), one fresh profile per
 * context, and the checks a person's eye would make: screenshots, real CJK glyphs, no sideways
 * scrolling.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { H5_DIST, SHOTS_DIR } from './paths';

export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
const INSTALL_HINT = 'apt-get update && apt-get install -y chromium fonts-wqy-zenhei';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Font families fontconfig offers for Chinese; empty when no CJK font is installed. */
export function cjkFontFamilies(): string[] {
  try {
    const out = execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
    return out
      .split('\n')
      .flatMap((line) => line.split(','))
      .map((s) => s.trim())
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** Throws (never skips) when the machine cannot run the browser tier, saying how to fix it. */
export function assertBrowserPrerequisites(): void {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM)) missing.push(`Chromium (${CHROMIUM})`);
  if (cjkFontFamilies().length === 0) missing.push('a CJK font (`fc-list :lang=zh` is empty)');
  if (missing.length) {
    throw new Error(`The browser tests need ${missing.join(' and ')}. Install with:\n  ${INSTALL_HINT}`);
  }
  if (!existsSync(path.join(H5_DIST, 'index.html'))) {
    throw new Error(`no h5 build in ${H5_DIST}: run \`npm run -s build:h5\` first (scripts/test.sh does)`);
  }
}

export interface Device {
  name: string;
  viewport: { width: number; height: number };
  deviceScaleFactor: number;
  isMobile: boolean;
  hasTouch: boolean;
}

export const PHONE: Device = {
  name: 'phone',
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
};
export const DESKTOP: Device = {
  name: 'desktop',
  viewport: { width: 1440, height: 900 },
  deviceScaleFactor: 1,
  isMobile: false,
  hasTouch: false,
};

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors, to show when a step fails. */
  errors: string[];
  close(): Promise<void>;
}

/** A browser with a fresh profile (Playwright wants it as launchPersistentContext's userDataDir). */
/** `extraArgs`: more Chromium switches (e.g. a fake camera fed from a file). */
export async function openSession(device: Device, extraArgs: string[] = []): Promise<Session> {
  assertBrowserPrerequisites();
  const profile = mkdtempSync(path.join(os.tmpdir(), 'e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...ARGS, ...extraArgs],
    viewport: device.viewport,
    deviceScaleFactor: device.deviceScaleFactor,
    isMobile: device.isMobile,
    hasTouch: device.hasTouch,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until page transitions (Taro's h5 pages slide in) and other finite animations have
 * ended and fonts are loaded: before that, a measurement sees the half-way frame.
 */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const running = () =>
      document
        .getAnimations()
        .filter((a) => a.playState === 'running' && a.effect?.getComputedTiming().iterations !== Infinity);
    // Where things are: changes while a page slides in or content reflows.
    const layout = () =>
      JSON.stringify([
        document.documentElement.scrollWidth,
        document.documentElement.scrollHeight,
        Array.from(document.body.querySelectorAll(':scope > *, :scope > * > *')).map((e) => {
          const r = e.getBoundingClientRect();
          return [Math.round(r.left), Math.round(r.top), Math.round(r.width)];
        }),
      ]);
    // A transition can start a frame or two after the new page appears: wait for a quiet
    // moment (no finite animation running, same layout 150 ms apart), at most ~5 s.
    let before = layout();
    for (let round = 0; round < 20; round++) {
      const anims = running();
      if (anims.length) {
        await Promise.race([Promise.all(anims.map((a) => a.finished.catch(() => undefined))), sleep(1_000)]);
      }
      await sleep(150);
      const after = layout();
      if (after === before && running().length === 0) break;
      before = after;
    }
    await document.fonts.ready;
  });
}

/** Numbered screenshots: test-results/e2e/<prefix>-NN-<step>.png (an earlier run's are removed). */
export class Shots {
  private n = 0;
  constructor(private readonly prefix: string) {
    mkdirSync(SHOTS_DIR, { recursive: true });
    const earlier = new RegExp(`^${prefix}-\\d{2}-.*\\.png$`);
    for (const f of readdirSync(SHOTS_DIR)) if (earlier.test(f)) rmSync(path.join(SHOTS_DIR, f));
  }
  /** `still: false` for a passing state (a progress bar) that waiting would miss. */
  async take(page: Page, step: string, { fullPage = false, still = true } = {}): Promise<string> {
    this.n += 1;
    const file = path.join(SHOTS_DIR, `${this.prefix}-${String(this.n).padStart(2, '0')}-${step}.png`);
    // The picture should show what a person sees once the screen is still.
    if (still) await settle(page);
    await page.screenshot({ path: file, fullPage });
    return file;
  }
}

/** Widest sideways overflow of the document or any scrollable box, in CSS px (0 = none). */
export async function horizontalOverflow(page: Page): Promise<{ px: number; where: string }> {
  await settle(page);
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    let worst = { px: Math.max(0, document.documentElement.scrollWidth - vw), where: 'document' };
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('body, body *'))) {
      const style = getComputedStyle(el);
      const scrolls = /(auto|scroll)/.test(style.overflowX) || el === document.body;
      const over = el.scrollWidth - el.clientWidth;
      // Horizontal carousels (swiper, scroll-view scroll-x) scroll sideways on purpose.
      const intended = el.closest('.taro-scroll-view__scroll-x, .swiper-wrapper, [data-scroll-x]');
      if (scrolls && !intended && over > 1 && over > worst.px) {
        worst = { px: over, where: `${el.tagName.toLowerCase()}.${el.className}`.slice(0, 120) };
      }
    }
    return worst;
  });
}

/**
 * The system fonts Chromium actually used to draw the first visible element whose own text contains
 * `text` (CDP CSS.getPlatformFontsForNode): proves Chinese is drawn with a real CJK font and not
 * as boxes.
 */
export async function renderedFonts(page: Page, text: string): Promise<string[]> {
  const marker = `e2e-font-${Date.now()}`;
  const found = await page.evaluate(
    ({ text, marker }) => {
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        // Only text a person can see: hidden nodes (e.g. h5's native-bar title) draw no glyphs.
        if (n.textContent?.includes(text) && el && el.checkVisibility() && el.getClientRects().length > 0) {
          el.setAttribute('data-e2e-font', marker);
          return true;
        }
      }
      return false;
    },
    { text, marker },
  );
  if (!found) throw new Error(`no element shows the text ${JSON.stringify(text)}`);
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', {
      nodeId: root.nodeId,
      selector: `[data-e2e-font="${marker}"]`,
    });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.map((f) => f.familyName);
  } finally {
    await cdp.detach();
  }
}

/** What a person notices on every screen: nothing runs off the side, Chinese drawn in a CJK font. */
export async function assertScreenSound(page: Page, cjkSample: string): Promise<void> {
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

/** Where the app keeps its session: zustand's `{state, version}` as JSON inside Taro's h5 storage
 * entry `{data: JSON}` in localStorage (client/stores/session.store.ts). */
const SESSION_KEY = 'zphz-session';

/** The token of the session the app has stored (fails when there is none). */
export async function storedSessionToken(page: Page): Promise<string> {
  const raw = await page.evaluate((key) => localStorage.getItem(key), SESSION_KEY);
  expect(raw, `no ${SESSION_KEY} in localStorage`).toBeTruthy();
  const { data } = JSON.parse(raw!) as { data: string };
  const { state } = JSON.parse(data) as { state: { token: string | null } };
  expect(state.token, 'no token in the stored session').toBeTruthy();
  return state.token!;
}

/** Makes every page of `context` start signed in as the applicant with this token (`consentAt`:
 * the personal-information consent as already given, so the photo pages open at once). */
export async function presetApplicantSession(context: BrowserContext, token: string, nickname: string, consentAt: string | null = null): Promise<void> {
  const state = { state: { token, nickname, consentAt, role: 'applicant' }, version: 1 };
  await context.addInitScript(([key, value]) => localStorage.setItem(key, value), [SESSION_KEY, JSON.stringify({ data: JSON.stringify(state) })] as const);
}
