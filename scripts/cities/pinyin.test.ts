import { pinyin } from 'pinyin-pro';
import { describe, expect, it } from 'vitest';

import { CITIES } from '../../shared/cities';
import { shortNameOf } from './divisions';
import { PINYIN_OVERRIDES, cityPinyin } from './pinyin';

describe('city pinyin', () => {
  it.each([
    ['重庆', 'chongqing', 'cq'],
    ['长沙', 'changsha', 'cs'],
    ['厦门', 'xiamen', 'xm'],
    ['蚌埠', 'bengbu', 'bb'],
    ['六安', 'luan', 'la'],
    ['六盘水', 'liupanshui', 'lps'],
    ['丽水', 'lishui', 'ls'],
    ['台州', 'taizhou', 'tz'],
    ['乐山', 'leshan', 'ls'],
    ['朝阳', 'chaoyang', 'cy'],
    ['喀什', 'kashi', 'ks'],
    ['昌都', 'changdu', 'cd'],
    ['澄迈', 'chengmai', 'cm'],
    ['吕梁', 'lvliang', 'll'],
  ])('%s reads %s (%s)', (name, full, initials) => {
    expect(cityPinyin(name)).toEqual({ full, initials });
  });

  it('needs the overrides: pinyin-pro alone misreads 喀什 and 昌都', () => {
    const plain = (name: string) => pinyin(name, { toneType: 'none', type: 'array' }).join('');
    expect(plain('喀什')).not.toBe('kashi');
    expect(plain('昌都')).not.toBe('changdu');
  });

  it('names only cities in the catalogue in the override table', () => {
    const shortNames = new Set(CITIES.map((c) => c.shortName));
    for (const name of Object.keys(PINYIN_OVERRIDES)) expect(shortNames.has(name), name).toBe(true);
  });

  it('matches the generated data file (run scripts/cities/generate.ts after changing the tables)', () => {
    for (const c of CITIES) expect({ name: c.shortName, ...cityPinyin(c.shortName) }).toEqual({ name: c.shortName, full: c.pinyin, initials: c.initials });
  });
});

describe('shortNameOf', () => {
  it.each([
    ['深圳市', '深圳'],
    ['大理白族自治州', '大理'],
    ['黔东南苗族侗族自治州', '黔东南'],
    ['博尔塔拉蒙古自治州', '博尔塔拉'],
    ['克孜勒苏柯尔克孜自治州', '克孜勒苏'],
    ['阿拉善盟', '阿拉善'],
    ['大兴安岭地区', '大兴安岭'],
    ['神农架林区', '神农架'],
    ['定安县', '定安'],
    ['保亭黎族苗族自治县', '保亭'],
    ['广西壮族自治区', '广西'],
    ['新疆维吾尔自治区', '新疆'],
    ['内蒙古自治区', '内蒙古'],
  ])('%s → %s', (name, short) => {
    expect(shortNameOf(name)).toBe(short);
  });

  it('leaves no ethnic or administrative suffix on any city', () => {
    for (const c of CITIES) expect(c.shortName, c.name).not.toMatch(/族|自治|市$|地区$|盟$/);
  });
});
