/**
 * Cities where photo receipts are used, per certificate. A city is a city (深圳), never a
 * province: a receipt issued for the wrong city is refused at the counter (seed material).
 * `code` is the first four digits of the administrative division code; it is also the city part
 * of an image number.
 */
import type { CertCode } from './certificates';

export interface City {
  code: string;
  name: string;
  province: string;
  /** Pinyin initials and full pinyin, for the search box. */
  pinyin: string;
  /** Certificates for which this city's offices ask for a photo receipt. */
  certificates: readonly CertCode[];
  /** Days a receipt stays valid (PHOTO-SPECS.md: Shenzhen and Guangzhou 180; others vary). */
  validityDays: number;
  /** Shenzhen: an image number can be used once. */
  singleUse: boolean;
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

// Validity outside Shenzhen and Guangzhou is the conservative end of "30–60 days" until each
// detection centre confirms its own figure.
export const CITIES: readonly City[] = [
  { code: '4403', name: '深圳市', province: '广东省', pinyin: 'sz shenzhen', certificates: ALL, validityDays: 180, singleUse: true },
  { code: '4401', name: '广州市', province: '广东省', pinyin: 'gz guangzhou', certificates: ALL, validityDays: 180, singleUse: false },
  { code: '4419', name: '东莞市', province: '广东省', pinyin: 'dg dongguan', certificates: ALL, validityDays: 30, singleUse: false },
  { code: '4406', name: '佛山市', province: '广东省', pinyin: 'fs foshan', certificates: ALL, validityDays: 30, singleUse: false },
  { code: '4404', name: '珠海市', province: '广东省', pinyin: 'zh zhuhai', certificates: ALL, validityDays: 30, singleUse: false },
  { code: '4413', name: '惠州市', province: '广东省', pinyin: 'hz huizhou', certificates: ALL, validityDays: 30, singleUse: false },
  { code: '4420', name: '中山市', province: '广东省', pinyin: 'zs zhongshan', certificates: ALL, validityDays: 30, singleUse: false },
  { code: '4407', name: '江门市', province: '广东省', pinyin: 'jm jiangmen', certificates: ALL, validityDays: 30, singleUse: false },
  { code: '4601', name: '海口市', province: '海南省', pinyin: 'hk haikou', certificates: ID_ONLY, validityDays: 30, singleUse: false },
];

export function getCity(code: string): City | undefined {
  return CITIES.find((c) => c.code === code);
}

/** Cities whose offices use receipts for this certificate. */
export function citiesFor(cert: CertCode): City[] {
  return CITIES.filter((c) => c.certificates.includes(cert));
}

/** Search by name, pinyin or initials; an empty query lists all. */
export function searchCities(cities: readonly City[], query: string): City[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...cities];
  return cities.filter((c) => c.name.includes(q) || c.pinyin.split(' ').some((p) => p.startsWith(q)));
}
