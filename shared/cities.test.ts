import { describe, expect, it } from 'vitest';

import { CERT_CODES } from './certificates';
import { CITIES, CITY_CODE_PATTERN, CITY_FACTS, MUNICIPALITY_GROUP, NATIONAL_DEFAULT, citiesFor, getCity, groupByProvince, imageCityCode, searchCities } from './cities';
import { PROVINCE_NAMES } from './city-data';
import { CITY_SHAPES } from './city-geo';
import { decodeRing, distanceKm, locateCity } from './city-locate';

const names = (query: string, limit = 5) => searchCities(CITIES, query).slice(0, limit).map((c) => c.name);

describe('the city catalogue', () => {
  it('holds every prefecture-level division, the municipalities and the province-administered county-level units', () => {
    const prefectures = CITIES.filter((c) => c.code.length === 4);
    const countyLevel = CITIES.filter((c) => c.code.length === 6);
    // 2023 statistical division codes: 333 prefecture-level divisions + 4 municipalities; 32
    // county-level units directly under Henan (1), Hubei (4), Hainan (15) and Xinjiang (12).
    expect(prefectures.length).toBe(337);
    expect(countyLevel.length).toBe(32);
    expect(new Set(countyLevel.map((c) => c.code.slice(0, 4)))).toEqual(new Set(['4190', '4290', '4690', '6590']));
  });

  it('has unique codes of 4 or 6 digits under a real province, and no placeholder or province rows', () => {
    expect(new Set(CITIES.map((c) => c.code)).size).toBe(CITIES.length);
    for (const c of CITIES) {
      expect(c.code).toMatch(CITY_CODE_PATTERN);
      expect(c.code.slice(0, 2)).toBe(c.provinceCode);
      expect(PROVINCE_NAMES[c.provinceCode]).toBe(c.province);
      expect(c.name).not.toMatch(/^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/);
      expect(c.name).not.toMatch(/省$|自治区$/);
    }
    // As full 6-digit GB/T 2260 codes, too: unique and never a province's (xx0000).
    const full = CITIES.map((c) => c.code.padEnd(6, '0'));
    expect(new Set(full).size).toBe(CITIES.length);
    expect(full.every((code) => /^\d{6}$/.test(code) && !code.endsWith('0000'))).toBe(true);
  });

  it.each([
    ['1101', '北京市', '直辖市'],
    ['1201', '天津市', '直辖市'],
    ['3101', '上海市', '直辖市'],
    ['5001', '重庆市', '直辖市'],
    ['4403', '深圳市', '广东省'],
    ['5329', '大理白族自治州', '云南省'],
    ['1529', '阿拉善盟', '内蒙古自治区'],
    ['2327', '大兴安岭地区', '黑龙江省'],
    ['469002', '琼海市', '海南省'],
    ['469028', '陵水黎族自治县', '海南省'],
    ['429021', '神农架林区', '湖北省'],
    ['419001', '济源市', '河南省'],
    ['659001', '石河子市', '新疆维吾尔自治区'],
  ])('%s is %s, grouped under %s', (code, name, group) => {
    expect(getCity(code)?.name).toBe(name);
    const found = groupByProvince(CITIES).find((g) => g.cities.some((c) => c.code === code));
    expect(found?.title).toBe(group);
  });

  it('leaves out Hong Kong, Macau and Taiwan, and the old 莱芜 (part of 济南 since 2019)', () => {
    expect(CITIES.some((c) => /^(71|81|82)/.test(c.code))).toBe(false);
    expect(searchCities(CITIES, '莱芜')).toEqual([]);
  });

  it('turns a code into the 4 digits an image number carries', () => {
    expect(imageCityCode('4403')).toBe('4403');
    expect(imageCityCode('469002')).toBe('4690');
  });
});

describe('per-city facts', () => {
  it('keeps what is known for the first cities', () => {
    expect(getCity('4403')).toMatchObject({ validityDays: 180, singleUse: true });
    expect(getCity('4401')).toMatchObject({ validityDays: 180, singleUse: false });
    expect(getCity('4419')).toMatchObject({ validityDays: 30, singleUse: false });
    expect(getCity('4601')!.certificates).toEqual(['resident_id', 'residence_permit', 'social_security']);
  });

  it('gives every other city the national default', () => {
    const others = CITIES.filter((c) => !(c.code in CITY_FACTS));
    expect(others.length).toBe(CITIES.length - Object.keys(CITY_FACTS).length);
    for (const c of others) {
      expect(c.validityDays).toBe(NATIONAL_DEFAULT.validityDays);
      expect(c.singleUse).toBe(false);
      expect(c.certificates).toEqual(NATIONAL_DEFAULT.certificates);
      expect(c.receiptStyle).toBeUndefined();
    }
    expect(Object.keys(CITY_FACTS).every((code) => getCity(code))).toBe(true);
  });

  it('offers every city for a certificate the default covers, and drops Haikou for passports', () => {
    for (const cert of CERT_CODES) expect(citiesFor(cert).length).toBeGreaterThanOrEqual(CITIES.length - 1);
    expect(citiesFor('passport').some((c) => c.code === '4601')).toBe(false);
    expect(citiesFor('resident_id').some((c) => c.code === '4601')).toBe(true);
  });
});

