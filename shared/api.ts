/**
 * The HTTP API's contract, shared by server and client: request schemas (zod; the forms validate
 * with the very same ones), response shapes, and the error codes with their Chinese messages.
 */
import { z } from 'zod';
import { CERT_CODES, type CertCode } from './certificates';
import { REJECT_REASONS, type RejectReason } from './review';
import { NAME_PATTERN, PHONE_PATTERN, idNumberProblem, normalizeIdNumber } from './identity';
import type { Actor, OrderEvent, OrderStatus } from './order-machine';
import type { PhotoReport } from './photo-report';
import {
  ELIGIBILITY_ROUTES,
  TALENT_KINDS,
  isCalendarDate,
  isCalendarMonth,
  isShenzhenResidencePermit,
  talentOption,
  type OrderEligibility,
} from './eligibility';
// scene.ts, not wechat.ts: the client bundles this file, and wechat.ts carries the notification texts.
import { HANDOFF_TICKET_PATTERN, SCENE_PATTERN, SUBSCRIBE_ANSWERS, TEMPLATE_KINDS, type TemplateKind } from './scene';
import type { NotificationKind } from './wechat';

export const LocalLoginBody = z.object({
  nickname: z.string({ required_error: '请输入昵称' }).trim().min(1, '请输入昵称').max(20, '昵称最多 20 个字'),
});
export type LocalLoginBody = z.infer<typeof LocalLoginBody>;

const TalentKindSchema = z.enum(TALENT_KINDS, {
  errorMap: () => ({ message: '请从列表中选择人才引进条件' }),
});

/** The self-check's outcome an order keeps (「办证资格自测」 → 「去办理照片回执」): Shenzhen 居住证 only. */
export const OrderEligibilitySchema = z
  .object({
    routes: z
      .array(z.enum(ELIGIBILITY_ROUTES))
      .min(1, '请先完成资格自测')
      .max(ELIGIBILITY_ROUTES.length)
      .refine((routes) => new Set(routes).size === routes.length, '资格自测结果重复'),
    talent: TalentKindSchema.optional(),
  })
  .refine((e) => !e.routes.includes('talent') || (e.talent !== undefined && talentOption(e.talent).qualifies), {
    message: '人才引进条件不符合,请重新自测',
    path: ['talent'],
  });

export const CreateOrderBody = z
  .object({
    certType: z.enum(CERT_CODES as [CertCode, ...CertCode[]], { errorMap: () => ({ message: '请选择证件类型' }) }),
    // A city code (shared/cities.ts CITY_CODE_PATTERN, repeated here so the API schemas do not pull
    // the city list into the main package): 4 digits, or 6 for a county-level unit under a province.
    cityCode: z.string({ required_error: '请选择办证城市' }).regex(/^\d{4}(?:\d{2})?$/, '请选择办证城市'),
    eligibility: OrderEligibilitySchema.optional(),
  })
  .refine((b) => !b.eligibility || isShenzhenResidencePermit(b), {
    message: '资格自测结果只适用于深圳居住证',
    path: ['eligibility'],
  });
export type CreateOrderBody = z.infer<typeof CreateOrderBody>;

const CalendarDate = (message: string) =>
  z.string({ required_error: message }).refine(isCalendarDate, '日期格式不正确,请重新选择');

/** POST /api/eligibility/shenzhen-residence (no login; nothing is stored). */
export const EligibilityBody = z
  .object({
    applicationDate: CalendarDate('请选择申请日期'),
    residenceRegistrations: z
      .array(
        z
          .object({ from: CalendarDate('请选择居住登记的开始日期'), to: CalendarDate('请选择居住登记的结束日期').optional() })
          // Only between two real dates: a malformed one has its own message already.
          .refine((r) => r.to === undefined || !isCalendarDate(r.from) || !isCalendarDate(r.to) || r.to >= r.from, {
            message: '居住登记的结束日期不能早于开始日期',
            path: ['to'],
          }),
        { required_error: '请填写居住登记情况' },
      )
      .max(20, '居住登记最多填写 20 段'),
    socialInsuranceMonths: z
      .array(z.string().refine(isCalendarMonth, '社保月份格式不正确'), { required_error: '请填写社保缴纳情况' })
      .max(600, '社保月份太多'),
    talent: TalentKindSchema.optional(),
    student: z.boolean().optional(),
  })
  .superRefine((body, ctx) => {
    // Compared with a malformed application date, correct answers would be flagged too.
    if (!isCalendarDate(body.applicationDate)) return;
    body.residenceRegistrations.forEach((r, i) => {
      if (r.from > body.applicationDate) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: '居住登记的开始日期不能晚于申请日期',
          path: ['residenceRegistrations', i, 'from'],
        });
      }
    });
    const applicationMonth = body.applicationDate.slice(0, 7);
    const late = body.socialInsuranceMonths.findIndex((m) => isCalendarMonth(m) && m > applicationMonth);
    if (late >= 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: '社保月份不能晚于申请月份',
        path: ['socialInsuranceMonths', late],
      });
    }
  });
