/**
 * Every use of the secret: AES-256-GCM for personal data at rest (ID numbers, phones, photos),
 * HMAC signatures for photo URLs, token hashing and random ids.
 *
 * Sealed format: version byte (1) | 12-byte IV | 16-byte tag | ciphertext. The associated data
 * names where a value belongs, so a ciphertext copied to another order or field does not open.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const SCRYPT = { N: 16384, r: 8, p: 1, keyLen: 32, saltLen: 16 };

function scryptAsync(password: string, salt: Buffer, keyLen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keyLen, options, (err, key) => (err ? reject(err) : resolve(key))));
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class CryptoRepository {
  private readonly signingKey: Buffer;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('encryption key must be 32 bytes');
    // A separate key for signatures: the encryption key itself never touches HMAC.
    this.signingKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'zphz photo-url signing v1', 32));
  }

  seal(plain: Buffer, aad: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer, aad: string): Buffer {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw new Error('not a sealed value');
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
  }

  sealText(text: string, aad: string): string {
    return this.seal(Buffer.from(text, 'utf8'), aad).toString('base64');
  }

  openText(sealed: string, aad: string): string {
    return this.open(Buffer.from(sealed, 'base64'), aad).toString('utf8');
  }

  sign(data: string): string {
    return createHmac('sha256', this.signingKey).update(data).digest('base64url');
  }

  verify(data: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(data));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  hashToken(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }

  /** A bearer token: 32 random bytes, base64url. */
  newToken(): string {
    return randomBytes(32).toString('base64url');
  }

  /** An id for orders, users and uploads: 16 random bytes → 22 url-safe characters. */
  newId(): string {
    return randomBytes(16).toString('base64url');
  }

  /** scrypt with a random salt: `scrypt$N$r$p$salt$hash` (base64url). */
  async hashPassword(password: string): Promise<string> {
    const salt = randomBytes(SCRYPT.saltLen);
    const hash = await scryptAsync(password, salt, SCRYPT.keyLen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
    return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
  }

  /** Constant-time check. A null hash (unknown user) still costs one scrypt, so timing tells nothing. */
  async verifyPassword(password: string, stored: string | null): Promise<boolean> {
    const parts = stored?.split('$') ?? [];
    const valid = parts.length === 6 && parts[0] === 'scrypt';
    const [N, r, p] = valid ? parts.slice(1, 4).map(Number) : [SCRYPT.N, SCRYPT.r, SCRYPT.p];
    const salt = valid ? Buffer.from(parts[4]!, 'base64url') : randomBytes(SCRYPT.saltLen);
    const expected = valid ? Buffer.from(parts[5]!, 'base64url') : randomBytes(SCRYPT.keyLen);
    const actual = await scryptAsync(password, salt, expected.length, { N: N!, r: r!, p: p! });
    return timingSafeEqual(actual, expected) && valid;
  }

  /** A password people can type: 16 characters without look-alikes. */
  newPassword(): string {
    return randomString('abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789', 16);
  }

  /** `length` random characters of 0-9A-Za-z, e.g. a handoff ticket. */
  randomBase62(length: number): string {
    return randomString('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', length);
  }

  /** An API key for the permit platform: `zk_` + 32 random bytes. */
  newApiKey(): string {
    return `zk_${randomBytes(32).toString('base64url')}`;
  }

  /** Random bytes for image numbers. */
  randomBytes(length: number): Uint8Array {
    return randomBytes(length);
  }
}

/** `length` characters drawn uniformly from `alphabet` (at most 256): bytes at or above the
 * largest multiple of its size are dropped, else they would favour the first characters. */
function randomString(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) for (const b of randomBytes(length * 2)) if (b < limit && out.length < length) out += alphabet[b % alphabet.length];
  return out;
}
