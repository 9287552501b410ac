/**
 * The photo store under `<dataDir>/photos/<orderId>/`: every file sealed with AES-256-GCM (a face
 * is sensitive personal information), written atomically, readable only by the server's user.
 * `original` is the upload as received, kept only until the job has processed it; `photo` is the
 * engine's output (no EXIF: the engine writes a bare JFIF); `receipt` is the rendered receipt,
 * kept under its image number.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CryptoRepository } from './crypto.repository';

export type PhotoKind = 'original' | 'photo' | 'receipt';

const SAFE = /^[A-Za-z0-9_-]{8,64}$/;

export class PhotoStoreRepository {
  constructor(
    private readonly root: string,
    private readonly crypto: CryptoRepository,
  ) {}

  private file(orderId: string, key: string, kind: PhotoKind): string {
    // Ids come from our own random generator, but the check keeps paths inside the store anyway.
    if (!SAFE.test(orderId) || !SAFE.test(key)) throw new Error('invalid photo key');
    return path.join(this.root, orderId, `${key}.${kind}`);
  }

  private aad(orderId: string, key: string, kind: PhotoKind): string {
    return `photo:${orderId}/${key}.${kind}`;
  }

  async put(orderId: string, key: string, kind: PhotoKind, bytes: Buffer): Promise<void> {
    const file = this.file(orderId, key, kind);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, this.crypto.seal(bytes, this.aad(orderId, key, kind)), { mode: 0o600 });
    await rename(tmp, file);
  }

  async get(orderId: string, key: string, kind: PhotoKind): Promise<Buffer | null> {
    let sealed: Buffer;
    try {
      sealed = await readFile(this.file(orderId, key, kind));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return this.crypto.open(sealed, this.aad(orderId, key, kind));
  }

  async delete(orderId: string, key: string, kind: PhotoKind): Promise<void> {
    await rm(this.file(orderId, key, kind), { force: true });
  }
}
