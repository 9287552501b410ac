/**
 * Pinyin for the city search box, made at build time (the mini-program ships no pinyin
 * dictionary). pinyin-pro reads most names right; place names keep old readings a general
 * dictionary does not know, so those are fixed here, by the short name, and tested.
 */
import { pinyin } from 'pinyin-pro';

/**
 * Short names whose reading pinyin-pro gets wrong, or that are easy to get wrong and are pinned
 * so a dictionary update cannot change them (syllables separated by spaces, toneless).
 */
export const PINYIN_OVERRIDES: Readonly<Record<string, string>> = {
  // pinyin-pro 3.29.4 reads these wrongly (tested: without the override the result differs).
  喀什: 'ka shi', // 什 shí, not shén
  昌都: 'chang du', // 都 dū, not dōu
  // Polyphonic first characters pinned on purpose (pinyin-pro reads them right today).
  重庆: 'chong qing', // 重 chóng, not zhòng
  长沙: 'chang sha', // 长 cháng, not zhǎng
  长春: 'chang chun',
  长治: 'chang zhi',
  厦门: 'xia men', // 厦 xià, not shà
  蚌埠: 'beng bu', // 蚌 bèng, not bàng
  六安: 'lu an', // 六 lù, not liù
  六盘水: 'liu pan shui', // here 六 is liù
  丽水: 'li shui', // 丽 lí
  丽江: 'li jiang', // 丽 lì
  台州: 'tai zhou', // 台 tāi (toneless: tai)
  乐山: 'le shan', // 乐 lè, not yuè
  乐东: 'le dong',
  朝阳: 'chao yang', // 朝 cháo, not zhāo
  漯河: 'luo he', // 漯 luò, not tà
  亳州: 'bo zhou', // 亳 bó (not 毫)
  莆田: 'pu tian',
  濮阳: 'pu yang',
  泸州: 'lu zhou',
  儋州: 'dan zhou',
  郴州: 'chen zhou',
  衢州: 'qu zhou',
  宿州: 'su zhou', // 宿 sù, not xiǔ
  宿迁: 'su qian',
  济南: 'ji nan', // 济 jǐ (toneless: ji)
  济宁: 'ji ning',
  济源: 'ji yuan',
  曲靖: 'qu jing', // 曲 qū
  阿坝: 'a ba',
  阿拉善: 'a la shan',
  大理: 'da li',
  和田: 'he tian',
  那曲: 'na qu',
  日喀则: 'ri ka ze',
  吐鲁番: 'tu lu fan', // 番 fān (番禺 pān is a district, not in the list)
  巴彦淖尔: 'ba yan nao er',
  黄冈: 'huang gang',
  屯昌: 'tun chang',
  澄迈: 'cheng mai', // 澄 chéng, not dèng
};

export interface CityPinyin {
  /** Toneless syllables joined, e.g. 'chongqing'. */
  full: string;
  /** First letter of each syllable, e.g. 'cq'. */
  initials: string;
}

export function cityPinyin(shortName: string): CityPinyin {
  const syllables = (PINYIN_OVERRIDES[shortName] ?? pinyin(shortName, { toneType: 'none', type: 'array', v: true }).join(' '))
    .split(' ')
    .filter(Boolean);
  return { full: syllables.join(''), initials: syllables.map((s) => s[0]).join('') };
}
