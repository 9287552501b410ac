/**
 * A 1/8-scale preview of a progressive JPEG read from its DC scans alone: every pixel is one 8×8
 * block's mean colour (what libjpeg's 1/8 scaled decode gives). A progressive file must be
 * entropy-decoded completely before libjpeg outputs any pixel, at any scale (≈ 90 ms for the
 * 14 MP fixture), but its first scans carry only the DC coefficients and a few percent of the
 * bytes: reading just those costs a few milliseconds. The engine runs its models on this preview
 * while libvips decodes the working copy on another thread.
 *
 * Returns null for anything it does not cover (baseline or lossless JPEGs, 12-bit samples,
 * CMYK/Adobe transforms, an ICC profile, a damaged DC scan): the caller then waits for libvips.
 * Plain TypeScript with no sharp, so it lives beside the media repository that calls it.
 */

export interface DcPreview {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}

interface Component {
  id: number;
  h: number;
  v: number;
  quantTable: number;
  /** Blocks per row and rows of blocks as allocated (padded to whole MCUs). */
  stride: number;
  rows: number;
  /** Blocks that cover the image (a non-interleaved scan codes only these). */
  blocksWide: number;
  blocksHigh: number;
  /** Quantised DC coefficient per block, as far as the scans read so far give it. */
  dc: Int32Array;
  /** Low bits of `dc` not read yet (successive approximation); -1 before the first DC scan. */
  missingBits: number;
}

class Corrupt extends Error {}

/**
 * Lookup on the next `log2(length)` bits (the table's longest code, ≤ 16; DC tables rarely pass
 * 11 bits, so the table stays a few KB and in cache): entry = (code length << 8) | symbol; 0 for
 * no code.
 */
function huffmanLookup(counts: Uint8Array, symbols: Uint8Array): Uint16Array {
  let longest = 1;
  for (let len = 1; len <= 16; len++) if (counts[len - 1]) longest = len;
  const table = new Uint16Array(1 << longest);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= longest; len++) {
    for (let i = 0; i < counts[len - 1]!; i++) {
      const first = code << (longest - len);
      table.fill((len << 8) | symbols[k++]!, first, first + (1 << (longest - len)));
      code++;
    }
    code <<= 1;
  }
  return table;
}

/**
 * EXIF orientation 1–8 → the stored position of upright pixel (u, v) in a W×H stored image, as
 * x = xu·u + xv·v + x0 and y = yu·u + yv·v + y0.
 */
function storedFromUpright(orientation: number, W: number, H: number) {
  switch (orientation) {
    case 2: return { xu: -1, xv: 0, x0: W - 1, yu: 0, yv: 1, y0: 0 };
    case 3: return { xu: -1, xv: 0, x0: W - 1, yu: 0, yv: -1, y0: H - 1 };
    case 4: return { xu: 1, xv: 0, x0: 0, yu: 0, yv: -1, y0: H - 1 };
    case 5: return { xu: 0, xv: 1, x0: 0, yu: 1, yv: 0, y0: 0 };
    case 6: return { xu: 0, xv: 1, x0: 0, yu: -1, yv: 0, y0: H - 1 };
    case 7: return { xu: 0, xv: -1, x0: W - 1, yu: -1, yv: 0, y0: H - 1 };
    case 8: return { xu: 0, xv: -1, x0: W - 1, yu: 1, yv: 0, y0: 0 };
    default: return { xu: 1, xv: 0, x0: 0, yu: 0, yv: 1, y0: 0 };
  }
}

/**
 * The DC coefficients of up to three components, reused from photo to photo (≈ 1.3 MB for a
 * 14 MP photo): only the preview built from them leaves this module.
 */
const dcScratch: Int32Array[] = [];

function dcBuffer(component: number, length: number): Int32Array {
  if ((dcScratch[component]?.length ?? 0) < length) dcScratch[component] = new Int32Array(length);
  const dc = dcScratch[component]!.subarray(0, length);
  dc.fill(0);
  return dc;
}

