/**
 * The WeChat side of the product, as pure data and functions used by both server and client:
 * the subscribe-message templates and the values that fit their documented field limits, and the
 * texts of in-app notifications. Code scenes and subscription answers live in scene.ts
 * (re-exported here) so the mini-program's main package can use them without the catalog data.
 *
 * Field limits (subscribeMessage.send): `thing` ≤ 20 characters (汉字, digits, letters, symbols),
 * `character_string` ≤ 32 digits, letters or symbols (no 汉字), `phrase` ≤ 5 汉字 only, `time` a
 * 24-hour time, optionally with the date (例如 2019年10月1日 15:01). An empty value is refused
 * (47003), so every builder below returns a non-empty valid value or throws.
 */
import { getCertificate, type CertCode } from './certificates';
import { chinaParts, pad2 } from './china-time';
import { getCity } from './cities';
import type { TemplateKind } from './scene';

export * from './scene';

// ---------------------------------------------------------------------------------------------
// Subscribe-message field values

const FIELD_LIMITS = { thing: 20, character_string: 32, phrase: 5 } as const;

const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
const ELLIPSIS = '…';

/** A `thing` value: whitespace collapsed, control characters dropped, ≤ 20 characters (code
 * points, so 𠮷 counts once), cut with an ellipsis when longer. */
function thingValue(text: string, fallback = '—'): string {
  const clean = text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  const chars = Array.from(clean);
  if (chars.length === 0) return fallback;
  if (chars.length <= FIELD_LIMITS.thing) return clean;
  return chars.slice(0, FIELD_LIMITS.thing - 1).join('').trimEnd() + ELLIPSIS;
}

/** A `character_string` value: printable ASCII without spaces, ≤ 32 characters. */
/** A `character_string` value; `-` where there is none (a rejection has no image number; WeChat
 * refuses an empty field and a character_string takes symbols). */
function characterStringValue(text: string, fallback = '-'): string {
  const clean = text.replace(/[^\x21-\x7e]/g, '').slice(0, FIELD_LIMITS.character_string);
  return clean.length > 0 ? clean : fallback;
}

const PHRASE = /^\p{Script=Han}{1,5}$/u;

/** A `phrase` value: 1–5 汉字 and nothing else. The phrases are the product's own words, so a
 * wrong one is a programming error, not something to truncate. */
function phraseValue(text: string): string {
  if (!PHRASE.test(text)) throw new Error(`not a valid phrase value: "${text}"`);
  return text;
}

/** `2026年11月21日 15:01` (China time): the documented `time` format with its date. */
function timeValue(at: Date | string): string {
  const p = chinaParts(at);
  return `${p.y}年${p.m}月${p.d}日 ${pad2(p.hh)}:${pad2(p.mm)}`;
}

/** `2026年11月21日` (China time), for texts. */
function chinaDate(at: Date | string): string {
  const p = chinaParts(at);
  return `${p.y}年${p.m}月${p.d}日`;
}

/** Why a value breaks its field's documented rule (null when it is fine). Used by the stand-in
 * and the tests, so both judge payloads by the same reading of the documentation. */
