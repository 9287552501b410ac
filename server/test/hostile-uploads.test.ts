/**
 * Whatever a phone (or an attacker) sends as a photo: each input gets a clear JSON answer with a
 * stable code, nothing is stored for a refused upload, and the server keeps answering everyone.
 *
 * - refused at upload, by bytes and header only (no pixels decoded): not an image under an image
 *   name, truncated files, decompression bombs, HEIC, SVG, GIF, animations, TIFF/BMP, videos, a
 *   bare or malformed body, zero bytes;
 * - a 100 MB body over a real socket: 413 at once, the rest never buffered, others still served;
 * - a connection dropped mid-upload: nothing stored, nothing stuck;
 * - accepted and made into a photo by the REAL engine: CMYK JPEG, 16-bit PNG, PNG with alpha,
 *   AVIF, whatever content type and filename the client claims; a JPEG whose scan data is
 *   garbage ends as the order's failed check, not a stuck order;
 * - EXIF with GPS is never stored or served: not in the processed photo (served or decrypted
 *   from the store), not in the receipt; the original is deleted once processed;
 * - filenames with path segments are ignored: nothing is written outside the photo store.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERRORS, type ApiErrorCode, type OrderView } from '../../shared/api';
import { PHOTO_MAX_BYTES, type AppConfig } from '../src/config';
import { INPUT_LIMITS, processPhoto } from '../src/photo/engine';
import { readImageHeader } from '../src/repositories/media.repository';
import { checkUpload, UPLOAD_MAX_PIXELS } from '../src/services/image-format';
import {
  allFiles,
  auth,
  createOrder,
  decide,
  eventually,
  expectError,
  fixture,
  getOrder,
  jpegMarkers,
  localReviewer,
  login,
  multipart,
  submit,
  TEST_APPLICANT,
  tempDataDir,
  testApp,
  testConfig,
  waitUntilProcessed,
  openTestStore,
  rawStoredFiles,
  rawStoredObjects,
  storedNames,
} from './support/api-harness';

const data = tempDataDir();
let config: AppConfig;
let app: FastifyInstance;
let owner: string;
let other: string;
let otherOrder: OrderView;

const PORTRAIT = fixture('deepface-img10.jpg'); // 408×594, passes every check
const HEIC = readFileSync(new URL('./fixtures/uploads/deepface-img10-hevc.heic', import.meta.url));
const CANARY = `zphz-canary-${process.pid}`;

beforeAll(async () => {
  config = testConfig(data.dir);
  // The real engine (one worker): what it does with CMYK, 16-bit and alpha is the point.
  app = await testApp(config);
  owner = await login(app, '甲');
  other = await login(app, '乙');
  otherOrder = await createOrder(app, other);
});
afterAll(async () => {
  await app?.close();
  data.remove();
});

// ---- helpers ----

function put(orderId: string, bytes: Buffer, { filename = 'photo.jpg', type = 'image/jpeg' } = {}) {
  const body = multipart('photo', bytes, filename, type);
  return app.inject({ method: 'PUT', url: `/api/orders/${orderId}/photo`, headers: { ...auth(owner), ...body.headers }, payload: body.payload });
}

/** The order's stored names (files, or objects in the bucket when the suite runs on S3). */
function storeFiles(orderId: string): Promise<string[]> {
  return storedNames(config, orderId);
}

/** The server answers health and a normal request for someone else; the refused order is untouched. */
async function expectStillServing(refusedOrderId?: string) {
  expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
  const list = await app.inject({ method: 'GET', url: '/api/orders', headers: auth(other) });
  expect(list.statusCode).toBe(200);
  expect(list.json<OrderView[]>().map((o) => o.id)).toContain(otherOrder.id);
  if (refusedOrderId) {
    expect((await getOrder(app, owner, refusedOrderId)).status).toBe('draft');
    expect(await storeFiles(refusedOrderId)).toEqual([]);
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type: string, body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), body])));
  return Buffer.concat([len, Buffer.from(type, 'latin1'), body, crc]);
}
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A complete, valid greyscale PNG of `size`×`size` black pixels: a true decompression bomb
 * (10000×10000 = 100 MP decodes to 100 MB and is ~100 KB on the wire). Deflated row by row.
 */
