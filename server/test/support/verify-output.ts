/**
 * An independent second opinion on an engine output file, for tests: geometry re-measured with
 * @vladmandic/face-api (SSD MobileNet v1 + 68-point landmarks), a different model family from the
 * engine's MediaPipe mesh, plus a JPEG header parser that does not use any library.
 *
 * Face width here is the 68-point jaw contour's span 0↔16, which reads wider than MediaPipe's
 * 234↔454 cheek points (see calibrate-face-width.ts for the measured ratio).
 */
import { decodeRgb, detectFaces68, type Face68, type Point, type RgbImage } from './face-api';

export interface OutputMeasure {
  width: number;
  height: number;
  /** Faces found with SSD score ≥ 0.5. The fields below describe the largest one (NaN if none). */
  faces: number;
  /** SSD score of the measured face. */
  score: number;
  /** Distance between jaw landmarks 0 and 16. */
  faceWidth: number;
  /** Mean y of the two eye centres (each the mean of its 6 landmarks, 36–41 and 42–47). */
  eyeLineY: number;
  eyeMidX: number;
  /** y of landmark 8 (chin). */
  chinY: number;
  /** x midway between jaw landmarks 0 and 16. */
  faceCentreX: number;
  /** First row of the silhouette above the face (see CROWN_* below); 0 if the hair touches the top edge. */
  crownY: number;
  /** Same as crownY: distance from the top edge to the crown. */
  crownMargin: number;
  /** chinY − crownY. */
  headHeight: number;
  /**
   * Head width at ear level, ears included (see findHeadWidth): read from the output's own
   * pixels around face-api's landmarks, not from the engine's matte.
   */
  headWidth: number;
  /**
   * Angle of the line from the image-left eye centre to the image-right eye centre, degrees;
   * positive when the image-right eye is lower (head tilted clockwise as seen on screen).
   */
  rollDeg: number;
  /** The 68 landmarks of the measured face (empty if none), for debugging failed assertions. */
  landmarks: Point[];
}

/**
 * Crown detection on a white-background output. A pixel counts as "person" when
 * min(R, G, B) < CROWN_PERSON_MAX: pure white is 255, JPEG ringing on a white background at
 * quality ≈ 70 stays above ~245, and an antialiased hair edge drops below 235 once it has about
 * 8 % dark coverage. A row counts when at least max(CROWN_MIN_PIXELS, 5 % of the band) of its
 * band pixels are person, and the crown is the first row that starts CROWN_RUN consecutive such
 * rows, so a stray noisy row does not count. The band is faceCentreX ± 0.2·faceWidth.
 */
export const CROWN_PERSON_MAX = 235;
export const CROWN_MIN_PIXELS = 3;
export const CROWN_RUN = 3;
export const CROWN_BAND = 0.2;

function mean(points: Point[]): Point {
  const n = points.length;
  return { x: points.reduce((s, p) => s + p.x, 0) / n, y: points.reduce((s, p) => s + p.y, 0) / n };
}

