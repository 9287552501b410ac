/**
 * The live camera guide, as pure logic: one frame's face observation + the target oval of the
 * chosen certificate → which hints to show (in priority order) and whether to capture now.
 * No Taro, no DOM, no detector: the h5 BlazeFace detector, weapp's VisionKit and tests on recorded
 * frames all feed the same FaceObservation in.
 */
import type { PhotoSpec } from '@shared/certificates';

export type Point = readonly [number, number];

/** One face as a detector sees it, in frame pixels (the frame as captured, never mirrored). */
export interface FaceLandmarks {
  box: { x: number; y: number; width: number; height: number };
  eyeLeft: Point;
  eyeRight: Point;
  nose?: Point;
  mouth?: Point;
  /** Ends of the face across at ear level (tragion for BlazeFace, contour ends for VisionKit). */
  earLeft?: Point;
  earRight?: Point;
  /** Cheek-to-cheek width when the detector knows it; otherwise derived from the box. */
  faceWidth?: number;
  /** Head turn in degrees when the detector measures it; otherwise estimated from the nose. */
  yawDeg?: number;
  /** Mean luma 0..255 of the face region. */
  luma: number;
}

export interface FaceObservation {
  frame: { width: number; height: number };
  face: FaceLandmarks | null;
  /** Faces of comparable size in the frame (0 when none). */
  faceCount: number;
  /** Mean luma of the view's centre, where a platform measures light without a face tracker. */
  sceneLuma?: number;
}

export type HintCode =
  | 'NO_FACE'
  | 'MULTIPLE_FACES'
  | 'TOO_DARK'
  | 'TOO_BRIGHT'
  | 'MOVE_CLOSER'
  | 'MOVE_BACK'
  | 'MOVE_LEFT'
  | 'MOVE_RIGHT'
  | 'MOVE_UP'
  | 'MOVE_DOWN'
  | 'HEAD_TILTED'
  | 'NOT_FACING_CAMERA';

export const HINT_MESSAGES: Record<HintCode, string> = {
  NO_FACE: '请将脸部对准框内',
  MULTIPLE_FACES: '画面中只能有一个人',
  TOO_DARK: '光线太暗,请面向光源',
  TOO_BRIGHT: '光线太亮,请避开强光',
  MOVE_CLOSER: '请靠近一点',
  MOVE_BACK: '请离远一点',
  MOVE_LEFT: '请向左移一点',
  MOVE_RIGHT: '请向右移一点',
  MOVE_UP: '请向上移一点',
  MOVE_DOWN: '请向下移一点',
  HEAD_TILTED: '请保持头部端正',
  NOT_FACING_CAMERA: '请正对镜头',
};

export const READY_MESSAGE = '很好,请保持不动';

export interface Hint {
  code: HintCode;
  message: string;
}

/** Share of the view the spec photo takes (the rest is margin, so the server can still crop). */
export const SPEC_AREA = 0.84;

/** Where the face should be, in the spec photo's own pixels. */
export interface SpecFraming {
  /** Cheek-to-cheek width the guide aims at. */
  faceWidth: number;
  /** Eye line from the top. */
  eyeY: number;
  crownY: number;
  chinY: number;
}

/**
 * The spec's framing: GA 461 sets the face width (cheek to cheek) and the crown margin; exit-entry
 * and GA 482 set the head width (ears included, so the face is ≈ 0.9 of it), the head height and,
 * exit-entry, the eye line. Where the spec sets no head height or eye line, a typical head is
 * 1.4 face widths tall with the eyes half-way down it.
 */
const HEAD_TO_FACE_WIDTH = 0.9;

export function specFraming(spec: PhotoSpec): SpecFraming {
  const mid = (b: { min: number; max: number; target?: number }) => b.target ?? (b.min + b.max) / 2;
  const width = mid(spec.widthBand);
  const faceWidth = spec.widthBand.quantity === 'face' ? width : width * HEAD_TO_FACE_WIDTH;
  const crownY = mid(spec.crownMargin);
  const headHeight = spec.headHeight ? mid(spec.headHeight) : faceWidth * 1.4;
  let eyeY = crownY + headHeight * 0.5;
  if (spec.eyeLine) eyeY = spec.eyeLine.min > 0 ? mid(spec.eyeLine) : Math.min(eyeY, spec.eyeLine.max);
  return { faceWidth, eyeY, crownY, chinY: crownY + headHeight };
}

