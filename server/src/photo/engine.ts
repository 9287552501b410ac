/**
 * The photo engine: any portrait in, a spec-exact ID photo out — or the exact reasons why not.
 *
 * decode once (shrinking while decoding) → faces and mesh on a ≤1024 px copy → person mask around
 * the head → crown → solve the crop from the spec's quantities → render (straighten, scale, crop)
 * → refine the mask at the edges and put the person on white → quality checks → encode into the
 * file-size band → measure the finished photo and report what it measures.
 */
import { getCertificate, type CertCode, type PhotoSpec } from '../../../shared/certificates';
import { CHECK_CODES, type CheckCode } from '../../../shared/check-codes';
import type { CheckResult, OutputGeometry, PhotoReport } from '../../../shared/photo-report';
import * as media from '../repositories/media.repository';
import { MediaError, type RawImage, type Rect } from '../repositories/media.repository';
import { detectFaces, segmentPerson, type DetectedFace } from './detect';
import { faceWidthWithin, geometryAt, solveCrop, withinSpec, type CropSolution, type HeadMeasure } from './geometry';
import { setJfifDensity } from './jpeg-header';
import { measureFace, type FaceMeasure, type Point } from './landmarks';
import { compositeOnWhite, keepConnected, refineAlpha } from './matting';
import { loadModels, type Models } from './models';
import { composeAffine, luminance, sampleBilinear, warpMap, warpRgb, type Affine } from './pixels';
import * as quality from './quality';
import { reviewerChecks } from './reviewer-checks';
import { QUALITY_LIMITS as Q } from './quality';

export const INPUT_LIMITS = {
  maxBytes: 20 * 1024 * 1024,
  maxPixels: 64_000_000,
  /** Largest enlargement of the source allowed before the photo is too small. */
  maxUpscale: 1.5,
  /** The working copy keeps at least this many pixels on its short side. */
  workingMinSide: 720,
  /** Face models see at most this long a side (their own inputs are 256 px and smaller). */
  modelMaxSide: 512,
} as const;

export interface EngineResult {
  report: PhotoReport;
  /** The ID photo; present whenever a crop could be made, even if a quality check failed. */
  jpeg: Buffer | null;
}

