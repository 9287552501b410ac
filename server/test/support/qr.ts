/** Reads the text of the QR code in an image (PNG or JPEG), as a phone's scanner would. */
import jsQR from 'jsqr';
import sharp from 'sharp';

export async function decodeQr(image: Buffer): Promise<string | null> {
  const { data, info } = await sharp(image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height)?.data ?? null;
}