export function progressiveDcPreview(buf: Uint8Array, orientation = 1): DcPreview | null {
  try {
    return readDcScans(buf, orientation);
  } catch (err) {
    if (err instanceof Corrupt || err instanceof RangeError) return null;
    throw err;
  }
}

function readDcScans(buf: Uint8Array, orientation: number): DcPreview | null {
  const u16 = (at: number) => (buf[at]! << 8) | buf[at + 1]!;
  if (buf.length < 4 || u16(0) !== 0xffd8) return null;
  const dcQuant = new Map<number, number>();
  const dcTables = new Map<number, Uint16Array>();
  let components: Component[] = [];
  let width = 0;
  let height = 0;
  let hMax = 1;
  let vMax = 1;
  let mcusWide = 0;
  let restartInterval = 0;
  let pos = 2;

  /** From `at`, the position of the next marker that is not a restart marker. */
  const nextMarker = (at: number) => {
    for (;;) {
      at = buf.indexOf(0xff, at);
      if (at < 0 || at + 1 >= buf.length) return buf.length;
      const next = buf[at + 1]!;
      if (next !== 0 && next !== 0xff && (next < 0xd0 || next > 0xd7)) return at;
      at++;
    }
  };

  while (pos + 4 <= buf.length) {
    if (buf[pos] !== 0xff) throw new Corrupt();
    const marker = buf[pos + 1]!;
    if (marker === 0xff) {
      pos++;
      continue;
    }
    if (marker === 0xd9) return null;
    const length = u16(pos + 2);
    const seg = pos + 4;
    const end = pos + 2 + length;
    if (end > buf.length) return null;
    if (marker === 0xc2) {
      if (buf[seg] !== 8) return null;
      height = u16(seg + 1);
      width = u16(seg + 3);
      const count = buf[seg + 5]!;
      if (width === 0 || height === 0 || (count !== 1 && count !== 3)) return null;
      for (let i = 0; i < count; i++) {
        const at = seg + 6 + i * 3;
        const h = buf[at + 1]! >> 4;
        const v = buf[at + 1]! & 15;
        if (h < 1 || v < 1) return null;
        components.push({ id: buf[at]!, h, v, quantTable: buf[at + 2]!, stride: 0, rows: 0, blocksWide: 0, blocksHigh: 0, dc: new Int32Array(0), missingBits: -1 });
      }
      hMax = Math.max(...components.map((c) => c.h));
      vMax = Math.max(...components.map((c) => c.v));
      mcusWide = Math.ceil(width / (8 * hMax));
      const mcusHigh = Math.ceil(height / (8 * vMax));
      for (const c of components) {
        c.stride = mcusWide * c.h;
        c.rows = mcusHigh * c.v;
        c.blocksWide = Math.ceil(Math.ceil((width * c.h) / hMax) / 8);
        c.blocksHigh = Math.ceil(Math.ceil((height * c.v) / vMax) / 8);
        c.dc = dcBuffer(components.indexOf(c), c.stride * c.rows);
      }
    } else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      // Any other frame type (baseline, lossless, arithmetic coding): not ours.
      return null;
    } else if (marker === 0xc4) {
      let at = seg;
      while (at < end) {
        const cls = buf[at]! >> 4;
        const id = buf[at]! & 15;
        const counts = buf.subarray(at + 1, at + 17);
        const total = counts.reduce((s, n) => s + n, 0);
        if (cls === 0) dcTables.set(id, huffmanLookup(counts, buf.subarray(at + 17, at + 17 + total)));
        at += 17 + total;
      }
    } else if (marker === 0xdb) {
      let at = seg;
      while (at < end) {
        const wide = buf[at]! >> 4;
        dcQuant.set(buf[at]! & 15, wide ? u16(at + 1) : buf[at + 1]!);
        at += 1 + 64 * (wide ? 2 : 1);
      }
    } else if (marker === 0xdd) {
      restartInterval = u16(seg);
    } else if (marker === 0xe2 && String.fromCharCode(...buf.subarray(seg, seg + 11)) === 'ICC_PROFILE') {
      // The working copy is converted through the profile; the models' copy must match it.
      return null;
    } else if (marker === 0xee && String.fromCharCode(...buf.subarray(seg, seg + 5)) === 'Adobe') {
      return null;
    } else if (marker === 0xda) {
      if (components.length === 0) return null;
      const count = buf[seg]!;
      const scan: { c: Component; table: Uint16Array }[] = [];
      for (let i = 0; i < count; i++) {
        const c = components.find((k) => k.id === buf[seg + 1 + i * 2]);
        if (!c) throw new Corrupt();
        scan.push({ c, table: dcTables.get(buf[seg + 2 + i * 2]! >> 4)! });
      }
      const at = seg + 1 + count * 2;
      const [ss, se, approx] = [buf[at]!, buf[at + 1]!, buf[at + 2]!];
      pos = end;
      const interleaved = components.length > 1 && count > 1;
      if (ss === 0 && se === 0 && approx >> 4 === 0) {
        if (scan.some((s) => !s.table)) return null;
        pos = decodeDcScan(buf, pos, scan, approx & 15, interleaved, mcusWide, restartInterval);
      } else if (ss === 0 && se === 0) {
        // A refinement scan: one more bit of every block's DC, sent raw.
        if (scan.some((s) => s.c.missingBits !== approx >> 4)) return null;
        pos = refineDcScan(buf, pos, scan, approx & 15, interleaved, mcusWide, restartInterval);
      }
      // All DC bits in: the rest of the file refines detail the preview does not show.
      if (components.every((c) => c.missingBits === 0)) return assemble(components, dcQuant, width, height, hMax, vMax, orientation);
      pos = nextMarker(pos);
      continue;
    }
    pos = end;
  }
  // No refinement scans (or the file ends early): the first DC scans are enough.
  if (components.length > 0 && components.every((c) => c.missingBits >= 0)) return assemble(components, dcQuant, width, height, hMax, vMax, orientation);
  return null;
}

