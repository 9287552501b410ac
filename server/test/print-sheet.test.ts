/**
 * Print sheets: the layout maths for every spec on 6-inch paper; the CLI's sheet read back as
 * pixels (size, density, every copy where the layout says, cut marks black, the rest white, a face
 * found by the second model in a copy); the API endpoint for an approved order with the real
 * engine (owner only, 409 before approval and after use, 400 for an unknown size).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERRORS, printSheetPath, type OrderView } from '../../shared/api';
import { getCertificate, SPECS, type CertCode } from '../../shared/certificates';
import { PhotoPool } from '../src/photo/pool';
import {
  CUT_MARK_LENGTH_PX,
  CUT_MARK_OFFSET_PX,
  layoutPrintSheet,
  mmToPx,
  PRINT_SHEETS,
  SHEET_MARGIN_MM,
  type PixelRect,
  type PrintSheetLayout,
} from '../src/photo/print-sheet';
import {
  createOrder,
  decide,
  expectError,
  get,
  getOrder,
  localCounter,
  localReviewer,
  login,
  post,
  submittedOrder,
  tempDataDir,
  testApp,
  testConfig,
} from './support/api-harness';
import { decodeRgb, type RgbImage } from './support/face-api';
import { measureOutput, readJpegHeader } from './support/verify-output';

const SIX = PRINT_SHEETS['6inch'];
const overlaps = (a: PixelRect, b: PixelRect) =>
  a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
const photoRects = (l: PrintSheetLayout): PixelRect[] => l.positions.map((p) => ({ ...p, width: l.photoWidth, height: l.photoHeight }));

describe('layout on 6-inch (4R) paper', () => {
  it('is 102×152 mm at 300 dpi: 1205×1795 px', () => {
    const l = layoutPrintSheet(SIX, SPECS.ga461);
    expect([l.width, l.height, l.sheet.dpi]).toEqual([1205, 1795, 300]);
  });

  // Copy size = the file's pixels at its own density; copies = the most that fit with 3 mm margins, 2 mm gaps.
  it.each([
    ['ga461', 307, 378, { width: 26, height: 32 }, 3, 4],
    ['exit_entry', 354, 472, { width: 30, height: 40 }, 3, 3],
    ['ga482', 260, 378, { width: 22, height: 32 }, 4, 4],
  ] as const)('%s: %i×%i px copies (%o mm), %i columns × %i rows', (id, w, h, mm, columns, rows) => {
    const l = layoutPrintSheet(SIX, SPECS[id]);
    expect([l.photoWidth, l.photoHeight]).toEqual([w, h]);
    expect(l.photoMm).toEqual(mm);
    expect([l.columns, l.rows, l.copies, l.positions.length]).toEqual([columns, rows, columns * rows, columns * rows]);
  });

  it.each(Object.keys(SPECS) as (keyof typeof SPECS)[])('%s: copies inside the margins, apart by the gap, centred; one more would not fit', (id) => {
    const l = layoutPrintSheet(SIX, SPECS[id]);
    const margin = mmToPx(SHEET_MARGIN_MM, SIX.dpi);
    const rects = photoRects(l);
    for (const r of rects) {
      expect(r.left).toBeGreaterThanOrEqual(margin);
      expect(r.top).toBeGreaterThanOrEqual(margin);
      expect(r.left + r.width).toBeLessThanOrEqual(l.width - margin);
      expect(r.top + r.height).toBeLessThanOrEqual(l.height - margin);
    }
    rects.forEach((a, i) => rects.slice(i + 1).forEach((b) => expect(overlaps(a, b)).toBe(false)));
    // Neighbours are exactly one gap apart.
    expect(rects[1]!.left - (rects[0]!.left + l.photoWidth)).toBe(l.gapPx);
    expect(rects[l.columns]!.top - (rects[0]!.top + l.photoHeight)).toBe(l.gapPx);
    // Centred: left and right, top and bottom borders differ by at most a pixel.
    const last = rects[rects.length - 1]!;
    expect(Math.abs(rects[0]!.left - (l.width - last.left - last.width))).toBeLessThanOrEqual(1);
    expect(Math.abs(rects[0]!.top - (l.height - last.top - last.height))).toBeLessThanOrEqual(1);
    // One more column or row would cross the margin.
    expect(l.columns * l.photoWidth + l.columns * l.gapPx + l.photoWidth).toBeGreaterThan(l.width - 2 * margin);
    expect(l.rows * l.photoHeight + l.rows * l.gapPx + l.photoHeight).toBeGreaterThan(l.height - 2 * margin);
    // Turning the copies sideways fits no more.
    const turned = layoutPrintSheet(SIX, { width: SPECS[id].height, height: SPECS[id].width, dpi: SPECS[id].dpi });
    expect(turned.copies).toBeLessThanOrEqual(l.copies);
  });

  it('cut marks: eight per copy, on the sheet, never on a photo, never touching a neighbour’s marks', () => {
    for (const spec of Object.values(SPECS)) {
      const l = layoutPrintSheet(SIX, spec);
      expect(l.cutMarks).toHaveLength(8 * l.copies);
      const photos = photoRects(l);
      for (const m of l.cutMarks) {
        expect(m.left).toBeGreaterThanOrEqual(0);
        expect(m.top).toBeGreaterThanOrEqual(0);
        expect(m.left + m.width).toBeLessThanOrEqual(l.width);
        expect(m.top + m.height).toBeLessThanOrEqual(l.height);
        for (const p of photos) expect(overlaps(m, p)).toBe(false);
      }
      // Marks of different copies stay apart (a copy's own two marks at a corner do not meet either).
      const marks = l.cutMarks;
      for (let i = 0; i < marks.length; i++) {
        for (let j = i + 1; j < marks.length; j++) expect(overlaps(marks[i]!, marks[j]!), `${i} ${j}`).toBe(false);
      }
      // Each mark sits on the line of a photo edge: its centre line is a copy's left/right or top/bottom edge.
      const xs = new Set(photos.flatMap((p) => [p.left, p.left + p.width]));
      const ys = new Set(photos.flatMap((p) => [p.top, p.top + p.height]));
      for (const m of marks) {
        if (m.width < m.height) expect(xs.has(m.left + m.width / 2)).toBe(true);
        else expect(ys.has(m.top + m.height / 2)).toBe(true);
      }
    }
  });
});

// ---- reading a sheet back ----

function px(img: RgbImage, x: number, y: number): [number, number, number] {
  const i = (y * img.width + x) * 3;
  return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
}
/** Mean absolute difference of two equally sized regions of two images (0–255). */
function regionDiff(a: RgbImage, ra: { left: number; top: number }, b: RgbImage, rb: { left: number; top: number }, w: number, h: number): number {
  let sum = 0;
  for (let y = 0; y < h; y += 2) {
    for (let x = 0; x < w; x += 2) {
      const pa = px(a, ra.left + x, ra.top + y);
      const pb = px(b, rb.left + x, rb.top + y);
      sum += Math.abs(pa[0] - pb[0]) + Math.abs(pa[1] - pb[1]) + Math.abs(pa[2] - pb[2]);
    }
  }
  return sum / (3 * Math.ceil(w / 2) * Math.ceil(h / 2));
}