export function fieldValueProblem(key: string, value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'empty';
  const type = /^([a-z_]+?)\d*$/.exec(key)?.[1];
  const length = Array.from(value).length;
  if (/[\p{Cc}]/u.test(value)) return 'control character';
  switch (type) {
    case 'thing':
      return length <= FIELD_LIMITS.thing ? null : `longer than ${FIELD_LIMITS.thing}`;
    case 'character_string':
      return /^[\x21-\x7e]{1,32}$/.test(value) ? null : 'not 1-32 digits, letters or symbols';
    case 'phrase':
      return PHRASE.test(value) ? null : 'not 1-5 汉字';
    case 'time':
      return /^(\d{4}年\d{1,2}月\d{1,2}日 )?([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(value) ? null : 'not a 24-hour time';
    case 'date':
      return /^\d{4}年\d{1,2}月\d{1,2}日( ([01]?\d|2[0-3]):[0-5]\d)?$/.test(value) ? null : 'not a date';
    case 'number':
      return /^\d{1,32}(\.\d+)?$/.test(value) ? null : 'not a number';
    default:
      return `unknown field type in "${key}"`;
  }
}

// ---------------------------------------------------------------------------------------------
// Notifications: what happened (the payload), how it reads in the app, and the template data

export type NotificationKind = 'review_approved' | 'review_rejected' | 'receipt_expiring';

interface OrderSubject {
  orderId: string;
  certType: CertCode;
  cityCode: string;
}

export type NotificationPayload =
  | (OrderSubject & { kind: 'review_approved'; applicantName: string; imageNumber: string; expiresAt: string; decidedAt: string })
  | (OrderSubject & { kind: 'review_rejected'; applicantName: string; reasons: string[]; note: string | null; decidedAt: string })
  | (OrderSubject & { kind: 'receipt_expiring'; imageNumber: string; expiresAt: string });


export function templateKindOf(kind: NotificationKind): TemplateKind {
  return kind === 'receipt_expiring' ? 'expiry' : 'result';
}

/** The keywords each template was set up with in the mini-program's admin console (公众平台 →
 * 订阅消息); the keys are the ones WeChat assigns (`<type><n>`). docs/wechat.md lists them. */
export const TEMPLATE_FIELDS = {
  // character_string6 carries the image number, so a person at a counter reads it straight from
  // 服务通知 (a rejection has none: '-').
  result: { thing1: '办理业务', phrase2: '审核结果', thing3: '申请人', thing4: '说明', time5: '审核时间', character_string6: '图像号' },
  expiry: { thing1: '办理业务', character_string2: '图像号', time3: '到期时间', thing4: '温馨提示' },
} as const;

/** The `data` keys of a template; templateData's values are checked against them at compile time. */
type FieldsOf<T extends TemplateKind> = Record<keyof (typeof TEMPLATE_FIELDS)[T], { value: string }>;

/** How many days before expiry the reminder goes out. */
export const EXPIRY_REMINDER_DAYS = 7;

/** `居住证（深圳）`: the certificate and the city, as people say it. */
function businessName(certType: CertCode, cityCode: string): string {
  const city = getCity(cityCode)?.name.replace(/市$/, '') ?? cityCode;
  return `${getCertificate(certType).name}（${city}）`;
}

function daysLeft(expiresAt: string, now: Date): number {
  return Math.max(0, Math.ceil((new Date(expiresAt).getTime() - now.getTime()) / 86_400_000));
}

/** The title and body of an in-app notification. */
export function notificationText(p: NotificationPayload): { title: string; body: string } {
  const business = businessName(p.certType, p.cityCode);
  switch (p.kind) {
    case 'review_approved':
      return {
        title: '照片审核通过',
        body: `${business}的照片已审核通过，图像号 ${p.imageNumber}，请在${chinaDate(p.expiresAt)}前凭图像号到窗口办理。`,
      };
    case 'review_rejected':
      return {
        title: '照片审核未通过',
        body: `${business}的照片未通过审核：${p.reasons.join('、') || '见订单详情'}${p.note ? `（${p.note}）` : ''}。可在原订单免费重新提交。`,
      };
    case 'receipt_expiring':
      return {
        title: '回执即将到期',
        body: `${business}的回执（图像号 ${p.imageNumber}）将于${chinaDate(p.expiresAt)}到期，请尽快到窗口办理。`,
      };
  }
}

export type TemplateData = Record<string, { value: string }>;


/** The `data` of subscribeMessage.send for a notification; every value within its field's limit. */
export function templateData(p: NotificationPayload, now: Date): TemplateData {
  const business = thingValue(businessName(p.certType, p.cityCode));
  switch (p.kind) {
    case 'review_approved':
      return {
        thing1: { value: business },
        phrase2: { value: phraseValue('已通过') },
        thing3: { value: thingValue(p.applicantName) },
        thing4: { value: thingValue('回执已生成，凭图像号到窗口办理') },
        time5: { value: timeValue(p.decidedAt) },
        character_string6: { value: characterStringValue(p.imageNumber) },
      } satisfies FieldsOf<'result'>;
    case 'review_rejected':
      return {
        thing1: { value: business },
        phrase2: { value: phraseValue('未通过') },
        thing3: { value: thingValue(p.applicantName) },
        thing4: { value: thingValue(p.reasons.join('、'), '请查看订单详情') },
        time5: { value: timeValue(p.decidedAt) },
        character_string6: { value: characterStringValue('') },
      } satisfies FieldsOf<'result'>;
    case 'receipt_expiring':
      return {
        thing1: { value: business },
        character_string2: { value: characterStringValue(p.imageNumber) },
        time3: { value: timeValue(p.expiresAt) },
        thing4: { value: thingValue(`回执${daysLeft(p.expiresAt, now)}天后失效，请尽快办理`) },
      } satisfies FieldsOf<'expiry'>;
  }
}

/** The mini-program page a notification opens (subscribeMessage.send `page`: no leading slash). */
export function orderDetailPage(orderId: string): string {
  return `packages/orders/pages/detail/index?id=${orderId}`;
}