async function pngBomb(size: number): Promise<Buffer> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(0, 9); // greyscale
  const deflate = zlib.createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const row = Buffer.alloc(size + 1); // filter byte 0 + pixels
  for (let y = 0; y < size; y++) {
    if (!deflate.write(row)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', Buffer.concat(out)), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A PNG that declares `w`×`h` and stops after the first bit of pixel data (no IEND). */
function pngHeaderBomb(w: number, h: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.writeUInt8(8, 8);
  ihdr.writeUInt8(2, 9); // RGB
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(64 * 1024)))]);
}

/** A real JPEG whose start-of-frame says `w`×`h` (max 65535 each). */
function jpegDeclaring(jpeg: Buffer, w: number, h: number): Buffer {
  const out = Buffer.from(jpeg);
  let at = 2;
  while (at + 9 < out.length && out[at] === 0xff) {
    const marker = out[at + 1]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      out.writeUInt16BE(h, at + 5);
      out.writeUInt16BE(w, at + 7);
      return out;
    }
    at += 2 + out.readUInt16BE(at + 2);
  }
  throw new Error('no SOF marker');
}

/** Offset of the first start-of-scan marker. */
function sosOffset(jpeg: Buffer): number {
  let at = 2;
  while (jpeg[at] === 0xff && jpeg[at + 1] !== 0xda) at += 2 + jpeg.readUInt16BE(at + 2);
  return at;
}

