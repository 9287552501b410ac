/**
 * Byte-level JFIF handling. libjpeg writes a JFIF APP0 segment with "no units"; the standards
 * want the density (350 or 300 dpi) really in the header, and sharp's density options add an
 * EXIF block instead. Patching the APP0 fields keeps the file metadata-free and its size exact.
 */

const SOI = 0xffd8;

export function setJfifDensity(jpeg: Buffer, dpi: number): Buffer {
  if (jpeg.readUInt16BE(0) !== SOI) throw new Error('not a JPEG');
  const out = Buffer.from(jpeg);
  const hasJfif =
    out.readUInt16BE(2) === 0xffe0 && out.toString('latin1', 6, 11) === 'JFIF\0';
  if (hasJfif) {
    writeDensity(out, 6, dpi);
    return out;
  }
  // No APP0: insert a minimal JFIF 1.01 segment right after SOI.
  const app0 = Buffer.alloc(18);
  app0.writeUInt16BE(0xffe0, 0);
  app0.writeUInt16BE(16, 2);
  app0.write('JFIF\0', 4, 'latin1');
  app0.writeUInt8(1, 9);
  app0.writeUInt8(1, 10);
  writeDensity(app0, 4, dpi);
  return Buffer.concat([out.subarray(0, 2), app0, out.subarray(2)]);
}

/** `at` is the offset of the "JFIF\0" identifier. */
function writeDensity(buf: Buffer, at: number, dpi: number): void {
  buf.writeUInt8(1, at + 7); // units: dots per inch
  buf.writeUInt16BE(dpi, at + 8);
  buf.writeUInt16BE(dpi, at + 10);
}

export interface JfifDensity {
  units: number;
  x: number;
  y: number;
}

export function readJfifDensity(jpeg: Buffer): JfifDensity | null {
  if (jpeg.length < 18 || jpeg.readUInt16BE(0) !== SOI) return null;
  if (jpeg.readUInt16BE(2) !== 0xffe0 || jpeg.toString('latin1', 6, 11) !== 'JFIF\0') return null;
  return { units: jpeg.readUInt8(13), x: jpeg.readUInt16BE(14), y: jpeg.readUInt16BE(16) };
}