/** The order of a scan's blocks: per MCU, which scan component and its offset in `dc`. */
function scanLayout(scan: { c: Component }[], interleaved: boolean, mcusWide: number) {
  const unitComponent: number[] = [];
  const unitOffset: number[] = [];
  let unitsWide: number;
  let unitsHigh: number;
  if (interleaved) {
    scan.forEach(({ c }, k) => {
      for (let v = 0; v < c.v; v++) {
        for (let h = 0; h < c.h; h++) {
          unitComponent.push(k);
          unitOffset.push(v * c.stride + h);
        }
      }
    });
    unitsWide = mcusWide;
    unitsHigh = scan[0]!.c.rows / scan[0]!.c.v;
  } else {
    unitComponent.push(0);
    unitOffset.push(0);
    unitsWide = scan[0]!.c.blocksWide;
    unitsHigh = scan[0]!.c.blocksHigh;
  }
  // Per component: where MCU (mx, my) starts in `dc`.
  const stepX = scan.map(({ c }) => (interleaved ? c.h : 1));
  const stepY = scan.map(({ c }) => (interleaved ? c.v : 1) * c.stride);
  return { unitComponent, unitOffset, unitsWide, unitsHigh, stepX, stepY };
}

/**
 * Decodes one DC-first scan into the components' `dc`; returns the position after its data.
 * One flat loop over the scan's blocks with the bit reader inlined: this runs ~330 000 times
 * for a 14 MP photo. The refill is written out where it is needed (here twice, once in
 * refineDcScan) rather than called: the reader's state is four locals, which a helper could only
 * update through an object.
 */
