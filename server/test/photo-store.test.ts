/**
 * The photo store contract, the same cases on both implementations: files in a temporary
 * folder, and an S3 bucket on a real S3-compatible server (@20minutes/s3rver: the test run's
 * server when TEST_S3_* is set, else one started here). Put/get/delete/list, retention's
 * deleteKeys, temporary files, the ids kept inside the store, and sealing: the bytes at rest are
 * not the image, open only with the key, and only where they were stored.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStorageConfig, type S3StorageConfig } from '../src/config';
import { CryptoRepository } from '../src/repositories/crypto.repository';
import { FilePhotoStore, type PhotoStoreRepository } from '../src/repositories/photo-store.repository';
import { S3PhotoStore, openS3PhotoStore, s3Client } from '../src/repositories/s3-photo-store.repository';
import { fixture, startTestS3, testS3Env } from './support/api-harness';

const JPEG = fixture('deepface-img3.jpg');
const ORDER = 'order00000001';
const OTHER = 'order00000002';

/** What a test needs to look under the store: raw bytes at rest, and planting raw ones. */
interface Backend {
  name: string;
  open(): Promise<PhotoStoreRepository>;
  raw(orderId: string, name: string): Promise<Buffer>;
  plant(orderId: string, name: string, bytes: Buffer): Promise<void>;
  /** Copies the raw bytes of one stored file to another place, as an attacker with storage access could. */
  copy(from: [string, string], to: [string, string]): Promise<void>;
  cleanup(): Promise<void>;
}

const key = randomBytes(32);
const crypto = new CryptoRepository(key);

function fileBackend(): Backend {
  const root = mkdtempSync(path.join(os.tmpdir(), 'zphz-store-'));
  const file = (orderId: string, name: string) => path.join(root, orderId, name);
  return {
    name: 'files',
    open: async () => new FilePhotoStore(root, crypto),
    raw: async (orderId, name) => readFileSync(file(orderId, name)),
    plant: async (orderId, name, bytes) => {
      mkdirSync(path.join(root, orderId), { recursive: true });
      writeFileSync(file(orderId, name), bytes);
    },
    copy: async ([fo, fn], [to, tn]) => {
      mkdirSync(path.join(root, to), { recursive: true });
      writeFileSync(file(to, tn), readFileSync(file(fo, fn)));
    },
    cleanup: async () => rmSync(root, { recursive: true, force: true }),
  };
}

async function s3Backend(): Promise<Backend> {
  const prefix = `contract-${randomBytes(4).toString('hex')}/`;
  const shared = testS3Env(prefix);
  const own = shared ? null : await startTestS3();
  const config = loadStorageConfig(shared ?? { ...own!.env, S3_PREFIX: prefix }) as S3StorageConfig;
  const client = s3Client(config);
  const objectKey = (orderId: string, name: string) => `${config.prefix}${orderId}/${name}`;
  return {
    name: shared ? 's3 (the test run’s server)' : 's3 (own server)',
    open: () => openS3PhotoStore(config, crypto),
    raw: async (orderId, name) => {
      const res = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: objectKey(orderId, name) }));
      return Buffer.from(await res.Body!.transformToByteArray());
    },
    plant: async (orderId, name, bytes) => {
      await client.send(new PutObjectCommand({ Bucket: config.bucket, Key: objectKey(orderId, name), Body: bytes }));
    },
    copy: async ([fo, fn], [to, tn]) => {
      await client.send(new CopyObjectCommand({ Bucket: config.bucket, CopySource: `${config.bucket}/${objectKey(fo, fn)}`, Key: objectKey(to, tn) }));
    },
    cleanup: async () => {
      client.destroy();
      await own?.close();
    },
  };
}