/** The magic bytes of a BMP (sharp cannot write one; we never hand one to libvips either). */
function bmp(): Buffer {
  const b = Buffer.alloc(54 + 4 * 4 * 3);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(4, 18);
  b.writeInt32LE(4, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  return b;
}

// ---- inputs ----

interface Refusal {
  what: string;
  bytes: () => Promise<Buffer> | Buffer;
  status: number;
  code: ApiErrorCode;
  filename?: string;
  type?: string;
}

const frames = () =>
  Promise.all(['#c0392b', '#27ae60', '#2980b9'].map((c) => sharp({ create: { width: 64, height: 80, channels: 3, background: c } }).png().toBuffer()));

const REFUSED: Refusal[] = [
  // not an image, whatever its name and type say
  { what: 'an HTML page named photo.jpg, sent as image/jpeg', bytes: () => Buffer.from('<!doctype html><script>alert(document.cookie)</script>'), status: 422, code: 'PHOTO_UNREADABLE' },
  { what: 'a PDF sent as image/png', bytes: () => Buffer.from('%PDF-1.7\n'.padEnd(8192, 'x')), status: 422, code: 'PHOTO_UNREADABLE', filename: 'scan.png', type: 'image/png' },
  { what: 'a ZIP named photo.jpg', bytes: () => Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(4096, 1)]), status: 422, code: 'PHOTO_UNREADABLE' },
  { what: 'an ELF executable named photo.jpg', bytes: () => Buffer.concat([Buffer.from('\x7fELF', 'latin1'), Buffer.alloc(4096, 2)]), status: 422, code: 'PHOTO_UNREADABLE' },
  { what: 'zero bytes', bytes: () => Buffer.alloc(0), status: 422, code: 'PHOTO_UNREADABLE' },
  { what: 'JPEG magic bytes followed by garbage', bytes: () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(4096, 0x41)]), status: 422, code: 'PHOTO_UNREADABLE' },
  // cut off (a dropped connection, a half-synced album file)
  { what: 'a JPEG cut in half', bytes: () => PORTRAIT.subarray(0, PORTRAIT.length >> 1), status: 422, code: 'PHOTO_UNREADABLE' },
  { what: 'a JPEG cut right after its header', bytes: () => PORTRAIT.subarray(0, sosOffset(PORTRAIT) + 20), status: 422, code: 'PHOTO_UNREADABLE' },
  { what: 'a PNG cut at two thirds', bytes: async () => { const png = await sharp(PORTRAIT).png().toBuffer(); return png.subarray(0, Math.floor((png.length * 2) / 3)); }, status: 422, code: 'PHOTO_UNREADABLE', filename: 'a.png', type: 'image/png' },
  { what: 'a WebP cut in half', bytes: async () => { const webp = await sharp(PORTRAIT).webp().toBuffer(); return webp.subarray(0, webp.length >> 1); }, status: 422, code: 'PHOTO_UNREADABLE' },
  // decompression bombs: refused from the declared size, never decoded
  { what: 'a complete 10000×10000 PNG of ~100 KB (100 MP)', bytes: () => pngBomb(10_000), status: 422, code: 'PHOTO_DIMENSIONS_TOO_LARGE', filename: 'bomb.png', type: 'image/png' },
  { what: 'a PNG header declaring 60000×60000, cut short', bytes: () => pngHeaderBomb(60_000, 60_000), status: 422, code: 'PHOTO_DIMENSIONS_TOO_LARGE' },
  { what: 'a real JPEG whose frame header declares 65000×65000', bytes: () => jpegDeclaring(PORTRAIT, 65_000, 65_000), status: 422, code: 'PHOTO_DIMENSIONS_TOO_LARGE' },
  // formats we do not read
  { what: 'a HEIC (HEVC) photo', bytes: () => HEIC, status: 415, code: 'PHOTO_UNSUPPORTED_FORMAT', filename: 'IMG_0001.HEIC', type: 'image/heic' },
  { what: 'a HEIC photo renamed photo.jpg, sent as image/jpeg', bytes: () => HEIC, status: 415, code: 'PHOTO_UNSUPPORTED_FORMAT' },
  { what: 'an SVG', bytes: () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="500"><rect width="400" height="500" fill="red"/></svg>'), status: 415, code: 'PHOTO_UNSUPPORTED_FORMAT', filename: 'a.svg', type: 'image/svg+xml' },
  {
    what: 'an SVG with a BOM, an XML declaration, entity expansion and a script, named photo.jpg',
    bytes: () =>
      Buffer.from(
        '\uFEFF<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/api/orders")</script><text>&c;</text></svg>',
      ),
    status: 415,
    code: 'PHOTO_UNSUPPORTED_FORMAT',
  },
  { what: 'a GIF', bytes: () => sharp(PORTRAIT).gif().toBuffer(), status: 415, code: 'PHOTO_UNSUPPORTED_FORMAT' },
  { what: 'an animated GIF', bytes: async () => sharp(await frames(), { join: { animated: true } }).gif({ delay: 100, loop: 0 }).toBuffer(), status: 415, code: 'PHOTO_UNSUPPORTED_FORMAT' },
  { what: 'an animated WebP', bytes: async () => sharp(await frames(), { join: { animated: true } }).webp({ delay: 100, loop: 0 }).toBuffer(), status: 415, code: 'PHOTO_UNSUPPORTED_FORMAT', filename: 'a.webp', type: 'image/webp' },
  {
    what: 'an animated PNG (APNG)',
    bytes: async () => {
      const png = await sharp(PORTRAIT).resize(64).png().toBuffer();
      const actl = Buffer.alloc(8);
      actl.writeUInt32BE(3, 0); // frames
      return Buffer.concat([png.subarray(0, 33), pngChunk('acTL', actl), png.subarray(33)]); // after IHDR
    },
    status: 415,
    code: 'PHOTO_UNSUPPORTED_FORMAT',
    filename: 'a.png',
    type: 'image/png',
  },
  { what: 'a TIFF', bytes: () => sharp(PORTRAIT).tiff().toBuffer(), status: 415, code: 'PHOTO_UNSUPPORTED_FORMAT' },
  { what: 'a BMP', bytes: bmp, status: 415, code: 'PHOTO_UNSUPPORTED_FORMAT' },
  { what: 'a QuickTime video (a Live Photo’s other half)', bytes: () => Buffer.concat([Buffer.from([0, 0, 0, 0x14]), Buffer.from('ftypqt  \0\0\0\0qt  ', 'latin1'), Buffer.alloc(4096)]), status: 415, code: 'PHOTO_UNSUPPORTED_FORMAT' },
];