function dist(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** First row (from the top, above `stopY`) where a run of person rows begins in the band. */
export function findCrownY(img: RgbImage, faceCentreX: number, faceWidth: number, stopY: number): number {
  const x0 = Math.max(0, Math.round(faceCentreX - CROWN_BAND * faceWidth));
  const x1 = Math.min(img.width - 1, Math.round(faceCentreX + CROWN_BAND * faceWidth));
  const minPixels = Math.max(CROWN_MIN_PIXELS, Math.ceil(0.05 * (x1 - x0 + 1)));
  const last = Math.min(img.height - 1, Math.max(0, Math.floor(stopY)));
  const isPersonRow = (y: number): boolean => {
    let count = 0;
    const row = y * img.width * 3;
    for (let x = x0; x <= x1; x++) {
      const i = row + x * 3;
      const m = Math.min(img.data[i]!, img.data[i + 1]!, img.data[i + 2]!);
      if (m < CROWN_PERSON_MAX && ++count >= minPixels) return true;
    }
    return false;
  };
  let run = 0;
  for (let y = 0; y <= last; y++) {
    run = isPersonRow(y) ? run + 1 : 0;
    if (run >= CROWN_RUN) return y - CROWN_RUN + 1;
  }
  return NaN;
}

/**
 * Head width on a plain-background output, measured independently of the engine: on every row
 * from the eye line down to the bottom of the nose (landmark 33), walk out from the face centre
 * until BACKGROUND_RUN consecutive pixels are background (each channel within
 * HEAD_BACKGROUND_TOLERANCE of the background colour, read from the photo's top corners), and
 * take the widest row. The head ends at the ears: each side is read at most HEAD_EAR_REACH jaw
 * widths beyond the jaw landmark (0 or 16) on that side, so long hair hanging past the ears does
 * not count as head.
 */
export const HEAD_BACKGROUND_TOLERANCE = 24;
export const BACKGROUND_RUN = 3;
export const HEAD_EAR_REACH = 0.14;

export function backgroundColour(img: RgbImage): [number, number, number] {
  const sum = [0, 0, 0];
  let n = 0;
  for (const [x0, y0] of [[1, 1], [img.width - 6, 1]] as const) {
    for (let y = y0; y < y0 + 5; y++) {
      for (let x = x0; x < x0 + 5; x++) {
        const i = (y * img.width + x) * 3;
        for (let c = 0; c < 3; c++) sum[c]! += img.data[i + c]!;
        n++;
      }
    }
  }
  return [sum[0]! / n, sum[1]! / n, sum[2]! / n];
}

export function findHeadWidth(img: RgbImage, lm: Point[]): number {
  const bg = backgroundColour(img);
  const jawL = lm[0]!;
  const jawR = lm[16]!;
  const jaw = dist(jawL, jawR);
  const cx = Math.round((jawL.x + jawR.x) / 2);
  const eyeY = (mean(lm.slice(36, 42)).y + mean(lm.slice(42, 48)).y) / 2;
  const noseY = lm[33]!.y;
  const lMin = Math.max(0, Math.round(jawL.x - HEAD_EAR_REACH * jaw));
  const rMax = Math.min(img.width - 1, Math.round(jawR.x + HEAD_EAR_REACH * jaw));
  const isBackground = (x: number, y: number) => {
    const i = (y * img.width + x) * 3;
    return [0, 1, 2].every((c) => Math.abs(img.data[i + c]! - bg[c]!) <= HEAD_BACKGROUND_TOLERANCE);
  };
  let widest = 0;
  for (let y = Math.max(0, Math.round(eyeY)); y <= Math.min(img.height - 1, Math.round(noseY)); y++) {
    const edge = (dir: -1 | 1, limit: number) => {
      let run = 0;
      let x = cx;
      let last = cx;
      while (dir < 0 ? x > limit : x < limit) {
        x += dir;
        if (isBackground(x, y)) {
          if (++run >= BACKGROUND_RUN) break;
        } else {
          run = 0;
          last = x;
        }
      }
      return last;
    };
    widest = Math.max(widest, edge(1, rMax) - edge(-1, lMin) + 1);
  }
  return widest;
}

export function measureFace(img: RgbImage, face: Face68): Omit<OutputMeasure, 'width' | 'height' | 'faces'> {
  const lm = face.landmarks;
  const jawL = lm[0]!;
  const jawR = lm[16]!;
  const chin = lm[8]!;
  const eyeA = mean(lm.slice(36, 42));
  const eyeB = mean(lm.slice(42, 48));
  const [left, right] = eyeA.x <= eyeB.x ? [eyeA, eyeB] : [eyeB, eyeA];
  const faceWidth = dist(jawL, jawR);
  const faceCentreX = (jawL.x + jawR.x) / 2;
  const eyeLineY = (eyeA.y + eyeB.y) / 2;
  const crownY = findCrownY(img, faceCentreX, faceWidth, eyeLineY);
  return {
    score: face.score,
    faceWidth,
    eyeLineY,
    eyeMidX: (eyeA.x + eyeB.x) / 2,
    chinY: chin.y,
    faceCentreX,
    crownY,
    crownMargin: crownY,
    headHeight: chin.y - crownY,
    headWidth: findHeadWidth(img, lm),
    rollDeg: (Math.atan2(right.y - left.y, right.x - left.x) * 180) / Math.PI,
    landmarks: lm,
  };
}

/** Re-measures an engine output JPEG (or any image sharp can read) with face-api. */
export async function measureOutput(jpeg: Buffer): Promise<OutputMeasure> {
  const img = await decodeRgb(jpeg);
  const faces = await detectFaces68(img);
  const base = { width: img.width, height: img.height, faces: faces.length };
  const face = faces[0];
  if (!face) {
    return {
      ...base,
      score: NaN,
      faceWidth: NaN,
      eyeLineY: NaN,
      eyeMidX: NaN,
      chinY: NaN,
      faceCentreX: NaN,
      crownY: NaN,
      crownMargin: NaN,
      headHeight: NaN,
      headWidth: NaN,
      rollDeg: NaN,
      landmarks: [],
    };
  }
  return { ...base, ...measureFace(img, face) };
}

export interface JpegHeader {
  /** Frame is SOF0 (baseline DCT). */
  baseline: boolean;
  /** Frame is SOF2/SOF6/SOF10/SOF14. */
  progressive: boolean;
  /** The SOF marker found, e.g. 'SOF0'. */
  sof: string | null;
  components: number;
  width: number;
  height: number;
  /** From the JFIF APP0 segment: units 0 = aspect only, 1 = dpi, 2 = dots per cm. */
  jfif: { units: number; xDensity: number; yDensity: number } | null;
  /** An APP1 segment starting 'Exif\0\0'. */
  hasExif: boolean;
  /** An APP1 segment starting 'http://ns.adobe.com/xap/1.0/\0'. */
  hasXmp: boolean;
  /** An APP2 segment starting 'ICC_PROFILE\0'. */
  hasIcc: boolean;
  /** Every APPn segment before the scan, in file order, repeats included (e.g. ['APP0', 'APP1']). */
  appMarkers: string[];
  /** Number of COM segments before the scan. */
  comments: number;
}

/**
 * Walks the JPEG marker segments up to the first SOS (no library). Throws if the buffer is not a
 * JPEG or a segment runs past its end.
 */
export async function readJpegHeader(buf: Buffer): Promise<JpegHeader> {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) throw new Error('not a JPEG (no SOI)');
  const out: JpegHeader = {
    baseline: false,
    progressive: false,
    sof: null,
    components: 0,
    width: 0,
    height: 0,
    jfif: null,
    hasExif: false,
    hasXmp: false,
    hasIcc: false,
    appMarkers: [],
    comments: 0,
  };
  let pos = 2;
  while (pos < buf.length) {
    if (buf[pos] !== 0xff) throw new Error(`expected a marker at byte ${pos}`);
    while (pos < buf.length && buf[pos] === 0xff) pos++; // the 0xff and any fill bytes
    const marker = buf[pos];
    if (marker === undefined) break;
    pos += 1; // now just past the marker byte
    // Standalone markers without a length: TEM, RST0–7, SOI, EOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue;
    if (marker === 0xd9) break;
    if (pos + 2 > buf.length) throw new Error('truncated segment length');
    const len = buf.readUInt16BE(pos);
    const start = pos + 2;
    const end = pos + len;
    if (len < 2 || end > buf.length) throw new Error(`segment 0xff${marker.toString(16)} runs past the end`);
    const seg = buf.subarray(start, end);
    if (marker >= 0xe0 && marker <= 0xef) {
      const n = marker - 0xe0;
      out.appMarkers.push(`APP${n}`);
      const id = (s: string): boolean => seg.length >= s.length && seg.toString('latin1', 0, s.length) === s;
      if (n === 0 && id('JFIF\0') && seg.length >= 12 && out.jfif === null) {
        out.jfif = { units: seg[7]!, xDensity: seg.readUInt16BE(8), yDensity: seg.readUInt16BE(10) };
      }
      if (n === 1 && id('Exif\0\0')) out.hasExif = true;
      if (n === 1 && id('http://ns.adobe.com/xap/1.0/\0')) out.hasXmp = true;
      if (n === 2 && id('ICC_PROFILE\0')) out.hasIcc = true;
    } else if (marker === 0xfe) {
      out.comments += 1;
    } else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      // SOFn (C4 = DHT, C8 = JPG extension, CC = DAC are not frames).
      if (seg.length < 6) throw new Error('truncated SOF');
      out.sof = `SOF${marker - 0xc0}`;
      out.baseline = marker === 0xc0;
      out.progressive = marker === 0xc2 || marker === 0xc6 || marker === 0xca || marker === 0xce;
      out.height = seg.readUInt16BE(1);
      out.width = seg.readUInt16BE(3);
      out.components = seg[5]!;
    } else if (marker === 0xda) {
      break; // SOS: entropy-coded data follows; everything we want is before it.
    }
    pos = end;
  }
  return out;
}