describe.each([
  ['files', async () => fileBackend()],
  ['s3', s3Backend],
] as const)('the %s photo store', (_kind, make) => {
  let backend: Backend;
  let store: PhotoStoreRepository;
  beforeAll(async () => {
    backend = await make();
    store = await backend.open();
  });
  afterAll(async () => {
    await store?.close();
    await backend?.cleanup();
  });

  it('gives back what was put, and null for what was not', async () => {
    await store.put(ORDER, 'upload000001', 'original', JPEG);
    expect((await store.get(ORDER, 'upload000001', 'original'))!.equals(JPEG)).toBe(true);
    expect(await store.get(ORDER, 'upload000001', 'photo')).toBeNull();
    expect(await store.get(OTHER, 'upload000001', 'original')).toBeNull();
    // A second put replaces the first whole.
    await store.put(ORDER, 'upload000001', 'original', Buffer.from('second'));
    expect((await store.get(ORDER, 'upload000001', 'original'))!.toString()).toBe('second');
    await store.put(ORDER, 'upload000001', 'original', JPEG);
  });

  it('keeps the bytes sealed at rest: not the image, no image marker, opened only with the key', async () => {
    const atRest = await backend.raw(ORDER, 'upload000001.original');
    expect(atRest.length).toBeGreaterThan(JPEG.length); // version, IV and tag on top
    expect(atRest.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
    expect(atRest.includes(Buffer.from('JFIF\0', 'latin1'))).toBe(false);
    expect(atRest.includes(JPEG.subarray(100, 132))).toBe(false);
    // Control: the same bytes open to the image with the key and the place's associated data.
    expect(crypto.open(atRest, `photo:${ORDER}/upload000001.original`).equals(JPEG)).toBe(true);
    expect(() => new CryptoRepository(randomBytes(32)).open(atRest, `photo:${ORDER}/upload000001.original`)).toThrow();
  });

  it('does not open a sealed file moved to another order or kind', async () => {
    await backend.copy([ORDER, 'upload000001.original'], [OTHER, 'upload000001.original']);
    await expect(store.get(OTHER, 'upload000001', 'original')).rejects.toThrow();
    await backend.copy([ORDER, 'upload000001.original'], [ORDER, 'upload000001.photo']);
    await expect(store.get(ORDER, 'upload000001', 'photo')).rejects.toThrow();
    await store.delete(OTHER, 'upload000001', 'original');
    await store.delete(ORDER, 'upload000001', 'photo');
  });

  it('lists an order’s files and the orders that have any; leaves out names that are not ours', async () => {
    await store.put(ORDER, 'upload000002', 'photo', Buffer.from('p'));
    await store.put(ORDER, 'HK2026000001', 'receipt', Buffer.from('r'));
    await store.put(OTHER, 'upload000003', 'photo', Buffer.from('q'));
    await backend.plant(ORDER, 'notes.txt', Buffer.from('not ours'));
    await backend.plant(ORDER, 'upload000004.photo.1234-abcd.tmp', Buffer.from('half written'));
    const files = await store.files(ORDER);
    expect(files.map((f) => [f.name, f.kind]).sort()).toEqual([
      ['HK2026000001.receipt', 'receipt'],
      ['upload000001.original', 'original'],
      ['upload000002.photo', 'photo'],
      ['upload000004.photo.1234-abcd.tmp', 'temp'],
    ]);
    for (const f of files) expect(Math.abs(f.mtimeMs - Date.now())).toBeLessThan(60_000);
    expect((await store.orderIds()).sort()).toEqual([ORDER, OTHER]);
    expect(await store.files('order00000404')).toEqual([]);
    expect((await store.filesUnder(ORDER, ['upload000002', 'HK2026000001'])).map((f) => f.name).sort()).toEqual(['HK2026000001.receipt', 'upload000002.photo']);
  });

  it('removes a temporary file it listed, and deletes idempotently', async () => {
    const temp = (await store.files(ORDER)).find((f) => f.kind === 'temp')!;
    await store.remove(ORDER, temp);
    expect((await store.files(ORDER)).some((f) => f.kind === 'temp')).toBe(false);
    await store.delete(ORDER, 'upload000001', 'original');
    await store.delete(ORDER, 'upload000001', 'original');
    expect(await store.get(ORDER, 'upload000001', 'original')).toBeNull();
  });

  it('deletes for retention only the files under the keys given', async () => {
    await store.put(ORDER, 'newupload001', 'original', Buffer.from('a new photo'));
    await store.deleteKeys(ORDER, ['upload000002', 'HK2026000001']);
    expect((await store.files(ORDER)).filter((f) => f.kind !== 'temp').map((f) => f.name)).toEqual(['newupload001.original']);
    expect((await store.get(ORDER, 'newupload001', 'original'))!.toString()).toBe('a new photo');
    // The other order is untouched.
    expect((await store.get(OTHER, 'upload000003', 'photo'))!.toString()).toBe('q');
    await store.deleteKeys(OTHER, ['upload000003']);
    expect(await store.files(OTHER)).toEqual([]);
    expect(await store.orderIds()).not.toContain(OTHER);
  });

  it('keeps names inside the store', async () => {
    for (const [orderId, k] of [['../../etc', 'upload000001'], [ORDER, '../x'], [ORDER, 'a/b/c/d/e'], ['short', 'upload000001']]) {
      await expect(store.put(orderId!, k!, 'photo', Buffer.from('x'))).rejects.toThrow('invalid photo key');
      await expect(store.get(orderId!, k!, 'photo')).rejects.toThrow('invalid photo key');
    }
    await expect(store.remove(ORDER, { name: '../escape.photo', mtimeMs: 0, kind: 'temp' })).rejects.toThrow('invalid photo file');
  });

  it('answers the health check while the storage is there', async () => {
    await expect(store.check()).resolves.toBeUndefined();
  });
});

describe('the S3 store when its server goes away', () => {
  it('fails the health check (and every call) instead of pretending', async () => {
    const own = await startTestS3();
    const config = loadStorageConfig(own.env) as S3StorageConfig;
    const store = await openS3PhotoStore(config, crypto);
    try {
      await store.put(ORDER, 'upload000001', 'photo', Buffer.from('x'));
      await own.close();
      await expect(store.check()).rejects.toThrow();
      await expect(store.get(ORDER, 'upload000001', 'photo')).rejects.toThrow();
      expect(store).toBeInstanceOf(S3PhotoStore);
    } finally {
      await store.close();
      await own.close();
    }
  });
});
