/**
 * The mini-program's entry points and subscriptions without any certificate or city data, so
 * the weapp main package can read a launch scene cheaply: code scenes (the `scene` of
 * getwxacodeunlimit), handoff tickets, and the subscription answers.
 */

/** getwxacodeunlimit `scene`: at most 32 visible characters of this set (no `%`, so no urlencoding). */
export const SCENE_PATTERN = /^[0-9A-Za-z!#$&'()*+,/:;=?@._~-]{1,32}$/;

/** The page every code opens (no leading slash, no query: the documented `page` format). */
export const MINIPROGRAM_HOME_PAGE = 'pages/index/index';

/** The scene of the desktop panel's 「微信扫码进入小程序」 code. */
export const ENTRY_SCENE = 'from=desktop';

/** A 「在手机上继续」 ticket: 12 base62 characters (≈ 71 bits), in the scene as `t=<ticket>`. */
export const HANDOFF_TICKET_PATTERN = /^[0-9A-Za-z]{12}$/;
export const HANDOFF_TICKET_MINUTES = 10;

export function handoffScene(ticket: string): string {
  return `t=${ticket}`;
}

export type ParsedScene = { kind: 'handoff'; ticket: string } | { kind: 'entry' };

/**
 * What a launch `scene` asks for. WeChat hands the page `encodeURIComponent(scene)`, and the h5
 * router may already have decoded it, so decoding is attempted once and tolerated when it fails.
 */
export function parseScene(raw: string | undefined | null): ParsedScene | null {
  if (!raw) return null;
  let scene = raw;
  try {
    scene = decodeURIComponent(raw);
  } catch {
    /* already decoded, or not decodable: use as is */
  }
  if (!SCENE_PATTERN.test(scene)) return null;
  const ticket = /^t=(.+)$/.exec(scene)?.[1];
  if (ticket !== undefined) return HANDOFF_TICKET_PATTERN.test(ticket) ? { kind: 'handoff', ticket } : null;
  return scene === ENTRY_SCENE ? { kind: 'entry' } : null;
}

/** Which subscription a notification needs: the review result or the expiry reminder. */
export const TEMPLATE_KINDS = ['result', 'expiry'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** What the person answered to requestSubscribeMessage for one template. */
export const SUBSCRIBE_ANSWERS = ['accept', 'reject', 'ban', 'filter'] as const;
export type SubscribeAnswer = (typeof SUBSCRIBE_ANSWERS)[number];
