import { Camera } from '@tarojs/components';
import { useEffect, useRef, useState } from 'react';

import { ActionButton } from '../../../../components/ActionButton';
import { startLiveCamera, takeLivePhoto } from '../../../../platform/live-camera';
import { CameraFrame, type LiveCameraProps } from './frame';
import { useFaceGuide } from './use-guide';

import './index.scss';

export type { LiveCameraProps } from './frame';

/**
 * weapp: the `<Camera>` component (front lens) with VisionKit face tracking. Without VisionKit the
 * oval stays static, only the light is judged, and the person presses 拍照.
 */
export function LiveCamera({ target, aspect, paused, onCapture, onUnavailable }: LiveCameraProps) {
  const { view, setView, feed, reset } = useFaceGuide(target);
  const [tracks, setTracks] = useState(true);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const callbacks = useRef({ onCapture, onUnavailable });
  callbacks.current = { onCapture, onUnavailable };
  const started = useRef<ReturnType<typeof startLiveCamera> | null>(null);

  useEffect(() => {
    if (!paused) reset();
  }, [paused]);
  useEffect(() => () => started.current?.stop(), []);

  const begin = () => {
    const oval = target({ width: 3, height: 4 }).oval;
    let capturing = false;
    started.current = startLiveCamera((observation) => {
      if (pausedRef.current || capturing) return;
      if (!started.current?.tracksFaces) {
        const dark = (observation.sceneLuma ?? 255) < 70;
        setView({ message: dark ? '光线太暗,请面向光源' : '请将脸部对准框内,然后点击拍照', ready: false, progress: 0, oval });
        return;
      }
      if (feed(observation, Date.now())) {
        capturing = true;
        void takeLivePhoto()
          .then((photo) => callbacks.current.onCapture(photo))
          .finally(() => (capturing = false));
      }
    });
    setTracks(started.current.tracksFaces);
    setView({ message: '请将脸部对准框内', ready: false, progress: 0, oval });
  };

  return (
    <>
      <CameraFrame aspect={aspect} oval={view.oval} message={view.message} ready={view.ready} progress={view.progress} waiting={view.waiting}>
        <Camera
          className="live-camera__media"
          devicePosition="front"
          flash="off"
          frameSize="small"
          onInitDone={begin}
          onError={() => callbacks.current.onUnavailable('没有相机权限:请在微信设置中允许使用摄像头,或从相册选择照片')}
        />
      </CameraFrame>
      <ActionButton
        onClick={() => void takeLivePhoto().then((photo) => callbacks.current.onCapture(photo))}
        disabled={paused}
        disabledReason="正在上传,请稍候"
      >
        {tracks ? '拍照' : '拍照(对准框后点击)'}
      </ActionButton>
    </>
  );
}
