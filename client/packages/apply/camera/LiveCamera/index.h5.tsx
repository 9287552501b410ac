import { useEffect, useRef } from 'react';

import { CameraUnavailableError, observeFrame, openCamera, stopCamera, takeLivePhoto } from '../../../../platform/live-camera.h5';
import { CameraFrame, type LiveCameraProps } from './frame';
import { useFaceGuide } from './use-guide';

import './index.scss';

export type { LiveCameraProps } from './frame';

/** h5: getUserMedia preview (mirrored), the on-device detector on ≈ 10 frames a second. */
export function LiveCamera({ target, aspect, paused, onCapture, onUnavailable }: LiveCameraProps) {
  const video = useRef<HTMLVideoElement | null>(null);
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const { view, setView, feed, reset } = useFaceGuide(target);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const callbacks = useRef({ onCapture, onUnavailable });
  callbacks.current = { onCapture, onUnavailable };

  useEffect(() => {
    if (!paused) reset();
  }, [paused]);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const oval = target({ width: 3, height: 4 }).oval;
    const loop = async () => {
      if (stopped) return;
      const v = video.current;
      const c = canvas.current;
      if (v && c && !pausedRef.current) {
        try {
          const t0 = performance.now();
          const observation = await observeFrame(v, c);
          // Detector time per frame, read by the browser test's report (last 200 frames).
          const timings = ((window as { __faceTimings?: number[] }).__faceTimings ??= []);
          if (observation) timings.push(performance.now() - t0);
          if (timings.length > 200) timings.shift();
          if (observation && !stopped && !pausedRef.current && feed(observation, performance.now())) {
            callbacks.current.onCapture(await takeLivePhoto(v));
          }
        } catch {
          setView({ message: '人脸引导暂不可用,请对准框后点击拍照', ready: false, progress: 0, oval });
          return;
        }
      }
      timer = setTimeout(() => void loop(), 100);
    };
    (async () => {
      const v = video.current;
      if (!v) return;
      try {
        stream = await openCamera(v);
      } catch (error) {
        callbacks.current.onUnavailable(error instanceof CameraUnavailableError ? error.message : '无法打开相机,请从相册选择照片');
        return;
      }
      if (stopped) return stopCamera(stream);
      setView({ message: '正在加载人脸引导…', ready: false, progress: 0, oval, waiting: true });
      void loop();
    })();
    return () => {
      stopped = true;
      clearTimeout(timer);
      stopCamera(stream);
    };
  }, []);

  const shutter = async () => {
    if (video.current?.videoWidth) callbacks.current.onCapture(await takeLivePhoto(video.current));
  };

  return (
    <>
      <CameraFrame aspect={aspect} oval={view.oval} message={view.message} ready={view.ready} progress={view.progress} waiting={view.waiting}>
        <video ref={video} className="live-camera__media live-camera__media--mirrored" data-testid="camera-video" muted playsInline autoPlay />
        <canvas ref={canvas} style={{ display: 'none' }} />
      </CameraFrame>
      <LiveShutter disabled={paused} onShoot={() => void shutter()} />
    </>
  );
}

import { ActionButton } from '../../../../components/ActionButton';

function LiveShutter({ disabled, onShoot }: { disabled: boolean; onShoot: () => void }) {
  return (
    <ActionButton onClick={onShoot} disabled={disabled} disabledReason="正在上传,请稍候">
      拍照
    </ActionButton>
  );
}