function decodeDcScan(
  buf: Uint8Array,
  start: number,
  scan: { c: Component; table: Uint16Array }[],
  shift: number,
  interleaved: boolean,
  mcusWide: number,
  restartInterval: number,
): number {
  const { unitComponent, unitOffset, unitsWide, unitsHigh, stepX, stepY } = scanLayout(scan, interleaved, mcusWide);
  const tables = scan.map((s) => s.table);
  const peekBits = tables.map((t) => Math.log2(t.length));
  const outputs = scan.map((s) => s.c.dc);
  const predictions = new Int32Array(scan.length);
  const blocks = unitComponent.length;

  let pos = start;
  let acc = 0;
  let bits = 0;
  let atMarker = false;
  let units = 0;
  for (let my = 0; my < unitsHigh; my++) {
    for (let mx = 0; mx < unitsWide; mx++) {
      if (restartInterval && units > 0 && units % restartInterval === 0) {
        bits = 0;
        acc = 0;
        atMarker = false;
        while (pos + 1 < buf.length && !(buf[pos] === 0xff && buf[pos + 1]! >= 0xd0 && buf[pos + 1]! <= 0xd7)) pos++;
        pos += 2;
        predictions.fill(0);
      }
      units++;
      for (let b = 0; b < blocks; b++) {
        const k = unitComponent[b]!;
        // A code of at most 16 bits, then at most 11 magnitude bits: refill to 17+ bits before each.
        while (bits <= 16) {
          let byte = 0;
          if (!atMarker) {
            if (pos >= buf.length) throw new Corrupt();
            byte = buf[pos]!;
            if (byte === 0xff) {
              if (buf[pos + 1] === 0) pos += 2;
              else {
                atMarker = true; // the scan's data ends here: zero bits from now on
                byte = 0;
              }
            } else pos++;
          }
          acc = ((acc << 8) | byte) & 0xffffff;
          bits += 8;
        }
        const table = tables[k]!;
        const entry = table[(acc >>> (bits - peekBits[k]!)) & (table.length - 1)]!;
        if (entry === 0) throw new Corrupt();
        bits -= entry >> 8;
        const size = entry & 0xff;
        let diff = 0;
        if (size > 0) {
          if (size > 11) throw new Corrupt();
          while (bits <= 16) {
            let byte = 0;
            if (!atMarker) {
              if (pos >= buf.length) throw new Corrupt();
              byte = buf[pos]!;
              if (byte === 0xff) {
                if (buf[pos + 1] === 0) pos += 2;
                else {
                  atMarker = true; // the scan's data ends here: zero bits from now on
                  byte = 0;
                }
              } else pos++;
            }
            acc = ((acc << 8) | byte) & 0xffffff;
            bits += 8;
          }
          diff = (acc >>> (bits - size)) & ((1 << size) - 1);
          bits -= size;
          if (diff < 1 << (size - 1)) diff -= (1 << size) - 1;
        }
        const p = (predictions[k] = predictions[k]! + diff);
        outputs[k]![my * stepY[k]! + mx * stepX[k]! + unitOffset[b]!] = p * (1 << shift);
      }
    }
  }
  for (const { c } of scan) c.missingBits = shift;
  return pos;
}