/** A rectangle; `view` coordinates are fractions 0..1 of the camera view. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GuideTarget {
  frame: { width: number; height: number };
  /** The part of the frame the view shows (centred, the spec's aspect, like CSS object-fit: cover). */
  visible: Rect;
  /** Target face width, eye line and centre, in frame pixels. */
  faceWidth: number;
  eyeY: number;
  centreX: number;
  /** The oval to draw, as fractions of the view (left, top, width, height). */
  oval: Rect;
  /** The view's aspect (width / height) the page must give the camera box. */
  viewAspect: number;
}

/** The target for a frame of this size, for a view of the spec's aspect. */
export function guideTarget(spec: PhotoSpec, frame: { width: number; height: number }): GuideTarget {
  const viewAspect = spec.width / spec.height;
  const frameAspect = frame.width / frame.height;
  const visible: Rect =
    frameAspect > viewAspect
      ? { x: (frame.width - frame.height * viewAspect) / 2, y: 0, width: frame.height * viewAspect, height: frame.height }
      : { x: 0, y: (frame.height - frame.width / viewAspect) / 2, width: frame.width, height: frame.width / viewAspect };
  const margin = (1 - SPEC_AREA) / 2;
  const framing = specFraming(spec);
  // Spec pixel → view fraction.
  const vx = (x: number) => margin + (SPEC_AREA * x) / spec.width;
  const vy = (y: number) => margin + (SPEC_AREA * y) / spec.height;
  const ovalWidth = (framing.faceWidth * 1.2) / spec.width;
  return {
    frame,
    visible,
    faceWidth: (SPEC_AREA * visible.width * framing.faceWidth) / spec.width,
    eyeY: visible.y + visible.height * vy(framing.eyeY),
    centreX: visible.x + visible.width / 2,
    oval: {
      x: 0.5 - (SPEC_AREA * ovalWidth) / 2,
      y: vy(framing.crownY),
      width: SPEC_AREA * ovalWidth,
      height: vy(framing.chinY) - vy(framing.crownY),
    },
    viewAspect,
  };
}

/**
 * Limits of each check. A check passes inside [min, max]; once passing, it keeps passing until the
 * value leaves the band widened by `slack` (hysteresis: a face on the edge does not flicker).
 */
export const GUIDE_LIMITS = {
  luma: { min: 70, max: 215, slack: 8 },
  /** Face width over the target width. */
  size: { min: 0.88, max: 1.12, slack: 0.05 },
  /** Eye midpoint from the target, over the target face width. */
  offsetX: { min: -0.12, max: 0.12, slack: 0.05 },
  offsetY: { min: -0.12, max: 0.12, slack: 0.05 },
  rollDeg: { min: -5, max: 5, slack: 2 },
  yawDeg: { min: -12, max: 12, slack: 3 },
} as const;

type CheckName = keyof typeof GUIDE_LIMITS;
export type Passing = Partial<Record<CheckName, boolean>>;

/** BlazeFace's box is a little narrower than the cheek-to-cheek width the specs mean. */
export const BOX_TO_FACE_WIDTH = 1.0;
/**
 * Scale from "nose offset along the eye line, in eye distances" to sin(yaw). Anatomy says ≈ 0.5,
 * but BlazeFace's nose keypoint wanders ±0.1 eye distances on frontal fixture portraits
 * (hivision-test0 reads 0.13), so 1.0 keeps frontal faces frontal and still flags a turn of ≈ 25°+.
 */
const NOSE_DEPTH = 1.0;

export interface FaceMeasures {
  luma: number;
  size: number;
  offsetX: number;
  offsetY: number;
  rollDeg: number;
  yawDeg: number;
}

/** Measures in the view as the person sees it: with `mirrored`, + offsetX is towards the screen's right. */
export function measure(face: FaceLandmarks, target: GuideTarget, mirrored: boolean): FaceMeasures {
  const [lx, ly] = face.eyeLeft;
  const [rx, ry] = face.eyeRight;
  const eyeMid: Point = [(lx + rx) / 2, (ly + ry) / 2];
  const rollDeg = (Math.atan2(ry - ly, rx - lx) * 180) / Math.PI;
  const eyeDistance = Math.hypot(rx - lx, ry - ly);
  let yawDeg = face.yawDeg;
  if (yawDeg === undefined && face.nose) {
    // Nose offset from the eye midpoint along the eye line, in the face's upright frame.
    const along = ((face.nose[0] - eyeMid[0]) * (rx - lx) + (face.nose[1] - eyeMid[1]) * (ry - ly)) / Math.max(1e-6, eyeDistance);
    const s = Math.max(-1, Math.min(1, along / Math.max(1e-6, eyeDistance * NOSE_DEPTH)));
    yawDeg = (Math.asin(s) * 180) / Math.PI;
  }
  const faceWidth = face.faceWidth ?? face.box.width * BOX_TO_FACE_WIDTH;
  const dx = (eyeMid[0] - target.centreX) / target.faceWidth;
  return {
    luma: face.luma,
    size: faceWidth / target.faceWidth,
    offsetX: mirrored ? -dx : dx,
    offsetY: (eyeMid[1] - target.eyeY) / target.faceWidth,
    rollDeg,
    yawDeg: yawDeg ?? 0,
  };
}

