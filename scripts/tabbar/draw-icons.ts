/**
 * Draws the tab bar icons (client/assets/tabbar/*.png, 81×81 as WeChat recommends, normal and
 * selected) from the outlines below. Run once after changing them: `npx tsx scripts/tabbar/draw-icons.ts`.
 */
import { writeFileSync } from 'node:fs';
import sharp from 'sharp';

const OUTLINES: Record<string, string> = {
  // 首页: a house
  home: '<path d="M14 38 L40.5 14 L67 38 M22 32 V66 H59 V32 M34 66 V48 H47 V66" />',
  // 订单: a sheet with lines
  orders: '<rect x="20" y="12" width="41" height="57" rx="5" /><path d="M29 28 H52 M29 40 H52 M29 52 H44" />',
  // 客服: a headset
  service: '<path d="M18 46 V40 A22.5 22.5 0 0 1 63 40 V46" /><rect x="14" y="44" width="11" height="18" rx="4" /><rect x="56" y="44" width="11" height="18" rx="4" /><path d="M61 62 Q61 70 48 70 H42" />',
};

const COLOURS = { normal: '#999999', selected: '#07c160' };

for (const [name, outline] of Object.entries(OUTLINES)) {
  for (const [state, colour] of Object.entries(COLOURS)) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="81" height="81" viewBox="0 0 81 81"><g fill="none" stroke="${colour}" stroke-width="5" stroke-linecap="round" stroke-linejoin="round">${outline}</g></svg>`;
    const png = await sharp(Buffer.from(svg)).png({ palette: true }).toBuffer();
    const file = `client/assets/tabbar/${name}${state === 'selected' ? '-active' : ''}.png`;
    writeFileSync(file, png);
    console.log(file, png.length, 'bytes');
  }
}