export type EligibilityBody = z.infer<typeof EligibilityBody>;
export type { EligibilityVerdict, OrderEligibility } from './eligibility';

const ID_PROBLEM_MESSAGES = {
  format: '身份证号应为 18 位,最后一位可以是数字或 X',
  birth_date: '身份证号中的出生日期不正确,请核对',
  check_digit: '身份证号校验位不正确,请逐位核对',
} as const;

export const ApplicantBody = z.object({
  name: z.string({ required_error: '请输入姓名' }).trim().regex(NAME_PATTERN, '请输入与身份证一致的中文姓名'),
  idNumber: z
    .string({ required_error: '请输入身份证号' })
    .transform(normalizeIdNumber)
    .superRefine((value, ctx) => {
      const problem = idNumberProblem(value);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: ID_PROBLEM_MESSAGES[problem] });
    }),
  phone: z.string({ required_error: '请输入手机号' }).trim().regex(PHONE_PATTERN, '请输入 11 位手机号'),
  consent: z.literal(true, { errorMap: () => ({ message: '请先阅读并同意个人信息处理规则' }) }),
});
export type ApplicantBody = z.input<typeof ApplicantBody>;

export const OrderIdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{8,40}$/, '订单号格式不正确') });

/** Photo-paper sizes a print sheet can be laid out on (server/src/photo/print-sheet.ts). */
export const PRINT_SHEET_SIZES = ['6inch'] as const;
/** GET printSheetPath(id, size): the approved order's photo laid out on photo paper, image/jpeg. */
export const PrintSheetQuery = z.object({
  size: z.enum(PRINT_SHEET_SIZES, { errorMap: () => ({ message: '冲印尺寸不正确,目前支持 6inch(6 寸)' }) }).default('6inch'),
});
export function printSheetPath(orderId: string, size: (typeof PRINT_SHEET_SIZES)[number] = '6inch'): string {
  return `/api/orders/${encodeURIComponent(orderId)}/print-sheet?size=${size}`;
}

export interface HistoryEntry {
  from: OrderStatus | null;
  to: OrderStatus;
  event: OrderEvent | 'create';
  actor: Actor;
  at: string;
  note?: string | null;
}

export interface ApplicantView {
  name: string;
  /** Always masked: `4403**********1234`. */
  idNumber: string;
  /** Masked: `138****5678`. */
  phone: string;
  consentAt: string;
}

export interface OrderView {
  id: string;
  certType: CertCode;
  cityCode: string;
  /** The city's official name, so a page can show it without the whole city catalogue. */
  cityName: string;
  status: OrderStatus;
  /** The engine's report for the current photo (same shape as the CLI's), null before one. */
  report: PhotoReport | null;
  /** The processed photo, when there is one (null once purged). */
  photoUrl: string | null;
  /** When the photo files were deleted under the retention rules (「照片已按规定删除」); null while
   * they exist. Then photoUrl and receiptUrl are null and the files answer 410 PHOTO_PURGED. */
  photoPurgedAt?: string | null;
  applicant: ApplicantView | null;
  history: HistoryEntry[];
  createdAt: string;
  updatedAt: string;
  /** The receipt once approved (null before). */
  receipt?: ReceiptView | null;
  /** The receipt image (signed like photoUrl: an <img> cannot send a header). */
  receiptUrl?: string | null;
  /** The latest review decision (reasons are shown to the applicant after a rejection). */
  review?: ReviewDecisionView | null;
  /** What the person's self-check found when the order came from it (Shenzhen 居住证), else null. */
  eligibility?: OrderEligibility | null;
}

export interface CatalogView {
  certificates: {
    code: CertCode;
    name: string;
    group: string;
    groupName: string;
    note?: string;
    width: number;
    height: number;
  }[];
  /** Every city (shared/cities.ts), with the certificates its offices take receipts for. */
  cities: { code: string; name: string; province: string; validityDays: number; singleUse: boolean; certificates: CertCode[] }[];
}

