/**
 * The photo store: every photo and receipt image sealed with AES-256-GCM (a face is sensitive
 * personal information), under `<orderId>/<key>.<kind>`. `original` is the upload as received,
 * kept only until the job has processed it; `photo` is the engine's output (no EXIF: the engine
 * writes a bare JFIF); `receipt` is the rendered receipt, kept under its image number.
 *
 * Two implementations of one interface: `FilePhotoStore` (files under `<dataDir>/photos/`, one
 * machine, the default) and `S3PhotoStore` (s3-photo-store.repository.ts: an S3-compatible
 * bucket shared by every instance). Both seal the same way, with the same associated data, so a
 * sealed object copied from one to the other opens, and one moved to another order does not.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CryptoRepository } from './crypto.repository';

export type PhotoKind = 'original' | 'photo' | 'receipt';

const KINDS: readonly string[] = ['original', 'photo', 'receipt'] satisfies PhotoKind[];

/** A file found under an order: a stored one, or a temporary one a crash left behind. */
export type StoredFile = { name: string; mtimeMs: number } & ({ kind: PhotoKind; key: string } | { kind: 'temp' });

export const SAFE_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** What every photo store offers the services. */
export interface PhotoStoreRepository {
  /** `files` or `s3`: for logs and /api/health. */
  readonly kind: 'files' | 's3';
  /** How old a file must be before the start-up sweep may take it as left over: 0 when one
   * process owns the store, more when other instances may be between storing an upload and
   * committing its order right now. */
  readonly sweepGraceMs: number;
  /** Stores sealed; atomic: a reader sees the old file or the new one, never a part. */
  put(orderId: string, key: string, kind: PhotoKind, bytes: Buffer): Promise<void>;
  /** The opened bytes, or null when there is no such file. */
  get(orderId: string, key: string, kind: PhotoKind): Promise<Buffer | null>;
  /** Removes one file; a missing file is fine. */
  delete(orderId: string, key: string, kind: PhotoKind): Promise<void>;
  /** Retention: the order's files under `keys` (any kind); files under other keys stay. */
  deleteKeys(orderId: string, keys: readonly string[]): Promise<void>;
  /** The files under an order (names that are neither ours nor temporary are left out). */
  files(orderId: string): Promise<StoredFile[]>;
  /** The order's stored files under one of `keys`. */
  filesUnder(orderId: string, keys: readonly string[]): Promise<StoredFile[]>;
  /** Removes one file listed by `files`. */
  remove(orderId: string, file: StoredFile): Promise<void>;
  /** Ids of the orders that have something in the store (for the sweeps' leftover checks). */
  orderIds(): Promise<string[]>;
  /** Throws when the store cannot be used right now (for /api/health). */
  check(): Promise<void>;
  /** Releases connections (S3); nothing for files. */
  close(): Promise<void>;
}

/** The stored (not temporary) files among `files` under one of `keys`: what retention deletes. */
export function storedUnderKeys(files: readonly StoredFile[], keys: readonly string[]): StoredFile[] {
  return files.filter((f) => f.kind !== 'temp' && keys.includes(f.key));
}

/** The associated data a file is sealed with: where it belongs. */
export function photoAad(orderId: string, key: string, kind: PhotoKind): string {
  return `photo:${orderId}/${key}.${kind}`;
}

/** `<key>.<kind>` (ours), `….tmp` (temporary) or null (anything else). */
export function parseStoredName(name: string, mtimeMs: number): StoredFile | null {
  const dot = name.indexOf('.');
  const key = name.slice(0, dot);
  const kind = name.slice(dot + 1);
  if (name.endsWith('.tmp')) return { name, mtimeMs, kind: 'temp' };
  if (dot > 0 && SAFE_ID.test(key) && KINDS.includes(kind)) return { name, mtimeMs, key, kind: kind as PhotoKind };
  return null;
}

export function checkIds(orderId: string, key?: string): void {
  // Ids come from our own random generator, but the check keeps names inside the store anyway.
  if (!SAFE_ID.test(orderId) || (key !== undefined && !SAFE_ID.test(key))) throw new Error('invalid photo key');
}

export function checkStoredName(orderId: string, file: StoredFile): void {
  if (!SAFE_ID.test(orderId) || file.name.includes('/') || file.name.includes('\\') || file.name.startsWith('.')) throw new Error('invalid photo file');
}

/** Sealed files under `<root>/<orderId>/`, written atomically, readable only by the server's user. */
export class FilePhotoStore implements PhotoStoreRepository {
  readonly kind = 'files';
  readonly sweepGraceMs = 0;

  constructor(
    private readonly root: string,
    private readonly crypto: CryptoRepository,
  ) {}

  private file(orderId: string, key: string, kind: PhotoKind): string {
    checkIds(orderId, key);
    return path.join(this.root, orderId, `${key}.${kind}`);
  }

  private aad(orderId: string, key: string, kind: PhotoKind): string {
    return photoAad(orderId, key, kind);
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
    checkIds(orderId);
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
      const file = parseStoredName(name, mtimeMs);
      if (file) found.push(file);
    }
    return found;
  }

  /** The order's stored files under one of `keys`. */
  async filesUnder(orderId: string, keys: readonly string[]): Promise<StoredFile[]> {
    return storedUnderKeys(await this.files(orderId), keys);
  }

  /** Removes one file listed by `files`. */
  async remove(orderId: string, file: StoredFile): Promise<void> {
    checkStoredName(orderId, file);
    await rm(path.join(this.root, orderId, file.name), { force: true });
  }

  /** Ids of the orders that have a folder in the store (for the retention job's leftover check). */
  async orderIds(): Promise<string[]> {
    try {
      const entries = await readdir(this.root, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory() && SAFE_ID.test(e.name)).map((e) => e.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  /** The folder can be written: a file store is down when its disk is gone or read-only. */
  async check(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    const probe = path.join(this.root, `.health-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    const handle = await open(probe, 'wx', 0o600);
    await handle.close();
    await rm(probe, { force: true });
  }

  async close(): Promise<void> {}
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