/** A DC refinement scan: one raw bit per block, the next bit down of each DC coefficient. */
function refineDcScan(buf: Uint8Array, start: number, scan: { c: Component }[], shift: number, interleaved: boolean, mcusWide: number, restartInterval: number): number {
  const { unitComponent, unitOffset, unitsWide, unitsHigh, stepX, stepY } = scanLayout(scan, interleaved, mcusWide);
  const outputs = scan.map((s) => s.c.dc);
  const blocks = unitComponent.length;
  let pos = start;
  let byte = 0;
  let bitsLeft = 0;
  let atMarker = false;
  let units = 0;
  for (let my = 0; my < unitsHigh; my++) {
    for (let mx = 0; mx < unitsWide; mx++) {
      if (restartInterval && units > 0 && units % restartInterval === 0) {
        bitsLeft = 0;
        atMarker = false;
        while (pos + 1 < buf.length && !(buf[pos] === 0xff && buf[pos + 1]! >= 0xd0 && buf[pos + 1]! <= 0xd7)) pos++;
        pos += 2;
      }
      units++;
      for (let b = 0; b < blocks; b++) {
        if (bitsLeft === 0) {
          byte = 0;
          if (!atMarker) {
            if (pos >= buf.length) throw new Corrupt();
            byte = buf[pos]!;
            if (byte === 0xff) {
              if (buf[pos + 1] === 0) pos += 2;
              else {
                atMarker = true;
                byte = 0;
              }
            } else pos++;
          }
          bitsLeft = 8;
        }
        bitsLeft--;
        if ((byte >> bitsLeft) & 1) {
          const k = unitComponent[b]!;
          outputs[k]![my * stepY[k]! + mx * stepX[k]! + unitOffset[b]!]! |= 1 << shift;
        }
      }
    }
  }
  for (const { c } of scan) c.missingBits = shift;
  return pos;
}

/** Block means → upright RGB at 1/8 of the image size (nearest chroma, JFIF YCbCr). */
function assemble(components: Component[], dcQuant: Map<number, number>, width: number, height: number, hMax: number, vMax: number, orientation: number): DcPreview {
  const W = Math.ceil(width / 8);
  const H = Math.ceil(height / 8);
  const swap = orientation >= 5 && orientation <= 8;
  const outW = swap ? H : W;
  const outH = swap ? W : H;
  const m = storedFromUpright(orientation, W, H);
  // Per component: where stored pixel (x, y)'s block mean is in `dc` (chroma repeated), its
  // quantiser, and the middle of the bits never sent. The means are read straight from `dc`,
  // rounded to float32 as the per-component planes they once were stored in.
  const at = components.map((c) => {
    const q = dcQuant.get(c.quantTable);
    if (q === undefined) throw new Corrupt();
    const cols = new Int32Array(W);
    for (let x = 0; x < W; x++) cols[x] = Math.floor((x * c.h) / hMax);
    const rows = new Int32Array(H);
    for (let y = 0; y < H; y++) rows[y] = Math.floor((y * c.v) / vMax) * c.stride;
    return { dc: c.dc, q, unsent: c.missingBits > 0 ? 2 ** (c.missingBits - 1) - 0.5 : 0, cols, rows };
  });
  const Y = at[0]!;
  const Cb = at[1] ?? null;
  const Cr = at[2] ?? null;
  const data = new Uint8Array(outW * outH * 3);
  let o = 0;
  for (let v = 0; v < outH; v++) {
    // Stored position of upright (u, v): x = xu·u + xv·v + x0, y = yu·u + yv·v + y0.
    let x = m.xv * v + m.x0;
    let y = m.yv * v + m.y0;
    for (let u = 0; u < outW; u++, o += 3, x += m.xu, y += m.yu) {
      // DC / 8 is the block's mean minus the level shift; bits never sent count as their middle.
      const luma = Math.fround(((Y.dc[Y.rows[y]! + Y.cols[x]!]! + Y.unsent) * Y.q) / 8) + 128;
      if (!Cb || !Cr) {
        data[o] = data[o + 1] = data[o + 2] = clampByte(luma);
        continue;
      }
      const b = Math.fround(((Cb.dc[Cb.rows[y]! + Cb.cols[x]!]! + Cb.unsent) * Cb.q) / 8);
      const r = Math.fround(((Cr.dc[Cr.rows[y]! + Cr.cols[x]!]! + Cr.unsent) * Cr.q) / 8);
      data[o] = clampByte(luma + 1.402 * r);
      data[o + 1] = clampByte(luma - 0.344136 * b - 0.714136 * r);
      data[o + 2] = clampByte(luma + 1.772 * b);
    }
  }
  return { data, width: outW, height: outH, channels: 3 };
}

/** For a Uint8Array store, which truncates: +0.5 rounds; out-of-range values are clamped. */
function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : v + 0.5;
}
