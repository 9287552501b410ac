/**
 * weapp live camera: frames from `CameraContext.onCameraFrame` go through VisionKit's face detector
 * (`wx.createVKSession({ track: { face: { mode: 2 } } })` + `detectFace`, base library ≥ 2.25.0)
 * and come out as the same FaceObservation the h5 detector gives. Where VisionKit is missing, only
 * the light is measured (mean luma of the oval's middle) and the page offers the manual shutter.
 */
import Taro from '@tarojs/taro';

import type { FaceObservation, Point } from '../packages/apply/camera/face-guide';
import type { ChosenPhoto } from './choose-photo';

export interface LiveCameraHandle {
  /** Whether faces are tracked (false: light only, manual shutter). */
  tracksFaces: boolean;
  stop(): void;
}

interface VkFaceAnchor {
  origin: { x: number; y: number };
  size: { width: number; height: number };
  points: { x: number; y: number }[];
}
interface VkSession {
  start(cb: (err: unknown) => void): void;
  stop(): void;
  destroy?(): void;
  on(event: 'updateAnchors' | 'removeAnchors', cb: (anchors: VkFaceAnchor[]) => void): void;
  detectFace(args: { frameBuffer: ArrayBuffer; width: number; height: number; scoreThreshold: number; sourceType: number; modelMode: number }): void;
}
interface WxVk {
  createVKSession?(opts: object): VkSession;
  isVKSupport?(version: string): boolean;
}

function lumaOfCentre(data: Uint8Array, width: number, height: number): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.round(height * 0.3); y < height * 0.6; y += 4) {
    for (let x = Math.round(width * 0.35); x < width * 0.65; x += 4) {
      const i = (y * width + x) * 4;
      sum += 0.299 * (data[i] ?? 0) + 0.587 * (data[i + 1] ?? 0) + 0.114 * (data[i + 2] ?? 0);
      n += 1;
    }
  }
  return n ? sum / n : 0;
}

/** VisionKit's 106 points (0–32 contour, 16 chin, 46 nose tip, 52–57 / 58–63 eyes) → landmarks. */
function toObservation(anchor: VkFaceAnchor | undefined, count: number, frame: { width: number; height: number }, luma: number): FaceObservation {
  if (!anchor) return { frame, face: null, faceCount: 0 };
  // Points and box are relative (0..1) to the image.
  const px = (p: { x: number; y: number } | undefined): Point => [(p?.x ?? 0) * frame.width, (p?.y ?? 0) * frame.height];
  const avg = (from: number, to: number): Point => {
    const pts = anchor.points.slice(from, to + 1).map(px);
    return [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
  };
  const a = avg(52, 57);
  const b = avg(58, 63);
  const contourL = px(anchor.points[0]);
  const contourR = px(anchor.points[32]);
  return {
    frame,
    faceCount: count,
    face: {
      box: {
        x: anchor.origin.x * frame.width,
        y: anchor.origin.y * frame.height,
        width: anchor.size.width * frame.width,
        height: anchor.size.height * frame.height,
      },
      eyeLeft: a[0] <= b[0] ? a : b,
      eyeRight: a[0] <= b[0] ? b : a,
      nose: px(anchor.points[46]),
      faceWidth: Math.hypot(contourR[0] - contourL[0], contourR[1] - contourL[1]),
      luma,
    },
  };
}

/** Starts tracking on the page's `<Camera>`; calls `onFrame` for every analysed frame. */
export function startLiveCamera(onFrame: (observation: FaceObservation) => void): LiveCameraHandle {
  const wxApi = (globalThis as { wx?: WxVk }).wx;
  const camera = Taro.createCameraContext();
  let session: VkSession | null = null;
  try {
    if (wxApi?.createVKSession && (wxApi.isVKSupport?.('v1') ?? true)) {
      session = wxApi.createVKSession({ track: { face: { mode: 2 } }, version: 'v1' });
    }
  } catch {
    session = null;
  }
  let last = { frame: { width: 0, height: 0 }, luma: 0 };
  let busy = false;
  if (session) {
    session.on('updateAnchors', (anchors) => {
      busy = false;
      onFrame(toObservation(anchors[0], anchors.length, last.frame, last.luma));
    });
    session.on('removeAnchors', () => {
      busy = false;
      onFrame({ frame: last.frame, face: null, faceCount: 0 });
    });
    session.start((err) => {
      if (err) session = null;
    });
  }
  let skip = 0;
  const listener = camera.onCameraFrame((frame) => {
    // ≈ 10 analyses a second is plenty for a guide and keeps the phone cool.
    skip = (skip + 1) % 3;
    if (skip !== 0 || busy) return;
    const data = new Uint8Array(frame.data);
    last = { frame: { width: frame.width, height: frame.height }, luma: lumaOfCentre(data, frame.width, frame.height) };
    if (session) {
      busy = true;
      session.detectFace({ frameBuffer: frame.data, width: frame.width, height: frame.height, scoreThreshold: 0.6, sourceType: 0, modelMode: 0 });
      // A detector that never answers must not freeze the guide.
      setTimeout(() => (busy = false), 500);
    } else {
      onFrame({ frame: last.frame, face: null, faceCount: 0, sceneLuma: last.luma });
    }
  });
  listener.start({});
  return {
    tracksFaces: session !== null,
    stop() {
      listener.stop({});
      session?.stop();
      session?.destroy?.();
    },
  };
}

/** Takes the photo from the page's `<Camera>`. */
export async function takeLivePhoto(): Promise<ChosenPhoto> {
  const camera = Taro.createCameraContext();
  const result = await new Promise<{ tempImagePath: string }>((resolve, reject) =>
    camera.takePhoto({ quality: 'high', success: resolve, fail: reject }),
  );
  return { path: result.tempImagePath };
}