/** Stable error codes with the message a person can act on. */
/** The largest photo upload the server takes (bytes); the client shrinks a bigger original first. */
export const PHOTO_UPLOAD_MAX_BYTES = 20 * 1024 * 1024;

export const API_ERRORS = {
  BAD_REQUEST: '请求内容不正确,请检查后重试',
  VALIDATION_FAILED: '填写的内容有误,请按提示修改',
  UNAUTHORIZED: '请先登录',
  NOT_FOUND: '找不到该订单',
  ROUTE_NOT_FOUND: '请求的地址不存在',
  LOCAL_LOGIN_DISABLED: '当前环境不支持昵称登录,请在微信中打开',
  CITY_NOT_SUPPORTED: '该城市暂不支持此证件的照片回执,请重新选择城市',
  WRONG_STATUS: '订单当前状态不允许此操作,请刷新后重试',
  PHOTO_MISSING: '请选择一张照片上传',
  PHOTO_TOO_LARGE: '照片太大,请选择 20MB 以内的照片',
  PHOTO_UNREADABLE: '无法读取这张照片,请换一张 JPG 或 PNG 照片',
  PHOTO_UNSUPPORTED_FORMAT: '暂不支持该图片格式(如 HEIC、GIF、SVG、动图),请换一张 JPG/PNG 照片,或截图后上传',
  PHOTO_DIMENSIONS_TOO_LARGE: '照片像素过多(超过 6400 万),请关闭相机的高像素模式重拍,或截图后上传',
  APPLICANT_MISSING: '请先填写申请人信息并同意个人信息处理规则',
  PHOTO_NOT_FOUND: '该订单还没有处理好的照片',
  PHOTO_PURGED: '照片已超过保存期限,已按规定删除',
  TOO_MANY_REQUESTS: '操作太频繁,请稍后再试',
  INTERNAL: '服务暂时不可用,请稍后再试',
  FORBIDDEN: '当前账号没有权限进行此操作',
  BAD_CREDENTIALS: '用户名或密码不正确',
  ALREADY_CLAIMED: '该订单已被其他审核员领取,请选择其他订单',
  NOT_CLAIMED: '请先领取该订单再审核',
  INVALID_IMAGE_NUMBER: '图像号格式不正确,请逐位核对',
  RECEIPT_NOT_FOUND: '找不到该回执',
  RECEIPT_USED: '该图像号已使用,不能重复使用',
  RECEIPT_EXPIRED: '该回执已过期,请重新办理',
  WECHAT_CODE_INVALID: '微信登录已失效,请重新进入小程序',
  WECHAT_LOGIN_BLOCKED: '微信提示当前账号存在风险,暂时无法登录',
  WECHAT_UNAVAILABLE: '微信服务暂时繁忙,请稍后再试',
  INVALID_SCENE: '二维码参数不正确',
  HANDOFF_NOT_FOUND: '二维码无效,请在电脑上重新生成',
  HANDOFF_EXPIRED: '二维码已过期,请在电脑上重新生成',
  HANDOFF_NOT_OWNER: '该二维码只能由下单本人使用,请用下单时的微信扫码',
  NOTIFICATION_NOT_FOUND: '找不到该消息',
  APPLICANT_ONLY: '工作人员账号不能办理个人订单,请退出后用个人账号登录',
  BODY_TOO_LARGE: '提交的内容太大,请精简后重试',
  ORIGIN_NOT_ALLOWED: '不允许从该网站调用本服务',
  PRINT_SHEET_NOT_AVAILABLE: '照片审核通过后才能下载冲印排版(回执已使用或已过期的订单不再提供)',
} as const;
export type ApiErrorCode = keyof typeof API_ERRORS;

export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  /** Field-level messages for forms (VALIDATION_FAILED). */
  fields?: Record<string, string>;
}

// ---- issue 4: staff, review, receipts ----

export type StaffRole = 'reviewer' | 'counter' | 'admin';
export type UserRole = 'applicant' | StaffRole;

export const StaffLoginBody = z.object({
  username: z.string({ required_error: '请输入用户名' }).trim().min(1, '请输入用户名').max(40, '用户名最多 40 个字'),
  password: z.string({ required_error: '请输入密码' }).min(1, '请输入密码').max(200, '密码太长'),
});
export type StaffLoginBody = z.infer<typeof StaffLoginBody>;

export interface StaffLoginView {
  token: string;
  role: StaffRole;
  name: string;
}

export interface MeView {
  role: UserRole;
  name: string;
}

