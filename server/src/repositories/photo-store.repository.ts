/**
 * The photo store under `<dataDir>/photos/<orderId>/`: every file sealed with AES-256-GCM (a face
 * is sensitive personal information), written atomically, readable only by the server's user.
 * `original` is the upload as received, kept only until the job has processed it; `photo` is the
 * engine's output (no EXIF: the engine writes a bare JFIF); `receipt` is the rendered receipt,
 * kept under its image number.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CryptoRepository } from './crypto.repository';

export type PhotoKind = 'original' | 'photo' | 'receipt';

const KINDS: readonly string[] = ['original', 'photo', 'receipt'] satisfies PhotoKind[];

/** A file found in an order's folder: a stored file, or a temporary one a crash left behind. */
export type StoredFile = { name: string; mtimeMs: number } & ({ kind: PhotoKind; key: string } | { kind: 'temp' });

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

  /**
   * Atomic: the sealed bytes go to a temporary file, reach the disk (fsync), and only then take
   * the final name, so a reader or a crash sees the old file or the new one, never a part. A
   * temporary file a crash leaves behind is removed by `sweep` at the next start.
   */
  async put(orderId: string, key: string, kind: PhotoKind, bytes: Buffer): Promise<void> {
    const file = this.file(orderId, key, kind);
    const dir = path.dirname(file);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      const handle = await open(tmp, 'wx', 0o600);
      try {
        await handle.writeFile(this.crypto.seal(bytes, this.aad(orderId, key, kind)));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    await syncDir(dir);
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

  /**
   * Retention: the order's files stored under `keys` (any kind), then its folder once nothing is
   * left in it. Files under other keys stay: a new upload to a purged order is stored before the
   * commit that clears the mark.
   */
  async deleteKeys(orderId: string, keys: readonly string[]): Promise<void> {
    for (const f of await this.filesUnder(orderId, keys)) await this.remove(orderId, f);
    try {
      await rmdir(path.join(this.root, orderId));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
  }

  /** The files in an order's folder (names that are neither ours nor temporary are left out). */
  async files(orderId: string): Promise<StoredFile[]> {
    if (!SAFE.test(orderId)) throw new Error('invalid photo key');
    const dir = path.join(this.root, orderId);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const found: StoredFile[] = [];
    for (const name of names) {
      const mtimeMs = await stat(path.join(dir, name)).then(
        (s) => s.mtimeMs,
        () => null,
      );
      if (mtimeMs === null) continue; // gone meanwhile
      const dot = name.indexOf('.');
      const key = name.slice(0, dot);
      const kind = name.slice(dot + 1);
      if (name.endsWith('.tmp')) found.push({ name, mtimeMs, kind: 'temp' });
      else if (dot > 0 && SAFE.test(key) && KINDS.includes(kind)) found.push({ name, mtimeMs, key, kind: kind as PhotoKind });
    }
    return found;
  }

  /** The order's stored files under one of `keys`. */
  async filesUnder(orderId: string, keys: readonly string[]): Promise<StoredFile[]> {
    return (await this.files(orderId)).filter((f) => f.kind !== 'temp' && keys.includes(f.key));
  }

  /** Removes one file listed by `files`. */
  async remove(orderId: string, file: StoredFile): Promise<void> {
    if (!SAFE.test(orderId) || file.name.includes('/') || file.name.includes('\\') || file.name.startsWith('.')) throw new Error('invalid photo file');
    await rm(path.join(this.root, orderId, file.name), { force: true });
  }

  /** Ids of the orders that have a folder in the store (for the retention job's leftover check). */
  async orderIds(): Promise<string[]> {
    try {
      const entries = await readdir(this.root, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory() && SAFE.test(e.name)).map((e) => e.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }
}

/** Makes a rename durable: the directory entry itself reaches the disk (best effort: not every
 * platform lets a directory be opened for fsync). */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* not supported here: the rename is still atomic, only its durability on power loss is not assured */
  }
}