/**
 * Checks a decoded sheet against its layout and the spec photo it was made from: every copy
 * matches the photo resampled to the copy size, every cut mark is black, and everything else
 * (margins, gaps, any room beyond the grid) is white paper.
 */
async function expectSheet(sheet: Buffer, l: PrintSheetLayout, specPhoto: Buffer): Promise<void> {
  const header = await readJpegHeader(sheet);
  expect([header.width, header.height]).toEqual([1205, 1795]);
  expect(header.jfif).toEqual({ units: 1, xDensity: 300, yDensity: 300 });
  expect(header.baseline).toBe(true);
  expect(header.hasExif || header.hasXmp || header.hasIcc).toBe(false);

  const img = await decodeRgb(sheet);
  const expected = await decodeRgb(await sharp(specPhoto).resize(l.photoWidth, l.photoHeight, { fit: 'fill' }).png().toBuffer());
  for (const p of l.positions) {
    expect(regionDiff(img, p, expected, { left: 0, top: 0 }, l.photoWidth, l.photoHeight)).toBeLessThan(3);
  }
  // The check can fail: the same copy compared a gap's width off its place differs clearly.
  const off = { left: l.positions[0]!.left + l.gapPx, top: l.positions[0]!.top };
  expect(regionDiff(img, off, expected, { left: 0, top: 0 }, l.photoWidth, l.photoHeight)).toBeGreaterThan(6);

  // Paint what should be where: 0 = paper, 1 = photo, 2 = mark; then check every pixel (step 1).
  const map = new Uint8Array(img.width * img.height);
  for (const r of photoRects(l)) for (let y = r.top; y < r.top + r.height; y++) map.fill(1, y * img.width + r.left, y * img.width + r.left + r.width);
  for (const m of l.cutMarks) for (let y = m.top; y < m.top + m.height; y++) map.fill(2, y * img.width + m.left, y * img.width + m.left + m.width);
  let paperNotWhite = 0;
  let markNotBlack = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const kind = map[y * img.width + x];
      if (kind === 1) continue;
      // JPEG ringing next to a black mark or a dark photo edge (a dark collar running to the
      // bottom): judge the paper one pixel away from any mark or copy.
      const nearMark = [-1, 0, 1].some((dy) => [-1, 0, 1].some((dx) => (map[(y + dy) * img.width + x + dx] ?? 0) !== 0));
      const v = px(img, x, y);
      if (kind === 0 && !nearMark && Math.min(...v) < 245) paperNotWhite++;
      if (kind === 2 && Math.max(...v) > 60) markNotBlack++;
    }
  }
  expect(paperNotWhite).toBe(0);
  expect(markNotBlack).toBe(0);
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixturePath = (name: string) => path.join(root, 'server/test/fixtures/photos', name);

function photoCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'server/src/photo/cli.ts', ...args], { cwd: root, maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('npm run -s photo -- --print 6inch', () => {
  it.each(['resident_id', 'driver_license'] as CertCode[])('%s: writes a sheet of copies where the layout puts them', async (cert) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'print-sheet-'));
    const photoOut = path.join(dir, 'photo.jpg');
    const sheetOut = path.join(dir, 'sheet.jpg');
    const input = fixturePath('deepface-img10.jpg');
    // The same input once without --print: the spec photo the sheet is made of (the engine is deterministic).
    expect((await photoCli(['--cert', cert, '--out', photoOut, input])).code).toBe(0);
    const { code, stdout } = await photoCli(['--cert', cert, '--print', '6inch', '--out', sheetOut, input]);
    expect(code).toBe(0);
    const spec = getCertificate(cert).spec;
    const layout = layoutPrintSheet(SIX, spec);
    const report = JSON.parse(stdout.trim());
    expect(report).toMatchObject({ ok: true, print: { size: '6inch', width: 1205, height: 1795, dpi: 300, copies: layout.copies, photoMm: layout.photoMm } });
    await expectSheet(readFileSync(sheetOut), layout, readFileSync(photoOut));
    // A copy cut out of the sheet is still a portrait to a second face model.
    const p = layout.positions[layout.copies - 1]!;
    const copy = await sharp(readFileSync(sheetOut)).extract({ ...p, width: layout.photoWidth, height: layout.photoHeight }).png().toBuffer();
    const m = await measureOutput(copy);
    expect(m.faces).toBe(1);
    expect(Math.abs(m.faceCentreX - layout.photoWidth / 2)).toBeLessThan(0.05 * layout.photoWidth);
  });

  it('refuses an unknown size or a missing --out (exit 2); a rejected photo writes no sheet (exit 1)', async () => {
    const bad = await photoCli(['--cert', 'passport', '--print', 'a4', '--out', '/tmp/x.jpg', fixturePath('deepface-img10.jpg')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown print size "a4"');
    expect((await photoCli(['--cert', 'passport', '--print', '6inch', fixturePath('deepface-img10.jpg')])).code).toBe(2);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'print-sheet-'));
    const rejected = await photoCli(['--cert', 'passport', '--print', '6inch', '--out-dir', dir, fixturePath('deepface-couple.jpg')]);
    expect(rejected.code).toBe(1);
    expect(JSON.parse(rejected.stdout.trim())).toMatchObject({ ok: false, failures: ['MULTIPLE_FACES'] });
    expect(() => readFileSync(path.join(dir, 'deepface-couple.jpg'))).toThrow();
  });
});