export { REJECT_REASONS, rejectReasonLabel, type RejectReason } from './review';
export const REJECT_REASON_CODES = REJECT_REASONS.map((r) => r.code) as unknown as readonly [RejectReason, ...RejectReason[]];

export const RejectBody = z.object({
  reasons: z
    .array(z.enum(REJECT_REASON_CODES, { errorMap: () => ({ message: '请选择不通过的原因' }) }), { required_error: '请至少选择一个原因' })
    .min(1, '请至少选择一个原因'),
  note: z.string().trim().max(200, '备注最多 200 个字').optional(),
});
export type RejectBody = z.input<typeof RejectBody>;

export const ReviewOrderParams = z.object({ orderId: z.string().regex(/^[A-Za-z0-9_-]{8,40}$/, '订单号格式不正确') });
export const ReceiptNumberParams = z.object({ number: z.string().min(1).max(64) });

export interface ReceiptView {
  number: string;
  issuedAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export interface ReviewDecisionView {
  decision: 'approved' | 'rejected';
  reasons: { code: RejectReason; label: string }[];
  note: string | null;
  decidedAt: string;
}

export interface ReviewQueueItem {
  orderId: string;
  certType: CertCode;
  cityCode: string;
  submittedAt: string;
  waitingSeconds: number;
  /** Name of the reviewer holding a live claim. */
  claimedBy: string | null;
  claimExpiresAt: string | null;
  photoUrl: string | null;
}

/** What a reviewer sees of one order: the OrderView (applicant masked) plus the claim. */
export interface ReviewOrderView extends OrderView {
  claimedBy: string | null;
  claimExpiresAt: string | null;
  /** True when the caller holds the live claim. */
  claimedByMe: boolean;
}

export interface ReceiptLookupView {
  number: string;
  group: string;
  groupName: string;
  cityCode: string;
  cityName: string;
  /** Chinese names of the certificates the receipt serves. */
  certificates: string[];
  issuedAt: string;
  expiresAt: string;
  usedAt: string | null;
  status: 'valid' | 'used' | 'expired';
  photoUrl: string | null;
}

// ---------------------------------------------------------------------------------------------
// WeChat: login, client configuration, subscriptions, codes, 「在手机上继续」, in-app notifications

export const WechatLoginBody = z.object({
  code: z.string({ required_error: '缺少微信登录凭证' }).trim().min(1, '缺少微信登录凭证').max(128, '微信登录凭证格式不正确'),
});
export type WechatLoginBody = z.infer<typeof WechatLoginBody>;

/** What the client needs to know before the first tap (GET /api/client-config, no login). */
export interface ClientConfigView {
  /** `local`: nickname login is offered (local mode, the WeChat stand-in); `wechat`: real WeChat. */
  mode: 'local' | 'wechat';
  /** Template ids for requestSubscribeMessage; null when not configured. */
  subscribeTemplates: Record<TemplateKind, string | null>;
}

/** Body of POST /api/orders/:id/submit (optional; fastify hands a missing body over as null):
 * the answers to requestSubscribeMessage. */
export const SubmitBody = z
  .object({
    subscriptions: z.record(z.enum(TEMPLATE_KINDS), z.enum(SUBSCRIBE_ANSWERS)).optional(),
  })
  .nullish();
export type SubmitBody = z.infer<typeof SubmitBody>;

/** GET /api/wxacode?scene=… → the mini-program code image (PNG or JPEG). */
export const WxacodeQuery = z.object({
  scene: z.string({ required_error: '缺少二维码参数' }).regex(SCENE_PATTERN, '二维码参数不正确'),
});

/** POST /api/orders/:id/handoff → a ticket for 「在手机上继续」. */
export interface HandoffView {
  ticket: string;
  /** The code's scene (`t=<ticket>`). */
  scene: string;
  /** GET this for the code image. */
  codeUrl: string;
  expiresAt: string;
}

export const RedeemHandoffBody = z.object({
  ticket: z.string({ required_error: '二维码无效' }).regex(HANDOFF_TICKET_PATTERN, '二维码无效'),
});
export type RedeemHandoffBody = z.infer<typeof RedeemHandoffBody>;

export interface RedeemHandoffView {
  orderId: string;
}

export interface NotificationView {
  id: string;
  kind: NotificationKind;
  orderId: string;
  title: string;
  body: string;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationListView {
  items: NotificationView[];
  unread: number;
}

export const NotificationIdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{8,40}$/, '消息编号格式不正确') });
