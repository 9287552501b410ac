/**
 * Orders outside the first nine cities, through the API (real SQLite, real photos, an accepting
 * stand-in engine): a municipality, an autonomous prefecture and a county-level city Hainan
 * administers directly each go to an image number with their 4-digit code, a receipt with their
 * validity and style, and a counter look-up that names the city.
 */
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ReceiptLookupView } from '../../shared/api';
import type { CertCode } from '../../shared/certificates';
import { getCity } from '../../shared/cities';
import { parseImageNumber, validateImageNumber } from '../../shared/image-number';
import { GROUP_STYLES, SINGLE_USE_NOTE, receiptStyle } from '../src/services/receipt-style';
import {
  acceptingProcessor,
  auth,
  decide,
  expectError,
  get,
  getOrder,
  localCounter,
  localReviewer,
  login,
  submit,
  readyOrder,
  tempDataDir,
  testApp,
  testConfig,
} from './support/api-harness';

const data = tempDataDir();
let app: FastifyInstance;
let applicant: string;
let reviewer: string;
let counter: string;

beforeAll(async () => {
  app = await testApp(testConfig(data.dir, { sessionDays: 365 }), { processor: acceptingProcessor() });
  applicant = await login(app, '申请人');
  reviewer = await localReviewer(app, data.dir);
  counter = await localCounter(app, data.dir);
});
afterAll(async () => {
  await app?.close();
  data.remove();
});

/** The pixel in the receipt's title band, as #rrggbb. */
async function bandColour(png: Buffer): Promise<string> {
  const { data: px } = await sharp(png).extract({ left: 10, top: 10, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
  return `#${[...px.subarray(0, 3)].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

describe('orders in every city', () => {
  it.each([
    // code, certificate, image-number city part, validity days, band colour
    ['1101', 'resident_id', '1101', 30, GROUP_STYLES.A.accent], // 北京: a municipality, national default
    ['5329', 'passport', '5329', 30, GROUP_STYLES.B.accent], // 大理白族自治州
    ['469002', 'residence_permit', '4690', 30, GROUP_STYLES.A.accent], // 琼海: county-level, under Hainan
    ['4601', 'resident_id', '4601', 30, '#00838f'], // 海口: its own accent
    ['4403', 'driver_license', '4403', 180, GROUP_STYLES.C.accent], // 深圳: 180 days, single use
  ] as [string, CertCode, string, number, string][])('%s %s → image number %s…, %i days', async (cityCode, certType, numberCity, days, accent) => {
    const ready = await readyOrder(app, applicant, { cityCode, certType });
    await submit(app, applicant, ready.id);
    await decide(app, reviewer, ready.id, 'approve');
    const view = await getOrder(app, applicant, ready.id);

    expect(view.status).toBe('approved');
    expect(view.cityCode).toBe(cityCode);
    const number = view.receipt!.number;
    expect(validateImageNumber(number)).toBe(true);
    expect(parseImageNumber(number)!.cityCode).toBe(numberCity);
    expect((Date.parse(view.receipt!.expiresAt) - Date.parse(view.receipt!.issuedAt)) / 86_400_000).toBe(days);

    const lookup = await get(app, `/api/receipts/${number}`, counter);
    expect(lookup.statusCode, lookup.body).toBe(200);
    expect(lookup.json<ReceiptLookupView>()).toMatchObject({ cityCode, cityName: getCity(cityCode)!.name, status: 'valid' });

    const png = await get(app, view.receiptUrl!);
    expect(png.statusCode).toBe(200);
    expect(await bandColour(png.rawPayload)).toBe(accent);
  });

  it('refuses a province, a placeholder and a Hong Kong code as the city', async () => {
    for (const cityCode of ['4400', '4690', '1100', '8100', '440300']) {
      const res = await app.inject({ method: 'POST', url: '/api/orders', headers: auth(applicant), payload: { certType: 'resident_id', cityCode } });
      expectError(res, 422, 'CITY_NOT_SUPPORTED');
    }
    const malformed = await app.inject({ method: 'POST', url: '/api/orders', headers: auth(applicant), payload: { certType: 'resident_id', cityCode: '44031' } });
    expect(expectError(malformed, 400, 'VALIDATION_FAILED').fields).toEqual({ cityCode: '请选择办证城市' });
  });
});

describe('receiptStyle', () => {
  it('is the group style for a city without its own, and adds what a city changes', () => {
    expect(receiptStyle('A', '北京市', '身份证件类', getCity('1101')!)).toEqual({ ...GROUP_STYLES.A, title: '北京市 身份证件类 数字相片回执' });
    const shenzhen = receiptStyle('A', '深圳市', '身份证件类', getCity('4403')!);
    expect(shenzhen.notes).toEqual([SINGLE_USE_NOTE, ...GROUP_STYLES.A.notes, '深圳市各办证窗口及网上平台通用']);
    expect(receiptStyle('A', '海口市', '身份证件类', getCity('4601')!).accent).toBe('#00838f');
    expect(receiptStyle('B', '4499', '出入境证件类', null)).toMatchObject({ accent: GROUP_STYLES.B.accent, notes: GROUP_STYLES.B.notes });
  });
});
