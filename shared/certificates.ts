/**
 * Certificate catalogue: which photo spec and receipt group each certificate uses, and every number
 * of the specs with where it comes from (PHOTO-SPECS.md). Pure data, used by server and client.
 */

/** A closed interval in output pixels (or bytes). `target` is where the engine aims. */
export interface Band {
  min: number;
  max: number;
  /** Where the engine aims; absent where the spec only sets a limit. */
  target?: number;
}

/**
 * Which width a spec's width band measures. `face`: 脸宽, cheek to cheek at its widest, ears
 * excluded (GA 461). `head`: 头部宽度, the whole head at ear level, ears and the hair there
 * included (exit-entry, GA 482).
 */
export type WidthQuantity = 'face' | 'head';

export interface WidthBand extends Band {
  quantity: WidthQuantity;
  /** What is measured, in the standard's words. */
  definition: string;
  /** Where the band comes from. */
  source: string;
}

export type ReceiptGroup = 'A' | 'B' | 'C';
export type SpecId = 'ga461' | 'exit_entry' | 'ga482';

export interface PhotoSpec {
  id: SpecId;
  name: string;
  width: number;
  height: number;
  dpi: number;
  /** JPEG quality range the encoder may pick from while searching for the file-size band. */
  quality: { min: number; max: number; nominal: number };
  fileBytes: Band;
  /** The width band, and which width it is (face for GA 461, head for exit-entry and GA 482). */
  widthBand: WidthBand;
  /** Crown (top of hair) to chin; absent where the spec sets none (it follows from the rest). */
  headHeight?: Band;
  /** Crown to the top edge of the photo. */
  crownMargin: Band;
  /** Eye line measured from the top edge (GA 461's "≥ 207 px above the bottom" converted). */
  eyeLine?: Band;
  /** Horizontal position of the eye midpoint, where a spec sets one (social security). */
  eyeMidX?: Band;
  /** GA 461: when crown margin and eye line cannot both hold, the eye line wins. */
  eyeLineWins: boolean;
  background: string;
  sources: string[];
}

export interface ReceiptGroupInfo {
  code: ReceiptGroup;
  name: string;
}

export type CertCode =
  | 'resident_id'
  | 'residence_permit'
  | 'social_security'
  | 'passport'
  | 'hk_macau_permit'
  | 'taiwan_permit'
  | 'driver_license';

export interface Certificate {
  code: CertCode;
  name: string;
  group: ReceiptGroup;
  spec: PhotoSpec;
  note?: string;
}

const KB = 1024;

function band(min: number, max: number, target: number | undefined = (min + max) / 2): Band {
  return target === undefined ? { min, max } : { min, max, target };
}

function widthBand(quantity: WidthQuantity, b: Band, source: string): WidthBand {
  const definition = quantity === 'face' ? '脸宽: 两颊之间最宽处,不含耳朵' : '头部宽度: 耳朵所在高度的整个头部宽度,含双耳';
  return { ...b, quantity, definition, source };
}

const GA461_SOURCES = [
  'GA 461-2004 / GA/T 461-2019 居民身份证制证用数字相片技术要求 (reposts: bbs.3miao.net, selfie-china.cn, 0551fangchan.com)',
];

/**
 * File-size bands say "KB" without saying 1000 or 1024: the band below is the part both readings
 * accept (e.g. 14 KiB ≤ size ≤ 20 000 bytes).
 */
export const SPECS: Record<SpecId, PhotoSpec> = {
  ga461: {
    id: 'ga461',
    name: 'GA 461 居民身份证数字相片',
    width: 358,
    height: 441,
    dpi: 350,
    quality: { min: 55, max: 92, nominal: 70 },
    fileBytes: band(14 * KB, 20_000),
    widthBand: widthBand('face', band(193, 221, 207), 'GA 461: 脸宽 207 ± 14 px (PHOTO-SPECS.md)'),
    crownMargin: band(7, 21, 14),
    // "eye line ≥ 207 px above the bottom edge": y ≤ 441 − 207 = 234; only a limit, no aim.
    eyeLine: band(0, 234, undefined),
    eyeLineWins: true,
    background: '纯白色,无边框',
    sources: GA461_SOURCES,
  },
  exit_entry: {
    id: 'exit_entry',
    name: '出入境证件数字相片',
    width: 354,
    height: 472,
    dpi: 300,
    quality: { min: 70, max: 95, nominal: 80 },
    fileBytes: band(30 * KB, 45_000),
    widthBand: widthBand('head', band(230, 283), '出入境证件相片照相指引: 头部宽度 230–283 px (PHOTO-SPECS.md, corrected)'),
    headHeight: band(331, 390),
    crownMargin: band(25, 45),
    eyeLine: band(176, 251),
    eyeLineWins: false,
    background: '白色',
    sources: [
      '出入境证件相片照相指引 (shidian.gov.cn, county police page)',
      'GA/T 1180-2014 出入境证件相片',
    ],
  },
  ga482: {
    id: 'ga482',
    name: 'GA 482 机动车驾驶证数字相片',
    width: 260,
    height: 378,
    dpi: 300,
    quality: { min: 70, max: 95, nominal: 80 },
    fileBytes: band(14 * KB, 30_000),
    widthBand: widthBand('head', band(165, 189), 'GA 482-2008: 头部宽 14–16 mm = 165–189 px at 300 dpi (PHOTO-SPECS.md, corrected)'),
    headHeight: band(224, 260),
    crownMargin: band(10, 20),
    eyeLineWins: false,
    background: '白色',
    sources: ['GA 482-2008 机动车驾驶证件 (reposts: 126506.com, wenxiaoda.com)'],
  },
};

export const RECEIPT_GROUPS: Record<ReceiptGroup, ReceiptGroupInfo> = {
  A: { code: 'A', name: '居民身份证/居住证/社会保障卡' },
  B: { code: 'B', name: '出入境证件' },
  C: { code: 'C', name: '机动车驾驶证' },
};

export const CERTIFICATES: readonly Certificate[] = [
  { code: 'resident_id', name: '居民身份证', group: 'A', spec: SPECS.ga461 },
  {
    code: 'residence_permit',
    name: '居住证',
    group: 'A',
    spec: SPECS.ga461,
    note: '广东/深圳居住证使用身份证相片回执',
  },
  {
    code: 'social_security',
    name: '社会保障卡',
    group: 'A',
    // GA 461 is the target; the MOHRSS spec adds the eye-midpoint position (rsc.sdws.edu.cn 2019).
    spec: {
      ...SPECS.ga461,
      eyeMidX: band(162, 196, 179),
      sources: [...GA461_SOURCES, 'MOHRSS 社会保障卡相片规格 (rsc.sdws.edu.cn 2019)'],
    },
  },
  { code: 'passport', name: '普通护照', group: 'B', spec: SPECS.exit_entry },
  { code: 'hk_macau_permit', name: '往来港澳通行证', group: 'B', spec: SPECS.exit_entry },
  { code: 'taiwan_permit', name: '往来台湾通行证', group: 'B', spec: SPECS.exit_entry },
  { code: 'driver_license', name: '机动车驾驶证', group: 'C', spec: SPECS.ga482 },
];

export const CERT_CODES = CERTIFICATES.map((c) => c.code) as readonly CertCode[];

export function isCertCode(value: string): value is CertCode {
  return (CERT_CODES as readonly string[]).includes(value);
}

export function getCertificate(code: CertCode): Certificate {
  const cert = CERTIFICATES.find((c) => c.code === code);
  if (!cert) throw new Error(`unknown certificate: ${code}`);
  return cert;
}
