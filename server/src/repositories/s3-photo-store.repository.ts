/**
 * The photo store in an S3-compatible bucket (AWS S3, Tencent COS, Aliyun OSS, MinIO…), for
 * several API instances and workers sharing one store: object `<S3_PREFIX><orderId>/<key>.<kind>`,
 * sealed exactly as the file store seals (same format, same associated data), so the bucket holds
 * no image a leaked key listing or a misconfigured ACL could show.
 *
 * A PutObject is atomic (the object appears whole or not at all), so there are no temporary
 * objects to clean; anything else a crash can leave — an original stored by an upload whose
 * commit never came, files of an order purged just before the crash — is found the way the file
 * store's are: by listing the order prefixes and comparing against the database (docs/storage.md).
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { S3StorageConfig } from '../config';
import type { CryptoRepository } from './crypto.repository';
import {
  checkIds,
  checkStoredName,
  parseStoredName,
  photoAad,
  SAFE_ID,
  storedUnderKeys,
  type PhotoKind,
  type PhotoStoreRepository,
  type StoredFile,
} from './photo-store.repository';

/** A start-up sweep on a shared bucket leaves files younger than this: another instance may be
 * between storing an upload and committing its order (that takes well under a second). */
export const S3_SWEEP_GRACE_MS = 10 * 60_000;

/** How long /api/health waits for the bucket before calling storage down. */
const CHECK_TIMEOUT_MS = 3000;
/** How long the start-up check waits before calling the endpoint unreachable. */
const OPEN_TIMEOUT_MS = 10_000;

export function s3Client(config: S3StorageConfig): S3Client {
  return new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    // Checksums only where the API demands them: COS, OSS and most S3-compatible servers do not
    // take the CRC32 trailers the SDK adds to every upload by default.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5000, requestTimeout: 30_000 },
  });
}

export class S3PhotoStore implements PhotoStoreRepository {
  readonly kind = 's3';
  readonly sweepGraceMs: number;

  constructor(
    private readonly client: S3Client,
    private readonly config: S3StorageConfig,
    private readonly crypto: CryptoRepository,
    options: { sweepGraceMs?: number } = {},
  ) {
    this.sweepGraceMs = options.sweepGraceMs ?? S3_SWEEP_GRACE_MS;
  }

  private objectKey(orderId: string, key: string, kind: PhotoKind): string {
    checkIds(orderId, key);
    return `${this.orderPrefix(orderId)}${key}.${kind}`;
  }

  private orderPrefix(orderId: string): string {
    checkIds(orderId);
    return `${this.config.prefix}${orderId}/`;
  }

  async put(orderId: string, key: string, kind: PhotoKind, bytes: Buffer): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: this.objectKey(orderId, key, kind),
        Body: this.crypto.seal(bytes, photoAad(orderId, key, kind)),
        ContentType: 'application/octet-stream',
      }),
    );
  }

  async get(orderId: string, key: string, kind: PhotoKind): Promise<Buffer | null> {
    let sealed: Buffer;
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(orderId, key, kind) }));
      if (!res.Body) return null;
      sealed = Buffer.from(await res.Body.transformToByteArray());
    } catch (err) {
      if (err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404)) return null;
      throw err;
    }
    return this.crypto.open(sealed, photoAad(orderId, key, kind));
  }

  async delete(orderId: string, key: string, kind: PhotoKind): Promise<void> {
    // S3 answers 204 whether or not the object was there.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(orderId, key, kind) }));
  }

  async deleteKeys(orderId: string, keys: readonly string[]): Promise<void> {
    // One DeleteObject per file (an order has a handful): DeleteObjects needs a Content-MD5 or
    // checksum header that not every S3-compatible server takes.
    for (const f of await this.filesUnder(orderId, keys)) await this.remove(orderId, f);
  }

  async files(orderId: string): Promise<StoredFile[]> {
    const prefix = this.orderPrefix(orderId);
    const found: StoredFile[] = [];
    for await (const page of this.list({ Prefix: prefix })) {
      for (const object of page.Contents ?? []) {
        const name = object.Key?.slice(prefix.length) ?? '';
        if (name.includes('/')) continue;
        const file = parseStoredName(name, object.LastModified?.getTime() ?? 0);
        if (file) found.push(file);
      }
    }
    return found;
  }

  async filesUnder(orderId: string, keys: readonly string[]): Promise<StoredFile[]> {
    return storedUnderKeys(await this.files(orderId), keys);
  }

  async remove(orderId: string, file: StoredFile): Promise<void> {
    checkStoredName(orderId, file);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: `${this.orderPrefix(orderId)}${file.name}` }));
  }

  async orderIds(): Promise<string[]> {
    const { prefix } = this.config;
    const ids: string[] = [];
    for await (const page of this.list({ Prefix: prefix, Delimiter: '/' })) {
      for (const common of page.CommonPrefixes ?? []) {
        const id = common.Prefix?.slice(prefix.length, -1) ?? '';
        if (SAFE_ID.test(id)) ids.push(id);
      }
    }
    return ids;
  }

  async check(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.config.bucket }), { abortSignal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async *list(params: { Prefix: string; Delimiter?: string }) {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.config.bucket, ...params, ContinuationToken: token }));
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

/** A bad S3 setting found at start: the message names the setting and what to do. */
export class StorageConfigError extends Error {
  override name = 'StorageConfigError';
}

/**
 * The S3 store, once the bucket answered: an endpoint that cannot be reached, a bucket that does
 * not exist, credentials it refuses or a wrong region stop the start with a StorageConfigError
 * naming the setting, before anything listens or runs.
 */
export async function openS3PhotoStore(config: S3StorageConfig, crypto: CryptoRepository, options: { sweepGraceMs?: number } = {}): Promise<S3PhotoStore> {
  const client = s3Client(config);
  try {
    await client.send(new HeadBucketCommand({ Bucket: config.bucket }), { abortSignal: AbortSignal.timeout(OPEN_TIMEOUT_MS) });
  } catch (err) {
    client.destroy();
    throw explainS3Failure(config, err);
  }
  return new S3PhotoStore(client, config, crypto, options);
}

/** What an S3 failure at start means for the operator, naming the setting to look at. */
export function explainS3Failure(config: Pick<S3StorageConfig, 'endpoint' | 'bucket' | 'region'>, err: unknown): StorageConfigError {
  const status = err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
  const where = `bucket "${config.bucket}" at ${config.endpoint}`;
  if (status === 404) return new StorageConfigError(`S3_BUCKET: there is no ${where} (create the bucket, or correct S3_BUCKET)`);
  if (status === 403) {
    return new StorageConfigError(`S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY: ${config.endpoint} refused these credentials for bucket "${config.bucket}" (403; check the key pair and that it may read and write the bucket)`);
  }
  if (status === 301 || status === 400) {
    return new StorageConfigError(`S3_REGION / S3_ENDPOINT: ${where} answered ${status} to region "${config.region}" (the bucket is likely in another region or needs another endpoint)`);
  }
  if (status !== undefined) return new StorageConfigError(`S3 storage: ${where} answered ${status} (${(err as Error).name})`);
  const e = err as NodeJS.ErrnoException & { name?: string };
  const reason = e.code ?? (e.name === 'TimeoutError' || e.name === 'AbortError' ? `no answer within ${OPEN_TIMEOUT_MS / 1000} s` : e.message);
  return new StorageConfigError(`S3_ENDPOINT: cannot reach ${config.endpoint} (${reason})`);
}
