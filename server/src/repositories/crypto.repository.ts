/**
 * Every use of the secret: AES-256-GCM for personal data at rest (ID numbers, phones, photos),
 * HMAC signatures for photo URLs, token hashing and random ids.
 *
 * Sealed format: version byte (1) | 12-byte IV | 16-byte tag | ciphertext. The associated data
 * names where a value belongs, so a ciphertext copied to another order or field does not open.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

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
}