describe('refused at upload with a stable code; nothing stored; the server keeps serving', () => {
  const measured: string[] = [];
  afterAll(() => console.log(`refusals (time to answer, RSS change):\n${measured.join('\n')}`));

  it.each(REFUSED)('$what → $status $code', async ({ what, bytes, status, code, filename, type }) => {
    const order = await createOrder(app, owner);
    const input = await bytes();
    const rssBefore = process.memoryUsage.rss();
    const started = performance.now();
    const res = await put(order.id, input, { filename: filename ?? 'photo.jpg', type: type ?? 'image/jpeg' });
    const ms = performance.now() - started;
    expectError(res, status, code);
    measured.push(`  ${status} ${code.padEnd(26)} ${ms.toFixed(0).padStart(4)} ms ${((process.memoryUsage.rss() - rssBefore) / 1048576).toFixed(1).padStart(5)} MB  ${String(input.length).padStart(8)} B  ${what}`);
    // Decided from bytes and header: quick, and no pixels decoded (a bomb would need ≥ 100 MB).
    expect(ms).toBeLessThan(2_000);
    expect(process.memoryUsage.rss() - rssBefore).toBeLessThan(48 * 1024 * 1024);
    await expectStillServing(order.id);
  });

  it('a photo sent as a bare image body instead of the multipart field → 400 PHOTO_MISSING', async () => {
    const order = await createOrder(app, owner);
    const res = await app.inject({ method: 'PUT', url: `/api/orders/${order.id}/photo`, headers: { ...auth(owner), 'content-type': 'image/jpeg' }, payload: PORTRAIT });
    expectError(res, 400, 'PHOTO_MISSING');
    await expectStillServing(order.id);
  });

  it('a multipart body that ends inside the photo part → 400 PHOTO_MISSING', async () => {
    const order = await createOrder(app, owner);
    const body = multipart('photo', PORTRAIT);
    const cut = body.payload.subarray(0, body.payload.length - 200);
    const res = await app.inject({ method: 'PUT', url: `/api/orders/${order.id}/photo`, headers: { ...auth(owner), ...body.headers }, payload: cut });
    expectError(res, 400, 'PHOTO_MISSING');
    await expectStillServing(order.id);
  });

  it('an order id with path segments never reaches the store', async () => {
    const body = multipart('photo', PORTRAIT);
    for (const id of ['..%2F..%2Fetc', '..', '%2e%2e%2f%2e%2e%2fsecret.key']) {
      const res = await app.inject({ method: 'PUT', url: `/api/orders/${id}/photo`, headers: { ...auth(owner), ...body.headers }, payload: body.payload });
      expect([400, 404]).toContain(res.statusCode);
      expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
    }
    await expectStillServing();
  });

  it('takes what phones really write: a motion photo (video after the JPEG), a progressive JPEG, stray bytes between segments, a PNG with trailing bytes', async () => {
    const motion = Buffer.concat([PORTRAIT, Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42', 'latin1'), randomBytes(64 * 1024)]);
    const progressive = await sharp(PORTRAIT).jpeg({ progressive: true }).toBuffer();
    const firstSegmentEnd = 4 + PORTRAIT.readUInt16BE(4);
    const stray = Buffer.concat([PORTRAIT.subarray(0, firstSegmentEnd), Buffer.alloc(3), PORTRAIT.subarray(firstSegmentEnd)]);
    const png = Buffer.concat([await sharp(PORTRAIT).png().toBuffer(), Buffer.from('trailing bytes after IEND')]);
    for (const bytes of [motion, progressive, stray, png]) expect(await checkUpload(bytes, readImageHeader)).toMatchObject({ ok: true });
  });

  it('the engine, should a HEIC reach it, answers INPUT_UNSUPPORTED (not unreadable)', async () => {
    const { report, jpeg } = await processPhoto(HEIC, 'resident_id');
    expect(report.failures).toEqual(['INPUT_UNSUPPORTED']);
    expect(jpeg).toBeNull();
  });

  it('holds the upload pixel limit to the engine’s', () => {
    expect(UPLOAD_MAX_PIXELS).toBe(INPUT_LIMITS.maxPixels);
    expect(PHOTO_MAX_BYTES).toBe(INPUT_LIMITS.maxBytes);
  });
});

// ---- over a real socket ----

interface StreamedUpload {
  status: number;
  body: string;
  /** Bytes the client managed to write before the answer. */
  sent: number;
  ms: number;
}

/**
 * PUTs a multipart photo of `size` bytes over HTTP, generated on the fly from one 64 KiB buffer
 * (so the test process holds no copy). With `declareLength` the Content-Length says the size,
 * else the body is chunked. `dropAfter` cuts the connection after that many bytes.
 */
function streamUpload(baseUrl: string, orderId: string, size: number, { declareLength = true, dropAfter = Infinity } = {}): Promise<StreamedUpload> {
  const boundary = '----zphzstream';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  PORTRAIT.copy(chunk, 0, 0, 1024);
  const headers: Record<string, string | number> = { ...auth(owner), 'content-type': `multipart/form-data; boundary=${boundary}` };
  if (declareLength) headers['content-length'] = head.length + size + tail.length;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}/api/orders/${orderId}/photo`, { method: 'PUT', headers });
    let sent = 0;
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(parts).toString(), sent, ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('error', (err) => {
      // Writing on after the server answered and closed is expected (EPIPE/ECONNRESET).
      if (answered) return;
      if (sent >= dropAfter) resolve({ status: 0, body: '', sent, ms: performance.now() - started });
      else reject(err);
    });
    const pump = () => {
      while (!answered && sent < size) {
        if (sent >= dropAfter) {
          req.destroy(new Error('dropped by the test'));
          return;
        }
        const ok = req.write(sent === 0 ? Buffer.concat([head, chunk]) : chunk);
        sent += chunk.length;
        if (!ok) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end(tail);
    };
    pump();
  });
}

describe('over a real socket', () => {
  let baseUrl: string;
  beforeAll(async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  const health = async () => {
    const started = performance.now();
    const res = await fetch(`${baseUrl}/api/health`);
    return { status: res.status, ms: performance.now() - started };
  };

  it('a 100 MB body that says so → 413 PHOTO_TOO_LARGE before it is read', async () => {
    const order = await createOrder(app, owner);
    const rssBefore = process.memoryUsage.rss();
    const res = await streamUpload(baseUrl, order.id, 100 * 1024 * 1024);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ code: 'PHOTO_TOO_LARGE', message: API_ERRORS.PHOTO_TOO_LARGE });
    expect(res.ms).toBeLessThan(2_000);
    expect(res.sent).toBeLessThan(32 * 1024 * 1024);
    expect(process.memoryUsage.rss() - rssBefore).toBeLessThan(48 * 1024 * 1024);
    console.log(`100 MB with Content-Length: 413 after ${res.ms.toFixed(0)} ms, ${(res.sent / 1048576).toFixed(1)} MB written by the client, RSS ${((process.memoryUsage.rss() - rssBefore) / 1048576).toFixed(1)} MB more`);
    expect(await health()).toMatchObject({ status: 200 });
    await expectStillServing(order.id);
  });

  it('a chunked 100 MB body → 413 PHOTO_TOO_LARGE once 20 MB are in, the rest not read; others are served meanwhile', async () => {
    const order = await createOrder(app, owner);
    const rssBefore = process.memoryUsage.rss();
    const upload = streamUpload(baseUrl, order.id, 100 * 1024 * 1024, { declareLength: false });
    const meanwhile = await health();
    const res = await upload;
    expect(meanwhile.status).toBe(200);
    expect(meanwhile.ms).toBeLessThan(1_000);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ code: 'PHOTO_TOO_LARGE', message: API_ERRORS.PHOTO_TOO_LARGE });
    expect(res.ms).toBeLessThan(10_000);
    expect(res.sent).toBeLessThan(64 * 1024 * 1024);
    const grown = process.memoryUsage.rss() - rssBefore;
    // At most the 20 MB limit is held (then dropped), never the 100 MB.
    expect(grown).toBeLessThan(80 * 1024 * 1024);
    console.log(`100 MB chunked: 413 after ${res.ms.toFixed(0)} ms, ${(res.sent / 1048576).toFixed(1)} MB written by the client, RSS ${(grown / 1048576).toFixed(1)} MB more; health meanwhile ${meanwhile.ms.toFixed(0)} ms`);
    expect(await health()).toMatchObject({ status: 200 });
    await expectStillServing(order.id);
  });

  // A real uploader (wx.uploadFile, a browser) writes its whole body before it looks at the
  // answer: the 413 must still reach it, not a reset connection (EPIPE / ECONNRESET).
  it.each([
    ['with Content-Length', false],
    ['chunked', true],
  ])('a 40 MB photo written whole by a client that reads the answer only at the end (%s) → 413 it can read', async (_, chunked) => {
    const order = await createOrder(app, owner);
    const boundary = '----zphzwhole';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    PORTRAIT.copy(chunk, 0, 0, 1024);
    const size = head.length + 40 * chunk.length + tail.length;
    const headers: Record<string, string | number> = { ...auth(owner), 'content-type': `multipart/form-data; boundary=${boundary}` };
    if (!chunked) headers['content-length'] = size;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${baseUrl}/api/orders/${order.id}/photo`, { method: 'PUT', headers });
      req.on('error', reject);
      req.on('response', (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(parts).toString() }));
        res.on('error', reject);
      });
      let written = 0;
      const pump = () => {
        while (written < 40) {
          written += 1;
          if (!req.write(written === 1 ? Buffer.concat([head, chunk]) : chunk)) return void req.once('drain', pump);
        }
        req.end(tail);
      };
      pump();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ code: 'PHOTO_TOO_LARGE', message: API_ERRORS.PHOTO_TOO_LARGE });
    expect(await health()).toMatchObject({ status: 200 });
    await expectStillServing(order.id);
  });

  it('a connection dropped mid-upload stores nothing and leaves the order as it was', async () => {
    const order = await createOrder(app, owner);
    const res = await streamUpload(baseUrl, order.id, 8 * 1024 * 1024, { dropAfter: 3 * 1024 * 1024 });
    expect(res.status).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(await health()).toMatchObject({ status: 200 });
    await expectStillServing(order.id);
  });
});