class Timer {
  readonly timings: Record<string, number> = {};
  private last = performance.now();
  private readonly start = this.last;
  lap(stage: string): void {
    const now = performance.now();
    this.timings[stage] = round1((this.timings[stage] ?? 0) + now - this.last);
    this.last = now;
  }
  total(): Record<string, number> {
    return { ...this.timings, total: round1(performance.now() - this.start) };
  }
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

class Checks {
  readonly list: CheckResult[] = [];
  add(code: CheckCode, pass: boolean, value: number | null, limit: string): void {
    const info = CHECK_CODES[code];
    this.list.push({ code, pass, severity: info.severity, message: info.message, value, limit });
  }
  get blocked(): boolean {
    return this.list.some((c) => !c.pass && c.severity === 'block');
  }
}

function finish(cert: CertCode, checks: Checks, timer: Timer, extra: Partial<Pick<PhotoReport, 'output' | 'geometry'>> = {}): PhotoReport {
  const failures = checks.list.filter((c) => !c.pass && c.severity === 'block').map((c) => c.code);
  const warnings = checks.list.filter((c) => !c.pass && c.severity === 'warn').map((c) => c.code);
  return {
    ok: failures.length === 0 && Boolean(extra.output),
    cert,
    failures,
    warnings,
    checks: checks.list,
    output: extra.output ?? null,
    geometry: extra.geometry ?? null,
    timingsMs: timer.total(),
  };
}

/** Rotation by `deg` degrees (image coordinates, y down) about `c`. */
function rotateAbout(p: Point, c: Point, deg: number): Point {
  const a = (deg * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const dx = p[0] - c[0];
  const dy = p[1] - c[1];
  return [c[0] + dx * cos - dy * sin, c[1] + dx * sin + dy * cos];
}

/**
 * Working image → output photo: straighten by `rollDeg` about the eye midpoint, scale, translate.
 * `frame` coordinates are the straightened working coordinates.
 */
class CropTransform {
  constructor(
    readonly pivot: Point,
    readonly rollDeg: number,
    readonly scale: number,
    readonly left: number,
    readonly top: number,
  ) {}
  toFrame(p: Point): Point {
    return rotateAbout(p, this.pivot, -this.rollDeg);
  }
  fromFrame(f: Point): Point {
    return rotateAbout(f, this.pivot, this.rollDeg);
  }
  toOutput(p: Point): Point {
    const f = this.toFrame(p);
    return [f[0] * this.scale - this.left, f[1] * this.scale - this.top];
  }
  toWorking(o: Point): Point {
    return this.fromFrame([(o[0] + this.left) / this.scale, (o[1] + this.top) / this.scale]);
  }
  /** `toWorking` as an affine map, for per-pixel loops. */
  outputToWorking(): Affine {
    const a = (this.rollDeg * Math.PI) / 180;
    const cos = Math.cos(a) / this.scale;
    const sin = Math.sin(a) / this.scale;
    const u = this.left - this.pivot[0] * this.scale;
    const v = this.top - this.pivot[1] * this.scale;
    return { a: cos, b: -sin, c: cos * u - sin * v + this.pivot[0], d: sin, e: cos, f: sin * u + cos * v + this.pivot[1] };
  }
  /** The same transform for a source scaled by `factor` (a re-decode at another size). */
  rescaled(factor: number): CropTransform {
    return new CropTransform([this.pivot[0] * factor, this.pivot[1] * factor], this.rollDeg, this.scale / factor, this.left, this.top);
  }
}

/** A person mask over a square region of the working image. */
interface PersonMask {
  data: Float32Array;
  size: number;
  region: Rect;
}

/** Working-image coordinates → mask coordinates. */
function workingToMask(mask: PersonMask): Affine {
  const sx = mask.size / mask.region.width;
  const sy = mask.size / mask.region.height;
  return { a: sx, b: 0, c: -mask.region.left * sx, d: 0, e: sy, f: -mask.region.top * sy };
}

function maskAt(mask: PersonMask, p: Point): number {
  const x = ((p[0] - mask.region.left) / mask.region.width) * mask.size;
  const y = ((p[1] - mask.region.top) / mask.region.height) * mask.size;
  return sampleBilinear(mask.data, mask.size, mask.size, x, y);
}

function faceArea(face: DetectedFace): number {
  return face.box.width * face.box.height;
}

export async function processPhoto(input: Buffer, certCode: CertCode): Promise<EngineResult> {
  const cert = getCertificate(certCode);
  const spec = cert.spec;
  const timer = new Timer();
  const checks = new Checks();
  const fail = (code: CheckCode, value: number | null, limit: string): EngineResult => {
    checks.add(code, false, value, limit);
    return { report: finish(certCode, checks, timer), jpeg: null };
  };

  // 1. Decode, once, at the smallest size that keeps enough detail.
  if (input.length === 0) return fail('INPUT_UNREADABLE', 0, '非空文件');
  if (input.length > INPUT_LIMITS.maxBytes) return fail('INPUT_TOO_LARGE', input.length, `≤ ${INPUT_LIMITS.maxBytes} B`);
  let original: media.ProbeResult;
  let working: RawImage;
  let shrink = 1;
  try {
    original = await media.probe(input, INPUT_LIMITS.maxPixels);
    while (shrink < 8 && Math.min(original.width, original.height) / (shrink * 2) >= INPUT_LIMITS.workingMinSide) shrink *= 2;
    working = await media.decodeUpright(
      input,
      // Rounded up like the JPEG decoder's own scaling, so libvips need not resample afterwards.
      Math.ceil(original.width / shrink),
      Math.ceil(original.height / shrink),
      INPUT_LIMITS.maxPixels,
    );
  } catch (err) {
    if (!(err instanceof MediaError)) throw err;
    if (err.kind === 'too_large') return fail('INPUT_TOO_LARGE', null, `≤ ${INPUT_LIMITS.maxPixels / 1e6} MP`);
    if (err.kind === 'unsupported') return fail('INPUT_UNSUPPORTED', null, 'JPEG/PNG/WebP/HEIF');
    return fail('INPUT_UNREADABLE', null, '可解码的图片');
  }
  checks.add('INPUT_UNREADABLE', true, null, '可解码的图片');
  checks.add('INPUT_TOO_LARGE', true, original.width * original.height, `≤ ${INPUT_LIMITS.maxPixels / 1e6} MP`);
  timer.lap('decode');

  // 2. Faces on a small copy.
  const models = await loadModels();
  timer.lap('models');
  const modelScale = Math.min(1, INPUT_LIMITS.modelMaxSide / Math.max(working.width, working.height));
  const small =
    modelScale < 1
      ? await media.resize(working, Math.round(working.width * modelScale), Math.round(working.height * modelScale))
      : working;
  const faces = (await detectFaces(models, small)).sort((a, b) => faceArea(b) - faceArea(a));
  timer.lap('faces');
  if (faces.length === 0) return fail('NO_FACE', 0, '1');
  checks.add('NO_FACE', true, faces.length, '≥ 1');
  const main = faces[0]!;
  // Another face at least half as wide as the main one is another person in the photo, not a
  // face in a poster far behind.
  const comparable = faces.filter((f) => f.box.width >= main.box.width * 0.5);
  if (comparable.length > 1) return fail('MULTIPLE_FACES', comparable.length, '1');
  checks.add('MULTIPLE_FACES', true, comparable.length, '1');
  const face = measureFace(main.mesh.map(([x, y]) => [x / modelScale, y / modelScale]));

  // 3. Pose.
  const roll = face.rollDeg;
  if (Math.abs(roll) > Q.rollStraightenMax) return fail('HEAD_TILTED', round1(roll), `±${Q.rollStraightenMax}°`);
  checks.add('HEAD_TILTED', true, round1(roll), `±${Q.rollStraightenMax}°`);
  const facing = Math.abs(face.yaw) <= Q.yawMax && face.noseDrop >= Q.noseDropMin && face.noseDrop <= Q.noseDropMax;
  checks.add('NOT_FACING_CAMERA', facing, round3(face.yaw), `偏转 ≤ ${Q.yawMax}, 俯仰 ${Q.noseDropMin}–${Q.noseDropMax} (${round3(face.noseDrop)})`);
  checks.add('HEAD_POSE_SLIGHT', !facing || Math.abs(face.yaw) <= Q.yawWarn, round3(face.yaw), `≤ ${Q.yawWarn}`);
  checks.add('EYES_CLOSED', face.eyeOpenness >= Q.eyeOpennessMin, round3(face.eyeOpenness), `≥ ${Q.eyeOpennessMin}`);

  // 4. Person mask around the head, and the crown from it.
  const mask = await personMask(models, working, headRegion(face), face);
  timer.lap('segment');
  const straighten = new CropTransform(face.eyeMid, roll, 1, 0, 0);
  const crown = findCrown(mask, face, straighten);
  const crownWorking = straighten.fromFrame([face.centre[0], crown]);
  const frameOf = (p: Point) => straighten.toFrame(p);
  const head: HeadMeasure = {
    crownY: crown - CROWN_VISIBLE_OFFSET * face.faceWidth,
    eyeY: face.eyeMid[1],
    chinY: frameOf(face.chin)[1],
    centreX: frameOf(face.centre)[0],
    eyeMidX: face.eyeMid[0],
    faceWidth: face.faceWidth,
  };

  // 5. Geometry from the spec's quantities.
  let solution = solveCrop(spec, head);
  const transformOf = (s: CropSolution) => new CropTransform(face.eyeMid, roll, s.scale, s.left, s.top);
  const cutOff = headCutOff(spec, transformOf(solution), working, mask, crownWorking, face);
  const upscale = solution.scale / shrink;
  timer.lap('geometry');
  // A crop that cannot be made is reported, but the quality checks still run on a best-effort
  // render so the person learns everything to fix in one go.
  checks.add('HEAD_CUT_OFF', !cutOff, null, cutOff ?? '头顶、下巴、肩膀在画面内');
  const minFace = Math.ceil(spec.faceWidth.min / INPUT_LIMITS.maxUpscale);
  checks.add('LOW_RESOLUTION', upscale <= INPUT_LIMITS.maxUpscale, Math.round(face.faceWidth * shrink), `脸宽 ≥ ${minFace} px`);
  const cropPossible = !cutOff && upscale <= INPUT_LIMITS.maxUpscale;

  // 6. Render: more detail is decoded only when the working copy is too small for this crop.
  const sources = new Map<number, RawImage>([[shrink, working]]);
  const mesh = main.mesh.map(([x, y]) => [x / modelScale, y / modelScale] as Point);
  const renderCrop = async (s: CropSolution) => {
    const transform = transformOf(s);
    let finer = shrink;
    if (cropPossible) while (finer > 1 && s.scale * (finer / shrink) > 1) finer /= 2;
    let source = sources.get(finer);
    if (!source) {
      source = await media.decodeUpright(input, Math.ceil(original.width / finer), Math.ceil(original.height / finer), INPUT_LIMITS.maxPixels);
      sources.set(finer, source);
      timer.lap('decode');
    }
    const rgb = await render(source, transform.rescaled(shrink / finer), spec);
    timer.lap('render');
    const coarse = warpMap(mask.data, mask.size, mask.size, spec.width, spec.height, composeAffine(workingToMask(mask), transform.outputToWorking()));
    const alpha = refineAlpha(rgb, coarse, spec.width, spec.height);
    const photo = compositeOnWhite(rgb, alpha, spec.width, spec.height);
    // The landmarks carried onto the output, and the geometry measured on the output's pixels.
    const outMesh = mesh.map((p) => transform.toOutput(p));
    const outFace = measureFace(outMesh);
    const geometry = measureOutput(photo, spec, outFace);
    timer.lap('matting');
    return { rgb, alpha, photo, outMesh, outFace, geometry, fits: geometryWithin(spec, geometry, s.crownTrimmed) };
  };
  let out = await renderCrop(solution);
  if (cropPossible && !out.fits) {
    // The visible top of the hair can sit a few pixels off the mask's estimate; when that pushes
    // a band over its edge, solve once more with the crown where the output shows it.
    const shift = (out.geometry.crownMargin - solution.predicted.crownMargin) / solution.scale;
    const retry = solveCrop(spec, { ...head, crownY: head.crownY + shift });
    timer.lap('geometry');
    if (!headCutOff(spec, transformOf(retry), working, mask, crownWorking, face)) {
      const second = await renderCrop(retry);
      if (second.fits) [solution, out] = [retry, second];
    }
  }
  checks.add('CROWN_TRIMMED', !solution.crownTrimmed, round1(solution.predicted.crownMargin), `≥ ${spec.crownMargin.min} px`);
  const { rgb, alpha, photo, outMesh, outFace, geometry } = out;

  // 7. Quality on the rendered face (fixed scale: one set of thresholds for every input).
  qualityChecks(checks, { rgb, luma: luminance(rgb), alpha, width: spec.width, height: spec.height }, outFace);
  // What reviewers reject by eye (mouth open, earrings, hair over ears/brows/shoulders, backdrop left).
  checks.list.push(...reviewerChecks({ rgb, photo, alpha, width: spec.width, height: spec.height, mesh: outMesh, face: outFace }));
  timer.lap('quality');

  if (!cropPossible) return { report: finish(certCode, checks, timer), jpeg: null };

  // 8. Encode into the file-size band.
  const encoded = await encodeInBand({ data: photo, width: spec.width, height: spec.height, channels: 3 }, spec);
  checks.add(
    'OUTPUT_FILE_SIZE',
    encoded.jpeg.length >= spec.fileBytes.min && encoded.jpeg.length <= spec.fileBytes.max,
    encoded.jpeg.length,
    `${spec.fileBytes.min}–${spec.fileBytes.max} B`,
  );
  timer.lap('encode');

  // 9. What the output measures.
  checks.add('OUTPUT_GEOMETRY', out.fits, null, '头顶距、眼睛位置、头部高度符合规格');
  checks.add(
    'FACE_WIDTH_OUT_OF_BAND',
    faceWidthWithin(spec, geometry),
    geometry.faceWidth,
    `${spec.faceWidth.min}–${spec.faceWidth.max} px`,
  );

  const report = finish(certCode, checks, timer, {
    output: { width: spec.width, height: spec.height, bytes: encoded.jpeg.length, dpi: spec.dpi, format: 'jpeg', quality: encoded.quality },
    geometry,
  });
  return { report, jpeg: encoded.jpeg };
}

/** Person mask over a square region of the working image, keeping only the face's person. */
async function personMask(models: Models, working: RawImage, region: Rect, face: FaceMeasure): Promise<PersonMask> {
  const input = await media.extractScaled(working, region, models.selfieSize, models.selfieSize, [255, 255, 255]);
  const data = await segmentPerson(models, input);
  const mask = { data, size: models.selfieSize, region };
  const seed = [((face.centre[0] - region.left) / region.width) * mask.size, ((face.centre[1] - region.top) / region.height) * mask.size] as [number, number];
  keepConnected(data, mask.size, seed);
  return mask;
}

/** A square around the head, from well above the crown to the shoulders: for finding the crown. */
function headRegion(face: FaceMeasure): Rect {
  const side = Math.round(face.faceWidth * 3.2);
  return { left: Math.round(face.centre[0] - side / 2), top: Math.round(face.eyeMid[1] - face.faceWidth * 1.6), width: side, height: side };
}

/** Bounding box, on the working image, of the output rectangle. */
function outputBounds(t: CropTransform, spec: PhotoSpec): Rect {
  const corners = [t.toWorking([0, 0]), t.toWorking([spec.width, 0]), t.toWorking([0, spec.height]), t.toWorking([spec.width, spec.height])];
  const left = Math.floor(Math.min(...corners.map((p) => p[0])));
  const top = Math.floor(Math.min(...corners.map((p) => p[1])));
  return {
    left,
    top,
    width: Math.ceil(Math.max(...corners.map((p) => p[0]))) - left,
    height: Math.ceil(Math.max(...corners.map((p) => p[1]))) - top,
  };
}

/** Mask level at which the thin top of the hair already counts (a person sees it as hair). */
const CROWN_MASK_MIN = 0.2;
/**
 * The visible top of the hair on the finished photo lies above that mask level by 0.02 face
 * widths (median over the fixture portraits, spread −0.006…0.036): the matting keeps fine hair
 * the coarse mask blurs away.
 */
const CROWN_VISIBLE_OFFSET = 0.02;

/**
 * Crown: in the straightened frame, the first row above the eyes where most of a narrow column
 * band over the face centre is person.
 */
function findCrown(mask: PersonMask, face: FaceMeasure, straighten: CropTransform): number {
  const fw = face.faceWidth;
  const cx = straighten.toFrame(face.centre)[0];
  const eyeY = face.eyeMid[1];
  const samples = 9;
  const step = Math.max(0.5, fw / 200);
  for (let y = eyeY - 1.6 * fw; y < eyeY - 0.2 * fw; y += step) {
    let person = 0;
    for (let i = 0; i < samples; i++) {
      const x = cx - 0.2 * fw + (0.4 * fw * i) / (samples - 1);
      if (maskAt(mask, straighten.fromFrame([x, y])) > CROWN_MASK_MIN) person++;
    }
    if (person >= samples * 0.3) return y;
  }
  // No hair found above the brows: the forehead line stands in (bald head on a matching wall).
  return straighten.toFrame(face.forehead)[1];
}

/** Says what is missing from the frame, or null when the crop fits the source. */
function headCutOff(spec: PhotoSpec, t: CropTransform, working: RawImage, mask: PersonMask, crown: Point, face: FaceMeasure): string | null {
  const { width, height } = working;
  // Hair reaching the top edge may go on beyond it: the crown is not known to be in the photo.
  if (crown[1] <= Math.max(1.5, face.faceWidth * 0.015)) return '头顶超出画面';
  if (face.chin[1] >= height - 1) return '下巴超出画面';
  // The bottom edge of the photo must be real picture (shoulders), not fill.
  const tolerance = (spec.height * 0.02) / t.scale;
  const corners = [t.toWorking([0, spec.height]), t.toWorking([spec.width, spec.height])];
  if (corners.some((p) => p[1] > height + tolerance)) return '肩膀超出画面';
  // Sides may be filled with white only where the person does not touch that image edge.
  const top = t.toWorking([0, 0])[1];
  const bottom = t.toWorking([0, spec.height])[1];
  const allCorners = [t.toWorking([0, 0]), t.toWorking([spec.width, 0]), ...corners];
  const touches = (x: number) => {
    let n = 0;
    let person = 0;
    for (let y = Math.max(0, top); y < Math.min(height, bottom); y += 2) {
      n++;
      if (maskAt(mask, [x, y]) > 0.5) person++;
    }
    return n > 0 && person / n > 0.1;
  };
  if (allCorners.some((p) => p[0] < -tolerance) && touches(0.5)) return '肩膀超出画面左侧';
  if (allCorners.some((p) => p[0] > width + tolerance) && touches(width - 0.5)) return '肩膀超出画面右侧';
  return null;
}

async function render(source: RawImage, t: CropTransform, spec: PhotoSpec): Promise<Uint8Array> {
  // Bounding box of the output rectangle on the source, with room for the bicubic taps.
  const bounds = outputBounds(t, spec);
  const box: Rect = { left: bounds.left - 3, top: bounds.top - 3, width: bounds.width + 6, height: bounds.height + 6 };
  // Shrink with a proper filter first (lanczos, no aliasing); the warp then only rotates and
  // shifts at about 1:1, where bicubic interpolation is exact enough.
  const shrinkFirst = t.scale < 0.95;
  const w = shrinkFirst ? Math.max(1, Math.round(box.width * t.scale)) : box.width;
  const h = shrinkFirst ? Math.max(1, Math.round(box.height * t.scale)) : box.height;
  const region = shrinkFirst ? await media.extractScaled(source, box, w, h, [255, 255, 255]) : await media.extractPadded(source, box, [255, 255, 255]);
  const fx = w / box.width;
  const fy = h / box.height;
  const workingToRegion: Affine = { a: fx, b: 0, c: -box.left * fx, d: 0, e: fy, f: -box.top * fy };
  return warpRgb(region, spec.width, spec.height, composeAffine(workingToRegion, t.outputToWorking()));
}

function qualityChecks(checks: Checks, img: quality.ImageView, face: FaceMeasure): void {
  const regions = quality.faceRegions(face);
  const sharp = quality.sharpness(img, regions.eyes);
  checks.add('BLURRY', sharp >= Q.sharpnessMin, round3(sharp), `≥ ${Q.sharpnessMin}`);
  const exp = quality.exposure(img, face);
  checks.add('TOO_DARK', exp.medianLuma >= Q.lumaMin, Math.round(exp.medianLuma), `≥ ${Q.lumaMin}`);
  checks.add('TOO_BRIGHT', exp.medianLuma <= Q.lumaMax && exp.clipped <= Q.clippedMax, Math.round(exp.medianLuma), `≤ ${Q.lumaMax}, 过曝像素 ≤ ${Q.clippedMax * 100}%`);
  checks.add('UNEVEN_LIGHTING', exp.evenness >= Q.evennessMin, round3(exp.evenness), `≥ ${Q.evennessMin}`);
  const chroma = quality.personChroma(img);
  const gray = chroma < Q.chromaMin;
  checks.add('GRAYSCALE', !gray, round1(chroma), `≥ ${Q.chromaMin}`);
  const cast = quality.skinCast(img, face);
  checks.add('COLOR_CAST', gray || cast.distance <= Q.castMax, round3(cast.distance), `≤ ${Q.castMax}`);
  const white = quality.whiteClothing(img, face);
  checks.add('WHITE_CLOTHING', white <= Q.whiteClothingMax, round3(white), `≤ ${Q.whiteClothingMax}`);
  const forehead = quality.foreheadSkin(img, face);
  checks.add('HAIR_OVER_FACE', forehead >= Q.foreheadSkinMin, round3(forehead), `≥ ${Q.foreheadSkinMin}`);
  const glare = quality.eyeGlare(img, face);
  checks.add('GLASSES_GLARE', glare <= Q.glassesGlareMax, round3(glare), `≤ ${Q.glassesGlareMax}`);
}

/**
 * Picks a JPEG quality whose file lands near the middle of the size band: size grows with
 * quality, so a bisection from the nominal quality finds it, stopping as soon as a file is within
 * a quarter band of the target. Never pads.
 */
async function encodeInBand(img: RawImage, spec: PhotoSpec): Promise<{ jpeg: Buffer; quality: number }> {
  const target = spec.fileBytes.target ?? (spec.fileBytes.min + spec.fileBytes.max) / 2;
  const cache = new Map<number, Buffer>();
  const encode = async (q: number) => {
    let jpeg = cache.get(q);
    if (!jpeg) {
      jpeg = setJfifDensity(await media.encodeJpeg(img, q), spec.dpi);
      cache.set(q, jpeg);
    }
    return jpeg;
  };
  const closeEnough = (spec.fileBytes.max - spec.fileBytes.min) / 4;
  let lo = spec.quality.min;
  let hi = spec.quality.max;
  let q = spec.quality.nominal;
  while (hi - lo > 1) {
    const jpeg = await encode(q);
    if (Math.abs(jpeg.length - target) <= closeEnough) return { jpeg, quality: q };
    if (jpeg.length < target) lo = q;
    else hi = q;
    q = Math.round((lo + hi) / 2);
  }
  const score = (b: Buffer) => {
    const inBand = b.length >= spec.fileBytes.min && b.length <= spec.fileBytes.max;
    return (inBand ? 0 : 1e9) + Math.abs(b.length - target);
  };
  const [atLo, atHi] = [await encode(lo), await encode(hi)];
  return score(atLo) <= score(atHi) ? { jpeg: atLo, quality: lo } : { jpeg: atHi, quality: hi };
}

/**
 * Measures the finished photo in its own pixels: the landmarks carried onto it by the exact crop
 * transform (they were found at a finer scale than the output has), and the crown read from the
 * output's pixels.
 */
function measureOutput(photo: Uint8Array, spec: PhotoSpec, f: FaceMeasure): OutputGeometry {
  // Crown on the output: the first of three rows over the face centre in which the person is
  // visible (a pixel visibly off white), as a person looking at the photo would place it.
  const band = Math.round(f.faceWidth * 0.2);
  const cx = Math.round(f.centre[0]);
  const x0 = Math.max(0, cx - band);
  const x1 = Math.min(spec.width - 1, cx + band);
  const needed = Math.max(3, (x1 - x0 + 1) * 0.05);
  const visible = (y: number) => {
    let n = 0;
    for (let x = x0; x <= x1; x++) {
      const i = (y * spec.width + x) * 3;
      if (Math.min(photo[i]!, photo[i + 1]!, photo[i + 2]!) < 235) n++;
    }
    return n >= needed;
  };
  let crownY = 0;
  for (let y = 0; y + 2 < spec.height; y++) {
    if (visible(y) && visible(y + 1) && visible(y + 2)) {
      crownY = y;
      break;
    }
  }
  const head: HeadMeasure = {
    crownY,
    eyeY: f.eyeMid[1],
    chinY: f.chin[1],
    centreX: f.centre[0],
    eyeMidX: f.eyeMid[0],
    faceWidth: f.faceWidth,
  };
  const g = geometryAt(spec, head, 1, 0, 0);
  return {
    faceWidth: round1(g.faceWidth),
    headHeight: round1(g.headHeight),
    crownMargin: round1(g.crownMargin),
    eyeLine: round1(g.eyeLine),
    eyeLineFromBottom: round1(g.eyeLineFromBottom),
    eyeMidX: round1(g.eyeMidX),
    centreOffset: round1(g.centreOffset),
  };
}

function geometryWithin(spec: PhotoSpec, g: OutputGeometry, crownTrimmed: boolean): boolean {
  return withinSpec(spec, crownTrimmed ? { ...g, crownMargin: spec.crownMargin.min } : g);
}