function passes(name: CheckName, value: number, before: Passing): boolean {
  const { min, max, slack } = GUIDE_LIMITS[name];
  const widen = before[name] ? slack : 0;
  return value >= min - widen && value <= max + widen;
}

export interface GuideState {
  /** Every unmet condition, most important first (the first is the one to show). */
  hints: Hint[];
  ready: boolean;
  measures: FaceMeasures | null;
  /** Which checks pass, to carry into the next frame (hysteresis). */
  passing: Passing;
}

const hint = (code: HintCode): Hint => ({ code, message: HINT_MESSAGES[code] });

/**
 * One frame's verdict. Order: no face, more than one person, light, distance, position, head roll,
 * head turn. Left/right are as the person sees the view: for the (mirrored) front camera that is
 * also the way they move.
 */
export function evaluateFrame(
  observation: FaceObservation,
  target: GuideTarget,
  { mirrored = true, before = {} }: { mirrored?: boolean; before?: Passing } = {},
): GuideState {
  const face = observation.face;
  if (!face) return { hints: [hint('NO_FACE')], ready: false, measures: null, passing: {} };
  const m = measure(face, target, mirrored);
  const passing: Passing = {};
  for (const name of Object.keys(GUIDE_LIMITS) as CheckName[]) passing[name] = passes(name, m[name], before);
  const hints: Hint[] = [];
  if (observation.faceCount > 1) hints.push(hint('MULTIPLE_FACES'));
  if (!passing.luma) hints.push(hint(m.luma < GUIDE_LIMITS.luma.min ? 'TOO_DARK' : 'TOO_BRIGHT'));
  if (!passing.size) hints.push(hint(m.size < 1 ? 'MOVE_CLOSER' : 'MOVE_BACK'));
  // Too far right in the view → move left (and the other way round).
  if (!passing.offsetX) hints.push(hint(m.offsetX > 0 ? 'MOVE_LEFT' : 'MOVE_RIGHT'));
  // Eyes below the line → up.
  if (!passing.offsetY) hints.push(hint(m.offsetY > 0 ? 'MOVE_UP' : 'MOVE_DOWN'));
  if (!passing.rollDeg) hints.push(hint('HEAD_TILTED'));
  if (!passing.yawDeg) hints.push(hint('NOT_FACING_CAMERA'));
  return { hints, ready: hints.length === 0, measures: m, passing };
}

export interface GuideUpdate extends GuideState {
  /** The one line to show: the first hint, or the ready message. */
  message: string;
  /** 0..1 of the hold before the automatic capture. */
  holdProgress: number;
  /** True on the one frame where the capture should happen. */
  capture: boolean;
}

/**
 * Frame-to-frame guide with the automatic capture: every condition must hold on consecutive frames
 * for `holdMs`; any unmet condition restarts the wait; the face leaving the frame also forgets the
 * hysteresis. Fires once, until `reset()`.
 */
export class FaceGuide {
  private passing: Passing = {};
  private readySince: number | null = null;
  private fired = false;

  constructor(
    private target: GuideTarget,
    private readonly options: { mirrored?: boolean; holdMs?: number } = {},
  ) {}

  get holdMs(): number {
    return this.options.holdMs ?? 800;
  }

  setTarget(target: GuideTarget): void {
    this.target = target;
  }

  reset(): void {
    this.passing = {};
    this.readySince = null;
    this.fired = false;
  }

  update(observation: FaceObservation, nowMs: number): GuideUpdate {
    const state = evaluateFrame(observation, this.target, { mirrored: this.options.mirrored ?? true, before: this.passing });
    this.passing = state.passing;
    if (!state.ready) this.readySince = null;
    else this.readySince ??= nowMs;
    const held = this.readySince === null ? 0 : nowMs - this.readySince;
    const capture = state.ready && !this.fired && held >= this.holdMs;
    if (capture) this.fired = true;
    return {
      ...state,
      message: state.hints[0]?.message ?? READY_MESSAGE,
      holdProgress: Math.min(1, held / this.holdMs),
      capture,
    };
  }
}
