/**
 * Driving the h5 app the way a person does: by the texts and roles on screen. Taro's h5 keeps
 * earlier pages of the stack in the DOM (hidden), so every lookup is limited to visible elements.
 */
import type { Locator, Page } from 'playwright-core';

export type Text = string | RegExp;

const DEFAULT_WAIT = 15_000;

/** The first visible element showing `text` (exact when a string). */
export function visible(page: Page | Locator, text: Text): Locator {
  return page.getByText(text, { exact: typeof text === 'string' }).filter({ visible: true }).first();
}

/** Waits until `text` is on screen; the error names what was missing. */
export async function see(page: Page, text: Text, timeout = DEFAULT_WAIT): Promise<Locator> {
  const loc = visible(page, text);
  try {
    await loc.waitFor({ state: 'visible', timeout });
  } catch {
    const shown = (await page.evaluate(() => document.body.innerText)).replace(/\s+/g, ' ').slice(0, 800);
    throw new Error(`expected to see ${String(text)} within ${timeout} ms; the screen shows: ${shown}`);
  }
  return loc;
}

/** Waits until no visible element shows `text`. */
export async function notSee(page: Page, text: Text, timeout = DEFAULT_WAIT): Promise<void> {
  await page.waitForFunction(
    ({ source, flags, exact }) => {
      const re = source === null ? null : new RegExp(source, flags);
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const t = n.textContent ?? '';
        const hit = re ? re.test(t) : t.trim() === exact;
        if (hit && n.parentElement?.checkVisibility()) return false;
      }
      return true;
    },
    typeof text === 'string'
      ? { source: null, flags: '', exact: text }
      : { source: text.source, flags: text.flags, exact: '' },
    { timeout },
  );
}

/** Taps (touch screens) or clicks the visible element showing `text`. */
export async function press(page: Page, text: Text, timeout = DEFAULT_WAIT): Promise<void> {
  const loc = await see(page, text, timeout);
  await activate(page, loc);
}

/**
 * The visible button labelled `text`. Taro's h5 <Button> is a <taro-button-core> element without
 * role="button", so getByRole cannot find it; a native or ARIA button is taken too, should the
 * app add one.
 */
export function button(page: Page, text: Text): Locator {
  const label = typeof text === 'string' ? new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`) : text;
  return page
    .locator('taro-button-core, button, [role="button"]')
    .filter({ hasText: label, visible: true })
    .first();
}

/**
 * Taps (touch) or clicks the visible button labelled `text`. `force` taps even a disabled
 * button, as a person may: the test then checks that nothing happened.
 */
export async function pressButton(
  page: Page,
  text: Text,
  { timeout = DEFAULT_WAIT, force = false }: { timeout?: number; force?: boolean } = {},
): Promise<void> {
  const loc = button(page, text);
  try {
    await loc.waitFor({ state: 'visible', timeout });
  } catch {
    const labels = await page
      .locator('taro-button-core, button, [role="button"]')
      .filter({ visible: true })
      .allInnerTexts();
    throw new Error(`no visible button ${String(text)} within ${timeout} ms; buttons on screen: ${labels.join(' | ')}`);
  }
  await activate(page, loc, force);
}

/** Whether a button is shown as disabled (Taro's button has a `disabled` property, no ARIA). */
export async function isDisabled(loc: Locator): Promise<boolean> {
  return loc.evaluate(
    (el) =>
      (el as HTMLElement & { disabled?: unknown }).disabled === true || el.getAttribute('aria-disabled') === 'true',
  );
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function activate(page: Page, loc: Locator, force = false): Promise<void> {
  const touch = await page.evaluate(() => navigator.maxTouchPoints > 0);
  if (touch) await loc.tap({ force });
  else await loc.click({ force });
}

/** Types into the visible input with this placeholder, as a person would (key by key). */
export async function typeInto(page: Page, placeholder: Text, value: string): Promise<Locator> {
  // Taro's <taro-input-core> carries the placeholder too; type into the real field inside it.
  const input = page
    .getByPlaceholder(placeholder)
    .and(page.locator('input, textarea'))
    .filter({ visible: true })
    .first();
  await input.waitFor({ state: 'visible', timeout: DEFAULT_WAIT });
  await activate(page, input);
  await input.fill('');
  await input.pressSequentially(value, { delay: 10 });
  return input;
}

/** The current hash route, e.g. `/pages/index/index`. */
export async function route(page: Page): Promise<string> {
  return page.evaluate(() => location.hash.replace(/^#/, '').split('?')[0] ?? '');
}

export async function waitForRoute(page: Page, path: string, timeout = DEFAULT_WAIT): Promise<void> {
  await page.waitForFunction((p) => location.hash.replace(/^#/, '').split('?')[0] === p, path, { timeout });
}