// ---- accepted: the real engine ----

describe('inputs a phone can give that work (real engine)', () => {
  const EVIL = `zphz-evil-${process.pid}`;
  const accepted: { what: string; orderId?: string; bytes: () => Promise<Buffer>; filename: string; type: string; expect: 'ready' | 'needs_retake' }[] = [
    { what: 'a CMYK JPEG sent as text/html with a path in its name', bytes: () => sharp(PORTRAIT).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer(), filename: `../../${EVIL}.jpg`, type: 'text/html', expect: 'ready' },
    { what: 'a 16-bit PNG named photo.jpg', bytes: () => sharp(PORTRAIT).toColourspace('rgb16').png().toBuffer(), filename: `..\\..\\${EVIL}.jpg`, type: 'image/jpeg', expect: 'ready' },
    {
      what: 'a PNG with alpha (portrait on a transparent canvas)',
      bytes: () => sharp(PORTRAIT).ensureAlpha().extend({ top: 40, bottom: 40, left: 40, right: 40, background: { r: 0, g: 0, b: 0, alpha: 0 } }).png().toBuffer(),
      filename: `/tmp/${EVIL}.png`,
      type: 'application/octet-stream',
      expect: 'ready',
    },
    { what: 'an AVIF', bytes: () => sharp(PORTRAIT).avif({ quality: 70 }).toBuffer(), filename: `${EVIL}\u0000.jpg`, type: 'image/avif', expect: 'ready' },
    {
      what: 'a JPEG whose scan data is garbage (header and end marker intact)',
      bytes: async () => {
        const sos = sosOffset(PORTRAIT);
        const scanStart = sos + 2 + PORTRAIT.readUInt16BE(sos + 2);
        const garbage = Buffer.alloc(PORTRAIT.length - scanStart - 2);
        for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) % 255; // never 0xff
        return Buffer.concat([PORTRAIT.subarray(0, scanStart), garbage, Buffer.from([0xff, 0xd9])]);
      },
      filename: 'photo.jpg',
      type: 'image/jpeg',
      expect: 'needs_retake',
    },
  ];
  const gps = { orderId: '', input: Buffer.alloc(0) };

  beforeAll(async () => {
    // Everything is uploaded first; one engine worker then processes them in turn.
    for (const a of accepted) {
      const order = await createOrder(app, owner);
      const res = await put(order.id, await a.bytes(), { filename: a.filename, type: a.type });
      expect(res.statusCode, `${a.what}: ${res.body}`).toBe(202);
      a.orderId = order.id;
    }
    gps.input = await sharp(PORTRAIT)
      .withExif({
        IFD0: { ImageDescription: `${CANARY}-description`, Make: 'CanaryPhone', Model: 'Canary 1' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '22/1 32/1 1234/100', GPSLongitudeRef: 'E', GPSLongitude: '113/1 56/1 789/100', GPSMapDatum: `${CANARY}-gps` },
      })
      .jpeg({ quality: 95 })
      .toBuffer();
    const order = await createOrder(app, owner);
    expect((await put(order.id, gps.input)).statusCode).toBe(202);
    gps.orderId = order.id;
  }, 120_000);

  it.each(accepted)('$what → 202, then $expect', async (a) => {
    const order = await waitUntilProcessed(app, owner, a.orderId!, 120_000);
    expect(order.status, JSON.stringify(order.report?.failures)).toBe(a.expect);
    if (a.expect === 'ready') {
      expect(order.report!.ok).toBe(true);
      // The processed photo is an 8-bit sRGB JPEG whatever came in.
      const photo = await app.inject({ method: 'GET', url: order.photoUrl! });
      expect(photo.statusCode).toBe(200);
      const meta = await sharp(photo.rawPayload).metadata();
      expect({ format: meta.format, space: meta.space, channels: meta.channels, depth: meta.depth, hasAlpha: meta.hasAlpha }).toEqual({
        format: 'jpeg',
        space: 'srgb',
        channels: 3,
        depth: 'uchar',
        hasAlpha: false,
      });
    } else {
      // The engine's refusal is the order's report (or, had it crashed, the processing note).
      expect(order.report === null || order.report.failures.length > 0).toBe(true);
    }
    // The original is gone once processed (deleted just after the verdict is recorded).
    await eventually('the original deleted', async () => (await storeFiles(a.orderId!)).every((f) => !f.endsWith('.original')));
  }, 150_000);

  it('filenames with path segments are ignored: nothing is written outside the photo store', async () => {
    for (const id of [...accepted.map((a) => a.orderId!), gps.orderId]) await waitUntilProcessed(app, owner, id, 120_000);
    const candidates = [data.dir, path.join(data.dir, 'photos'), process.cwd(), os.tmpdir(), '/tmp'].flatMap((base) => [
      path.resolve(base, '..', '..', `${EVIL}.jpg`),
      path.resolve(base, `${EVIL}.jpg`),
      path.resolve(base, `${EVIL}.png`),
    ]);
    for (const file of candidates) expect(existsSync(file), file).toBe(false);
    for (const file of allFiles(data.dir)) expect(file).not.toContain(EVIL);
    // Only sealed files named by our own ids (no temporary files left) live in the store.
    await eventually('every original deleted', async () => (await rawStoredObjects(config)).every((f) => !f.name.endsWith('.original')));
    const stored = await rawStoredObjects(config);
    expect(stored.length).toBeGreaterThan(0);
    for (const { name } of stored) expect(name).toMatch(/^[A-Za-z0-9_-]{8,64}\/[A-Za-z0-9_-]{8,64}\.(photo|receipt)$/);
  });

  it('EXIF with GPS is never stored or served: not in the photo (served or stored), not in the receipt', async () => {
    // The upload did carry it.
    expect(jpegMarkers(gps.input)).toContain(0xe1);
    expect(gps.input.includes(`${CANARY}-gps`)).toBe(true);
    expect((await sharp(gps.input).metadata()).exif!.includes(Buffer.from([0x25, 0x88]))).toBe(true); // GPS IFD pointer (II)

    const order = await waitUntilProcessed(app, owner, gps.orderId, 120_000);
    expect(order.status).toBe('ready');
    const expectClean = (bytes: Buffer, what: string) => {
      for (const needle of [CANARY, 'CanaryPhone', 'Exif\0\0', 'GPS', 'http://ns.adobe.com/xap/']) expect(bytes.includes(needle), `${what} contains ${needle}`).toBe(false);
    };

    const served = (await app.inject({ method: 'GET', url: order.photoUrl! })).rawPayload;
    expect(jpegMarkers(served).filter((m) => m >= 0xe1 && m <= 0xef)).toEqual([]); // APP1–APP15: EXIF, XMP, IPTC…
    expectClean(served, 'served photo');
    const meta = await sharp(served).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();

    // In the store: one sealed processed photo, no original; decrypted, it is as clean.
    const files = await eventually('only the processed photo stored', async () => {
      const names = await storeFiles(gps.orderId);
      return names.length === 1 && names[0]!.endsWith('.photo') && names;
    });
    for (const f of await rawStoredFiles(config, gps.orderId)) expectClean(f.bytes, 'sealed file');
    const store = await openTestStore(config);
    const stored = await store.get(gps.orderId, files[0]!.split('.')[0]!, 'photo');
    await store.close();
    expect(stored!.equals(served)).toBe(true);

    // The receipt drawn from it once approved.
    const applicant = await app.inject({ method: 'PUT', url: `/api/orders/${gps.orderId}/applicant`, headers: auth(owner), payload: TEST_APPLICANT });
    expect(applicant.statusCode, applicant.body).toBe(200);
    await submit(app, owner, gps.orderId);
    await decide(app, await localReviewer(app, data.dir), gps.orderId, 'approve');
    const approved = await eventually('receipt issued', async () => {
      const view = await getOrder(app, owner, gps.orderId);
      return view.receiptUrl ? view : null;
    });
    const receipt = await app.inject({ method: 'GET', url: approved.receiptUrl! });
    expect(receipt.statusCode).toBe(200);
    expectClean(receipt.rawPayload, 'receipt');
    expect(receipt.rawPayload.includes('eXIf')).toBe(false);
    expect((await sharp(receipt.rawPayload).metadata()).exif).toBeUndefined();
    await expectStillServing();
  }, 150_000);
});
