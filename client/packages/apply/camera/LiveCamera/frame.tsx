import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';

import type { GuideTarget } from '../face-guide';

export interface LiveCameraProps {
  target: (frame: { width: number; height: number }) => GuideTarget;
  /** Aspect (width / height) of the view: the spec photo's. */
  aspect: number;
  /** Stops analysing and capturing (e.g. while uploading). */
  paused: boolean;
  onCapture: (photo: import('../../../../platform/choose-photo').ChosenPhoto) => void;
  /** The camera cannot be used: a Chinese message; the page offers the album. */
  onUnavailable: (message: string) => void;
}

/** The camera box: the preview (children), the oval, the live hint and the hold progress. */
export function CameraFrame({
  aspect,
  oval,
  message,
  ready,
  progress,
  waiting = false,
  children,
}: {
  aspect: number;
  oval: GuideTarget['oval'] | null;
  message: string;
  ready: boolean;
  progress: number;
  /** Opening the camera or loading the detector (can take seconds on a phone): a spinner. */
  waiting?: boolean;
  children: ReactNode;
}) {
  return (
    <View className="live-camera">
      <View className="live-camera__box" style={{ paddingBottom: `${(100 / aspect).toFixed(2)}%` }}>
        {children}
        {oval ? (
          <View
            className={`live-camera__oval ${ready ? 'live-camera__oval--ready' : ''}`}
            data-testid="camera-oval"
            style={{
              left: `${(oval.x * 100).toFixed(2)}%`,
              top: `${(oval.y * 100).toFixed(2)}%`,
              width: `${(oval.width * 100).toFixed(2)}%`,
              height: `${(oval.height * 100).toFixed(2)}%`,
            }}
          />
        ) : null}
        <View className="live-camera__progress" style={{ width: `${Math.round(progress * 100)}%` }} />
      </View>
      <View className="live-camera__status" role="status" aria-live="polite" aria-busy={waiting}>
        {waiting ? <View className="live-camera__spinner" data-testid="camera-waiting" /> : null}
        <Text className={`live-camera__hint ${ready ? 'live-camera__hint--ready' : ''}`} data-testid="camera-hint">
          {message}
        </Text>
      </View>
    </View>
  );
}
