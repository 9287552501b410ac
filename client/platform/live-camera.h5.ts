/**
 * h5 live camera: `getUserMedia` (front camera) into a <video>, frames drawn to a canvas and
 * analysed by the BlazeFace detector, which is loaded with `import()` on first use (its own chunk,
 * with model and wasm files from `static/face/`).
 */
import type { FaceDetector, RgbaFrame } from '../packages/apply/camera/blazeface';
import type { FaceObservation } from '../packages/apply/camera/face-guide';
import type { ChosenPhoto } from './choose-photo';

export class CameraUnavailableError extends Error {
  constructor(
    message: string,
    readonly reason: 'denied' | 'missing' | 'unsupported',
  ) {
    super(message);
  }
}

let detector: Promise<FaceDetector> | null = null;

export function loadFaceDetector(): Promise<FaceDetector> {
  detector ??= import(/* webpackChunkName: "face-detector" */ '../packages/apply/camera/browser-detector')
    .then((m) => m.loadBrowserDetector())
    .catch((error: unknown) => {
      detector = null;
      throw error;
    });
  return detector;
}

/** Opens the front camera into `video`; rejects with a CameraUnavailableError a person can act on. */
export async function openCamera(video: HTMLVideoElement): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CameraUnavailableError('当前浏览器不支持网页拍照,请从相册选择照片', 'unsupported');
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: 'user', width: { ideal: 1280 }, height: { ideal: 960 } },
    });
  } catch (error) {
    const name = (error as { name?: string })?.name;
    if (name === 'NotAllowedError' || name === 'SecurityError') {
      throw new CameraUnavailableError('没有相机权限:请在浏览器设置中允许使用相机,或从相册选择照片', 'denied');
    }
    throw new CameraUnavailableError('没有找到可用的相机,请从相册选择照片', 'missing');
  }
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  await video.play().catch(() => undefined);
  return stream;
}

export function stopCamera(stream: MediaStream | null): void {
  stream?.getTracks().forEach((t) => t.stop());
}

/** Longest side of the frames analysed: BlazeFace works at 256 px, more only costs time. */
const ANALYSE_SIDE = 480;

/** The current video frame, shrunk, as RGBA (not mirrored: the view mirrors with CSS). */
export function grabFrame(video: HTMLVideoElement, canvas: HTMLCanvasElement): RgbaFrame | null {
  const vw = video.videoWidth;
  const vh = video.videoHeight;
  if (!vw || !vh) return null;
  const k = Math.min(1, ANALYSE_SIDE / Math.max(vw, vh));
  const width = Math.round(vw * k);
  const height = Math.round(vh * k);
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  ctx.drawImage(video, 0, 0, width, height);
  const image = ctx.getImageData(0, 0, width, height);
  return { data: image.data, width, height };
}

export async function observeFrame(video: HTMLVideoElement, canvas: HTMLCanvasElement): Promise<FaceObservation | null> {
  const frame = grabFrame(video, canvas);
  if (!frame) return null;
  return (await loadFaceDetector()).observe(frame);
}

/** The full-resolution frame as a JPEG, the right way round (the preview is a mirror; the photo is not). */
export async function takeLivePhoto(video: HTMLVideoElement): Promise<ChosenPhoto> {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d canvas');
  ctx.drawImage(video, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
  if (!blob) throw new Error('could not encode the photo');
  return { path: URL.createObjectURL(blob), size: blob.size, file: blob };
}