describe('GET /api/orders/:id/print-sheet (real engine)', () => {
  const data = tempDataDir();
  const pool = new PhotoPool({ size: 1 });
  let app: FastifyInstance;
  let owner: string;
  let other: string;
  let reviewer: string;
  let approved: OrderView;

  beforeAll(async () => {
    app = await testApp(testConfig(data.dir), { processor: pool });
    owner = await login(app, '冲印用户');
    other = await login(app, '别人');
    reviewer = await localReviewer(app, data.dir);
    const order = await submittedOrder(app, owner, '4403', 'resident_id', 'deepface-img10.jpg');
    await decide(app, reviewer, order.id, 'approve');
    approved = await getOrder(app, owner, order.id);
    expect(approved.status).toBe('approved');
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await pool.close();
    data.remove();
  });

  it('gives the owner a 6-inch JPEG of the approved photo: 12 copies of 26×32 mm', async () => {
    const res = await get(app, printSheetPath(approved.id), owner);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['cache-control']).toBe('private, no-store');
    const photo = await get(app, `/api/orders/${approved.id}/photo.jpg`, owner);
    expect(photo.statusCode).toBe(200);
    const layout = layoutPrintSheet(SIX, SPECS.ga461);
    expect(layout.copies).toBe(12);
    await expectSheet(res.rawPayload, layout, photo.rawPayload);
    // No size given: 6-inch.
    expect((await get(app, `/api/orders/${approved.id}/print-sheet`, owner)).rawPayload.equals(res.rawPayload)).toBe(true);
  });

  it('refuses an unknown size with 400 and a Chinese message', async () => {
    const body = expectError(await get(app, `/api/orders/${approved.id}/print-sheet?size=a4`, owner), 400, 'VALIDATION_FAILED');
    expect(JSON.stringify(body)).toMatch(/[\u4e00-\u9fff]/);
  });

  it('is nobody else’s: another applicant 404, no token 401, staff 403', async () => {
    expectError(await get(app, printSheetPath(approved.id), other), 404, 'NOT_FOUND');
    expectError(await get(app, printSheetPath(approved.id), null), 401, 'UNAUTHORIZED');
    expectError(await get(app, printSheetPath(approved.id), reviewer), 403, 'FORBIDDEN');
  });

  it('answers 409 PRINT_SHEET_NOT_AVAILABLE before approval (draft, submitted) and after the receipt is used', async () => {
    const draft = await createOrder(app, owner);
    const waiting = await submittedOrder(app, owner, '4403', 'resident_id', 'deepface-img10.jpg');
    for (const id of [draft.id, waiting.id]) {
      const body = expectError(await get(app, printSheetPath(id), owner), 409, 'PRINT_SHEET_NOT_AVAILABLE');
      expect(body.message).toBe(API_ERRORS.PRINT_SHEET_NOT_AVAILABLE);
    }
    const usedOrder = await submittedOrder(app, owner, '4403', 'resident_id', 'deepface-img10.jpg');
    await decide(app, reviewer, usedOrder.id, 'approve');
    const number = (await getOrder(app, owner, usedOrder.id)).receipt!.number;
    expect((await get(app, printSheetPath(usedOrder.id), owner)).statusCode).toBe(200);
    const counter = await localCounter(app, data.dir);
    expect((await post(app, `/api/receipts/${number}/use`, counter)).statusCode).toBe(200);
    expectError(await get(app, printSheetPath(usedOrder.id), owner), 409, 'PRINT_SHEET_NOT_AVAILABLE');
  }, 120_000);
});
