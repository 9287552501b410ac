/**
 * Turns a 468-point MediaPipe face mesh into the quantities the specs and checks talk about.
 * Pure geometry on points; no pixels.
 */

export type Point = readonly [number, number];

/** MediaPipe FaceMesh indices used here. "Left"/"right" are image left/right. */
export const MESH = {
  forehead: 10,
  chin: 152,
  noseTip: 1,
  cheekLeft: 234,
  cheekRight: 454,
  // Eyelids and corners of the eye on the image left (the person's right eye) and image right.
  eyeL: { outer: 33, inner: 133, upper: 159, lower: 145 },
  eyeR: { outer: 263, inner: 362, upper: 386, lower: 374 },
  lipsInnerUpper: 13,
  lipsInnerLower: 14,
  mouthLeft: 78,
  mouthRight: 308,
  browL: [70, 63, 105, 66, 107],
  browR: [300, 293, 334, 296, 336],
} as const;

/**
 * Mesh 234↔454 reads narrower than the 68-point jaw contour's ends (0↔16) of a second model:
 * by a median 3.6 % on seven fixture portraits (server/test/support/calibrate-face-width.ts;
 * PHOTO-SPECS.md quotes ~7 %). This factor puts our estimate halfway between the two readings,
 * so a photo aimed at the middle of a band stays inside it by either measure.
 */
export const FACE_WIDTH_CALIBRATION = 1.018;

export interface FaceMeasure {
  eyeLeft: Point;
  eyeRight: Point;
  eyeMid: Point;
  chin: Point;
  forehead: Point;
  noseTip: Point;
  cheekLeft: Point;
  cheekRight: Point;
  /** Centre of the face between the cheeks. */
  centre: Point;
  /** Calibrated cheek-to-cheek width. */
  faceWidth: number;
  /** Angle of the eye line, degrees, positive when the image-right eye is lower. */
  rollDeg: number;
  /** Nose position between the cheeks: 0 frontal, ±1 full profile. */
  yaw: number;
  /** Nose tip height between eyes (0) and chin (1); frontal faces sit near 0.45. */
  noseDrop: number;
  /** Eyelid opening over eye width, the smaller of the two eyes. */
  eyeOpenness: number;
  /** Inner-lip gap over mouth width. */
  mouthOpenness: number;
}

export function dist(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

export function mid(a: Point, b: Point): Point {
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
}

function at(mesh: readonly (readonly number[])[], i: number): Point {
  const p = mesh[i];
  if (!p) throw new Error(`mesh point ${i} missing`);
  return [p[0] ?? 0, p[1] ?? 0];
}

function openness(mesh: readonly (readonly number[])[], eye: { outer: number; inner: number; upper: number; lower: number }): number {
  return dist(at(mesh, eye.upper), at(mesh, eye.lower)) / Math.max(1e-6, dist(at(mesh, eye.outer), at(mesh, eye.inner)));
}

/** Centre of an eye: the middle of its corners and lids (close to the pupil of an open eye). */
function eyeCentre(mesh: readonly (readonly number[])[], eye: { outer: number; inner: number; upper: number; lower: number }): Point {
  const pts = [eye.outer, eye.inner, eye.upper, eye.lower].map((i) => at(mesh, i));
  return [pts.reduce((s, p) => s + p[0], 0) / 4, pts.reduce((s, p) => s + p[1], 0) / 4];
}

export function measureFace(mesh: readonly (readonly number[])[]): FaceMeasure {
  const eyeA = eyeCentre(mesh, MESH.eyeL);
  const eyeB = eyeCentre(mesh, MESH.eyeR);
  const [eyeLeft, eyeRight] = eyeA[0] <= eyeB[0] ? [eyeA, eyeB] : [eyeB, eyeA];
  const cheekA = at(mesh, MESH.cheekLeft);
  const cheekB = at(mesh, MESH.cheekRight);
  const [cheekLeft, cheekRight] = cheekA[0] <= cheekB[0] ? [cheekA, cheekB] : [cheekB, cheekA];
  const eyeMid = mid(eyeLeft, eyeRight);
  const chin = at(mesh, MESH.chin);
  const noseTip = at(mesh, MESH.noseTip);
  const rollDeg = (Math.atan2(eyeRight[1] - eyeLeft[1], eyeRight[0] - eyeLeft[0]) * 180) / Math.PI;

  // Yaw and pitch proxies in the face's own upright frame, so a rolled head does not read as turned.
  const cos = Math.cos((-rollDeg * Math.PI) / 180);
  const sin = Math.sin((-rollDeg * Math.PI) / 180);
  const upright = (p: Point): Point => {
    const dx = p[0] - eyeMid[0];
    const dy = p[1] - eyeMid[1];
    return [dx * cos - dy * sin, dx * sin + dy * cos];
  };
  const cl = upright(cheekLeft);
  const cr = upright(cheekRight);
  const nt = upright(noseTip);
  const ch = upright(chin);
  const yaw = ((nt[0] - cl[0]) / Math.max(1e-6, cr[0] - cl[0])) * 2 - 1;
  const noseDrop = nt[1] / Math.max(1e-6, ch[1]);

  return {
    eyeLeft,
    eyeRight,
    eyeMid,
    chin,
    forehead: at(mesh, MESH.forehead),
    noseTip,
    cheekLeft,
    cheekRight,
    centre: mid(cheekLeft, cheekRight),
    faceWidth: dist(cheekLeft, cheekRight) * FACE_WIDTH_CALIBRATION,
    rollDeg,
    yaw,
    noseDrop,
    eyeOpenness: Math.min(openness(mesh, MESH.eyeL), openness(mesh, MESH.eyeR)),
    mouthOpenness:
      dist(at(mesh, MESH.lipsInnerUpper), at(mesh, MESH.lipsInnerLower)) /
      Math.max(1e-6, dist(at(mesh, MESH.mouthLeft), at(mesh, MESH.mouthRight))),
  };
}