describe('searchCities', () => {
  it.each([
    ['北京', ['北京市']],
    ['bj', ['北京市', '毕节市', '宝鸡市']], // the capital first, then catalogue order
    ['beijing', ['北京市']],
    ['BeiJing ', ['北京市']],
    ['深', ['深圳市']],
    ['sz', ['深圳市', '朔州市', '苏州市', '宿州市', '随州市']],
    ['cq', ['重庆市']],
    ['chongqing', ['重庆市']],
    ['xiamen', ['厦门市']],
    ['bengbu', ['蚌埠市']],
    ['luan', ['六安市']],
    ['kashi', ['喀什地区']],
    ['大理', ['大理白族自治州']],
    ['dali', ['大理白族自治州']],
    ['琼海', ['琼海市']],
    ['lingshui', ['陵水黎族自治县']],
  ])('%s → %j first', (query, expected) => {
    expect(names(query, expected.length)).toEqual(expected);
  });

  it('ranks exact, then prefix, then contains', () => {
    // 吉林: the city 吉林市 (exact short name) before the province's other cities.
    expect(names('吉林', 2)[0]).toBe('吉林市');
    // 州: only contained, after nothing better; 广州 (prefix "guangz") before 贵州's cities.
    expect(names('guangz', 1)).toEqual(['广州市']);
    const zhou = searchCities(CITIES, '阳');
    expect(zhou[0].name.startsWith('阳')).toBe(true); // 阳泉 / 阳江 before 沈阳, 贵阳 …
    expect(zhou.some((c) => c.name === '沈阳市')).toBe(true);
    const firstContains = zhou.findIndex((c) => !c.name.startsWith('阳'));
    expect(zhou.slice(firstContains).every((c) => !c.name.startsWith('阳'))).toBe(true);
  });

  it('finds a province’s cities by the province name, never the province itself', () => {
    const guangdong = searchCities(CITIES, '广东');
    expect(guangdong.length).toBe(21);
    expect(guangdong.every((c) => c.province === '广东省')).toBe(true);
    expect(searchCities(CITIES, '广东省').length).toBe(21);
  });

  it('answers nothing for nonsense, and everything for an empty query', () => {
    expect(searchCities(CITIES, 'qqqq')).toEqual([]);
    expect(searchCities(CITIES, '  ').length).toBe(CITIES.length);
  });
});

describe('groupByProvince', () => {
  it('puts the municipalities first, then the provinces in code order, each city once', () => {
    const groups = groupByProvince(CITIES);
    expect(groups[0]).toMatchObject({ title: MUNICIPALITY_GROUP });
    expect(groups[0].cities.map((c) => c.shortName)).toEqual(['北京', '天津', '上海', '重庆']);
    expect(groups.slice(1, 3).map((g) => g.title)).toEqual(['河北省', '山西省']);
    expect(groups.length).toBe(1 + 27);
    expect(groups.flatMap((g) => g.cities).length).toBe(CITIES.length);
  });
});

describe('locateCity', () => {
  it.each([
    [116.397, 39.909, '北京市'], // 天安门
    [121.473, 31.23, '上海市'],
    [106.577, 29.557, '重庆市'], // 解放碑: far from the municipality's centroid
    [113.264, 23.129, '广州市'], // nearer Foshan's centroid than Guangzhou's: the outline decides
    [114.055, 22.543, '深圳市'],
    [113.081, 22.579, '江门市'],
    [120.155, 30.274, '杭州市'],
    [75.99, 39.47, '喀什地区'],
    [100.225, 25.589, '大理白族自治州'],
    [110.466, 19.246, '琼海市'],
    [86.08, 44.306, '石河子市'],
    [117.678, 36.214, '济南市'], // the former 莱芜
  ])('(%s, %s) is in %s', (lng, lat, name) => {
    expect(locateCity({ lng, lat })?.name).toBe(name);
  });

  it('guesses nothing far from every city, and keeps to the cities on offer', () => {
    expect(locateCity({ lng: 139.69, lat: 35.69 })).toBeNull(); // Tokyo
    expect(locateCity({ lng: 110.33, lat: 20.022 }, citiesFor('passport'))?.name).not.toBe('海口市');
  });

  it('has an outline for nearly every city, each decoding to a ring in China', () => {
    expect(CITY_SHAPES.length).toBeGreaterThanOrEqual(CITIES.length - 3);
    for (const [code, lng, lat, outlines] of CITY_SHAPES) {
      expect(getCity(code)).toBeDefined();
      for (const o of outlines) {
        const ring = decodeRing(o);
        expect(ring.length).toBeGreaterThanOrEqual(3);
        expect(ring.every(([x, y]) => x > 73 && x < 136 && y > 3 && y < 54)).toBe(true);
      }
      expect(distanceKm({ lng, lat }, { lng: 105, lat: 35 })).toBeLessThan(3500);
    }
  });
});
