/**
 * Cities where photo receipts are used. A city is a city (深圳), never a province: a receipt
 * issued for the wrong city is refused at the counter (seed material). The list is every
 * prefecture-level division, the four municipalities and the county-level units a province
 * administers directly (shared/city-data.ts, generated; docs/cities.md). Facts that differ per
 * city (validity, single use, certificates, receipt style) are data with a national default.
 *
 * `code` is the GB/T 2260 code without its trailing zeros: '4403' (深圳), '1101' (北京),
 * '469002' (琼海, a county-level city Hainan administers directly). An image number carries its
 * first four digits (imageCityCode).
 */
import type { CertCode } from './certificates';
import { CITY_ROWS, PROVINCE_NAMES } from './city-data';

export { CITY_DATA_SOURCE } from './city-data';

/** How a city's receipt differs from its group's style (server/src/services/receipt-style.ts). */
export interface CityReceiptStyle {
  accent?: string;
  /** Appended to the group's notes. */
  notes?: readonly string[];
}

export interface CityFacts {
  /** Certificates for which this city's offices ask for a photo receipt. */
  certificates: readonly CertCode[];
  /** Days a receipt stays valid (PHOTO-SPECS.md: Shenzhen and Guangzhou 180; others vary). */
  validityDays: number;
  /** Shenzhen: an image number can be used once. */
  singleUse: boolean;
  receiptStyle?: CityReceiptStyle;
}

export interface City extends CityFacts {
  code: string;
  /** Official name: 深圳市, 大理白族自治州, 定安县. */
  name: string;
  /** What people type and say: 深圳, 大理, 定安. */
  shortName: string;
  /** The province-level division, for grouping only (北京市 for 北京). */
  province: string;
  provinceCode: string;
  /** Toneless pinyin of the short name ('chongqing') and its initials ('cq'). */
  pinyin: string;
  initials: string;
}

const ALL: readonly CertCode[] = [
  'resident_id',
  'residence_permit',
  'social_security',
  'passport',
  'hk_macau_permit',
  'taiwan_permit',
  'driver_license',
];
/** Haikou asks for receipts for the residence permit and the ID card (seed material). */
const ID_ONLY: readonly CertCode[] = ['resident_id', 'residence_permit', 'social_security'];

/**
 * Everywhere not listed below: receipts serve every certificate, and validity is the
 * conservative end of "30–60 days" (PHOTO-SPECS.md) until a detection centre confirms its own.
 */
export const NATIONAL_DEFAULT: CityFacts = { certificates: ALL, validityDays: 30, singleUse: false };

/** What is known to differ, per city code (the first nine cities' facts, from the seed material). */
export const CITY_FACTS: Readonly<Record<string, Partial<CityFacts>>> = {
  '4403': { validityDays: 180, singleUse: true, receiptStyle: { notes: ['深圳市各办证窗口及网上平台通用'] } },
  '4401': { validityDays: 180 },
  '4601': { certificates: ID_ONLY, receiptStyle: { accent: '#00838f' } },
};

/** Municipalities, provincial capitals and sub-provincial cities: first among equal matches. */
const MAJOR = new Set([
  '1101', '1201', '3101', '5001', // municipalities
  '1301', '1401', '1501', '2101', '2201', '2301', '3201', '3301', '3401', '3501', '3601', '3701',
  '4101', '4201', '4301', '4401', '4501', '4601', '5101', '5201', '5301', '5401', '6101', '6201',
  '6301', '6401', '6501', // provincial capitals
  '2102', '3302', '3502', '3702', '4403', // sub-provincial cities
]);

const MUNICIPALITY_CODES = new Set(['11', '12', '31', '50']);
/** Group header for the four municipalities (they are their own province). */
export const MUNICIPALITY_GROUP = '直辖市';

export const CITIES: readonly City[] = CITY_ROWS.map(([code, name, shortName, provinceCode, pinyin, initials]) => ({
  code,
  name,
  shortName,
  province: PROVINCE_NAMES[provinceCode]!,
  provinceCode,
  pinyin,
  initials,
  ...NATIONAL_DEFAULT,
  ...CITY_FACTS[code],
}));

const BY_CODE = new Map(CITIES.map((c) => [c.code, c]));

/** 4 digits (prefecture-level city) or 6 (county-level unit under a province). */
export const CITY_CODE_PATTERN = /^\d{4}(?:\d{2})?$/;

export function getCity(code: string): City | undefined {
  return BY_CODE.get(code);
}

/** The city part of an image number: the first four digits of the division code. */
export function imageCityCode(code: string): string {
  return code.slice(0, 4);
}

/** Cities whose offices use receipts for this certificate. */
export function citiesFor(cert: CertCode): City[] {
  return CITIES.filter((c) => c.certificates.includes(cert));
}

function provinceShort(name: string): string {
  return name.replace(/(?:壮族|回族|维吾尔)?自治区$|[省市]$/, '');
}

/** 0 exact, 1 prefix, 2 contains, 3 the province matches; null: no match. */
function matchRank(c: City, q: string): number | null {
  const names = [c.name, c.shortName];
  const spelled = [c.pinyin, c.initials];
  if (names.includes(q) || spelled.includes(q)) return 0;
  if (names.some((n) => n.startsWith(q)) || spelled.some((s) => s.startsWith(q))) return 1;
  if (c.name.includes(q) || c.pinyin.includes(q)) return 2;
  if (q.length >= 2 && (c.province.startsWith(q) || q.startsWith(provinceShort(c.province)))) return 3;
  return null;
}

/**
 * Search by name, full pinyin or initials ("深" → 深圳, "bj" → 北京, "beijing", "北京"): exact
 * matches first, then prefixes, then names containing the query, then the cities of a province
 * named by the query (广东 → its cities: a province is never a choice itself). Within a rank
 * the major cities come first, then the catalogue order. An empty query lists all.
 */
export function searchCities(cities: readonly City[], query: string): City[] {
  const q = query.trim().toLowerCase().replace(/[\s']/g, '');
  if (!q) return [...cities];
  const ranked: { city: City; rank: number; index: number }[] = [];
  cities.forEach((city, index) => {
    const rank = matchRank(city, q);
    if (rank !== null) ranked.push({ city, rank: rank * 2 + (MAJOR.has(city.code) ? 0 : 1), index });
  });
  return ranked.sort((a, b) => a.rank - b.rank || a.index - b.index).map((r) => r.city);
}

export interface CityGroup {
  /** 直辖市 or the province's name. */
  title: string;
  cities: City[];
}

/** Cities under their province (municipalities together first), in catalogue order. */
export function groupByProvince(cities: readonly City[]): CityGroup[] {
  const groups = new Map<string, CityGroup>();
  for (const city of cities) {
    const title = MUNICIPALITY_CODES.has(city.provinceCode) ? MUNICIPALITY_GROUP : city.province;
    let group = groups.get(title);
    if (!group) groups.set(title, (group = { title, cities: [] }));
    group.cities.push(city);
  }
  const all = [...groups.values()];
  return [...all.filter((g) => g.title === MUNICIPALITY_GROUP), ...all.filter((g) => g.title !== MUNICIPALITY_GROUP)];
}
